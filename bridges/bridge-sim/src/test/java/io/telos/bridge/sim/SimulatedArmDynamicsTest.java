package io.telos.bridge.sim;

import static io.telos.bridge.sim.SimTesting.MS;
import static io.telos.bridge.sim.SimTesting.PLANAR2;
import static io.telos.bridge.sim.SimTesting.TELOS6;
import static io.telos.bridge.sim.SimTesting.hold;
import static io.telos.bridge.sim.SimTesting.lockStep;
import static io.telos.bridge.sim.SimTesting.maxAbsError;
import static io.telos.bridge.sim.SimTesting.q;
import static io.telos.bridge.sim.SimTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.JointState;
import io.telos.model.JointSpec;
import io.telos.model.RobotModel;
import io.telos.model.Transform;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Physics behaviour of the simulated arm: holding, tracking, engine limits, gravity, effort. */
class SimulatedArmDynamicsTest {

  @Test
  void telos6HoldsItsInitialPositionAgainstGravity() {
    try (SimulatedArm arm = lockStep(TELOS6, SimConfig.defaults(), 1)) {
      double[] q0 = SimulatedArm.defaultInitialPosition(TELOS6);
      assertArrayEquals(q0, q(arm), 1e-12, "starts at the home pose");
      run(arm, 2000); // no command at all: holds the initial position
      assertTrue(maxAbsError(q(arm), q0) < 1e-3, () -> "drifted to " + Arrays.toString(q(arm)));
      arm.write(hold(arm, q0));
      run(arm, 2000);
      assertTrue(maxAbsError(q(arm), q0) < 1e-3, () -> "drifted to " + Arrays.toString(q(arm)));
      assertEquals(4000, arm.stepCount());
      assertEquals(4000 * MS, arm.simTimeNs());
    }
  }

  @Test
  void planar2HoldsAnArbitraryPose() {
    double[] q0 = {0.7, -1.1};
    try (SimulatedArm arm = lockStep(PLANAR2, SimConfig.defaults().withInitialPosition(q0), 1)) {
      arm.write(hold(arm, q0));
      run(arm, 2000);
      assertTrue(maxAbsError(q(arm), q0) < 1e-3, () -> "drifted to " + Arrays.toString(q(arm)));
    }
  }

  @Test
  void telos6TracksAPositionStepWithinTheVelocityLimits() {
    try (SimulatedArm arm = lockStep(TELOS6, SimConfig.defaults(), 1)) {
      double[] target = {1.0, -1.0, 1.8, -1.2, 1.0, 0.8};
      arm.write(hold(arm, target));
      int reachedMs = -1;
      double worst = 0;
      for (int ms = 1; ms <= 3000; ms++) {
        worst = Math.max(worst, run(arm, 1));
        if (reachedMs < 0 && maxAbsError(q(arm), target) < 1e-3) {
          reachedMs = ms;
        }
      }
      System.out.printf("telos6 step: reached within 1e-3 rad after %d ms, peak |qd|/limit %.3f%n", reachedMs, worst);
      assertTrue(reachedMs > 0 && reachedMs < 1500, "reached after " + reachedMs + " ms");
      assertTrue(worst <= 1.1, "peak velocity " + worst + " x limit");
      assertTrue(maxAbsError(q(arm), target) < 1e-3);
    }
  }

  @Test
  void planar2TracksAPositionStepWithinTheVelocityLimits() {
    try (SimulatedArm arm = lockStep(PLANAR2, SimConfig.defaults(), 1)) {
      double[] target = {1.5, -2.0};
      arm.write(hold(arm, target));
      double worst = run(arm, 1500);
      assertTrue(maxAbsError(q(arm), target) < 1e-3, () -> Arrays.toString(q(arm)));
      assertTrue(worst <= 1.1, "peak velocity " + worst + " x limit");
      assertTrue(worst >= 0.95, "a large step should run at the velocity limit, peak " + worst);
    }
  }

