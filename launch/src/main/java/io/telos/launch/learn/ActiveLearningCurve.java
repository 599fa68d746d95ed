package io.telos.launch.learn;

import ai.djl.ndarray.NDManager;
import io.telos.api.config.Settings;
import io.telos.memory.EpisodeStore;
import io.telos.memory.MemoryConfig;
import io.telos.model.RobotModel;
import io.telos.planner.djl.ContactTrainer;
import io.telos.planner.djl.DjlEngine;
import io.telos.planner.djl.PushTrajectory;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Does experience chosen by the model's own uncertainty teach it faster than uniform babbling?
 * Two learners babble pushes into their own stores in the same increments (the same first chunk,
 * so they start from the same model); after each increment each trains a contact model from all
 * its store holds and is measured on one held-out set of uniformly babbled pushes. The uniform
 * learner draws each push at random; the active one draws {@value PushBabbling#CANDIDATES}
 * candidates and makes the one along which its latest model's ensemble disagrees most.
 */
public final class ActiveLearningCurve {
  /** One learner's held-out errors after {@code minutes} of babbling. */
  public record Point(String learner, double minutes, int samples, ContactTrainer.Validation validation) {}

  private ActiveLearningCurve() {}

  /**
   * Runs both learners.
   *
   * @param dir where the three stores (held-out, uniform, active) are written
   * @param checkpoints cumulative babbling minutes at which to train and measure, increasing
   * @param o progress and the table (null for none)
   */
  public static List<Point> run(RobotModel robot, Path dir, double[] checkpoints, double heldOutMinutes,
      ContactTrainer.Config training, PrintStream o) throws Exception {
    for (int i = 0; i < checkpoints.length; i++) {
      if (!(checkpoints[i] > (i == 0 ? 0 : checkpoints[i - 1]))) {
        throw new IllegalArgumentException("--curve: minutes must increase, were " + Arrays.toString(checkpoints));
      }
    }
    Files.createDirectories(dir);
    List<PushTrajectory> heldOut;
    try (EpisodeStore held = open(dir.resolve("held-out.db"))) {
      PushBabbling.run(robot, held, new PushBabbling.Config(heldOutMinutes, 30, training.seed() + 1000), null);
      heldOut = new SceneExperience(held, Integer.MAX_VALUE).trajectories(PushBabbling.DT_MODEL);
    }
    if (o != null) {
      o.printf("held-out: %.0f min of uniform pushing, %d episodes%n", heldOutMinutes, heldOut.size());
    }
    List<Point> points = new ArrayList<>();
    try (NDManager manager = DjlEngine.get().newBaseManager()) {
      for (String learner : List.of("uniform", "active")) {
        ContactTrainer.Trained latest = null;
        try (EpisodeStore store = open(dir.resolve(learner + ".db"))) {
          for (int i = 0; i < checkpoints.length; i++) {
            double chunk = checkpoints[i] - (i == 0 ? 0 : checkpoints[i - 1]);
            ContactTrainer.Trained model = latest;
            PushBabbling.run(robot, store, new PushBabbling.Config(chunk, 30, training.seed() + 17L * i,
                learner.equals("active") && model != null ? model::model : null), null);
            List<PushTrajectory> data = new SceneExperience(store, Integer.MAX_VALUE).trajectories(PushBabbling.DT_MODEL);
            ContactTrainer.Trained next = ContactTrainer.train(manager, data, PushBabbling.DT_MODEL, training, null, null);
            if (latest != null) {
              latest.close();
            }
            latest = next;
            ContactTrainer.Validation v = next.validate(heldOut, 16);
            points.add(new Point(learner, checkpoints[i], next.samples(), v));
            if (o != null) {
              o.printf(Locale.ROOT, "  %-7s %5.1f min: %6d pairs, held-out 16-step median %.1f mm, p90 %.1f mm%n", learner,
                  checkpoints[i], next.samples(), v.learnedMedianM() * 1000, v.learnedP90M() * 1000);
            }
          }
        } finally {
          if (latest != null) {
            latest.close();
          }
        }
      }
    }
    return points;
  }

  private static EpisodeStore open(Path file) {
    EpisodeStore s = MemoryConfig.from(new Settings("memory", Map.of("path", file.toString()))).createStore()
        .orElseThrow();
    s.open();
    return s;
  }

  /** The curves as a PNG: held-out median and p90 against babbling minutes, both learners. */
  public static void plot(List<Point> points, Path png) throws IOException {
    int w = 900;
    int h = 500;
    int pad = 70;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    double xMax = points.stream().mapToDouble(Point::minutes).max().orElse(1);
    double yMax = points.stream().mapToDouble(p -> p.validation().learnedP90M()).filter(Double::isFinite).max()
        .orElse(0.01) * 1000 * 1.1;
    g.setColor(Color.GRAY);
    g.drawRect(pad, pad, w - 2 * pad, h - 2 * pad);
    g.setColor(Color.DARK_GRAY);
    g.drawString("held-out object position error after 16 steps (mm) vs minutes of pushing babble", pad, 40);
    for (int t = 0; t <= 5; t++) {
      int y = h - pad - t * (h - 2 * pad) / 5;
      g.drawString(String.format(Locale.ROOT, "%.0f", yMax * t / 5), 20, y + 4);
      int x = pad + t * (w - 2 * pad) / 5;
      g.drawString(String.format(Locale.ROOT, "%.0f", xMax * t / 5), x - 6, h - pad + 20);
    }
    Color[] colours = {new Color(40, 100, 220), new Color(220, 60, 40)};
    String[] learners = {"uniform", "active"};
    for (int l = 0; l < 2; l++) {
      for (boolean p90 : new boolean[] {false, true}) {
        g.setColor(colours[l]);
        g.setStroke(p90 ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f)
            : new BasicStroke(2f));
        int px = -1;
        int py = -1;
        for (Point p : points) {
          if (!p.learner().equals(learners[l])) {
            continue;
          }
          double v = (p90 ? p.validation().learnedP90M() : p.validation().learnedMedianM()) * 1000;
          int x = pad + (int) (p.minutes() / xMax * (w - 2 * pad));
          int y = h - pad - (int) (v / yMax * (h - 2 * pad));
          g.fillOval(x - 3, y - 3, 6, 6);
          if (px >= 0) {
            g.drawLine(px, py, x, y);
          }
          px = x;
          py = y;
        }
      }
      g.drawString(learners[l] + " (solid: median, dashed: p90)", w - pad - 260, pad + 20 + 16 * l);
    }
    g.dispose();
    Files.createDirectories(png.toAbsolutePath().getParent());
    ImageIO.write(img, "png", png.toFile());
  }
}
