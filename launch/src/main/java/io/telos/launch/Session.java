package io.telos.launch;

import io.telos.api.GoalOutcome;
import io.telos.api.config.Settings;
import io.telos.bridge.teleop.ConsoleConfig;
import io.telos.bridge.teleop.EpisodeSource;
import io.telos.bridge.teleop.MqttOperatorStation;
import io.telos.bridge.teleop.TeleopConsole;
import io.telos.launch.fleet.Fleet;
import io.telos.launch.fleet.FleetMember;
import io.telos.launch.fleet.ModelInstaller;
import io.telos.launch.learn.BackgroundTrainer;
import io.telos.launch.learn.SceneExperience;
import io.telos.memory.EpisodeStore;
import io.telos.memory.MemoryConfig;
import io.telos.memory.MemoryRecorder;
import io.telos.memory.recall.RecallService;
import io.telos.memory.recall.SimilarityRecall;
import io.telos.memory.recall.StepIndex;
import io.telos.planner.MppiPlanner;
import io.telos.planner.djl.Trainer;
import io.telos.runtime.AgentRuntime;
import io.telos.runtime.RunReport;
import io.telos.runtime.bus.Codecs;
import io.telos.runtime.config.ClusterSpec;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchSpec;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/** Runs one launch spec to the end of its task (or until stopped) and returns what it measured. */
public final class Session {
  private Session() {}

  /**
   * A session that has started: the agent runs, the console (if the launch file asks for one)
   * listens.
   *
   * @param consolePort the operator console's port, or -1 without a console
   * @param stop ends the session early (as if its last goal had ended)
   * @param store the episodic memory the session records into, or null
   */
  public record Started(Vertx vertx, AgentRuntime runtime, int consolePort, Runnable stop, EpisodeStore store) {}

  /**
   * @param progress called for each goal outcome
   * @param maxWall give up after this long (wall time); null for no limit
   */
  public static RunReport run(LaunchSpec spec, Consumer<GoalOutcome> progress, Duration maxWall) throws InterruptedException {
    return run(spec, progress, maxWall, -1);
  }

  /** @param metricsPort serve Prometheus metrics on 127.0.0.1 at this port (0: any free port; &lt;0: none) */
  public static RunReport run(LaunchSpec spec, Consumer<GoalOutcome> progress, Duration maxWall, int metricsPort)
      throws InterruptedException {
    return run(spec, UnaryOperator.identity(), progress, maxWall, metricsPort);
  }

  /**
   * @param adapt may replace composed parts before deployment (e.g. wrap the hardware with a monitor)
   */
  public static RunReport run(LaunchSpec spec, UnaryOperator<AgentRuntime.Parts> adapt, Consumer<GoalOutcome> progress,
      Duration maxWall, int metricsPort) throws InterruptedException {
    return run(spec, adapt, progress, maxWall, metricsPort, s -> { });
  }

  /**
   * memory.recall: the HNSW index over the store, the recall service on the bus, and the MPPI planner
   * wrapped so it asks that service for warm starts.
   */
  private static RecallWarmStart recallWarmStart(Vertx vertx, LaunchSpec spec, AgentRuntime.Parts parts,
      EpisodeStore store, StepIndex index) {
    if (spec.robot().adaptResponse()) {
      throw new LaunchException("memory.recall: not with robot.response.adapt (the planner is rebuilt for each"
          + " adopted response); declare the response or turn recall off");
    }
    if (!(parts.planner() instanceof MppiPlanner mppi)) {
      throw new LaunchException("memory.recall: needs an MPPI or CEM planner, not "
          + parts.planner().name());
    }
    store.open();
    index.build();
    if (spec.cluster() != null) {
      followFleet(vertx, index);
    }
    vertx.deployVerticle(new RecallService(parts.robotId(), new SimilarityRecall(store, index))).await();
    // steps are recorded per observation: at the planner rate in lock-step, the perception rate otherwise
    double recordPeriod = 1.0 / (spec.simulatedTime() ? spec.plannerRateHz()
        : Math.min(spec.perceptionRateHz(), spec.safety().rateHz()));
    System.err.println("telos: planner warm starts from memory (" + index.size() + " steps indexed)");
    return new RecallWarmStart(mppi, vertx, RecallService.address(parts.robotId()), recordPeriod, 500_000_000L);
  }

  /** How often a fleet member's recall index reads what the other robots committed, ms. */
  static final long FLEET_RECALL_PERIOD_MS = 5_000;
  /** How many of the store's newest episodes each such read looks at. */
  static final int FLEET_RECALL_EPISODES = 64;

