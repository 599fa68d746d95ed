package io.telos.runtime.safety;

import io.telos.api.Clock;
import io.telos.api.Fault.Severity;
import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.SimulatedClock;
import io.telos.api.Vec;
import io.telos.api.spi.ResponseIdentifier;
import io.telos.api.spi.RobotHardware;
import io.telos.api.spi.Steppable;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servo thread: read the robot, run the {@link SafetyKernel}, write the command, publish
 * telemetry. In wall-clock mode it paces itself at the kernel's rate; in lock-step mode it steps
 * the simulated robot and the {@link SimulatedClock} itself and, every {@code publishEvery} ticks,
 * waits until the planner has answered the state it just published — so a seeded run repeats
 * exactly, faster than real time.
 */
public final class ServoLoop implements AutoCloseable {
  /** Receives what the loop publishes; called on the servo thread. */
  public interface Telemetry {
    /** A state, at the publishing rate. */
    void state(JointState state);

    /** A command, at the publishing rate. */
    void command(JointCommand command);

    /** Every command written to the robot, at the servo rate, on the servo thread: keep it short. */
    default void issued(JointCommand command) {}
  }

  private static final Logger LOG = LoggerFactory.getLogger(ServoLoop.class);
  private static final long LOCKSTEP_WAIT_NS = TimeUnit.SECONDS.toNanos(5);

  private final String robotId;
  private final RobotHardware hardware;
  private final SafetyKernel kernel;
  private final Clock clock;
  private final SimulatedClock simClock;
  private final Steppable steppable;
  private final Telemetry telemetry;
  private final FaultSink faults;
  private final LimitMonitor monitor;
  private final int publishEvery;
  private final long spinNs;
  private final int[] toChain;
  private final List<String> chainNames;
  private final double[] measured;
  private final Histogram periodUs = new org.HdrHistogram.SynchronizedHistogram(1, 10_000_000, 3);
  private final Histogram tickUs = new org.HdrHistogram.SynchronizedHistogram(1, 10_000_000, 3);

  private volatile boolean running;
  private volatile long answeredStampNs = Long.MIN_VALUE;
  private Thread thread;
  private long sequence;
  private volatile long ticks;
  private long lockStepTimeouts;
  private volatile long commandHash = 1125899906842597L;
  private ResponseIdentifier identifier;
  private long simulatedPeriodNs;
  private Runnable simulatedTask;
  private long nextSimulatedTaskNs = Long.MIN_VALUE;
  private long identifiedStampNs = Long.MIN_VALUE;

  /**
   * @param chainNames joint names in the kernel's (chain) order
   * @param publishEvery publish the state every this many ticks (in lock-step: the planning period)
   */
  public ServoLoop(String robotId, RobotHardware hardware, List<String> chainNames, SafetyKernel kernel,
      LimitMonitor monitor, Clock clock, int publishEvery, long spinUs, Telemetry telemetry, FaultSink faults) {
    this.robotId = robotId;
    this.hardware = hardware;
    this.kernel = kernel;
    this.monitor = monitor;
    this.clock = clock;
    this.telemetry = telemetry;
    this.faults = faults;
    this.publishEvery = Math.max(1, publishEvery);
    this.spinNs = spinUs * 1000;
    this.chainNames = List.copyOf(chainNames);
    if (clock instanceof SimulatedClock sc) {
      if (!(hardware instanceof Steppable s)) {
        throw new IllegalArgumentException("clock: sim needs a bridge that can be stepped (bridge.type: sim); "
            + hardware.getClass().getSimpleName() + " cannot");
      }
      this.simClock = sc;
      this.steppable = s;
    } else {
      this.simClock = null;
      this.steppable = null;
    }
    List<String> hw = hardware.jointNames();
    this.toChain = new int[hw.size()];
    for (int j = 0; j < hw.size(); j++) {
      toChain[j] = chainNames.indexOf(hw.get(j));
    }
    for (String name : chainNames) {
      if (!hw.contains(name)) {
        throw new IllegalArgumentException("robot '" + robotId + "': bridge has no joint '" + name
            + "' (bridge joints: " + hw + ")");
      }
    }
    this.measured = new double[chainNames.size()];
  }

  /** Feeds every new measured state, with the command of the same tick, to {@code id}; call before {@link #start()}. */
  public void identifyWith(ResponseIdentifier id) {
    if (thread != null) {
      throw new IllegalStateException("servo/" + robotId + ": identifyWith after start");
    }
    this.identifier = id;
  }

  public boolean lockStep() {
    return simClock != null;
  }

  /**
   * In lock-step, runs {@code task} on the servo thread each time simulated time has advanced by
   * {@code periodNs} (between ticks, so its effect lands at the same tick in every run: what a wall
   * clock would schedule nondeterministically); call before {@link #start()}.
   */
  public void everySimulated(long periodNs, Runnable task) {
    if (!lockStep()) {
      throw new IllegalStateException("servo/" + robotId + ": everySimulated needs a lock-step clock");
    }
    if (thread != null) {
      throw new IllegalStateException("servo/" + robotId + ": everySimulated after start");
    }
    if (periodNs <= 0) {
      throw new IllegalArgumentException("period must be > 0, was " + periodNs);
    }
    this.simulatedPeriodNs = periodNs;
    this.simulatedTask = task;
  }

