package io.telos.bridge.mqtt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.Vec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The wire format of {@code state} and {@code command} (see {@code state.schema.json} and
 * {@code command.schema.json} next to this class). Field names follow {@code sensor_msgs/JointState}.
 *
 * <p>An instance decodes for one joint order: joints are matched <em>by name</em> and the arrays
 * are returned in that order. A message is rejected ({@link Rejected}, with the reason) when it
 * is not valid JSON, lacks a required field, has a value that is not a finite number, names an
 * unknown joint or a joint twice, misses a joint, or has arrays of different lengths. Unknown
 * fields are ignored. Encoding never fails for finite values.
 */
public final class JointJson {
  /** Field names. */
  public static final String STAMP_NS = "stamp_ns";
  public static final String SEQ = "seq";
  public static final String NAME = "name";
  public static final String POSITION = "position";
  public static final String VELOCITY = "velocity";
  public static final String EFFORT = "effort";
  public static final String MODE = "mode";

  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private final List<String> joints;
  private final Map<String, Integer> index;

  /** A decoded state, arrays in the decoder's joint order; velocity and effort may be empty. */
  public record State(long stampNs, double[] position, double[] velocity, double[] effort) {}

  /** A decoded command, arrays in the decoder's joint order. */
  public record Command(long stampNs, long seq, double[] position, double[] velocity, Mode mode) {}

  /** Why a message was refused. */
  public static final class Rejected extends Exception {
    public Rejected(String reason) {
      super(reason, null, false, false);
    }
  }

  /** A decoder for {@code jointOrder} (the order of the returned arrays). */
  public JointJson(List<String> jointOrder) {
    this.joints = List.copyOf(jointOrder);
    this.index = new HashMap<>();
    for (int i = 0; i < joints.size(); i++) {
      if (index.put(joints.get(i), i) != null) {
        throw new IllegalArgumentException("joint '" + joints.get(i) + "' listed twice");
      }
    }
  }

  public List<String> joints() {
    return joints;
  }

  // ---------------------------------------------------------------- encode

  /** {@code {"stamp_ns":…,"name":[…],"position":[…],"velocity":[…],"effort":[…]}}. */
  public static byte[] encodeState(JointState s) {
    StringBuilder b = new StringBuilder(64 + 48 * s.names().size());
    b.append("{\"").append(STAMP_NS).append("\":").append(s.header().stampNs());
    names(b, s.names());
    numbers(b, POSITION, s.position());
    numbers(b, VELOCITY, s.velocity());
    numbers(b, EFFORT, s.effort());
    return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code {"stamp_ns":…,"seq":…,"name":[…],"position":[…],"velocity":[…],"mode":"AUTONOMOUS"}}. */
  public static byte[] encodeCommand(JointCommand c) {
    StringBuilder b = new StringBuilder(96 + 40 * c.names().size());
    b.append("{\"").append(STAMP_NS).append("\":").append(c.header().stampNs());
    b.append(",\"").append(SEQ).append("\":").append(c.header().sequence());
    names(b, c.names());
    numbers(b, POSITION, c.position());
    numbers(b, VELOCITY, c.velocity());
    b.append(",\"").append(MODE).append("\":\"").append(c.mode().name()).append('"');
    return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void names(StringBuilder b, List<String> names) {
    b.append(",\"").append(NAME).append("\":[");
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      quote(b, names.get(i));
    }
    b.append(']');
  }

