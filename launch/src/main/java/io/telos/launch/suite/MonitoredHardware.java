package io.telos.launch.suite;

import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.ObjectPose;
import io.telos.api.Vec;
import io.telos.api.spi.ForwardingRobotHardware;
import io.telos.api.spi.RobotHardware;
import io.telos.api.spi.Steppable;
import io.telos.model.CollisionModel;
import io.telos.model.KinematicChain;
import io.telos.model.RobotModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Wraps the bridge so that every command the safety kernel writes (every servo tick, not only the
 * ones published on the bus) and every state the robot reports is checked against the keep-out
 * volumes, and for the tool going below the table: the end-effector (forward kinematics of its own)
 * lower than the tool's contact radius above the base plane. Delegates everything, stepping
 * included; called on the servo thread only.
 */
final class MonitoredHardware extends ForwardingRobotHardware implements Steppable {
  private final KeepOutMonitor monitor;
  private final List<String> modelJoints;
  private final double[] q;
  private long commands;
  private long commandEntries;
  private long states;
  private long stateEntries;
  private double minClearance = Double.POSITIVE_INFINITY;
  private final KinematicChain chain;
  private final KinematicChain.Scratch scratch;
  private final double[] tool = new double[3];
  private final double toolRadius;
  private long commandsBelowTable;
  private long statesBelowTable;
  private double minToolHeight = Double.POSITIVE_INFINITY;
  private final CollisionMonitor collisions;
  private long collisionTicks;
  private final Map<String, double[]> firstPose = new HashMap<>();
  private final Map<String, Double> farthest = new HashMap<>();

  MonitoredHardware(RobotHardware inner, KeepOutMonitor monitor, List<String> modelJoints) {
    this(inner, monitor, modelJoints, null, 0, null);
  }

  /**
   * @param model the arm, for the tool's height (null: no table check)
   * @param toolRadius radius of the tool's contact sphere (the scene's; 0 without a scene)
   * @param collision the run's collision model (self_collision on), or null: the arm's default
   *     capsules and allowed pairs
   */
  MonitoredHardware(RobotHardware inner, KeepOutMonitor monitor, List<String> modelJoints,
      RobotModel model, double toolRadius, CollisionModel collision) {
    super(inner);
    if (!(inner instanceof Steppable)) {
      throw new IllegalArgumentException("the suite runs in lock-step: the bridge must be steppable");
    }
    this.monitor = monitor;
    this.modelJoints = List.copyOf(modelJoints);
    this.q = new double[modelJoints.size()];
    this.chain = model == null ? null : model.chain();
    this.scratch = chain == null ? null : chain.newScratch();
    this.toolRadius = toolRadius;
    this.collisions = model == null ? null
        : collision != null ? new CollisionMonitor(collision) : new CollisionMonitor(model);
  }

  /** Counts a configuration (in {@link #q}) with a self-collision or a link below the table. */
  private void checkCollisions() {
    if (collisions != null && (collisions.selfCollides(q) | collisions.lowestAboveTable() < 0)) {
      collisionTicks++;
    }
  }

  /**
   * Commands and measured states (each tick counted once per side) with two links that may not
   * touch overlapping or a link below the table ({@link CollisionMonitor}).
   */
  long collisionTicks() {
    return collisionTicks;
  }

  /** True when the configuration in {@link #q} puts the tool's sphere below the table. */
  private boolean belowTable() {
    chain.forwardPosition(q, tool, scratch);
    double h = tool[2] - toolRadius;
    minToolHeight = Math.min(minToolHeight, h);
    return h < 0;
  }

  /**
   * How far each scene object got from where it was at the first read (planar, m): the
   * simulator's truth, whatever the planner believed.
   */
  Map<String, Double> objectDisplacements() {
    return Map.copyOf(farthest);
  }

  private void trackObjects() {
    for (ObjectPose p : inner.objects()) {
      if (!p.isFinite()) {
        continue;
      }
      double[] first = firstPose.computeIfAbsent(p.name(), k -> new double[] {p.xM(), p.yM()});
      farthest.merge(p.name(), Math.hypot(p.xM() - first[0], p.yM() - first[1]), Math::max);
    }
  }

  @Override
  public JointState read() {
    JointState s = inner.read();
    trackObjects();
    boolean mapped = s != null && map(s.names(), s.position());
    if (mapped && chain != null && belowTable()) {
      statesBelowTable++;
    }
    if (mapped) {
      checkCollisions();
    }
    if (mapped && monitor.hasVolumes()) {
      states++;
      double c = monitor.clearance(q);
      minClearance = Math.min(minClearance, c);
      if (c < 0) {
        stateEntries++;
      }
    }
    return s;
  }

  @Override
  public void write(JointCommand command) {
    boolean mapped = map(command.names(), command.position());
    if (mapped && chain != null && belowTable()) {
      commandsBelowTable++;
    }
    if (mapped) {
      checkCollisions();
    }
    if (mapped && monitor.hasVolumes()) {
      commands++;
      double c = monitor.clearance(q);
      minClearance = Math.min(minClearance, c);
      if (c < 0) {
        commandEntries++;
      }
    }
    inner.write(command);
  }

  private boolean map(List<String> names, Vec pos) {
    for (int i = 0; i < q.length; i++) {
      int j = names.indexOf(modelJoints.get(i));
      if (j < 0 || j >= pos.size()) {
        return false;
      }
      q[i] = pos.get(j);
    }
    return true;
  }

  @Override
  public void step(long dtNs) {
    ((Steppable) inner).step(dtNs);
  }

  long commandsChecked() {
    return commands;
  }

  /** Commands that would put the tool's sphere below the table. */
  long commandsBelowTable() {
    return commandsBelowTable;
  }

  /** Measured states with the tool's sphere below the table. */
  long statesBelowTable() {
    return statesBelowTable;
  }

  /** Lowest tool-sphere height above the table seen, m. */
  double minToolHeight() {
    return minToolHeight;
  }

  long commandEntries() {
    return commandEntries;
  }

  long statesChecked() {
    return states;
  }

  long stateEntries() {
    return stateEntries;
  }

  double minClearance() {
    return minClearance;
  }
}
