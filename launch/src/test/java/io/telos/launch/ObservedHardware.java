package io.telos.launch;

import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.spi.RobotHardware;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * Test wrapper around a bridge: delegates everything and counts what the safety kernel writes by
 * the mode it wrote it in, so a test can wait for "the agent is holding" without guessing times.
 */
final class ObservedHardware implements RobotHardware {
  private final RobotHardware inner;
  private final AtomicLongArray writesByMode = new AtomicLongArray(Mode.values().length);
  private volatile Mode lastWritten;

  ObservedHardware(RobotHardware inner) {
    this.inner = inner;
  }

  long writes(Mode mode) {
    return writesByMode.get(mode.ordinal());
  }

  Mode lastWritten() {
    return lastWritten;
  }

  Map<Mode, Long> writes() {
    Map<Mode, Long> m = new EnumMap<>(Mode.class);
    for (Mode mode : Mode.values()) {
      m.put(mode, writes(mode));
    }
    return m;
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
    writesByMode.incrementAndGet(command.mode().ordinal());
    lastWritten = command.mode();
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
  public void close() {
    inner.close();
  }
}
