package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Vec;
import io.telos.model.ActuatorResponse;
import io.telos.model.RobotModel;
import io.telos.planner.spi.WorldModel;
import io.telos.planner.spi.WorldModel.Probe;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponseWorldModelTest {
  private static final RobotModel TELOS6 = RobotModel.load("builtin:telos6");
  private static final double[] HOME = {0, -0.5, 1.2, -0.7, 1.57, 0};
  private static final double DT = 0.05;

  private static Observation at(double[] q, double[] qd) {
    return new Observation(Header.of(0, 0, "test"), Vec.of(q), Vec.of(qd), TELOS6.chain().forwardPose(q), null, 0);
  }

  /**
   * The model's predicted arm positions match the 1 kHz response filter fed with the model's own
   * commands, linearly interpolated between steps (as the safety kernel sends them).
   */
  @ParameterizedTest(name = "lag {0} s, dead time {1} ms, cap {2}")
  @CsvSource({"0.02, 0, Infinity", "0.05, 20, Infinity", "0.2, 50, Infinity", "0.3, 35, Infinity", "0.1, 120, Infinity",
      "0, 0, Infinity", "0.1, 20, 0.5"})
  void predictsWhatTheResponseDoesToTheCommands(double lagS, double deadMs, double cap) {
    ActuatorResponse r = ActuatorResponse.uniform(6, lagS, deadMs / 1e3, cap);
    ResponseWorldModel m = new ResponseWorldModel(TELOS6.withResponse(r), DT);
    int s = m.stateSize();
    double[] x = new double[s];
    double[] next = new double[s];
    m.encode(at(HOME, new double[6]), x);
    ActuatorResponse.Filter f = r.filter(1e-3, HOME);
    SplittableRandom rnd = new SplittableRandom(5);
    double[] u = new double[6];
    double[] cmd = new double[6];
    double worst = 0;
    double[] y = new double[6];
    for (int step = 0; step < 40; step++) {
      for (int i = 0; i < 6; i++) {
        u[i] = (rnd.nextDouble() * 2 - 1) * m.actionBound(i);
      }
      m.step(x, u, 1, next);
      for (int k = 1; k <= 50; k++) {
        double a = k / 50.0;
        for (int i = 0; i < 6; i++) {
          cmd[i] = x[2 * 6 + i] + a * (next[2 * 6 + i] - x[2 * 6 + i]);
        }
        f.step(cmd);
      }
      m.probe(Probe.JOINT_POSITION, next, 1, y);
      for (int i = 0; i < 6; i++) {
        worst = Math.max(worst, Math.abs(y[i] - f.position(i)));
      }
      System.arraycopy(next, 0, x, 0, s);
    }
    double tolerance = Double.isInfinite(cap) ? 2e-3 : 1e-2;
    assertTrue(worst < tolerance, "worst difference " + worst + " rad");
  }

  @Test
  void commandsLeadTheArmAndTheDeadTimeHoldsItStill() {
    ActuatorResponse r = ActuatorResponse.uniform(6, 0.1, 0.1, Double.POSITIVE_INFINITY);
    ResponseWorldModel m = new ResponseWorldModel(TELOS6.withResponse(r), DT);
    assertEquals(2, m.historySteps());
    double[] x = new double[m.stateSize()];
    double[] next = new double[m.stateSize()];
    m.encode(at(HOME, new double[6]), x);
    double[] u = {1, 0, 0, 0, 0, 0};
    double[] pos = new double[6];
    double[] vel = new double[6];
    double[] y = new double[6];
    for (int step = 1; step <= 2; step++) { // within the dead time the arm has not moved
      m.step(x, u, 1, next);
      System.arraycopy(next, 0, x, 0, x.length);
      m.probe(Probe.JOINT_POSITION, x, 1, y);
      m.commands(x, 1, pos, vel);
      assertEquals(HOME[0], y[0], 1e-12, "step " + step);
      assertTrue(pos[0] > HOME[0], "the command moves at once");
    }
    m.step(x, u, 1, next);
    m.probe(Probe.JOINT_POSITION, next, 1, y);
    assertTrue(y[0] > HOME[0], "after the dead time the arm follows");
  }

  @Test
  void encodeAssumesSteadyStateAndAssimilateKeepsTheCommands() {
    ActuatorResponse r = ActuatorResponse.uniform(6, 0.2, 0.05, Double.POSITIVE_INFINITY);
    ResponseWorldModel m = new ResponseWorldModel(TELOS6.withResponse(r), DT);
    double[] qd = {0.5, 0, 0, 0, 0, 0};
    double[] x = new double[m.stateSize()];
    m.encode(at(HOME, qd), x);
    double[] pos = new double[6];
    double[] vel = new double[6];
    m.commands(x, 1, pos, vel);
    assertEquals(HOME[0] + 0.25 * 0.5, pos[0], 1e-12, "the command leads by (lag + dead time) * velocity");

    double[] predictedAt = x.clone();
    double[] predictedLater = x.clone();
    predictedLater[2 * 6] += 0.01; // the command moved on meanwhile
    double[] measured = HOME.clone();
    measured[0] -= 0.03; // the arm is 0.03 rad behind the prediction
    double[] out = new double[m.stateSize()];
    m.assimilate(at(measured, qd), predictedAt, predictedLater, out);
    assertEquals(predictedLater[2 * 6], out[2 * 6], 0, "commands come from the plan, not the measurement");
    assertEquals(predictedLater[0] - 0.03, out[0], 1e-12, "the arm's part is corrected by the measurement");
  }

  @Test
  void theAnalyticModelOfALaggingArmIsThisOne() {
    ActuatorResponse r = ActuatorResponse.uniform(6, 0.1, 0, 1.0);
    WorldModel m = AnalyticWorldModel.of(TELOS6.withResponse(r), DT);
    assertInstanceOf(ResponseWorldModel.class, m);
    assertEquals(1.0, m.actionBound(0), "commands are bounded by the arm's speed ceiling");
    assertInstanceOf(AnalyticWorldModel.class, AnalyticWorldModel.of(TELOS6, DT));
    assertArrayEquals(new double[] {0.1}, new double[] {r.lagS(0)});
  }
}
