package io.telos.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollisionModelTest {
  private static final String ARMS = "src/test/resources/io/telos/model/arms/";

  private static RobotModel ur5e() {
    return RobotModel.load(ARMS + "ur5e.urdf");
  }

  private static RobotModel panda() {
    return RobotModel.load(ARMS + "panda.urdf", null, "panda_link8");
  }

  private static CollisionModel.Checker at(CollisionModel m, double... q) {
    CollisionModel.Checker c = m.newChecker();
    c.update(q);
    return c;
  }

  @Test
  void segmentDistanceMatchesBruteForce() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int trial = 0; trial < 300; trial++) {
      double[] p = new double[12];
      for (int i = 0; i < 12; i++) {
        p[i] = rnd.nextDouble(-1, 1);
      }
      if (trial % 5 == 0) { // parallel segments
        for (int i = 0; i < 3; i++) {
          p[9 + i] = p[6 + i] + 0.7 * (p[3 + i] - p[i]);
        }
      }
      if (trial % 7 == 0) { // a point
        System.arraycopy(p, 0, p, 3, 3);
      }
      double exact = LinkCapsule.segmentDistance(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10],
          p[11]);
      double brute = Double.POSITIVE_INFINITY;
      int n = 400;
      for (int i = 0; i <= n; i++) {
        double s = (double) i / n;
        for (int j = 0; j <= n; j++) {
          double t = (double) j / n;
          double dx = p[0] + s * (p[3] - p[0]) - p[6] - t * (p[9] - p[6]);
          double dy = p[1] + s * (p[4] - p[1]) - p[7] - t * (p[10] - p[7]);
          double dz = p[2] + s * (p[5] - p[2]) - p[8] - t * (p[11] - p[8]);
          brute = Math.min(brute, Math.sqrt(dx * dx + dy * dy + dz * dz));
        }
      }
      assertTrue(exact <= brute + 1e-12, "exact " + exact + " above sampled " + brute + " in trial " + trial);
      assertEquals(brute, exact, 1.5e-2, "trial " + trial); // samples 5 mm apart on segments up to 3.5 m long
    }
  }

  @Test
  void readerKeepsCollisionShapes() {
    RobotDescription d = UrdfReader.read(new ByteArrayInputStream(("""
        <robot name="shapes">
          <link name="base"><collision><origin xyz="0 0 0.1"/><geometry><cylinder radius="0.08" length="0.2"/></geometry></collision></link>
          <link name="arm">
            <collision><origin xyz="0.2 0 0"/><geometry><box size="0.4 0.06 0.08"/></geometry></collision>
            <collision><geometry><mesh filename="package://x/arm.stl" scale="0.001 0.001 0.001"/></geometry></collision>
          </link>
          <link name="hand"><collision><geometry><sphere radius="0.04"/></geometry></collision></link>
          <joint name="j1" type="revolute"><parent link="base"/><child link="arm"/><origin xyz="0 0 0.2"/>
            <axis xyz="0 0 1"/><limit lower="-3" upper="3" effort="10" velocity="1"/></joint>
          <joint name="f" type="fixed"><parent link="arm"/><child link="hand"/><origin xyz="0.4 0 0"/></joint>
        </robot>""").getBytes(StandardCharsets.UTF_8)), "shapes.urdf");
    assertInstanceOf(CollisionShape.Cylinder.class, d.link("base").collisions().get(0));
    assertEquals(2, d.link("arm").collisions().size());
    CollisionShape.Mesh mesh = (CollisionShape.Mesh) d.link("arm").collisions().get(1);
    assertEquals("package://x/arm.stl", mesh.filename());
    assertEquals(0.001, mesh.scaleX());

    CollisionModel m = CollisionModel.of(d, KinematicChain.of(d, "base", "hand"), List.of(), null);
    List<LinkCapsule> caps = m.capsules();
    assertEquals(List.of("cylinder", "box", "sphere", "default"), caps.stream().map(LinkCapsule::source).toList());
    LinkCapsule box = caps.get(1);
    assertEquals("arm", box.link());
    assertEquals(0.0, box.ax(), 1e-12);
    assertEquals(0.4, box.bx(), 1e-12);
    assertEquals(Math.hypot(0.03, 0.04), box.radius(), 1e-12);
    LinkCapsule hand = caps.get(2);
    assertEquals("arm", hand.link()); // fixed below 'arm': in its frame
    assertEquals("hand", hand.shapeLink());
    assertEquals(0.4, hand.ax(), 1e-12);
    assertEquals(1, m.warnings().size(), "the unreadable mesh is reported: " + m.warnings());
    assertEquals(CollisionModel.DEFAULT_RADIUS_M, caps.get(3).radius());
  }

  @Test
  void boxMissingSizeIsRefused() {
    UrdfException e = assertThrows(UrdfException.class, () -> UrdfReader.read(new ByteArrayInputStream(
        "<robot name='r'><link name='a'><collision><geometry><box/></geometry></collision></link></robot>"
            .getBytes(StandardCharsets.UTF_8)), "bad.urdf"));
    assertTrue(e.getMessage().startsWith("bad.urdf: link 'a' collision box needs size"), e.getMessage());
  }

  @Test
  void readableStlMeshIsFittedWithACapsuleThatHoldsIt(@TempDir Path dir) throws IOException {
    StringBuilder stl = new StringBuilder("solid bar\n");
    double[][] corners = {{0, -0.02, -0.02}, {0.3, 0.02, 0.02}, {0.3, -0.02, 0.02}, {0, 0.02, -0.02}};
    stl.append(" facet normal 0 0 1\n  outer loop\n");
    for (int i = 0; i < 3; i++) {
      stl.append("   vertex ").append(corners[i][0]).append(' ').append(corners[i][1]).append(' ').append(corners[i][2]).append('\n');
    }
    stl.append("  endloop\n endfacet\n facet normal 0 0 1\n  outer loop\n");
    for (int i : new int[] {0, 3, 1}) {
      stl.append("   vertex ").append(corners[i][0]).append(' ').append(corners[i][1]).append(' ').append(corners[i][2]).append('\n');
    }
    stl.append("  endloop\n endfacet\nendsolid bar\n");
    Files.writeString(dir.resolve("bar.stl"), stl);
    double[] fit = CollisionModel.fitMesh(new CollisionShape.Mesh(Transform.IDENTITY, "bar.stl", 1, 1, 1), dir);
    double len = Math.sqrt(Math.pow(fit[3] - fit[0], 2) + Math.pow(fit[4] - fit[1], 2) + Math.pow(fit[5] - fit[2], 2));
    assertTrue(len >= 0.3 - 1e-9 && len < 0.31, "length " + len);
    for (double[] c : corners) {
      double d = LinkCapsule.segmentDistance(c[0], c[1], c[2], c[0], c[1], c[2], fit[0], fit[1], fit[2], fit[3], fit[4],
          fit[5]);
      assertTrue(d <= fit[6] + 1e-9, "corner outside the capsule");
    }
    assertTrue(fit[6] < 0.035, "radius " + fit[6]);
    assertEquals(null, CollisionModel.fitMesh(new CollisionShape.Mesh(Transform.IDENTITY, "package://p/bar.stl", 1, 1,
        1), dir));
  }

  @Test
  void vendorArmsWithUnreadableMeshesGetDefaultCapsulesAndWarnings() {
    CollisionModel m = CollisionModel.of(ur5e(), null);
    assertEquals(7, m.capsules().size());
    assertTrue(m.capsules().stream().allMatch(c -> c.source().equals("default")
        && c.radius() == CollisionModel.DEFAULT_RADIUS_M));
    assertEquals(7, m.warnings().size());
    assertTrue(m.allowedPairs().contains(List.of("shoulder_link", "upper_arm_link")));
    // across the zero-length shoulder link: the base and the upper arm always meet at the shoulder
    assertTrue(m.allowedPairs().contains(List.of("base_link", "upper_arm_link")));
    assertFalse(m.allowedPairs().contains(List.of("forearm_link", "wrist_3_link")));
    assertEquals(java.util.Set.of("base_link"), m.onTable());
  }

  @Test
  void homePosesAreClearAndFoldedPosesAreFlagged() {
    CollisionModel ur = CollisionModel.of(ur5e(), null);
    CollisionModel.Checker home = at(ur, 0, -1.57, 1.57, -1.57, -1.57, 0);
    assertTrue(home.selfClearance() > 0.02, "UR5e home: " + home.selfClearance());
    assertTrue(home.tableClearance() > 0);
    CollisionModel.Checker folded = at(ur, 1.29, -1.34, 0.43, 2.28, 2.0, -0.56); // wrist folded back onto the forearm
    assertTrue(folded.selfClearance() < -0.05, "UR5e folded: " + folded.selfClearance());
    assertEquals("forearm_link/wrist_3_link", folded.closestPair());
    CollisionModel.Checker down = at(ur, 0, 0.6, 0, 0, 0, 0); // upper arm pointing into the table
    assertTrue(down.tableClearance() < -0.3, "UR5e under the table: " + down.tableClearance());

    RobotModel p = panda();
    CollisionModel pm = CollisionModel.of(p, null);
    CollisionModel.Checker ready = at(pm, 0, 0, 0, -1.5, 0, 1.5, 0.78);
    assertTrue(ready.selfClearance() > 0.1, "Panda ready: " + ready.selfClearance());
    double[] fold = {0, 0.5, 0, -3.0, 0, 2, 0}; // the hand folded back into the base column
    assertTrue(p.limits().contains(fold, 0));
    CollisionModel.Checker f = at(pm, fold);
    assertTrue(f.selfClearance() < -0.02, "Panda folded: " + f.selfClearance());
    assertEquals("panda_link0/panda_link7", f.closestPair());
  }

  @Test
  void declaredAllowedPairsAreNotChecked() {
    RobotModel p = panda();
    CollisionModel pm = CollisionModel.of(p.description(), p.chain(), List.of(List.of("panda_link7", "panda_link0")),
        null);
    assertTrue(at(pm, 0, 0.5, 0, -3.0, 0, 2, 0).selfClearance() > -0.02);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CollisionModel.of(p.description(),
        p.chain(), List.of(List.of("panda_link7", "nowhere")), null));
    assertTrue(e.getMessage().startsWith("unknown link 'nowhere'"), e.getMessage());
  }

  @Test
  void planarArmLyingInThePlaneIsNotCheckedAgainstIt() {
    CollisionModel m = CollisionModel.of(RobotModel.load("builtin:planar2"), null);
    assertEquals(Double.POSITIVE_INFINITY, at(m, 0.3, -1.0).tableClearance());
  }
}