  /**
   * In a fleet the store is shared: the index hears its own robot's commits, and reads the other
   * robots' steps every {@value #FLEET_RECALL_PERIOD_MS} ms on a worker thread (one read at a time).
   */
  private static void followFleet(Vertx vertx, StepIndex index) {
    AtomicBoolean busy = new AtomicBoolean();
    vertx.setPeriodic(FLEET_RECALL_PERIOD_MS, id -> {
      if (busy.compareAndSet(false, true)) {
        vertx.executeBlocking(() -> index.catchUp(FLEET_RECALL_EPISODES), false)
            .onComplete(r -> busy.set(false));
      }
    });
  }

  /** memory.learn: the trainer verticle writing the next model version as episodes land. */
  private static BackgroundTrainer backgroundTrainer(Vertx vertx, LaunchSpec spec,
      AgentRuntime.Parts parts, EpisodeStore store, MemoryConfig.Learn learn) {
    store.open();
    double dt = spec.planner().number("dt_s", 0.05, 1e-3, 1); // the model step is the planner's
    var trainer = new BackgroundTrainer(store, parts.model(), dt, learn.out(),
        Trainer.Config.defaults().withSteps(learn.steps()), learn.everyEpisodes(),
        (long) (learn.periodS() * 1000),
        r -> System.err.println("telos: background training wrote model v" + r.version() + " into " + learn.out()));
    vertx.deployVerticle(trainer).await();
    System.err.println("telos: background training every " + learn.everyEpisodes() + " new episodes into "
        + learn.out());
    return trainer;
  }

  /**
   * {@code cluster.models}: the installer of the fleet trainer's releases, writing where the learned
   * world model watches ({@code planner.world_model.path}); null without {@code cluster.models}.
   *
   * @throws LaunchException when the planner's world model does not watch a folder
   */
  static ModelInstaller modelInstaller(LaunchSpec spec) {
    ClusterSpec.Models m = spec.cluster() == null ? null : spec.cluster().models();
    if (m == null) {
      return null;
    }
    Settings wm = spec.planner().section("world_model");
    if (!"learned".equals(wm.string("type", "")) || !(wm.number("watch_s", 0, 0, 3600) > 0)) {
      throw new LaunchException("cluster.models: the fleet's models are adopted by a learned world model that"
          + " watches its folder: set planner.world_model: {type: learned, path: DIR, watch_s: 1}");
    }
    return new ModelInstaller(spec.robot().id(), new ModelInstaller.Settings(Path.of(wm.string("path",
        ".telos/models")), m.pin(), m.canaryGoals(), m.maxDrop()));
  }

  /** How long claiming this robot id in the fleet may take before the start is refused, ms. */
  static final long FLEET_CHECK_MS = 15_000;

