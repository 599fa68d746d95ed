package io.telos.memory;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * A camera picture kept with an episode ({@code memory.frames}, written by {@link FrameArchive}).
 *
 * @param episodeId the episode
 * @param stampNs the picture's stamp (the runtime's clock, as the steps are stamped)
 * @param file the PNG file
 */
public record StoredFrame(long episodeId, long stampNs, Path file) {
  public StoredFrame {
    Objects.requireNonNull(file, "file");
  }

  /** The pictures of an episode, oldest first, as files under the frames folder {@code dir}. */
  public static List<StoredFrame> of(EpisodeStore store, long episodeId, Path dir) {
    List<StoredFrame> out = new ArrayList<>();
    for (EventRecord e : store.events(episodeId)) {
      if (e.kind() == EventRecord.Kind.FRAME) {
        out.add(new StoredFrame(e.episodeId(), e.stampNs(), FrameArchive.resolve(dir, e.detail())));
      }
    }
    out.sort(Comparator.comparingLong(StoredFrame::stampNs));
    return out;
  }

  /** The picture, decoded. */
  public BufferedImage read() throws IOException {
    BufferedImage img = ImageIO.read(file.toFile());
    if (img == null) {
      throw new IOException(file + ": not a picture");
    }
    return img;
  }

  /**
   * The step stamped nearest this picture, among steps sorted by stamp, or -1 when none lies within
   * {@code withinNs}.
   */
  public int nearestStep(List<StepRecord> steps, long withinNs) {
    int lo = 0;
    int hi = steps.size() - 1;
    while (lo < hi) { // first step stamped at or after the picture
      int mid = (lo + hi) >>> 1;
      if (steps.get(mid).stampNs() < stampNs) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    int best = -1;
    long bestGap = Long.MAX_VALUE;
    for (int i = Math.max(0, lo - 1); i <= Math.min(steps.size() - 1, lo); i++) {
      long gap = Math.abs(steps.get(i).stampNs() - stampNs);
      if (gap < bestGap) {
        bestGap = gap;
        best = i;
      }
    }
    return bestGap <= withinNs ? best : -1;
  }
}
