package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.ObjectPose;
import io.telos.api.Observation;
import io.telos.api.Setpoint;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.api.spi.Planner;
import io.telos.model.RobotModel;
import io.telos.planner.spi.WorldModel.Probe;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pushing in a closed loop whose plant is the contact model itself (the analytic arm plus the
 * quasi-static push): the hierarchy's phases, the model's contact geometry, and that the planners
 * bring the object to its target. The ODE-simulated version of the same task runs in the launch
 * module's suite tests.
 */
class PushTest {
  static final RobotModel TELOS6 = RobotModel.load("builtin:telos6");
  static final Scene SCENE = new Scene(0.02, List.of(new SceneObject("puck", 0.04, 0.05, 0.3, 0.4, 0.5, -0.1)));
  static final double DT = 0.02;

  /** A tool point moved directly by its velocity command: state = action space = end-effector. */
  static final class PointTool implements io.telos.planner.spi.WorldModel {
    @Override public String name() { return "point"; }
    @Override public int dof() { return 3; }
    @Override public int stateSize() { return 3; }
    @Override public double dtS() { return DT; }
    @Override public double actionBound(int i) { return 1; }
    @Override public void encode(Observation o, double[] out) { o.position().copyTo(out); }
    @Override public void step(double[] s, double[] a, int batch, double[] next) {
      for (int i = 0; i < 3 * batch; i++) {
        next[i] = s[i] + DT * a[i];
      }
    }
    @Override public void probe(Probe p, double[] s, int batch, double[] out) {
      if (p == Probe.JOINT_VELOCITY) {
        java.util.Arrays.fill(out, 0, 3 * batch, 0);
      } else {
        System.arraycopy(s, 0, out, 0, 3 * batch);
      }
    }
  }

  /** Object position after one step of the point tool from {@code tool} with velocity {@code v}. */
  static double[] afterStep(double[] tool, double[] v, double ox, double oy) {
    PushingWorldModel m = new PushingWorldModel(new PointTool(), SCENE);
    double[] s = {tool[0], tool[1], tool[2], ox, oy};
    double[] next = new double[5];
    m.step(s, v, 1, next);
    return new double[] {next[3], next[4]};
  }

  /** The analytic push with a made-up ensemble spread: 1 cm for samples whose tool ends at x > 0.45. */
  static final class SpreadingContact implements io.telos.planner.spi.ContactModel {
    final QuasiStaticContact inner = new QuasiStaticContact(SCENE);
    int steps;
    double[] spread = new double[0];
    @Override public String name() { return "spreading"; }
    @Override public int width() { return 2; }
    @Override public List<String> objectNames() { return inner.objectNames(); }
    @Override public void encode(int j, io.telos.api.ObjectPose p, double[] out, int off) { inner.encode(j, p, out, off); }
    @Override public void step(double[] before, double[] after, double[] objects, int batch, double[] next) {
      steps++;
      inner.step(before, after, objects, batch, next);
      spread = new double[batch];
      for (int b = 0; b < batch; b++) {
        spread[b] = after[3 * b] > 0.45 ? 0.01 : 0;
      }
    }
    @Override public boolean hasUncertainty() { return true; }
    @Override public void lastSpread(int batch, double[] out) { System.arraycopy(spread, 0, out, 0, batch); }
  }

  @Test
  void contactSpreadAddsToTheUncertaintyOfTheStepItWasMadeIn() {
    SpreadingContact c = new SpreadingContact();
    PushingWorldModel m = new PushingWorldModel(new PointTool(), SCENE, c);
    assertTrue(m.hasUncertainty(), "the point tool has none, the contact model has");
    double[] s = {0.40, -0.1, 0.03, 0.5, -0.1, 0.47, -0.1, 0.03, 0.5, -0.1};
    double[] a = {0, 0, 0, 0, 0, 0};
    double[] next = new double[10];
    m.step(s, a, 2, next);
    double[] u = new double[2];
    m.uncertainty(s, a, 2, u);
    assertEquals(1, c.steps, "the spread of the step just made is reused");
    assertEquals(0.0, u[0], 1e-12, "far from the object: the ensemble agrees");
    assertEquals(0.5, u[1], 1e-12, "1 cm of spread = half a unit (2 cm)");
    double[] other = s.clone();
    other[5] = 0.40;
    m.uncertainty(other, a, 2, u);
    assertEquals(2, c.steps, "other states: stepped again");
    assertEquals(0.0, u[1], 1e-12);
  }

