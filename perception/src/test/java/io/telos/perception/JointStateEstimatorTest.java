package io.telos.perception;

import static io.telos.perception.TestRobots.PLANAR2;
import static io.telos.perception.TestRobots.SLIDER;
import static io.telos.perception.TestRobots.TELOS6;
import static io.telos.perception.TestRobots.inOrder;
import static io.telos.perception.TestRobots.state;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Header;
import io.telos.api.JointState;
import io.telos.api.Observation;
import io.telos.api.Pose;
import io.telos.api.Vec;
import io.telos.api.spi.StateEstimator;
import io.telos.model.RobotModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class JointStateEstimatorTest {
  private static final long MS = 1_000_000L;
  private static final double EPS = 1e-12;

  private static void assertVec(double[] expected, Vec actual, double eps) {
    assertArrayEquals(expected, actual.toArray(), eps, actual.toString());
  }

  /** q and -q are the same orientation. */
  static void assertSamePose(Pose expected, Pose actual, double eps) {
    assertEquals(expected.xM(), actual.xM(), eps, "x");
    assertEquals(expected.yM(), actual.yM(), eps, "y");
    assertEquals(expected.zM(), actual.zM(), eps, "z");
    double dot = expected.qw() * actual.qw() + expected.qx() * actual.qx() + expected.qy() * actual.qy()
        + expected.qz() * actual.qz();
    double s = dot < 0 ? -1 : 1;
    assertEquals(expected.qw(), s * actual.qw(), eps, "qw");
    assertEquals(expected.qx(), s * actual.qx(), eps, "qx");
    assertEquals(expected.qy(), s * actual.qy(), eps, "qy");
    assertEquals(expected.qz(), s * actual.qz(), eps, "qz");
  }

  @Nested
  class NameMapping {
    @Test
    void shuffledJointsLandInChainOrderAndExtrasAreIgnored() {
      JointStateEstimator est = new JointStateEstimator("arm1", TELOS6);
      double[] chainOrder = {0.1, -0.2, 0.3, -0.4, 0.5, -0.6};
      List<String> names = new ArrayList<>(TELOS6.jointNames());
      names.add("gripper_finger_joint");
      names.add("conveyor");
      double[] values = new double[names.size()];
      for (int i = 0; i < 6; i++) {
        values[i] = chainOrder[i];
      }
      values[6] = Double.NaN; // not ours: even a bad value is ignored
      values[7] = 42;
      for (long seed = 0; seed < 5; seed++) {
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
          perm.add(i);
        }
        Collections.shuffle(perm, new Random(seed));
        List<String> shuffledNames = new ArrayList<>();
        double[] shuffled = new double[names.size()];
        double[] shuffledVel = new double[names.size()];
        for (int k = 0; k < perm.size(); k++) {
          shuffledNames.add(names.get(perm.get(k)));
          shuffled[k] = values[perm.get(k)];
          shuffledVel[k] = 10 * values[perm.get(k)];
        }
        Observation o = est.update(state(seed * MS, shuffledNames, shuffled, shuffledVel), seed * MS);
        assertVec(chainOrder, o.position(), 0);
        assertVec(new double[] {1, -2, 3, -4, 5, -6}, o.velocity(), EPS);
      }
      assertEquals(TELOS6.jointNames(), est.jointNames());
    }

    @Test
    void missingJointIsNamed() {
      JointStateEstimator est = new JointStateEstimator("arm1", TELOS6);
      List<String> five = TELOS6.jointNames().subList(0, 5);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> est.update(state(0, five, new double[5]), 0));
      assertTrue(e.getMessage().startsWith("joint state lacks joint 'wrist_3_joint' of robot 'arm1'"), e.getMessage());

      List<String> names = List.of("shoulder_pan_joint", "elbow_joint", "wrist_1_joint", "wrist_2_joint");
      IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
          () -> est.update(state(0, names, new double[4]), 0));
      assertTrue(two.getMessage().startsWith(
          "joint state lacks joints 'shoulder_lift_joint', 'wrist_3_joint' of robot 'arm1'"), two.getMessage());
    }

    @Test
    void nonFiniteValuesAreNamed() {
      JointStateEstimator est = new JointStateEstimator("arm1", PLANAR2);
      List<String> names = List.of("joint2", "joint1");
      IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
          () -> est.update(state(0, names, new double[] {Double.NaN, 0}), 0));
      assertEquals("joint 'joint2' has non-finite position NaN", p.getMessage());
      IllegalArgumentException v = assertThrows(IllegalArgumentException.class,
          () -> est.update(state(0, names, new double[] {0, 0}, new double[] {0, Double.POSITIVE_INFINITY}), 0));
      assertEquals("joint 'joint1' has non-finite velocity Infinity", v.getMessage());
    }

    @Test
    void duplicateJointIsRefused() {
      JointStateEstimator est = new JointStateEstimator("arm1", PLANAR2);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> est.update(state(0, List.of("joint1", "joint2", "joint1"), new double[3]), 0));
      assertEquals("joint state lists joint 'joint1' more than once", e.getMessage());
    }

    @Test
    void aRefusedStateLeavesTheEstimateUntouched() {
      JointStateEstimator est = new JointStateEstimator("arm1", PLANAR2);
      est.update(inOrder(PLANAR2, 0, 0.0, 0.0), 0);
      assertThrows(IllegalArgumentException.class,
          () -> est.update(state(5 * MS, List.of("joint1"), new double[] {9}), 5 * MS));
      assertThrows(IllegalArgumentException.class,
          () -> est.update(inOrder(PLANAR2, 5 * MS, 9, Double.NaN), 5 * MS));
      // the finite difference still runs from the last good state at t = 0
      Observation o = est.update(inOrder(PLANAR2, 10 * MS, 0.1, -0.2), 10 * MS);
      assertVec(new double[] {10, -20}, o.velocity(), 1e-9);
      assertEquals(1, o.header().sequence(), "refused states take no sequence number");
    }
  }

  @Nested
  class Velocity {
    @Test
    void finiteDifferenceOverTheHeaderStamps() {
      JointStateEstimator est = new JointStateEstimator("arm1", PLANAR2);
      Observation first = est.update(inOrder(PLANAR2, 1_000 * MS, 0.5, -0.5), 1_000 * MS);
      assertVec(new double[] {0, 0}, first.velocity(), 0);
      // 4 ms later, +0.01 and -0.02 rad: 2.5 and -5 rad/s
      Observation second = est.update(inOrder(PLANAR2, 1_004 * MS, 0.51, -0.52), 1_010 * MS);
      assertVec(new double[] {2.5, -5.0}, second.velocity(), 1e-9);
      // the stamps count, not the arrival time: 2 ms later, +0.002 -> 1 rad/s
      Observation third = est.update(inOrder(PLANAR2, 1_006 * MS, 0.512, -0.52), 1_011 * MS);
      assertVec(new double[] {1.0, 0.0}, third.velocity(), 1e-9);
    }

    @Test
    void measuredVelocityWinsOverTheDifference() {
      JointStateEstimator est = new JointStateEstimator("arm1", PLANAR2);
      est.update(inOrder(PLANAR2, 0, 0.0, 0.0), 0);
      Observation o = est.update(state(10 * MS, List.of("joint2", "joint1"), new double[] {1, 1},
          new double[] {0.3, -0.7}), 10 * MS);
      assertVec(new double[] {-0.7, 0.3}, o.velocity(), 0);
      // back to differences: from the last state (t = 10 ms), not from the measurement
      Observation d = est.update(inOrder(PLANAR2, 20 * MS, 1.01, 1.0), 20 * MS);
      assertVec(new double[] {1.0, 0.0}, d.velocity(), 1e-9);
    }

    @Test
    void repeatedStampKeepsTheVelocityAndAnOlderStampIsRefused() {
      JointStateEstimator est = new JointStateEstimator("arm1", PLANAR2);
      est.update(inOrder(PLANAR2, 0, 0.0, 0.0), 0);
      est.update(inOrder(PLANAR2, 10 * MS, 0.1, 0.0), 10 * MS);
      Observation same = est.update(inOrder(PLANAR2, 10 * MS, 0.1, 0.0), 11 * MS);
      assertVec(new double[] {10, 0}, same.velocity(), 1e-9);
      assertEquals(1 * MS, same.stateAgeNs());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> est.update(inOrder(PLANAR2, 9 * MS, 0.1, 0.0), 12 * MS));
      assertTrue(e.getMessage().contains("older than the previous one"), e.getMessage());
    }

    @Test
    void continuousJointDifferencesWrapAroundPi() {
      JointStateEstimator est = new JointStateEstimator("arm1", SLIDER);
      est.update(inOrder(SLIDER, 0, Math.PI - 0.01, 0.0, 0.0), 0);
      // the turret crossed +pi to -pi: +0.02 rad in 10 ms, not -6.26 rad
      Observation o = est.update(inOrder(SLIDER, 10 * MS, -Math.PI + 0.01, 0.001, 0.0), 10 * MS);
      assertVec(new double[] {2.0, 0.1, 0.0}, o.velocity(), 1e-9);
    }

    @Test
    void lowPassFilterSeedsWithTheFirstSample() {
      JointStateEstimator est = new JointStateEstimator("arm1", PLANAR2, new EstimatorConfig(0.5));
      List<String> names = PLANAR2.jointNames();
      assertVec(new double[] {4, 0}, est.update(state(0, names, new double[2], new double[] {4, 0}), 0).velocity(), 0);
      assertVec(new double[] {2, 1}, est.update(state(1, names, new double[2], new double[] {0, 2}), 1).velocity(), 0);
      assertVec(new double[] {1, 1.5}, est.update(state(2, names, new double[2], new double[] {0, 2}), 2).velocity(), 0);
    }

    @Test
    void lowPassOnFiniteDifferences() {
      JointStateEstimator est = new JointStateEstimator("arm1", PLANAR2, new EstimatorConfig(0.25));
      est.update(inOrder(PLANAR2, 0, 0.0, 0.0), 0);
      // first difference seeds the filter: 1 rad/s
      assertVec(new double[] {1, 0}, est.update(inOrder(PLANAR2, 10 * MS, 0.01, 0.0), 0).velocity(), 1e-9);
      // a 5 rad/s step moves it a quarter of the way: 1 + 0.25 * 4 = 2
      assertVec(new double[] {2, 0}, est.update(inOrder(PLANAR2, 20 * MS, 0.06, 0.0), 0).velocity(), 1e-9);
    }

    @Test
    void resetForgetsHistoryButNotTheSequence() {
      StateEstimator est = new JointStateEstimator("arm1", PLANAR2);
      est.update(inOrder(PLANAR2, 0, 0.0, 0.0), 0);
      est.update(inOrder(PLANAR2, 10 * MS, 0.1, 0.0), 10 * MS);
      est.reset();
      // after a reconnect the stamps may start over; the first state has no velocity
      Observation o = est.update(inOrder(PLANAR2, 5 * MS, 1.0, 1.0), 5 * MS);
      assertVec(new double[] {0, 0}, o.velocity(), 0);
      assertEquals(2, o.header().sequence());
    }
  }

  @Nested
  class ObservationContents {
    @Test
    void headerPoseAndAge() {
      JointStateEstimator est = new JointStateEstimator("arm1", TELOS6);
      for (int k = 0; k < 3; k++) {
        long stamp = (100 + k) * MS;
        Observation o = est.update(inOrder(TELOS6, stamp, new double[6]), stamp + 3 * MS);
        assertEquals(new Header(k, stamp, "perception/arm1", "base_link"), o.header());
        assertEquals(3 * MS, o.stateAgeNs());
        assertTrue(o.latent().isEmpty());
      }
      Observation o = est.update(inOrder(TELOS6, 200 * MS, Math.PI / 2, 0, 0, 0, 0, 0), 200 * MS);
      // telos6 at zero has its tool at (0, 0.234, 1.0795); a quarter pan turns that to (-0.234, 0, 1.0795)
      assertSamePose(new Pose(-0.234, 0, 1.0795, 0.5, -0.5, -0.5, 0.5), o.endEffector(), EPS);
      assertEquals("world", new JointStateEstimator("x", SLIDER).update(inOrder(SLIDER, 0, 0, 0, 0), 0).header().frame());
    }

    @Test
    void poseMatchesTheChainsForwardKinematics() {
      Random rnd = new Random(7);
      for (RobotModel m : List.of(TELOS6, PLANAR2, SLIDER)) {
        JointStateEstimator est = new JointStateEstimator("arm1", m);
        for (int k = 0; k < 300; k++) {
          double[] q = new double[m.dof()];
          for (int i = 0; i < q.length; i++) {
            q[i] = (rnd.nextDouble() * 2 - 1) * (k < 100 ? Math.PI : 20);
          }
          Observation o = est.update(inOrder(m, k, q), k);
          Pose expected = m.chain().forwardPose(q);
          assertSamePose(expected, o.endEffector(), 1e-12);
          Pose p = o.endEffector();
          assertEquals(1.0, p.qw() * p.qw() + p.qx() * p.qx() + p.qy() * p.qy() + p.qz() * p.qz(), 1e-14);
        }
      }
    }

    @Test
    void outputDoesNotAliasTheScratchBuffers() {
      JointStateEstimator est = new JointStateEstimator("arm1", PLANAR2);
      Observation a = est.update(inOrder(PLANAR2, 0, 0.1, 0.2), 0);
      Observation b = est.update(inOrder(PLANAR2, 10 * MS, 0.3, 0.4), 10 * MS);
      assertVec(new double[] {0.1, 0.2}, a.position(), 0);
      assertVec(new double[] {0.3, 0.4}, b.position(), 0);
      assertVec(new double[] {0, 0}, a.velocity(), 0);
    }

    @Test
    void accessors() {
      EstimatorConfig c = new EstimatorConfig(0.3);
      JointStateEstimator est = new JointStateEstimator("arm7", PLANAR2, c);
      assertEquals("arm7", est.robotId());
      assertSame(c, est.config());
      assertEquals(List.of("joint1", "joint2"), est.jointNames());
    }
  }

  @Test
  void updateAllocatesLittleBeyondItsOutput() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    if (!(mx instanceof com.sun.management.ThreadMXBean sun) || !sun.isThreadAllocatedMemorySupported()) {
      return;
    }
    sun.setThreadAllocatedMemoryEnabled(true);
    JointStateEstimator est = new JointStateEstimator("arm1", TELOS6);
    int count = 20_000;
    JointState[] states = new JointState[count];
    List<String> names = new ArrayList<>(TELOS6.jointNames());
    Collections.reverse(names);
    for (int k = 0; k < count; k++) {
      states[k] = state(k * MS, names, new double[] {0.1 * k % 3, 0.2, 0.3, 0.4, 0.5, 0.6});
    }
    for (int k = 0; k < count / 2; k++) {
      est.update(states[k], k * MS);
    }
    long tid = Thread.currentThread().threadId();
    long before = sun.getThreadAllocatedBytes(tid);
    for (int k = count / 2; k < count; k++) {
      est.update(states[k], k * MS);
    }
    long perUpdate = (sun.getThreadAllocatedBytes(tid) - before) / (count / 2);
    // the output alone (Observation, Header, Pose, two Vecs and their arrays) is about 300 bytes;
    // forward kinematics through KinematicChain.forwardPose would add about as much again
    assertTrue(perUpdate < 600, "bytes allocated per update: " + perUpdate);
  }
}
