package io.telos.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Descriptions laid out as vendors ship them (see {@code src/test/resources/io/telos/model/arms/}):
 * several leaves, fixed frames, continuous and mimic joints, mesh paths, {@code <ros2_control>},
 * {@code <gazebo>} and {@code <transmission>} tags. Zero poses are checked against the published
 * dimensions; {@code KdlForwardKinematicsIT} checks every pose against an independent library.
 */
class VendorUrdfTest {

  @Test
  void ur5eTipIsTheOnlyLeafBelowAMovableJoint() {
    RobotDescription d = TestUrdfs.arm("ur5e");
    assertEquals("ur5e.urdf", d.source());
    assertEquals("base_link", d.rootLink());
    assertEquals(List.of("base_link_inertia", "base"), d.childJoints("base_link").stream().map(JointSpec::child).toList());
    assertEquals(List.of("tool0", "base"), d.leavesBelow("base_link"));
    KinematicChain c = KinematicChain.of(d);
    assertEquals("tool0", c.tipLink());
    assertEquals(List.of("shoulder_pan_joint", "shoulder_lift_joint", "elbow_joint", "wrist_1_joint", "wrist_2_joint",
        "wrist_3_joint"), c.jointNames());
    // zero pose: x = -(a2 + a3), y = -(d4 + d6), z = d1 - d5 in base_link (the arm frame is rotated pi)
    assertArrayEquals(new double[] {0.425 + 0.3922, 0.1333 + 0.0996, 0.1625 - 0.0997}, c.forwardPosition(new double[6]),
        1e-9);
  }

  @Test
  void ur5eInTheBaseFrameOfTheController() {
    // 'base' is the frame the robot's own controller reports poses in; it sits beside the arm
    RobotDescription d = TestUrdfs.arm("ur5e");
    ChainException e = assertThrows(ChainException.class, () -> KinematicChain.of(d, "base", "tool0"));
    assertEquals("tip_link", e.key());
    assertTrue(e.getMessage().startsWith("ur5e.urdf: tip link 'tool0' is not below base link 'base'"), e.getMessage());
    ChainException none = assertThrows(ChainException.class, () -> KinematicChain.of(d, "base_link", "base"));
    assertTrue(none.getMessage().contains("has no movable joint"), none.getMessage());
  }

  @Test
  void ignoredTagsAndKeptMeshes() {
    RobotDescription d = TestUrdfs.arm("ur5e");
    // <ros2_control> and <transmission> have <joint> children of their own: none became a joint
    assertEquals(10, d.joints().size()); // 6 arm joints and 4 fixed ones
    assertEquals(List.of("package://ur_description/meshes/ur5e/visual/shoulder.dae",
        "package://ur_description/meshes/ur5e/collision/shoulder.stl"), d.link("shoulder_link").meshes());
    assertEquals(List.of(), d.link("tool0").meshes());
    assertNull(d.link("tool0").inertial());
    assertEquals(8.058, d.link("upper_arm_link").inertial().massKg());
    RobotDescription g = TestUrdfs.arm("gen3");
    assertEquals("/opt/robots/gen3/meshes/base_link.STL", g.link("base_link").meshes().get(0));
  }

