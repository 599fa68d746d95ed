package io.telos.runtime.teleop;

import io.telos.api.Clock;
import io.telos.api.Fault;
import io.telos.api.HandoverRequest;
import io.telos.api.Header;
import io.telos.api.LeaseChange;
import io.telos.api.Mode;
import io.telos.api.ModeChange;
import io.telos.api.OperatorAction;
import io.telos.api.OperatorCommand;
import io.telos.api.OperatorReply;
import io.telos.api.PlanSignals;
import io.telos.runtime.safety.ModeArbiter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of teleoperation: the control lease, operator commands, and the handover
 * requests raised by {@link HandoverPolicy}. Transport-free (the verticle binds it to the bus) and
 * single-threaded: every method is called on one thread (the event loop).
 *
 * <p>Lifecycle: a trigger fires while AUTONOMOUS → the arbiter goes to HOLD (controlled stop) and a
 * {@link HandoverRequest} opens. An operator TAKEs the lease → TELEOP from the current state (the
 * kernel starts integrating the jog from its last command: bumpless), the request closes. The holder
 * must send heartbeats; the kernel makes a protective stop when they stop. RELEASE → AUTONOMOUS
 * from the current state. A protective stop revokes the lease; RESET clears it into HOLD.
 */
public final class TeleopService {
  private static final Logger LOG = LoggerFactory.getLogger(TeleopService.class);

  /** Where the service's records go. */
  public interface Sink {
    void handover(HandoverRequest request);

    void lease(LeaseChange change);

    /** An entry of the operators' audit trail. */
    default void action(OperatorAction action) {}
  }

  /** An operator's jogs closer together than this are one entry of the audit trail. */
  static final long JOG_BURST_NS = 1_000_000_000L;

  private final String robotId;
  private final String source;
  private final ModeArbiter arbiter;
  private final ControlLease lease;
  private final JogDrive drive;
  private final HandoverPolicy policy;
  private final Clock clock;
  private final Sink sink;
  private HandoverRequest open;
  private long resumedAtNs = Long.MIN_VALUE;
  private long sequence;
  private long requests;
  /** When each operator's last accepted jog was handled (bursts of jogs are one audit entry). */
  private final Map<String, Long> lastJogNs = new HashMap<>();

  public TeleopService(String robotId, ModeArbiter arbiter, ControlLease lease, JogDrive drive, HandoverPolicy policy,
      Clock clock, Sink sink) {
    this.robotId = robotId;
    this.source = "teleop/" + robotId;
    this.arbiter = arbiter;
    this.lease = lease;
    this.drive = drive;
    this.policy = policy;
    this.clock = clock;
    this.sink = sink;
  }

  /**
   * Handles one operator command and says what happened. Every command goes to the audit trail
   * ({@link Sink#action}) with its outcome, except accepted heartbeats and the jogs of a burst after
   * its first (one entry per burst of jogs less than a second apart).
   */
  public OperatorReply handle(OperatorCommand c) {
    long now = clock.nanos();
    OperatorReply reply = dispatch(c, now);
    boolean jog = c.kind() == OperatorCommand.Kind.JOG && reply.accepted();
    boolean burst = jog && lastJogNs.containsKey(c.operator()) && now - lastJogNs.get(c.operator()) < JOG_BURST_NS;
    if (jog) {
      lastJogNs.put(c.operator(), now);
    }
    if (!(reply.accepted() && c.kind() == OperatorCommand.Kind.HEARTBEAT) && !burst) {
      sink.action(new OperatorAction(header(now), c.operator(), c.kind().name().toLowerCase(Locale.ROOT),
          reply.accepted(), reply.message() + (jog ? " " + c.frame().name().toLowerCase(Locale.ROOT) + " "
              + c.values() : "")));
    }
    return reply;
  }

  private OperatorReply dispatch(OperatorCommand c, long now) {
    String op = c.operator();
    if (op.isBlank()) {
      return refuse("operator name is empty");
    }
    return switch (c.kind()) {
      case TAKE -> take(op, now);
      case RELEASE -> release(op);
      case HEARTBEAT -> lease.heartbeat(op, now) ? accept("heartbeat")
          : refuse("'" + op + "' does not hold the lease" + heldBy());
      case JOG -> jog(c, now);
      case ESTOP -> {
        drive.stop();
        arbiter.protectiveStop("e-stop by operator '" + op + "'");
        yield accept("protective stop");
      }
      case RESET -> {
        String holder = lease.holder();
        if (!holder.isEmpty() && !holder.equals(op)) {
          yield refuse("the lease is held by '" + holder + "'");
        }
        yield arbiter.reset("reset by operator '" + op + "'") ? accept("protective stop cleared; holding")
            : refuse("not in protective stop");
      }
      case REQUEST -> {
        raise(new HandoverPolicy.Firing(HandoverRequest.Trigger.OPERATOR_REQUEST, "asked by operator '" + op + "'",
            now));
        yield accept("handover requested");
      }
    };
  }

