package io.telos.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Header;
import io.telos.api.ResponseReport;
import io.telos.api.SimulatedClock;
import io.telos.api.Vec;
import io.telos.api.spi.ResponseIdentifier;
import io.telos.model.ActuatorResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the watch adopts, what it refuses to adopt, and what it reports instead. */
class ResponseWatchTest {
  /** Reports the same estimate every time, always disagreeing. */
  private static ResponseIdentifier reporting(double[] lag, double[] lagSigma, double[] dead) {
    return new ResponseIdentifier() {
      @Override
      public void record(long stampNs, double[] commandPosition, double[] measuredPosition) {}

      @Override
      public ResponseReport identify(Header header) {
        return new ResponseReport(header, List.of("a", "b", "c"), Vec.of(lag), Vec.of(lagSigma), Vec.of(dead),
            Vec.of(0.001, 0.001, 0.001), 1000, List.of("a: no response declared"));
      }
    };
  }

  @Test
  void aPlausibleEstimateIsAdoptedAnImplausibleJointIsKeptAndReported() {
    List<String> faults = new ArrayList<>();
    List<ActuatorResponse> adopted = new ArrayList<>();
    // a: a real lag; b: 3 s (a joint held against its command); c: an estimate far too uncertain
    ResponseWatch w = new ResponseWatch("arm", reporting(new double[] {0.15, 3.0, 0.1},
        new double[] {0.002, 0.01, 0.2}, new double[] {0.04, 0.0, 0.01}), new SimulatedClock(),
        (s, code, m) -> faults.add(code + ": " + m), r -> { }, ActuatorResponse.ideal(3), adopted::add);
    for (int i = 0; i < 2 * ResponseWatch.CONFIRM; i++) {
      w.poll();
    }
    assertEquals(1, adopted.size(), "adopted once: " + adopted);
    assertArrayEquals(new double[] {0.15, 0, 0}, adopted.get(0).lagS());
    assertArrayEquals(new double[] {0.04, 0, 0}, adopted.get(0).deadTimeS());
    assertEquals(1, faults.size(), "reported once: " + faults);
    assertTrue(faults.get(0).startsWith("RESPONSE_MISMATCH") && faults.get(0).contains("b: lag 3.000")
        && faults.get(0).contains("c: lag 0.100 ± 0.200"), faults.get(0));
  }

  @Test
  void withoutAnAdopterADisagreementIsAFaultAndNothingChanges() {
    List<String> faults = new ArrayList<>();
    ResponseWatch w = new ResponseWatch("arm", reporting(new double[] {0.15, 0.15, 0.15},
        new double[] {0.002, 0.002, 0.002}, new double[] {0.04, 0.04, 0.04}), new SimulatedClock(),
        (s, code, m) -> faults.add(code), r -> { });
    for (int i = 0; i < 2 * ResponseWatch.CONFIRM; i++) {
      w.poll();
    }
    assertEquals(List.of("RESPONSE_MISMATCH"), faults);
    assertEquals(0, w.adoptions());
  }
}
