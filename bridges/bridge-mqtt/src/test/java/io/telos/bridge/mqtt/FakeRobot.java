package io.telos.bridge.mqtt;

import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Vec;
import io.telos.api.spi.RobotHardware;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The one hand-written fake of {@link RobotHardware} for this module: a mock arm that copies each
 * command's position to its state (ros2_control's mock components), and keeps every command.
 */
final class FakeRobot implements RobotHardware {
  final BlockingQueue<JointCommand> commands = new LinkedBlockingQueue<>();
  private final String id;
  private final List<String> names;
  private volatile JointState state;
  private long seq;
  volatile long steps;
  volatile long stepNs;

  FakeRobot(String id, List<String> names, double... initial) {
    this.id = id;
    this.names = List.copyOf(names);
    this.state = new JointState(Header.of(seq++, System.nanoTime(), "fake"), this.names, Vec.of(initial),
        Vec.zeros(initial.length), Vec.empty());
  }

  @Override
  public String robotId() {
    return id;
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
  public void write(JointCommand command) {
    commands.add(command);
    state = new JointState(Header.of(seq++, System.nanoTime(), "fake"), names, command.position(), command.velocity(),
        Vec.empty());
  }

  /** A stepper for {@link MqttSimRobot}. */
  void step(long dtNs) {
    steps++;
    stepNs += dtNs;
  }

  @Override
  public void close() {}
}
