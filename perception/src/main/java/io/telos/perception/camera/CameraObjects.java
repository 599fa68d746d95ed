package io.telos.perception.camera;

import io.telos.api.Clock;
import io.telos.api.JointState;
import io.telos.api.ObjectPose;
import io.telos.api.camera.CameraFrame;
import io.telos.api.spi.ForwardingRobotHardware;
import io.telos.api.spi.RobotHardware;
import io.telos.api.spi.Steppable;
import io.telos.model.RobotModel;
import java.util.Arrays;
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
 * A robot whose scene objects are seen, not told: wraps a bridge, takes the pictures of its camera
 * ({@link RobotHardware#onFrame}), finds the objects in them with a {@link FiducialTracker}, and
 * reports the tracker's poses as {@link #objects()}, so the runtime's perception attaches them to
 * each observation exactly where a bridge's ground-truth poses went. Whatever the bridge itself
 * reports as object poses is not used.
 *
 * <p>Threads: in lock-step ({@code synchronous}) each picture is processed on the thread that
 * delivers it, so a run repeats exactly. Otherwise pictures go to one tracker thread through a
 * one-slot mailbox: a picture that arrives while the previous one is still being processed
 * replaces it (counted in {@link #dropped()}); the bridge's thread never waits.
 *
 * <p>Bad pictures: a frame the tracker cannot take (wrong size, an internal failure) is counted,
 * reported to the {@code onRejected} listeners (the runtime turns it into a {@code BAD_INPUT}
 * fault record) and skipped; the tracker keeps the poses it had.
 */
public class CameraObjects extends ForwardingRobotHardware {
  private static final Logger LOG = LoggerFactory.getLogger(CameraObjects.class);
  private static final int LATENCY_RING = 4096;

  private final FiducialTracker tracker;
  private final Clock clock;
  private final boolean synchronous;
  private final String component;
  private final List<Consumer<String>> rejectedListeners = new CopyOnWriteArrayList<>();
  private final AtomicReference<CameraFrame> mailbox = new AtomicReference<>();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final long[] latency = new long[LATENCY_RING]; // guarded by this
  private long processed; // guarded by this
  private volatile boolean running;
  private Thread worker;

  /**
   * Wraps {@code inner}; the result is {@link Steppable} when {@code inner} is, so a lock-step
   * runtime steps the bridge through it.
   *
   * @param synchronous process each picture on the delivering thread (lock-step runs)
   */
  public static CameraObjects wrap(RobotHardware inner, FiducialTracker tracker, Clock clock, boolean synchronous) {
    return inner instanceof Steppable s ? new Stepped(inner, s, tracker, clock, synchronous)
        : new CameraObjects(inner, tracker, clock, synchronous);
  }

  /**
   * A {@link FiducialTracker.ToolProbe} reading where the tool is from {@code hardware}'s latest
   * joint state through {@code model}'s forward kinematics (the end effector, the tool's contact
   * sphere's centre); null while a joint of the chain is missing from the state or not finite.
   */
  public static FiducialTracker.ToolProbe toolOf(RobotHardware hardware, RobotModel model) {
    List<String> chain = model.jointNames();
    return stampNs -> {
      JointState s = hardware.read();
      if (s == null) {
        return null;
      }
      double[] q = new double[chain.size()];
      List<String> names = s.names();
      boolean same = names.equals(chain);
      for (int i = 0; i < q.length; i++) {
        int k = same ? i : names.indexOf(chain.get(i));
        if (k < 0 || k >= s.position().size() || !Double.isFinite(s.position().get(k))) {
          return null;
        }
        q[i] = s.position().get(k);
      }
      return model.chain().forwardPosition(q);
    };
  }

  private static final class Stepped extends CameraObjects implements Steppable {
    private final Steppable steppable;

    Stepped(RobotHardware inner, Steppable steppable, FiducialTracker tracker, Clock clock, boolean synchronous) {
      super(inner, tracker, clock, synchronous);
      this.steppable = steppable;
    }

    @Override
    public void step(long dtNs) {
      steppable.step(dtNs);
    }
  }

  private CameraObjects(RobotHardware inner, FiducialTracker tracker, Clock clock, boolean synchronous) {
    super(inner);
    this.tracker = Objects.requireNonNull(tracker, "tracker");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.synchronous = synchronous;
    this.component = "perception/" + inner.robotId() + "/camera";
    inner.onFrame(this::onPicture);
  }

  @Override
  public void start() throws Exception {
    if (!synchronous) {
      running = true;
      worker = Thread.ofPlatform().daemon(true).name("telos-tracker-" + robotId()).start(this::run);
    }
    super.start();
    LOG.info("component={} event=started mode={}", component, synchronous ? "synchronous" : "tracker_thread");
  }

  /** The tracked objects, from the pictures; the bridge's own object poses are not used. */
  @Override
  public List<ObjectPose> objects() {
    return tracker.objects();
  }

  @Override
  public void onRejected(Consumer<String> listener) {
    rejectedListeners.add(listener);
    super.onRejected(listener);
  }

  public FiducialTracker tracker() {
    return tracker;
  }

  /** Pictures skipped because the tracker was still busy with the previous one. */
  public long dropped() {
    return dropped.get();
  }

  /** Pictures the tracker could not take. */
  public long refused() {
    return refused.get();
  }

  /** Pictures processed. */
  public synchronized long processed() {
    return processed;
  }

  /**
   * Latency from each picture's stamp to its poses being available, ns, of the last (up to 4,096)
   * processed pictures, sorted.
   */
  public synchronized long[] latencies() {
    long[] out = Arrays.copyOf(latency, (int) Math.min(processed, LATENCY_RING));
    Arrays.sort(out);
    return out;
  }

  private void onPicture(CameraFrame frame) {
    if (synchronous) {
      process(frame);
    } else if (mailbox.getAndSet(frame) != null) {
      dropped.incrementAndGet();
    } else {
      LockSupport.unpark(worker);
    }
  }

  private void run() {
    while (running) {
      CameraFrame f = mailbox.getAndSet(null);
      if (f == null) {
        LockSupport.park(this);
        continue;
      }
      process(f);
    }
  }

  private void process(CameraFrame frame) {
    try {
      tracker.process(frame);
    } catch (RuntimeException e) {
      long n = refused.incrementAndGet();
      if (Long.bitCount(n) == 1) {
        String why = "camera frame " + frame.sequence() + " refused: " + e.getMessage();
        LOG.warn("component={} event=frame_refused refused_total={} reason=\"{}\"", component, n, e.getMessage());
        for (Consumer<String> l : rejectedListeners) {
          l.accept(why);
        }
      }
      return;
    }
    long lat = clock.nanos() - frame.stampNs();
    synchronized (this) {
      latency[(int) (processed % LATENCY_RING)] = lat;
      processed++;
    }
  }

  @Override
  public void close() {
    running = false;
    Thread w = worker;
    if (w != null) {
      LockSupport.unpark(w);
      try {
        w.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    super.close();
    LOG.info("component={} event=closed {}", component, tracker);
  }
}
