package io.telos.runtime.config;

import io.telos.api.config.Settings;
import io.telos.api.scene.Scene;
import io.telos.runtime.safety.SafetyConfig;
import io.telos.runtime.teleop.TeleopConfig;
import java.nio.file.Path;

/**
 * One deployment, as read from a launch file. Plug-in sections ({@code bridge}, {@code perception},
 * {@code planner}, {@code memory}) stay as {@link Settings}; their providers validate them when the
 * graph is composed, so every error still names the key.
 *
 * @param source the file, or null for a bundled scenario
 * @param clock {@code wall} (real time) or {@code sim} (lock-step simulated time)
 * @param seed master seed; components derive their own seeds from it
 * @param plannerRateHz replanning rate
 * @param perceptionRateHz rate at which joint states are published to perception (wall clock)
 * @param teleop teleoperation, handover triggers and the console ({@code teleop:})
 * @param cluster the fleet this agent is a member of ({@code cluster:}), or null when it runs alone
 */
public record LaunchSpec(
    Path source,
    RobotSpec robot,
    String clock,
    long seed,
    Settings bridge,
    Settings perception,
    Settings planner,
    SafetyConfig safety,
    TaskSpec task,
    Settings memory,
    double plannerRateHz,
    double perceptionRateHz,
    TeleopConfig teleop,
    Scene scene,
    ClusterSpec cluster) {

  public LaunchSpec {
    scene = scene == null ? Scene.EMPTY : scene;
  }

  /** A deployment that runs alone (no {@code cluster:}). */
  public LaunchSpec(Path source, RobotSpec robot, String clock, long seed, Settings bridge, Settings perception,
      Settings planner, SafetyConfig safety, TaskSpec task, Settings memory, double plannerRateHz,
      double perceptionRateHz, TeleopConfig teleop, Scene scene) {
    this(source, robot, clock, seed, bridge, perception, planner, safety, task, memory, plannerRateHz,
        perceptionRateHz, teleop, scene, null);
  }

  /** The same deployment as a member of this fleet (null: alone). */
  public LaunchSpec withCluster(ClusterSpec newCluster) {
    return new LaunchSpec(source, robot, clock, seed, bridge, perception, planner, safety, task, memory,
        plannerRateHz, perceptionRateHz, teleop, scene, newCluster);
  }

  /** A deployment without scene objects. */
  public LaunchSpec(Path source, RobotSpec robot, String clock, long seed, Settings bridge, Settings perception,
      Settings planner, SafetyConfig safety, TaskSpec task, Settings memory, double plannerRateHz,
      double perceptionRateHz, TeleopConfig teleop) {
    this(source, robot, clock, seed, bridge, perception, planner, safety, task, memory, plannerRateHz,
        perceptionRateHz, teleop, Scene.EMPTY);
  }

  /** A deployment with the default teleoperation settings. */
  public LaunchSpec(Path source, RobotSpec robot, String clock, long seed, Settings bridge, Settings perception,
      Settings planner, SafetyConfig safety, TaskSpec task, Settings memory, double plannerRateHz,
      double perceptionRateHz) {
    this(source, robot, clock, seed, bridge, perception, planner, safety, task, memory, plannerRateHz,
        perceptionRateHz, TeleopConfig.defaults());
  }

  public boolean simulatedTime() {
    return "sim".equals(clock);
  }

  /** The same deployment with another robot section (e.g. a description fetched from a running system). */
  public LaunchSpec withRobot(RobotSpec newRobot) {
    return new LaunchSpec(source, newRobot, clock, seed, bridge, perception, planner, safety, task, memory,
        plannerRateHz, perceptionRateHz, teleop, scene, cluster);
  }

  /** The same deployment on another clock. */
  public LaunchSpec withClock(String newClock) {
    return new LaunchSpec(source, robot, newClock, seed, bridge, perception, planner, safety, task, memory,
        plannerRateHz, perceptionRateHz, teleop, scene, cluster);
  }

  /** The same deployment with another seed. */
  public LaunchSpec withSeed(long newSeed) {
    return new LaunchSpec(source, robot, clock, newSeed, bridge, perception, planner, safety, task, memory,
        plannerRateHz, perceptionRateHz, teleop, scene, cluster);
  }

  /** The same deployment over another bridge. */
  public LaunchSpec withBridge(Settings newBridge) {
    return new LaunchSpec(source, robot, clock, seed, newBridge, perception, planner, safety, task, memory,
        plannerRateHz, perceptionRateHz, teleop, scene, cluster);
  }

  /** The same deployment with another planner section. */
  public LaunchSpec withPlanner(Settings newPlanner) {
    return new LaunchSpec(source, robot, clock, seed, bridge, perception, newPlanner, safety, task, memory,
        plannerRateHz, perceptionRateHz, teleop, scene, cluster);
  }

  /** The same deployment with another memory section. */
  public LaunchSpec withMemory(Settings newMemory) {
    return new LaunchSpec(source, robot, clock, seed, bridge, perception, planner, safety, task, newMemory,
        plannerRateHz, perceptionRateHz, teleop, scene, cluster);
  }

  /** The same deployment with other teleoperation settings. */
  public LaunchSpec withTeleop(TeleopConfig newTeleop) {
    return new LaunchSpec(source, robot, clock, seed, bridge, perception, planner, safety, task, memory,
        plannerRateHz, perceptionRateHz, newTeleop, scene, cluster);
  }

  /** The same deployment with another task. */
  public LaunchSpec withTask(TaskSpec newTask) {
    return new LaunchSpec(source, robot, clock, seed, bridge, perception, planner, safety, newTask, memory,
        plannerRateHz, perceptionRateHz, teleop, scene, cluster);
  }
}
