package io.telos.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;

/**
 * The geometric Jacobian against central finite differences of forward kinematics: linear rows
 * against d(position)/dq, angular rows against the rotation increment R(q+h) R(q-h)^T.
 */
class JacobianTest {
  private static final double H = 1e-6;
  private static final double TOL = 1e-6;

  private static final KinematicChain TELOS6 = KinematicChain.of(TestUrdfs.builtin("telos6"));
  private static final KinematicChain PLANAR2 = KinematicChain.of(TestUrdfs.builtin("planar2"));
  /** Continuous, prismatic (through a rolled fixed mount) and revolute joints. */
  private static final KinematicChain SCARA = KinematicChain.of(TestUrdfs.parse(TestUrdfs.SCARA));
  /** Prismatic joints on skewed axes and between rotated frames. */
  private static final KinematicChain SKEWED = KinematicChain.of(TestUrdfs.parse("""
      <robot name="skewed">
        <link name="l0"/><link name="l1"/><link name="l2"/><link name="l3"/><link name="l4"/><link name="l5"/>
        <joint name="p1" type="prismatic"><parent link="l0"/><child link="l1"/>
          <origin xyz="0.1 -0.2 0.3" rpy="0.3 -0.4 0.5"/><axis xyz="1 2 2"/>
          <limit lower="-1" upper="1" effort="1" velocity="1"/></joint>
        <joint name="r2" type="revolute"><parent link="l1"/><child link="l2"/>
          <origin xyz="0 0.25 0" rpy="-1.2 0.2 0"/><axis xyz="0 0.6 0.8"/>
          <limit lower="-3" upper="3" effort="1" velocity="1"/></joint>
        <joint name="f" type="fixed"><parent link="l2"/><child link="l3"/>
          <origin xyz="0.2 0 0.1" rpy="0 1.0 0.3"/></joint>
        <joint name="p4" type="prismatic"><parent link="l3"/><child link="l4"/>
          <origin xyz="0 0 0.05"/><axis xyz="0 0 -1"/>
          <limit lower="-1" upper="1" effort="1" velocity="1"/></joint>
        <joint name="c5" type="continuous"><parent link="l4"/><child link="l5"/>
          <origin xyz="0.15 0.05 0" rpy="0.5 0 0"/><axis xyz="1 0 0"/></joint>
      </robot>
      """));

  @Provide
  Arbitrary<double[]> telos6Q() {
    return Arbitraries.doubles().between(-3.0, 3.0).ofScale(6).array(double[].class).ofSize(6);
  }

  @Provide
  Arbitrary<double[]> scaraQ() {
    return Combinators.combine(
            Arbitraries.doubles().between(-10, 10),
            Arbitraries.doubles().between(-0.1, 0.2),
            Arbitraries.doubles().between(-1.5, 1.5))
        .as((a, b, c) -> new double[] {a, b, c});
  }

  @Provide
  Arbitrary<double[]> skewedQ() {
    return Arbitraries.doubles().between(-1.0, 1.0).ofScale(6).array(double[].class).ofSize(4);
  }

  @Provide
  Arbitrary<double[]> planarQ() {
    return Arbitraries.doubles().between(-2.6, 2.6).ofScale(6).array(double[].class).ofSize(2);
  }

  @Property(tries = 150)
  void telos6(@ForAll("telos6Q") double[] q) {
    assertJacobianMatchesFiniteDifferences(TELOS6, q);
  }

  @Property(tries = 150)
  void scaraWithPrismaticAndContinuous(@ForAll("scaraQ") double[] q) {
    assertJacobianMatchesFiniteDifferences(SCARA, q);
    // the prismatic slider moves the tool straight up in world, whatever the other joints do
    double[] j = SCARA.jacobian(q);
    assertArrayEquals(new double[] {0, 0, 1, 0, 0, 0}, column(j, 3, 1), 1e-12);
  }

  @Property(tries = 150)
  void skewedPrismaticChain(@ForAll("skewedQ") double[] q) {
    assertJacobianMatchesFiniteDifferences(SKEWED, q);
  }

  @Property(tries = 100)
  void planar2ClosedForm(@ForAll("planarQ") double[] q) {
    assertJacobianMatchesFiniteDifferences(PLANAR2, q);
    double s1 = Math.sin(q[0]);
    double c1 = Math.cos(q[0]);
    double s12 = Math.sin(q[0] + q[1]);
    double c12 = Math.cos(q[0] + q[1]);
    assertArrayEquals(new double[] {0.5 * c1 + 0.4 * c12, 0.5 * s1 + 0.4 * s12, 0}, PLANAR2.forwardPosition(q), 1e-12);
    double[] expected = {
      -0.5 * s1 - 0.4 * s12, -0.4 * s12,
      0.5 * c1 + 0.4 * c12, 0.4 * c12,
      0, 0,
      0, 0,
      0, 0,
      1, 1
    };
    assertArrayEquals(expected, PLANAR2.jacobian(q), 1e-12);
  }

  static double[] column(double[] j, int dof, int col) {
    double[] out = new double[6];
    for (int r = 0; r < 6; r++) {
      out[r] = j[r * dof + col];
    }
    return out;
  }

  static void assertJacobianMatchesFiniteDifferences(KinematicChain c, double[] q) {
    int n = c.dof();
    double[] jac = new double[6 * n];
    double[] ee = new double[3];
    KinematicChain.Scratch s = c.newScratch();
    c.jacobian(q, jac, ee, s);
    assertArrayEquals(c.forwardPosition(q), ee, 1e-12, "end-effector position from jacobian()");
    assertArrayEquals(jac, c.jacobian(q), 0, "allocating and scratch variants agree");
    for (int i = 0; i < n; i++) {
      double[] plus = q.clone();
      double[] minus = q.clone();
      plus[i] += H;
      minus[i] -= H;
      double[] pp = c.forwardPosition(plus);
      double[] pm = c.forwardPosition(minus);
      double[] rp = c.tipTransform(plus).rotationMatrix();
      double[] rm = c.tipTransform(minus).rotationMatrix();
      // dR = R(q+h) R(q-h)^T ~ I + [w * 2h]x
      double[] d = new double[9];
      for (int a = 0; a < 3; a++) {
        for (int b = 0; b < 3; b++) {
          for (int k = 0; k < 3; k++) {
            d[a * 3 + b] += rp[a * 3 + k] * rm[b * 3 + k];
          }
        }
      }
      double[] numeric = {
        (pp[0] - pm[0]) / (2 * H),
        (pp[1] - pm[1]) / (2 * H),
        (pp[2] - pm[2]) / (2 * H),
        (d[7] - d[5]) / 2 / (2 * H),
        (d[2] - d[6]) / 2 / (2 * H),
        (d[3] - d[1]) / 2 / (2 * H)
      };
      double[] analytic = column(jac, n, i);
      for (int r = 0; r < 6; r++) {
        assertEquals(numeric[r], analytic[r], TOL,
            "J[" + r + "][" + i + "] of " + c.jointNames() + " at q=" + java.util.Arrays.toString(q));
      }
    }
  }
}
