package io.telos.bridge.sim;

import static io.telos.bridge.sim.SimTesting.hold;
import static io.telos.bridge.sim.SimTesting.lockStep;
import static io.telos.bridge.sim.SimTesting.maxAbsError;
import static io.telos.bridge.sim.SimTesting.q;
import static io.telos.bridge.sim.SimTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.model.RobotModel;
import io.telos.model.Transform;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Prismatic (slider), continuous (unlimited hinge) and fixed (lumped) joints, on a test arm:
 * a vertical lift, a turret and a tilting beam with a welded payload.
 */
class SimulatedArmJointTypesTest {
  private static final RobotModel LIFT3 = load();

  private static RobotModel load() {
    try {
      return RobotModel.load(Path.of(Objects.requireNonNull(
          SimulatedArmJointTypesTest.class.getResource("/robots/lift3.urdf")).toURI()).toString());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void holdsAndReportsTheGravityLoadOfEveryJointType() {
    double[] pose = {0.2, 0.7, 0.6};
    try (SimulatedArm arm = lockStep(LIFT3, SimConfig.defaults().withInitialPosition(pose), 1)) {
      run(arm, 1000);
      assertTrue(maxAbsError(q(arm), pose) < 1e-3, () -> Arrays.toString(q(arm)));
      double[] measured = arm.groundTruth().effort().toArray();
      double[] expected = SimulatedArmDynamicsTest.holdingTorque(LIFT3, q(arm), new double[] {0, 0, -9.81});
      System.out.println("lift3 holding effort " + Arrays.toString(measured) + " expected " + Arrays.toString(expected));
      assertEquals(9.0 * 9.81, expected[0], 1e-9, "the lift carries all 9 kg");
      for (int i = 0; i < 3; i++) {
        assertEquals(expected[i], measured[i], 0.01 * Math.abs(expected[i]) + 0.05, "joint " + i);
      }
    }
  }

  @Test
  void tracksSlidesAndTurnsAContinuousJointPastPi() {
    try (SimulatedArm arm = lockStep(LIFT3, SimConfig.defaults(), 1)) {
      double[] target = {0.35, 5.0, -0.8};
      arm.write(hold(arm, target));
      double worst = run(arm, 3000);
      assertTrue(maxAbsError(q(arm), target) < 1e-3, () -> Arrays.toString(q(arm)));
      assertTrue(worst <= 1.1, "peak velocity " + worst + " x limit");
      arm.write(hold(arm, 0.35, -4.0, -0.8));
      run(arm, 4000);
      assertEquals(-4.0, q(arm)[1], 1e-3, "unwrapped the other way too");
      Transform[] engine = arm.linkPoses();
      Transform[] fk = LIFT3.chain().linkTransforms(q(arm));
      for (int i = 0; i < 3; i++) {
        for (int k = 0; k < 3; k++) {
          assertEquals(fk[i + 1].translationAt(k), engine[i].translationAt(k), 1e-6, "link " + i);
        }
      }
    }
  }

  @Test
  void theSliderStopHoldsAndAStoppedLiftRestsOnItsLowerStop() {
    try (SimulatedArm arm = lockStep(LIFT3, SimConfig.defaults().withInitialPosition(0.3, 0, 0), 1)) {
      arm.write(hold(arm, 0.8, 0, 0)); // upper limit 0.5
      double max = 0;
      for (int k = 0; k < 2000; k++) {
        run(arm, 1);
        max = Math.max(max, q(arm)[0]);
      }
      assertTrue(max <= 0.5 + 0.005, "lift went to " + max);
      assertTrue(q(arm)[0] >= 0.495, "lift rests on its stop at " + q(arm)[0]);
    }
    SimConfig limp = SimConfig.defaults().withInitialPosition(0.3, 0, 0).withEffortScale(0);
    try (SimulatedArm arm = lockStep(LIFT3, limp, 1)) {
      run(arm, 1500); // falls 0.3 m (in ~0.25 s, slowed by the damping) onto the lower stop
      assertTrue(Math.abs(q(arm)[0]) < 0.005, "lift at " + q(arm)[0]);
    }
  }
}
