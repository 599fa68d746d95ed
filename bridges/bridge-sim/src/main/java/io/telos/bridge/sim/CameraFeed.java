package io.telos.bridge.sim;

import io.telos.api.ObjectPose;
import io.telos.api.camera.CameraFrame;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated arm's camera ({@code scene.camera}): decides when a frame is due, renders it with
 * {@link SimCamera} and hands it to the listeners.
 *
 * <p>Lock-step: a due frame is rendered and delivered on the stepping thread, inside the step that
 * made it due. Real time: on the camera's own thread ({@link #start}); a frame due while the
 * previous one is still being rendered replaces it (counted in {@link #dropped()}). The arm calls
 * {@link #offer} with the world lock held, so the shot's timing fields need no lock of their own.
 */
final class CameraFeed {
  private static final Logger LOG = LoggerFactory.getLogger(CameraFeed.class);

  /** What the camera sees at one instant: the arm's true configuration and the objects' poses. */
  private record Shot(long sequence, long stampNs, double[] q, List<ObjectPose> objects) {}

  private final SimCamera camera;
  private final boolean lockStep;
  private final String component;
  private final List<Consumer<CameraFrame>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicReference<Shot> pending = new AtomicReference<>();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong rendered = new AtomicLong();
  private long nextFrameNs; // the arm's world lock
  private long sequence; // the arm's world lock
  private volatile boolean running;
  private Thread loop;

  CameraFeed(SimCamera camera, boolean lockStep, String component) {
    this.camera = camera;
    this.lockStep = lockStep;
    this.component = component;
  }

  /**
   * Takes a shot if a frame is due at {@code stampNs} ({@code q} is copied): rendered now in
   * lock-step, else handed to the camera thread.
   */
  void offer(long stampNs, double[] q, List<ObjectPose> objects) {
    if (stampNs < nextFrameNs) {
      return;
    }
    long period = camera.spec().periodNs();
    nextFrameNs = Math.max(nextFrameNs + period, stampNs - period / 2);
    Shot shot = new Shot(sequence++, stampNs, q.clone(), objects);
    if (lockStep) {
      deliver(shot);
    } else if (pending.getAndSet(shot) != null) {
      dropped.incrementAndGet();
    } else {
      LockSupport.unpark(loop);
    }
  }

  void addListener(Consumer<CameraFrame> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Starts the camera thread (real time only). */
  void start(String robotId) {
    running = true;
    loop = Thread.ofPlatform().daemon(true).name("telos-camera-" + robotId).start(this::run);
  }

  /** Stops the camera thread, waiting up to 2 s for the frame being rendered. */
  void stop() {
    running = false;
    if (loop != null) {
      LockSupport.unpark(loop);
      try {
        loop.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  long rendered() {
    return rendered.get();
  }

  long dropped() {
    return dropped.get();
  }

  private void run() {
    while (running) {
      Shot shot = pending.getAndSet(null);
      if (shot == null) {
        LockSupport.park(this);
        continue;
      }
      deliver(shot);
    }
  }

  /** Renders a shot and hands the frame to every listener (a listener's failure is logged, not thrown). */
  private void deliver(Shot shot) {
    if (listeners.isEmpty()) {
      return;
    }
    CameraFrame frame = camera.render(shot.sequence(), shot.stampNs(), shot.q(), shot.objects());
    rendered.incrementAndGet();
    for (Consumer<CameraFrame> l : listeners) {
      try {
        l.accept(frame);
      } catch (RuntimeException e) {
        LOG.warn("component={} event=frame_listener_failed frame={} reason=\"{}\"", component, shot.sequence(),
            e.toString());
      }
    }
  }
}
