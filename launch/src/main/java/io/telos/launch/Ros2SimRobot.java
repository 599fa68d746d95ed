package io.telos.launch;

import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.Vec;
import io.telos.api.WallClock;
import io.telos.api.scene.Scene;
import io.telos.api.spi.ArmChain;
import io.telos.api.spi.HardwareContext;
import io.telos.bridge.ros2.IhmcRos2Transport;
import io.telos.bridge.ros2.Ros2Msg;
import io.telos.bridge.ros2.Ros2Qos;
import io.telos.bridge.ros2.Ros2Transport;
import io.telos.bridge.ros2.Ros2Type;
import io.telos.bridge.sim.SimRobotHardwareProvider;
import io.telos.bridge.sim.SimulatedArm;
import io.telos.runtime.safety.Pacer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulated arm as a ROS 2 robot driver would present it, following ros2_control: publishes
 * {@code /joint_states} ({@code sensor_msgs/JointState}) and executes
 * {@code /forward_position_controller/commands} ({@code std_msgs/Float64MultiArray}, joints in URDF
 * chain order), with ROS 2's default QoS (reliable, depth 10, volatile).
 */
final class Ros2SimRobot implements AutoCloseable {
  static final String CONTROLLER = "forward_position_controller";
  static final double STATE_RATE_HZ = 250;

  private final SimulatedArm arm;
  private final Ros2Transport transport;
  private final Ros2Transport.Publisher<Ros2Msg.JointState> states;
  private final Thread publisher;
  private final AtomicLong commands = new AtomicLong();
  private final AtomicLong framesPublished = new AtomicLong();
  /** Where the simulated camera's pictures go ({@code sensor_msgs/Image}, rgb8, sensor-data QoS). */
  static final String IMAGE_TOPIC = "/camera/image_raw";
  private volatile boolean running = true;
  private long sequence;

  private Ros2SimRobot(SimulatedArm arm, Ros2Transport transport) {
    this.arm = arm;
    this.transport = transport;
    this.states = transport.publisher(Ros2Type.JOINT_STATE, "/joint_states", Ros2Qos.DEFAULT);
    if (arm.hasCamera()) { // scene.camera: its pictures, sent from the arm's camera thread
      Ros2Transport.Publisher<Ros2Msg.Image> images = transport.publisher(Ros2Type.IMAGE, IMAGE_TOPIC,
          Ros2Qos.SENSOR_DATA);
      arm.onFrame(f -> {
        if (running) {
          long now = System.currentTimeMillis();
          images.publish(new Ros2Msg.Image((int) (now / 1000), (now % 1000) * 1_000_000L, f.camera(), f.height(),
              f.width(), "rgb8", 3 * f.width(), f.rgb()));
          framesPublished.incrementAndGet();
        }
      });
    }
    transport.subscribe(Ros2Type.FLOAT64_MULTI_ARRAY, "/" + CONTROLLER + "/commands", Ros2Qos.DEFAULT, this::command);
    this.publisher = Thread.ofPlatform().daemon(true).name("telos-ros2-robot").unstarted(this::publishStates);
  }

  static Ros2SimRobot start(String id, String description, int domainId, boolean loopbackOnly, long seed) {
    return start(id, description, domainId, loopbackOnly, seed, Map.of());
  }

  /**
   * @param sim settings of the {@code sim} bridge for the arm (e.g. {@code lag_s},
   *     {@code dead_time_ms}, {@code max_velocity}: a slow arm); empty for the defaults
   */
  static Ros2SimRobot start(String id, String description, int domainId, boolean loopbackOnly, long seed,
      Map<String, Object> sim) {
    return start(id, description, ArmChain.DEFAULT, domainId, loopbackOnly, seed, sim);
  }

  /** @param chain the arm's base and tip links in the description (a branching vendor URDF needs the tip) */
  static Ros2SimRobot start(String id, String description, ArmChain chain, int domainId, boolean loopbackOnly,
      long seed, Map<String, Object> sim) {
    return start(id, description, chain, domainId, loopbackOnly, seed, sim, Scene.EMPTY);
  }

  /** @param scene objects the arm simulates and the camera it renders; only the camera's pictures go out */
  static Ros2SimRobot start(String id, String description, ArmChain chain, int domainId, boolean loopbackOnly,
      long seed, Map<String, Object> sim, Scene scene) {
    SimulatedArm arm = new SimRobotHardwareProvider().create(new HardwareContext(id, description, Map.copyOf(sim),
        WallClock.INSTANCE, seed, false, scene, chain));
    arm.start();
    return attach(arm, id, domainId, loopbackOnly);
  }

  /**
   * Puts an already running arm on DDS: a driver (re)starting while the arm stays where it is.
   * Closes the arm when the transport cannot be created.
   */
  static Ros2SimRobot attach(SimulatedArm arm, String id, int domainId, boolean loopbackOnly) {
    Ros2Transport transport;
    try {
      transport = new IhmcRos2Transport("telos_sim_robot_" + id, domainId, loopbackOnly);
    } catch (RuntimeException e) {
      arm.close();
      throw e;
    }
    Ros2SimRobot robot = new Ros2SimRobot(arm, transport);
    robot.publisher.start();
    return robot;
  }

  private void command(Ros2Msg.Float64MultiArray msg) {
    double[] q = msg.data();
    if (q.length != arm.jointNames().size()) {
      return; // the sim arm counts and ignores malformed commands itself; this one cannot be mapped
    }
    arm.write(new JointCommand(new Header(sequence++, System.nanoTime(), "ros2", ""), arm.jointNames(), Vec.of(q),
        Vec.zeros(q.length), Mode.AUTONOMOUS));
    commands.incrementAndGet();
  }

  private void publishStates() {
    Pacer pacer = new Pacer(Math.round(1e9 / STATE_RATE_HZ), 0);
    while (running) {
      JointState s = arm.read();
      if (s != null) {
        long now = System.currentTimeMillis();
        states.publish(new Ros2Msg.JointState((int) (now / 1000), (now % 1000) * 1_000_000L, "", s.names(),
            s.position().toArray(), s.velocity().toArray(), s.effort().toArray()));
      }
      pacer.await();
    }
  }

  long commandsApplied() {
    return commands.get();
  }

  /** Pictures sent on {@link #IMAGE_TOPIC}. */
  long framesPublished() {
    return framesPublished.get();
  }

  /** The simulated arm behind the driver. */
  SimulatedArm arm() {
    return arm;
  }

  /** Takes the driver off DDS (its participant leaves) and leaves the arm running. */
  SimulatedArm detach() {
    stopDriver();
    return arm;
  }

  @Override
  public void close() {
    stopDriver();
    arm.close();
  }

  private void stopDriver() {
    if (!running) {
      return;
    }
    running = false;
    try {
      publisher.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    transport.close();
  }
}
