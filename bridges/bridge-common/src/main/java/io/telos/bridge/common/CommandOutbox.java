package io.telos.bridge.common;

import io.telos.api.JointCommand;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outgoing half of a robot bridge. {@code RobotHardware.write} runs on the servo loop and must
 * never block, so it only {@link #offer offers} the command to a one-slot mailbox; a sender thread
 * takes the newest command and hands it to the transport. A command offered while an older one
 * still waits replaces it (counted as {@link #superseded()}): the robot wants the latest command,
 * never a queue of old ones. The sender thread sleeps when there is nothing to send and is woken
 * only then, so a busy loop costs no system call per tick.
 *
 * <p>Counters: {@link #writes()} offered, {@link #sent()} handed to the transport,
 * {@link #dropped()} refused by the sender or failed, {@link #superseded()} replaced before sending.
 */
public final class CommandOutbox implements AutoCloseable {
  /** Hands one command to the transport, on the outbox's thread. */
  @FunctionalInterface
  public interface Sender {
    /**
     * @return true when handed to the transport; false when refused (link down, stale command):
     *     counted as dropped. An exception is counted as dropped too, and logged at debug level.
     */
    boolean send(JointCommand command) throws Exception;
  }

  private static final Logger LOG = LoggerFactory.getLogger(CommandOutbox.class);

  private final String component;
  private final String threadName;
  private final Sender sender;
  private final AtomicReference<JointCommand> slot = new AtomicReference<>();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong superseded = new AtomicLong();
  private volatile long writes;
  private volatile long sent;
  private volatile boolean running;
  private volatile boolean waiting;
  private volatile Thread thread;

  /**
   * @param component the bridge's component id, for logs (e.g. {@code mqtt/arm1})
   * @param threadName the sender thread's name
   */
  public CommandOutbox(String component, String threadName, Sender sender) {
    this.component = Objects.requireNonNull(component, "component");
    this.threadName = Objects.requireNonNull(threadName, "threadName");
    this.sender = Objects.requireNonNull(sender, "sender");
  }

  /** Starts the sender thread; commands offered before are ignored. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::loop);
    thread.start();
  }

  /** Called by the servo loop: never blocks. A null command, or one offered while stopped, is only counted. */
  public void offer(JointCommand command) {
    writes++; // one writer: the servo loop
    if (command == null || !running) {
      return;
    }
    if (slot.getAndSet(command) != null) {
      superseded.incrementAndGet();
    }
    if (waiting) {
      LockSupport.unpark(thread);
    }
  }

  /**
   * For a sender that waited (for a previous publication to complete): the command offered since
   * {@code taken} was taken, if any (then {@code taken} counts as superseded), else {@code taken}.
   */
  public JointCommand newest(JointCommand taken) {
    JointCommand newer = slot.getAndSet(null);
    if (newer == null) {
      return taken;
    }
    superseded.incrementAndGet();
    return newer;
  }

  /** Drops the command waiting, if any (the link went down: it will be stale once back). */
  public void discard() {
    if (slot.getAndSet(null) != null) {
      dropped.incrementAndGet();
    }
  }

  /** Stops the sender thread, waiting up to {@code joinMs} for the command being sent. */
  public void close(long joinMs) {
    Thread t;
    synchronized (this) {
      if (!running) {
        return;
      }
      running = false;
      t = thread;
    }
    LockSupport.unpark(t);
    try {
      t.join(joinMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(2000);
  }

  public boolean running() {
    return running;
  }

  /** Commands offered (including those offered while stopped). */
  public long writes() {
    return writes;
  }

  /** Commands handed to the transport. */
  public long sent() {
    return sent;
  }

  /** Commands the sender refused or failed to send, or discarded while waiting. */
  public long dropped() {
    return dropped.get();
  }

  /** Commands replaced by a newer one before they were sent. */
  public long superseded() {
    return superseded.get();
  }

  private void loop() {
    Thread self = Thread.currentThread();
    while (running && thread == self) { // a restart after a close that timed out leaves one sender
      JointCommand c = slot.getAndSet(null);
      if (c == null) {
        waiting = true;
        c = slot.getAndSet(null); // offered between the first look and the flag
        if (c == null) {
          LockSupport.park(this);
          waiting = false;
          continue;
        }
        waiting = false;
      }
      try {
        if (sender.send(c)) {
          sent++; // one writer: this thread
        } else {
          dropped.incrementAndGet();
        }
      } catch (Exception e) {
        dropped.incrementAndGet();
        LOG.debug("component={} event=command_dropped cause=\"{}\"", component, e.toString());
      }
    }
  }
}
