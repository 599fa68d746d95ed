package io.telos.api.spi;

import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.ObjectPose;
import io.telos.api.camera.CameraFrame;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link RobotHardware} that passes every call to another one: the base for wrappers that watch
 * or check a bridge (monitors, recorders, fault injectors) and override only what they need, so a
 * method added to the port later is forwarded rather than silently dropped.
 */
public abstract class ForwardingRobotHardware implements RobotHardware {
  /** The wrapped bridge. */
  protected final RobotHardware inner;

  protected ForwardingRobotHardware(RobotHardware inner) {
    this.inner = Objects.requireNonNull(inner, "inner");
  }

  @Override
  public String robotId() {
    return inner.robotId();
  }

  @Override
  public List<String> jointNames() {
    return inner.jointNames();
  }

  @Override
  public void start() throws Exception {
    inner.start();
  }

  @Override
  public JointState read() {
    return inner.read();
  }

  @Override
  public void write(JointCommand command) {
    inner.write(command);
  }

  @Override
  public Health health() {
    return inner.health();
  }

  @Override
  public void onEstop(Consumer<String> listener) {
    inner.onEstop(listener);
  }

  @Override
  public void onRejected(Consumer<String> listener) {
    inner.onRejected(listener);
  }

  @Override
  public List<ObjectPose> objects() {
    return inner.objects();
  }

  @Override
  public void onFrame(Consumer<CameraFrame> listener) {
    inner.onFrame(listener);
  }

  @Override
  public void close() {
    inner.close();
  }
}
