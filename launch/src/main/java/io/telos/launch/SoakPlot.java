package io.telos.launch;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * The soak over time as a PNG: three panels sharing the time axis (memory, descriptors and threads,
 * goals), with a vertical mark per injected fault in its colour.
 */
final class SoakPlot {
  private static final int W = 1400;
  private static final int PANEL = 220;
  private static final int PAD = 70;
  private static final Color[] FAULT_COLORS = {new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b),
      new Color(0xe377c2), new Color(0x17becf)};

  private SoakPlot() {}

  static void write(List<SoakCommand.Sample> samples, List<SoakCommand.Injection> injections, Path png, String title)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    int h = 3 * PANEL + 2 * PAD + 40;
    BufferedImage img = new BufferedImage(W, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, h);
    g.setColor(Color.BLACK);
    g.drawString(title, PAD, 25);
    double tMax = samples.isEmpty() ? 1 : Math.max(1, samples.get(samples.size() - 1).tS());
    panel(g, samples, injections, tMax, PAD, "MB", new String[] {"heap in use", "old generation after GC"},
        List.of(SoakCommand.Sample::heapMb, SoakCommand.Sample::oldGenAfterGcMb));
    panel(g, samples, injections, tMax, PAD + PANEL + 20, "count", new String[] {"open file descriptors", "threads"},
        List.of(x -> x.fds(), x -> x.threads()));
    panel(g, samples, injections, tMax, PAD + 2 * (PANEL + 20), "goals",
        new String[] {"goals ended", "goals reached", "faults and mode changes raised"},
        List.of(x -> x.goals(), x -> x.reached(), x -> x.faults()));
    int lx = PAD;
    int ly = h - 15;
    SoakFault[] all = SoakFault.values();
    for (int i = 0; i < all.length; i++) {
      g.setColor(FAULT_COLORS[i % FAULT_COLORS.length]);
      g.fillRect(lx, ly - 9, 12, 9);
      g.setColor(Color.DARK_GRAY);
      g.drawString(all[i].label(), lx + 16, ly);
      lx += 40 + g.getFontMetrics().stringWidth(all[i].label());
    }
    g.drawString("time, min", W - PAD - 60, ly);
    g.dispose();
    if (!ImageIO.write(img, "png", png.toFile())) {
      throw new IOException("no PNG writer");
    }
  }

  private static void panel(Graphics2D g, List<SoakCommand.Sample> samples, List<SoakCommand.Injection> injections,
      double tMax, int top, String unit, String[] labels, List<ToDoubleFunction<SoakCommand.Sample>> series) {
    int left = PAD;
    int right = W - PAD;
    int bottom = top + PANEL;
    double hi = 1;
    for (ToDoubleFunction<SoakCommand.Sample> f : series) {
      for (SoakCommand.Sample s : samples) {
        hi = Math.max(hi, f.applyAsDouble(s));
      }
    }
    hi *= 1.1;
    g.setColor(Color.GRAY);
    g.drawRect(left, top, right - left, PANEL);
    g.setColor(Color.DARK_GRAY);
    g.drawString(String.format(Locale.ROOT, "%.0f %s", hi, unit), 5, top + 12);
    g.drawString("0", 5, bottom);
    for (int m = 0; m <= tMax / 60; m += Math.max(1, (int) (tMax / 60 / 12))) {
      int x = left + (int) ((right - left) * m * 60 / tMax);
      g.drawString(Integer.toString(m), x - 3, bottom + 14);
    }
    for (SoakCommand.Injection i : injections) {
      g.setColor(FAULT_COLORS[i.fault().ordinal() % FAULT_COLORS.length]);
      int x = left + (int) ((right - left) * i.tS() / tMax);
      g.drawLine(x, top + 1, x, bottom - 1);
    }
    Color[] colors = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c)};
    g.setStroke(new BasicStroke(2f));
    for (int k = 0; k < series.size(); k++) {
      g.setColor(colors[k]);
      int px = -1;
      int py = -1;
      for (SoakCommand.Sample s : samples) {
        int x = left + (int) ((right - left) * s.tS() / tMax);
        int y = bottom - (int) (PANEL * series.get(k).applyAsDouble(s) / hi);
        if (px >= 0) {
          g.drawLine(px, py, x, y);
        }
        px = x;
        py = y;
      }
      g.drawString(labels[k], left + 10 + 260 * k, top + 16);
    }
    g.setStroke(new BasicStroke(1f));
  }
}
