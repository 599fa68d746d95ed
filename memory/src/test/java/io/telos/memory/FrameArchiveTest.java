package io.telos.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.SimulatedClock;
import io.telos.api.camera.CameraFrame;
import io.vertx.core.Vertx;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Camera pictures kept with the episodes: rate, episode bounds, files, references, failures. */
class FrameArchiveTest {
  static final long MS = 1_000_000L;

  @TempDir
  Path dir;

  /** A 320 x 240 picture: the left half red, the right half blue, one green pixel block top-left. */
  static CameraFrame picture(long stampNs) {
    int w = 320;
    int h = 240;
    byte[] rgb = new byte[3 * w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = 3 * (y * w + x);
        boolean green = x < 5 && y < 5;
        rgb[i] = (byte) (green ? 0 : x < w / 2 ? 200 : 0);
        rgb[i + 1] = (byte) (green ? 255 : 0);
        rgb[i + 2] = (byte) (green ? 0 : x < w / 2 ? 0 : 180);
      }
    }
    return new CameraFrame("camera", stampNs / MS, stampNs, w, h, rgb, null);
  }

  @Test
  void keepsPicturesOfOpenEpisodesAtTheConfiguredRateAsCompleteFilesReferencedByStamp() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      TestCodecs.register(vertx);
      InMemoryEpisodeStore store = new InMemoryEpisodeStore();
      MemoryConfig.Frames cfg = new MemoryConfig.Frames(0.05, 64, 48, dir.resolve("frames"));
      MemoryRecorder recorder = new MemoryRecorder("arm1", store, new MemoryRecorder.Info("", "mppi", false),
          new SimulatedClock(1), cfg);
      String id = vertx.deployVerticle(recorder).await();
      FrameArchive archive = recorder.frameArchive();
      Bus bus = new Bus(vertx, "arm1");
      archive.offer(picture(1 * MS)); // no episode yet: not kept
      bus.plan("g1", 2 * MS, 1.0);
      MemoryRecorderTest.eventually(() -> store.listEpisodes(10).size() == 1, "the episode");
      for (long t : new long[] {5, 20, 40, 55, 70, 106}) {
        archive.offer(picture(t * MS)); // kept: 5, 55, 106 (at least 50 ms apart)
      }
      bus.observation(60 * MS, 0.1);
      bus.observation(100 * MS, 0.2);
      bus.outcome("g1", 110 * MS, true, 108 * MS);
      MemoryRecorderTest.eventually(() -> !store.listEpisodes(10).get(0).isOpen(), "the episode's end");
      archive.offer(picture(200 * MS)); // between episodes: not kept
      vertx.undeploy(id).await(); // writes what is queued and records it before the store is flushed

      long episode = store.listEpisodes(10).get(0).id();
      List<StoredFrame> frames = StoredFrame.of(store, episode, cfg.dir());
      assertEquals(List.of(5 * MS, 55 * MS, 106 * MS), frames.stream().map(StoredFrame::stampNs).toList());
      assertEquals(3, archive.kept());
      assertEquals(0, archive.failed());
      for (StoredFrame f : frames) {
        assertEquals(cfg.dir().resolve("arm1/" + episode + "/" + f.stampNs() + ".png"), f.file());
        BufferedImage img = f.read();
        assertEquals(64, img.getWidth());
        assertEquals(48, img.getHeight());
        assertEquals(200 << 16, img.getRGB(10, 20) & 0xffffff, "left half red");
        assertEquals(180, img.getRGB(50, 20) & 0xffffff, "right half blue");
        assertEquals(255 << 8, img.getRGB(0, 0) & 0xffffff, "the 5x5 green block covers target pixel (0, 0)");
      }
      try (var files = Files.walk(cfg.dir())) {
        assertEquals(3, files.filter(p -> p.toString().endsWith(".png")).count(), "no other picture written");
      }
      try (var files = Files.walk(cfg.dir())) {
        assertFalse(files.anyMatch(p -> p.toString().endsWith(".part")), "no partial file left");
      }

      List<StepRecord> steps = Steps.read(store, episode);
      assertEquals(0, frames.get(1).nearestStep(steps, 10 * MS), "55 ms is nearest the step at 60 ms");
      assertEquals(1, frames.get(2).nearestStep(steps, 10 * MS), "106 ms is nearest the step at 100 ms");
      assertEquals(-1, frames.get(0).nearestStep(steps, 10 * MS), "5 ms is 55 ms from any step");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aPictureThatCannotBeWrittenIsCountedAndNeverReferenced() throws Exception {
    Path notAFolder = Files.writeString(dir.resolve("frames"), "a file where the folder should be");
    List<String> referenced = new ArrayList<>();
    FrameArchive archive = new FrameArchive("arm1", new MemoryConfig.Frames(0, 16, 16, notAFolder),
        (episode, stamp, path) -> referenced.add(path));
    archive.episode(3);
    archive.offer(picture(1 * MS));
    archive.close();
    assertEquals(1, archive.failed());
    assertEquals(0, archive.kept());
    assertTrue(referenced.isEmpty());
  }

  @Test
  void shrinkingAveragesTheSourcePixelsEachTargetPixelCovers() {
    byte[] rgb = new byte[3 * 4 * 2];
    int[] reds = {0, 100, 40, 60, 200, 100, 0, 20};
    for (int i = 0; i < reds.length; i++) {
      rgb[3 * i] = (byte) reds[i];
    }
    BufferedImage img = FrameArchive.shrink(new CameraFrame("c", 0, 0, 4, 2, rgb, null), 2, 1);
    assertEquals((0 + 100 + 200 + 100) / 4, img.getRGB(0, 0) >> 16 & 0xff);
    assertEquals((40 + 60 + 0 + 20) / 4, img.getRGB(1, 0) >> 16 & 0xff);
  }

  @Test
  void referencesCannotLeaveTheFramesFolderAndBadSizesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> FrameArchive.resolve(dir, "../outside.png"));
    assertEquals(dir.resolve("arm1/1/5.png"), FrameArchive.resolve(dir, "arm1/1/5.png"));
    assertThrows(IllegalArgumentException.class, () -> new MemoryConfig.Frames(-1, 64, 48, dir));
    assertThrows(IllegalArgumentException.class, () -> new MemoryConfig.Frames(0.1, 4, 48, dir));
    assertThrows(IllegalArgumentException.class, () -> new MemoryConfig.Frames(Double.NaN, 64, 48, dir));
  }
}
