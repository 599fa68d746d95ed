package io.telos.launch.suite;

import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.spi.ForwardingRobotHardware;
import io.telos.api.spi.RobotHardware;
import io.telos.api.spi.Steppable;
import java.util.List;

/**
 * Wraps the bridge so that every command the safety kernel writes (every servo tick, not only the
 * ones published on the bus) and every state the robot reports is checked against the keep-out
 * volumes. Delegates everything, stepping included; called on the servo thread only.
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

  MonitoredHardware(RobotHardware inner, KeepOutMonitor monitor, List<String> modelJoints) {
    super(inner);
    if (!(inner instanceof Steppable)) {
      throw new IllegalArgumentException("the suite runs in lock-step: the bridge must be steppable");
    }
    this.monitor = monitor;
    this.modelJoints = List.copyOf(modelJoints);
    this.q = new double[modelJoints.size()];
  }

  @Override
  public JointState read() {
    JointState s = inner.read();
    if (s != null && monitor.hasVolumes() && map(s.names(), s.position())) {
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
    if (monitor.hasVolumes() && map(command.names(), command.position())) {
      commands++;
      double c = monitor.clearance(q);
      minClearance = Math.min(minClearance, c);
      if (c < 0) {
        commandEntries++;
      }
    }
    inner.write(command);
  }

  private boolean map(List<String> names, io.telos.api.Vec pos) {
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
