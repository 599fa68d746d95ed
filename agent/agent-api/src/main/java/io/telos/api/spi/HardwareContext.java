package io.telos.api.spi;

import io.telos.api.Clock;
import io.telos.api.scene.Scene;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link RobotHardwareProvider} gets to build a robot.
 *
 * @param robotId id from the launch file
 * @param robotDescription URDF location: a file path or {@code builtin:<name>}
 * @param settings the bridge's section of the launch file (already checked against
 *     {@link RobotHardwareProvider#settingKeys()})
 * @param clock the injected clock
 * @param seed seed for any randomness (e.g. sensor noise)
 * @param lockStep true when the runtime will call {@link Steppable#step(long)} itself
 * @param scene the launch file's scene (objects a simulator builds; empty for most bridges)
 * @param armChain which part of the description is the arm (launch file {@code robot.base_link},
 *     {@code tip_link}, {@code tool}); {@link ArmChain#DEFAULT} when not given
 */
public record HardwareContext(
    String robotId,
    String robotDescription,
    Map<String, Object> settings,
    Clock clock,
    long seed,
    boolean lockStep,
    Scene scene,
    ArmChain armChain) {
  /** A context without scene objects. */
  public HardwareContext(String robotId, String robotDescription, Map<String, Object> settings, Clock clock, long seed,
      boolean lockStep) {
    this(robotId, robotDescription, settings, clock, seed, lockStep, Scene.EMPTY);
  }

  /** A context for the default chain (root link to the only leaf, no tool). */
  public HardwareContext(String robotId, String robotDescription, Map<String, Object> settings, Clock clock, long seed,
      boolean lockStep, Scene scene) {
    this(robotId, robotDescription, settings, clock, seed, lockStep, scene, ArmChain.DEFAULT);
  }

  public HardwareContext {
    Objects.requireNonNull(robotId, "robotId");
    Objects.requireNonNull(robotDescription, "robotDescription");
    settings = Map.copyOf(settings);
    Objects.requireNonNull(clock, "clock");
    scene = scene == null ? Scene.EMPTY : scene;
    armChain = armChain == null ? ArmChain.DEFAULT : armChain;
  }
}
