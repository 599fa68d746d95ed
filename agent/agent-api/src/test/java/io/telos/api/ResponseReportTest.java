package io.telos.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary kept in episodic memory reads back as the estimate it summarises. */
class ResponseReportTest {
  @Test
  void aSummaryReadsBackToItsLagsAndDeadTimes() {
    ResponseReport r = new ResponseReport(Header.of(0, 0, "t"), List.of("a", "b", "c"),
        Vec.of(0.15, Double.NaN, 0.0204), Vec.of(0.001, Double.NaN, 0.0), Vec.of(0.0385, Double.NaN, 0.0),
        Vec.of(0.0001, Double.NaN, 0.0), 2500, List.of("a: no response declared"));
    double[][] back = ResponseReport.parseSummary(r.summary()).orElseThrow();
    assertArrayEquals(new double[] {0.15, Double.NaN, 0.02}, back[0], 1e-12, r.summary());
    assertArrayEquals(new double[] {0.0385, Double.NaN, 0.0}, back[1], 1e-12, r.summary());
    assertTrue(Double.isNaN(back[2][0]), "no ceilings in this summary");
    ResponseReport capped = new ResponseReport(Header.of(0, 0, "t"), List.of("a", "b"), Vec.of(0.3, 0.3),
        Vec.of(0.001, 0.001), Vec.of(0.05, 0.05), Vec.of(0.0001, 0.0001), 10, List.of(),
        Vec.of(1.0, Double.POSITIVE_INFINITY));
    assertArrayEquals(new double[] {1.0, Double.POSITIVE_INFINITY}, ResponseReport.parseSummary(capped.summary())
        .orElseThrow()[2], capped.summary());
  }

  @Test
  void anythingElseIsNoEstimate() {
    for (String s : new String[] {null, "", "lag_s=[0.1] dead_time_ms=[x]", "lag_s=[0.1, 0.2] dead_time_ms=[1]",
        "lag_s=[] dead_time_ms=[]", "dead_time_ms=[1] lag_s=[0.1]", "lag_s=[NaN] dead_time_ms=[1]"}) {
      assertTrue(ResponseReport.parseSummary(s).isEmpty(), s);
    }
    assertEquals(1, ResponseReport.parseSummary("lag_s=[0.1±0.0] dead_time_ms=[1.0±0.1] samples=3").orElseThrow()[0]
        .length);
  }
}
