package io.telos.perception;

import io.telos.api.Header;
import io.telos.api.JointState;
import io.telos.api.Observation;
import io.telos.api.Pose;
import io.telos.api.Vec;
import io.telos.api.spi.StateEstimator;
import io.telos.model.JointType;
import io.telos.model.KinematicChain;
import io.telos.model.RobotModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns measured {@link JointState}s into {@link Observation}s for the planner.
 *
 * <ul>
 *   <li>Joints are matched <b>by name</b> to the model's chain and reordered base to tip; joints the
 *       chain does not have are ignored. A chain joint that is missing, listed twice, or has a
 *       non-finite position (or velocity, when velocities are sent) is refused with an
 *       {@link IllegalArgumentException} that names it; the estimator's state is left untouched.
 *   <li>Velocity is the measured one when the state carries velocities, otherwise the finite
 *       difference of positions over the header stamps (zero on the first state; differences of
 *       continuous joints are wrapped to [-pi, pi]). Either way it then goes through a first-order
 *       low-pass filter ({@link EstimatorConfig#velocityFilterAlpha()}, 1 = pass-through), seeded
 *       with its first sample. A state with the previous stamp keeps the previous velocity; a state
 *       older than the previous one is refused.
 *   <li>The end-effector pose is the forward kinematics of the chain, in its base link.
 *   <li>The header carries a sequence counting from 0 (it keeps counting across {@link #reset()}),
 *       the state's stamp, source {@code perception/<robotId>} and the chain's base link as frame;
 *       {@code stateAgeNs} is {@code nowNs} minus the state's stamp.
 * </ul>
 *
 * <p>Working memory is allocated once; an update allocates only the records it returns. Not
 * thread-safe: one instance per robot, used from one thread (its verticle).
 */
public final class JointStateEstimator implements StateEstimator {
  private static final double TWO_PI = 2 * Math.PI;

  private final String robotId;
  private final String source;
  private final String frame;
  private final EstimatorConfig config;
  private final List<String> jointNames;
  private final int n;
  private final Map<String, Integer> indexOf;
  private final boolean[] continuous;
  private final KinematicChain chain;
  private final KinematicChain.Scratch scratch;
  private final double alpha;

  // per-update staging (validated before anything is committed)
  private final double[] qIn;
  private final double[] vIn;
  private final int[] seenIn;
  private int generation;

  // committed state
  private final double[] q;
  private final double[] qPrev;
  private final double[] velocity;
  private final double[] pose = new double[7];
  private long prevStampNs;
  private boolean havePrevious;
  private boolean haveVelocity;
  private long sequence;

  /** An estimator with {@link EstimatorConfig#defaults()}. */
  public JointStateEstimator(String robotId, RobotModel model) {
    this(robotId, model, EstimatorConfig.defaults());
  }

  public JointStateEstimator(String robotId, RobotModel model, EstimatorConfig config) {
    this.robotId = Objects.requireNonNull(robotId, "robotId");
    Objects.requireNonNull(model, "model");
    this.config = Objects.requireNonNull(config, "config");
    KinematicChain chain = model.chain();
    this.source = "perception/" + robotId;
    this.frame = chain.baseLink();
    this.jointNames = chain.jointNames();
    this.n = chain.dof();
    this.indexOf = new HashMap<>();
    this.continuous = new boolean[n];
    for (int i = 0; i < n; i++) {
      indexOf.put(jointNames.get(i), i);
      continuous[i] = chain.joints().get(i).type() == JointType.CONTINUOUS;
    }
    this.chain = chain;
    this.scratch = chain.newScratch();
    this.alpha = config.velocityFilterAlpha();
    this.qIn = new double[n];
    this.vIn = new double[n];
    this.seenIn = new int[n];
    this.q = new double[n];
    this.qPrev = new double[n];
    this.velocity = new double[n];
  }

  public String robotId() {
    return robotId;
  }

  public EstimatorConfig config() {
    return config;
  }

  /** The chain's joint names: the order of {@link Observation#position()} and velocity. */
  public List<String> jointNames() {
    return jointNames;
  }

  @Override
  public Observation update(JointState state, long nowNs) {
    Objects.requireNonNull(state, "state");
    long stamp = state.header().stampNs();
    if (havePrevious && stamp < prevStampNs) {
      throw new IllegalArgumentException("joint state stamp " + stamp + " ns is older than the previous one ("
          + prevStampNs + " ns); refusing an out-of-order state");
    }
    boolean measured = readState(state);

    boolean advanced = !havePrevious || stamp > prevStampNs;
    if (measured) {
      filter(vIn);
    } else if (havePrevious && advanced) {
      double dt = (stamp - prevStampNs) * 1e-9;
      for (int i = 0; i < n; i++) {
        double d = qIn[i] - qPrev[i];
        if (continuous[i]) {
          d = Math.IEEEremainder(d, TWO_PI);
        }
        vIn[i] = d / dt;
      }
      filter(vIn);
    }
    // otherwise: first state without velocities (velocity stays 0), or a repeated stamp (keeps the last)

    System.arraycopy(qIn, 0, q, 0, n);
    if (advanced) {
      System.arraycopy(qIn, 0, qPrev, 0, n);
      prevStampNs = stamp;
      havePrevious = true;
    }
    chain.forwardPose(q, pose, scratch);
    return new Observation(
        new Header(sequence++, stamp, source, frame),
        Vec.of(q),
        Vec.of(velocity),
        new Pose(pose[0], pose[1], pose[2], pose[3], pose[4], pose[5], pose[6]),
        Vec.empty(),
        nowNs - stamp);
  }

  /** Forgets the previous state and the velocity filter; the header sequence keeps counting. */
  @Override
  public void reset() {
    havePrevious = false;
    haveVelocity = false;
    Arrays.fill(velocity, 0);
  }

  /**
   * Copies the chain's joints from {@code state} into {@link #qIn} (and {@link #vIn}), validating
   * everything; returns whether velocities were measured.
   */
  private boolean readState(JointState state) {
    List<String> names = state.names();
    Vec pos = state.position();
    Vec vel = state.velocity();
    boolean measured = !vel.isEmpty();
    int gen = ++generation;
    if (gen == 0) { // wrapped after 2^32 updates: start the marks afresh
      Arrays.fill(seenIn, 0);
      gen = generation = 1;
    }
    int found = 0;
    for (int k = 0, size = names.size(); k < size; k++) {
      Integer idx = indexOf.get(names.get(k));
      if (idx == null) {
        continue;
      }
      int i = idx;
      if (seenIn[i] == gen) {
        throw new IllegalArgumentException("joint state lists joint '" + jointNames.get(i) + "' more than once");
      }
      seenIn[i] = gen;
      found++;
      double p = pos.get(k);
      if (!Double.isFinite(p)) {
        throw new IllegalArgumentException("joint '" + jointNames.get(i) + "' has non-finite position " + p);
      }
      qIn[i] = p;
      if (measured) {
        double v = vel.get(k);
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("joint '" + jointNames.get(i) + "' has non-finite velocity " + v);
        }
        vIn[i] = v;
      }
    }
    if (found < n) {
      List<String> missing = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (seenIn[i] != gen) {
          missing.add(jointNames.get(i));
        }
      }
      throw new IllegalArgumentException("joint state lacks joint" + (missing.size() > 1 ? "s " : " ")
          + quoted(missing) + " of robot '" + robotId + "' (it has " + names + ")");
    }
    return measured;
  }

  private void filter(double[] sample) {
    if (!haveVelocity || alpha == 1) {
      System.arraycopy(sample, 0, velocity, 0, n);
      haveVelocity = true;
      return;
    }
    for (int i = 0; i < n; i++) {
      velocity[i] += alpha * (sample[i] - velocity[i]);
    }
  }

  private static String quoted(List<String> names) {
    StringBuilder sb = new StringBuilder();
    for (String s : names) {
      if (!sb.isEmpty()) {
        sb.append(", ");
      }
      sb.append('\'').append(s).append('\'');
    }
    return sb.toString();
  }
}
