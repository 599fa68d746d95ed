package io.telos.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class TransformTest {
  private static final double EPS = 1e-12;

  @Provide
  Arbitrary<Transform> transforms() {
    Arbitrary<Double> xyz = Arbitraries.doubles().between(-2, 2).ofScale(6);
    Arbitrary<Double> angle = Arbitraries.doubles().between(-3.2, 3.2).ofScale(6);
    return Combinators.combine(xyz, xyz, xyz, angle, angle, angle).as(Transform::fromXyzRpy);
  }

  @Provide
  Arbitrary<double[]> points() {
    return Arbitraries.doubles().between(-3, 3).ofScale(6).array(double[].class).ofSize(3);
  }

  private static void assertSame(Transform expected, Transform actual, double eps) {
    assertArrayEquals(expected.rotationMatrix(), actual.rotationMatrix(), eps, "rotation");
    assertArrayEquals(expected.translation(), actual.translation(), eps, "translation");
  }

  /** Rotation matrix of a unit quaternion (w, x, y, z). */
  static double[] matrixOf(double[] q) {
    double w = q[0];
    double x = q[1];
    double y = q[2];
    double z = q[3];
    return new double[] {
      1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
      2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
      2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)
    };
  }

  @Property
  void composeWithInverseIsIdentity(@ForAll("transforms") Transform t) {
    assertSame(Transform.IDENTITY, t.compose(t.inverse()), EPS);
    assertSame(Transform.IDENTITY, t.inverse().compose(t), EPS);
    assertSame(t, t.inverse().inverse(), EPS);
  }

  @Property
  void identityIsNeutral(@ForAll("transforms") Transform t) {
    assertSame(t, t.compose(Transform.IDENTITY), 0);
    assertSame(t, Transform.IDENTITY.compose(t), 0);
  }

  @Property
  void composeIsAssociativeAndAppliesRightToLeft(
      @ForAll("transforms") Transform a, @ForAll("transforms") Transform b, @ForAll("transforms") Transform c,
      @ForAll("points") double[] p) {
    assertSame(a.compose(b).compose(c), a.compose(b.compose(c)), 1e-12);
    double[] inner = b.apply(p[0], p[1], p[2]);
    assertArrayEquals(a.apply(inner[0], inner[1], inner[2]), a.compose(b).apply(p[0], p[1], p[2]), 1e-12);
    double[] back = a.inverse().apply(inner[0], inner[1], inner[2]);
    double[] there = a.apply(back[0], back[1], back[2]);
    assertArrayEquals(inner, there, 1e-12);
  }

  @Property
  void inverseOfComposition(@ForAll("transforms") Transform a, @ForAll("transforms") Transform b) {
    assertSame(b.inverse().compose(a.inverse()), a.compose(b).inverse(), 1e-12);
  }

  @Property
  void rotationIsOrthonormalAndRotateIgnoresTranslation(@ForAll("transforms") Transform t, @ForAll("points") double[] v) {
    double[] r = t.rotationMatrix();
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double dot = r[i] * r[j] + r[3 + i] * r[3 + j] + r[6 + i] * r[6 + j];
        assertEquals(i == j ? 1 : 0, dot, 1e-12);
      }
    }
    double[] moved = t.apply(v[0], v[1], v[2]);
    double[] origin = t.apply(0, 0, 0);
    double[] rotated = t.rotate(v);
    for (int i = 0; i < 3; i++) {
      assertEquals(moved[i] - origin[i], rotated[i], 1e-12);
    }
    assertArrayEquals(t.translation(), origin, 0);
  }

  @Property
  void quaternionIsUnitAndReproducesTheRotation(@ForAll("transforms") Transform t) {
    double[] q = t.quaternion();
    assertEquals(1.0, q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3], 1e-12);
    assertArrayEquals(t.rotationMatrix(), matrixOf(q), 1e-12);
  }

  @Property
  void axisAngleRotationMatchesItsQuaternion(
      @ForAll("points") double[] axis, @ForAll("angles") double angle) {
    double n = Math.sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
    if (n < 1e-3) {
      return;
    }
    double[] u = {axis[0] / n, axis[1] / n, axis[2] / n};
    Transform r = Transform.rotation(u, angle);
    double s = Math.sin(angle / 2);
    double[] expected = {Math.cos(angle / 2), s * u[0], s * u[1], s * u[2]};
    assertArrayEquals(matrixOf(expected), r.rotationMatrix(), 1e-12);
    assertArrayEquals(u, r.rotate(u), 1e-12, "the axis is fixed");
    // rotation then its opposite
    assertSame(Transform.IDENTITY, r.compose(Transform.rotation(u, -angle)), 1e-12);
  }

  @Provide
  Arbitrary<Double> angles() {
    return Arbitraries.doubles().between(-6.3, 6.3).ofScale(6);
  }

  @Property
  void rpyIsYawOfPitchOfRoll(@ForAll("angles") double roll, @ForAll("angles") double pitch, @ForAll("angles") double yaw) {
    Transform rpy = Transform.fromXyzRpy(0, 0, 0, roll, pitch, yaw);
    Transform composed = Transform.rotation(new double[] {0, 0, 1}, yaw)
        .compose(Transform.rotation(new double[] {0, 1, 0}, pitch))
        .compose(Transform.rotation(new double[] {1, 0, 0}, roll));
    assertSame(composed, rpy, 1e-12);
  }

  @Example
  void halfTurnsHitEveryQuaternionBranch() {
    // trace <= 0 for half turns, so each of the x, y and z-dominant branches is taken
    double[][] axes = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {Math.sqrt(0.5), Math.sqrt(0.5), 0}};
    for (double[] a : axes) {
      Transform t = Transform.rotation(a, Math.PI);
      double[] q = t.quaternion();
      assertEquals(0.0, q[0], 1e-12);
      assertEquals(1.0, Math.abs(q[1] * a[0] + q[2] * a[1] + q[3] * a[2]), 1e-12);
      assertArrayEquals(t.rotationMatrix(), matrixOf(q), 1e-12);
    }
    assertArrayEquals(new double[] {1, 0, 0, 0}, Transform.IDENTITY.quaternion(), 0);
  }

  @Example
  void urdfRpyConventions() {
    Transform yaw = Transform.fromXyzRpy(1, 2, 3, 0, 0, Math.PI / 2);
    assertArrayEquals(new double[] {1, 3, 3}, yaw.apply(1, 0, 0), EPS, "x -> y, then translate");
    Transform pitch = Transform.fromXyzRpy(0, 0, 0, 0, Math.PI / 2, 0);
    assertArrayEquals(new double[] {0, 0, -1}, pitch.rotate(new double[] {1, 0, 0}), EPS, "x -> -z");
    Transform roll = Transform.fromXyzRpy(0, 0, 0, Math.PI / 2, 0, 0);
    assertArrayEquals(new double[] {0, 0, 1}, roll.rotate(new double[] {0, 1, 0}), EPS, "y -> z");
    Transform t = Transform.translation(0.1, 0.2, 0.3);
    assertArrayEquals(new double[] {0.1, 0.2, 0.3}, t.translation(), 0);
    assertArrayEquals(Transform.IDENTITY.rotationMatrix(), t.rotationMatrix(), 0);
    assertEquals(0.2, t.translationAt(1));
    assertEquals(1.0, t.rotationAt(2, 2));
  }

  @Example
  void ofCopiesAndValidates() {
    double[] r = Transform.IDENTITY.rotationMatrix();
    double[] p = {1, 2, 3};
    Transform t = Transform.of(r, p);
    p[0] = 99;
    r[0] = 99;
    assertArrayEquals(new double[] {1, 2, 3}, t.translation(), 0);
    assertEquals(1.0, t.rotationAt(0, 0));
    t.translation()[1] = 42;
    assertEquals(2.0, t.translationAt(1), "accessors return copies");
    assertThrows(IllegalArgumentException.class, () -> Transform.of(new double[8], new double[3]));
    assertThrows(IllegalArgumentException.class, () -> Transform.of(new double[9], new double[2]));
  }

  @Example
  void distanceAndAngleBetweenTwoPoses() {
    Transform a = Transform.fromXyzRpy(0.1, 0.2, 0.3, 0.1, 0.2, 0.3);
    Transform b = a.compose(Transform.rotation(new double[] {0, 0.6, 0.8}, 0.25)).compose(Transform.translation(0, 0, 0));
    Transform c = Transform.translation(0.1, 0.2, 0.3 + 0.5);
    assertEquals(0.25, a.angleTo(b), 1e-12);
    assertEquals(0.25, b.angleTo(a), 1e-12);
    assertEquals(0, a.distanceTo(b), 1e-15);
    assertEquals(0.5, a.distanceTo(c), 1e-12);
    assertEquals(Math.PI, Transform.IDENTITY.angleTo(Transform.rotation(new double[] {1, 0, 0}, Math.PI)), 1e-7);
  }
}
