package io.telos.launch.learn;

import io.telos.api.config.Settings;
import io.telos.memory.EpisodeStore;
import io.telos.memory.EpisodeSummary;
import io.telos.memory.MemoryConfig;
import io.telos.memory.StepCursor;
import io.telos.memory.StepRecord;
import io.telos.memory.StoredFrame;
import io.telos.runtime.config.LaunchException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The camera pictures a store keeps with its episodes ({@code memory.frames}), each joined to the
 * step stamped nearest it (within 0.1 s): what the learning commands read from episodic memory.
 */
final class MemoryPictures {
  /** A picture as channel-major floats in [0, 1], and its step (null when none is near). */
  record Shot(long stampNs, float[] pixels, StepRecord step) {}

  /** An episode's pictures, oldest first. */
  record Episode(long id, List<Shot> shots) {}

  /**
   * @param width the pictures' width (all the same)
   * @param height the pictures' height
   */
  record Kept(List<Episode> episodes, int width, int height, int total) {}

  private MemoryPictures() {}

  /** The frames folder {@code memory.frames} uses by default for a store at {@code db}. */
  static Path defaultDir(Path db) {
    return db.toAbsolutePath().getParent().resolve("frames");
  }

  /**
   * Reads every kept picture of the SQLite store {@code db}, episodes in the order they were
   * recorded.
   *
   * @throws LaunchException when the store is missing, keeps fewer than {@code minPictures} in two
   *     episodes, or the pictures differ in size
   */
  static Kept read(Path db, Path dir, int minPictures, PrintStream o, String command) throws IOException {
    if (!Files.isRegularFile(db)) {
      throw new LaunchException(command + ": no memory store at " + db);
    }
    MemoryConfig cfg = MemoryConfig.from(new Settings("memory", Map.of("path", db.toString())));
    try (EpisodeStore store = cfg.createReader().orElseThrow()) {
      store.open();
      List<EpisodeSummary> episodes = new ArrayList<>(store.listEpisodes(Integer.MAX_VALUE));
      episodes.sort(Comparator.comparingLong(EpisodeSummary::id));
      List<List<StoredFrame>> kept = new ArrayList<>();
      List<Long> ids = new ArrayList<>();
      for (EpisodeSummary e : episodes) {
        List<StoredFrame> f = StoredFrame.of(store, e.id(), dir);
        if (!f.isEmpty()) {
          kept.add(f);
          ids.add(e.id());
        }
      }
      int total = kept.stream().mapToInt(List::size).sum();
      if (ids.size() < 2 || total < minPictures) {
        throw new LaunchException(command + ": " + db + " keeps " + total + " pictures in " + ids.size()
            + " episodes; needs >= " + minPictures + " in >= 2 (record with memory.frames)");
      }
      List<Episode> out = new ArrayList<>();
      int width = -1;
      int height = -1;
      int read = 0;
      for (int k = 0; k < ids.size(); k++) {
        List<StepRecord> steps = new ArrayList<>();
        try (StepCursor c = store.readSteps(ids.get(k))) {
          c.forEachRemaining(steps::add);
        }
        List<Shot> shots = new ArrayList<>();
        for (StoredFrame f : kept.get(k)) {
          BufferedImage img = f.read();
          if (width < 0) {
            width = img.getWidth();
            height = img.getHeight();
          } else if (img.getWidth() != width || img.getHeight() != height) {
            throw new LaunchException(command + ": " + f.file() + " is " + img.getWidth() + "x" + img.getHeight()
                + ", the first picture " + width + "x" + height + ": keep one size (memory.frames)");
          }
          int s = f.nearestStep(steps, 100_000_000L);
          shots.add(new Shot(f.stampNs(), channels(img), s < 0 ? null : steps.get(s)));
          if (++read % 50 == 0 || read == total) {
            TrainCommand.bar(o, "pictures read", read, total);
          }
        }
        out.add(new Episode(ids.get(k), shots));
      }
      o.println();
      return new Kept(out, width, height, total);
    }
  }

  /** A picture as channel-major floats in [0, 1]. */
  static float[] channels(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    float[] out = new float[3 * w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = img.getRGB(x, y);
        out[y * w + x] = ((rgb >> 16) & 0xff) / 255f;
        out[w * h + y * w + x] = ((rgb >> 8) & 0xff) / 255f;
        out[2 * w * h + y * w + x] = (rgb & 0xff) / 255f;
      }
    }
    return out;
  }
}
