package io.telos.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ActionChunk;
import io.telos.api.Addresses;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.ModeChange;
import io.telos.api.Observation;
import io.telos.api.Setpoint;
import io.telos.api.SimulatedClock;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.api.spi.Planner;
import io.telos.api.spi.StateEstimator;
import io.telos.model.ActuatorResponse;
import io.telos.model.RobotModel;
import io.telos.runtime.mock.MockRobotHardware;
import io.telos.runtime.safety.SafetyConfig;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runtime's wiring on the real Vert.x bus, with the mock robot, in lock-step time. */
class AgentRuntimeTest {
  static final RobotModel PLANAR = RobotModel.load("builtin:planar2");
  Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  /** Straight line in joint space toward a joint target. */
  static final class LinePlanner implements Planner {
    @Override
    public String name() {
      return "line";
    }

    @Override
    public ActionChunk plan(Observation obs, Goal goal) {
      double[] q = obs.position().toArray();
      double[] t = ((Target.Joints) goal.target()).position().toArray();
      List<Setpoint> sps = new ArrayList<>();
      for (int k = 1; k <= 10; k++) {
        for (int i = 0; i < q.length; i++) {
          q[i] += Math.max(-0.02, Math.min(0.02, t[i] - q[i]));
        }
        sps.add(new Setpoint(obs.header().stampNs() + k * 20_000_000L, Vec.of(q), Vec.zeros(q.length)));
      }
      return new ActionChunk(obs.header(), goal.id(), sps, 0);
    }
  }

  static StateEstimator estimator() {
    long[] seq = {0};
    return (s, now) -> new Observation(new Header(seq[0]++, s.header().stampNs(), "est", ""), s.position(),
        s.velocity(), PLANAR.chain().forwardPose(s.position().toArray()), null, now - s.header().stampNs());
  }

  AgentRuntime.Parts parts(MockRobotHardware robot, SimulatedClock clock, List<Goal> goals) {
    return new AgentRuntime.Parts("arm", PLANAR, robot, estimator(), new LinePlanner(), goals, 50_000_000L,
        SafetyConfig.defaults(), 50, 250, clock);
  }

  static Goal jointGoal(String id, double a, double b) {
    return new Goal(Header.of(0, 0, "test"), id, new Target.Joints(Vec.of(a, b)), 0.005, 5_000_000_000L);
  }

  @Test
  void reachesJointGoalsThroughTheKernelAndReportsOutcomes() throws Exception {
    SimulatedClock clock = new SimulatedClock();
    MockRobotHardware robot = new MockRobotHardware("arm", PLANAR.jointNames(), new double[] {0, 0}, clock);
    AgentRuntime rt = AgentRuntime.deploy(vertx, parts(robot, clock, List.of(jointGoal("a", 0.5, -0.4),
        jointGoal("b", -0.3, 0.2)))).await();
    CountDownLatch done = new CountDownLatch(2);
    rt.onOutcome(o -> done.countDown());
    assertTrue(done.await(60, TimeUnit.SECONDS), "both goals ended");
    String metrics = rt.metrics();
    assertTrue(metrics.contains("# TYPE telos_servo_ticks_total counter"), metrics);
    assertTrue(metrics.contains("telos_goals_total{robot=\"arm\",outcome=\"reached\"} 2"), metrics);
    assertTrue(metrics.contains("telos_mode{robot=\"arm\",mode=\"AUTONOMOUS\"} 1"), metrics);
    assertTrue(metrics.contains("telos_limit_violations_total{robot=\"arm\"} 0"), metrics);
    assertTrue(metrics.matches("(?s).*telos_planner_step_seconds\\{robot=\"arm\",quantile=\"0.5\"\\} [0-9.]+\n.*"), metrics);
    RunReport r = rt.stop();
    assertEquals(2, r.reached(), r.outcomes().toString());
    assertEquals(0, r.limitViolations());
    JointState last = robot.read();
    assertEquals(-0.3, last.position().get(0), 0.01);
    assertEquals(0.2, last.position().get(1), 0.01);
  }

