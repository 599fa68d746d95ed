package io.telos.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Addresses;
import io.telos.api.Fault;
import io.telos.api.HandoverRequest;
import io.telos.api.Mode;
import io.telos.api.ObjectPose;
import io.telos.api.SimulatedClock;
import io.telos.api.Vec;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The recorder on a real Vert.x bus, feeding the in-memory fake store. */
class MemoryRecorderTest {
  static final long MS = 1_000_000L;
  Vertx vertx;
  InMemoryEpisodeStore store;
  MemoryRecorder recorder;
  Bus bus;
  String deployment;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    TestCodecs.register(vertx);
    store = new InMemoryEpisodeStore();
    recorder = new MemoryRecorder("arm1", store, new MemoryRecorder.Info("examples/reach.yaml", "mppi", false),
        new SimulatedClock(42));
    deployment = vertx.deployVerticle(recorder).await();
    bus = new Bus(vertx, "arm1");
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  EpisodeSummary byGoal(String goal) {
    return store.listEpisodes(100).stream().filter(e -> e.meta().goalId().equals(goal)).findFirst().orElseThrow(
        () -> new AssertionError("no episode for goal " + goal + " in " + store.listEpisodes(100)));
  }

  @Test
  void oneEpisodePerGoalWithStepsJoinedToTheLatestCommandModeEnergyAndFault() throws Exception {
    bus.mode(1 * MS, Mode.HOLD, Mode.AUTONOMOUS);
    bus.observation(2 * MS, 0.0); // no goal yet: not recorded
    bus.plan("g1", 3 * MS, 2.5);
    bus.command(4 * MS, 0.11, Mode.AUTONOMOUS);
    bus.observation(5 * MS, 0.1);
    bus.fault(6 * MS, "STATE_STALE");
    bus.fault(6 * MS, "SECOND");
    bus.observation(7 * MS, 0.2);
    bus.plan("g1", 8 * MS, 1.5);
    bus.mode(8 * MS, Mode.AUTONOMOUS, Mode.HOLD);
    bus.observation(9 * MS, 0.3);
    bus.outcome("g1", 10 * MS, true, 7 * MS);
    bus.plan("g1", 11 * MS, 1.0); // late plan of an ended goal: ignored
    bus.observation(12 * MS, 0.4); // between goals: not recorded
    bus.plan("g2", 13 * MS, 9.0);
    bus.observation(14 * MS, 0.5);
    bus.plan("g3", 15 * MS, 8.0); // g2 superseded
    bus.outcome("g4", 20 * MS, false, 4 * MS); // outcome without a plan: g3 superseded
    bus.plan("g5", 21 * MS, 7.0);
    bus.observation(22 * MS, 0.6);
    eventually(() -> store.stats().steps() == 5, "5 steps");

    EpisodeSummary g1 = byGoal("g1");
    assertEquals(Outcome.REACHED, g1.outcome());
    assertEquals(3 * MS, g1.meta().startNs());
    assertEquals(10 * MS, g1.endNs());
    assertEquals(new EpisodeMeta("arm1", "examples/reach.yaml", "mppi", "g1", false, 3 * MS), g1.meta());
    List<StepRecord> steps = Steps.read(store, g1.id());
    assertEquals(3, steps.size());
    StepRecord s0 = steps.get(0);
    assertEquals(0, s0.index());
    assertEquals(5 * MS, s0.stampNs());
    assertEquals(Vec.of(0.1, -0.1, 0.5, -0.5), s0.state(), "positions then velocities");
    assertEquals(Vec.of(0.3, 0.0, 0.1), s0.eePosition());
    assertTrue(s0.latent().isEmpty());
    assertEquals(Vec.of(0.11, 0.11), s0.commandPosition());
    assertEquals(Vec.of(0.01, 0.02), s0.commandVelocity());
    assertEquals(Mode.AUTONOMOUS, s0.mode());
    assertEquals(2.5, s0.energy());
    assertEquals("g1", s0.goalId());
    assertNull(s0.faultCode());
    assertEquals("STATE_STALE", steps.get(1).faultCode(), "first fault since the previous step");
    assertNull(steps.get(2).faultCode());
    assertEquals(Mode.HOLD, steps.get(2).mode());
    assertEquals(1.5, steps.get(2).energy());

    EpisodeSummary g2 = byGoal("g2");
    assertEquals(Outcome.INCOMPLETE, g2.outcome());
    assertEquals(15 * MS, g2.endNs());
    assertEquals(1, g2.steps());
    EpisodeSummary g3 = byGoal("g3");
    assertEquals(Outcome.INCOMPLETE, g3.outcome());
    assertEquals(0, g3.steps());
    EpisodeSummary g4 = byGoal("g4");
    assertEquals(Outcome.FAILED, g4.outcome());
    assertEquals(16 * MS, g4.meta().startNs(), "outcome stamp minus elapsed");
    assertEquals(20 * MS, g4.endNs());
    assertEquals(5, store.stats().episodes());
    assertTrue(byGoal("g5").isOpen());

    vertx.undeploy(deployment).await();
    EpisodeSummary g5 = byGoal("g5");
    assertEquals(Outcome.INCOMPLETE, g5.outcome(), "stop ends the open episode");
    assertEquals(22 * MS, g5.endNs());
    assertEquals(5, recorder.episodes());
    assertEquals(5, recorder.steps());
    assertEquals(0, recorder.gaps());
  }