  @Test
  void velocityFeedForwardIsFollowed() {
    try (SimulatedArm arm = lockStep(PLANAR2, SimConfig.defaults()
        .withCommandInterface(SimConfig.CommandInterface.VELOCITY), 1)) {
      arm.write(SimTesting.command(arm.jointNames(), new double[] {Double.NaN, 0}, new double[] {0.5, -0.25}));
      assertEquals(1, arm.acceptedCommands(), "velocity interface ignores the position field");
      run(arm, 1000);
      JointState s = arm.groundTruth();
      assertEquals(0.5, s.velocity().get(0), 1e-3);
      assertEquals(-0.25, s.velocity().get(1), 1e-3);
      assertEquals(0.5, s.position().get(0), 0.01);
      assertEquals(-0.25, s.position().get(1), 0.01);
    }
  }

  @Test
  void theEngineStopHoldsACommandBeyondTheLimit() {
    try (SimulatedArm arm = lockStep(TELOS6, SimConfig.defaults(), 1)) {
      double[] target = SimulatedArm.defaultInitialPosition(TELOS6);
      target[2] = 3.5; // elbow, upper limit 2.7: the bridge clamps nothing
      target[0] = -4.0; // pan, lower limit -3.05
      arm.write(hold(arm, target));
      double maxElbow = -1e9;
      double minPan = 1e9;
      for (int ms = 0; ms < 3000; ms++) {
        arm.step(MS);
        maxElbow = Math.max(maxElbow, q(arm)[2]);
        minPan = Math.min(minPan, q(arm)[0]);
      }
      System.out.printf("telos6 stops: elbow max %.5f (limit 2.7), pan min %.5f (limit -3.05)%n", maxElbow, minPan);
      assertTrue(maxElbow <= 2.7 + 0.01, "elbow went to " + maxElbow);
      assertTrue(q(arm)[2] >= 2.69, "elbow should rest on its stop, is at " + q(arm)[2]);
      assertTrue(minPan >= -3.05 - 0.01, "pan went to " + minPan);
      assertTrue(q(arm)[0] <= -3.04, "pan should rest on its stop, is at " + q(arm)[0]);
    }
    try (SimulatedArm arm = lockStep(PLANAR2, SimConfig.defaults(), 1)) {
      arm.write(hold(arm, 0, 3.2)); // joint2 upper limit 2.6
      double max = -1e9;
      for (int ms = 0; ms < 2500; ms++) {
        arm.step(MS);
        max = Math.max(max, q(arm)[1]);
      }
      assertTrue(max <= 2.6 + 0.01, "joint2 went to " + max);
      assertTrue(q(arm)[1] >= 2.59, "joint2 should rest on its stop, is at " + q(arm)[1]);
    }
  }

  @Test
  void aLimpTelos6FallsUnderGravity() {
    double[] horizontal = {0, Math.PI / 2, 0, 0, 0, 0}; // upper arm and forearm straight out along +x
    SimConfig limp = SimConfig.defaults().withInitialPosition(horizontal).withEffortScale(0);
    try (SimulatedArm arm = lockStep(TELOS6, limp, 1)) {
      run(arm, 100);
      double dq = q(arm)[1] - horizontal[1];
      double qd = arm.groundTruth().velocity().get(1);
      System.out.printf("limp telos6 after 0.1 s: shoulder_lift +%.4f rad, %.3f rad/s%n", dq, qd);
      // gravity pulls the outstretched arm down: positive rotation about +y, accelerating
      assertTrue(dq > 0.02, "shoulder should have fallen, moved " + dq);
      assertTrue(qd > 0.4, "shoulder should be accelerating down, qd " + qd);
      run(arm, 1500);
      assertTrue(q(arm)[1] <= 2.2 + 0.02, "the stop catches the falling arm at " + q(arm)[1]);
    }
    // the same arm with its motors holds
    try (SimulatedArm arm = lockStep(TELOS6, SimConfig.defaults().withInitialPosition(horizontal), 1)) {
      run(arm, 1000);
      assertTrue(maxAbsError(q(arm), horizontal) < 1e-3, () -> Arrays.toString(q(arm)));
    }
  }

