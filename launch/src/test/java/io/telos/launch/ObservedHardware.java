package io.telos.launch;

import io.telos.api.JointCommand;
import io.telos.api.Mode;
import io.telos.api.spi.ForwardingRobotHardware;
import io.telos.api.spi.RobotHardware;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Test wrapper around a bridge: delegates everything and counts what the safety kernel writes by
 * the mode it wrote it in, so a test can wait for "the agent is holding" without guessing times.
 */
final class ObservedHardware extends ForwardingRobotHardware {
  private final AtomicLongArray writesByMode = new AtomicLongArray(Mode.values().length);
  private volatile Mode lastWritten;

  ObservedHardware(RobotHardware inner) {
    super(inner);
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
  public void write(JointCommand command) {
    writesByMode.incrementAndGet(command.mode().ordinal());
    lastWritten = command.mode();
    super.write(command);
  }
}
