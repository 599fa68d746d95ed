package io.telos.planner.djl;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.model.KinematicChain;
import io.telos.model.RobotModel;
import io.telos.planner.AnalyticWorldModel;
import io.telos.planner.spi.WorldModel;
import io.telos.planner.spi.WorldModelProvider;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code planner.world_model: {type: learned, path: .telos/models, watch_s: 5, ee_probe: learned}}: the learned
 * model from a file, or the newest version in a folder. {@code ee_probe: kinematic} reads the
 * end-effector through the arm's forward kinematics of the joint-position head instead of the
 * learned end-effector head. With {@code watch_s > 0} the folder is
 * polled and the planner follows its newest version ({@link SwappableWorldModel}): a new version is
 * hot-swapped in, and a version withdrawn from the folder (a fleet agent rolling back a failed
 * canary, or a person deleting it) hands over to the newest one left, or to the analytic model when
 * none is. When no usable model exists yet the analytic model plans until one arrives.
 */
public final class LearnedWorldModelProvider implements WorldModelProvider {
  private static final Logger LOG = LoggerFactory.getLogger("planner.learned");

  @Override
  public String type() {
    return "learned";
  }

  @Override
  public WorldModel create(RobotModel robot, double dtS, Settings settings) {
    settings.requireOnly(Set.of("path", "watch_s", "latent", "ee_probe"));
    String eeProbe = settings.choice("ee_probe", "kinematic", Set.of("learned", "kinematic"));
    KinematicChain chain = eeProbe.equals("kinematic") ? robot.chain() : null;
    Path path = Path.of(settings.string("path", ".telos/models"));
    double watchS = settings.number("watch_s", 0, 0, 3600);
    int latent = (int) settings.integer("latent", Trainer.Config.defaults().latent(), 2, 4096);
    int n = robot.dof();
    double[] bounds = robot.limits().velocity();
    WorldModel initial = null;
    Optional<Path> file = ModelVersions.newest(path);
    if (file.isPresent()) {
      try {
        initial = DjlWorldModel.load(file.get(), bounds, dtS, chain);
        latent = initial.stateSize();
      } catch (ModelFileException e) {
        if (watchS == 0) {
          throw new ConfigException(settings.key("path") + ": " + e.getMessage());
        }
        LOG.error("component=planner/learned event=model_unusable reason=\"{}\" (planning with the analytic model until a usable version arrives)",
            e.getMessage());
      }
    } else if (watchS == 0) {
      throw new ConfigException(settings.key("path") + ": no model file at " + path
          + " (train one with `telos train`, or set watch_s to wait for one)");
    } else {
      LOG.warn("component=planner/learned event=no_model path={} (planning with the analytic model until one arrives)", path);
    }
    if (initial == null) {
      initial = new AnalyticWorldModel(robot, dtS);
    }
    // the state width is fixed for the planner's lifetime: the loaded model's, else observed part + learned part
    int width = initial instanceof DjlWorldModel ? latent : 2 * n + latent;
    SwappableWorldModel model = new SwappableWorldModel(initial, width,
        f -> DjlWorldModel.load(f, bounds, dtS, chain));
    if (watchS > 0) {
      watch(model, path, watchS, file.map(f -> ModelVersions.latest(path)).orElse(0),
          () -> new AnalyticWorldModel(robot, dtS));
    }
    return model;
  }

  private static void watch(SwappableWorldModel model, Path dir, double periodS, int startVersion,
      Supplier<WorldModel> analytic) {
    ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "planner.learned-watch");
      t.setDaemon(true);
      return t;
    });
    int[] seen = {startVersion};
    long ms = Math.max(1, (long) (periodS * 1000));
    ex.scheduleWithFixedDelay(() -> {
      int v = ModelVersions.latest(dir);
      if (v == seen[0]) {
        return;
      }
      if (v < seen[0]) {
        LOG.warn("component=planner/learned event=version_withdrawn version={} path={} back_to={}", seen[0], dir,
            v == 0 ? "the analytic model" : "version " + v);
      }
      seen[0] = v;
      try {
        if (v == 0) {
          model.fallBack(analytic.get());
        } else {
          model.offer(ModelVersions.file(dir, v));
        }
      } catch (RuntimeException e) {
        LOG.error("component=planner/learned event=version_refused version={} reason=\"{}\" (the running model stays)", v, e.getMessage());
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
  }
}