  @Test
  void planar2WithoutMotorsIsUnaffectedByGravity() {
    // its joint axes are vertical: gravity does no work on it
    SimConfig limp = SimConfig.defaults().withInitialPosition(0.5, 0.5).withEffortScale(0);
    try (SimulatedArm arm = lockStep(PLANAR2, limp, 1)) {
      run(arm, 1000);
      assertTrue(maxAbsError(q(arm), new double[] {0.5, 0.5}) < 1e-6, () -> Arrays.toString(q(arm)));
    }
  }

  @Test
  void reportedEffortMatchesTheStaticGravityTorque() {
    double[] pose = {0.3, 1.0, 0.5, -0.7, 1.0, 0.4}; // upper arm leaning out: a loaded shoulder
    try (SimulatedArm arm = lockStep(TELOS6, SimConfig.defaults().withInitialPosition(pose), 1)) {
      run(arm, 500);
      double[] measured = arm.groundTruth().effort().toArray();
      double[] expected = holdingTorque(TELOS6, q(arm), new double[] {0, 0, -9.81});
      System.out.println("telos6 holding effort " + Arrays.toString(measured) + " expected " + Arrays.toString(expected));
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], measured[i], 0.01 * Math.abs(expected[i]) + 0.05, "joint " + i);
      }
      assertTrue(Math.abs(expected[1]) > 30, "the pose loads the shoulder: " + expected[1]);
      assertTrue(maxAbsError(q(arm), pose) < 1e-3);
    }
  }

  @Test
  void engineLinkPosesMatchForwardKinematics() {
    try (SimulatedArm arm = lockStep(TELOS6, SimConfig.defaults(), 1)) {
      arm.write(hold(arm, 0.4, -0.8, 1.5, -0.3, 0.9, -1.2));
      run(arm, 1500);
      double[] qm = q(arm);
      Transform[] engine = arm.linkPoses();
      Transform[] fk = TELOS6.chain().linkTransforms(qm);
      for (int i = 0; i < engine.length; i++) {
        for (int k = 0; k < 3; k++) {
          assertEquals(fk[i + 1].translationAt(k), engine[i].translationAt(k), 1e-6, "link " + i + " t" + k);
          for (int c = 0; c < 3; c++) {
            assertEquals(fk[i + 1].rotationAt(k, c), engine[i].rotationAt(k, c), 1e-6, "link " + i + " r" + k + c);
          }
        }
      }
    }
  }

  /** The torque (force) each joint must apply to its child to hold the arm still: -(gravity load). */
  static double[] holdingTorque(RobotModel model, double[] q, double[] g) {
    int n = model.dof();
    Transform[] frames = model.chain().linkTransforms(q);
    double[][] comWorld = new double[n][];
    double[] mass = new double[n];
    for (int i = 0; i < n; i++) {
      JointSpec js = model.chain().joints().get(i);
      ArmWorld.Lumped l = ArmWorld.lump(model.description(), js.child());
      mass[i] = l.massKg();
      comWorld[i] = frames[i + 1].apply(l.com()[0], l.com()[1], l.com()[2]);
    }
    double[] tau = new double[n];
    for (int j = 0; j < n; j++) {
      double[] p = frames[j + 1].translation();
      double[] a = frames[j + 1].rotate(model.chain().joints().get(j).axis());
      double s = 0;
      boolean prismatic = model.chain().joints().get(j).type() == io.telos.model.JointType.PRISMATIC;
      for (int k = j; k < n; k++) {
        if (prismatic) {
          s += mass[k] * (a[0] * g[0] + a[1] * g[1] + a[2] * g[2]);
          continue;
        }
        double rx = comWorld[k][0] - p[0];
        double ry = comWorld[k][1] - p[1];
        double rz = comWorld[k][2] - p[2];
        double fx = mass[k] * g[0];
        double fy = mass[k] * g[1];
        double fz = mass[k] * g[2];
        s += a[0] * (ry * fz - rz * fy) + a[1] * (rz * fx - rx * fz) + a[2] * (rx * fy - ry * fx);
      }
      tau[j] = -s;
    }
    return tau;
  }
}
