package io.telos.launch.learn;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.telos.api.config.Settings;
import io.telos.memory.EpisodeStore;
import io.telos.memory.MemoryConfig;
import io.telos.model.RobotModel;
import io.telos.planner.djl.ContactTrainer;
import io.telos.planner.djl.DjlEngine;
import io.telos.planner.djl.LearnedContactModelProvider;
import io.telos.planner.djl.PushTrajectory;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code telos learn-contact}: learns the contact model — how pushed objects move, slide and turn —
 * from the pushes in episodic memory, and prints its held-out prediction error beside the analytic
 * quasi-static model's on the same windows. With {@code --explore MIN} it first records that many
 * minutes of simulated pushing babble ({@link PushBabbling}). Writes the model file (for
 * {@code planner.contact_model: {type: learned, path: …}}), its metrics JSON and a loss-curve PNG.
 */
@Command(name = "learn-contact", mixinStandardHelpOptions = true,
    description = "Learn how pushed objects move from episodic memory; compare with the analytic contact model.")
public final class LearnContactCommand implements Callable<Integer> {
  @Option(names = "--memory", description = "Episode store (default ${DEFAULT-VALUE}).")
  Path memory = Path.of(".telos/contact-memory.db");

  @Option(names = "--out", description = "Model file (default ${DEFAULT-VALUE}).")
  Path out = Path.of(LearnedContactModelProvider.DEFAULT_PATH);

  @Option(names = "--robot", description = "Arm that pushes during --explore (default ${DEFAULT-VALUE}).")
  String robot = "builtin:telos6";

  @Option(names = "--dt", description = "Model step in seconds; must match the planner's dt_s (default ${DEFAULT-VALUE}).")
  double dt = 0.05;

  @Option(names = "--steps", description = "Training steps (default ${DEFAULT-VALUE}).")
  int steps = ContactTrainer.Config.defaults().steps();

  @Option(names = "--explore", description = "First record this many minutes of simulated pushing (default ${DEFAULT-VALUE}).")
  double exploreMinutes = 0;

  @Option(names = "--episodes", description = "Most recent episodes to learn from (default ${DEFAULT-VALUE}).")
  int episodes = 100_000;

  @Option(names = "--seed", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--curve", split = ",", paramLabel = "MIN[,MIN...]",
      description = "Instead: active vs uniform babbling, a model trained and measured after each of these cumulative"
          + " minutes (e.g. 5,10,20,40), into --curve-out.")
  List<Double> curve;

  @Option(names = "--curve-out", description = "Folder of the curve's stores, table and plot (default ${DEFAULT-VALUE}).")
  Path curveOut = Path.of("runs/contact-curve");

  @Option(names = "--held-out", description = "Minutes of uniform pushing the curve is measured on (default ${DEFAULT-VALUE}).")
  double heldOutMinutes = 20;

  @Override
  public Integer call() throws Exception {
    PrintStream o = new PrintStream(System.out, true);
    if (curve != null) {
      return curve(o);
    }
    MemoryConfig cfg = MemoryConfig.from(new Settings("memory", Map.of("path", memory.toString())));
    try (EpisodeStore store = cfg.createStore().orElseThrow()) {
      store.open();
      if (exploreMinutes > 0) {
        long total = Math.round(exploreMinutes * 60);
        o.printf("exploring: %.1f min of simulated pushing into %s%n", exploreMinutes, memory);
        int eps = PushBabbling.run(RobotModel.load(robot), store, new PushBabbling.Config(exploreMinutes, 30, seed),
            s -> TrainCommand.bar(o, "explore (simulated s)", s, total));
        o.printf("%n  %d episodes recorded%n", eps);
      }
      Result r = learn(store, dt, ContactTrainer.Config.defaults().withSteps(steps).withSeed(seed), out, episodes, o);
      o.println(r.summary());
    }
    return 0;
  }

  private int curve(PrintStream o) throws Exception {
    double[] minutes = curve.stream().mapToDouble(Double::doubleValue).toArray();
    ContactTrainer.Config training = ContactTrainer.Config.defaults().withSteps(steps).withSeed(seed);
    o.printf("active vs uniform pushing babble, checkpoints %s min, %d training steps each%n", curve, steps);
    List<ActiveLearningCurve.Point> points = ActiveLearningCurve.run(RobotModel.load(robot), curveOut, minutes,
        heldOutMinutes, training, o);
    StringBuilder md = new StringBuilder("| minutes | learner | training pairs | 16-step median (mm) | p90 (mm) |"
        + " analytic median / p90 (mm) |\n|---:|---|---:|---:|---:|---|\n");
    for (ActiveLearningCurve.Point p : points) {
      md.append(String.format(Locale.ROOT, "| %.0f | %s | %d | %.1f | %.1f | %.1f / %.1f |%n", p.minutes(),
          p.learner(), p.samples(), p.validation().learnedMedianM() * 1000, p.validation().learnedP90M() * 1000,
          p.validation().analyticMedianM() * 1000, p.validation().analyticP90M() * 1000));
    }
    Files.writeString(curveOut.resolve("curve.md"), md.toString());
    ActiveLearningCurve.plot(points, curveOut.resolve("curve.png"));
    o.print(md);
    o.println("wrote " + curveOut.resolve("curve.md") + " and " + curveOut.resolve("curve.png"));
    return 0;
  }