  /** @param onStarted called once everything is deployed (for tests and tools that drive a live session) */
  public static RunReport run(LaunchSpec spec, UnaryOperator<AgentRuntime.Parts> adapt, Consumer<GoalOutcome> progress,
      Duration maxWall, int metricsPort, Consumer<Started> onStarted) throws InterruptedException {
    MemoryConfig memory = Composer.memory(spec);
    AgentRuntime.Parts parts = adapt.apply(Composer.compose(spec));
    // with cluster: a member of the fleet (joining blocks until the member is in); else alone
    Vertx vertx = Fleet.vertx(spec.cluster(), new VertxOptions().setWorkerPoolSize(4).setEventLoopPoolSize(2));
    Codecs.register(vertx); // before anything publishes (the recorder reports store faults)
    Optional<EpisodeStore> store = memory.createStore();
    StepIndex index = null;
    BackgroundTrainer trainer = null;
    RecallWarmStart warm = null;
    try {
      if (memory.recall() && store.isPresent()) {
        index = new StepIndex(store.get());
        warm = recallWarmStart(vertx, spec, parts, store.get(), index);
        parts = parts.withPlanner(warm);
      }
      if (memory.learn() != null && store.isPresent()) {
        trainer = backgroundTrainer(vertx, spec, parts, store.get(), memory.learn());
      }
      String recorder = store.isPresent() ? startRecorder(vertx, spec, parts, store.get(), memory) : null;
      // the operator console comes up before the arm moves: if it cannot, the run does not start
      int consolePort = startConsole(vertx, spec, parts, store);
      if (spec.cluster() != null) { // before the arm moves: one agent per robot id in the fleet
        Fleet.requireUnique(vertx, parts.robotId(), FLEET_CHECK_MS);
      }
      AgentRuntime rt = AgentRuntime.deploy(vertx, parts).await();
      if (spec.cluster() != null) {
        String member = spec.cluster().host() + "/pid " + ProcessHandle.current().pid();
        vertx.deployVerticle(new FleetMember(rt, member, modelInstaller(spec),
            store.<LongSupplier>map(st -> st::durableSteps).orElse(null))).await();
        System.err.println("telos: " + parts.robotId() + " is a member of fleet '" + spec.cluster().name() + "' ("
            + member + ")");
      }
      if (metricsPort >= 0) {
        try {
          int port = MetricsEndpoint.start(vertx, "127.0.0.1", metricsPort, rt::metrics).actualPort();
          System.err.println("telos: metrics at http://127.0.0.1:" + port + "/metrics");
        } catch (RuntimeException e) {
          rt.stop(); // the arm is brought to rest and the bridge closed before the error is reported
          throw e;
        }
      }
      int goals = parts.goals().size();
      CountDownLatch done = new CountDownLatch(goals == 0 ? 1 : goals);
      onStarted.accept(new Started(vertx, rt, consolePort, () -> {
        while (done.getCount() > 0) {
          done.countDown();
        }
      }, store.orElse(null)));
      rt.onOutcome(o -> {
        progress.accept(o);
        done.countDown();
      });
      Thread hook = new Thread(() -> {
        while (done.getCount() > 0) {
          done.countDown();
        }
      });
      Runtime.getRuntime().addShutdownHook(hook);
      if (maxWall == null) {
        done.await();
      } else {
        done.await(maxWall.toMillis(), TimeUnit.MILLISECONDS);
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // already shutting down (Ctrl-C): stop cleanly below
      }
      RunReport report = rt.stop();
      if (trainer != null && trainer.busy()) {
        // a training in progress finishes (bounded) rather than being cut off with the run
        System.err.println("telos: waiting for the background training in progress");
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (trainer.busy() && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
      }
      if (warm != null) {
        System.err.println("telos: memory warm starts " + warm.figures());
      }
      if (recorder != null) {
        vertx.undeploy(recorder).await();
      }
      return report;
    } finally {
      vertx.close().await();
      if (index != null) {
        index.close();
      }
      store.ifPresent(EpisodeStore::close);
    }
  }

  /**
   * {@code teleop.console}: the operator's web console (and its MQTT station), deployed before the
   * arm moves; returns its port, or -1 when the launch file has none.
   *
   * @throws LaunchException when it cannot listen
   */
  private static int startConsole(Vertx vertx, LaunchSpec spec, AgentRuntime.Parts parts,
      Optional<EpisodeStore> store) {
    if (spec.teleop().console().asMap().isEmpty()) {
      return -1;
    }
    ConsoleConfig cc = ConsoleConfig.from(spec.teleop().console(),
        spec.source() == null ? null : spec.source().toAbsolutePath().getParent());
    TeleopConsole console = new TeleopConsole(parts.robotId(), parts.model(), cc,
        store.<EpisodeSource>map(ConsoleEpisodes::new).orElse(EpisodeSource.NONE));
    try {
      vertx.deployVerticle(console).await();
    } catch (RuntimeException e) {
      throw new LaunchException(e.getMessage(), e);
    }
    int port = console.port();
    System.err.println("telos: operator console at " + (cc.tls() ? "https" : "http") + "://" + cc.host() + ":"
        + port + "/" + (cc.generatedToken() ? "  (token " + cc.token() + ")" : ""));
    if (cc.mqtt()) {
      vertx.deployVerticle(new MqttOperatorStation(parts.robotId(), parts.model(), cc)).await();
    }
    return port;
  }

  /** Episodic memory's recorder for this run (deployment id), hooked to the camera before the bridge starts. */
  private static String startRecorder(Vertx vertx, LaunchSpec spec, AgentRuntime.Parts parts, EpisodeStore store,
      MemoryConfig memory) {
    String source = spec.source() == null ? "builtin:demo" : spec.source().toString();
    MemoryRecorder r = new MemoryRecorder(parts.robotId(), store,
        new MemoryRecorder.Info(source, parts.planner().name(), false, SceneExperience.json(spec.scene())),
        parts.clock(), memory.frames());
    if (r.frameArchive() != null) { // before the bridge starts: every picture of every episode
      parts.hardware().onFrame(r.frameArchive()::offer);
      System.err.println("telos: keeping camera pictures with the episodes in " + memory.frames().dir());
    }
    return vertx.deployVerticle(r).await();
  }
}
