package io.telos.launch.learn;

import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.ObjectPose;
import io.telos.api.SimulatedClock;
import io.telos.api.Vec;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.bridge.sim.SimConfig;
import io.telos.bridge.sim.SimulatedArm;
import io.telos.memory.EpisodeMeta;
import io.telos.memory.EpisodeStore;
import io.telos.memory.EventRecord;
import io.telos.memory.Outcome;
import io.telos.memory.StepRecord;
import io.telos.model.JointLimits;
import io.telos.model.KinematicChain;
import io.telos.model.RobotModel;
import io.telos.planner.spi.ContactModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Pushing babble: experience of objects under contact for the learned contact model. The simulated
 * arm (ODE, lock-step, faster than real time) pushes upright cylinders about the table: each episode
 * draws a new scene — one or two objects of random radius, height, mass and friction, the second
 * often close to the first so that they collide — and then pushes again and again, each push from a
 * random side, at a random height about the object's middle (where the planner pushes), off-centre by a random amount (so
 * objects turn), at a random speed and length, sometimes stopping dead (so objects slide on) and
 * sometimes lifting away mid-push. The tool is steered in Cartesian space by damped least squares
 * on the arm's Jacobian. Every observation (joint state, end-effector, object poses) is recorded
 * like a run's step, and the episode's scene as a {@link EventRecord.Kind#SCENE} event, so the
 * learner knows the sizes its poses belong to.
 */
public final class PushBabbling {
  private static final long TICK_NS = 4_000_000L; // observations at 250 Hz, as runs record
  private static final double DT = TICK_NS / 1e9;
  private static final double TOOL_RADIUS = 0.02;
  private static final double CRUISE = 0.3; // m/s between pushes

  /**
   * Exploration settings; {@code chooser}, when not null, gives a contact model for a scene, and
   * each push is then the one of {@value #CANDIDATES} random candidates the model is least sure
   * about (active learning) instead of the first.
   */
  public record Config(double minutes, double episodeS, long seed, Function<Scene, ContactModel> chooser) {
    /** Uniform babbling. */
    public Config(double minutes, double episodeS, long seed) {
      this(minutes, episodeS, seed, null);
    }
  }

  private Function<Scene, ContactModel> chooser;

  private final RobotModel robot;
  private final KinematicChain chain;
  private final KinematicChain.Scratch scratch;
  private final SplittableRandom rnd;
  private final int n;
  private final double[] lo;
  private final double[] hi;
  private final double[] vmax;
  private final double[] jac;
  private final double[] ee = new double[3];

  private PushBabbling(RobotModel robot, long seed) {
    this.robot = robot;
    this.chain = robot.chain();
    this.scratch = chain.newScratch();
    this.rnd = new SplittableRandom(seed);
    this.n = robot.dof();
    JointLimits lim = robot.limits();
    this.lo = lim.lower();
    this.hi = lim.upper();
    this.vmax = lim.velocity();
    this.jac = new double[6 * n];
  }

  /**
   * Records {@code config.minutes()} of simulated pushing into {@code store}.
   *
   * @param tick receives the number of whole simulated seconds done (progress)
   * @return the number of episodes recorded
   */
  public static int run(RobotModel robot, EpisodeStore store, Config config, IntConsumer tick) {
    PushBabbling b = new PushBabbling(robot, config.seed());
    b.chooser = config.chooser();
    return b.record(store, config, tick);
  }

  /** A random scene: one or two cylinders on the table in front of the arm. */
  Scene randomScene() {
    List<SceneObject> objects = new ArrayList<>();
    double r1 = uniform(0.03, 0.06);
    double x1 = uniform(0.40, 0.54);
    double y1 = uniform(-0.10, 0.10);
    objects.add(object("obj0", r1, x1, y1));
    if (rnd.nextDouble() < 0.6) {
      double r2 = uniform(0.03, 0.06);
      double a = uniform(-Math.PI, Math.PI);
      double d = r1 + r2 + uniform(0.005, 0.10);
      objects.add(object("obj1", r2, x1 + d * Math.cos(a), y1 + d * Math.sin(a)));
    }
    return new Scene(TOOL_RADIUS, objects);
  }

  private SceneObject object(String name, double radius, double x, double y) {
    return new SceneObject(name, radius, uniform(0.04, 0.09), uniform(0.1, 1.0), uniform(0.15, 0.8), x, y);
  }

  private int record(EpisodeStore store, Config config, IntConsumer tick) {
    long totalTicks = Math.round(config.minutes() * 60e9 / TICK_NS);
    long perEpisode = Math.max(2, Math.round(config.episodeS() * 1e9 / TICK_NS));
    int episodes = 0;
    long done = 0;
    while (done < totalTicks) {
      Scene scene = randomScene();
      SimulatedClock clock = new SimulatedClock();
      double[] q0 = SimulatedArm.defaultInitialPosition(robot);
      try (SimulatedArm arm = new SimulatedArm("babble", robot, SimConfig.defaults().withInitialPosition(q0), clock,
          config.seed() + episodes, true, scene)) {
        arm.start();
        String goal = "push-babble-" + episodes;
        long id = store.beginEpisode(new EpisodeMeta(robot.name(), "explore", "push-babbling", goal, false,
            clock.nanos()));
        store.recordEvent(EventRecord.scene(id, robot.name(), clock.nanos(), SceneExperience.json(scene)));
        Episode e = new Episode(arm, scene, q0, clock, store, id, goal);
        long ticks = Math.min(perEpisode, totalTicks - done);
        while (e.k < ticks && e.push(ticks)) {
          // one push after another until the episode's time is up or the objects are out of reach
        }
        done += e.k;
        if (tick != null) {
          tick.accept((int) (done * TICK_NS / 1_000_000_000L));
        }
        store.endEpisode(id, Outcome.INCOMPLETE, clock.nanos());
      }
      episodes++;
    }
    store.flush().join();
    return episodes;
  }

  private double uniform(double a, double b) {
    return a + (b - a) * rnd.nextDouble();
  }

  /** One episode's arm, command and recording. */
  private final class Episode {
    final SimulatedArm arm;
    final Scene scene;
    final double[] rest;
    final SimulatedClock clock;
    final EpisodeStore store;
    final long id;
    final String goal;
    final double[] cmdQ;
    final double[] qd;
    final double safeZ;
    long k;
    int misses; // pushes drawn in a row that could not be made

    Episode(SimulatedArm arm, Scene scene, double[] q0, SimulatedClock clock, EpisodeStore store, long id,
        String goal) {
      this.arm = arm;
      this.scene = scene;
      this.rest = q0.clone();
      this.clock = clock;
      this.store = store;
      this.id = id;
      this.goal = goal;
      this.cmdQ = q0.clone();
      this.qd = new double[n];
      this.safeZ = scene.objects().stream().mapToDouble(SceneObject::heightM).max().orElse(0) + TOOL_RADIUS + 0.04;
    }

    /** One push; false when no object is left within reach (the episode ends). */
    boolean push(long ticks) {
      List<ObjectPose> poses = arm.objects();
      List<Integer> reachable = new ArrayList<>();
      for (int j = 0; j < poses.size(); j++) {
        ObjectPose p = poses.get(j);
        if (SceneExperience.tipped(scene.objects().get(j), p)) {
          return false; // a toppled object is no longer an upright cylinder: a new scene
        }
        if (p.xM() > 0.30 && p.xM() < 0.62 && Math.abs(p.yM()) < 0.22 && p.zM() > 0) {
          reachable.add(j);
        }
      }
      if (reachable.isEmpty()) {
        return false;
      }
      Push push = null;
      if (chooser == null) {
        push = draw(reachable, poses);
      } else {
        List<Push> candidates = new ArrayList<>();
        for (int c = 0; c < CANDIDATES; c++) {
          Push d = draw(reachable, poses);
          if (d != null) {
            candidates.add(d);
          }
        }
        push = candidates.isEmpty() ? null : candidates.get(mostUncertain(chooser.apply(scene), scene, poses, candidates));
      }
      if (push == null) {
        return ++misses < 50; // not a reachable side; draw another push
      }
      double sx = push.sx();
      double sy = push.sy();
      double z = push.z();
      double speed = push.speed();
      double length = push.length();
      double ux = Math.cos(push.theta());
      double uy = Math.sin(push.theta());
      if (!moveTo(sx, sy, safeZ, ticks) || !moveTo(sx, sy, z, ticks)) {
        return ++misses < 50;
      }
      misses = 0;
      long pushTicks = Math.round(length / speed / DT);
      boolean liftAway = rnd.nextDouble() < 0.25;
      long liftAt = liftAway ? Math.round(pushTicks * uniform(0.4, 0.9)) : Long.MAX_VALUE;
      double[] v = {speed * ux, speed * uy, 0};
      for (long i = 0; i < pushTicks && k < ticks; i++) {
        if (i >= liftAt) {
          v[2] = 0.25;
        }
        drive(v);
      }
      if (rnd.nextDouble() < 0.6) {
        double[] still = new double[3];
        long hold = Math.round(uniform(0.1, 0.5) / DT);
        for (long i = 0; i < hold && k < ticks; i++) {
          drive(still); // stopped dead: the object slides on
        }
      }
      current();
      return moveTo(ee[0], ee[1], safeZ, ticks) || k < ticks;
    }

    /** A random push of a random reachable object; null when its start is out of the arm's reach. */
    Push draw(List<Integer> reachable, List<ObjectPose> poses) {
      int j = reachable.get(rnd.nextInt(reachable.size()));
      SceneObject o = scene.objects().get(j);
      ObjectPose p = poses.get(j);
      double theta = uniform(-Math.PI, Math.PI);
      double ux = Math.cos(theta);
      double uy = Math.sin(theta);
      double offset = uniform(-0.9, 0.9) * (o.radiusM() + TOOL_RADIUS);
      double back = o.radiusM() + TOOL_RADIUS + 0.03;
      double sx = p.xM() - back * ux - offset * uy;
      double sy = p.yM() - back * uy + offset * ux;
      // below the object's middle, as the planner pushes (scene.pushHeightM), give or take 1 cm
      double z = uniform(TOOL_RADIUS + 0.006, Math.max(TOOL_RADIUS + 0.008, o.heightM() / 2 + 0.01));
      double speed = uniform(0.04, 0.35);
      double length = 0.03 + uniform(0.03, 0.18);
      if (sx < 0.28 || sx > 0.64 || Math.abs(sy) > 0.26) {
        return null;
      }
      return new Push(theta, sx, sy, z, speed, length);
    }

    /** Steers the tool to a point at cruise speed; false when it did not get there within 3 s. */
    boolean moveTo(double x, double y, double z, long ticks) {
      double[] v = new double[3];
      long until = k + Math.round(3.0 / DT);
      while (k < ticks && k < until) {
        current();
        double dx = x - ee[0];
        double dy = y - ee[1];
        double dz = z - ee[2];
        double d = Math.sqrt(dx * dx + dy * dy + dz * dz);
        if (d < 0.003) {
          return true;
        }
        double s = Math.min(CRUISE, 4 * d) / d;
        v[0] = dx * s;
        v[1] = dy * s;
        v[2] = dz * s;
        drive(v);
      }
      return false;
    }

    private void current() {
      chain.forwardPosition(cmdQ, ee, scratch);
    }

    /**
     * One tick: joint velocities that move the commanded tool at {@code v} (damped least squares on
     * the position Jacobian, a pull toward the rest posture in its null space), recorded and sent.
     */
    void drive(double[] v) {
      chain.jacobian(cmdQ, jac, ee, scratch);
      double[] jjt = new double[9];
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
          double s = 0;
          for (int i = 0; i < n; i++) {
            s += jac[r * n + i] * jac[c * n + i];
          }
          jjt[3 * r + c] = s + (r == c ? 1e-4 : 0);
        }
      }
      double[] pull = new double[n];
      for (int i = 0; i < n; i++) {
        pull[i] = 0.5 * (rest[i] - cmdQ[i]);
      }
      double[] want = new double[3];
      for (int r = 0; r < 3; r++) {
        double jp = 0;
        for (int i = 0; i < n; i++) {
          jp += jac[r * n + i] * pull[i];
        }
        want[r] = v[r] - jp;
      }
      double[] w = solve3(jjt, want);
      double scale = 1;
      for (int i = 0; i < n; i++) {
        double s = pull[i];
        for (int r = 0; r < 3; r++) {
          s += jac[r * n + i] * w[r];
        }
        qd[i] = s;
        scale = Math.max(scale, Math.abs(s) / (0.8 * vmax[i]));
      }
      for (int i = 0; i < n; i++) {
        qd[i] /= scale;
        double span = hi[i] - lo[i];
        double next = cmdQ[i] + qd[i] * DT;
        if (next > hi[i] - 0.02 * span || next < lo[i] + 0.02 * span) {
          qd[i] = 0;
        }
        cmdQ[i] += qd[i] * DT;
      }
      JointState s = arm.read();
      double[] q = s.position().toArray();
      double[] qdm = s.velocity().size() == n ? s.velocity().toArray() : new double[n];
      double[] measured = new double[3];
      chain.forwardPosition(q, measured, scratch);
      double[] state = new double[2 * n];
      System.arraycopy(q, 0, state, 0, n);
      System.arraycopy(qdm, 0, state, n, n);
      store.append(new StepRecord(id, k, clock.nanos(), Vec.of(state), Vec.of(measured), null, Vec.of(cmdQ.clone()),
          Vec.of(qd.clone()), Mode.AUTONOMOUS, 0.0, goal, null, arm.objects()));
      arm.write(new JointCommand(Header.of(k, clock.nanos(), "explore"), arm.jointNames(), Vec.of(cmdQ.clone()),
          Vec.of(qd.clone()), Mode.AUTONOMOUS));
      arm.step(TICK_NS);
      clock.advance(TICK_NS);
      k++;
    }
  }

  /** One push: direction, start point and height of the tool, speed and length. */
  record Push(double theta, double sx, double sy, double z, double speed, double length) {
    /** The tool's positions at the model step {@code dtS} along the push (start included). */
    double[][] path(double dtS) {
      int steps = (int) Math.min(MAX_SCORED_STEPS, Math.ceil(length / speed / dtS));
      double[][] out = new double[steps + 1][];
      for (int i = 0; i <= steps; i++) {
        double d = Math.min(length, speed * dtS * i);
        out[i] = new double[] {sx + d * Math.cos(theta), sy + d * Math.sin(theta), z};
      }
      return out;
    }
  }

  /** Candidate pushes drawn for each push made, when a chooser asks for the most uncertain. */
  static final int CANDIDATES = 8;
  /** Longest stretch of a candidate scored, model steps. */
  static final int MAX_SCORED_STEPS = 40;

  /**
   * Active learning: the index of the candidate along which {@code model}'s ensemble disagrees
   * most (its spread summed over the push, objects starting at rest where they are), so the
   * experience goes where the model is least sure.
   */
  static int mostUncertain(ContactModel model, Scene scene, List<ObjectPose> poses, List<Push> candidates) {
    int m = scene.objects().size();
    int w = model.width();
    int k = candidates.size();
    double dt = DT_MODEL;
    double[][][] paths = new double[k][][];
    int steps = 0;
    for (int c = 0; c < k; c++) {
      paths[c] = candidates.get(c).path(dt);
      steps = Math.max(steps, paths[c].length - 1);
    }
    double[] objects = new double[k * m * w];
    double[] one = new double[w];
    for (int j = 0; j < m; j++) {
      ObjectPose p = poses.get(j);
      ObjectPose still = new ObjectPose(p.name(), p.xM(), p.yM(), p.zM(), p.yawRad(), 0);
      for (int c = 0; c < k; c++) {
        model.encode(j, still, one, 0);
        System.arraycopy(one, 0, objects, (c * m + j) * w, w);
      }
    }
    double[] next = new double[objects.length];
    double[] before = new double[3 * k];
    double[] after = new double[3 * k];
    double[] spread = new double[k];
    double[] score = new double[k];
    for (int t = 0; t < steps; t++) {
      for (int c = 0; c < k; c++) {
        double[][] path = paths[c];
        System.arraycopy(path[Math.min(t, path.length - 1)], 0, before, 3 * c, 3);
        System.arraycopy(path[Math.min(t + 1, path.length - 1)], 0, after, 3 * c, 3);
      }
      model.step(before, after, objects, k, next);
      model.lastSpread(k, spread);
      for (int c = 0; c < k; c++) {
        score[c] += spread[c];
      }
      System.arraycopy(next, 0, objects, 0, objects.length);
    }
    int best = 0;
    for (int c = 1; c < k; c++) {
      if (score[c] > score[best]) {
        best = c;
      }
    }
    return best;
  }

  /** The model step the chooser scores pushes at, s. */
  static final double DT_MODEL = 0.05;

  /** Solves the symmetric positive-definite 3 × 3 system {@code a x = b} (Cramer's rule). */
  static double[] solve3(double[] a, double[] b) {
    double det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6])
        + a[2] * (a[3] * a[7] - a[4] * a[6]);
    double[] x = new double[3];
    for (int c = 0; c < 3; c++) {
      double[] m = a.clone();
      for (int r = 0; r < 3; r++) {
        m[3 * r + c] = b[r];
      }
      x[c] = (m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
          + m[2] * (m[3] * m[7] - m[4] * m[6])) / det;
    }
    return x;
  }
}
