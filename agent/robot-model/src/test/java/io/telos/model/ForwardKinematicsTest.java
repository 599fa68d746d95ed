package io.telos.model;

import static io.telos.model.TestUrdfs.HALF_PI;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.telos.api.Pose;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Forward kinematics against poses worked out by hand from the URDF origins and axes. */
class ForwardKinematicsTest {
  private static final double EPS = 1e-12;
  private static final double S = Math.sqrt(0.5);

  /** Rotation matrices (row-major) used to state expected orientations. */
  static double[] rotX(double a) {
    double c = Math.cos(a);
    double s = Math.sin(a);
    return new double[] {1, 0, 0, 0, c, -s, 0, s, c};
  }

  static double[] rotY(double a) {
    double c = Math.cos(a);
    double s = Math.sin(a);
    return new double[] {c, 0, s, 0, 1, 0, -s, 0, c};
  }

  static double[] rotZ(double a) {
    double c = Math.cos(a);
    double s = Math.sin(a);
    return new double[] {c, -s, 0, s, c, 0, 0, 0, 1};
  }

  static double[] mul(double[] a, double[] b) {
    double[] out = new double[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 3; k++) {
          out[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j];
        }
      }
    }
    return out;
  }

  /** Quaternions q and -q are the same rotation: compare after fixing the sign. */
  static void assertSameRotation(double[] expectedWxyz, Pose p, double eps) {
    double[] got = {p.qw(), p.qx(), p.qy(), p.qz()};
    double dot = 0;
    for (int i = 0; i < 4; i++) {
      dot += expectedWxyz[i] * got[i];
    }
    double sign = Math.signum(dot) == 0 ? 1 : Math.signum(dot);
    for (int i = 0; i < 4; i++) {
      assertEquals(expectedWxyz[i], sign * got[i], eps, "quaternion " + "wxyz".charAt(i) + " of " + p);
    }
  }

  static void assertPosition(double[] expected, Pose p, double eps) {
    assertArrayEquals(expected, new double[] {p.xM(), p.yM(), p.zM()}, eps, p.toString());
  }

  @Nested
  class Planar2 {
    private final KinematicChain c = KinematicChain.of(TestUrdfs.builtin("planar2"));

    @Test
    void structure() {
      assertEquals(2, c.dof());
      assertEquals("base", c.baseLink());
      assertEquals("tip", c.tipLink());
      assertEquals(List.of("joint1", "joint2"), c.jointNames());
      assertEquals(List.of("base", "link1", "link2"), c.linkNames());
    }

    @Test
    void stretchedAlongX() {
      assertArrayEquals(new double[] {0.9, 0, 0}, c.forwardPosition(new double[] {0, 0}), EPS);
    }

    @Test
    void firstJointQuarterTurnPointsAlongY() {
      assertArrayEquals(new double[] {0, 0.9, 0}, c.forwardPosition(new double[] {HALF_PI, 0}), EPS);
    }

    @Test
    void elbowBentBack() {
      // link 1 along +y to (0, 0.5), link 2 turned back by -90 deg: along +x
      assertArrayEquals(new double[] {0.4, 0.5, 0}, c.forwardPosition(new double[] {HALF_PI, -HALF_PI}), EPS);
      // link 1 along +x to (0.5, 0), link 2 along +y
      assertArrayEquals(new double[] {0.5, 0.4, 0}, c.forwardPosition(new double[] {0, HALF_PI}), EPS);
      // folded: link 2 points back towards the base
      assertArrayEquals(new double[] {0.1, 0, 0}, c.forwardPosition(new double[] {0, Math.PI}), EPS);
      assertArrayEquals(new double[] {-0.9, 0, 0}, c.forwardPosition(new double[] {Math.PI, 0}), EPS);
    }

    @Test
    void orientationIsTheYawSum() {
      Pose p = c.forwardPose(new double[] {HALF_PI, -HALF_PI / 2});
      // yaw = pi/4: q = (cos(pi/8), 0, 0, sin(pi/8))
      assertSameRotation(new double[] {Math.cos(Math.PI / 8), 0, 0, Math.sin(Math.PI / 8)}, p, EPS);
      assertPosition(new double[] {0.4 * S, 0.5 + 0.4 * S, 0}, p, EPS);
    }

    @Test
    void linkFramesSitAtTheJoints() {
      Transform[] f = c.linkTransforms(new double[] {HALF_PI, -HALF_PI});
      assertEquals(3, f.length);
      assertArrayEquals(new double[] {0, 0, 0}, f[0].translation(), EPS);
      assertArrayEquals(new double[] {0, 0, 0}, f[1].translation(), EPS, "link1 frame at joint1");
      assertArrayEquals(new double[] {0, 0.5, 0}, f[2].translation(), EPS, "link2 frame at joint2");
      assertArrayEquals(Transform.IDENTITY.rotationMatrix(), f[2].rotationMatrix(), EPS, "yaw sum is zero");
    }
  }

  @Nested
  class Telos6 {
    private final KinematicChain c = KinematicChain.of(TestUrdfs.builtin("telos6"));

    /** Zero pose, by hand: y = 0.138 - 0.131 + 0.127 + 0.1, z = 0.1625 + 0.425 + 0.392 + 0.1. */
    private final double[] zero = {0, 0.234, 1.0795};

    @Test
    void structure() {
      assertEquals(6, c.dof());
      assertEquals("base_link", c.baseLink());
      assertEquals("tool0", c.tipLink());
      assertEquals(List.of("shoulder_pan_joint", "shoulder_lift_joint", "elbow_joint", "wrist_1_joint",
          "wrist_2_joint", "wrist_3_joint"), c.jointNames());
    }

    @Test
    void zeroPose() {
      Pose p = c.forwardPose(new double[6]);
      assertPosition(zero, p, EPS);
      // only the tool0 offset rotates: roll -90 deg, q = (cos(-pi/4), sin(-pi/4), 0, 0)
      assertSameRotation(new double[] {S, -S, 0, 0}, p, EPS);
      assertArrayEquals(rotX(-HALF_PI), c.tipTransform(new double[6]).rotationMatrix(), EPS);
    }

    @Test
    void panQuarterTurnRotatesTheZeroPoseAboutZ() {
      double[] q = {HALF_PI, 0, 0, 0, 0, 0};
      Pose p = c.forwardPose(q);
      assertPosition(new double[] {-0.234, 0, 1.0795}, p, EPS);
      // Rz(90) * Rx(-90) = (S, 0, 0, S) * (S, -S, 0, 0) = (1/2, -1/2, -1/2, 1/2)
      assertSameRotation(new double[] {0.5, -0.5, -0.5, 0.5}, p, EPS);
      assertArrayEquals(mul(rotZ(HALF_PI), rotX(-HALF_PI)), c.tipTransform(q).rotationMatrix(), EPS);
    }

    @Test
    void liftQuarterTurnLaysTheArmAlongX() {
      // about y through the shoulder (0, 0.138, 0.1625): the 0.917 m above it now points along +x
      double[] q = {0, HALF_PI, 0, 0, 0, 0};
      Pose p = c.forwardPose(q);
      assertPosition(new double[] {0.917, 0.234, 0.1625}, p, EPS);
      assertArrayEquals(mul(rotY(HALF_PI), rotX(-HALF_PI)), c.tipTransform(q).rotationMatrix(), EPS);
    }

    @Test
    void elbowQuarterTurn() {
      // elbow at (0, 0.007, 0.5875); the 0.492 m above it swings to +x
      assertPosition(new double[] {0.492, 0.234, 0.5875}, c.forwardPose(new double[] {0, 0, HALF_PI, 0, 0, 0}), EPS);
    }

    @Test
    void panAndLiftTogether() {
      assertPosition(new double[] {-0.234, 0.917, 0.1625},
          c.forwardPose(new double[] {HALF_PI, HALF_PI, 0, 0, 0, 0}), EPS);
    }

    @Test
    void wrist2SwingsTheToolOffsetAboutZ() {
      // wrist_2 axis through (0, 0.134, 0.9795); the offset (0, 0.1, 0.1) becomes (-0.1, 0, 0.1)
      double[] q = {0, 0, 0, 0, HALF_PI, 0};
      assertPosition(new double[] {-0.1, 0.134, 1.0795}, c.forwardPose(q), EPS);
      assertArrayEquals(mul(rotZ(HALF_PI), rotX(-HALF_PI)), c.tipTransform(q).rotationMatrix(), EPS);
    }

    @Test
    void wrist3SpinsTheToolAboutItsOwnAxis() {
      // wrist_3 turns about y and the tool sits on that axis: position unchanged, orientation turned
      double a = 0.7;
      double[] q = {0, 0, 0, 0, 0, a};
      Pose p = c.forwardPose(q);
      assertPosition(zero, p, EPS);
      assertArrayEquals(mul(rotY(a), rotX(-HALF_PI)), c.tipTransform(q).rotationMatrix(), EPS);
    }

    @Test
    void allocationFreeVariantsAgree() {
      double[] q = {0.3, -0.7, 1.1, 0.4, -1.9, 2.5};
      KinematicChain.Scratch s = c.newScratch();
      double[] pos = new double[3];
      c.forwardPosition(q, pos, s);
      Pose p = c.forwardPose(q);
      assertPosition(pos, p, 0);
      assertArrayEquals(pos, c.tipTransform(q).translation(), 0);
      // the scratch is reusable: a second call gives the same result
      c.forwardPosition(q, pos, s);
      assertPosition(pos, p, 0);
    }

    @Test
    void lastLinkFrameTimesToolOffsetIsTheTip() {
      double[] q = {0.3, -0.7, 1.1, 0.4, -1.9, 2.5};
      Transform[] f = c.linkTransforms(q);
      assertEquals(7, f.length);
      Transform tip = f[6].compose(TestUrdfs.builtin("telos6").joint("tool0_joint").origin());
      assertArrayEquals(c.tipTransform(q).translation(), tip.translation(), 1e-12);
      assertArrayEquals(c.tipTransform(q).rotationMatrix(), tip.rotationMatrix(), 1e-12);
    }

    @Test
    void wrongNumberOfJointValues() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> c.forwardPosition(new double[5]));
      assertEquals("expected 6 joint values, got 5", e.getMessage());
    }
  }

  @Nested
  class ThirdParty {
    private final KinematicChain c = KinematicChain.of(TestUrdfs.parse(TestUrdfs.SCARA));

    @Test
    void positionsMatchTheHandDerivation() {
      double[][] qs = {{0, 0, 0}, {HALF_PI, 0.1, 0}, {-1.0, -0.05, 1.2}, {3.0, 0.2, -1.5}, {7.0, 0, 0}};
      for (double[] q : qs) {
        assertArrayEquals(TestUrdfs.scaraTool(q[0], q[1]), c.forwardPosition(q), 1e-12, () -> java.util.Arrays.toString(q));
      }
      assertArrayEquals(new double[] {1.15, 2.4, 0.8}, c.forwardPosition(new double[3]), 1e-12);
      assertArrayEquals(new double[] {0.6, 2.15, 0.9}, c.forwardPosition(new double[] {HALF_PI, 0.1, 0}), 1e-12);
    }

    @Test
    void orientationComposesMountYawTurretRollAndWrist() {
      double t = 0.4;
      double w = -0.9;
      double[] expected = mul(mul(rotZ(HALF_PI), rotZ(t)), mul(rotX(HALF_PI), rotZ(w)));
      assertArrayEquals(expected, c.tipTransform(new double[] {t, 0.05, w}).rotationMatrix(), 1e-12);
    }

    @Test
    void chainBetweenNamedLinks() {
      KinematicChain sub = KinematicChain.of(TestUrdfs.parse(TestUrdfs.SCARA), "arm", "flange");
      assertEquals(List.of("slider", "wrist"), sub.jointNames());
      // flange in the turret frame at (0.4, -0.1, s)
      assertArrayEquals(new double[] {0.4, -0.1, 0.15}, sub.forwardPosition(new double[] {0.15, 1.0}), 1e-12);
    }

    @Test
    void badChainEnds() {
      RobotDescription d = TestUrdfs.parse(TestUrdfs.SCARA);
      ChainException base = assertThrows(ChainException.class, () -> KinematicChain.of(d, "nope", "tool"));
      assertEquals("base_link", base.key());
      assertEquals("test.urdf: unknown base link 'nope' (allowed: a link of the"
          + " description: world, base, arm, mount, carriage, flange, tool)", base.getMessage());
      ChainException tip = assertThrows(ChainException.class, () -> KinematicChain.of(d, "world", "nope"));
      assertEquals("tip_link", tip.key());
      assertEquals("test.urdf: unknown tip link 'nope' (allowed: a link below base link 'world', leaves [tool])",
          tip.getMessage());
      assertEquals("test.urdf: tip link 'base' is not below base link 'arm' (allowed: a link below it, leaves [tool])",
          assertThrows(ChainException.class, () -> KinematicChain.of(d, "arm", "base")).getMessage());
      assertEquals("test.urdf: chain world -> base has no movable joint (allowed: a tip link below at least one"
              + " revolute, continuous or prismatic joint of the base link)",
          assertThrows(ChainException.class, () -> KinematicChain.of(d, "world", "base")).getMessage());
    }
  }

  @Test
  void branchingTreeNeedsAnExplicitTip() {
    RobotDescription d = TestUrdfs.parse("""
        <robot name="y">
          <link name="a"/><link name="l"/><link name="r"/>
          <joint name="jl" type="continuous"><parent link="a"/><child link="l"/></joint>
          <joint name="jr" type="continuous"><parent link="a"/><child link="r"/></joint>
        </robot>
        """);
    ChainException e = assertThrows(ChainException.class, () -> KinematicChain.of(d));
    assertEquals("tip_link", e.key());
    assertEquals("test.urdf: no tip link named and the tree branches below 'a': the arm could end at any of the leaf"
        + " links [l, r]; name one of them, or a link above where they branch, as the tip link", e.getMessage());
    assertEquals(List.of("jr"), KinematicChain.of(d, "a", "r").jointNames());
  }

  @Test
  void floatingJointCannotBeInAnArmChain() {
    RobotDescription d = TestUrdfs.parse("""
        <robot name="f">
          <link name="a"/><link name="b"/>
          <joint name="free" type="floating"><parent link="a"/><child link="b"/></joint>
        </robot>
        """);
    UrdfException e = assertThrows(UrdfException.class, () -> KinematicChain.of(d));
    assertEquals("test.urdf: joint 'free' of type floating cannot be part of a serial arm chain (allowed in the"
        + " chain a -> b: revolute, continuous, prismatic and fixed joints)", e.getMessage());
  }
}