  @Test
  void toolPushesTheObjectAlongTheLineOfCentres() {
    // the tool 7 cm from the axis at mid height, moving 2 cm towards it in one step: overlap 1 cm
    double[] o = afterStep(new double[] {0.43, -0.1, 0.03}, new double[] {1.0, 0, 0}, 0.5, -0.1);
    assertEquals(0.45 + 0.06, o[0], 1e-9, "out to the contact distance (radius + tool radius) along +x");
    assertEquals(-0.1, o[1], 1e-9);
    // from 45°: pushed along the line of centres, not along the tool's motion
    double[] d = afterStep(new double[] {0.5 - 0.04, -0.1 - 0.04, 0.03}, new double[] {0.5, 0, 0}, 0.5, -0.1);
    assertTrue(d[1] > -0.1 + 0.003 && d[0] > 0.5, "pushed along the diagonal: " + d[0] + ", " + d[1]);
  }

  @Test
  void toolAboveOrOnTopOfTheObjectDoesNotMoveIt() {
    assertEquals(0.5, afterStep(new double[] {0.49, -0.1, 0.06 + 0.021}, new double[3], 0.5, -0.1)[0], 1e-12,
        "passing above");
    double[] top = afterStep(new double[] {0.495, -0.1, 0.065}, new double[3], 0.5, -0.1);
    assertEquals(0.5, top[0], 1e-12, "pressing on the top face moves nothing sideways");
    assertEquals(-0.1, top[1], 1e-12);
    QuasiStaticContact c = new QuasiStaticContact(SCENE);
    assertEquals(0.06, c.contactRadius(0, 0.03), 1e-12, "beside the object: radius + tool radius");
    assertTrue(c.contactRadius(0, 0.06) < 0.06 && c.contactRadius(0, 0.06) > 0.04, "over the rim: smaller");
  }

  @Test
  void anUnseenObjectIsOutOfReachAndAPushOfItIsRefused() {
    PushingWorldModel m = new PushingWorldModel(new AnalyticWorldModel(TELOS6, DT), SCENE);
    Observation obs = new Observation(Header.of(0, 0, "t"), Vec.of(SimHome.Q), Vec.zeros(6),
        TELOS6.chain().forwardPose(SimHome.Q), null, 0);
    double[] s = new double[m.stateSize()];
    m.encode(obs, s);
    assertEquals(PushingWorldModel.UNSEEN_M, s[s.length - 2], "neither pushed nor disturbed");
    assertTrue(!PushingWorldModel.sees(obs, "puck"));
    Planner planner = mppi(Map.of());
    Goal push = new Goal(Header.of(0, 0, "t"), "p", new Target.Push("puck", 0.5, 0.1), 0.02, 60_000_000_000L);
    var e = assertThrows(Planner.NotReady.class, () -> planner.plan(obs, push));
    assertTrue(e.getMessage().contains("'puck' is not in the observation"), e.getMessage());
    Goal reach = new Goal(Header.of(0, 0, "t"), "r", new Target.Position(0.4, 0.1, 0.4), 0.01, 60_000_000_000L);
    assertEquals(12, planner.plan(obs, reach).setpoints().size(), "a reach plans on without the object");
  }

