package io.telos.launch.suite;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the suite as grouped bars (headless {@link BufferedImage}): success rate and mean time to
 * goal (with a whisker up to the p95) per task, one bar per planner.
 */
public final class SuitePlot {
  public static final int WIDTH = 1400;
  public static final int HEIGHT = 560;
  private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
      new Color(0xd62728), new Color(0x9467bd)};

  private SuitePlot() {}

  public static void write(List<Suite.Row> rows, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage img = draw(rows);
    if (!ImageIO.write(img, "png", png.toFile())) {
      throw new IOException("no PNG writer");
    }
  }

  static BufferedImage draw(List<Suite.Row> rows) {
    List<String> tasks = new ArrayList<>();
    List<String> planners = new ArrayList<>();
    for (Suite.Row r : rows) {
      if (!tasks.contains(r.task())) {
        tasks.add(r.task());
      }
      if (!planners.contains(r.planner())) {
        planners.add(r.planner());
      }
    }
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
    int seeds = rows.isEmpty() ? 0 : rows.get(0).seeds();
    center(g, "Telos task suite (lock-step sim, " + seeds + " seed" + (seeds == 1 ? "" : "s") + ")", WIDTH / 2, 30);

    // legend
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
    FontMetrics fm = g.getFontMetrics();
    int lw = 0;
    for (String p : planners) {
      lw += 22 + fm.stringWidth(p) + 24;
    }
    int lx = (WIDTH - lw) / 2;
    for (int i = 0; i < planners.size(); i++) {
      g.setColor(COLORS[i % COLORS.length]);
      g.fillRect(lx, 46, 16, 16);
      g.setColor(Color.BLACK);
      g.drawString(planners.get(i), lx + 22, 60);
      lx += 22 + fm.stringWidth(planners.get(i)) + 24;
    }

    int top = 90;
    int bottom = HEIGHT - 70;
    double[][] success = new double[tasks.size()][planners.size()];
    double[][] mean = new double[tasks.size()][planners.size()];
    double[][] p95 = new double[tasks.size()][planners.size()];
    double maxT = 0;
    for (Suite.Row r : rows) {
      int t = tasks.indexOf(r.task());
      int p = planners.indexOf(r.planner());
      success[t][p] = r.successRate();
      mean[t][p] = r.meanS();
      p95[t][p] = r.p95S();
      if (Double.isFinite(r.p95S())) {
        maxT = Math.max(maxT, r.p95S());
      }
    }
    double tMax = niceCeil(Math.max(0.5, maxT * 1.15));
    panel(g, 80, top, WIDTH / 2 - 40, bottom, "Success rate", 1.1, 1.0, 0.2, "%.1f", tasks, planners, success, null, "%.2f");
    panel(g, WIDTH / 2 + 80, top, WIDTH - 30, bottom, "Time to goal, mean (whisker: p95), s", tMax, tMax, tMax / 5, "%.1f",
        tasks, planners, mean, p95, "%.2f");
    g.dispose();
    return img;
  }

  private static void panel(Graphics2D g, int x0, int y0, int x1, int y1, String title, double vmax, double tickMax, double step,
      String tickFmt, List<String> tasks, List<String> planners, double[][] v, double[][] whisker, String valFmt) {
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.setColor(Color.BLACK);
    center(g, title, (x0 + x1) / 2, y0 - 8);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    FontMetrics fm = g.getFontMetrics();
    int h = y1 - y0;
    // grid and y ticks
    for (double t = 0; t <= tickMax + 1e-9; t += step) {
      int y = y1 - (int) Math.round(t / vmax * h);
      g.setColor(new Color(0xdddddd));
      g.drawLine(x0, y, x1, y);
      g.setColor(Color.BLACK);
      String s = String.format(Locale.ROOT, tickFmt, t);
      g.drawString(s, x0 - 8 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
    }
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1.5f));
    g.drawLine(x0, y0, x0, y1);
    g.drawLine(x0, y1, x1, y1);
    int groups = tasks.size();
    double gw = (double) (x1 - x0) / Math.max(1, groups);
    int n = planners.size();
    double bw = gw * 0.75 / Math.max(1, n);
    for (int t = 0; t < groups; t++) {
      double gx = x0 + t * gw + gw * 0.125;
      for (int p = 0; p < n; p++) {
        int bx = (int) Math.round(gx + p * bw);
        int w = (int) Math.round(bw) - 3;
        double val = v[t][p];
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics vf = g.getFontMetrics();
        if (!Double.isFinite(val)) {
          g.setColor(Color.DARK_GRAY);
          String s = "n/a";
          g.drawString(s, bx + (w - vf.stringWidth(s)) / 2, y1 - 4);
          continue;
        }
        int bh = (int) Math.round(Math.min(val, vmax) / vmax * h);
        g.setColor(COLORS[p % COLORS.length]);
        g.fillRect(bx, y1 - bh, w, bh);
        int labelY = y1 - bh - 4;
        if (whisker != null && Double.isFinite(whisker[t][p])) {
          int wy = y1 - (int) Math.round(Math.min(whisker[t][p], vmax) / vmax * h);
          int cx = bx + w / 2;
          g.setColor(Color.BLACK);
          g.setStroke(new BasicStroke(1.2f));
          g.drawLine(cx, y1 - bh, cx, wy);
          g.drawLine(cx - w / 4, wy, cx + w / 4, wy);
          labelY = Math.min(labelY, wy - 4);
        }
        g.setColor(Color.BLACK);
        String s = String.format(Locale.ROOT, valFmt, val);
        g.drawString(s, bx + (w - vf.stringWidth(s)) / 2, labelY);
      }
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
      g.setColor(Color.BLACK);
      center(g, tasks.get(t), (int) Math.round(x0 + (t + 0.5) * gw), y1 + 20 + (t % 2) * 16); // staggered: long names
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 13));
    center(g, "task", (x0 + x1) / 2, y1 + 58);
  }

  private static void center(Graphics2D g, String s, int cx, int y) {
    g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, y);
  }

  static double niceCeil(double v) {
    double e = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * e >= v) {
        return m * e;
      }
    }
    return 10 * e;
  }
}