  @Test
  void theLatestResponseEstimateIsKeptWithTheEpisodeItWasMadeIn() throws Exception {
    bus.plan("g1", 1 * MS, 2.0);
    bus.observation(2 * MS, 0.1);
    bus.response(3 * MS, 0.11);
    bus.response(4 * MS, 0.12);
    bus.outcome("g1", 5 * MS, true, 4 * MS);
    bus.plan("g2", 6 * MS, 2.0); // no new estimate during g2: nothing is recorded again
    bus.observation(7 * MS, 0.2);
    bus.outcome("g2", 8 * MS, true, 2 * MS);
    eventually(() -> store.listEpisodes(10).stream().filter(e -> e.outcome() == Outcome.REACHED).count() == 2,
        "2 episodes ended");
    List<EventRecord> g1 = store.events(byGoal("g1").id()).stream()
        .filter(e -> e.kind() == EventRecord.Kind.RESPONSE_ESTIMATE).toList();
    assertEquals(1, g1.size(), g1.toString());
    assertEquals(4 * MS, g1.get(0).stampNs());
    assertTrue(g1.get(0).detail().startsWith("lag_s=[0.12±0.01, 0.12±0.01] dead_time_ms=[20.0±1.0, 20.0±1.0]"),
        g1.get(0).detail());
    assertTrue(store.events(byGoal("g2").id()).stream().noneMatch(e -> e.kind() == EventRecord.Kind.RESPONSE_ESTIMATE));
  }

  @Test
  void eachStepKeepsTheTrackedObjectsOfItsObservation() throws Exception {
    ObjectPose box = new ObjectPose("box", 0.45, -0.1, 0.025, 0.3, 4 * MS);
    ObjectPose cup = new ObjectPose("cup_2", 0.2, 0.3, 0.04, -1.0, 5 * MS);
    bus.plan("push", 3 * MS, 2.5);
    bus.observation(5 * MS, 0.1, List.of(cup, box));
    bus.observation(6 * MS, 0.2); // the scene lost sight of both
    bus.observation(7 * MS, 0.3, List.of(box));
    eventually(() -> store.stats().steps() == 3, "3 steps");
    List<StepRecord> steps = Steps.read(store, byGoal("push").id());
    assertEquals(List.of(cup, box), steps.get(0).objects(), "as observed, in the observation's order");
    assertEquals(List.of(), steps.get(1).objects());
    assertEquals(List.of(box), steps.get(2).objects());
    assertTrue(store.events(byGoal("push").id()).stream().noneMatch(e -> e.kind() == EventRecord.Kind.SCENE),
        "no scene was given");
  }

