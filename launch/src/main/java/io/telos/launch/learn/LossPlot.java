package io.telos.launch.learn;

import io.telos.planner.djl.Trainer;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Loss curves of a training run as a PNG: total, latent and end-effector loss, log scale. */
final class LossPlot {
  private static final int W = 1000;
  private static final int H = 500;
  private static final int PAD = 60;

  private LossPlot() {}

  static void write(List<Trainer.Progress> curve, String title, Path png) throws IOException {
    write(curve.stream().map(p -> new double[] {p.loss(), p.latentLoss(), p.eeLoss()}).toList(),
        new String[] {"total", "latent (JEPA)", "end-effector probe (m^2)"}, title, png);
  }

  /** Up to three series per step (log scale), one per label. */
  static void write(List<double[]> curve, String[] labels, String title, Path png) throws IOException {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    double lo = Double.MAX_VALUE;
    double hi = -Double.MAX_VALUE;
    for (double[] p : curve) {
      for (double v : p) {
        if (v > 0 && Double.isFinite(v)) {
          lo = Math.min(lo, Math.log10(v));
          hi = Math.max(hi, Math.log10(v));
        }
      }
    }
    if (lo >= hi) {
      hi = lo + 1;
    }
    lo = Math.floor(lo);
    hi = Math.ceil(hi);
    g.setColor(Color.GRAY);
    g.drawRect(PAD, PAD, W - 2 * PAD, H - 2 * PAD);
    for (int d = (int) lo; d <= hi; d++) {
      int y = y(d, lo, hi);
      g.setColor(new Color(230, 230, 230));
      g.drawLine(PAD + 1, y, W - PAD - 1, y);
      g.setColor(Color.DARK_GRAY);
      g.drawString("1e" + d, 10, y + 4);
    }
    g.drawString(title, PAD, 30);
    g.drawString("step " + curve.size(), W - PAD - 60, H - 20);
    Color[] colours = {new Color(30, 30, 30), new Color(40, 100, 220), new Color(220, 60, 40)};
    for (int k = 0; k < Math.min(labels.length, colours.length); k++) {
      series(g, curve, k, colours[k], lo, hi);
      g.setColor(colours[k]);
      g.drawString(labels[k], W - PAD - 200, PAD + 20 + 16 * k);
    }
    g.dispose();
    Files.createDirectories(png.toAbsolutePath().getParent());
    ImageIO.write(img, "png", png.toFile());
  }

  private static void series(Graphics2D g, List<double[]> curve, int which, Color c, double lo, double hi) {
    g.setColor(c);
    g.setStroke(new BasicStroke(1.5f));
    int n = curve.size();
    int bucket = Math.max(1, n / (W - 2 * PAD));
    int px = -1;
    int py = -1;
    for (int i = 0; i < n; i += bucket) {
      double s = 0;
      int m = 0;
      for (int j = i; j < Math.min(n, i + bucket); j++) {
        s += curve.get(j)[which];
        m++;
      }
      double v = s / m;
      if (!(v > 0)) {
        continue;
      }
      int x = PAD + (int) ((long) i * (W - 2 * PAD) / Math.max(1, n - 1));
      int y = y(Math.log10(v), lo, hi);
      if (px >= 0) {
        g.drawLine(px, py, x, y);
      }
      px = x;
      py = y;
    }
  }

  private static int y(double v, double lo, double hi) {
    return H - PAD - (int) ((v - lo) / (hi - lo) * (H - 2 * PAD));
  }
}
