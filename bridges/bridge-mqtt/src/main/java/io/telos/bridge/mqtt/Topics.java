package io.telos.bridge.mqtt;

import java.util.Objects;

/**
 * The topics of one robot under a prefix (default {@code telos/<robotId>/}).
 *
 * <table>
 *   <caption>topic contract</caption>
 *   <tr><th>topic</th><th>direction</th><th>payload</th></tr>
 *   <tr><td>{@code <prefix>state}</td><td>robot → agent</td><td>joint state JSON ({@code state.schema.json})</td></tr>
 *   <tr><td>{@code <prefix>command}</td><td>agent → robot</td><td>joint command JSON ({@code command.schema.json}), with a message expiry interval</td></tr>
 *   <tr><td>{@code <prefix>status}</td><td>agent → anyone</td><td>retained {@code online} / {@code offline}; last will {@code offline}</td></tr>
 *   <tr><td>{@code <prefix>robot_status}</td><td>robot → agent</td><td>retained {@code online} / {@code offline}; last will {@code offline}</td></tr>
 *   <tr><td>{@code <prefix>objects}</td><td>robot or tracker → agent</td><td>poses of scene objects ({@link ObjectsJson})</td></tr>
 *   <tr><td>{@code <prefix>camera}</td><td>robot or camera → agent</td><td>a picture: a JSON header line, then PNG or JPEG ({@link CameraImages})</td></tr>
 *   <tr><td>{@code <prefix>estop}</td><td>anyone → agent</td><td>any non-empty payload requests a protective stop</td></tr>
 * </table>
 *
 * @param prefix the prefix, ending in {@code /}
 */
public record Topics(String prefix) {
  public static final String STATE = "state";
  public static final String COMMAND = "command";
  public static final String STATUS = "status";
  public static final String ROBOT_STATUS = "robot_status";
  public static final String ESTOP = "estop";
  public static final String OBJECTS = "objects";
  public static final String CAMERA = "camera";

  /** Payload of a retained status while the peer is connected. */
  public static final String ONLINE = "online";
  /** Payload of a retained status (and of the last will) once the peer is gone. */
  public static final String OFFLINE = "offline";

  public Topics {
    Objects.requireNonNull(prefix, "prefix");
  }

  /** The default prefix, {@code telos/<robotId>/}. */
  public static String defaultPrefix(String robotId) {
    return "telos/" + robotId + "/";
  }

  public String state() {
    return prefix + STATE;
  }

  public String command() {
    return prefix + COMMAND;
  }

  public String status() {
    return prefix + STATUS;
  }

  public String robotStatus() {
    return prefix + ROBOT_STATUS;
  }

  public String objects() {
    return prefix + OBJECTS;
  }

  public String camera() {
    return prefix + CAMERA;
  }

  public String estop() {
    return prefix + ESTOP;
  }
}