  private OperatorReply take(String op, long now) {
    if (arbiter.mode() == Mode.PROTECTIVE_STOP) {
      return refuse("the arm is in protective stop: reset it first");
    }
    ControlLease.Grant g = lease.take(op, now);
    if (!g.granted()) {
      return refuse("the lease is held by '" + g.holder() + "'");
    }
    drive.stop();
    if (arbiter.mode() != Mode.TELEOP) {
      if (!arbiter.request(Mode.TELEOP, "control taken by operator '" + op + "'")) {
        lease.revoke();
        return refuse("the arbiter refused TELEOP from " + arbiter.mode());
      }
      sink.lease(new LeaseChange(header(now), op, "", "taken"));
      LOG.info("component=teleop/{} event=lease_taken operator={}", robotId, op);
      close("control taken by operator '" + op + "'", now);
    }
    return accept("you have control");
  }

  private OperatorReply release(String op) {
    if (!lease.holds(op)) {
      return refuse("'" + op + "' does not hold the lease" + heldBy());
    }
    long now = clock.nanos();
    drive.stop();
    policy.reset();
    // leave TELEOP before the lease goes, or the kernel would see TELEOP without a holder (deadman)
    boolean resumed = arbiter.mode() == Mode.TELEOP
        && arbiter.request(Mode.AUTONOMOUS, "control released by operator '" + op + "'");
    lease.release(op);
    sink.lease(new LeaseChange(header(now), "", op, "released"));
    LOG.info("component=teleop/{} event=lease_released operator={}", robotId, op);
    return accept(resumed ? "autonomy resumed" : "released; mode stays " + arbiter.mode());
  }

  private OperatorReply jog(OperatorCommand c, long now) {
    if (!lease.holds(c.operator())) {
      return refuse("'" + c.operator() + "' does not hold the lease" + heldBy());
    }
    if (arbiter.mode() != Mode.TELEOP) {
      return refuse("jog needs TELEOP; the mode is " + arbiter.mode());
    }
    lease.heartbeat(c.operator(), now);
    String err = drive.set(c.frame(), c.values().toArray(), now);
    return err == null ? accept("jog") : refuse(err);
  }

  /** Feeds one plan's signals (fires only while AUTONOMOUS, with no request open). */
  public void onSignals(PlanSignals s) {
    if (open != null || arbiter.mode() != Mode.AUTONOMOUS || s.header().stampNs() < resumedAtNs) {
      return;
    }
    HandoverPolicy.Firing f = policy.onSignals(s);
    if (f != null) {
      raise(f);
    }
  }

  /** Feeds one fault. */
  public void onFault(Fault f) {
    if (open != null || !lease.holder().isEmpty()) {
      return;
    }
    HandoverPolicy.Firing firing = policy.onFault(f);
    if (firing != null) {
      raise(firing);
    }
  }

  /** Feeds one mode change: a protective stop revokes the lease; autonomy closes an open request. */
  public void onMode(ModeChange c) {
    long now = c.header().stampNs();
    if (c.to() == Mode.PROTECTIVE_STOP || (c.from() == Mode.TELEOP && c.to() != Mode.AUTONOMOUS)) {
      drive.stop();
      String was = lease.revoke();
      if (!was.isEmpty()) {
        sink.lease(new LeaseChange(header(now), "", was, "revoked: " + c.reason()));
        LOG.warn("component=teleop/{} event=lease_revoked operator={} reason=\"{}\"", robotId, was, c.reason());
      }
    }
    if (c.to() == Mode.AUTONOMOUS) {
      resumedAtNs = now;
      policy.reset();
      close("autonomy resumed: " + c.reason(), now);
    }
  }

  private void raise(HandoverPolicy.Firing f) {
    if (open != null || !lease.holder().isEmpty()) {
      return;
    }
    long now = clock.nanos();
    if (arbiter.mode() == Mode.AUTONOMOUS) {
      arbiter.request(Mode.HOLD, "handover " + f.trigger() + ": " + f.detail());
    }
    requests++;
    open = new HandoverRequest(new Header(sequence++, f.stampNs(), source, ""), f.trigger(), f.detail(), true);
    LOG.warn("component=teleop/{} event=handover_request trigger={} detail=\"{}\" latencyUs={}", robotId, f.trigger(),
        f.detail(), (now - f.stampNs()) / 1000);
    sink.handover(open);
  }

  private void close(String why, long now) {
    if (open == null) {
      return;
    }
    HandoverRequest closed = new HandoverRequest(header(now), open.trigger(), why, false);
    open = null;
    sink.handover(closed);
  }

  /** The request that stands, or null. */
  public HandoverRequest openRequest() {
    return open;
  }

  /** Handover requests raised so far. */
  public long requests() {
    return requests;
  }

  public ControlLease lease() {
    return lease;
  }

  private String heldBy() {
    String h = lease.holder();
    return h.isEmpty() ? " (nobody does)" : " (held by '" + h + "')";
  }

  private Header header(long now) {
    return new Header(sequence++, now, source, "");
  }

  private OperatorReply accept(String message) {
    return new OperatorReply(true, arbiter.mode(), lease.holder(), message);
  }

  private OperatorReply refuse(String message) {
    return new OperatorReply(false, arbiter.mode(), lease.holder(), message);
  }
}