  private static void numbers(StringBuilder b, String field, Vec v) {
    b.append(",\"").append(field).append("\":[");
    for (int i = 0; i < v.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      double d = v.get(i);
      // JSON has no NaN or infinity; the peer rejects null, which is what we want.
      if (Double.isFinite(d)) {
        b.append(d);
      } else {
        b.append("null");
      }
    }
    b.append(']');
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  // ---------------------------------------------------------------- decode

  /** Decodes a state; arrays come back in this decoder's joint order. */
  public State decodeState(byte[] json) throws Rejected {
    Fields f = parse(json);
    require(f.stampNs != null, STAMP_NS);
    require(f.names != null, NAME);
    require(f.position != null, POSITION);
    int[] to = mapping(f.names);
    sameLength(POSITION, f.position, f.names.size(), false);
    sameLength(VELOCITY, f.velocity, f.names.size(), true);
    sameLength(EFFORT, f.effort, f.names.size(), true);
    return new State(f.stampNs, reorder(f.position, to), reorder(f.velocity, to), reorder(f.effort, to));
  }

  /** Decodes a command; arrays come back in this decoder's joint order. */
  public Command decodeCommand(byte[] json) throws Rejected {
    Fields f = parse(json);
    require(f.stampNs != null, STAMP_NS);
    require(f.seq != null, SEQ);
    require(f.names != null, NAME);
    require(f.position != null, POSITION);
    require(f.velocity != null, VELOCITY);
    require(f.mode != null, MODE);
    int[] to = mapping(f.names);
    sameLength(POSITION, f.position, f.names.size(), false);
    sameLength(VELOCITY, f.velocity, f.names.size(), false);
    return new Command(f.stampNs, f.seq, reorder(f.position, to), reorder(f.velocity, to), f.mode);
  }

  private static void require(boolean present, String field) throws Rejected {
    if (!present) {
      throw new Rejected("missing field '" + field + "'");
    }
  }

  private static void sameLength(String field, double[] values, int n, boolean mayBeEmpty) throws Rejected {
    if (values == null || (mayBeEmpty && values.length == 0)) {
      return;
    }
    if (values.length != n) {
      throw new Rejected("'" + field + "' has " + values.length + " values for " + n + " names");
    }
  }

  /** For each message index, the index in this decoder's order. */
  private int[] mapping(List<String> names) throws Rejected {
    int[] to = new int[names.size()];
    boolean[] seen = new boolean[joints.size()];
    for (int i = 0; i < to.length; i++) {
      Integer j = index.get(names.get(i));
      if (j == null) {
        throw new Rejected("unknown joint '" + names.get(i) + "' (expected " + joints + ")");
      }
      if (seen[j]) {
        throw new Rejected("joint '" + names.get(i) + "' named twice");
      }
      seen[j] = true;
      to[i] = j;
    }
    for (int j = 0; j < seen.length; j++) {
      if (!seen[j]) {
        throw new Rejected("missing joint '" + joints.get(j) + "'");
      }
    }
    return to;
  }

  private static double[] reorder(double[] values, int[] to) {
    if (values == null || values.length == 0) {
      return new double[0];
    }
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[to[i]] = values[i];
    }
    return out;
  }

  private static final class Fields {
    Long stampNs;
    Long seq;
    List<String> names;
    double[] position;
    double[] velocity;
    double[] effort;
    Mode mode;
  }

  private static Fields parse(byte[] json) throws Rejected {
    Fields f = new Fields();
    if (json.length == 0) {
      throw new Rejected("empty payload");
    }
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new Rejected("not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case STAMP_NS -> f.stampNs = nonNegativeLong(p, t, field);
          case SEQ -> f.seq = nonNegativeLong(p, t, field);
          case NAME -> f.names = strings(p, t, field);
          case POSITION -> f.position = finiteNumbers(p, t, field);
          case VELOCITY -> f.velocity = finiteNumbers(p, t, field);
          case EFFORT -> f.effort = finiteNumbers(p, t, field);
          case MODE -> f.mode = mode(p, t);
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new Rejected("malformed JSON object");
      }
      if (p.nextToken() != null) {
        throw new Rejected("trailing content after the JSON object");
      }
    } catch (IOException e) {
      throw new Rejected("malformed JSON: " + firstLine(e.getMessage()));
    }
    return f;
  }

  private static long nonNegativeLong(JsonParser p, JsonToken t, String field) throws IOException, Rejected {
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new Rejected("'" + field + "' must be an integer");
    }
    long v = p.getLongValue();
    if (v < 0) {
      throw new Rejected("'" + field + "' must be >= 0, was " + v);
    }
    return v;
  }

  private static List<String> strings(JsonParser p, JsonToken t, String field) throws IOException, Rejected {
    if (t != JsonToken.START_ARRAY) {
      throw new Rejected("'" + field + "' must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    JsonToken e;
    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
      if (e != JsonToken.VALUE_STRING) {
        throw new Rejected("'" + field + "' must be an array of strings");
      }
      out.add(p.getText());
    }
    return out;
  }

  private static double[] finiteNumbers(JsonParser p, JsonToken t, String field) throws IOException, Rejected {
    if (t != JsonToken.START_ARRAY) {
      throw new Rejected("'" + field + "' must be an array of numbers");
    }
    double[] out = new double[8];
    int n = 0;
    JsonToken e;
    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
      if (e != JsonToken.VALUE_NUMBER_INT && e != JsonToken.VALUE_NUMBER_FLOAT) {
        throw new Rejected("'" + field + "'[" + n + "] is not a number (" + p.getText() + ")");
      }
      double d = p.getDoubleValue();
      if (!Double.isFinite(d)) {
        throw new Rejected("'" + field + "'[" + n + "] is not finite (" + p.getText() + ")");
      }
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n++] = d;
    }
    return Arrays.copyOf(out, n);
  }

  private static Mode mode(JsonParser p, JsonToken t) throws IOException, Rejected {
    if (t == JsonToken.VALUE_STRING) {
      String s = p.getText().trim().toUpperCase(Locale.ROOT);
      for (Mode m : Mode.values()) {
        if (m.name().equals(s)) {
          return m;
        }
      }
    }
    throw new Rejected("'" + MODE + "' must be one of AUTONOMOUS, HOLD, PROTECTIVE_STOP");
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
