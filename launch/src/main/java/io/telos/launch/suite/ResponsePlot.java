package io.telos.launch.suite;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws {@code telos bench-response} (headless): mean time to target and success rate against the
 * lag τ, one line per dead time × speed ceiling; solid for a declared response, dashed for none; the
 * baseline and the time bound for the largest dead time as grey lines; a failing cell circled red.
 */
final class ResponsePlot {
  static final int WIDTH = 1400;
  static final int HEIGHT = 600;
  private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
      new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

  private ResponsePlot() {}

  /** @param where how the arm ran, for the title, e.g. {@code lock-step sim} or {@code real time over MQTT} */
  static void write(List<ResponseBench.Cell> cells, String where, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    if (!ImageIO.write(draw(cells, where), "png", png.toFile())) {
      throw new IOException("no PNG writer");
    }
  }

  static BufferedImage draw(List<ResponseBench.Cell> cells, String where) {
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    ResponseBench.Cell base = cells.get(0);
    List<ResponseBench.Cell> grid = cells.subList(1, cells.size());
    Map<String, List<ResponseBench.Cell>> series = new LinkedHashMap<>();
    for (ResponseBench.Cell c : grid) {
      String key = String.format(Locale.ROOT, "dead %.0f ms, cap %s%s", c.deadTimeMs(),
          c.cap() > 0 ? c.cap() + " rad/s" : "none", c.declared() ? "" : ", " + c.knowledge().label());
      series.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
    }
    double maxLag = grid.stream().mapToDouble(ResponseBench.Cell::lagS).max().orElse(0.3);
    double maxTime = 3.0;
    for (ResponseBench.Cell c : grid) {
      for (double v : new double[] {c.meanTimeS(), c.boundS()}) {
        if (Double.isFinite(v)) {
          maxTime = Math.max(maxTime, 1.15 * v);
        }
      }
    }
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
    String title = String.format(Locale.ROOT, "Reach on slow arms (%s, %d targets per cell; baseline %.2f s)",
        where, base.goals(), base.meanTimeS());
    g.drawString(title, (WIDTH - g.getFontMetrics().stringWidth(title)) / 2, 30);
    Panel time = new Panel(80, 70, 520, 420, maxLag, 0, maxTime, "lag τ (s)", "mean time to target (s)");
    Panel success = new Panel(700, 70, 380, 420, maxLag, 0, 1.2, "lag τ (s)", "success rate");
    time.axes(g);
    success.axes(g);
    Stroke dashed = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f);
    g.setColor(Color.GRAY);
    g.setStroke(new BasicStroke(1.5f));
    time.line(g, 0, base.meanTimeS(), maxLag, base.meanTimeS());
    double maxDead = grid.stream().mapToDouble(ResponseBench.Cell::deadTimeMs).max().orElse(0) / 1e3;
    g.setStroke(dashed);
    time.line(g, 0, 1.5 * base.meanTimeS() + maxDead, maxLag, 1.5 * base.meanTimeS() + maxLag + maxDead);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString("bound at " + Math.round(maxDead * 1e3) + " ms dead time", time.x(maxLag * 0.45),
        time.y(1.5 * base.meanTimeS() + maxLag * 0.45 + maxDead) - 8);
    g.drawString("baseline", time.x(maxLag * 0.8), time.y(base.meanTimeS()) + 16);
    g.setColor(new Color(0xbbbbbb));
    g.setStroke(new BasicStroke(1f));
    success.line(g, 0, 0.95, maxLag, 0.95);
    int k = 0;
    int legendY = 90;
    for (Map.Entry<String, List<ResponseBench.Cell>> e : series.entrySet()) {
      Color color = COLORS[k++ % COLORS.length];
      List<ResponseBench.Cell> cs = e.getValue();
      boolean declared = cs.get(0).declared();
      g.setColor(color);
      g.setStroke(declared ? new BasicStroke(2.2f) : dashed);
      for (int i = 0; i + 1 < cs.size(); i++) {
        ResponseBench.Cell a = cs.get(i);
        ResponseBench.Cell b = cs.get(i + 1);
        if (Double.isFinite(a.meanTimeS()) && Double.isFinite(b.meanTimeS())) {
          time.line(g, a.lagS(), a.meanTimeS(), b.lagS(), b.meanTimeS());
        }
        success.line(g, a.lagS(), a.successRate(), b.lagS(), b.successRate());
      }
      for (ResponseBench.Cell c : cs) {
        g.setColor(color);
        if (Double.isFinite(c.meanTimeS())) {
          time.dot(g, c.lagS(), c.meanTimeS());
        }
        success.dot(g, c.lagS(), c.successRate());
        if (c.declared() && !c.passes()) {
          g.setColor(Color.RED);
          g.setStroke(new BasicStroke(2f));
          success.ring(g, c.lagS(), c.successRate());
          if (Double.isFinite(c.meanTimeS())) {
            time.ring(g, c.lagS(), c.meanTimeS());
          }
          g.setStroke(declared ? new BasicStroke(2.2f) : dashed);
        }
      }
      g.setColor(color);
      g.setStroke(declared ? new BasicStroke(3f) : dashed);
      g.drawLine(1120, legendY - 5, 1160, legendY - 5);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      g.drawString(e.getKey(), 1168, legendY);
      legendY += 22;
    }
    g.setColor(Color.RED);
    g.setStroke(new BasicStroke(2f));
    g.drawOval(1132, legendY - 14, 14, 14);
    g.setColor(Color.BLACK);
    g.drawString("fails (success, bound, stop)", 1168, legendY);
    g.dispose();
    return img;
  }

  /** One chart area with linear axes. */
  private record Panel(int left, int top, int width, int height, double xMax, double yMin, double yMax, String xLabel,
      String yLabel) {
    int x(double v) {
      return left + (int) Math.round(v / xMax * width);
    }

    int y(double v) {
      return top + height - (int) Math.round((v - yMin) / (yMax - yMin) * height);
    }

    void line(Graphics2D g, double x0, double y0, double x1, double y1) {
      g.drawLine(x(x0), y(y0), x(x1), y(y1));
    }

    void dot(Graphics2D g, double xv, double yv) {
      g.fillOval(x(xv) - 4, y(yv) - 4, 8, 8);
    }

    void ring(Graphics2D g, double xv, double yv) {
      g.drawOval(x(xv) - 9, y(yv) - 9, 18, 18);
    }

    void axes(Graphics2D g) {
      g.setColor(Color.BLACK);
      g.setStroke(new BasicStroke(1f));
      g.drawLine(left, top + height, left + width, top + height);
      g.drawLine(left, top, left, top + height);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      for (int i = 0; i <= 6; i++) {
        double xv = xMax * i / 6;
        g.drawLine(x(xv), top + height, x(xv), top + height + 5);
        g.drawString(String.format(Locale.ROOT, "%.2f", xv), x(xv) - 12, top + height + 20);
        double yv = yMin + (yMax - yMin) * i / 6;
        g.drawLine(left - 5, y(yv), left, y(yv));
        g.drawString(String.format(Locale.ROOT, "%.1f", yv), left - 36, y(yv) + 4);
      }
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
      g.drawString(xLabel, left + width / 2 - 30, top + height + 42);
      g.drawString(yLabel, left, top - 10);
    }
  }
}
