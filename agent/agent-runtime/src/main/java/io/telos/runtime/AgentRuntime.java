package io.telos.runtime;

import io.telos.api.ActionChunk;
import io.telos.api.Addresses;
import io.telos.api.Clock;
import io.telos.api.Fault;
import io.telos.api.Goal;
import io.telos.api.GoalOutcome;
import io.telos.api.HandoverRequest;
import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.ModeChange;
import io.telos.api.Observation;
import io.telos.api.ResponseReport;
import io.telos.api.spi.Planner;
import io.telos.api.spi.ResponseIdentifier;
import io.telos.api.spi.RobotHardware;
import io.telos.api.spi.StateEstimator;
import io.telos.model.ActuatorResponse;
import io.telos.model.CollisionModel;
import io.telos.model.RobotModel;
import io.telos.runtime.bus.Codecs;
import io.telos.runtime.safety.LimitMonitor;
import io.telos.runtime.safety.ModeArbiter;
import io.telos.runtime.safety.SafetyConfig;
import io.telos.runtime.safety.SafetyKernel;
import io.telos.runtime.safety.ServoLoop;
import io.telos.runtime.teleop.ControlLease;
import io.telos.runtime.teleop.HandoverPolicy;
import io.telos.runtime.teleop.JogDrive;
import io.telos.runtime.teleop.TeleopConfig;
import io.telos.runtime.teleop.TeleopService;
import io.telos.runtime.teleop.TeleopVerticle;
import io.telos.runtime.verticle.PerceptionVerticle;
import io.telos.runtime.verticle.PlannerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires one robot's agent: bridge → servo loop (safety kernel) → bus → perception → planner → back
 * to the kernel through a lock-free handoff; the arbiter's transitions and every fault are records
 * on the bus.
 */
