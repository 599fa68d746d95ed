package io.telos.api;

import java.util.Objects;

/**
 * One entry of the operators' audit trail: something an operator did or tried, and what came of
 * it: a command to the agent (take, release, jog, e-stop, reset, request; accepted or refused), or
 * a console session event (login, login refused, logout, sessions revoked). Kept in episodic
 * memory with the episode being recorded.
 *
 * @param operator who (the name given, for a refused login)
 * @param action what, lower case: a command kind ({@code take}, {@code jog}, …) or {@code login},
 *     {@code login_refused}, {@code login_throttled}, {@code logout}, {@code sessions_revoked}
 * @param accepted whether it took effect
 * @param detail the agent's reply or the console's reason, and where from
 */
public record OperatorAction(Header header, String operator, String action, boolean accepted, String detail)
    implements Message {
  public OperatorAction {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(detail, "detail");
  }

  /** One line: {@code ana take accepted: you have control}. */
  public String describe() {
    return operator + " " + action + " " + (accepted ? "accepted" : "refused") + (detail.isEmpty() ? "" : ": " + detail);
  }
}
