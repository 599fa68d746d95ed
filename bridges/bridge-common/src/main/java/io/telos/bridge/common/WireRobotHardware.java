package io.telos.bridge.common;

import io.telos.api.Clock;
import io.telos.api.JointCommand;
import io.telos.api.camera.CameraFrame;
import io.telos.api.spi.RobotHardware;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every bridge that reaches a robot over a wire (MQTT, ROS 2) does the same way, so each
 * transport writes only its own wire:
 *
 * <ul>
 *   <li>{@link #write(JointCommand)} never blocks: the command goes into a one-slot
 *       {@link CommandOutbox} (the latest wins) whose thread hands it to {@link #send}; the
 *       outbox's counters are this bridge's ({@link #writes()}, {@link #sentCommands()},
 *       {@link #droppedCommands()}, {@link #supersededCommands()}).
 *   <li>Refused input is counted per kind ({@link Rejections}: {@code state} and {@code camera}
 *       here, more in a subclass) and reported to {@link #onRejected} listeners, thinned.
 *   <li>An e-stop from the wire ({@link #estop(String)}) is counted, logged and passed to the
 *       {@link #onEstop} listeners; camera pictures ({@link #deliver(CameraFrame)}) to the
 *       {@link #onFrame} listeners. A failing listener is logged, never thrown to the transport.
 * </ul>
 *
 * <p>Threads: {@link #send} runs on the outbox's thread; the protected helpers on the transport's
 * receiving thread (one at a time per kind of input); the getters anywhere.
 */
public abstract class WireRobotHardware implements RobotHardware {
  /** How long after a refused state {@link #recentlyRefused()} holds: health is DEGRADED meanwhile. */
  protected static final long DEGRADED_NS = TimeUnit.SECONDS.toNanos(1);
  /** The longest e-stop reason kept; a longer one is cut. */
  static final int MAX_REASON = 200;

  /** The concrete bridge's logger, so its lines keep their class's name. */
  private final Logger log = LoggerFactory.getLogger(getClass());
  private final String robotId;
  private final List<String> joints;
  /** The bridge's clock: states are stamped with it on arrival. */
  protected final Clock clock;
  /** {@code <transport>/<robotId>}, the component id of this bridge's log lines. */
  protected final String component;
  /** The one-slot command mailbox; start it in {@link #start()}, close it in {@link #close()}. */
  protected final CommandOutbox outbox;
  /** Refused input, by kind. */
  protected final Rejections rejections;
  /** Refused joint states. */
  protected final Rejections.Kind rejectedState;
  /** Refused camera pictures. */
  protected final Rejections.Kind rejectedImages;
  private final List<Consumer<String>> estopListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<CameraFrame>> frameListeners = new CopyOnWriteArrayList<>();
  private volatile long acceptedStates;
  private volatile long imagesDelivered;
  private volatile long estops;
  private volatile String lastEstop;

  /**
   * @param transport the first part of the component id and of the publisher thread's name, e.g.
   *     {@code mqtt}
   * @param jointNames the chain's joint names: the order of {@link #read()} and of the commands
   */
  protected WireRobotHardware(String transport, String robotId, List<String> jointNames, Clock clock) {
    this.robotId = Objects.requireNonNull(robotId, "robotId");
    this.joints = List.copyOf(jointNames);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.component = transport + "/" + robotId;
    this.outbox = new CommandOutbox(component, "telos-" + transport + "-publish-" + robotId, this::send);
    this.rejections = new Rejections(component);
    this.rejectedState = rejections.kind("state");
    this.rejectedImages = rejections.kind("camera");
  }

  /**
   * Hands one command to the transport, on the outbox's thread, at most one in flight.
   *
   * @return false to drop it (link down, stale command, joints the wire cannot carry)
   */
  protected abstract boolean send(JointCommand command) throws Exception;

  @Override
  public final String robotId() {
    return robotId;
  }

  @Override
  public final List<String> jointNames() {
    return joints;
  }

  @Override
  public final void write(JointCommand command) {
    outbox.offer(command);
  }

  /** Called with the reason of every e-stop from the wire (on the transport's thread; must not block). */
  @Override
  public final void onEstop(Consumer<String> listener) {
    estopListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Called for the 1st, 2nd, 4th… refused input of a kind (on the transport's thread; must not block). */
  @Override
  public final void onRejected(Consumer<String> listener) {
    rejections.onReported(listener);
  }

  /** Registers a listener for the camera's pictures (on the bridge's camera thread; must not block). */
  @Override
  public void onFrame(Consumer<CameraFrame> listener) {
    frameListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Whether anything listens to the camera (a bridge subscribes to pictures only then). */
  protected final boolean framesWanted() {
    return !frameListeners.isEmpty();
  }

  /** Counts one accepted joint state; call from the receiving thread. */
  protected final void accepted() {
    acceptedStates++;
  }

  /** Whether a state was refused within the last second ({@link Health#DEGRADED} meanwhile). */
  protected final boolean recentlyRefused() {
    return rejectedState.recent(clock.nanos(), DEGRADED_NS);
  }

  /**
   * An e-stop from the wire: {@code reason} (cut to {@value #MAX_REASON} characters) is counted,
   * logged and handed to the {@link #onEstop} listeners.
   */
  protected final void estop(String reason) {
    String r = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
    estops++;
    lastEstop = r;
    log.warn("component={} event=estop reason=\"{}\"", component, r);
    Listeners.fire(estopListeners, r, component, "estop_listener_failed");
  }

  /** Counts a decoded picture and hands it to the {@link #onFrame} listeners. */
  protected final void deliver(CameraFrame frame) {
    imagesDelivered++;
    Listeners.fire(frameListeners, frame, component, "frame_listener_failed");
  }

  /** Joint states accepted. */
  public final long acceptedStates() {
    return acceptedStates;
  }

  /** Joint states refused (malformed, non-finite, unknown or missing joints). */
  public final long rejectedStates() {
    return rejectedState.count();
  }

  /** Why the last refused state was refused, or null. */
  public final String lastRejection() {
    return rejectedState.last();
  }

  /** Commands passed to {@link #write}. */
  public final long writes() {
    return outbox.writes();
  }

  /** Commands handed to the transport. */
  public final long sentCommands() {
    return outbox.sent();
  }

  /** Commands dropped: link down, stale, refused by the transport or failed. */
  public final long droppedCommands() {
    return outbox.dropped();
  }

  /** Commands replaced by a newer one before they were sent. */
  public final long supersededCommands() {
    return outbox.superseded();
  }

  /** E-stops received from the wire. */
  public final long estops() {
    return estops;
  }

  /** The reason of the last e-stop from the wire, or null. */
  public final String lastEstop() {
    return lastEstop;
  }

  /** Pictures decoded and delivered. */
  public final long imagesDelivered() {
    return imagesDelivered;
  }

  /** Pictures refused (malformed, truncated, oversized, or disagreeing with the camera's calibration). */
  public final long imagesRejected() {
    return rejectedImages.count();
  }

  /** Why the last refused picture was refused, or null. */
  public final String lastImageRejection() {
    return rejectedImages.last();
  }

  /** The stop line both transports log: what was accepted, refused, sent and dropped. */
  protected final void logStop() {
    log.info("component={} event=stop acceptedStates={} rejectedStates={} sentCommands={} droppedCommands={}",
        component, acceptedStates, rejectedState.count(), outbox.sent(), outbox.dropped());
  }
}
