package io.telos.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RobotModelTest {
  @TempDir Path dir;

  @Test
  void builtinTelos6() {
    RobotModel m = RobotModel.load("builtin:telos6");
    assertEquals("telos6", m.name());
    assertEquals(6, m.dof());
    assertEquals(m.chain().jointNames(), m.jointNames());
    JointLimits l = m.limits();
    assertArrayEquals(new double[] {-3.05, -2.2, -2.7, -3.05, -3.05, -3.05}, l.lower(), 0);
    assertArrayEquals(new double[] {3.05, 2.2, 2.7, 3.05, 3.05, 3.05}, l.upper(), 0);
    assertArrayEquals(new double[] {2, 2, 2, 3, 3, 3}, l.velocity(), 0);
    assertArrayEquals(new double[] {4, 4, 4, 6, 6, 6}, l.acceleration(), 0);
    assertArrayEquals(new double[] {150, 150, 150, 28, 28, 28}, l.effort(), 0);
  }

  @Test
  void builtinPlanar2() {
    RobotModel m = RobotModel.load("builtin:planar2");
    assertEquals("planar2", m.name());
    assertEquals(List.of("joint1", "joint2"), m.jointNames());
    assertArrayEquals(new double[] {-2.8, -2.6}, m.limits().lower(), 0);
    assertArrayEquals(new double[] {2.0, 2.5}, m.limits().velocity(), 0);
  }

  @Test
  void unknownBuiltinListsTheShippedArms() {
    UrdfException e = assertThrows(UrdfException.class, () -> RobotModel.load("builtin:ur5"));
    assertEquals("unknown built-in arm 'ur5' (allowed: telos6, planar2)", e.getMessage());
  }

  @Test
  void loadsAnyUrdfFromAFile() throws IOException {
    Path p = dir.resolve("scara.urdf");
    Files.writeString(p, TestUrdfs.SCARA);
    RobotModel m = RobotModel.load(p.toString());
    assertEquals("scara_like", m.name());
    assertEquals(List.of("turret", "slider", "wrist"), m.jointNames());
    RobotModel sub = RobotModel.load(p.toString(), "base", "carriage");
    assertEquals(List.of("turret", "slider"), sub.jointNames());
    assertEquals("base", sub.chain().baseLink());
  }

  @Test
  void missingFileAndBrokenFileNameThePath() throws IOException {
    Path missing = dir.resolve("nope.urdf");
    UrdfException e = assertThrows(UrdfException.class, () -> RobotModel.load(missing.toString()));
    assertEquals("URDF file not found: " + missing, e.getMessage());
    Path broken = dir.resolve("broken.urdf");
    Files.writeString(broken, "<robot name=\"x\"><link name=\"a\"/><link name=\"a\"/></robot>");
    UrdfException b = assertThrows(UrdfException.class, () -> RobotModel.load(broken.toString()));
    assertEquals(broken + ": link 'a' is defined twice", b.getMessage());
  }

  @Test
  void withLimitsKeepsTheChainAndChecksTheSize() {
    RobotModel m = RobotModel.load("builtin:planar2");
    JointLimits slower = m.limits().withVelocityScale(0.5);
    RobotModel s = m.withLimits(slower);
    assertSame(m.chain(), s.chain());
    assertArrayEquals(new double[] {1.0, 1.25}, s.limits().velocity(), 1e-12);
    JointLimits three = new JointLimits(new double[3], new double[3], ones(3), ones(3), ones(3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.withLimits(three));
    assertEquals("limits for 3 joints, chain has 2", e.getMessage());
  }

  private static double[] ones(int n) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, 1);
    return a;
  }

  @Test
  void jointLimitsValidateAndCopy() {
    double[] lo = {-1, -2};
    double[] hi = {1, 2};
    JointLimits l = new JointLimits(lo, hi, ones(2), ones(2), ones(2));
    lo[0] = 5;
    assertEquals(-1, l.lower(0));
    l.upper()[0] = -7;
    assertEquals(1, l.upper(0), "accessors return copies");
    assertTrue(l.contains(new double[] {1, -2}, 0));
    assertFalse(l.contains(new double[] {1.01, 0}, 0));
    assertTrue(l.contains(new double[] {1.01, 0}, 0.02));
    assertFalse(l.contains(new double[] {Double.NaN, 0}, 1), "NaN is never inside");
    assertEquals("joint 1: lower limit 3.0 is above upper 2.0", assertThrows(IllegalArgumentException.class,
        () -> new JointLimits(new double[] {0, 3}, hi, ones(2), ones(2), ones(2))).getMessage());
    assertEquals("joint 0: velocity, acceleration and effort limits must be > 0",
        assertThrows(IllegalArgumentException.class,
            () -> new JointLimits(new double[2], hi, new double[] {0, 1}, ones(2), ones(2))).getMessage());
    assertEquals("limit arrays must all have 2 entries", assertThrows(IllegalArgumentException.class,
        () -> new JointLimits(new double[2], hi, ones(3), ones(2), ones(2))).getMessage());
    assertArrayEquals(new double[] {3, 4}, l.withAcceleration(new double[] {3, 4}).acceleration(), 0);
    assertEquals("velocity scale must be in (0, 1], was 1.5",
        assertThrows(IllegalArgumentException.class, () -> l.withVelocityScale(1.5)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> l.withVelocityScale(0));
  }

  @Test
  void missingVelocityLimitDefaultsToOneRadPerSecond() {
    RobotDescription d = TestUrdfs.parse("""
        <robot name="c"><link name="a"/><link name="b"/>
          <joint name="spin" type="continuous"><parent link="a"/><child link="b"/><axis xyz="0 0 1"/></joint>
        </robot>
        """);
    JointLimits l = JointLimits.fromChain(KinematicChain.of(d));
    assertEquals(1.0, l.velocity(0));
    assertEquals(2.0, l.acceleration(0));
    assertEquals(Double.POSITIVE_INFINITY, l.effort(0));
  }
}