  @Test
  void aLowObjectIsPushedWithoutDroppingOutOfThePushPhase() {
    Scene low = new Scene(0.02, List.of(new SceneObject("chip", 0.04, 0.02, 0.1, 0.4, 0.5, -0.1)));
    PushLayer layer = new PushLayer(low);
    Target.Push push = new Target.Push("chip", 0.5, 0.1);
    double z = layer.pushHeight(low.objects().get(0));
    assertTrue(z > 0.02, "the tool's centre rides above the chip's top: " + z);
    double y = -0.1 - (0.04 + 0.02 + PushLayer.GAP_M);
    assertEquals(PushLayer.Phase.PUSH, layer.update("g", push, new double[] {0.5, y, z}, 0.5, -0.1).phase());
    assertEquals(PushLayer.Phase.PUSH, layer.update("g", push, new double[] {0.5, y + 0.02, z}, 0.5, -0.1).phase(),
        "still pushing 2 cm on");
  }

  @Test
  void layerGoesOverTheObjectWhenTheToolIsOnTheWrongSide() {
    PushLayer layer = new PushLayer(SCENE);
    Target.Push push = new Target.Push("puck", 0.5, 0.1); // push towards +y
    // tool low, on the goal side of the object: the way to the pre-push point (at y < -0.1) is blocked
    PushLayer.Decision d = layer.update("g", push, new double[] {0.5, 0.0, 0.03}, 0.5, -0.1);
    assertEquals(PushLayer.Phase.LIFT, d.phase());
    d = layer.update("g", push, new double[] {0.5, 0.0, 0.2}, 0.5, -0.1);
    assertEquals(PushLayer.Phase.HOVER, d.phase());
    assertTrue(d.waypoint().yM() < -0.1 - 0.06, "the pre-push point is behind the object: " + d.waypoint());
    d = layer.update("g", push, new double[] {0.5, d.waypoint().yM(), 0.2}, 0.5, -0.1);
    assertEquals(PushLayer.Phase.DESCEND, d.phase());
    double z = layer.pushHeight(SCENE.objects().get(0));
    d = layer.update("g", push, new double[] {0.5, d.waypoint().yM(), z}, 0.5, -0.1);
    assertEquals(PushLayer.Phase.PUSH, d.phase());
    assertEquals(0.1 - 0.06, d.pushThrough().yM(), 1e-9, "push through to where the object sits on the goal");
    // the object slid sideways off the line: re-approach
    d = layer.update("g", push, new double[] {0.5, -0.16, z}, 0.55, -0.1);
    assertTrue(d.phase() != PushLayer.Phase.PUSH, "left the push after the object slid off the line");
  }

  @Test
  void layerApproachesDirectlyWhenTheWayIsClear() {
    PushLayer layer = new PushLayer(SCENE);
    PushLayer.Decision d = layer.update("g", new Target.Push("puck", 0.5, 0.1), new double[] {0.5, -0.3, 0.03}, 0.5,
        -0.1);
    assertEquals(PushLayer.Phase.DESCEND, d.phase());
  }

  @Test
  void hierarchicalMppiPushesThePuckToItsTarget() {
    Loop loop = new Loop();
    Planner planner = mppi(Map.of());
    double err = loop.pursue(planner, new Target.Push("puck", 0.5, 0.1), 20);
    assertTrue(err < 0.02, "puck within 2 cm of its target, was " + err);
  }

  @Test
  void aPushThatCannotArriveIsReportedStuck() {
    Loop loop = new Loop();
    MppiPlanner planner = (MppiPlanner) mppi(Map.of());
    Goal goal = new Goal(Header.of(0, 0, "t"), "far", new Target.Push("puck", 1.4, -0.1), 0.02, 60_000_000_000L);
    boolean stuck = false;
    boolean stuckEarly = false;
    for (int k = 0; k < 1500 && !stuck; k++) { // 30 s
      loop.step(planner, goal);
      stuck = planner.lastDiagnostics().stuck();
      stuckEarly |= stuck && k < 100;
    }
    assertTrue(stuck, "the object stopped coming closer to a target beyond reach: stuck (the fallback's signal)");
    assertTrue(!stuckEarly, "not while the first approach and push were making progress");
  }

