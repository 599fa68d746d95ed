package io.telos.launch.learn;

import io.telos.memory.EpisodeStore;
import io.telos.memory.EpisodeSummary;
import io.telos.model.RobotModel;
import io.telos.planner.djl.Trainer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous learning: a verticle that looks at episodic memory every {@code periodMs} and, when
 * at least {@code minNewEpisodes} episodes have closed since the last training, retrains the world
 * model on a worker thread ({@code executeBlocking}, never the event loop) and writes the next
 * version into the model folder. A planner whose {@code world_model} watches that folder
 * hot-swaps it in at its next plan. One training at a time; a failed training is logged and the
 * running model stays.
 */
public final class BackgroundTrainer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger("learn.trainer");
  private final EpisodeStore store;
  private final RobotModel robot;
  private final double dtS;
  private final Path dir;
  private final Trainer.Config config;
  private final int minNewEpisodes;
  private final long periodMs;
  private long trainedUpTo = -1;
  private volatile boolean busy;
  private volatile int versions;
  private final Consumer<TrainCommand.Result> onVersion;

  /**
   * @param store open episode store to learn from
   * @param dir model folder the planner watches
   * @param onVersion told about every version written (may be null)
   */
  public BackgroundTrainer(EpisodeStore store, RobotModel robot, double dtS, Path dir, Trainer.Config config,
      int minNewEpisodes, long periodMs, Consumer<TrainCommand.Result> onVersion) {
    this.onVersion = onVersion == null ? r -> { } : onVersion;
    this.store = store;
    this.robot = robot;
    this.dtS = dtS;
    this.dir = dir;
    this.config = config;
    this.minNewEpisodes = minNewEpisodes;
    this.periodMs = periodMs;
  }

  /** Whether a training is running now. */
  public boolean busy() {
    return busy;
  }

  /** Versions written by this trainer so far. */
  public int versions() {
    return versions;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(periodMs, id -> check());
    return Future.succeededFuture();
  }

  private void check() {
    if (busy) {
      return;
    }
    List<EpisodeSummary> eps = store.listEpisodes(10_000);
    long newest = -1;
    int fresh = 0;
    for (EpisodeSummary e : eps) {
      if (!e.isOpen() && e.id() > trainedUpTo) {
        fresh++;
        newest = Math.max(newest, e.id());
      }
    }
    if (fresh < minNewEpisodes) {
      return;
    }
    busy = true;
    long upTo = newest;
    LOG.info("component=learn/trainer event=training_started new_episodes={}", fresh);
    vertx.<TrainCommand.Result>executeBlocking(() -> TrainCommand.train(store, robot, dtS, config, dir, 10_000, null),
        false).onComplete(ar -> {
          busy = false;
          trainedUpTo = upTo;
          if (ar.succeeded()) {
            versions++;
            LOG.info("component=learn/trainer event=version_written version={} ee16_median_mm={}", ar.result().version(),
                String.format("%.2f", ar.result().validation().ee16Median() * 1000));
            onVersion.accept(ar.result());
          } else {
            LOG.error("component=learn/trainer event=training_failed reason=\"{}\" (the running model stays)", ar.cause().toString());
          }
        });
  }
}
