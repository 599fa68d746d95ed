package io.telos.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class UrdfReaderTest {
  private static final double EPS = 1e-12;

  private static void assertJoint(JointSpec j, JointType type, String parent, String child, double[] axis,
      double lower, double upper, double velocity, double effort, double damping) {
    assertEquals(type, j.type(), j.name() + " type");
    assertEquals(parent, j.parent(), j.name() + " parent");
    assertEquals(child, j.child(), j.name() + " child");
    assertArrayEquals(axis, j.axis(), EPS, j.name() + " axis");
    assertEquals(lower, j.lower(), EPS, j.name() + " lower");
    assertEquals(upper, j.upper(), EPS, j.name() + " upper");
    assertEquals(velocity, j.velocity(), EPS, j.name() + " velocity");
    assertEquals(effort, j.effort(), EPS, j.name() + " effort");
    assertEquals(damping, j.damping(), EPS, j.name() + " damping");
  }

  private static void assertTranslation(double[] expected, Transform t) {
    assertArrayEquals(expected, t.translation(), EPS);
  }

  @Nested
  class Telos6 {
    private final RobotDescription d = TestUrdfs.builtin("telos6");

    @Test
    void namesRootAndJointOrder() {
      assertEquals("telos6", d.name());
      assertEquals("base_link", d.rootLink());
      assertEquals(8, d.links().size());
      assertEquals(List.of("shoulder_pan_joint", "shoulder_lift_joint", "elbow_joint", "wrist_1_joint",
              "wrist_2_joint", "wrist_3_joint", "tool0_joint"),
          d.joints().stream().map(JointSpec::name).toList());
    }

    @Test
    void jointsHaveTheUrdfTypesAxesLimitsAndDamping() {
      double[] z = {0, 0, 1};
      double[] y = {0, 1, 0};
      assertJoint(d.joint("shoulder_pan_joint"), JointType.REVOLUTE, "base_link", "shoulder_link", z,
          -3.05, 3.05, 2.0, 150, 1.0);
      assertJoint(d.joint("shoulder_lift_joint"), JointType.REVOLUTE, "shoulder_link", "upper_arm_link", y,
          -2.2, 2.2, 2.0, 150, 1.0);
      assertJoint(d.joint("elbow_joint"), JointType.REVOLUTE, "upper_arm_link", "forearm_link", y,
          -2.7, 2.7, 2.0, 150, 0.8);
      assertJoint(d.joint("wrist_1_joint"), JointType.REVOLUTE, "forearm_link", "wrist_1_link", y,
          -3.05, 3.05, 3.0, 28, 0.3);
      assertJoint(d.joint("wrist_2_joint"), JointType.REVOLUTE, "wrist_1_link", "wrist_2_link", z,
          -3.05, 3.05, 3.0, 28, 0.3);
      assertJoint(d.joint("wrist_3_joint"), JointType.REVOLUTE, "wrist_2_link", "wrist_3_link", y,
          -3.05, 3.05, 3.0, 28, 0.2);
      for (JointSpec j : d.joints()) {
        assertEquals(0.0, j.friction(), j.name());
      }
      JointSpec tool = d.joint("tool0_joint");
      assertEquals(JointType.FIXED, tool.type());
      assertEquals(Double.NEGATIVE_INFINITY, tool.lower());
      assertEquals(Double.POSITIVE_INFINITY, tool.velocity());
    }

    @Test
    void jointOriginsAreTheUrdfOffsets() {
      assertTranslation(new double[] {0, 0, 0.1625}, d.joint("shoulder_pan_joint").origin());
      assertTranslation(new double[] {0, 0.138, 0}, d.joint("shoulder_lift_joint").origin());
      assertTranslation(new double[] {0, -0.131, 0.425}, d.joint("elbow_joint").origin());
      assertTranslation(new double[] {0, 0, 0.392}, d.joint("wrist_1_joint").origin());
      assertTranslation(new double[] {0, 0.127, 0}, d.joint("wrist_2_joint").origin());
      assertTranslation(new double[] {0, 0, 0.1}, d.joint("wrist_3_joint").origin());
      Transform tool = d.joint("tool0_joint").origin();
      assertTranslation(new double[] {0, 0.1, 0}, tool);
      // rpy = (-pi/2, 0, 0): tool z points along the wrist_3 y axis.
      assertArrayEquals(new double[] {1, 0, 0, 0, 0, 1, 0, -1, 0}, tool.rotationMatrix(), EPS);
    }

    @Test
    void inertialsAreRead() {
      Inertial upper = d.link("upper_arm_link").inertial();
      assertNotNull(upper);
      assertEquals(8.4, upper.massKg(), EPS);
      assertTranslation(new double[] {0, 0, 0.2125}, upper.origin());
      assertEquals(0.132790, upper.ixx(), EPS);
      assertEquals(0.0, upper.ixy(), EPS);
      assertEquals(0.132790, upper.iyy(), EPS);
      assertEquals(0.012705, upper.izz(), EPS);
      Inertial w3 = d.link("wrist_3_link").inertial();
      assertEquals(0.25, w3.massKg(), EPS);
      assertEquals(0.000153, w3.iyy(), EPS);
      assertNull(d.link("tool0").inertial(), "tool0 is a massless frame");
      double total = d.links().values().stream()
          .filter(l -> l.inertial() != null).mapToDouble(l -> l.inertial().massKg()).sum();
      assertEquals(21.05, total, 1e-9);
    }
  }

  @Nested
  class Planar2 {
    private final RobotDescription d = TestUrdfs.builtin("planar2");

    @Test
    void jointsAndLimits() {
      assertEquals("planar2", d.name());
      assertEquals("base", d.rootLink());
      double[] z = {0, 0, 1};
      assertJoint(d.joint("joint1"), JointType.REVOLUTE, "base", "link1", z, -2.8, 2.8, 2.0, 60, 0.5);
      assertJoint(d.joint("joint2"), JointType.REVOLUTE, "link1", "link2", z, -2.6, 2.6, 2.5, 30, 0.3);
      assertEquals(JointType.FIXED, d.joint("tip_joint").type());
      assertTranslation(new double[] {0.5, 0, 0}, d.joint("joint2").origin());
      assertTranslation(new double[] {0.4, 0, 0}, d.joint("tip_joint").origin());
    }

    @Test
    void inertials() {
      Inertial l1 = d.link("link1").inertial();
      assertEquals(2.0, l1.massKg(), EPS);
      assertTranslation(new double[] {0.25, 0, 0}, l1.origin());
      assertEquals(0.000900, l1.ixx(), EPS);
      assertEquals(0.042117, l1.izz(), EPS);
      Inertial l2 = d.link("link2").inertial();
      assertEquals(1.0, l2.massKg(), EPS);
      assertTranslation(new double[] {0.2, 0, 0}, l2.origin());
      assertNull(d.link("base").inertial());
      assertNull(d.link("tip").inertial());
    }

    @Test
    void treeNavigation() {
      assertNull(d.parentJoint("base"));
      assertEquals("joint2", d.parentJoint("link2").name());
      assertEquals(List.of("joint2"), d.childJoints("link1").stream().map(JointSpec::name).toList());
      assertTrue(d.childJoints("tip").isEmpty());
    }
  }

  @Nested
  class ThirdPartyUrdf {
    private final RobotDescription d = TestUrdfs.parse(TestUrdfs.SCARA);

    @Test
    void readsOnlyTopLevelLinksAndJoints() {
      assertEquals("scara_like", d.name());
      assertEquals("world", d.rootLink());
      assertEquals(Set.of("world", "base", "arm", "mount", "carriage", "flange", "tool"), d.links().keySet());
      // the <joint name="turret"> inside <transmission> is not a second joint definition
      assertEquals(List.of("world_to_base", "turret", "arm_to_mount", "slider", "wrist", "tool_joint"),
          d.joints().stream().map(JointSpec::name).toList());
    }

    @Test
    void continuousJointHasNoPositionLimitsButKeepsVelocityEffortAndDynamics() {
      JointSpec turret = d.joint("turret");
      assertJoint(turret, JointType.CONTINUOUS, "base", "arm", new double[] {0, 0, 1},
          Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 3.0, 40, 0.7);
      assertEquals(0.1, turret.friction(), EPS);
    }

    @Test
    void prismaticJointWithUnnormalisedAxis() {
      assertJoint(d.joint("slider"), JointType.PRISMATIC, "mount", "carriage", new double[] {0, 1, 0},
          -0.1, 0.2, 0.5, 100, 0.0);
    }

    @Test
    void fixedJointsKeepTheirRpyOrigins() {
      Transform mount = d.joint("world_to_base").origin();
      assertTranslation(new double[] {1, 2, 0.5}, mount);
      // yaw +90 deg: x -> y, y -> -x
      assertArrayEquals(new double[] {0, 1, 0}, mount.rotate(new double[] {1, 0, 0}), EPS);
      assertArrayEquals(new double[] {-1, 0, 0}, mount.rotate(new double[] {0, 1, 0}), EPS);
      Transform roll = d.joint("arm_to_mount").origin();
      // roll +90 deg: y -> z, z -> -y
      assertArrayEquals(new double[] {0, 0, 1}, roll.rotate(new double[] {0, 1, 0}), EPS);
      assertArrayEquals(new double[] {0, -1, 0}, roll.rotate(new double[] {0, 0, 1}), EPS);
      assertTranslation(new double[] {0, 0, 0.05}, d.joint("tool_joint").origin());
      assertArrayEquals(Transform.IDENTITY.rotationMatrix(), d.joint("tool_joint").origin().rotationMatrix(), EPS);
    }

    @Test
    void linksWithoutInertialsAndDefaultedInertiaTerms() {
      assertNull(d.link("world").inertial());
      assertNull(d.link("arm").inertial(), "a link with only <visual> has no inertial");
      assertNull(d.link("mount").inertial());
      Inertial base = d.link("base").inertial();
      assertEquals(5.0, base.massKg(), EPS);
      assertTranslation(new double[] {0, 0, 0.1}, base.origin());
      assertEquals(0.1, base.ixx(), EPS);
      assertEquals(0.01, base.ixy(), EPS);
      assertEquals(0.02, base.ixz(), EPS);
      assertEquals(0.2, base.iyy(), EPS);
      assertEquals(0.03, base.iyz(), EPS);
      assertEquals(0.3, base.izz(), EPS);
      Inertial carriage = d.link("carriage").inertial();
      assertEquals(0.5, carriage.massKg(), EPS);
      assertArrayEquals(Transform.IDENTITY.translation(), carriage.origin().translation());
      assertEquals(0.0, carriage.ixy());
      assertEquals(0.003, carriage.izz(), EPS);
    }

    @Test
    void chainFoldsFixedJointsAndLimitsComeFromTheUrdf() {
      KinematicChain c = KinematicChain.of(d);
      assertEquals("world", c.baseLink());
      assertEquals("tool", c.tipLink());
      assertEquals(List.of("turret", "slider", "wrist"), c.jointNames());
      assertEquals(List.of("world", "arm", "carriage", "flange"), c.linkNames());
      JointLimits lim = JointLimits.fromChain(c);
      assertEquals(Double.NEGATIVE_INFINITY, lim.lower(0));
      assertEquals(Double.POSITIVE_INFINITY, lim.upper(0));
      assertEquals(-0.1, lim.lower(1), EPS);
      assertEquals(0.2, lim.upper(1), EPS);
      assertEquals(1.5, lim.upper(2), EPS);
      assertArrayEquals(new double[] {3.0, 0.5, 2.0}, lim.velocity(), EPS);
      assertArrayEquals(new double[] {6.0, 1.0, 4.0}, lim.acceleration(), EPS, "2 x velocity");
      assertArrayEquals(new double[] {40, 100, 10}, lim.effort(), EPS);
      assertTrue(lim.contains(new double[] {1e6, 0.2, -1.5}, 0), "continuous joint is unbounded");
    }
  }

  @Test
  void optionalPartsTakeUrdfDefaults() {
    RobotDescription d = TestUrdfs.parse("""
        <robot name="defaults">
          <link name="a"/>
          <link name="b"><inertial><mass value="1"/></inertial></link>
          <link name="c"/>
          <joint name="j" type="revolute">
            <parent link="a"/><child link="b"/>
            <limit effort="1" velocity="1"/>
          </joint>
          <joint name="k" type="Continuous">
            <parent link="b"/><child link="c"/>
          </joint>
        </robot>
        """);
    JointSpec j = d.joint("j");
    assertArrayEquals(new double[] {1, 0, 0}, j.axis(), "URDF default axis is x");
    assertEquals(0.0, j.lower(), "URDF default lower limit");
    assertEquals(0.0, j.upper(), "URDF default upper limit");
    assertArrayEquals(Transform.IDENTITY.translation(), j.origin().translation());
    assertEquals(0.0, j.damping());
    assertEquals(0.0, j.friction());
    JointSpec k = d.joint("k");
    assertEquals(JointType.CONTINUOUS, k.type(), "type is case-insensitive");
    assertEquals(Double.POSITIVE_INFINITY, k.velocity());
    assertEquals(Double.POSITIVE_INFINITY, k.effort());
    Inertial b = d.link("b").inertial();
    assertEquals(1.0, b.massKg());
    assertEquals(0.0, b.ixx());
  }
}
