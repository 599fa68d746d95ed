package io.telos.perception.response;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Header;
import io.telos.api.ResponseReport;
import io.telos.model.ActuatorResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runtime's identifier: fed at 1 kHz like the servo loop, it judges the declared response. */
class OnlineResponseIdentifierTest {
  private static final List<String> JOINTS = List.of("a", "b");
  private static final ActuatorResponse ARM = ActuatorResponse.uniform(2, 0.2, 0.02, Double.POSITIVE_INFINITY);

  /** 8 s of steps and ramps through the arm's response, recorded every 1 ms. */
  private static ResponseReport run(ActuatorResponse declared) {
    return run(ARM, declared);
  }

  private static ResponseReport run(ActuatorResponse actual, ActuatorResponse declared) {
    OnlineResponseIdentifier id = new OnlineResponseIdentifier(JOINTS, declared);
    double[] q0 = {0, 0};
    ActuatorResponse.Filter arm = actual.filter(1e-3, q0);
    double[] cmd = new double[2];
    for (int k = 0; k < 8000; k++) {
      double t = k * 1e-3;
      cmd[0] = (Math.floor(t / 0.8) % 2 == 0) ? 0.1 : -0.05;
      cmd[1] = 0.2 * Math.sin(2 * Math.PI * 0.7 * t);
      id.record(k * 1_000_000L, cmd, arm.position().clone());
      arm.step(cmd);
    }
    return id.identify(Header.of(0, 8_000_000_000L, "test"));
  }

  @Test
  void nothingMovedNothingToReport() {
    OnlineResponseIdentifier id = new OnlineResponseIdentifier(JOINTS, ARM);
    for (int k = 0; k < 2000; k++) {
      id.record(k * 1_000_000L, new double[] {0.3, 0.3}, new double[] {0.3, 0.3});
    }
    assertNull(id.identify(Header.of(0, 0, "test")));
  }

  @Test
  void theRightDeclarationAgreesAndTheFitIsClose() {
    ResponseReport r = run(ARM);
    assertFalse(r.mismatch(), r.summary());
    for (int i = 0; i < 2; i++) {
      assertEquals(0.2, r.lagS().get(i), 0.02, r.summary());
      assertEquals(0.02, r.deadTimeS().get(i), 0.005, r.summary());
    }
    assertTrue(r.samples() <= 10 * OnlineResponseIdentifier.RATE_HZ + 1, "thinned to 250 Hz: " + r.samples());
  }

  @Test
  void aLagDeclaredTwiceTooLongDisagreesNamingTheJoint() {
    ResponseReport r = run(ActuatorResponse.uniform(2, 0.4, 0.02, Double.POSITIVE_INFINITY));
    assertTrue(r.mismatch());
    assertTrue(r.mismatches().get(0).startsWith("a: lag_s declared 0.400 s, identified 0.2"), r.mismatches().toString());
  }

  @Test
  void withNothingDeclaredALagThatMattersIsReported() {
    ResponseReport r = run(ActuatorResponse.ideal(2));
    assertTrue(r.mismatch(), r.summary());
    assertTrue(r.mismatches().get(0).startsWith("a: no response declared, identified lag 0.2"), r.mismatches().toString());
  }

  @Test
  void withNothingDeclaredEvenAPositionControllersShortLagIsReportedAndNoLagIsNot() {
    // a P-controlled joint without velocity feed-forward trails by 1/kp: 25 ms at kp 40
    ResponseReport trailing = run(ActuatorResponse.uniform(2, 0.025, 0, Double.POSITIVE_INFINITY),
        ActuatorResponse.ideal(2));
    assertTrue(trailing.mismatch(), trailing.summary());
    assertTrue(trailing.mismatches().get(0).contains("identified lag 0.02"), trailing.mismatches().toString());
    ResponseReport prompt = run(ActuatorResponse.uniform(2, 0.003, 0.002, Double.POSITIVE_INFINITY),
        ActuatorResponse.ideal(2));
    assertFalse(prompt.mismatch(), prompt.summary());
  }
}
