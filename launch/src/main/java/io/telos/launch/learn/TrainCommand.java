package io.telos.launch.learn;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.telos.api.config.Settings;
import io.telos.memory.EpisodeStore;
import io.telos.memory.MemoryConfig;
import io.telos.model.RobotModel;
import io.telos.planner.djl.DjlEngine;
import io.telos.planner.djl.LatentModel;
import io.telos.planner.djl.ModelFile;
import io.telos.planner.djl.ModelVersions;
import io.telos.planner.djl.Trainer;
import io.telos.planner.djl.Trajectory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code telos train}: learns a world model from episodic memory offline and writes the next
 * version ({@code model-vNNNN.twm}, its metrics JSON and a loss-curve PNG) into the model folder.
 * With {@code --explore MIN} it first records that many minutes of simulated motor babbling.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train the learned world model from episodic memory.")
public final class TrainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--memory", description = "Episode store (default ${DEFAULT-VALUE}).")
  Path memory = Path.of(MemoryConfig.DEFAULT_PATH);

  @Option(names = "--out", description = "Model folder (default ${DEFAULT-VALUE}).")
  Path out = Path.of(".telos/models");

  @Mixin
  TrainingOptions training = new TrainingOptions();

  @Option(names = "--explore", description = "First record this many minutes of simulated motor babbling (default ${DEFAULT-VALUE}).")
  double exploreMinutes = 0;

  @Option(names = "--episodes", description = "Most recent episodes to learn from (default ${DEFAULT-VALUE}).")
  int episodes = 10_000;

  @Option(names = "--seed", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed = 1;

  @Override
  public Integer call() throws Exception {
    PrintStream o = new PrintStream(spec.commandLine().getOut() == null ? System.out : System.out, true);
    training.check();
    RobotModel arm = training.arm();
    MemoryConfig cfg = MemoryConfig.from(new Settings("memory", Map.of("path", memory.toString())));
    try (EpisodeStore store = cfg.createStore().orElseThrow()) {
      store.open();
      if (exploreMinutes > 0) {
        long total = Math.round(exploreMinutes * 60);
        o.printf("exploring: %.1f min of simulated motor babbling into %s%n", exploreMinutes, memory);
        int eps = MotorBabbling.run(arm, store, new MotorBabbling.Config(exploreMinutes, 20, 0.5, seed),
            s -> bar(o, "explore", s, total));
        o.printf("%n  %d episodes recorded%n", eps);
      }
      Result r = train(store, arm, training.dt(), training.config(seed), out, episodes, o);
      o.println(r.summary());
    }
    return 0;
  }

  /** What a training run produced. */
  public record Result(int version, Path file, Trainer.Validation validation, int trainEpisodes, int heldOut,
      double samplesPerS) {
    String summary() {
      return String.format("model v%d -> %s%n  held-out: %d windows%n  through FK of the decoded joints: 1-step EE median"
          + " %.2f mm, 16-step EE median %.2f mm (p90 %.2f mm); 16-step joint error median %.2f mrad (largest joint)%n"
          + "  learned EE head: 0-step %.2f mm, 1-step %.2f mm, 16-step median %.2f mm (p90 %.2f mm)%n"
          + "  %d training / %d held-out episodes, %.0f samples/s", version, file, validation.windows(),
          validation.ee1KinMedian() * 1000, validation.ee16KinMedian() * 1000, validation.ee16KinP90() * 1000,
          validation.q16Median() * 1000, validation.ee0Median() * 1000, validation.ee1Median() * 1000,
          validation.ee16Median() * 1000, validation.ee16P90() * 1000, trainEpisodes, heldOut, samplesPerS);
    }
  }

  /**
   * Trains on every 5th episode held out and writes the next version into {@code dir}.
   *
   * @param o progress output (null for none)
   */
  public static Result train(EpisodeStore store, RobotModel arm, double dt, Trainer.Config config, Path dir,
      int limit, PrintStream o) throws Exception {
    StoreExperience experience = new StoreExperience(store, limit);
    List<Trajectory> all = experience.trajectories(dt);
    if (o != null) {
      o.printf("experience: %d episodes, %d of them operator demonstrations%n", all.size(), experience.demonstrations());
    }
    List<Trajectory> train = new ArrayList<>();
    List<Trajectory> held = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      (i % 5 == 4 ? held : train).add(all.get(i));
    }
    if (train.isEmpty()) {
      throw new IllegalStateException("no usable episodes in memory (record some with `telos demo` or "
          + "`telos train --explore 30`)");
    }
    if (held.isEmpty()) {
      held.add(train.get(train.size() - 1));
    }
    double[] vmax = arm.limits().velocity();
    List<Trainer.Progress> curve = new ArrayList<>();
    long t0 = System.nanoTime();
    try (NDManager m = DjlEngine.get().newBaseManager()) {
      LatentModel model = Trainer.train(m, train, dt, vmax, vmax, config, curve,
          s -> {
            if (o != null && (s % 20 == 0 || s == config.steps())) {
              bar(o, String.format("train loss %.4g", curve.get(s - 1).loss()), s, config.steps());
            }
          });
      double secs = (System.nanoTime() - t0) / 1e9;
      if (o != null) {
        o.println();
      }
      Trainer.Validation v = Trainer.validate(model, held, 16, arm.chain());
      int version = ModelVersions.latest(dir) + 1;
      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put("version", version);
      metrics.put("robot", arm.name());
      metrics.put("dt_s", dt);
      metrics.put("train_episodes", train.size());
      metrics.put("held_out_episodes", held.size());
      metrics.put("held_out_windows", v.windows());
      metrics.put("ee_1step_median_m", v.ee1Median());
      metrics.put("ee_16step_median_m", v.ee16Median());
      metrics.put("ee_16step_p90_m", v.ee16P90());
      metrics.put("ee_kinematic_1step_median_m", v.ee1KinMedian());
      metrics.put("ee_kinematic_16step_median_m", v.ee16KinMedian());
      metrics.put("ee_kinematic_16step_p90_m", v.ee16KinP90());
      metrics.put("ee_0step_median_m", v.ee0Median());
      metrics.put("q_16step_median_rad", v.q16Median());
      metrics.put("steps", config.steps());
      metrics.put("batch", config.batch());
      metrics.put("final_loss", curve.get(curve.size() - 1).loss());
      metrics.put("train_seconds", secs);
      Path file = ModelVersions.file(dir, version);
      ModelFile.write(file, model, version, metrics);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(
          ModelVersions.metrics(dir, version).toFile(), metrics);
      LossPlot.write(curve, "world model v" + version + ": loss per step", dir.resolve(
          String.format("model-v%04d-loss.png", version)));
      return new Result(version, file, v, train.size(), held.size(), (double) config.steps() * config.batch() / secs);
    }
  }

  static void bar(PrintStream o, String label, long done, long total) {
    int width = 30;
    int filled = (int) Math.min(width, total == 0 ? width : done * width / total);
    o.printf("\r  [%s%s] %d/%d %s   ", "#".repeat(filled), ".".repeat(width - filled), done, total, label);
    o.flush();
  }
}
