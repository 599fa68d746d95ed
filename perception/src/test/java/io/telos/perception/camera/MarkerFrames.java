package io.telos.perception.camera;

import boofcv.alg.drawing.FiducialImageEngine;
import boofcv.alg.fiducial.square.FiducialSquareHammingGenerator;
import boofcv.factory.fiducial.ConfigHammingMarker;
import boofcv.factory.fiducial.HammingDictionary;
import boofcv.struct.image.GrayU8;
import io.telos.api.camera.CameraFrame;
import io.telos.api.camera.CameraSpec;
import java.util.Map;

/**
 * Test pictures for the tracker, drawn independently of the simulator's renderer: a camera looking
 * straight down, a grey table, and one puck's white top face carrying a marker image made by
 * BoofCV's own generator, sampled bilinearly through the exact plane-to-pixel mapping.
 */
final class MarkerFrames {
  static final double HEIGHT_M = 0.8;
  static final double TOP_M = 0.05;
  static final double RADIUS_M = 0.04;

  private MarkerFrames() {}

  /** 480 × 360, straight down from {@link #HEIGHT_M} above (0.5, 0), markers as given. */
  static CameraSpec camera(Map<String, Integer> markers) {
    return new CameraSpec(480, 360, 420, 420, 239.5, 179.5, new double[] {0.5, 0, HEIGHT_M},
        new double[] {0.5, 0, 0}, 30, 0, markers);
  }

  /**
   * A picture of a puck of radius {@link #RADIUS_M} with its top at {@link #TOP_M}, centred at
   * {@code (x, y)}, turned by {@code yaw}, carrying marker {@code id} printed {@code scale} times
   * its proper size.
   */
  static CameraFrame picture(CameraSpec c, long stampNs, int id, double x, double y, double yaw, double scale) {
    int px = 256;
    FiducialImageEngine engine = new FiducialImageEngine();
    engine.configure(0, px);
    FiducialSquareHammingGenerator g =
        new FiducialSquareHammingGenerator(ConfigHammingMarker.loadDictionary(HammingDictionary.APRILTAG_36h11));
    g.setRenderer(engine);
    g.setMarkerWidth(px);
    g.generate(id);
    GrayU8 marker = engine.getGray();
    double side = 2 * RADIUS_M * CameraSpec.MARKER_FRACTION * scale;
    double[] r = c.rotation();
    double[] o = c.position();
    byte[] rgb = new byte[3 * c.width() * c.height()];
    for (int v = 0; v < c.height(); v++) {
      for (int u = 0; u < c.width(); u++) {
        double a = (u - c.cx()) / c.fx();
        double b = (v - c.cy()) / c.fy();
        double dx = r[0] * a + r[1] * b + r[2];
        double dy = r[3] * a + r[4] * b + r[5];
        double dz = r[6] * a + r[7] * b + r[8];
        double t = (TOP_M - o[2]) / dz;
        double ex = o[0] + t * dx - x;
        double ey = o[1] + t * dy - y;
        double grey = 150;
        if (ex * ex + ey * ey <= RADIUS_M * RADIUS_M) {
          double mu = Math.cos(yaw) * ex + Math.sin(yaw) * ey;
          double mv = -Math.sin(yaw) * ex + Math.cos(yaw) * ey;
          grey = 240;
          if (Math.abs(mu) < side / 2 && Math.abs(mv) < side / 2) {
            grey = bilinear(marker, (mu / side + 0.5) * px - 0.5, (0.5 - mv / side) * px - 0.5) * 0.9 + 15;
          }
        }
        int k = 3 * (v * c.width() + u);
        byte g8 = (byte) Math.round(grey);
        rgb[k] = g8;
        rgb[k + 1] = g8;
        rgb[k + 2] = g8;
      }
    }
    return new CameraFrame("cam", stampNs / 33_000_000L, stampNs, c.width(), c.height(), rgb, null);
  }

  private static double bilinear(GrayU8 img, double x, double y) {
    int x0 = (int) Math.floor(x);
    int y0 = (int) Math.floor(y);
    double fx = x - x0;
    double fy = y - y0;
    return (1 - fx) * (1 - fy) * at(img, x0, y0) + fx * (1 - fy) * at(img, x0 + 1, y0)
        + (1 - fx) * fy * at(img, x0, y0 + 1) + fx * fy * at(img, x0 + 1, y0 + 1);
  }

  private static int at(GrayU8 img, int x, int y) {
    return img.get(Math.max(0, Math.min(img.width - 1, x)), Math.max(0, Math.min(img.height - 1, y)));
  }
}
