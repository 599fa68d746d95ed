package io.telos.launch.identify;

import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Vec;
import io.telos.api.spi.ForwardingRobotHardware;
import io.telos.api.spi.RobotHardware;
import io.telos.api.spi.Steppable;
import io.telos.perception.response.ResponseEstimator;
import java.util.List;

/**
 * Wraps the bridge so that every command the safety kernel writes (every servo tick) is recorded,
 * with the position measured just before it, into a {@link ResponseEstimator}. Joints are mapped
 * to chain order by name. Delegates everything, stepping included. Called on the servo thread
 * only; allocation-free per tick once the joint order is known.
 */
public final class RecordingHardware extends ForwardingRobotHardware implements Steppable {
  private final List<String> chain;
  private final ResponseEstimator estimator;
  private final double[] measured;
  private final double[] command;
  private List<String> stateNames;
  private int[] stateMap;
  private List<String> commandNames;
  private int[] commandMap;
  private boolean haveState;

  /** @param chain joint names in chain order (the estimator's order) */
  public RecordingHardware(RobotHardware inner, List<String> chain, ResponseEstimator estimator) {
    super(inner);
    this.chain = List.copyOf(chain);
    if (estimator.joints() != chain.size()) {
      throw new IllegalArgumentException("estimator has " + estimator.joints() + " joints, chain " + chain.size());
    }
    this.estimator = estimator;
    this.measured = new double[chain.size()];
    this.command = new double[chain.size()];
  }

  @Override
  public JointState read() {
    JointState s = inner.read();
    if (s != null) {
      if (s.names() != stateNames && !s.names().equals(stateNames)) {
        stateNames = s.names();
        stateMap = map(stateNames);
      }
      haveState = copy(s.position(), stateMap, measured);
    }
    return s;
  }

  @Override
  public void write(JointCommand cmd) {
    if (haveState && cmd != null) {
      if (cmd.names() != commandNames && !cmd.names().equals(commandNames)) {
        commandNames = cmd.names();
        commandMap = map(commandNames);
      }
      if (copy(cmd.position(), commandMap, command)) {
        estimator.record(cmd.header().stampNs(), command, measured);
      }
    }
    inner.write(cmd);
  }

  @Override
  public void step(long dtNs) {
    if (!(inner instanceof Steppable s)) {
      throw new UnsupportedOperationException(inner.getClass().getSimpleName() + " cannot be stepped");
    }
    s.step(dtNs);
  }

  /** For each chain joint, its index in {@code names} (−1 when absent). */
  private int[] map(List<String> names) {
    int[] m = new int[chain.size()];
    for (int i = 0; i < m.length; i++) {
      m[i] = names.indexOf(chain.get(i));
    }
    return m;
  }

  private static boolean copy(Vec from, int[] map, double[] to) {
    for (int i = 0; i < map.length; i++) {
      if (map[i] < 0 || map[i] >= from.size()) {
        return false;
      }
      to[i] = from.get(map[i]);
    }
    return true;
  }
}
