package io.telos.launch.fleet;

import io.telos.api.Addresses;
import io.telos.launch.learn.BackgroundTrainer;
import io.telos.launch.learn.TrainCommand;
import io.telos.memory.EpisodeStore;
import io.telos.model.RobotModel;
import io.telos.planner.djl.Trainer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's trainer: learns the world model from every robot's episodes in the fleet store and
 * releases each version as a {@link ModelRelease} — the file's bytes, SHA-256 and provenance — into
 * the cluster-wide map {@link Addresses#fleetModels()} (release K under {@code "vK"}, then its
 * number under {@link #LATEST}). Agents read the map rather than wait for a message, so one that
 * joins later, restarts or missed an event finds the newest release, and a release outlives the
 * trainer (the cluster manager keeps a backup of every entry). Training runs on a worker thread
 * ({@link BackgroundTrainer}), one at a time.
 */
public final class FleetTrainer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(FleetTrainer.class);
  private final EpisodeStore store;
  private final RobotModel robot;
  private final double dtS;
  private final Path dir;
  private final Trainer.Config config;
  private final int everyEpisodes;
  private final long periodMs;
  /** The key under which the newest release's version number is kept. */
  public static final String LATEST = "latest";

  /**
   * @param store the fleet store, open
   * @param dir where the trainer keeps its versions
   * @param everyEpisodes new closed episodes (any robot) that start the next training
   */
  public FleetTrainer(EpisodeStore store, RobotModel robot, double dtS, Path dir, Trainer.Config config,
      int everyEpisodes, long periodMs) {
    this.store = store;
    this.robot = robot;
    this.dtS = dtS;
    this.dir = dir;
    this.config = config;
    this.everyEpisodes = everyEpisodes;
    this.periodMs = periodMs;
  }

  @Override
  public Future<?> start() {
    var trainer = new BackgroundTrainer(store, robot, dtS, dir, config, everyEpisodes, periodMs,
        r -> vertx.executeBlocking(() -> release(r)).onComplete(ar -> {
          if (ar.succeeded()) {
            publish(ar.result(), r);
          } else {
            LOG.error("component=fleet/trainer event=release_failed version={} reason=\"{}\"", r.version(),
                ar.cause().toString());
          }
        }));
    LOG.info("component=fleet/trainer event=started every_episodes={} steps={} out={}", everyEpisodes,
        config.steps(), dir);
    return vertx.deployVerticle(trainer);
  }

  /** The release of a trained version: its file's bytes and the robots whose episodes taught it (blocking). */
  private ModelRelease release(TrainCommand.Result r) throws IOException {
    byte[] bytes = Files.readAllBytes(r.file());
    List<String> robots = List.copyOf(store.listEpisodes(10_000).stream().map(e -> e.meta().robotId())
        .collect(Collectors.toCollection(TreeSet::new)));
    return ModelRelease.of(r.version(), bytes, r.trainEpisodes(), robots, r.validation().ee16Median() * 1000);
  }

  private void publish(ModelRelease release, TrainCommand.Result r) {
    vertx.sharedData().<String, String>getAsyncMap(Addresses.fleetModels())
        .compose(map -> map.put("v" + release.version(), release.toJson())
            .compose(v -> map.put(LATEST, Integer.toString(release.version()))))
        .onSuccess(v -> released(release, r))
        .onFailure(e -> LOG.error("component=fleet/trainer event=release_failed version={} reason=\"{}\"",
            release.version(), e.toString()));
  }

  private void released(ModelRelease release, TrainCommand.Result r) {
    LOG.info("component=fleet/trainer event=released version={} bytes={} sha256={} episodes={} robots={}"
        + " ee16_median_mm={}", release.version(), release.bytes().length, release.sha256().substring(0, 12),
        r.trainEpisodes(), release.robots(), String.format("%.2f", release.ee16MedianMm()));
  }
}
