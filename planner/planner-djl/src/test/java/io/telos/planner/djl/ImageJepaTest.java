package io.telos.planner.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The JEPA image encoder's pieces: the probe's algebra, shapes, refusals, a latent that learns where. */
class ImageJepaTest {
  @Test
  void theProbeRecoversALinearMap() {
    Random rnd = new Random(1);
    double[][] z = new double[200][5];
    double[][] y = new double[200][2];
    for (int i = 0; i < z.length; i++) {
      for (int k = 0; k < 5; k++) {
        z[i][k] = rnd.nextGaussian();
      }
      y[i][0] = 0.3 + 2 * z[i][0] - z[i][3];
      y[i][1] = -0.1 + 0.5 * z[i][2];
    }
    double[][] w = ImageJepa.fitProbe(z, y, 1e-9);
    double[] p = ImageJepa.probe(w, new double[] {1, 0, 2, 1, 0});
    assertEquals(0.3 + 2 - 1, p[0], 1e-6);
    assertEquals(-0.1 + 1, p[1], 1e-6);
    double[][] constant = new double[10][2];
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageJepa.fitProbe(constant, new double[10][1], 0))
        .getMessage().contains("degenerate"));
  }

  /** Pictures of one bright square at a random place: the latent must come to tell where. */
  @Test
  void theTrainedLatentLocatesABlobBetterThanAnUntrainedOne() {
    ImageJepa.Config c = new ImageJepa.Config(32, 24, 8, 150, 32, 3e-3, 0.99, 0.4, 3);
    Random rnd = new Random(2);
    List<float[]> pics = new ArrayList<>();
    List<double[]> where = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      int x = rnd.nextInt(26);
      int y = rnd.nextInt(18);
      float[] p = new float[3 * 32 * 24];
      for (int ch = 0; ch < 3; ch++) {
        for (int dy = 0; dy < 6; dy++) {
          for (int dx = 0; dx < 6; dx++) {
            p[ch * 32 * 24 + (y + dy) * 32 + x + dx] = 1;
          }
        }
      }
      pics.add(p);
      where.add(new double[] {x, y});
    }
    try (NDManager m = DjlEngine.get().newBaseManager()) {
      List<ImageJepa.Progress> curve = new ArrayList<>();
      try (ImageJepa enc = ImageJepa.train(m, pics.subList(0, 250), c, curve, null);
          ImageJepa random = ImageJepa.untrained(m, c)) {
        assertEquals(150, curve.size());
        // the target moves with the encoder, so the loss need not fall steadily; it must stay finite
        assertTrue(curve.stream().allMatch(p -> Double.isFinite(p.loss())), "finite losses");
        double trained = error(enc, pics, where);
        double untrained = error(random, pics, where);
        assertTrue(trained < untrained, "trained " + trained + " px vs untrained " + untrained + " px");
        assertEquals(8, enc.encode(pics.subList(0, 3))[0].length);
      }
      assertThrows(IllegalArgumentException.class, () -> ImageJepa.train(m, pics.subList(0, 10), c, null, null));
      assertThrows(IllegalArgumentException.class, () -> ImageJepa.train(m, List.of(new float[5]), c.withSteps(1),
          null, null));
    }
    assertThrows(IllegalArgumentException.class, () -> new ImageJepa.Config(30, 24, 8, 1, 32, 1e-3, 0.9, 0.4, 1));
  }

  /** Median probe error on the 50 pictures not trained on, pixels. */
  private static double error(ImageJepa enc, List<float[]> pics, List<double[]> where) {
    double[][] z = enc.encode(pics.subList(0, 250));
    double[][] w = ImageJepa.fitProbe(z, where.subList(0, 250).toArray(new double[0][]), 1e-3 * z.length);
    double[][] zt = enc.encode(pics.subList(250, 300));
    double[] e = new double[zt.length];
    for (int i = 0; i < zt.length; i++) {
      double[] p = ImageJepa.probe(w, zt[i]);
      e[i] = Math.hypot(p[0] - where.get(250 + i)[0], p[1] - where.get(250 + i)[1]);
    }
    Arrays.sort(e);
    return e[e.length / 2];
  }
}
