package io.telos.planner.djl;

import io.telos.api.Observation;
import io.telos.planner.spi.WorldModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A world model whose engine can be replaced while the planner runs. A new version is loaded and
 * checked on the caller's thread ({@link #offer(Path)}, e.g. the trainer's worker); the planner's
 * thread picks it up at its next {@link #encode} (the start of a plan), so one plan never mixes two
 * models and no control cycle waits for a load. A file that cannot be used is refused with a clear
 * error and the running model stays.
 *
 * <p>The state width is fixed at construction ({@code width}); a delegate with narrower states (the
 * analytic fallback uses {@code 2 n}) is fed through repacked buffers, so the planner's buffers
 * never change size.
 */
public final class SwappableWorldModel implements WorldModel, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("planner.learned");
  private final int width;
  private final Function<Path, WorldModel> loader;
  private final AtomicReference<WorldModel> pending = new AtomicReference<>();
  private volatile WorldModel current;
  private volatile int swaps;
  private double[] a = new double[0];
  private double[] b = new double[0];

  /**
   * @param initial the model that runs until a new version is accepted
   * @param width state width the planner sees; at least every delegate's {@link #stateSize()}
   * @param loader loads and checks a model file, throwing {@link ModelFileException} when unusable
   */
  public SwappableWorldModel(WorldModel initial, int width, Function<Path, WorldModel> loader) {
    this.current = Objects.requireNonNull(initial, "initial");
    if (width < initial.stateSize()) {
      throw new IllegalArgumentException("width " + width + " < state size " + initial.stateSize());
    }
    this.width = width;
    this.loader = loader;
  }

  /**
   * Loads {@code file} and queues it to replace the running model at the next plan.
   *
   * @throws ModelFileException when the file is refused; the running model is untouched
   */
  public void offer(Path file) {
    WorldModel next = loader.apply(file);
    if (next.dof() != current.dof() || next.stateSize() > width) {
      closeQuietly(next);
      throw new ModelFileException("model file " + file + " does not fit the running planner: " + next.dof()
          + " joints / state " + next.stateSize() + ", the planner has " + current.dof() + " joints / state "
          + width);
    }
    WorldModel old = pending.getAndSet(next);
    closeQuietly(old);
    LOG.info("component=planner/learned event=model_accepted model={} file={} (it takes over at the next plan)", next.name(), file);
  }

  /**
   * Queues {@code model} (the analytic fallback, already built) to replace the running one at the
   * next plan: what a planner returns to when every learned version has been withdrawn.
   */
  public void fallBack(WorldModel model) {
    if (model.dof() != current.dof() || model.stateSize() > width) {
      throw new IllegalArgumentException(model.name() + " does not fit the running planner");
    }
    closeQuietly(pending.getAndSet(model));
    LOG.info("component=planner/learned event=no_version_left fallback={} (it takes over at the next plan)", model.name());
  }

  /** The model currently answering. */
  public WorldModel current() {
    return current;
  }

  /** Number of swaps done so far. */
  public int swaps() {
    return swaps;
  }

  @Override
  public String name() {
    return current.name();
  }

  @Override
  public int dof() {
    return current.dof();
  }

  @Override
  public int stateSize() {
    return width;
  }

  @Override
  public double dtS() {
    return current.dtS();
  }

  @Override
  public double actionBound(int i) {
    return current.actionBound(i);
  }

  @Override
  public boolean hasUncertainty() {
    return true;
  }

  @Override
  public void encode(Observation observation, double[] stateOut) {
    WorldModel next = pending.getAndSet(null);
    if (next != null) {
      WorldModel old = current;
      current = next;
      swaps++;
      closeQuietly(old);
      LOG.info("component=planner/learned event=now_planning model={}", next.name());
    }
    WorldModel m = current;
    if (m.stateSize() == width) {
      m.encode(observation, stateOut);
    } else {
      Arrays.fill(stateOut, 0, width, 0.0);
      m.encode(observation, stateOut);
    }
  }

  @Override
  public void step(double[] states, double[] actions, int batch, double[] next) {
    WorldModel m = current;
    int s = m.stateSize();
    if (s == width) {
      m.step(states, actions, batch, next);
      return;
    }
    double[] in = pack(states, batch, s, true);
    double[] out = scratchB(batch * s);
    m.step(in, actions, batch, out);
    Arrays.fill(next, 0, batch * width, 0.0);
    for (int k = 0; k < batch; k++) {
      System.arraycopy(out, k * s, next, k * width, s);
    }
  }

  @Override
  public void probe(Probe probe, double[] states, int batch, double[] out) {
    WorldModel m = current;
    int s = m.stateSize();
    m.probe(probe, s == width ? states : pack(states, batch, s, true), batch, out);
  }

  @Override
  public void uncertainty(double[] states, double[] actions, int batch, double[] out) {
    WorldModel m = current;
    int s = m.stateSize();
    m.uncertainty(s == width ? states : pack(states, batch, s, true), actions, batch, out);
  }

  private double[] pack(double[] states, int batch, int s, boolean unused) {
    if (a.length < batch * s) {
      a = new double[batch * s];
    }
    for (int k = 0; k < batch; k++) {
      System.arraycopy(states, k * width, a, k * s, s);
    }
    return a;
  }

  private double[] scratchB(int len) {
    if (b.length < len) {
      b = new double[len];
    }
    return b;
  }

  private static void closeQuietly(WorldModel m) {
    if (m instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("component=planner/learned event=close_failed model={} reason=\"{}\"", m.name(), e.toString());
      }
    }
  }

  @Override
  public void close() {
    closeQuietly(pending.getAndSet(null));
    closeQuietly(current);
  }
}
