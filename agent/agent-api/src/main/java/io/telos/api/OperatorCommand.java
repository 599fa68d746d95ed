package io.telos.api;

import java.util.Objects;

/**
 * A request from a remote operator, already authenticated by the console or station that relays
 * it. Sent request/reply to {@link Addresses#teleop(String)}; the answer is an
 * {@link OperatorReply}. Nothing an operator sends reaches the robot except through the safety
 * kernel.
 *
 * @param operator who sends it (the authenticated name)
 * @param kind what is asked
 * @param frame for {@link Kind#JOG}: how {@code values} are to be read
 * @param values for {@link Kind#JOG}: joint velocities (rad/s, chain order) in {@link Frame#JOINT},
 *     else a twist {@code [vx, vy, vz, wx, wy, wz]} (m/s, rad/s) in the base or tool frame; empty otherwise
 */
public record OperatorCommand(Header header, String operator, Kind kind, Frame frame, Vec values) implements Message {
  /** What an operator can ask. */
  public enum Kind {
    /** Take the control lease (the arm goes to TELEOP, starting from where it is). */
    TAKE,
    /** Give the lease back; the agent resumes autonomy from the current state. */
    RELEASE,
    /** The deadman heartbeat of the lease holder. */
    HEARTBEAT,
    /** A jog velocity, valid until the next jog or for the jog timeout. */
    JOG,
    /** Protective stop, from anyone logged in. */
    ESTOP,
    /** Clear a protective stop into HOLD. */
    RESET,
    /** Ask the agent to stop and hand over (raises an OPERATOR_REQUEST handover). */
    REQUEST
  }

  /** How jog values are expressed. */
  public enum Frame {
    JOINT,
    BASE,
    TOOL
  }

  public OperatorCommand {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(frame, "frame");
    Objects.requireNonNull(values, "values");
  }

  /** A command without jog values. */
  public static OperatorCommand of(Header header, String operator, Kind kind) {
    return new OperatorCommand(header, operator, kind, Frame.JOINT, Vec.zeros(0));
  }
}