  @Test
  void theRunsSceneIsKeptWithEveryEpisode() throws Exception {
    String scene = "{\"tool_radius_m\":0.02,\"objects\":[]}";
    vertx.undeploy(deployment).await();
    recorder = new MemoryRecorder("arm1", store, new MemoryRecorder.Info("push.yaml", "mppi", false, scene),
        new SimulatedClock(42));
    deployment = vertx.deployVerticle(recorder).await();
    bus.plan("p1", 3 * MS, 2.5);
    bus.observation(5 * MS, 0.1);
    bus.plan("p2", 8 * MS, 2.5);
    bus.observation(9 * MS, 0.1);
    eventually(() -> store.stats().steps() == 2, "2 steps");
    for (String goal : List.of("p1", "p2")) {
      long id = byGoal(goal).id();
      assertEquals(List.of(EventRecord.scene(id, "arm1", store.episode(id).orElseThrow().meta().startNs(), scene)),
          store.events(id).stream().filter(e -> e.kind() == EventRecord.Kind.SCENE).toList(), goal);
    }
  }

  @Test
  void teleopEndsTheAutonomousEpisodeAndRecordsADemonstrationUntilTheModeLeavesTeleop() throws Exception {
    bus.plan("g1", 1 * MS, 2.0);
    bus.command(2 * MS, 0.1, Mode.AUTONOMOUS);
    bus.observation(3 * MS, 0.1);
    bus.handover(4 * MS, HandoverRequest.Trigger.STUCK, "energy flat for 2.0 s", true);
    bus.mode(5 * MS, Mode.AUTONOMOUS, Mode.TELEOP);
    bus.command(6 * MS, 0.7, Mode.TELEOP);
    bus.observation(7 * MS, 0.2);
    bus.plan("g1", 8 * MS, 1.0); // plans are ignored while the operator drives
    bus.plan("g9", 8 * MS, 1.0); // ... also for another goal
    bus.observation(9 * MS, 0.3);
    bus.handover(10 * MS, HandoverRequest.Trigger.STUCK, "served", false);
    bus.outcome("g1", 11 * MS, true, 10 * MS); // the operator reached it
    bus.mode(12 * MS, Mode.TELEOP, Mode.HOLD);
    bus.observation(13 * MS, 0.4); // between goals: not recorded
    bus.plan("g1", 14 * MS, 1.0); // the handed-over goal has ended
    bus.plan("g2", 15 * MS, 3.0); // autonomous recording resumes with the next goal
    bus.observation(16 * MS, 0.5);
    eventually(() -> store.stats().steps() == 4, "4 steps");

    List<EpisodeSummary> eps = store.listEpisodes(10);
    assertEquals(3, eps.size(), eps.toString());
    EpisodeSummary auto = eps.get(2);
    EpisodeSummary demo = eps.get(1);
    EpisodeSummary next = eps.get(0);
    assertEquals("g1", auto.meta().goalId());
    assertFalse(auto.meta().operator());
    assertEquals(Outcome.INCOMPLETE, auto.outcome(), "handed over");
    assertEquals(5 * MS, auto.endNs());
    assertEquals(1, auto.steps());

    assertEquals(new EpisodeMeta("arm1", "examples/reach.yaml", "mppi", "g1", true, 5 * MS), demo.meta(),
        "a demonstration of the same goal");
    assertEquals(Outcome.REACHED, demo.outcome(), "the goal's outcome during the segment");
    assertEquals(12 * MS, demo.endNs());
    List<StepRecord> demoSteps = Steps.read(store, demo.id());
    assertEquals(List.of(7 * MS, 9 * MS), demoSteps.stream().map(StepRecord::stampNs).toList());
    assertEquals(Vec.of(0.7, 0.7), demoSteps.get(0).commandPosition(), "the operator's command");
    assertEquals(Mode.TELEOP, demoSteps.get(0).mode());
    assertEquals(0, demoSteps.get(0).index());

    assertEquals("g2", next.meta().goalId());
    assertFalse(next.meta().operator());
    assertTrue(next.isOpen());

    assertEquals(List.of(
        EventRecord.handover(auto.id(), "arm1", 4 * MS, HandoverRequest.Trigger.STUCK, "energy flat for 2.0 s", true),
        EventRecord.modeChange(auto.id(), "arm1", 5 * MS, Mode.AUTONOMOUS, Mode.TELEOP, "test")),
        store.events(auto.id()));
    assertEquals(List.of(
        EventRecord.handover(demo.id(), "arm1", 10 * MS, HandoverRequest.Trigger.STUCK, "served", false),
        EventRecord.modeChange(demo.id(), "arm1", 12 * MS, Mode.TELEOP, Mode.HOLD, "test")),
        store.events(demo.id()));
  }

