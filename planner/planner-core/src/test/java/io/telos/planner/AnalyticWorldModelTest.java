package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Pose;
import io.telos.api.Vec;
import io.telos.model.JointLimits;
import io.telos.model.RobotModel;
import io.telos.planner.spi.WorldModel.Probe;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AnalyticWorldModelTest {
  private static final RobotModel TELOS6 = RobotModel.load("builtin:telos6");
  private static final RobotModel PLANAR2 = RobotModel.load("builtin:planar2");

  @Test
  void accelerationLimitsTheVelocityChange() {
    AnalyticWorldModel m = new AnalyticWorldModel(PLANAR2, 0.05);
    double[] next = new double[4];
    m.step(new double[] {0, 0, 0, 0}, new double[] {2.0, -2.5}, 1, next);
    JointLimits lim = PLANAR2.limits();
    assertEquals(lim.acceleration(0) * 0.05, next[2], 1e-12);
    assertEquals(-lim.acceleration(1) * 0.05, next[3], 1e-12);
    assertEquals(0.05 * next[2], next[0], 1e-12);
    assertEquals(0.05 * next[3], next[1], 1e-12);
  }

  @Test
  void velocityStaysInsideItsLimit() {
    AnalyticWorldModel m = new AnalyticWorldModel(PLANAR2, 0.05);
    double[] s = {0, 0, 1.9, -2.4};
    double[] next = new double[4];
    m.step(s, new double[] {100, -100}, 1, next);
    assertEquals(2.0, next[2], 1e-12);
    assertEquals(-2.5, next[3], 1e-12);
  }

  @Test
  void positionStopsAtItsLimit() {
    AnalyticWorldModel m = new AnalyticWorldModel(PLANAR2, 0.05);
    double[] next = new double[4];
    m.step(new double[] {2.79, -2.59, 2.0, -2.0}, new double[] {2.0, -2.0}, 1, next);
    assertArrayEquals(new double[] {2.8, -2.6, 0.0, 0.0}, next, 1e-12);
  }

  @Test
  void endEffectorProbeIsForwardKinematicsAndBatchesMatchSingles() {
    AnalyticWorldModel m = new AnalyticWorldModel(TELOS6, 0.04);
    SplittableRandom rnd = new SplittableRandom(3);
    int batch = 7;
    double[] states = new double[batch * 12];
    double[] actions = new double[batch * 6];
    for (int i = 0; i < states.length; i++) {
      states[i] = rnd.nextDouble(-2, 2);
    }
    for (int i = 0; i < actions.length; i++) {
      actions[i] = rnd.nextDouble(-3, 3);
    }
    double[] next = new double[states.length];
    m.step(states, actions, batch, next);
    double[] ee = new double[batch * 3];
    m.probe(Probe.END_EFFECTOR_POSITION, next, batch, ee);
    double[] q = new double[batch * 6];
    m.probe(Probe.JOINT_POSITION, next, batch, q);
    for (int b = 0; b < batch; b++) {
      double[] one = new double[12];
      m.step(java.util.Arrays.copyOfRange(states, b * 12, b * 12 + 12),
          java.util.Arrays.copyOfRange(actions, b * 6, b * 6 + 6), 1, one);
      assertArrayEquals(one, java.util.Arrays.copyOfRange(next, b * 12, b * 12 + 12));
      double[] fk = TELOS6.chain().forwardPosition(java.util.Arrays.copyOf(one, 6));
      assertArrayEquals(fk, java.util.Arrays.copyOfRange(ee, b * 3, b * 3 + 3), 1e-15);
      assertArrayEquals(java.util.Arrays.copyOf(one, 6), java.util.Arrays.copyOfRange(q, b * 6, b * 6 + 6));
    }
    double[] u = {9, 9, 9};
    m.uncertainty(states, actions, 3, u);
    assertArrayEquals(new double[3], u);
  }

  @Test
  void encodesObservationsAndRefusesOtherArms() {
    AnalyticWorldModel m = new AnalyticWorldModel(PLANAR2, 0.05);
    double[] s = new double[4];
    m.encode(obs(Vec.of(0.1, 0.2), Vec.empty()), s);
    assertArrayEquals(new double[] {0.1, 0.2, 0, 0}, s);
    m.encode(obs(Vec.of(0.1, 0.2), Vec.of(0.3, 0.4)), s);
    assertArrayEquals(new double[] {0.1, 0.2, 0.3, 0.4}, s);
    assertThrows(IllegalArgumentException.class, () -> m.encode(obs(Vec.of(0.1, 0.2, 0.3), Vec.empty()), s));
    assertThrows(IllegalArgumentException.class, () -> new AnalyticWorldModel(PLANAR2, 0));
  }

  private static Observation obs(Vec q, Vec qd) {
    return new Observation(Header.of(0, 0, "t"), q, qd, Pose.IDENTITY, null, 0);
  }
}