  /** Called when the planner has answered the state stamped {@code stampNs} (lock-step release). */
  public void answered(long stampNs) {
    if (stampNs > answeredStampNs) {
      answeredStampNs = stampNs;
    }
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = Thread.ofPlatform().name("telos-servo-" + robotId).daemon(true).priority(Thread.MAX_PRIORITY)
        .unstarted(this::run);
    thread.start();
  }

  private void run() {
    LOG.info("component=servo/{} event=start mode={} periodUs={}", robotId,
        lockStep() ? "lock-step" : "wall-clock", kernel.periodNs() / 1000);
    long period = kernel.periodNs();
    Pacer pacer = new Pacer(period, spinNs);
    long lastWake = 0;
    try {
      while (running) {
        long wake = System.nanoTime();
        if (lastWake != 0) {
          periodUs.recordValue(Math.max(1, (wake - lastWake) / 1000));
        }
        lastWake = wake;
        long now = clock.nanos();
        JointState state = hardware.read();
        boolean published = false;
        if (state != null && ticks % publishEvery == 0) {
          telemetry.state(state);
          published = true;
        }
        if (published && lockStep()) {
          awaitAnswer(state.header().stampNs());
        }
        long computeStart = System.nanoTime();
        double[] m = mapState(state);
        boolean ready = kernel.tick(now, m, state == null ? 0 : state.header().stampNs());
        if (m != null) {
          monitor.measured(m);
        }
        if (ready) {
          double[] p = kernel.commandPosition();
          double[] v = kernel.commandVelocity();
          monitor.command(p, v);
          long h = commandHash;
          for (int i = 0; i < p.length; i++) {
            h = 31 * (31 * h + Double.doubleToLongBits(p[i])) + Double.doubleToLongBits(v[i]);
          }
          commandHash = h;
          JointCommand cmd = new JointCommand(new Header(sequence++, now, "safety/" + robotId, ""),
              chainNames, Vec.of(p), Vec.of(v), kernel.arbiter().mode());
          hardware.write(cmd);
          telemetry.issued(cmd);
          if (ticks % publishEvery == 0) {
            telemetry.command(cmd);
          }
          if (identifier != null && m != null && state.header().stampNs() != identifiedStampNs) {
            identifiedStampNs = state.header().stampNs();
            identifier.record(now, p, m);
          }
        }
        ticks++;
        tickUs.recordValue(Math.max(1, (System.nanoTime() - computeStart) / 1000));
        if (lockStep()) {
          if (simulatedTask != null) {
            runSimulatedTask(now);
          }
          steppable.step(period);
          simClock.advance(period);
          lastWake = 0;
        } else {
          pacer.await();
        }
      }
    } catch (RuntimeException e) {
      LOG.error("component=servo/{} event=crash", robotId, e);
      faults.fault(Severity.CRITICAL, "SERVO_CRASH", e.toString());
      kernel.arbiter().protectiveStop("servo loop crashed: " + e);
    }
    LOG.info("component=servo/{} event=stop ticks={}", robotId, ticks);
  }

  private void runSimulatedTask(long now) {
    if (nextSimulatedTaskNs == Long.MIN_VALUE) {
      nextSimulatedTaskNs = now + simulatedPeriodNs;
    } else if (now >= nextSimulatedTaskNs) {
      nextSimulatedTaskNs += simulatedPeriodNs;
      simulatedTask.run();
    }
  }

  private double[] mapState(JointState state) {
    if (state == null) {
      return null;
    }
    Vec pos = state.position();
    int found = 0;
    for (int j = 0; j < toChain.length && j < pos.size(); j++) {
      int c = toChain[j];
      if (c >= 0) {
        measured[c] = pos.get(j);
        found++;
      }
    }
    return found == measured.length ? measured : null;
  }

  private void awaitAnswer(long stampNs) {
    long deadline = System.nanoTime() + LOCKSTEP_WAIT_NS;
    while (running && answeredStampNs < stampNs) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        lockStepTimeouts++;
        faults.fault(Severity.ERROR, "LOCKSTEP_TIMEOUT", "no plan for the state at " + stampNs + " ns within 5 s");
        return;
      }
      LockSupport.parkNanos(this, Math.min(left, 1_000_000));
    }
  }

  /** Stops the loop and waits for the thread to end. */
  @Override
  public void close() {
    running = false;
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Wall-clock period between tick starts (µs), a copy; empty in lock-step mode. */
  public Histogram periodHistogramUs() {
    return periodUs.copy();
  }

  /** Compute time of one tick (µs), excluding pacing and lock-step waits; a copy. */
  public Histogram tickHistogramUs() {
    return tickUs.copy();
  }

  public long ticks() {
    return ticks;
  }

  /** Hash of every command sent so far (positions and velocities, bit-exact). */
  public long commandHash() {
    return commandHash;
  }

  public long lockStepTimeouts() {
    return lockStepTimeouts;
  }
}
