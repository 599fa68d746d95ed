package io.telos.bridge.sim;

import io.telos.api.Clock;
import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.ObjectPose;
import io.telos.api.Vec;
import io.telos.api.camera.CameraFrame;
import io.telos.api.scene.Scene;
import io.telos.model.CollisionModel;
import io.telos.api.spi.HardwareContext;
import io.telos.api.spi.RobotHardware;
import io.telos.api.spi.Steppable;
import io.telos.model.ActuatorResponse;
import io.telos.model.RobotModel;
import io.telos.model.Transform;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A robot arm simulated on the ODE physics engine (ode4j), behind the ros2_control-like
 * {@link RobotHardware} interface.
 *
 * <p>Each movable link of the model's chain is a dynamic body with the URDF's mass, centre of mass
 * and inertia; each joint is an ODE hinge (revolute, continuous) or slider (prismatic) whose
 * position stops are the URDF limits and whose velocity motor is capped at the URDF effort limit.
 * Viscous damping from {@code <dynamics damping>} is applied as {@code -b·qd}. The base link is
 * fixed to the world; the links have no collision shapes (they do not collide with each other or
 * the floor).
 *
 * <p>Scene objects: when the {@link Scene} has objects, each is a dynamic upright cylinder on a
 * ground plane at {@code z = 0}, and the tool carries a contact sphere of
 * {@link Scene#toolRadiusM()} centred on the end-effector frame; objects touch the ground, the
 * tool and each other (see the module README). {@link #objects()} reports their poses. A scene
 * without objects adds nothing.
 *
 * <p>Joint controllers: on each physics step every motor is driven at
 * {@code v = v_ff + kp·(q_des − q)} ({@code position} interface) or {@code v = v_cmd}
 * ({@code velocity} interface), clamped to the joint's velocity limit. The bridge clamps no
 * position: commands beyond a limit are stopped by the engine's stops.
 *
 * <p>A slow arm: with an actuator response ({@link SimConfig#response()}: keys {@code lag_s},
 * {@code dead_time_ms}, {@code max_velocity}) the command first passes, on every physics step,
 * through an {@link ActuatorResponse.Filter} stepping by the physics step, as a lagging driver
 * filters its setpoint. {@code position} interface: the filter takes the position command and the
 * motor tracks its output, {@code v = v_f + kp·(q_f − q)} with {@code v_f} the filter's velocity
 * over this step and {@code q_f} its position at the start of the step (the instant {@code q} is
 * measured), so a motor that keeps up reproduces the filter exactly; the command's velocity
 * feed-forward is not used. {@code velocity} interface: the velocity command passes through the
 * same dead time and first-order lag (no ceiling inside the filter: the lag acts on the velocity)
 * and the result drives the motor. In both, the motor velocity is clamped to the smaller of the
 * joint's velocity limit and {@code max_velocity}. A response that is ideal (no lag, no dead time,
 * no ceiling) is the same as none.
 *
 * <p>Time: in lock-step mode ({@link HardwareContext#lockStep()}) the runtime calls
 * {@link #step(long)} and no thread is started; otherwise {@link #start()} launches a daemon
 * platform thread that steps the world at the physics rate against {@link System#nanoTime()}.
 * The world is stepped with ODE's exact stepper ({@code world.step}), never {@code quickStep}, so
 * the same seed and the same command sequence give bit-identical states.
 *
 * <p>Threads: {@link #read()} and {@link #write(JointCommand)} are lock-free and never throw;
 * physics steps take one world lock.
 */
public final class SimulatedArm implements RobotHardware, Steppable {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedArm.class);

  /** In real-time mode, how many steps behind the wall clock the loop may catch up. */
  static final int MAX_CATCH_UP_STEPS = 5;

  private final String robotId;
  private final String source;
  private final String component;
  private final RobotModel model;
  private final SimConfig config;
  private final Clock clock;
  private final boolean lockStep;
  private final int n;
  private final List<String> jointNames;
  private final JointOrder jointOrder;
  private final double stepS;
  private final boolean velocityInterface;
  private final JointDrives drives; // guarded by worldLock

  private final ReentrantLock worldLock = new ReentrantLock();
  // guarded by worldLock
  private final ArmWorld world;
  private final SplittableRandom noise;
  private final double[] effort;
  private long sequence;
  private long simTimeNs;
  private long stepCount;
  private long pendingNs;
  private boolean closed;
  private boolean faulted;

  private volatile Command command;
  private volatile JointState latest;
  private volatile JointState latestTruth;
  private volatile List<ObjectPose> objectPoses = List.of();
  private volatile Health health = Health.OK;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong overruns = new AtomicLong();

  private volatile boolean running;
  private Thread loop;

  // the camera (scene.camera): rendered in the stepping thread in lock-step, else on its own thread
  private final CameraFeed camera; // null without scene.camera

  /**
   * Builds the arm for a hardware context (the provider's path), with the context's scene.
   *
   * @throws IllegalArgumentException when {@code config.initialPosition()} does not fit the model
   */
  public SimulatedArm(HardwareContext context, RobotModel model, SimConfig config) {
    this(context.robotId(), model, config, context.clock(), context.seed(), context.lockStep(), context.scene());
  }

  /**
   * Builds the arm without scene objects; see
   * {@link #SimulatedArm(String, RobotModel, SimConfig, Clock, long, boolean, Scene)}.
   */
  public SimulatedArm(String robotId, RobotModel model, SimConfig config, Clock clock, long seed, boolean lockStep) {
    this(robotId, model, config, clock, seed, lockStep, Scene.EMPTY);
  }

  /**
   * Builds the arm and its physics world at the initial position; {@link #read()} has a state
   * from here on.
   *
   * @param robotId robot id (the state's source is {@code sim/<robotId>})
   * @param model the arm (URDF, chain, limits)
   * @param config simulation settings
   * @param clock stamps the published states
   * @param seed seed of the sensor noise, the only randomness
   * @param lockStep true when the caller steps the world with {@link #step(long)}
   * @param scene objects to simulate and the tool's contact radius; {@link Scene#EMPTY} for none
   * @throws IllegalArgumentException when {@code config.initialPosition()} does not fit the model
   */
  public SimulatedArm(String robotId, RobotModel model, SimConfig config, Clock clock, long seed, boolean lockStep,
      Scene scene) {
    this.robotId = Objects.requireNonNull(robotId, "robotId");
    this.model = Objects.requireNonNull(model, "model");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lockStep = lockStep;
    this.source = "sim/" + robotId;
    this.component = source;
    this.n = model.dof();
    this.jointNames = List.copyOf(model.jointNames());
    this.jointOrder = new JointOrder(jointNames);
    this.stepS = config.stepNs() / 1e9;
    this.velocityInterface = config.commandInterface() == SimConfig.CommandInterface.VELOCITY;
    double[] q0 = config.initialPosition(model);
    this.drives = new JointDrives(model.limits().velocity(), config.response(jointNames), velocityInterface,
        config.kp(), stepS, q0);
    Objects.requireNonNull(scene, "scene");
    CollisionModel links = config.linkCollisions() ? CollisionModel.of(model, null) : null;
    this.world = new ArmWorld(component, model, config.gravity(), config.effortScale(), q0, scene, links);
    this.camera = scene.camera() == null ? null : new CameraFeed(new SimCamera("camera", scene.camera(), scene,
        links != null ? links : CollisionModel.of(model, null), seed ^ 0x5DEECE66DL), lockStep, component);
    this.noise = new SplittableRandom(seed);
    this.effort = new double[n];
    this.command = new Command(q0.clone(), new double[n]);
    publish();
    LOG.info("component={} event=created robot={} dof={} mode={} objects={} tool_radius_m={} {}", component,
        model.name(), n, lockStep ? "lock_step" : "real_time", scene.objects().size(), scene.toolRadiusM(), config);
  }

  /** The initial position used when {@code initial_position} is not set: see {@link SimConfig#initialPosition(RobotModel)}. */
  public static double[] defaultInitialPosition(RobotModel model) {
    return SimConfig.defaultInitialPosition(model);
  }

  @Override
  public String robotId() {
    return robotId;
  }

  @Override
  public List<String> jointNames() {
    return jointNames;
  }

  /** In real-time mode, starts the physics thread; in lock-step mode does nothing. */
  @Override
  public synchronized void start() {
    if (closed()) {
      throw new IllegalStateException(component + ": closed");
    }
    if (lockStep || loop != null) {
      LOG.info("component={} event=started mode={}", component, lockStep ? "lock_step" : "real_time");
      return;
    }
    running = true;
    if (camera != null) {
      camera.start(robotId);
    }
    loop = Thread.ofPlatform().daemon(true).name("telos-sim-" + robotId).unstarted(this::runRealTime);
    loop.setPriority(Thread.MAX_PRIORITY);
    loop.start();
    LOG.info("component={} event=started mode=real_time step_ms={}", component, config.stepNs() / 1e6);
  }

  @Override
  public JointState read() {
    return latest;
  }

  /**
   * The latest state without sensor noise (the engine's truth), for evaluation and tests;
   * {@link #read()} is what a controller should see.
   */
  public JointState groundTruth() {
    return latestTruth;
  }

  /**
   * The scene objects' latest poses (engine truth, no noise), scene order, stamped like the joint
   * state published by the same step; {@code List.of()} without scene objects. Lock-free.
   */
  @Override
  public List<ObjectPose> objects() {
    return objectPoses;
  }

  /**
   * Stores the command; the next physics step applies it. Joints are matched by name; a command
   * that does not name every joint exactly once, names an unknown joint, or carries a non-finite
   * value in a field the command interface uses (position and velocity for {@code position},
   * velocity for {@code velocity}) is ignored and counted in {@link #rejectedCommands()}; the arm
   * keeps following its last valid command. Never throws.
   */
  @Override
  public void write(JointCommand cmd) {
    String why = jointOrder.check(cmd, velocityInterface);
    if (why != null) {
      long count = rejected.incrementAndGet();
      if (Long.bitCount(count) == 1) { // 1, 2, 4, 8, ...: no log flood at servo rate
        LOG.warn("component={} event=command_rejected reason=\"{}\" rejected_total={}", component, why, count);
      } else {
        LOG.debug("component={} event=command_rejected reason=\"{}\" rejected_total={}", component, why, count);
      }
      return;
    }
    double[] pos = new double[n];
    double[] vel = new double[n];
    jointOrder.copy(cmd, pos, vel);
    command = new Command(pos, vel);
    accepted.incrementAndGet();
  }

  /**
   * Advances the physics by {@code dtNs} in whole steps of {@code step_ms}; a remainder is
   * carried to the next call, so simulated time never drifts. Publishes one state when at least
   * one step ran. A non-positive {@code dtNs} does nothing.
   */
  @Override
  public void step(long dtNs) {
    if (dtNs <= 0) {
      return;
    }
    worldLock.lock();
    try {
      if (closed || faulted) {
        return;
      }
      pendingNs += dtNs;
      long stepNs = config.stepNs();
      boolean stepped = false;
      while (pendingNs >= stepNs && !faulted) {
        pendingNs -= stepNs;
        physicsStep();
        stepped = true;
      }
      if (stepped) {
        publish();
      }
    } finally {
      worldLock.unlock();
    }
  }

  /** One physics step with the current command; caller holds the world lock. */
  private void physicsStep() {
    Command c = command;
    double[] motorVelocity = drives.motorVelocities(c.position, c.velocity, world.positions());
    world.step(motorVelocity, stepS);
    simTimeNs += config.stepNs();
    stepCount++;
    if (!world.isFinite()) {
      faulted = true;
      health = Health.LOST;
      LOG.error("component={} event=physics_diverged sim_time_ns={} step={}", component, simTimeNs, stepCount);
    }
  }

  /** Publishes the engine state (truth and noisy measurement); caller holds the world lock. */
  private void publish() {
    double[] q = world.positions();
    double[] qd = world.velocities();
    world.efforts(effort);
    Header header = Header.of(sequence++, clock.nanos(), source);
    Vec eff = Vec.of(effort);
    JointState truth = new JointState(header, jointNames, Vec.of(q), Vec.of(qd), eff);
    JointState measured = truth;
    double sp = config.noisePositionRad();
    double sv = config.noiseVelocityRadS();
    if (sp > 0 || sv > 0) {
      double[] mq = q.clone();
      double[] mqd = qd.clone();
      for (int i = 0; i < n; i++) {
        if (sp > 0) {
          mq[i] += sp * noise.nextGaussian();
        }
        if (sv > 0) {
          mqd[i] += sv * noise.nextGaussian();
        }
      }
      measured = new JointState(header, jointNames, Vec.of(mq), Vec.of(mqd), eff);
    }
    if (world.hasObjects()) {
      objectPoses = world.objectPoses(header.stampNs());
    }
    latestTruth = truth;
    latest = measured;
    if (camera != null) {
      camera.offer(header.stampNs(), q, objectPoses);
    }
  }

  /**
   * Registers a listener for the camera's frames ({@code scene.camera}); without a camera nothing
   * is ever called. Lock-step: frames are rendered and delivered on the stepping thread inside
   * {@link #step(long)}, at the first step at or after each frame period. Real time: on the
   * camera's own thread; a frame due while the previous one is still being rendered replaces it
   * (counted in {@link #framesDropped()}).
   */
  @Override
  public void onFrame(Consumer<CameraFrame> listener) {
    Objects.requireNonNull(listener, "listener");
    if (camera != null) {
      camera.addListener(listener);
    }
  }

  /** True when the scene has a camera ({@code scene.camera}) that this arm renders. */
  public boolean hasCamera() {
    return camera != null;
  }

  /** Frames rendered and delivered so far. */
  public long framesRendered() {
    return camera == null ? 0 : camera.rendered();
  }

  /** Real-time frames skipped because the camera was still busy with the previous one. */
  public long framesDropped() {
    return camera == null ? 0 : camera.dropped();
  }

  private void runRealTime() {
    long stepNs = config.stepNs();
    long deadline = System.nanoTime();
    LOG.debug("component={} event=loop_started", component);
    while (running) {
      deadline += stepNs;
      long now;
      while (running && (now = System.nanoTime()) < deadline) {
        LockSupport.parkNanos(deadline - now);
      }
      if (!running) {
        break;
      }
      long behind = System.nanoTime() - deadline;
      if (behind > MAX_CATCH_UP_STEPS * stepNs) {
        long missed = overruns.incrementAndGet();
        if (Long.bitCount(missed) == 1) {
          LOG.warn("component={} event=overrun behind_ms={} overruns_total={}", component, behind / 1e6, missed);
        }
        deadline = System.nanoTime(); // drop the lost time instead of running a burst of steps
      }
      worldLock.lock();
      try {
        if (closed || faulted) {
          break;
        }
        physicsStep();
        publish();
      } finally {
        worldLock.unlock();
      }
    }
    LOG.debug("component={} event=loop_stopped", component);
  }

  /** Stops the physics thread (if any) and destroys the ODE world; idempotent. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      running = false;
      t = loop;
      loop = null;
    }
    if (camera != null) {
      camera.stop();
    }
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        LOG.warn("component={} event=loop_did_not_stop", component);
      }
    }
    worldLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      world.destroy();
      health = Health.LOST;
    } finally {
      worldLock.unlock();
    }
    LOG.info("component={} event=closed sim_time_s={} steps={} commands_accepted={} commands_rejected={} overruns={}",
        component, simTimeNs / 1e9, stepCount, accepted.get(), rejected.get(), overruns.get());
  }

  /** {@code OK}; {@code LOST} after {@link #close()} or when the physics diverged. */
  @Override
  public Health health() {
    return health;
  }

  private boolean closed() {
    worldLock.lock();
    try {
      return closed;
    } finally {
      worldLock.unlock();
    }
  }

  /** The settings this arm runs with. */
  public SimConfig config() {
    return config;
  }

  /**
   * The actuator response this arm follows (per joint, chain order): the configured one, or
   * {@link ActuatorResponse#ideal(int)} when there is none (the arm then follows its controller
   * only: first order, time constant 1/kp).
   */
  public ActuatorResponse response() {
    ActuatorResponse r = drives.response();
    return r == null ? ActuatorResponse.ideal(n) : r;
  }

  /**
   * The response filter's output after the last physics step, what the motors track (position
   * interface) or the filtered velocity command (velocity interface); {@code null} without a
   * response.
   */
  public double[] filteredCommand() {
    worldLock.lock();
    try {
      return drives.filteredCommand();
    } finally {
      worldLock.unlock();
    }
  }

  /** The simulated arm's model. */
  public RobotModel model() {
    return model;
  }

  /** Simulated time since construction, in whole physics steps (ns). */
  public long simTimeNs() {
    worldLock.lock();
    try {
      return simTimeNs;
    } finally {
      worldLock.unlock();
    }
  }

  /** Physics steps taken since construction. */
  public long stepCount() {
    worldLock.lock();
    try {
      return stepCount;
    } finally {
      worldLock.unlock();
    }
  }

  /** Commands accepted by {@link #write(JointCommand)}. */
  public long acceptedCommands() {
    return accepted.get();
  }

  /** Commands ignored by {@link #write(JointCommand)} because they were malformed. */
  public long rejectedCommands() {
    return rejected.get();
  }

  /** Real-time mode: times the loop fell more than a few steps behind and dropped the lag. */
  public long overruns() {
    return overruns.get();
  }

  /**
   * Base-frame pose of each movable joint's child link as the engine has it (chain order), e.g.
   * for a viewer; it matches {@code model.chain().linkTransforms(q)} up to the solver's joint
   * error. Empty after {@link #close()}.
   */
  public Transform[] linkPoses() {
    worldLock.lock();
    try {
      return closed ? new Transform[0] : world.linkPoses();
    } finally {
      worldLock.unlock();
    }
  }

  /** Centre of the tool's contact sphere as the engine has it (base frame); null without objects. */
  double[] toolSphereCentre() {
    worldLock.lock();
    try {
      return closed ? null : world.toolCentre();
    } finally {
      worldLock.unlock();
    }
  }

  /**
   * Contact points involving one of the arm's links (with the table, another link or an object)
   * since the arm was built; 0 with {@code link_collisions: false}. Lock-free reads are not offered:
   * this takes the world lock.
   */
  public long linkContacts() {
    worldLock.lock();
    try {
      return closed ? 0 : world.linkContacts();
    } finally {
      worldLock.unlock();
    }
  }

  /** Contact points used by the last physics step (0 without objects). */
  int lastContacts() {
    worldLock.lock();
    try {
      return closed ? 0 : world.lastContacts();
    } finally {
      worldLock.unlock();
    }
  }

  @Override
  public String toString() {
    return "SimulatedArm[" + robotId + ", " + model.name() + ", " + config + "]";
  }

  /** A validated command in chain order; the arrays are never mutated after construction. */
  private record Command(double[] position, double[] velocity) {
    @Override
    public String toString() {
      return "Command[position=" + Arrays.toString(position) + ", velocity=" + Arrays.toString(velocity) + "]";
    }
  }
}