  @Test
  void teleopWithoutAGoalIsADemonstrationWithAnEmptyGoalAndStopEndsItIncomplete() throws Exception {
    bus.mode(1 * MS, Mode.HOLD, Mode.TELEOP);
    bus.observation(2 * MS, 0.1);
    bus.mode(3 * MS, Mode.TELEOP, Mode.TELEOP); // no new segment
    bus.observation(4 * MS, 0.2);
    eventually(() -> store.stats().steps() == 2, "2 steps");
    vertx.undeploy(deployment).await();
    List<EpisodeSummary> eps = store.listEpisodes(10);
    assertEquals(1, eps.size(), eps.toString());
    assertTrue(eps.get(0).meta().operator());
    assertEquals("", eps.get(0).meta().goalId());
    assertEquals(Outcome.INCOMPLETE, eps.get(0).outcome());
    assertEquals(2, eps.get(0).steps());
    assertEquals(List.of(EventRecord.modeChange(0, "arm1", 1 * MS, Mode.HOLD, Mode.TELEOP, "test")), store.events(0),
        "the first mode change happened outside any episode");
    assertEquals(List.of(EventRecord.modeChange(eps.get(0).id(), "arm1", 3 * MS, Mode.TELEOP, Mode.TELEOP, "test")),
        store.events(eps.get(0).id()));
  }

  @Test
  void stepsTheStoreCannotTakeAreCountedAsGaps() throws Exception {
    bus.plan("g1", 1 * MS, 0);
    bus.observation(2 * MS, 0.1);
    eventually(() -> store.durableSteps() == 1, "first step");
    store.refuseSteps(true);
    bus.observation(3 * MS, 0.2);
    bus.observation(4 * MS, 0.3);
    eventually(() -> recorder.steps() == 3, "3 steps");
    store.refuseSteps(false);
    bus.observation(5 * MS, 0.4);
    bus.outcome("g1", 6 * MS, true, 5 * MS);
    eventually(() -> !byGoal("g1").isOpen(), "end");
    EpisodeSummary e = byGoal("g1");
    assertEquals(2, e.gaps());
    assertEquals(2, e.steps());
    assertEquals(List.of(0L, 3L), Steps.read(store, e.id()).stream().map(StepRecord::index).toList(),
        "lost steps leave holes in the indices");
    assertEquals(2, recorder.gaps());
  }

  @Test
  void aStoreFailureBecomesAFaultRecordOnTheBus() throws Exception {
    CompletableFuture<Fault> heard = new CompletableFuture<>();
    vertx.eventBus().<Fault>localConsumer(Addresses.fault("arm1"), m -> {
      if (m.body().code().startsWith("MEMORY_")) {
        heard.complete(m.body());
      }
    }).completion().await();
    store.failWith(new StoreError(StoreError.Kind.WRITE_FAILED, "memory store x: write failed (disk full)", null));
    Fault f = heard.get(10, TimeUnit.SECONDS);
    assertEquals("MEMORY_WRITE_FAILED", f.code());
    assertEquals(Fault.Severity.WARNING, f.severity());
    assertEquals("memory store x: write failed (disk full)", f.message());
    assertEquals("memory/arm1", f.header().source());
    assertEquals(42, f.header().stampNs(), "stamped by the injected clock");
  }
}
