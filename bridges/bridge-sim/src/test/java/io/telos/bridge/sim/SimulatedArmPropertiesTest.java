package io.telos.bridge.sim;

import static io.telos.bridge.sim.SimTesting.MS;
import static io.telos.bridge.sim.SimTesting.PLANAR2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.JointState;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/** Whatever the servo thread writes, the simulator neither throws nor leaves its limits. */
class SimulatedArmPropertiesTest {
  private static final SimulatedArm ARM = SimTesting.lockStep(PLANAR2, SimConfig.defaults(), 1);

  @AfterContainer
  static void close() {
    ARM.close();
  }

  @Property(tries = 200)
  void anyCommandIsAcceptedOrCountedAndTheArmStaysInItsLimits(
      @ForAll("names") List<String> names, @ForAll("values") List<Double> position, @ForAll("values") List<Double> velocity) {
    int n = Math.min(names.size(), Math.min(position.size(), velocity.size()));
    double[] p = new double[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = position.get(i);
      v[i] = velocity.get(i);
    }
    long before = ARM.acceptedCommands() + ARM.rejectedCommands();
    ARM.write(SimTesting.command(names.subList(0, n), p, v));
    assertEquals(before + 1, ARM.acceptedCommands() + ARM.rejectedCommands());
    ARM.step(20 * MS);
    JointState s = ARM.groundTruth();
    for (int i = 0; i < 2; i++) {
      double q = s.position().get(i);
      assertTrue(q >= PLANAR2.limits().lower(i) - 0.02 && q <= PLANAR2.limits().upper(i) + 0.02, "q" + i + " = " + q);
      double qd = Math.abs(s.velocity().get(i));
      assertTrue(qd <= 1.1 * PLANAR2.limits().velocity(i), "|qd" + i + "| = " + qd);
    }
  }

  @Provide
  Arbitrary<List<String>> names() {
    Arbitrary<List<String>> valid = Arbitraries.of(List.of("joint1", "joint2"), List.of("joint2", "joint1"));
    Arbitrary<List<String>> any = Arbitraries.of("joint1", "joint2", "joint3", "").list().ofMinSize(0).ofMaxSize(3);
    return Arbitraries.frequencyOf(Tuple.of(3, valid), Tuple.of(1, any));
  }

  @Provide
  Arbitrary<List<Double>> values() {
    Arbitrary<Double> v = Arbitraries.oneOf(
        Arbitraries.doubles().between(-5, 5),
        Arbitraries.doubles().between(-5, 5),
        Arbitraries.doubles().between(-5, 5),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0));
    return v.list().ofMinSize(2).ofMaxSize(3);
  }
}
