package io.telos.bridge.ros2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.Vec;
import io.telos.api.WallClock;
import io.telos.api.spi.RobotHardware.Health;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bridge against a second DDS participant playing a ros2_control driver, through IHMC's real
 * Fast DDS stack, bound to 127.0.0.1 on a dedicated domain.
 */
@Timeout(60)
class Ros2RobotHardwareLoopbackTest {
  private static final List<String> JOINTS = List.of("shoulder", "elbow", "wrist");

  @AutoClose
  private final Opened opened = new Opened();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private <T extends AutoCloseable> T track(T c) {
    return opened.track(c);
  }

  private Ros2Config config(Map<String, Object> extra, int domain) {
    Map<String, Object> s = new HashMap<>(extra);
    s.put("domain_id", domain);
    s.put("loopback_only", true);
    return Ros2Config.parse(s);
  }

  private Ros2RobotHardware hardware(Ros2Config c, boolean manualClock) {
    Ros2RobotHardware hw = manualClock
        ? new Ros2RobotHardware("arm1", JOINTS, c, now::get)
        : new Ros2RobotHardware("arm1", JOINTS, c, WallClock.INSTANCE);
    track(hw);
    hw.start();
    return hw;
  }

  /**
   * A reader sees the match before the writer does, and a reliable volatile writer drops what it
   * writes before it has matched: repeat until the first sample arrives.
   */
  private static <T> void publishUntil(Ros2Transport.Publisher<T> pub, T message, java.util.function.BooleanSupplier done)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!done.getAsBoolean() && System.nanoTime() < end) {
      pub.publish(message);
      Await.until(done, 50);
    }
    assertTrue(done.getAsBoolean(), "first sample never arrived on " + pub.topic());
  }

  private static void writeUntil(Ros2RobotHardware hw, JointCommand c, java.util.function.BooleanSupplier done)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!done.getAsBoolean() && System.nanoTime() < end) {
      hw.write(c);
      Await.until(done, 50);
    }
    assertTrue(done.getAsBoolean(), "first command never arrived");
  }

  private static Ros2Msg.JointState state(List<String> names, double... pos) {
    return new Ros2Msg.JointState(0, 0, "", names, pos, new double[0], new double[0]);
  }

  private static JointCommand command(long seq, Mode mode, double... pos) {
    return new JointCommand(Header.of(seq, System.nanoTime(), "safety/arm1"), JOINTS, Vec.of(pos),
        Vec.of(0.1, 0.2, 0.3), mode);
  }

  @Test
  void forwardRoundTripMapsJointsByName() throws Exception {
    int domain = Domains.next();
    Ros2RobotHardware hw = hardware(config(Map.of(), domain), false);
    Ros2Transport robot = track(new IhmcRos2Transport("fake_driver", domain, true));
    LinkedBlockingQueue<Ros2Msg.Float64MultiArray> commands = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<String> modes = new LinkedBlockingQueue<>();
    Ros2Transport.Subscription cmdSub = robot.subscribe(Ros2Type.FLOAT64_MULTI_ARRAY,
        "/forward_position_controller/commands", Ros2Qos.DEFAULT, commands::add);
    robot.subscribe(Ros2Type.STRING, "/telos/mode", Ros2Qos.LATCHED, m -> modes.add(m.data()));
    Ros2Transport.Publisher<Ros2Msg.JointState> states = robot.publisher(Ros2Type.JOINT_STATE, "/joint_states",
        Ros2Qos.DEFAULT);
    assertTrue(Await.until(() -> hw.matchedStatePublishers() > 0 && cmdSub.matchedPublishers() > 0, 20_000),
        "discovery");
    assertNull(hw.read());
    assertEquals(Health.LOST, hw.health());

    // The driver lists joints in its own (alphabetical) order, as joint_state_broadcaster does.
    publishUntil(states, new Ros2Msg.JointState(5, 6, "", List.of("elbow", "shoulder", "wrist"),
        new double[] {2.0, 1.0, 3.0}, new double[] {20, 10, 30}, new double[] {-2, -1, -3}), () -> hw.read() != null);
    JointState s = hw.read();
    assertEquals(JOINTS, s.names());
    assertEquals(Vec.of(1.0, 2.0, 3.0), s.position());
    assertEquals(Vec.of(10, 20, 30), s.velocity());
    assertEquals(Vec.of(-1, -2, -3), s.effort());
    assertEquals(Health.OK, hw.health());

    writeUntil(hw, command(0, Mode.AUTONOMOUS, 0.5, -0.5, 0.25), () -> !commands.isEmpty());
    Ros2Msg.Float64MultiArray c = commands.poll(5, TimeUnit.SECONDS);
    assertArrayEquals(new double[] {0.5, -0.5, 0.25}, c.data());
    assertEquals("AUTONOMOUS", modes.poll(5, TimeUnit.SECONDS));
    hw.write(command(1, Mode.HOLD, 0.5, -0.5, 0.25));
    assertEquals("HOLD", modes.poll(5, TimeUnit.SECONDS));
    // the mode goes out while its command is being sent: wait until every command written is accounted for
    assertTrue(Await.until(() -> hw.sentCommands() + hw.droppedCommands() + hw.supersededCommands() == hw.writes(),
        5_000), "outbox idle");
    long sent = hw.sentCommands();
    hw.write(command(2, Mode.HOLD, 0.5, -0.5, 0.25));
    assertTrue(Await.until(() -> hw.sentCommands() == sent + 1, 5_000));
    assertTrue(modes.poll(200, TimeUnit.MILLISECONDS) == null, "mode is published on change only");
  }

  @Test
  void trajectoryInterfaceUnderNamespace() throws Exception {
    int domain = Domains.next();
    Ros2RobotHardware hw = hardware(config(Map.of("namespace", "/cell1", "controller", "joint_trajectory_controller",
        "command_interface", "trajectory", "servo_period_s", 0.004), domain), false);
    Ros2Transport robot = track(new IhmcRos2Transport("fake_driver", domain, true));
    LinkedBlockingQueue<Ros2Msg.JointTrajectory> commands = new LinkedBlockingQueue<>();
    Ros2Transport.Subscription cmdSub = robot.subscribe(Ros2Type.JOINT_TRAJECTORY,
        "/cell1/joint_trajectory_controller/joint_trajectory", Ros2Qos.DEFAULT, commands::add);
    Ros2Transport.Publisher<Ros2Msg.JointState> states = robot.publisher(Ros2Type.JOINT_STATE,
        "/cell1/joint_states", Ros2Qos.DEFAULT);
    assertTrue(Await.until(() -> hw.matchedStatePublishers() > 0 && cmdSub.matchedPublishers() > 0, 20_000),
        "discovery");
    publishUntil(states, state(JOINTS, 0.1, 0.2, 0.3), () -> hw.read() != null);

    writeUntil(hw, command(0, Mode.AUTONOMOUS, 1.5, 2.5, 3.5), () -> !commands.isEmpty());
    Ros2Msg.JointTrajectory t = commands.poll(5, TimeUnit.SECONDS);
    assertEquals(JOINTS, t.jointNames());
    assertArrayEquals(new double[] {1.5, 2.5, 3.5}, t.positions());
    assertArrayEquals(new double[] {0.1, 0.2, 0.3}, t.velocities());
    assertEquals(4_000_000L, t.timeFromStartNs());
  }

  /**
   * A driver for more than the chain (a gripper, a second arm) and a controller whose joints are
   * listed in another order than the robot description's chain.
   */
  @Test
  void extraJointsAreIgnoredAndCommandsFollowTheControllerOrder() throws Exception {
    int domain = Domains.next();
    Ros2RobotHardware hw = hardware(config(Map.of("controller_joints", List.of("wrist", "shoulder", "elbow")), domain),
        false);
    assertEquals(List.of("wrist", "shoulder", "elbow"), hw.commandJoints());
    Ros2Transport robot = track(new IhmcRos2Transport("fake_driver", domain, true));
    LinkedBlockingQueue<Ros2Msg.Float64MultiArray> commands = new LinkedBlockingQueue<>();
    Ros2Transport.Subscription cmdSub = robot.subscribe(Ros2Type.FLOAT64_MULTI_ARRAY,
        "/forward_position_controller/commands", Ros2Qos.DEFAULT, commands::add);
    Ros2Transport.Publisher<Ros2Msg.JointState> states = robot.publisher(Ros2Type.JOINT_STATE, "/joint_states",
        Ros2Qos.DEFAULT);
    assertTrue(Await.until(() -> hw.matchedStatePublishers() > 0 && cmdSub.matchedPublishers() > 0, 20_000),
        "discovery");
    // a value the chain does not use may be anything, even NaN (a gripper that reports none)
    publishUntil(states, new Ros2Msg.JointState(0, 0, "", List.of("elbow", "gripper_finger", "left_j1", "shoulder",
        "wrist"), new double[] {2.0, Double.NaN, 9.0, 1.0, 3.0}, new double[] {20, 0, 90, 10, 30}, new double[0]),
        () -> hw.read() != null);
    assertEquals(Vec.of(1.0, 2.0, 3.0), hw.read().position());
    assertEquals(Vec.of(10, 20, 30), hw.read().velocity());
    // (containsAll: another test run on this host may share the domain and add its own joints)
    assertTrue(hw.ignoredJoints().containsAll(java.util.Set.of("gripper_finger", "left_j1")), hw.ignoredJoints()
        .toString());

    writeUntil(hw, command(0, Mode.AUTONOMOUS, 0.5, -0.5, 0.25), () -> !commands.isEmpty());
    assertArrayEquals(new double[] {0.25, 0.5, -0.5}, commands.poll(5, TimeUnit.SECONDS).data(),
        "positions in the controller's order: wrist, shoulder, elbow");
  }

  @Test
  void trajectoryNamesTheControllerOrder() throws Exception {
    int domain = Domains.next();
    Ros2RobotHardware hw = hardware(config(Map.of("controller", "joint_trajectory_controller", "command_interface",
        "trajectory", "controller_joints", List.of("elbow", "wrist", "shoulder")), domain), false);
    Ros2Transport robot = track(new IhmcRos2Transport("fake_driver", domain, true));
    LinkedBlockingQueue<Ros2Msg.JointTrajectory> commands = new LinkedBlockingQueue<>();
    Ros2Transport.Subscription cmdSub = robot.subscribe(Ros2Type.JOINT_TRAJECTORY,
        "/joint_trajectory_controller/joint_trajectory", Ros2Qos.DEFAULT, commands::add);
    assertTrue(Await.until(() -> cmdSub.matchedPublishers() > 0, 20_000), "discovery");
    writeUntil(hw, command(0, Mode.AUTONOMOUS, 1.5, 2.5, 3.5), () -> !commands.isEmpty());
    Ros2Msg.JointTrajectory t = commands.poll(5, TimeUnit.SECONDS);
    assertEquals(List.of("elbow", "wrist", "shoulder"), t.jointNames());
    assertArrayEquals(new double[] {2.5, 3.5, 1.5}, t.positions());
    assertArrayEquals(new double[] {0.2, 0.3, 0.1}, t.velocities());
  }

  /**
   * {@code command_interface: velocity}: the kernel's velocities, corrected towards its positions
   * from the measured state and bounded by the velocity limits, and a standstill when the bridge
   * stops.
   */
  @Test
  void velocityInterfaceSendsCorrectedVelocitiesAndStopsOnClose() throws Exception {
    int domain = Domains.next();
    Ros2RobotHardware hw = new Ros2RobotHardware("arm1", JOINTS, new double[] {0.5, 5, 5}, config(Map.of(
        "command_interface", "velocity", "controller_joints", List.of("wrist", "shoulder", "elbow")), domain),
        WallClock.INSTANCE);
    hw.start();
    assertEquals("/forward_velocity_controller/commands", hw.config().commandTopic());
    Ros2Transport robot = track(new IhmcRos2Transport("fake_driver", domain, true));
    LinkedBlockingQueue<Ros2Msg.Float64MultiArray> commands = new LinkedBlockingQueue<>();
    Ros2Transport.Subscription cmdSub = robot.subscribe(Ros2Type.FLOAT64_MULTI_ARRAY,
        "/forward_velocity_controller/commands", Ros2Qos.DEFAULT, commands::add);
    Ros2Transport.Publisher<Ros2Msg.JointState> states = robot.publisher(Ros2Type.JOINT_STATE, "/joint_states",
        Ros2Qos.DEFAULT);
    try {
      assertTrue(Await.until(() -> cmdSub.matchedPublishers() > 0, 20_000), "discovery");
      // no state yet: the kernel's velocities as they are
      writeUntil(hw, command(0, Mode.AUTONOMOUS, 1.5, 2.5, 3.5), () -> !commands.isEmpty());
      assertArrayEquals(new double[] {0.3, 0.1, 0.2}, commands.poll(5, TimeUnit.SECONDS).data(),
          "velocities (0.1, 0.2, 0.3) in the controller's order");
      publishUntil(states, state(JOINTS, 0, 0, 0), () -> hw.read() != null);
      Thread.sleep(100);
      commands.clear();
      // gain 10/s: shoulder 0.1 + 10 * 0.1 = 1.1 bounded to 0.5; elbow 0.2 + 0.2; wrist 0.3 - 0.1
      hw.write(command(1, Mode.AUTONOMOUS, 0.1, 0.02, -0.01));
      Ros2Msg.Float64MultiArray c = commands.poll(5, TimeUnit.SECONDS);
      assertArrayEquals(new double[] {0.2, 0.5, 0.4}, c.data(), 1e-12);
      Thread.sleep(100);
      commands.clear();
    } finally {
      hw.close();
    }
    Ros2Msg.Float64MultiArray last = commands.poll(5, TimeUnit.SECONDS);
    assertArrayEquals(new double[] {0, 0, 0}, last == null ? null : last.data(), "a zero velocity on close");
  }

  @Test
  void controllerJointsMustBeTheChainsJoints() {
    var e = assertThrows(io.telos.api.config.ConfigException.class, () -> new Ros2RobotHardware("arm1", JOINTS,
        Ros2Config.parse(Map.of("controller_joints", List.of("wrist", "shoulder", "gripper"))), WallClock.INSTANCE));
    assertEquals("bridge.controller_joints: must list exactly the chain's joints [shoulder, elbow, wrist] in the"
        + " controller's order; missing [elbow]; not in the chain [gripper]", e.getMessage());
  }

  @Test
  void badStatesAreRejectedAndCountedAndHealthFollowsTheStream() throws Exception {
    int domain = Domains.next();
    Ros2RobotHardware hw = hardware(config(Map.of(), domain), true);
    List<String> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
    hw.onRejected(reported::add);
    Ros2Transport robot = track(new IhmcRos2Transport("fake_driver", domain, true));
    Ros2Transport.Publisher<Ros2Msg.JointState> states = robot.publisher(Ros2Type.JOINT_STATE, "/joint_states",
        Ros2Qos.DEFAULT);
    assertTrue(Await.until(() -> hw.matchedStatePublishers() > 0, 20_000), "discovery");
    publishUntil(states, state(JOINTS, 1, 2, 3), () -> hw.acceptedStates() > 0);
    Thread.sleep(100); // let repeats of the priming sample land
    long accepted = hw.acceptedStates();
    JointState good = hw.read();
    assertEquals(Health.OK, hw.health());

    states.publish(state(List.of("shoulder", "elbow", "gripper"), 1, 2, 3)); // wrist missing (gripper ignored)
    states.publish(state(JOINTS, 1, Double.NaN, 3)); // NaN
    states.publish(state(List.of("shoulder", "elbow"), 1, 2)); // missing joint
    states.publish(state(JOINTS, 1, 2)); // position size mismatch
    states.publish(state(List.of("shoulder", "shoulder", "wrist"), 1, 2, 3)); // repeated joint
    states.publish(new Ros2Msg.JointState(0, 0, "", JOINTS, new double[] {1, 2, 3}, new double[] {0, 0},
        new double[0])); // velocity size mismatch
    states.publish(new Ros2Msg.JointState(0, 0, "", JOINTS, new double[] {1, 2, 3}, new double[0],
        new double[] {0, Double.POSITIVE_INFINITY, 0})); // infinite effort
    assertTrue(Await.until(() -> hw.rejectedStates() == 7, 5_000), () -> "rejected " + hw.rejectedStates());
    assertSame(good, hw.read(), "a rejected state never replaces the last good one");
    assertEquals(accepted, hw.acceptedStates());
    assertEquals("non-finite value for joint 'elbow'", hw.lastRejection());
    assertEquals(Health.DEGRADED, hw.health());
    assertEquals(3, reported.size(), "1st, 2nd and 4th refusals reported: " + reported);
    assertTrue(reported.get(0).contains("joint 'wrist' missing"), reported.get(0));

    now.addAndGet(600_000_000L); // 0.6 s without a state: lost
    assertEquals(Health.LOST, hw.health());
    states.publish(state(JOINTS, 4, 5, 6));
    assertTrue(Await.until(() -> hw.acceptedStates() == accepted + 1, 5_000));
    now.addAndGet(1_000_000L);
    assertEquals(Health.DEGRADED, hw.health()); // the last rejection was 0.601 s ago (< 1 s)
    now.addAndGet(500_000_000L);
    assertEquals(Health.LOST, hw.health());
  }

  @Test
  void estopOnTheWireReachesListeners() throws Exception {
    int domain = Domains.next();
    Ros2RobotHardware hw = hardware(config(Map.of("namespace", "/arm1"), domain), false);
    LinkedBlockingQueue<String> reasons = new LinkedBlockingQueue<>();
    hw.onEstop(reasons::add);
    Ros2Transport operator = track(new IhmcRos2Transport("operator", domain, true));
    Ros2Transport.Publisher<Ros2Msg.Text> estop = operator.publisher(Ros2Type.STRING, "/arm1/telos/estop",
        Ros2Qos.DEFAULT);
    // No matched-publisher count for this subscription is exposed; publish until one arrives.
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String got = null;
    while (got == null && System.nanoTime() < end) {
      estop.publish(new Ros2Msg.Text("red button"));
      got = reasons.poll(100, TimeUnit.MILLISECONDS);
    }
    assertEquals("red button", got);
    reasons.clear();
    long before = hw.estops();
    estop.publish(new Ros2Msg.Text(""));
    assertTrue(Await.until(() -> hw.estops() > before, 5_000));
    assertEquals("estop", hw.lastEstop());
  }

  @Test
  void measuresCommandLatency() throws Exception {
    int domain = Domains.next();
    Ros2RobotHardware hw = hardware(config(Map.of(), domain), false);
    Ros2Transport robot = track(new IhmcRos2Transport("fake_driver", domain, true));
    long[] arrived = new long[1];
    LinkedBlockingQueue<Long> lat = new LinkedBlockingQueue<>();
    Ros2Transport.Subscription cmdSub = robot.subscribe(Ros2Type.FLOAT64_MULTI_ARRAY,
        "/forward_position_controller/commands", Ros2Qos.DEFAULT, m -> lat.add(System.nanoTime() - (long) m.data()[0]));
    assertTrue(Await.until(() -> cmdSub.matchedPublishers() > 0, 20_000), "discovery");
    writeUntil(hw, command(0, Mode.AUTONOMOUS, 0, 0, 0), () -> !lat.isEmpty());
    Thread.sleep(100);
    lat.clear();
    int n = 500;
    long[] samples = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      hw.write(new JointCommand(Header.of(i, t0, "safety/arm1"), JOINTS, Vec.of(t0, 0, 0), Vec.zeros(3),
          Mode.AUTONOMOUS));
      Long l = lat.poll(2, TimeUnit.SECONDS);
      samples[i] = l == null ? Long.MAX_VALUE : l;
      Thread.sleep(1);
    }
    arrived[0] = Arrays.stream(samples).filter(v -> v != Long.MAX_VALUE).count();
    Arrays.sort(samples);
    System.out.printf("ros2 bridge write->driver (same JVM, loopback): n=%d p50=%d us p99=%d us%n", arrived[0],
        samples[n / 2] / 1000, samples[n * 99 / 100] / 1000);
    assertEquals(n, arrived[0]);
  }
}
