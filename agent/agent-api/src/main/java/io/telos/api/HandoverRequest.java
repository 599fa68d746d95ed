package io.telos.api;

import java.util.Objects;

/**
 * The agent asks a remote operator to take the arm, or withdraws that request. Raised by the
 * fallback logic when a trigger from the launch file fires; recorded in memory like every other
 * record.
 *
 * @param trigger what fired
 * @param detail human-readable detail: the measured value and the threshold it crossed
 * @param open {@code true} while the request stands, {@code false} when it is withdrawn or served
 */
public record HandoverRequest(Header header, Trigger trigger, String detail, boolean open)
    implements Message {
  /** Why the agent hands over. */
  public enum Trigger {
    /** The world model's uncertainty along the chosen plan crossed its threshold. */
    UNCERTAIN,
    /** The planner's energy stopped improving short of the goal. */
    STUCK,
    /** No plan satisfies the hard guardrails. */
    INFEASIBLE,
    /** A bridge or sensor fault. */
    FAULT,
    /** An operator asked for control. */
    OPERATOR_REQUEST
  }

  public HandoverRequest {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(detail, "detail");
  }
}
