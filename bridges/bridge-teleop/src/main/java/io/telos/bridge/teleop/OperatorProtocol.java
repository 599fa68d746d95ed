package io.telos.bridge.teleop;

import io.telos.api.Header;
import io.telos.api.OperatorCommand;
import io.telos.api.OperatorCommand.Frame;
import io.telos.api.OperatorCommand.Kind;
import io.telos.api.OperatorReply;
import io.telos.api.Vec;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * The operator protocol, shared by the web console's WebSocket and the MQTT operator station: one
 * JSON object per message.
 *
 * <p>Operator to agent: {@code {"type": "take" | "release" | "heartbeat" | "jog" | "estop" | "reset"
 * | "request", "id": 7, "frame": "joint" | "base" | "tool", "v": [...]}} ({@code frame} and
 * {@code v} for jog only; {@code id} optional, echoed in the reply). Agent to operator:
 * {@code {"type": "reply", "id": 7, "accepted": true, "mode": "TELEOP", "holder": "ana",
 * "message": "..."}}, {@code {"type": "error", "message": "..."}} for a message that could not be
 * read, and the telemetry and event messages of {@link Telemetry}.
 */
public final class OperatorProtocol {
  /** A message that is not a valid operator command; its text says what is wrong. */
  public static final class ProtocolException extends Exception {
    public ProtocolException(String message) {
      super(message);
    }
  }

  private OperatorProtocol() {}

  /** Reads one message; {@code operator} is the authenticated name, never taken from the message. */
  public static OperatorCommand parse(String text, String operator, long sequence, long stampNs)
      throws ProtocolException {
    return parse(object(text), operator, sequence, stampNs);
  }

  /** One message as a JSON object. */
  public static JsonObject object(String text) throws ProtocolException {
    try {
      return new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new ProtocolException("not a JSON object");
    }
  }

  public static OperatorCommand parse(JsonObject m, String operator, long sequence, long stampNs)
      throws ProtocolException {
    Object type = m.getValue("type");
    if (!(type instanceof String t)) {
      throw new ProtocolException("missing \"type\"");
    }
    Kind kind;
    try {
      kind = Kind.valueOf(t.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("unknown type \"" + t + "\" (take, release, heartbeat, jog, estop, reset, request)");
    }
    Header h = new Header(sequence, stampNs, "operator/" + operator, "");
    if (kind != Kind.JOG) {
      return OperatorCommand.of(h, operator, kind);
    }
    Object f = m.getValue("frame", "joint");
    Frame frame;
    try {
      frame = Frame.valueOf(String.valueOf(f).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("unknown frame \"" + f + "\" (joint, base, tool)");
    }
    Object raw = m.getValue("v");
    if (!(raw instanceof JsonArray arr) || arr.isEmpty() || arr.size() > 32) {
      throw new ProtocolException("jog needs \"v\": an array of 1 to 32 numbers");
    }
    double[] v = new double[arr.size()];
    for (int i = 0; i < v.length; i++) {
      Object x = arr.getValue(i);
      if (!(x instanceof Number n) || !Double.isFinite(n.doubleValue())) {
        throw new ProtocolException("v[" + i + "] is not a finite number");
      }
      v[i] = n.doubleValue();
    }
    return new OperatorCommand(h, operator, kind, frame, Vec.of(v));
  }

  public static JsonObject reply(Object id, OperatorReply r) {
    return new JsonObject().put("type", "reply").put("id", id).put("accepted", r.accepted())
        .put("mode", r.mode().name()).put("holder", r.holder()).put("message", r.message());
  }

  public static JsonObject error(Object id, String message) {
    return new JsonObject().put("type", "error").put("id", id).put("message", message);
  }
}