  @Test
  void scriptedDlsPushesThePuckToItsTarget() {
    Loop loop = new Loop();
    double err = loop.pursue(new DlsIkPlanner(TELOS6, DlsConfig.defaults(), SCENE), new Target.Push("puck", 0.5, 0.1), 20);
    assertTrue(err < 0.02, "puck within 2 cm of its target, was " + err);
  }

  @Test
  void reachingPastAnObjectDoesNotKnockIt() {
    Loop loop = new Loop();
    Planner planner = mppi(Map.of());
    // the straight way from the home pose to this point passes the puck
    double[] puck = loop.object();
    loop.pursueReach(planner, new Target.Position(0.5, -0.25, 0.04), 8);
    double[] after = loop.object();
    assertTrue(Math.hypot(after[0] - puck[0], after[1] - puck[1]) < 0.01,
        "the puck stayed put: moved " + Math.hypot(after[0] - puck[0], after[1] - puck[1]));
  }

  static Planner mppi(Map<String, Object> section) {
    return Planners.create(TELOS6, new io.telos.api.config.Settings("planner", section), 1, SCENE);
  }

  /** The contact model as plant, following the first setpoint of every chunk. */
  static final class Loop {
    final PushingWorldModel plant = new PushingWorldModel(new AnalyticWorldModel(TELOS6, DT), SCENE);
    final double[] state = new double[plant.stateSize()];
    final double[] next = new double[plant.stateSize()];
    long nowNs;
    long seq;

    Loop() {
      System.arraycopy(SimHome.Q, 0, state, 0, 6);
      state[state.length - 2] = 0.5;
      state[state.length - 1] = -0.1;
    }

    double[] object() {
      return new double[] {state[state.length - 2], state[state.length - 1]};
    }

    Observation observe() {
      double[] q = java.util.Arrays.copyOf(state, 6);
      double[] o = object();
      return new Observation(Header.of(seq++, nowNs, "test"), Vec.of(q), Vec.of(java.util.Arrays.copyOfRange(state, 6, 12)),
          TELOS6.chain().forwardPose(q), null, 0, List.of(new ObjectPose("puck", o[0], o[1], 0.025, 0, nowNs)));
    }

    double pursue(Planner planner, Target.Push push, double timeoutS) {
      Goal goal = new Goal(Header.of(0, 0, "t"), "push", push, 0.02, 60_000_000_000L);
      long end = nowNs + (long) (timeoutS * 1e9);
      int inside = 0;
      while (nowNs < end && inside < 5) {
        step(planner, goal);
        double[] o = object();
        inside = Math.hypot(o[0] - push.xM(), o[1] - push.yM()) < 0.02 ? inside + 1 : 0;
      }
      double[] o = object();
      return Math.hypot(o[0] - push.xM(), o[1] - push.yM());
    }

    void pursueReach(Planner planner, Target.Position p, double timeoutS) {
      Goal goal = new Goal(Header.of(0, 0, "t"), "reach", p, 0.01, 60_000_000_000L);
      long end = nowNs + (long) (timeoutS * 1e9);
      while (nowNs < end) {
        step(planner, goal);
      }
    }

    void step(Planner planner, Goal goal) {
      ActionChunk chunk = planner.plan(observe(), goal);
      Setpoint sp = chunk.setpoints().get(0);
      double span = (sp.timeNs() - nowNs) / 1e9;
      double[] u = new double[6];
      for (int i = 0; i < 6; i++) {
        u[i] = (sp.position().get(i) - state[i]) / span;
      }
      plant.step(state, u, 1, next);
      System.arraycopy(next, 0, state, 0, state.length);
      nowNs += Math.round(DT * 1e9);
    }
  }

  /** The simulated arm's home pose. */
  static final class SimHome {
    static final double[] Q = {0, -0.5, 1.2, -0.7, 1.57, 0};
  }

  static {
    assert Map.of().isEmpty() && Probe.OBJECT_POSITION.width(6) == 2;
  }
}
