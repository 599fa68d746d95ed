package io.telos.api;

import java.util.Set;

/**
 * Every event-bus address, in one place. Nothing else in the code base spells an address.
 * Per-robot addresses are {@code <family>.<robotId>.<topic>}.
 */
public final class Addresses {
  private Addresses() {}

  /** {@link JointState} measured by the robot, published by its bridge. */
  public static String robotState(String robotId) {
    return "robot." + robotId + ".state";
  }

  /** {@link JointCommand} sent to the robot, published by the safety kernel. */
  public static String robotCommand(String robotId) {
    return "robot." + robotId + ".command";
  }

  /** {@link Observation} built by perception. */
  public static String observation(String robotId) {
    return "perception." + robotId + ".observation";
  }

  /** {@link ActionChunk} produced by the planner. */
  public static String plan(String robotId) {
    return "planner." + robotId + ".plan";
  }

  /** {@link Goal} issued by a task. */
  public static String goal(String robotId) {
    return "task." + robotId + ".goal";
  }

  /** {@link GoalOutcome} when a goal ends. */
  public static String goalOutcome(String robotId) {
    return "task." + robotId + ".outcome";
  }

  /** {@link ModeChange} records from the arbiter. */
  public static String mode(String robotId) {
    return "agent." + robotId + ".mode";
  }

  /** Requests to the arbiter (a {@link Mode} name, or {@code reset}); request/reply. */
  public static String modeRequest(String robotId) {
    return "agent." + robotId + ".mode.request";
  }

  /** {@link Fault} records from any component. */
  public static String fault(String robotId) {
    return "agent." + robotId + ".fault";
  }

  /** {@link HandoverRequest} records from the fallback logic. */
  public static String handover(String robotId) {
    return "agent." + robotId + ".handover";
  }

  /** {@link PlanSignals} from the planner, one per plan. */
  public static String planSignals(String robotId) {
    return "planner." + robotId + ".signals";
  }

  /** {@link OperatorCommand} requests to the teleoperation service; replies are {@link OperatorReply}. */
  public static String teleop(String robotId) {
    return "teleop." + robotId + ".command";
  }

  /** {@link LeaseChange} records from the teleoperation service. */
  public static String lease(String robotId) {
    return "teleop." + robotId + ".lease";
  }

  /** {@link OperatorAction} records: the operators' audit trail (teleoperation service and consoles). */
  public static String operatorAction(String robotId) {
    return "teleop." + robotId + ".action";
  }

  /** {@link ResponseReport} records: the arm's response as identified online, about once a second. */
  public static String response(String robotId) {
    return "agent." + robotId + ".response";
  }

  /**
   * Where every agent of a fleet publishes its robot's status (JSON text, about once a second); on a
   * clustered event bus it reaches every member (ADR 0015).
   */
  public static String fleetStatus() {
    return "telos.fleet.status";
  }

  /**
   * What {@link #fleetMode} takes: autonomy, hold, reset of a stop, e-stop. Not TELEOP: taking
   * control is a console's lease with a live jog input; a bare TELEOP would end in a deadman stop.
   */
  public static final Set<String> FLEET_REQUESTS = Set.of("AUTONOMOUS", "HOLD", "reset", "estop");

  /** Where a robot's agent takes operator mode requests ({@link #FLEET_REQUESTS}) from any member of its fleet (String in, String reply). */
  public static String fleetMode(String robotId) {
    return "telos.fleet." + robotId + ".mode";
  }

  /**
   * Where a robot's agent takes operator commands from a console on any member of its fleet: the
   * operator protocol's JSON object plus {@code operator} (the authenticated name) and
   * {@code member} (the console's cluster node); the reply is the protocol's reply object. The
   * lease is held as {@code operator@member}, so it dies with the member that holds it.
   */
  public static String fleetOperator(String robotId) {
    return "telos.fleet." + robotId + ".operator";
  }

  /**
   * The cluster-wide map in which the fleet trainer keeps its model releases (JSON text with the
   * model's bytes, under {@code "vK"}) and the newest version's number (under {@code "latest"}).
   */
  public static String fleetModels() {
    return "telos.fleet.models";
  }
}