  /** Records what the servo loop feeds it; reports a lag twice the declared one. */
  static final class FakeIdentifier implements io.telos.api.spi.ResponseIdentifier {
    final java.util.concurrent.atomic.AtomicLong records = new java.util.concurrent.atomic.AtomicLong();
    volatile double lastCommand = Double.NaN;

    @Override
    public void record(long stampNs, double[] commandPosition, double[] measuredPosition) {
      assertEquals(2, commandPosition.length);
      assertEquals(2, measuredPosition.length);
      lastCommand = commandPosition[0];
      records.incrementAndGet();
    }

    @Override
    public io.telos.api.ResponseReport identify(Header header) {
      if (records.get() == 0) {
        return null;
      }
      return new io.telos.api.ResponseReport(header, PLANAR.jointNames(), Vec.of(0.2, 0.2), Vec.of(0.01, 0.01),
          Vec.of(0.02, 0.02), Vec.of(0.001, 0.001), records.get(), List.of("j1: lag declared 0.1 s, identified 0.2 s"));
    }
  }

  @Test
  void theResponseIsIdentifiedOnlineAndADisagreeingDeclarationIsAFault() throws Exception {
    SimulatedClock clock = new SimulatedClock();
    MockRobotHardware robot = new MockRobotHardware("arm", PLANAR.jointNames(), new double[] {0, 0}, clock);
    List<io.telos.api.ResponseReport> reports = new CopyOnWriteArrayList<>();
    vertx.eventBus().<io.telos.api.ResponseReport>localConsumer(Addresses.response("arm"), m -> reports.add(m.body()));
    CountDownLatch mismatch = new CountDownLatch(1);
    List<String> faults = new CopyOnWriteArrayList<>();
    vertx.eventBus().<io.telos.api.Fault>localConsumer(Addresses.fault("arm"), m -> {
      faults.add(m.body().code());
      if (m.body().code().equals("RESPONSE_MISMATCH")) {
        mismatch.countDown();
      }
    });
    FakeIdentifier id = new FakeIdentifier();
    AgentRuntime rt = AgentRuntime.deploy(vertx, parts(robot, clock, List.of(jointGoal("a", 0.5, -0.4),
        jointGoal("b", -0.3, 0.2), jointGoal("c", 0.4, 0.4), jointGoal("d", 0, 0))).withIdentifier(id)).await();
    assertTrue(mismatch.await(30, TimeUnit.SECONDS), "a mismatch fault; faults " + faults);
    assertTrue(reports.size() >= ResponseWatch.CONFIRM, "reports " + reports.size());
    assertTrue(id.records.get() > 100, "the servo loop fed the identifier: " + id.records.get());
    String metrics = rt.metrics();
    assertTrue(metrics.contains("telos_response_lag_seconds{robot=\"arm\",joint=\"" + PLANAR.jointNames().get(0)
        + "\"} 0.2"), metrics);
    assertEquals(0.2, rt.responseReport().lagS().get(0));
    rt.stop();
    assertEquals(1, faults.stream().filter("RESPONSE_MISMATCH"::equals).count(), "raised once: " + faults);
  }

