package io.telos.planner.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.telos.planner.AnalyticWorldModel;
import io.telos.planner.spi.WorldModel;
import io.telos.planner.spi.WorldModel.Probe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model files round-trip, bad files are refused, and a running model is swapped between plans. */
class ModelFileAndSwapTest {
  static double[] bounds;
  @TempDir static Path dir;
  static Path v1;
  static Path v2;

  @BeforeAll
  static void write() throws Exception {
    bounds = Synthetic.PLANAR2.limits().velocity();
    List<Trajectory> data = Synthetic.trajectories(Synthetic.PLANAR2, 2, 10, 0.5, 5);
    for (int v = 1; v <= 2; v++) {
      try (NDManager m = DjlEngine.get().newBaseManager()) {
        LatentModel net = Trainer.train(m, data, Synthetic.DT, bounds, bounds,
            new Trainer.Config(8, 16, 3, 2, 32, 5, 1e-3, v), null, null);
        ModelFile.write(ModelVersions.file(dir, v), net, v, Map.of("ee16_median_m", 0.5));
      }
    }
    v1 = ModelVersions.file(dir, 1);
    v2 = ModelVersions.file(dir, 2);
  }

  @Test
  void roundTripsBitIdentically() {
    try (DjlWorldModel a = DjlWorldModel.load(v1, bounds, Synthetic.DT);
        DjlWorldModel b = DjlWorldModel.load(v1, bounds, Synthetic.DT)) {
      assertEquals(1, a.network().version());
      assertEquals(0.5, ((Number) a.network().metrics().get("ee16_median_m")).doubleValue());
      double[] s = new double[12];
      a.encode(Synthetic.observation(new double[] {0.3, 0.1}, new double[] {0.2, 0}), s);
      double[] ea = new double[3];
      double[] eb = new double[3];
      a.probe(Probe.END_EFFECTOR_POSITION, s, 1, ea);
      b.probe(Probe.END_EFFECTOR_POSITION, s, 1, eb);
      assertArrayEquals(ea, eb, 0.0);
    }
    assertEquals(2, ModelVersions.latest(dir));
  }

  @Test
  void refusesCorruptTruncatedAndMismatchedFiles() throws Exception {
    byte[] good = Files.readAllBytes(v1);
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x10;
    Path bad = dir.resolve("flipped.twm");
    Files.write(bad, flipped);
    ModelFileException e = assertThrows(ModelFileException.class, () -> DjlWorldModel.load(bad, bounds, Synthetic.DT));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    Path cut = dir.resolve("cut.twm");
    Files.write(cut, java.util.Arrays.copyOf(good, good.length / 3));
    assertThrows(ModelFileException.class, () -> DjlWorldModel.load(cut, bounds, Synthetic.DT));
    Path text = dir.resolve("text.twm");
    Files.writeString(text, "not a model at all, just some text in a file");
    assertTrue(assertThrows(ModelFileException.class, () -> DjlWorldModel.load(text, bounds, Synthetic.DT))
        .getMessage().contains("bad magic"));
    e = assertThrows(ModelFileException.class, () -> DjlWorldModel.load(v1, new double[] {1, 1, 1}, Synthetic.DT));
    assertTrue(e.getMessage().contains("2 joints"), e.getMessage());
    e = assertThrows(ModelFileException.class, () -> DjlWorldModel.load(v1, bounds, 0.02));
    assertTrue(e.getMessage().contains("0.02"), e.getMessage());
    // a file of the earlier network layout (no format field), with a valid checksum
    Path old = dir.resolve("old-format.twm");
    Files.write(old, withHeader(good, h -> h.replace("\"format\":" + ModelFile.FORMAT + ",", "")));
    e = assertThrows(ModelFileException.class, () -> DjlWorldModel.load(old, bounds, Synthetic.DT));
    assertTrue(e.getMessage().contains("network format 1"), e.getMessage());
  }

