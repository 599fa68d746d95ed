package io.telos.bridge.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telos.api.ObjectPose;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code <prefix>objects} payload: poses of tracked scene objects, as a simulator or a camera
 * tracker publishes them.
 *
 * <pre>
 * {"stamp_ns": 123, "objects": [{"name": "puck", "position": [0.5, -0.1, 0.03], "yaw": 0.0}]}
 * </pre>
 *
 * Positions in metres, base frame; yaw in rad about the base z axis (optional, 0). {@code stamp_ns}
 * is the sender's and informative only: the agent stamps poses on arrival (tracker and agent need
 * not share a clock), so the bridge's 500 ms staleness bound and the topic's message expiry are
 * what keep old poses out. Decoding refuses
 * malformed JSON, missing or non-finite fields, names that are not {@code [a-z][a-z0-9_]*}, names
 * given twice and more than {@value #MAX_OBJECTS} objects, with a reason.
 */
public final class ObjectsJson {
  /** Most objects one message may carry. */
  public static final int MAX_OBJECTS = 64;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  private ObjectsJson() {}

  public static byte[] encode(List<ObjectPose> objects, long stampNs) {
    StringBuilder b = new StringBuilder(32 + 80 * objects.size());
    b.append("{\"stamp_ns\":").append(stampNs).append(",\"objects\":[");
    for (int i = 0; i < objects.size(); i++) {
      ObjectPose o = objects.get(i);
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"name\":\"").append(o.name()).append("\",\"position\":[")
          .append(num(o.xM())).append(',').append(num(o.yM())).append(',').append(num(o.zM()))
          .append("],\"yaw\":").append(num(o.yawRad())).append('}');
    }
    return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Decodes a payload; every pose is stamped {@code receivedNs} (the agent's clock, like the
   * bridge's joint states).
   *
   * @throws JointJson.Rejected with the reason, for anything but a well-formed message
   */
  public static List<ObjectPose> decode(byte[] payload, long receivedNs) throws JointJson.Rejected {
    JsonNode root;
    try {
      root = MAPPER.readTree(payload);
    } catch (IOException e) {
      throw new JointJson.Rejected("objects: not JSON");
    }
    if (root == null || !root.isObject() || !root.path("objects").isArray()) {
      throw new JointJson.Rejected("objects: must be an object with an \"objects\" array");
    }
    JsonNode list = root.get("objects");
    if (list.size() > MAX_OBJECTS) {
      throw new JointJson.Rejected("objects: at most " + MAX_OBJECTS + " objects, had " + list.size());
    }
    List<ObjectPose> out = new ArrayList<>(list.size());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode o = list.get(i);
      String name = o.path("name").asText("");
      if (!NAME.matcher(name).matches() || !names.add(name)) {
        throw new JointJson.Rejected("objects[" + i + "].name: must be a unique [a-z][a-z0-9_]* name, was '" + name + "'");
      }
      JsonNode p = o.path("position");
      if (!p.isArray() || p.size() != 3) {
        throw new JointJson.Rejected("objects[" + i + "].position: must be [x, y, z]");
      }
      double[] v = new double[4];
      for (int k = 0; k < 3; k++) {
        if (!p.get(k).isNumber()) {
          throw new JointJson.Rejected("objects[" + i + "].position[" + k + "]: must be a number");
        }
        v[k] = p.get(k).asDouble();
      }
      JsonNode yaw = o.path("yaw");
      if (!yaw.isMissingNode() && !yaw.isNumber()) {
        throw new JointJson.Rejected("objects[" + i + "].yaw: must be a number");
      }
      v[3] = yaw.isNumber() ? yaw.asDouble() : 0.0;
      ObjectPose pose = new ObjectPose(name, v[0], v[1], v[2], v[3], receivedNs);
      if (!pose.isFinite() || Math.abs(v[0]) > 100 || Math.abs(v[1]) > 100 || Math.abs(v[2]) > 100) {
        throw new JointJson.Rejected("objects[" + i + "]: pose must be finite and within 100 m");
      }
      out.add(pose);
    }
    return List.copyOf(out);
  }

  private static String num(double d) {
    return String.format(Locale.ROOT, "%.6f", d);
  }
}