  @Test
  void withAnAdopterTheIdentifiedResponseIsAdoptedOnceInsteadOfAFault() throws Exception {
    SimulatedClock clock = new SimulatedClock();
    MockRobotHardware robot = new MockRobotHardware("arm", PLANAR.jointNames(), new double[] {0, 0}, clock);
    List<io.telos.api.ResponseReport> reports = new CopyOnWriteArrayList<>();
    CountDownLatch enough = new CountDownLatch(ResponseWatch.CONFIRM + 3);
    vertx.eventBus().<io.telos.api.ResponseReport>localConsumer(Addresses.response("arm"), m -> {
      reports.add(m.body());
      enough.countDown();
    });
    List<String> faults = new CopyOnWriteArrayList<>();
    vertx.eventBus().<io.telos.api.Fault>localConsumer(Addresses.fault("arm"), m -> faults.add(m.body().code()));
    List<ActuatorResponse> adopted = new CopyOnWriteArrayList<>();
    AgentRuntime rt = AgentRuntime.deploy(vertx, parts(robot, clock, List.of(jointGoal("a", 0.5, -0.4),
        jointGoal("b", -0.3, 0.2), jointGoal("c", 0.4, 0.4), jointGoal("d", 0, 0)))
        .withIdentifier(new FakeIdentifier()).withResponseAdopter(adopted::add)).await();
    assertTrue(enough.await(30, TimeUnit.SECONDS), "reports " + reports.size());
    rt.stop();
    assertEquals(1, adopted.size(), "adopted once, the same estimate again changes nothing: " + adopted);
    ActuatorResponse r = adopted.get(0);
    assertArrayEquals(new double[] {0.2, 0.2}, r.lagS());
    assertArrayEquals(new double[] {0.02, 0.02}, r.deadTimeS());
    assertEquals(r, rt.responseInForce());
    assertEquals(1, rt.responseAdoptions());
    assertFalse(faults.contains("RESPONSE_MISMATCH"), "adopted, not reported: " + faults);
    assertTrue(rt.metrics().contains("telos_response_adoptions_total{robot=\"arm\"} 1"), rt.metrics());
  }

  @Test
  void estopLatchesUntilResetAndEveryTransitionIsARecord() throws Exception {
    SimulatedClock clock = new SimulatedClock();
    MockRobotHardware robot = new MockRobotHardware("arm", PLANAR.jointNames(), new double[] {0, 0}, clock);
    List<ModeChange> modes = new CopyOnWriteArrayList<>();
    vertx.eventBus().<ModeChange>localConsumer(Addresses.mode("arm"), m -> modes.add(m.body()));
    AgentRuntime rt = AgentRuntime.deploy(vertx, parts(robot, clock, List.of(jointGoal("a", 1.0, 1.0)))).await();
    assertEquals("PROTECTIVE_STOP", request("estop"));
    assertEquals("REFUSED PROTECTIVE_STOP", request("AUTONOMOUS"));
    assertEquals("HOLD", request("reset"));
    assertEquals("AUTONOMOUS", request("AUTONOMOUS"));
    assertEquals("REFUSED AUTONOMOUS", request("FLY"));
    rt.stop();
    assertEquals(List.of(Mode.PROTECTIVE_STOP, Mode.HOLD, Mode.AUTONOMOUS), modes.stream().map(ModeChange::to).toList());
  }

  @Test
  void aRobotThatStopsReportingIsHeldWithAFault() throws Exception {
    SimulatedClock clock = new SimulatedClock();
    MockRobotHardware robot = new MockRobotHardware("arm", PLANAR.jointNames(), new double[] {0, 0}, clock);
    CompletableFuture<ModeChange> hold = new CompletableFuture<>();
    vertx.eventBus().<ModeChange>localConsumer(Addresses.mode("arm"), m -> {
      if (m.body().to() == Mode.HOLD) {
        hold.complete(m.body());
      }
    });
    AgentRuntime rt = AgentRuntime.deploy(vertx, parts(robot, clock, List.of(jointGoal("a", 1.0, 1.0)))).await();
    robot.freeze();
    ModeChange change = hold.get(30, TimeUnit.SECONDS);
    assertTrue(change.reason().startsWith("STATE_STALE"), change.reason());
    RunReport r = rt.stop();
    assertTrue(r.faults().containsKey("STATE_STALE"), r.faults().toString());
  }

  private String request(String what) {
    return vertx.eventBus().<String>request(Addresses.modeRequest("arm"), what).await().body();
  }
}
