package io.telos.memory;

import io.telos.api.camera.CameraFrame;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps camera pictures with the episode being recorded ({@code memory.frames}). The bridge hands
 * every picture to {@link #offer}; while an episode is open ({@link #episode}), at most one per
 * {@link MemoryConfig.Frames#everyS()} of picture time is kept: shrunk to the configured size (box
 * average), written as a PNG {@code <robot>/<episode>/<stamp>.png} under the frames folder (written
 * aside and moved into place, so a file that exists is whole), and only then reported to the
 * {@link Sink}, which records the reference ({@link EventRecord#frame}): a reference in the store
 * always names a complete file.
 *
 * <p>Pictures are encoded on the archive's own thread behind a queue of four: a picture that
 * arrives while the queue is full is dropped and counted ({@link #dropped()}), never waited for, so
 * the bridge and the event loop are never held up. A write that fails (disk full, folder not
 * writable) is counted and logged once per kind of failure; recording of steps goes on.
 */
public final class FrameArchive implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FrameArchive.class);
  private static final int QUEUE = 4;

  /** Where a written picture is reported. */
  public interface Sink {
    /** Called on the archive's thread once the file {@code relativePath} is complete. */
    void saved(long episodeId, long stampNs, String relativePath);
  }

  private record Job(long episodeId, CameraFrame frame) {}

  private final String robotId;
  private final MemoryConfig.Frames config;
  private final Sink sink;
  private final String component;
  private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(QUEUE);
  private final Thread writer;
  private final AtomicLong kept = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile long episodeId = -1;
  private volatile boolean closed;
  /** Stamp of the last picture queued (bridge thread only). */
  private long lastKeptNs = Long.MIN_VALUE;
  private String lastFailure;

  public FrameArchive(String robotId, MemoryConfig.Frames config, Sink sink) {
    this.robotId = Objects.requireNonNull(robotId, "robotId");
    this.config = Objects.requireNonNull(config, "config");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.component = "memory/" + robotId;
    this.writer = Thread.ofPlatform().daemon().name("telos-frames-" + robotId).start(this::run);
  }

  /** The episode pictures now belong to, or -1 for none (pictures between episodes are not kept). */
  public void episode(long id) {
    episodeId = id;
  }

  /** A picture from the bridge (any thread that delivers pictures, one at a time). */
  public void offer(CameraFrame frame) {
    long episode = episodeId;
    if (closed || episode < 0) {
      return;
    }
    long everyNs = (long) (config.everyS() * 1e9);
    if (lastKeptNs != Long.MIN_VALUE && frame.stampNs() - lastKeptNs < everyNs && frame.stampNs() >= lastKeptNs) {
      return;
    }
    if (queue.offer(new Job(episode, frame))) {
      lastKeptNs = frame.stampNs();
    } else {
      dropped.incrementAndGet();
    }
  }

  /** Pictures written and reported. */
  public long kept() {
    return kept.get();
  }

  /** Pictures dropped because the writer was behind. */
  public long dropped() {
    return dropped.get();
  }

  /** Pictures whose file could not be written. */
  public long failed() {
    return failed.get();
  }

  /** The PNG file a reference names. */
  public static Path resolve(Path dir, String relativePath) {
    Path p = dir.resolve(relativePath).normalize();
    if (!p.startsWith(dir.normalize())) {
      throw new IllegalArgumentException("frame reference '" + relativePath + "' leaves the frames folder");
    }
    return p;
  }

  /** Writes what is queued, then stops the writer (bounded wait). */
  @Override
  public void close() {
    closed = true;
    writer.interrupt();
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("component={} event=frames_closed kept={} dropped={} failed={}", component, kept.get(), dropped.get(),
        failed.get());
  }

  private void run() {
    while (true) {
      Job job;
      try {
        job = closed ? queue.poll() : queue.poll(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        job = queue.poll(); // closing: write what is queued, then stop
        if (job == null) {
          return;
        }
      }
      if (job == null) {
        if (closed) {
          return;
        }
        continue;
      }
      write(job);
    }
  }

  private void write(Job job) {
    String rel = robotId + "/" + job.episodeId() + "/" + job.frame().stampNs() + ".png";
    try {
      Path file = resolve(config.dir(), rel);
      Files.createDirectories(file.getParent());
      Path part = file.resolveSibling(file.getFileName() + ".part");
      if (!ImageIO.write(shrink(job.frame(), config.width(), config.height()), "png", part.toFile())) {
        throw new IOException("no PNG writer");
      }
      try {
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
      }
      kept.incrementAndGet();
      sink.saved(job.episodeId(), job.frame().stampNs(), rel);
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      failed.incrementAndGet();
      String kind = e.getClass().getSimpleName();
      if (!kind.equals(lastFailure)) {
        lastFailure = kind;
        LOG.warn("component={} event=frame_not_kept file={} reason=\"{}\"", component, rel, e.getMessage());
      }
    }
  }

  /**
   * The picture shrunk to {@code w x h} by averaging the source pixels each target pixel covers
   * (nearest source pixel when enlarging).
   */
  public static BufferedImage shrink(CameraFrame f, int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    byte[] rgb = f.rgb();
    for (int y = 0; y < h; y++) {
      int y0 = y * f.height() / h;
      int y1 = Math.max(y0 + 1, (y + 1) * f.height() / h);
      for (int x = 0; x < w; x++) {
        int x0 = x * f.width() / w;
        int x1 = Math.max(x0 + 1, (x + 1) * f.width() / w);
        long r = 0;
        long g = 0;
        long b = 0;
        for (int sy = y0; sy < y1; sy++) {
          for (int sx = x0; sx < x1; sx++) {
            int i = 3 * (sy * f.width() + sx);
            r += rgb[i] & 0xff;
            g += rgb[i + 1] & 0xff;
            b += rgb[i + 2] & 0xff;
          }
        }
        long n = (long) (y1 - y0) * (x1 - x0);
        img.setRGB(x, y, (int) ((r + n / 2) / n) << 16 | (int) ((g + n / 2) / n) << 8 | (int) ((b + n / 2) / n));
      }
    }
    return img;
  }
}
