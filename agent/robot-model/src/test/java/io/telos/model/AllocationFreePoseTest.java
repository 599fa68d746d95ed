package io.telos.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.telos.api.Pose;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The allocation-free pose equals the allocating one. */
class AllocationFreePoseTest {
  @Test
  void matchesForwardPoseOnRandomConfigurations() {
    for (String arm : new String[] {"builtin:telos6", "builtin:planar2"}) {
      KinematicChain chain = RobotModel.load(arm).chain();
      KinematicChain.Scratch s = chain.newScratch();
      SplittableRandom rnd = new SplittableRandom(3);
      double[] out = new double[7];
      for (int k = 0; k < 300; k++) {
        double[] q = new double[chain.dof()];
        for (int i = 0; i < q.length; i++) {
          q[i] = rnd.nextDouble(-3, 3);
        }
        chain.forwardPose(q, out, s);
        Pose p = chain.forwardPose(q);
        double[] expected = {p.xM(), p.yM(), p.zM(), p.qw(), p.qx(), p.qy(), p.qz()};
        for (int i = 0; i < 7; i++) {
          assertEquals(expected[i], out[i], 1e-12, arm + " component " + i);
        }
      }
    }
  }

  @Test
  void jointOriginsMatchLinkFramesAndTheTip() {
    KinematicChain chain = RobotModel.load("builtin:telos6").chain();
    double[] q = {0.3, -0.7, 1.1, 0.2, -0.4, 0.9};
    double[] out = new double[3 * (chain.dof() + 1)];
    chain.jointOrigins(q, out, chain.newScratch());
    Transform[] frames = chain.linkTransforms(q);
    for (int j = 0; j < chain.dof(); j++) {
      for (int k = 0; k < 3; k++) {
        // joint j sits at the origin of its child link frame (the motion is about that origin)
        assertEquals(frames[j + 1].translationAt(k), out[3 * j + k], 1e-12, "joint " + j);
      }
    }
    double[] tip = chain.forwardPosition(q);
    for (int k = 0; k < 3; k++) {
      assertEquals(tip[k], out[3 * chain.dof() + k], 1e-12);
    }
  }
}