public final class AgentRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentRuntime.class);
  private static final long ROBOT_WAIT_NS = 10_000_000_000L;

  /**
   * Everything the runtime needs; the composition root (launch) builds the parts. {@code collision}
   * (nullable): the arm's collision model when the self-collision guardrail is on; the safety kernel
   * then rejects plans that collide ({@link SafetyKernel#setCollisionModel}); null: no such check.
   */
  public record Parts(
      String robotId,
      RobotModel model,
      RobotHardware hardware,
      StateEstimator estimator,
      Planner planner,
      List<Goal> goals,
      long settleNs,
      SafetyConfig safety,
      double plannerRateHz,
      double perceptionRateHz,
      Clock clock,
      TeleopConfig teleop,
      CollisionModel collision,
      ResponseIdentifier identifier,
      Consumer<ActuatorResponse> responseAdopter) {
    /**
     * Parts whose declared response is kept however the arm is identified (a mismatch is reported,
     * not adopted).
     */
    public Parts(String robotId, RobotModel model, RobotHardware hardware, StateEstimator estimator, Planner planner,
        List<Goal> goals, long settleNs, SafetyConfig safety, double plannerRateHz, double perceptionRateHz,
        Clock clock, TeleopConfig teleop, CollisionModel collision, ResponseIdentifier identifier) {
      this(robotId, model, hardware, estimator, planner, goals, settleNs, safety, plannerRateHz, perceptionRateHz,
          clock, teleop, collision, identifier, null);
    }

    /** Parts with the default teleoperation settings. */
    public Parts(String robotId, RobotModel model, RobotHardware hardware, StateEstimator estimator, Planner planner,
        List<Goal> goals, long settleNs, SafetyConfig safety, double plannerRateHz, double perceptionRateHz,
        Clock clock) {
      this(robotId, model, hardware, estimator, planner, goals, settleNs, safety, plannerRateHz, perceptionRateHz,
          clock, TeleopConfig.defaults());
    }

    /** Parts without a collision check of plans (the kernel adopts plans whatever the arm's geometry). */
    public Parts(String robotId, RobotModel model, RobotHardware hardware, StateEstimator estimator, Planner planner,
        List<Goal> goals, long settleNs, SafetyConfig safety, double plannerRateHz, double perceptionRateHz,
        Clock clock, TeleopConfig teleop) {
      this(robotId, model, hardware, estimator, planner, goals, settleNs, safety, plannerRateHz, perceptionRateHz,
          clock, teleop, null);
    }

    /** Parts without online identification of the arm's response. */
    public Parts(String robotId, RobotModel model, RobotHardware hardware, StateEstimator estimator, Planner planner,
        List<Goal> goals, long settleNs, SafetyConfig safety, double plannerRateHz, double perceptionRateHz,
        Clock clock, TeleopConfig teleop, CollisionModel collision) {
      this(robotId, model, hardware, estimator, planner, goals, settleNs, safety, plannerRateHz, perceptionRateHz,
          clock, teleop, collision, null);
    }

    /** The same parts with this bridge (e.g. wrapped by a monitor). */
    public Parts withHardware(RobotHardware h) {
      return new Parts(robotId, model, h, estimator, planner, goals, settleNs, safety, plannerRateHz, perceptionRateHz,
          clock, teleop, collision, identifier, responseAdopter);
    }

    /** The same parts with this planner. */
    public Parts withPlanner(Planner p) {
      return new Parts(robotId, model, hardware, estimator, p, goals, settleNs, safety, plannerRateHz, perceptionRateHz,
          clock, teleop, collision, identifier, responseAdopter);
    }

    /** The same parts with these goals. */
    public Parts withGoals(List<Goal> g) {
      return new Parts(robotId, model, hardware, estimator, planner, g, settleNs, safety, plannerRateHz, perceptionRateHz,
          clock, teleop, collision, identifier, responseAdopter);
    }

    /**
     * The same parts adopting the arm's identified response as it runs ({@code robot.response.adapt}):
     * when the online identification disagrees with the response in force twice running, the
     * runtime switches the safety kernel's tracking reference to what was identified and hands it
     * to {@code adopter} (the planner, the identifier's declaration); null keeps the declaration.
     */
    public Parts withResponseAdopter(Consumer<ActuatorResponse> adopter) {
      return new Parts(robotId, model, hardware, estimator, planner, goals, settleNs, safety, plannerRateHz,
          perceptionRateHz, clock, teleop, collision, identifier, adopter);
    }

    /** The same parts with this online identifier of the arm's response (null for none). */
    public Parts withIdentifier(ResponseIdentifier i) {
      return new Parts(robotId, model, hardware, estimator, planner, goals, settleNs, safety, plannerRateHz,
          perceptionRateHz, clock, teleop, collision, i, responseAdopter);
    }

    public Parts {
      Objects.requireNonNull(teleop);
      Objects.requireNonNull(robotId);
      Objects.requireNonNull(model);
      Objects.requireNonNull(hardware);
      Objects.requireNonNull(estimator);
      Objects.requireNonNull(planner);
      goals = List.copyOf(goals);
      Objects.requireNonNull(safety);
      Objects.requireNonNull(clock);
    }
  }

  private final Vertx vertx;
  private final Parts parts;
  private final ModeArbiter arbiter;
  private final SafetyKernel kernel;
  private final LimitMonitor monitor;
  private final ServoLoop servo;
  private final PlannerVerticle plannerVerticle;
  private final ControlLease lease = new ControlLease();
  private final TeleopVerticle teleopVerticle;
  private final List<GoalOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Long> faults = Collections.synchronizedMap(new TreeMap<>());
  private final AtomicLong faultSeq = new AtomicLong();
  private final AtomicLong handovers = new AtomicLong();
  private final List<String> deployments = new ArrayList<>();
  private final List<Consumer<GoalOutcome>> outcomeListeners = new CopyOnWriteArrayList<>();
  private volatile long checkpointTicks = -1;
  private volatile long checkpointHash;
  private long startWallNs;
  private long startClockNs;

  /** How often the online response estimate is refreshed, ms. */
  static final long RESPONSE_PERIOD_MS = 1000;
  private ResponseWatch responseWatch;
  private ScheduledExecutorService identification;

  private AgentRuntime(Vertx vertx, Parts parts) {
    this.vertx = vertx;
    this.parts = parts;
    String id = parts.robotId();
    Codecs.register(vertx);
    this.arbiter = new ModeArbiter(id, parts.clock(), Mode.AUTONOMOUS, this::modeChanged);
    this.kernel = new SafetyKernel(parts.model().limits(), parts.model().response(), parts.safety(), arbiter, this::fault);
    CollisionModel collision = parts.collision();
    if (collision != null) {
      if (!collision.warnings().isEmpty()) {
        LOG.info("component=runtime/{} event=collision_geometry unreadable_meshes={} radius_m={} first=\"{}\"", id,
            collision.warnings().size(), CollisionModel.DEFAULT_RADIUS_M, collision.warnings().get(0));
      }
      kernel.setCollisionModel(collision);
    }
    JogDrive drive = new JogDrive(parts.model().chain(), parts.model().limits(), parts.teleop(), lease,
        parts.safety().periodNs());
    kernel.setOperatorInput(drive);
    this.teleopVerticle = new TeleopVerticle(id, sink -> new TeleopService(id, arbiter, lease, drive,
        new HandoverPolicy(parts.teleop()), parts.clock(), sink));
    this.monitor = new LimitMonitor(parts.model().limits(), parts.safety().periodNs());
    boolean lockStep = parts.clock().isSimulated();
    double publishRate = lockStep ? parts.plannerRateHz() : parts.perceptionRateHz();
    int publishEvery = (int) Math.max(1, Math.round(parts.safety().rateHz() / publishRate));
    this.servo = new ServoLoop(id, parts.hardware(), parts.model().jointNames(), kernel, monitor, parts.clock(),
        publishEvery, parts.safety().spinUs(), new BusTelemetry(), this::fault);
    this.plannerVerticle = new PlannerVerticle(id, parts.planner(), parts.goals(), parts.settleNs(), parts.clock(),
        lockStep, lockStep ? parts.safety().rateHz() / publishEvery : parts.plannerRateHz(), o -> {
          checkpointTicks = servo.ticks();
          checkpointHash = servo.commandHash();
        });
  }

  /** Starts the bridge, deploys perception and planner, then starts the servo loop. */
  /**
   * Deploys the parts; with {@link Parts#identifier()} the arm's response is identified online (fed
   * by the servo loop; its reports published on {@link Addresses#response(String)} about once a
   * second).
   */
  public static Future<AgentRuntime> deploy(Vertx vertx, Parts parts) {
    ResponseIdentifier identifier = parts.identifier();
    AgentRuntime rt = new AgentRuntime(vertx, parts);
    if (identifier != null) {
      Consumer<ActuatorResponse> adopter = parts.responseAdopter() == null ? null : r -> {
        rt.kernel.adoptResponse(r);
        parts.responseAdopter().accept(r);
      };
      rt.responseWatch = new ResponseWatch(parts.robotId(), identifier, parts.clock(), rt::fault,
          r -> vertx.eventBus().publish(Addresses.response(parts.robotId()), r), parts.model().response(), adopter);
      rt.servo.identifyWith(identifier);
      if (parts.clock().isSimulated()) {
        // lock-step: every simulated second on the servo thread, so what is adopted lands at the same tick in every run
        ResponseWatch w = rt.responseWatch;
        rt.servo.everySimulated(RESPONSE_PERIOD_MS * 1_000_000, () -> poll(w, parts.robotId()));
      }
    }
    return rt.start().map(v -> rt);
  }

  private Future<Void> start() {
    String id = parts.robotId();
    vertx.eventBus().<ActionChunk>localConsumer(Addresses.plan(id), msg -> {
      kernel.offer(msg.body());
      servo.answered(msg.body().header().stampNs());
    });
    if (!parts.clock().isSimulated()) {
      // on this (event-loop) context, so the planner always sees the newest observation
      vertx.eventBus().<Observation>localConsumer(Addresses.observation(id),
          msg -> plannerVerticle.offerObservation(msg.body()));
    }
    vertx.eventBus().<HandoverRequest>localConsumer(Addresses.handover(id), msg -> {
      if (msg.body().open()) {
        handovers.incrementAndGet();
      }
    });
    vertx.eventBus().<Fault>localConsumer(Addresses.fault(id), msg -> faults.merge(msg.body().code(), 1L, Long::sum));
    vertx.eventBus().<GoalOutcome>localConsumer(Addresses.goalOutcome(id), msg -> {
      outcomes.add(msg.body());
      outcomeListeners.forEach(l -> l.accept(msg.body()));
    });
    vertx.eventBus().<String>localConsumer(Addresses.modeRequest(id), msg -> {
      String req = String.valueOf(msg.body());
      boolean ok = switch (req) {
        case "reset" -> arbiter.reset("operator reset");
        case "estop" -> {
          arbiter.protectiveStop("e-stop requested");
          yield true;
        }
        default -> {
          try {
            yield arbiter.request(Mode.valueOf(req), "requested");
          } catch (IllegalArgumentException e) {
            yield false;
          }
        }
      };
      msg.reply(ok ? arbiter.mode().name() : "REFUSED " + arbiter.mode().name());
    });
    parts.hardware().onEstop(reason -> {
      fault(Fault.Severity.CRITICAL, "ESTOP", "e-stop from the robot's wire: " + reason);
      arbiter.protectiveStop("e-stop: " + reason);
    });
    parts.hardware().onRejected(reason ->
        fault(Fault.Severity.WARNING, "BAD_INPUT", "the bridge refused input from the robot: " + reason));
    return vertx.executeBlocking(() -> {
          parts.hardware().start();
          awaitFreshState();
          return null;
        })
        .compose(v -> vertx.deployVerticle(new PerceptionVerticle(id, parts.estimator(), parts.clock(), parts.hardware()::objects)))
        .compose(d -> {
          deployments.add(d);
          return vertx.deployVerticle(teleopVerticle);
        })
        .compose(d -> {
          deployments.add(d);
          return vertx.deployVerticle(plannerVerticle, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
        })
        .map(d -> {
          deployments.add(d);
          startWallNs = System.nanoTime();
          startClockNs = parts.clock().nanos();
          servo.start();
          if (responseWatch != null && !parts.clock().isSimulated()) {
            // on its own low-priority thread: a fit never delays a plan
            ResponseWatch w = responseWatch;
            identification = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .name("telos-identify-" + id).daemon(true).priority(Thread.MIN_PRIORITY).unstarted(r));
            identification.scheduleWithFixedDelay(() -> poll(w, id), RESPONSE_PERIOD_MS, RESPONSE_PERIOD_MS,
                TimeUnit.MILLISECONDS);
          }
          LOG.info("component=runtime/{} event=started robot={} dof={} clock={} planner={}", id, parts.model().name(),
              parts.model().dof(), parts.clock().isSimulated() ? "sim" : "wall", parts.planner().name());
          return null;
        });
  }

  private static void poll(ResponseWatch w, String id) {
    try {
      w.poll();
    } catch (RuntimeException e) {
      LOG.warn("component=identify/{} event=fit_failed reason=\"{}\"", id, e.toString());
    }
  }

  /**
   * Waits (on a worker thread, bounded) until the robot reports a fresh state, so the servo loop
   * does not start by declaring a robot that is still connecting or warming up stale.
   */
  private void awaitFreshState() {
    long deadline = System.nanoTime() + ROBOT_WAIT_NS;
    while (System.nanoTime() < deadline) {
      var s = parts.hardware().read();
      if (s != null && parts.clock().nanos() - s.header().stampNs() <= parts.safety().stateTimeoutNs() / 2) {
        return;
      }
      LockSupport.parkNanos(1_000_000);
    }
    LOG.warn("component=runtime/{} event=no_fresh_state waitedMs={} (starting anyway; the kernel holds until states arrive)",
        parts.robotId(), ROBOT_WAIT_NS / 1_000_000);
  }

  /** Called for every goal outcome (on the event loop). */
  public void onOutcome(Consumer<GoalOutcome> listener) {
    outcomeListeners.add(listener);
  }

  /** The agent's live figures in Prometheus text format. Safe to call from any thread. */
  public String metrics() {
    Map<String, Long> faultCounts;
    synchronized (faults) {
      faultCounts = Map.copyOf(faults);
    }
    Map<String, Long> goals = new TreeMap<>();
    synchronized (outcomes) {
      for (GoalOutcome o : outcomes) {
        goals.merge(o.reached() ? "reached" : "missed", 1L, Long::sum);
      }
    }
    Map<String, Integer> mode = new TreeMap<>();
    for (Mode m : Mode.values()) {
      mode.put(m.name(), arbiter.mode() == m ? 1 : 0);
    }
    return new Metrics(parts.robotId())
        .counter("telos_servo_ticks_total", "Servo loop ticks.", servo.ticks())
        .summaryUs("telos_servo_period_seconds", "Wall-clock period of the servo loop.", servo.periodHistogramUs())
        .summaryUs("telos_servo_tick_seconds", "Compute time of one servo tick.", servo.tickHistogramUs())
        .summaryUs("telos_planner_step_seconds", "Planner step time.", plannerVerticle.stepHistogramUs())
        .summaryUs("telos_plan_uncertainty", "The world model's uncertainty along each plan (ensemble spread; 0 for"
            + " an exact model, not recorded).", plannerVerticle.uncertaintyHistogramMicro())
        .counter("telos_kernel_reanchors_total", "Commands re-anchored where the arm is after a blind spell.",
            kernel.reanchors())
        .counter("telos_limit_violations_total", "Commands or measured positions outside the limits.", monitor.total())
        .labelled("telos_faults_total", "Fault records by code.", "counter", "code", faultCounts)
        .labelled("telos_goals_total", "Goals ended, by outcome.", "counter", "outcome", goals)
        .labelled("telos_mode", "1 for the current mode of the arbiter.", "gauge", "mode", mode)
        .counter("telos_handover_requests_total", "Handover requests raised.", handovers.get())
        .counter("telos_plans_rejected_total", "Plans the safety kernel refused (bad shape, values or collision).",
            kernel.badPlans())
        .counter("telos_plans_colliding_total", "Plans refused because a setpoint or the path to one collides.",
            kernel.collidingPlans())
        .counter("telos_collision_brakes_total", "Servo ticks braked because the command's stopping point collides.",
            kernel.collisionBrakes())
        .gauge("telos_teleop_lease_held", "1 while an operator holds the control lease.", lease.holder().isEmpty() ? 0 : 1)
        .labelled("telos_response_lag_seconds", "Lag of each joint, identified online.", "gauge", "joint",
            responseWatch == null ? Map.of() : responseWatch.lagS())
        .labelled("telos_response_dead_time_seconds", "Dead time of each joint (command sent to state seen), identified"
            + " online.", "gauge", "joint", responseWatch == null ? Map.of() : responseWatch.deadTimeS())
        .counter("telos_response_adoptions_total", "Identified responses adopted in place of the one in force"
            + " (robot.response.adapt).", responseWatch == null ? 0 : responseWatch.adoptions())
        .toString();
  }

  public ModeArbiter arbiter() {
    return arbiter;
  }

  /** The control lease (who holds the arm in TELEOP). */
  public ControlLease lease() {
    return lease;
  }

  /** The servo loop's kernel (read-only use: its last command). */
  public SafetyKernel kernel() {
    return kernel;
  }

  public Parts parts() {
    return parts;
  }

  /** The latest online estimate of the arm's response, or null (none yet, or not identified). */
  public ResponseReport responseReport() {
    return responseWatch == null ? null : responseWatch.latest();
  }

  /**
   * The response planned for and tracked against now: the declared one, or the one last adopted
   * ({@code robot.response.adapt}).
   */
  public ActuatorResponse responseInForce() {
    ActuatorResponse r = responseWatch == null ? null : responseWatch.inForce();
    return r == null ? parts.model().response() : r;
  }

  /** Identified responses adopted so far ({@code robot.response.adapt}). */
  public long responseAdoptions() {
    return responseWatch == null ? 0 : responseWatch.adoptions();
  }

  /** Stops the servo loop, the verticles and the bridge, and returns what the run measured. */
  public RunReport stop() {
    if (identification != null) {
      identification.shutdownNow();
      identification = null;
    }
    servo.close();
    double simSeconds = (parts.clock().nanos() - startClockNs) / 1e9;
    double wallSeconds = (System.nanoTime() - startWallNs) / 1e9;
    for (String d : deployments) {
      try {
        vertx.undeploy(d).await();
      } catch (RuntimeException e) {
        LOG.warn("component=runtime/{} event=undeploy_failed reason=\"{}\"", parts.robotId(), e.toString());
      }
    }
    deployments.clear();
    parts.hardware().close();
    List<GoalOutcome> out;
    synchronized (outcomes) {
      out = List.copyOf(outcomes);
    }
    Map<String, Long> f;
    synchronized (faults) {
      f = Map.copyOf(faults);
    }
    // In lock-step, the run is measured up to the end of its last goal: what the servo does after
    // that, until stop() arrives from another thread, depends on wall-clock timing.
    boolean checkpoint = parts.clock().isSimulated() && checkpointTicks >= 0;
    return new RunReport(out, servo.periodHistogramUs(), servo.tickHistogramUs(), plannerVerticle.stepHistogramUs(),
        checkpoint ? checkpointTicks : servo.ticks(), monitor.commandViolations(), monitor.measuredViolations(), f,
        checkpoint ? checkpointHash : servo.commandHash(), simSeconds, wallSeconds);
  }

  @Override
  public void close() {
    stop();
  }

  private void fault(Fault.Severity severity, String code, String message) {
    LOG.warn("component=runtime/{} event=fault severity={} code={} message=\"{}\"", parts.robotId(), severity, code, message);
    vertx.eventBus().publish(Addresses.fault(parts.robotId()),
        new Fault(new Header(faultSeq.getAndIncrement(), parts.clock().nanos(), "safety/" + parts.robotId(), ""),
            severity, code, message));
  }

  private void modeChanged(ModeChange change) {
    if (change.to() == Mode.AUTONOMOUS && plannerVerticle != null) {
      plannerVerticle.requestReset();
    }
    LOG.info("component=arbiter/{} event=mode from={} to={} reason=\"{}\"", parts.robotId(), change.from(), change.to(),
        change.reason());
    vertx.eventBus().publish(Addresses.mode(parts.robotId()), change);
  }

  /** Publishes states to perception and commands to listeners. */
  private final class BusTelemetry implements ServoLoop.Telemetry {
    @Override
    public void state(JointState state) {
      vertx.eventBus().publish(Addresses.robotState(parts.robotId()), state);
    }

    @Override
    public void command(JointCommand command) {
      vertx.eventBus().publish(Addresses.robotCommand(parts.robotId()), command);
    }

    @Override
    public void issued(JointCommand command) {
      plannerVerticle.offerCommand(command);
    }
  }
}