  /** What a training run produced. */
  public record Result(Path file, ContactTrainer.Validation validation, int trainEpisodes, int heldOut, int samples,
      double trainS) {
    String summary() {
      ContactTrainer.Validation v = validation;
      return String.format("contact model -> %s (%d training pairs from %d episodes, %.1f s)%n"
          + "  held-out: %d episodes, %d windows of %d steps (%.2f s) in which an object moved%n"
          + "  object position error after %d steps   median     p90%n"
          + "    learned                           %6.1f mm %6.1f mm%n"
          + "    analytic (quasi-static)           %6.1f mm %6.1f mm%n"
          + "    stays where it is                 %6.1f mm %6.1f mm%n"
          + "  yaw error: learned median %.1f deg, p90 %.1f deg; analytic %.1f deg, p90 %.1f deg (it never turns an object)%n"
          + "  %d windows touched but at rest: learned p90 %.1f mm of made-up motion (analytic: 0)",
          file, samples, trainEpisodes, trainS, heldOut, v.windows(), v.horizon(), v.horizon() * 0.05, v.horizon(),
          v.learnedMedianM() * 1000, v.learnedP90M() * 1000, v.analyticMedianM() * 1000, v.analyticP90M() * 1000,
          v.stillMedianM() * 1000, v.stillP90M() * 1000, Math.toDegrees(v.learnedYawMedianRad()),
          Math.toDegrees(v.learnedYawP90Rad()), Math.toDegrees(v.analyticYawMedianRad()),
          Math.toDegrees(v.analyticYawP90Rad()), v.restingWindows(), v.learnedRestingP90M() * 1000);
    }
  }

  /**
   * Learns from every episode with a recorded scene, every 5th held out, and writes the model.
   *
   * @param o progress output (null for none)
   */
  public static Result learn(EpisodeStore store, double dt, ContactTrainer.Config config, Path file, int limit,
      PrintStream o) throws Exception {
    SceneExperience experience = new SceneExperience(store, limit);
    List<PushTrajectory> all = experience.trajectories(dt);
    if (o != null) {
      o.printf("experience: %d episodes with objects (%d passed over)%n", all.size(), experience.skipped());
    }
    List<PushTrajectory> train = new ArrayList<>();
    List<PushTrajectory> held = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      (i % 5 == 4 ? held : train).add(all.get(i));
    }
    if (train.isEmpty() || held.isEmpty()) {
      throw new IllegalStateException("need at least 2 episodes with objects in memory, found " + all.size()
          + " (record pushes with `telos learn-contact --explore 10`)");
    }
    List<Double> curve = new ArrayList<>();
    long t0 = System.nanoTime();
    try (NDManager m = DjlEngine.get().newBaseManager();
        ContactTrainer.Trained trained = ContactTrainer.train(m, train, dt, config, curve, s -> {
          if (o != null && (s % 50 == 0 || s == config.steps())) {
            TrainCommand.bar(o, String.format("train loss %.4g", curve.get(s - 1)), s, config.steps());
          }
        })) {
      double secs = (System.nanoTime() - t0) / 1e9;
      if (o != null) {
        o.println();
      }
      ContactTrainer.Validation v = trained.validate(held, 16);
      Map<String, Object> metrics = new LinkedHashMap<>(v.asMap());
      metrics.put("dt_s", dt);
      metrics.put("train_episodes", train.size());
      metrics.put("held_out_episodes", held.size());
      metrics.put("samples", trained.samples());
      metrics.put("steps", config.steps());
      metrics.put("seed", config.seed());
      metrics.put("final_loss", curve.get(curve.size() - 1));
      metrics.put("train_seconds", secs);
      trained.write(file, 1, metrics);
      String base = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
      Path dir = file.toAbsolutePath().getParent();
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(
          dir.resolve(base + "-metrics.json").toFile(), metrics);
      LossPlot.write(curve.stream().map(l -> new double[] {l}).toList(), new String[] {"mean absolute error (output units)"},
          "contact model: loss per step", dir.resolve(base + "-loss.png"));
      return new Result(file, v, train.size(), held.size(), trained.samples(), secs);
    }
  }
}
