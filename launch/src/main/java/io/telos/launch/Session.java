package io.telos.launch;

import io.telos.api.GoalOutcome;
import io.telos.memory.EpisodeStore;
import io.telos.memory.MemoryConfig;
import io.telos.memory.MemoryRecorder;
import java.util.Optional;
import io.telos.runtime.AgentRuntime;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchSpec;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Runs one launch spec to the end of its task (or until stopped) and returns what it measured. */
public final class Session {
  private Session() {}

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
    MemoryConfig memory = Composer.memory(spec);
    AgentRuntime.Parts parts = adapt.apply(Composer.compose(spec));
    Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(4).setEventLoopPoolSize(2));
    Optional<EpisodeStore> store = memory.createStore();
    try {
      String recorder = null;
      if (store.isPresent()) {
        String source = spec.source() == null ? "builtin:demo" : spec.source().toString();
        recorder = vertx.deployVerticle(new MemoryRecorder(parts.robotId(), store.get(),
            new MemoryRecorder.Info(source, parts.planner().name(), false), parts.clock())).await();
      }
      AgentRuntime rt = AgentRuntime.deploy(vertx, parts).await();
      if (metricsPort >= 0) {
        int port = MetricsEndpoint.start(vertx, "127.0.0.1", metricsPort, rt::metrics).actualPort();
        System.err.println("telos: metrics at http://127.0.0.1:" + port + "/metrics");
      }
      int goals = parts.goals().size();
      CountDownLatch done = new CountDownLatch(goals == 0 ? 1 : goals);
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
      if (recorder != null) {
        vertx.undeploy(recorder).await();
      }
      return report;
    } finally {
      vertx.close().await();
      store.ifPresent(EpisodeStore::close);
    }
  }
}
