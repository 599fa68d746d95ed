package io.telos.runtime.mock;

import io.telos.api.Clock;
import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Vec;
import io.telos.api.spi.RobotHardware;
import io.telos.api.spi.Steppable;
import java.util.List;

/**
 * A mock robot that copies each command to its state, like ros2_control's mock components: ideal
 * tracking, no physics. Selected with {@code bridge.type: mock}; handy to check a launch file or a
 * planner without a simulator. Can be stepped in lock-step mode (it has nothing to integrate).
 */
public final class MockRobotHardware implements RobotHardware, Steppable {
  private final String robotId;
  private final List<String> names;
  private final Clock clock;
  private volatile JointState state;
  private long sequence;
  private volatile boolean frozen;

  public MockRobotHardware(String robotId, List<String> names, double[] initial, Clock clock) {
    this.robotId = robotId;
    this.names = List.copyOf(names);
    this.clock = clock;
    this.state = new JointState(new Header(sequence++, clock.nanos(), "mock/" + robotId, ""), names,
        Vec.of(initial), Vec.zeros(names.size()), Vec.empty());
  }

  @Override
  public String robotId() {
    return robotId;
  }

  @Override
  public List<String> jointNames() {
    return names;
  }

  @Override
  public void start() {}

  @Override
  public JointState read() {
    return state;
  }

  @Override
  public synchronized void write(JointCommand command) {
    if (frozen) {
      return;
    }
    state = new JointState(new Header(sequence++, clock.nanos(), "mock/" + robotId, ""), names,
        command.position(), command.velocity(), Vec.empty());
  }

  /** Stops updating the state (to test stale-state handling). */
  public void freeze() {
    frozen = true;
  }

  @Override
  public void step(long dtNs) {}

  @Override
  public void close() {}
}
