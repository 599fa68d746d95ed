package io.telos.runtime;

import io.telos.api.Clock;
import io.telos.api.Fault.Severity;
import io.telos.api.Header;
import io.telos.api.ResponseReport;
import io.telos.api.spi.ResponseIdentifier;
import io.telos.model.ActuatorResponse;
import io.telos.runtime.safety.FaultSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the online {@link ResponseIdentifier} for its estimate (about once a second, off the servo
 * thread), publishes it, and raises {@code RESPONSE_MISMATCH} when the declared response disagrees
 * with what was identified in {@value #CONFIRM} reports running — the arm is then not silently
 * planned for as declared. The fault is raised again only after the reports agreed in between.
 *
 * <p>With an adopter ({@code robot.response.adapt}) a confirmed disagreement is not a fault: the
 * identified lag and dead time replace the response in force (joint by joint, where the joint
 * moved enough to tell; speed ceilings kept) and the adopter takes it to the kernel, the planner
 * and the identifier, whose later reports are judged against it.
 */
final class ResponseWatch {
  private static final Logger LOG = LoggerFactory.getLogger(ResponseWatch.class);
  /** Consecutive disagreeing reports before the fault: one report may rest on a short motion. */
  static final int CONFIRM = 2;
  /**
   * The longest lag adopted, s: position controllers lag tens to hundreds of milliseconds; a
   * longer fit is a joint that was blocked or held while commanded, not a response to plan for.
   */
  static final double MAX_ADOPTED_LAG_S = 1.0;
  /** A joint's lag is adopted only when its uncertainty is within this fraction of it, or {@link #MIN_SIGMA_S}. */
  static final double SIGMA_FRACTION = 0.5;
  static final double MIN_SIGMA_S = 0.02;

  private final String robotId;
  private final ResponseIdentifier identifier;
  private final Clock clock;
  private final FaultSink faults;
  private final Consumer<ResponseReport> publish;
  private long sequence;
  private int disagreeing;
  private boolean raised;
  private volatile ResponseReport latest;
  private final Consumer<ActuatorResponse> adopter;
  private volatile ActuatorResponse inForce;
  private volatile long adoptions;

  ResponseWatch(String robotId, ResponseIdentifier identifier, Clock clock, FaultSink faults,
      Consumer<ResponseReport> publish) {
    this(robotId, identifier, clock, faults, publish, null, null);
  }

  /**
   * @param declared the response in force at start (the launch file's)
   * @param adopter takes an identified response into use; null to report a mismatch as a fault instead
   */
  ResponseWatch(String robotId, ResponseIdentifier identifier, Clock clock, FaultSink faults,
      Consumer<ResponseReport> publish, ActuatorResponse declared, Consumer<ActuatorResponse> adopter) {
    this.robotId = robotId;
    this.identifier = identifier;
    this.clock = clock;
    this.faults = faults;
    this.publish = publish;
    this.inForce = declared;
    this.adopter = declared == null ? null : adopter;
  }

  /** One estimate: identify, publish, judge the declaration. One caller at a time (the runtime's identification thread). */
  synchronized void poll() {
    long start = System.nanoTime();
    ResponseReport r = identifier.identify(new Header(sequence++, clock.nanos(), "identify/" + robotId, ""));
    if (r == null) {
      return;
    }
    latest = r;
    publish.accept(r);
    LOG.debug("component=identify/{} event=estimate fit_ms={} {}", robotId, (System.nanoTime() - start) / 1_000_000,
        r.summary());
    if (!r.mismatch()) {
      disagreeing = 0;
      raised = false;
      return;
    }
    disagreeing++;
    if (disagreeing >= CONFIRM && adopter != null) {
      adopt(r);
      return;
    }
    if (disagreeing >= CONFIRM && !raised) {
      raised = true;
      faults.fault(Severity.WARNING, "RESPONSE_MISMATCH", "the arm does not respond as robot.response declares: "
          + String.join("; ", r.mismatches()) + " (run `telos identify` and update the launch file)");
    }
  }

  private void adopt(ResponseReport r) {
    disagreeing = 0;
    double[] lag = r.lagS().toArray();
    double[] dead = r.deadTimeS().toArray();
    double[] ceiling = r.maxVelocity().toArray();
    List<String> refused = new ArrayList<>();
    for (int i = 0; i < lag.length; i++) {
      if (!Double.isFinite(lag[i])) {
        continue;
      }
      double sigma = r.lagSigmaS().get(i);
      if (lag[i] > MAX_ADOPTED_LAG_S || !(sigma <= Math.max(MIN_SIGMA_S, SIGMA_FRACTION * lag[i]))) {
        refused.add(String.format(Locale.ROOT, "%s: lag %.3f ± %.3f s", r.joints().get(i), lag[i], sigma));
        lag[i] = Double.NaN; // keep what is in force for this joint
        dead[i] = Double.NaN;
        ceiling[i] = Double.NaN;
      }
    }
    if (!refused.isEmpty() && !raised) {
      raised = true;
      faults.fault(Severity.WARNING, "RESPONSE_MISMATCH", "identified response not adopted where implausible (a lag"
          + " over " + MAX_ADOPTED_LAG_S + " s or too uncertain: a blocked or held joint?): " + String.join("; ", refused));
    }
    ActuatorResponse next = inForce.adopting(lag, dead, ceiling);
    if (next.equals(inForce)) {
      return;
    }
    inForce = next;
    adoptions++;
    adopter.accept(next);
    LOG.info("component=identify/{} event=response_adopted lag_ms={} dead_time_ms={} max_velocity={} disagreeing={}"
        + " first=\"{}\"", robotId, Arrays.toString(scaled(next.lagS(), 1e3)),
        Arrays.toString(scaled(next.deadTimeS(), 1e3)), Arrays.toString(next.maxVelocity()),
        r.mismatches().size(), r.mismatches().get(0));
  }

  private static double[] scaled(double[] v, double k) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.round(v[i] * k * 10) / 10.0;
    }
    return out;
  }

  /** The response in force: the declared one, or the last adopted; null when not watched for adoption. */
  ActuatorResponse inForce() {
    return inForce;
  }

  /** Identified responses adopted so far. */
  long adoptions() {
    return adoptions;
  }

  /** The latest report, or null before the first. */
  ResponseReport latest() {
    return latest;
  }

  /** Identified lag per joint (s) for the metrics; empty before the first report. */
  Map<String, Double> lagS() {
    return perJoint(true);
  }

  /** Identified dead time per joint (s) for the metrics; empty before the first report. */
  Map<String, Double> deadTimeS() {
    return perJoint(false);
  }

  private Map<String, Double> perJoint(boolean lag) {
    ResponseReport r = latest;
    Map<String, Double> out = new TreeMap<>();
    if (r != null) {
      for (int i = 0; i < r.joints().size(); i++) {
        double v = lag ? r.lagS().get(i) : r.deadTimeS().get(i);
        if (Double.isFinite(v)) {
          out.put(r.joints().get(i), v);
        }
      }
    }
    return out;
  }
}