  @Test
  void pandaWithHandNeedsATipAndNamesTheCandidates() {
    RobotDescription d = TestUrdfs.arm("panda");
    ChainException e = assertThrows(ChainException.class, () -> KinematicChain.of(d));
    assertEquals("tip_link", e.key());
    assertEquals("panda.urdf: no tip link named and the tree branches below 'panda_hand': the arm could end at any of"
        + " the leaf links [panda_hand_tcp, panda_leftfinger, panda_rightfinger]; name one of them, or a link above"
        + " where they branch, as the tip link", e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    KinematicChain c = KinematicChain.of(d, null, "panda_hand_tcp", Transform.IDENTITY);
    assertEquals("panda_link0", c.baseLink());
    assertEquals(7, c.dof());
    // flange at (a7, 0, d1 + d3 + d5 - d_flange), pointing down; the TCP 0.1034 m further along
    assertArrayEquals(new double[] {0.088, 0, 0.333 + 0.316 + 0.384 - 0.107 - 0.1034},
        c.forwardPosition(new double[] {0, 0, 0, 0, 0, 0, 0}), 1e-9);
  }

  @Test
  void pandaFingerTwoMimicsFingerOne() {
    RobotDescription d = TestUrdfs.arm("panda");
    JointSpec f2 = d.joint("panda_finger_joint2");
    assertEquals(new JointSpec.Mimic("panda_finger_joint1", 1, 0), f2.mimic());
    assertEquals(List.of(f2), d.mimicJoints());
    assertFalse(d.joint("panda_finger_joint1").isMimic());
    // not in the arm's chain; a chain that runs through it has it as an ordinary degree of freedom
    assertFalse(KinematicChain.of(d, null, "panda_hand_tcp").jointNames().contains("panda_finger_joint2"));
    KinematicChain toFinger = KinematicChain.of(d, "panda_hand", "panda_rightfinger");
    assertEquals(List.of("panda_finger_joint2"), toFinger.jointNames());
    // axis (0, -1, 0) in a hand frame; the finger opens along -y by q
    assertArrayEquals(new double[] {0, -0.03, 0.0584}, toFinger.forwardPosition(new double[] {0.03}), 1e-12);
  }

  @Test
  void gen3ContinuousJointsHaveNoPositionLimits() {
    RobotModel m = new RobotModel("gen3", TestUrdfs.arm("gen3"), KinematicChain.of(TestUrdfs.arm("gen3")),
        JointLimits.fromChain(KinematicChain.of(TestUrdfs.arm("gen3"))));
    assertEquals("tool_frame", m.chain().tipLink());
    assertEquals(7, m.dof());
    for (int i : new int[] {0, 2, 4, 6}) {
      assertEquals(JointType.CONTINUOUS, m.chain().joints().get(i).type());
      assertEquals(Double.NEGATIVE_INFINITY, m.limits().lower(i));
      assertEquals(Double.POSITIVE_INFINITY, m.limits().upper(i));
    }
    assertEquals(2.41, m.limits().upper(1));
    assertEquals(1.2218, m.limits().velocity(6));
  }

  @Test
  void iiwaFromTheWorldRootToTheFlange() {
    RobotModel m = RobotModel.load(TestUrdfs.armFile("iiwa14").toString());
    assertEquals("world", m.chain().baseLink());
    assertEquals("iiwa_link_ee", m.chain().tipLink());
    // straight up at zero: 0.36 + 0.42 + 0.4 + 0.126 m
    assertArrayEquals(new double[] {0, 0, 1.306}, m.chain().forwardPosition(new double[7]), 1e-9);
    assertEquals(320, m.chain().joints().get(0).effort());
  }

  @Test
  void toolFrameIsAppendedAfterTheTip() {
    String file = TestUrdfs.armFile("panda").toString();
    Transform tool = Transform.fromXyzRpy(0.01, 0, 0.05, 0, 0, Math.PI / 2);
    RobotModel flange = RobotModel.load(file, null, "panda_link8");
    RobotModel withTool = RobotModel.load(file, null, "panda_link8", tool);
    assertEquals("panda_link8", withTool.chain().tipLink());
    assertArrayEquals(tool.translation(), withTool.chain().tool().translation(), 0);
    double[] q = {0.3, -0.4, 0.5, -2.0, 0.6, 1.8, -0.7};
    Transform expected = flange.chain().tipTransform(q).compose(tool);
    Transform actual = withTool.chain().tipTransform(q);
    assertArrayEquals(expected.translation(), actual.translation(), 1e-12);
    assertArrayEquals(expected.rotationMatrix(), actual.rotationMatrix(), 1e-12);
    // the launch-file form of the same choice
    RobotModel viaArm = RobotModel.load(file, new io.telos.api.spi.ArmChain(null, "panda_link8",
        new double[] {0.01, 0, 0.05, 0, 0, Math.PI / 2}));
    assertArrayEquals(actual.translation(), viaArm.chain().tipTransform(q).translation(), 1e-15);
  }

  @Test
  void unknownLinksNameWhatIsThere() {
    RobotDescription d = TestUrdfs.arm("iiwa14");
    ChainException tip = assertThrows(ChainException.class, () -> KinematicChain.of(d, null, "tool0"));
    assertEquals("iiwa14.urdf: unknown tip link 'tool0' (allowed: a link below base link 'world', leaves"
        + " [iiwa_link_ee])", tip.getMessage());
    ChainException base = assertThrows(ChainException.class, () -> KinematicChain.of(d, "base_link", null));
    assertEquals("base_link", base.key());
    assertTrue(base.getMessage().startsWith("iiwa14.urdf: unknown base link 'base_link' (allowed: a link of the"
        + " description: world, iiwa_link_0, "), base.getMessage());
  }
}
