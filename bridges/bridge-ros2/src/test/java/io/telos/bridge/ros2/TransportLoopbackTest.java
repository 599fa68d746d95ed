package io.telos.bridge.ros2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TransportLoopbackTest {
  @Test
  void jointStateCrossesTwoParticipantsOnLoopback() throws Exception {
    int domain = Domains.next();
    try (IhmcRos2Transport a = new IhmcRos2Transport("telos_test_a", domain, true);
        IhmcRos2Transport b = new IhmcRos2Transport("telos_test_b", domain, true)) {
      LinkedBlockingQueue<Ros2Msg.JointState> got = new LinkedBlockingQueue<>();
      Ros2Transport.Subscription sub = b.subscribe(Ros2Type.JOINT_STATE, "/joint_states", Ros2Qos.DEFAULT, got::add);
      Ros2Transport.Publisher<Ros2Msg.JointState> pub = a.publisher(Ros2Type.JOINT_STATE, "/joint_states", Ros2Qos.DEFAULT);
      assertTrue(Await.until(() -> sub.matchedPublishers() > 0, 20_000), "no match");
      Ros2Msg.JointState m = null;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (m == null && System.nanoTime() < end) { // the writer may match a moment after the reader
        pub.publish(new Ros2Msg.JointState(1, 2, "base", List.of("j1", "j2"), new double[] {0.5, -0.25},
            new double[] {1, 2}, new double[0]));
        m = got.poll(50, TimeUnit.MILLISECONDS);
      }
      assertEquals(List.of("j1", "j2"), m.name());
      assertArrayEquals(new double[] {0.5, -0.25}, m.position());
      assertEquals(1, m.stampSec());
      assertEquals("base", m.frameId());
    }
  }

  @Test
  void qosIsAppliedExplicitly() throws Exception {
    int domain = Domains.next();
    try (IhmcRos2Transport a = new IhmcRos2Transport("telos_test_a", domain, true);
        IhmcRos2Transport b = new IhmcRos2Transport("telos_test_b", domain, true)) {
      // A reliable reader never matches a best-effort writer (DDS request/offer rules): proof that
      // the profile reaches Fast DDS rather than IHMC's best-effort default.
      Ros2Transport.Subscription reliable = b.subscribe(Ros2Type.STRING, "/qos_probe", Ros2Qos.DEFAULT, m -> {});
      Ros2Transport.Subscription bestEffort = b.subscribe(Ros2Type.STRING, "/qos_probe_2", Ros2Qos.SENSOR_DATA,
          m -> {});
      a.publisher(Ros2Type.STRING, "/qos_probe", Ros2Qos.SENSOR_DATA);
      a.publisher(Ros2Type.STRING, "/qos_probe_2", Ros2Qos.DEFAULT);
      assertTrue(Await.until(() -> bestEffort.matchedPublishers() == 1, 20_000), "best-effort reader matches");
      Thread.sleep(500);
      assertEquals(0, reliable.matchedPublishers(), "reliable reader must not match a best-effort writer");

      // Transient local: a reader that joins late still gets the last sample.
      Ros2Transport.Publisher<Ros2Msg.Text> latched = a.publisher(Ros2Type.STRING, "/latched", Ros2Qos.LATCHED);
      latched.publish(new Ros2Msg.Text("first"));
      latched.publish(new Ros2Msg.Text("second"));
      LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
      b.subscribe(Ros2Type.STRING, "/latched", Ros2Qos.LATCHED, m -> got.add(m.data()));
      assertEquals("second", got.poll(20, TimeUnit.SECONDS));
    }
  }

  @Test
  void trajectoryAndArrayRoundTrip() throws Exception {
    int domain = Domains.next();
    try (IhmcRos2Transport a = new IhmcRos2Transport("telos_test_a", domain, true);
        IhmcRos2Transport b = new IhmcRos2Transport("telos_test_b", domain, true)) {
      LinkedBlockingQueue<Ros2Msg.JointTrajectory> got = new LinkedBlockingQueue<>();
      Ros2Transport.Subscription sub = b.subscribe(Ros2Type.JOINT_TRAJECTORY, "/jtc/joint_trajectory",
          Ros2Qos.DEFAULT, got::add);
      Ros2Transport.Publisher<Ros2Msg.JointTrajectory> pub = a.publisher(Ros2Type.JOINT_TRAJECTORY,
          "/jtc/joint_trajectory", Ros2Qos.DEFAULT);
      assertTrue(Await.until(() -> sub.matchedPublishers() > 0, 20_000));
      Ros2Msg.JointTrajectory sent = new Ros2Msg.JointTrajectory(List.of("a", "b"), new double[] {1, 2},
          new double[] {3, 4}, 2_500_000_001L);
      Ros2Msg.JointTrajectory m = null;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (m == null && System.nanoTime() < end) {
        pub.publish(sent);
        m = got.poll(50, TimeUnit.MILLISECONDS);
      }
      assertEquals(List.of("a", "b"), m.jointNames());
      assertArrayEquals(new double[] {1, 2}, m.positions());
      assertArrayEquals(new double[] {3, 4}, m.velocities());
      assertEquals(2_500_000_001L, m.timeFromStartNs());
    }
  }
}