  @Test
  void aHeaderThatClaimsAHugeNetworkIsRefusedBeforeAnythingIsAllocated() throws Exception {
    byte[] good = Files.readAllBytes(v1);
    Path huge = dir.resolve("huge.twm");
    Files.write(huge, withHeader(good, h -> h.replaceFirst("\"hidden\":\\d+", "\"hidden\":1000000")
        .replaceFirst("\"members\":\\d+", "\"members\":4096")));
    ModelFileException e = assertThrows(ModelFileException.class, () -> DjlWorldModel.load(huge, bounds, Synthetic.DT));
    assertTrue(e.getMessage().contains("does not fit the network its header describes"), e.getMessage());
  }

  @Test
  void parameterSizesMatchTheNetworkBuilt() {
    try (NDManager m = DjlEngine.get().newBaseManager()) {
      LatentModel.Spec spec = new LatentModel.Spec(3, 8, 16, 2, 0.05);
      LatentModel net = new LatentModel(m, spec, new double[] {1, 1, 1}, new double[] {1, 1, 1}, 7L);
      long[] sizes = LatentModel.parameterSizes(spec);
      List<NDArray> params = net.parameters();
      assertEquals(params.size(), sizes.length);
      for (int i = 0; i < sizes.length; i++) {
        assertEquals(params.get(i).size(), sizes[i], net.names().get(i));
      }
    }
  }

  /** The file with its JSON header rewritten and the checksum recomputed. */
  private static byte[] withHeader(byte[] file, java.util.function.UnaryOperator<String> edit) {
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(file);
    int len = in.getInt(8);
    String header = new String(file, 12, len, java.nio.charset.StandardCharsets.UTF_8);
    byte[] h = edit.apply(header).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(file.length - len + h.length);
    out.put(file, 0, 8).putInt(h.length).put(h).put(file, 12 + len, file.length - 8 - 12 - len);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(out.array(), 0, out.position());
    out.putLong(crc.getValue());
    return out.array();
  }

  @Test
  void swapsAtTheNextPlanAndKeepsTheRunningModelOnABadFile() throws Exception {
    WorldModel analytic = new AnalyticWorldModel(Synthetic.PLANAR2, Synthetic.DT);
    try (SwappableWorldModel m = new SwappableWorldModel(analytic, 12, f -> DjlWorldModel.load(f, bounds, Synthetic.DT))) {
      double[] s = new double[12];
      double[] next = new double[12];
      double[] q = new double[2];
      var obs = Synthetic.observation(new double[] {0.3, 0.1}, new double[] {0, 0});
      m.encode(obs, s);
      m.step(s, new double[] {0.5, 0}, 1, next);
      m.probe(Probe.JOINT_POSITION, next, 1, q);
      double[] exact = new double[4];
      analytic.step(new double[] {0.3, 0.1, 0, 0}, new double[] {0.5, 0}, 1, exact);
      assertTrue(exact[0] > 0.3);
      assertEquals(exact[0], q[0], 0.0, "analytic fallback through repacked states");
      // offered from a worker thread, as the trainer does
      Thread t = new Thread(() -> m.offer(v1));
      t.start();
      t.join();
      assertSame(analytic, m.current(), "the plan in flight keeps its model");
      m.encode(obs, s);
      assertEquals("learned-v1", m.name());
      assertEquals(1, m.swaps());
      Path bad = dir.resolve("bad-swap.twm");
      byte[] b = Files.readAllBytes(v2);
      b[40] ^= 1;
      Files.write(bad, b);
      WorldModel running = m.current();
      ModelFileException e = assertThrows(ModelFileException.class, () -> m.offer(bad));
      assertTrue(e.getMessage().contains("bad-swap.twm"));
      m.encode(obs, s);
      assertSame(running, m.current());
      m.step(s, new double[] {0.5, 0}, 1, next);
      assertTrue(Double.isFinite(next[0]));
      m.offer(v2);
      m.encode(obs, s);
      assertEquals("learned-v2", m.name());
    }
  }
}
