package io.telos.bridge.ros2;

import io.telos.api.Clock;
import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.Vec;
import io.telos.api.camera.CameraFrame;
import io.telos.api.camera.CameraSpec;
import io.telos.bridge.common.WireRobotHardware;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bridge.type: ros2}: a robot driven by ros2_control, reached over DDS (see the module
 * README for topics and QoS).
 *
 * <ul>
 *   <li>{@link #read()} returns the latest valid {@code <namespace>/joint_states}
 *       (sensor_msgs/JointState), joints matched BY NAME and returned in {@link #jointNames()}
 *       order, stamped with the injected clock on arrival. A state that names an unknown joint,
 *       misses or repeats one, has mismatched array sizes or a non-finite value is dropped and
 *       counted ({@link #rejectedStates()}); {@link #health()} is DEGRADED for one second after.
 *   <li>{@link #write(JointCommand)} never blocks: the command goes into a one-slot mailbox (the
 *       latest wins) that a publisher thread sends either as std_msgs/Float64MultiArray on
 *       {@code <namespace>/<controller>/commands} (positions in joint order) or as a one-point
 *       trajectory_msgs/JointTrajectory on {@code <namespace>/<controller>/joint_trajectory}
 *       (time_from_start = one servo period).
 *   <li>The agent's mode is published as std_msgs/String on {@code <namespace>/telos/mode}
 *       (reliable, transient local, depth 1) whenever it changes.
 *   <li>Any std_msgs/String on {@code <namespace>/telos/estop} is passed to the {@link #onEstop}
 *       listeners (an empty string as {@code "estop"}).
 *   <li>{@link #health()} is LOST before the first state and whenever none arrived for more than
 *       {@code state_timeout_s} (0.5 s).
 *   <li>When something listens to the camera ({@link #onFrame}), its pictures are taken from
 *       {@code <namespace>/camera/image_raw} (sensor_msgs/Image) or, with {@code image_transport:
 *       compressed}, from {@code <namespace>/camera/image_raw/compressed} (sensor_msgs/CompressedImage,
 *       PNG or JPEG), and its calibration from {@code <namespace>/camera/camera_info}: pictures are
 *       refused while the latest camera_info disagrees with the intrinsics the agent was given
 *       ({@code scene.camera}: size, or fx, fy, cx, cy by more than max(0.5 px, 0.2 %)) or with the
 *       pictures' size. Register {@link #onFrame} listeners before {@link #start()}: the bridge
 *       subscribes to the pictures and to camera_info only when someone listens. Pictures arrive
 *       on the DDS thread as RGB8 ({@code rgb8}, {@code bgr8}, {@code mono8}; compressed ones
 *       decoded there), stamped on arrival; refused and reported like bad states: another encoding
 *       or format, a size over 4096 × 4096, a {@code step} shorter than a row, data that is not
 *       {@code step × height} bytes, compressed data that does not decode.
 * </ul>
 */
public final class Ros2RobotHardware extends WireRobotHardware {
  private static final Logger LOG = LoggerFactory.getLogger(Ros2RobotHardware.class);

  private final List<String> joints;
  private final Map<String, Integer> index = new HashMap<>();
  /** The controller's joint order; {@code commandIndex[k]} is the chain index of its k-th joint. */
  private final List<String> commandJoints;
  private final int[] commandIndex;
  /** Per chain joint, rad/s; the bound of a corrected velocity command. */
  private final double[] velocityLimits;
  private final Set<String> ignoredJoints = ConcurrentHashMap.newKeySet();
  private final Ros2Config config;
  private final Function<Ros2Config, Ros2Transport> transportFactory;
  /** Zero-velocity commands sent on close (velocity interface), and the pause after each. */
  private static final int STOP_REPEATS = 3;
  private static final long STOP_LINGER_NS = 20_000_000L;
  /** The intrinsics the agent's tracker assumes ({@code scene.camera}), or null when not given. */
  private final CameraSpec expectedCamera;
  private volatile Ros2Msg.CameraInfo cameraInfo;
  /** Why the latest camera_info disagrees with {@link #expectedCamera}, or null. */
  private volatile String cameraInfoMismatch;
  private volatile long cameraInfos;
  private boolean distortionWarned;

  private Ros2Transport transport;
  private Ros2Transport.Subscription stateSub;
  private Ros2Transport.Publisher<Ros2Msg.Float64MultiArray> forwardPub;
  private Ros2Transport.Publisher<Ros2Msg.JointTrajectory> trajectoryPub;
  private Ros2Transport.Publisher<Ros2Msg.Text> modePub;
  private volatile boolean running;

  private volatile JointState latest;
  private long stateSequence;
  private volatile long lastStateNs = Long.MIN_VALUE;
  private Mode publishedMode;

  /**
   * @param jointNames the chain's joint names: the order of {@link #read()} and of the commands
   *     passed to {@link #write}; on the wire, commands follow {@link #commandJoints()}
   * @param transportFactory opens the ROS 2 node in {@link #start()}
   * @throws io.telos.api.config.ConfigException when {@code bridge.controller_joints} is not a
   *     reordering of {@code jointNames}
   */
  public Ros2RobotHardware(String robotId, List<String> jointNames, Ros2Config config, Clock clock,
      Function<Ros2Config, Ros2Transport> transportFactory) {
    this(robotId, jointNames, null, config, clock, transportFactory);
  }

  /**
   * @param velocityLimits per joint (rad/s), in {@code jointNames} order, or null for none: a
   *     velocity command with its position correction is never faster than this (or than the
   *     kernel's own velocity)
   */
  public Ros2RobotHardware(String robotId, List<String> jointNames, double[] velocityLimits, Ros2Config config,
      Clock clock, Function<Ros2Config, Ros2Transport> transportFactory) {
    this(robotId, jointNames, velocityLimits, config, clock, null, transportFactory);
  }

  /**
   * @param expectedCamera the intrinsics the agent's tracker assumes ({@code scene.camera}), or null:
   *     while the latest {@code camera_info} disagrees with them, every picture is refused
   */
  public Ros2RobotHardware(String robotId, List<String> jointNames, double[] velocityLimits, Ros2Config config,
      Clock clock, CameraSpec expectedCamera, Function<Ros2Config, Ros2Transport> transportFactory) {
    super("ros2", robotId, jointNames, clock);
    this.expectedCamera = expectedCamera;
    this.joints = jointNames();
    for (int i = 0; i < joints.size(); i++) {
      if (index.put(joints.get(i), i) != null) {
        throw new IllegalArgumentException("joint '" + joints.get(i) + "' listed twice");
      }
    }
    this.config = Objects.requireNonNull(config, "config");
    this.commandJoints = config.commandOrder(joints);
    this.commandIndex = new int[joints.size()];
    if (velocityLimits != null && velocityLimits.length != joints.size()) {
      throw new IllegalArgumentException(velocityLimits.length + " velocity limits for " + joints.size() + " joints");
    }
    this.velocityLimits = velocityLimits == null ? null : velocityLimits.clone();
    for (int k = 0; k < commandJoints.size(); k++) {
      commandIndex[k] = index.get(commandJoints.get(k));
    }
    this.transportFactory = Objects.requireNonNull(transportFactory, "transportFactory");
  }

  /** With the IHMC (Fast DDS) transport, node {@code telos_<robotId>}. */
  public Ros2RobotHardware(String robotId, List<String> jointNames, Ros2Config config, Clock clock) {
    this(robotId, jointNames, null, config, clock);
  }

  /** With the IHMC (Fast DDS) transport, node {@code telos_<robotId>}, and velocity limits. */
  public Ros2RobotHardware(String robotId, List<String> jointNames, double[] velocityLimits, Ros2Config config,
      Clock clock) {
    this(robotId, jointNames, velocityLimits, config, clock, (CameraSpec) null);
  }

  /**
   * With the IHMC (Fast DDS) transport, node {@code telos_<robotId>}, velocity limits (or null) and
   * the camera intrinsics the agent assumes (or null).
   */
  public Ros2RobotHardware(String robotId, List<String> jointNames, double[] velocityLimits, Ros2Config config,
      Clock clock, CameraSpec expectedCamera) {
    this(robotId, jointNames, velocityLimits, config, clock, expectedCamera,
        c -> new IhmcRos2Transport(nodeName(robotId), c.domainId(), c.loopbackOnly()));
  }

  /** {@code telos_<robotId>} with every character a ROS 2 node name refuses replaced by '_'. */
  public static String nodeName(String robotId) {
    return "telos_" + robotId.replaceAll("[^A-Za-z0-9_]", "_");
  }

  public Ros2Config config() {
    return config;
  }

  /** The order of the joints in the commands sent: the controller's {@code joints:}. */
  public List<String> commandJoints() {
    return commandJoints;
  }

  /** Joints seen in {@code joint_states} that the chain does not use (a gripper, another arm). */
  public Set<String> ignoredJoints() {
    return Set.copyOf(ignoredJoints);
  }

  /** Creates the node, the subscriptions and publishers, and the publisher thread. */
  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    transport = transportFactory.apply(config);
    try {
      if (config.commandInterface() != Ros2Config.CommandInterface.TRAJECTORY) {
        forwardPub = transport.publisher(Ros2Type.FLOAT64_MULTI_ARRAY, config.commandTopic(), config.qos());
      } else {
        trajectoryPub = transport.publisher(Ros2Type.JOINT_TRAJECTORY, config.commandTopic(), config.qos());
      }
      modePub = transport.publisher(Ros2Type.STRING, config.modeTopic(), Ros2Qos.LATCHED);
      transport.subscribe(Ros2Type.STRING, config.estopTopic(), Ros2Qos.DEFAULT, this::estopMessage);
      stateSub = transport.subscribe(Ros2Type.JOINT_STATE, config.stateTopic(), config.qos(), this::state);
      if (framesWanted()) { // someone looks at the camera: subscribe to its pictures and calibration
        if (config.imageTransport() == Ros2Config.ImageTransport.COMPRESSED) {
          transport.subscribe(Ros2Type.COMPRESSED_IMAGE, config.compressedImageTopic(), Ros2Qos.SENSOR_DATA,
              this::compressedImage);
        } else {
          transport.subscribe(Ros2Type.IMAGE, config.imageTopic(), Ros2Qos.SENSOR_DATA, this::image);
        }
        transport.subscribe(Ros2Type.CAMERA_INFO, config.cameraInfoTopic(), Ros2Qos.SENSOR_DATA, this::cameraInfo);
      }
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
    running = true;
    outbox.start();
    LOG.info("component={} event=start domain={} state={} command={} interface={} qos={} joints={} commandOrder={}",
        component, config.domainId(), config.stateTopic(), config.commandTopic(),
        config.commandInterface().name().toLowerCase(Locale.ROOT), config.qos(), joints.size(), commandJoints);
  }

  @Override
  public JointState read() {
    return latest;
  }

  @Override
  public Health health() {
    if (!running) {
      return Health.LOST;
    }
    long now = clock.nanos();
    long last = lastStateNs;
    if (last == Long.MIN_VALUE || now - last > config.stateTimeoutNs()) {
      return Health.LOST;
    }
    if (recentlyRefused()) {
      return Health.DEGRADED;
    }
    return Health.OK;
  }

  /** Writers of {@code joint_states} currently matched. */
  public int matchedStatePublishers() {
    Ros2Transport.Subscription s = stateSub;
    return s == null ? 0 : s.matchedPublishers();
  }

  @Override
  public synchronized void close() {
    if (!running) {
      return;
    }
    running = false;
    outbox.close(2000);
    if (config.commandInterface() == Ros2Config.CommandInterface.VELOCITY) {
      // a forward velocity controller keeps its last command: leave the robot standing still. The
      // writer sends asynchronously and a node destroyed at once may drop what it has not sent, and
      // this library has no wait for acknowledgement: the zero goes out a few times, lingering.
      try {
        for (int k = 0; k < STOP_REPEATS; k++) {
          forwardPub.publish(new Ros2Msg.Float64MultiArray(new double[joints.size()]));
          LockSupport.parkNanos(STOP_LINGER_NS);
        }
      } catch (RuntimeException e) {
        LOG.warn("component={} event=stop_velocity_failed cause=\"{}\"", component, e.toString());
      }
    }
    transport.close();
    logStop();
  }

  // ------------------------------------------------------------------ publisher

  /** Sends one command on the outbox's thread; false drops it. */
  @Override
  protected boolean send(JointCommand c) {
    if (!c.names().equals(joints)) {
      LOG.warn("component={} event=command_dropped reason=\"joints {} differ from {}\"", component, c.names(), joints);
      return false;
    }
    boolean ok = switch (config.commandInterface()) {
      case FORWARD -> forwardPub.publish(new Ros2Msg.Float64MultiArray(inCommandOrder(c.position())));
      case VELOCITY -> forwardPub.publish(new Ros2Msg.Float64MultiArray(inCommandOrder(velocityCommand(c))));
      case TRAJECTORY -> trajectoryPub.publish(new Ros2Msg.JointTrajectory(commandJoints, inCommandOrder(c.position()),
          inCommandOrder(c.velocity()), config.servoPeriodNs()));
    };
    if (c.mode() != publishedMode && modePub.publish(new Ros2Msg.Text(c.mode().name()))) {
      publishedMode = c.mode();
    }
    return ok;
  }


  /**
   * The kernel's velocity plus a correction towards its position, {@code v + gain (q_cmd - q)}
   * with q the latest measured position: a driver that integrates velocities would otherwise drift
   * from the kernel's positions (a late or dropped command leaves the old velocity running). Bounded
   * by the joint's velocity limit (never below the kernel's own |v|).
   */
  Vec velocityCommand(JointCommand c) {
    JointState s = latest;
    double gain = config.velocityGain();
    if (s == null || gain == 0) {
      return c.velocity();
    }
    double[] v = c.velocity().toArray();
    for (int i = 0; i < v.length; i++) {
      double corrected = v[i] + gain * (c.position().get(i) - s.position().get(i));
      double bound = velocityLimits == null ? Double.POSITIVE_INFINITY : Math.max(velocityLimits[i], Math.abs(v[i]));
      v[i] = Math.max(-bound, Math.min(bound, corrected));
    }
    return Vec.of(v);
  }

  private double[] inCommandOrder(Vec v) {
    double[] out = new double[commandIndex.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = v.get(commandIndex[k]);
    }
    return out;
  }

  // ------------------------------------------------------------------ receiver

  private void state(Ros2Msg.JointState m) {
    int n = joints.size();
    double[] pos = new double[n];
    double[] vel = m.velocity().length == 0 ? null : new double[n];
    double[] eff = m.effort().length == 0 ? null : new double[n];
    String why = map(m, pos, vel, eff);
    long now = clock.nanos();
    if (why != null) {
      rejectedState.refuse(now, why);
      return;
    }
    latest = new JointState(Header.of(stateSequence++, now, component), joints, Vec.of(pos),
        vel == null ? Vec.empty() : Vec.of(vel), eff == null ? Vec.empty() : Vec.of(eff));
    lastStateNs = now;
    accepted();
  }

  /**
   * Fills the arrays in joint order; returns why the message is refused, or null. Joints the chain
   * does not use are skipped (and remembered in {@link #ignoredJoints()}).
   */
  private String map(Ros2Msg.JointState m, double[] pos, double[] vel, double[] eff) {
    List<String> names = m.name();
    if (m.position().length != names.size()) {
      return "position has " + m.position().length + " values for " + names.size() + " joints";
    }
    if (vel != null && m.velocity().length != names.size()) {
      return "velocity has " + m.velocity().length + " values for " + names.size() + " joints";
    }
    if (eff != null && m.effort().length != names.size()) {
      return "effort has " + m.effort().length + " values for " + names.size() + " joints";
    }
    boolean[] seen = new boolean[joints.size()];
    int found = 0;
    for (int i = 0; i < names.size(); i++) {
      Integer j = index.get(names.get(i));
      if (j == null) {
        if (ignoredJoints.add(names.get(i))) {
          LOG.info("component={} event=joint_ignored joint={} reason=\"not in the chain\"", component, names.get(i));
        }
        continue;
      }
      if (seen[j]) {
        return "joint '" + names.get(i) + "' repeated";
      }
      seen[j] = true;
      found++;
      pos[j] = finite(m.position()[i]);
      if (vel != null) {
        vel[j] = finite(m.velocity()[i]);
      }
      if (eff != null) {
        eff[j] = finite(m.effort()[i]);
      }
    }
    if (found != joints.size()) {
      for (int j = 0; j < joints.size(); j++) {
        if (!seen[j]) {
          return "joint '" + joints.get(j) + "' missing (" + found + " of " + joints.size() + " chain joints)";
        }
      }
    }
    for (int j = 0; j < pos.length; j++) {
      if (Double.isNaN(pos[j]) || (vel != null && Double.isNaN(vel[j])) || (eff != null && Double.isNaN(eff[j]))) {
        return "non-finite value for joint '" + joints.get(j) + "'";
      }
    }
    return null;
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : Double.NaN;
  }

  /** {@code camera_info} messages received. */
  public long cameraInfos() {
    return cameraInfos;
  }

  /** The latest {@code camera_info}, or null before the first. */
  public Ros2Msg.CameraInfo cameraInfo() {
    return cameraInfo;
  }

  private void image(Ros2Msg.Image m) {
    long now = clock.nanos();
    int channels = switch (m.encoding()) {
      case "rgb8", "bgr8" -> 3;
      case "mono8" -> 1;
      default -> 0;
    };
    String why = null;
    if (channels == 0) {
      why = "image encoding '" + m.encoding() + "' is not rgb8, bgr8 or mono8";
    } else if (m.width() < 1 || m.height() < 1 || m.width() > 4096 || m.height() > 4096) {
      why = "image of " + m.width() + "x" + m.height() + " (each side must be in [1, 4096])";
    } else if (m.step() < m.width() * channels) {
      why = "image step " + m.step() + " is shorter than a row of " + m.width() + " " + m.encoding() + " pixels";
    } else if ((long) m.step() * m.height() != m.data().length) {
      why = "image data of " + m.data().length + " bytes, step x height is " + (long) m.step() * m.height();
    } else {
      why = disagreement(m.width(), m.height());
    }
    if (why != null) {
      rejectedImages.refuse(now, why);
      return;
    }
    int w = m.width();
    int h = m.height();
    byte[] rgb = new byte[3 * w * h];
    byte[] d = m.data();
    boolean bgr = m.encoding().equals("bgr8");
    for (int y = 0; y < h; y++) {
      int row = y * m.step();
      for (int x = 0, k = 3 * y * w; x < w; x++, k += 3) {
        if (channels == 1) {
          rgb[k] = d[row + x];
          rgb[k + 1] = d[row + x];
          rgb[k + 2] = d[row + x];
        } else {
          int p = row + 3 * x;
          rgb[k] = d[bgr ? p + 2 : p];
          rgb[k + 1] = d[p + 1];
          rgb[k + 2] = d[bgr ? p : p + 2];
        }
      }
    }
    deliver(m.frameId(), now, w, h, rgb);
  }

  private void compressedImage(Ros2Msg.CompressedImage m) {
    long now = clock.nanos();
    CompressedPictures.Picture p;
    try {
      p = CompressedPictures.decode(CompressedPictures.codec(m.format()), m.data(), this::disagreement);
    } catch (CompressedPictures.Refused e) {
      rejectedImages.refuse(now, e.getMessage());
      return;
    }
    deliver(m.frameId(), now, p.width(), p.height(), p.rgb());
  }

  private void deliver(String frameId, long now, int w, int h, byte[] rgb) {
    deliver(new CameraFrame(frameId.isEmpty() ? "camera" : frameId, imagesDelivered(), now, w, h, rgb, null));
  }

  /**
   * Why a picture of {@code w × h} is refused on account of the camera's calibration, or null: the
   * latest camera_info disagrees with the expected intrinsics, or gives another size.
   */
  private String disagreement(int w, int h) {
    String mismatch = cameraInfoMismatch;
    if (mismatch != null) {
      return mismatch;
    }
    Ros2Msg.CameraInfo info = cameraInfo;
    if (info != null && (info.width() != w || info.height() != h)) {
      return "picture of " + w + "x" + h + ", camera_info says " + info.width() + "x" + info.height();
    }
    return null;
  }

  private void cameraInfo(Ros2Msg.CameraInfo m) {
    String mismatch = expectedCamera == null ? null : mismatch(m, expectedCamera);
    String before = cameraInfoMismatch;
    cameraInfoMismatch = mismatch;
    cameraInfo = m;
    cameraInfos++;
    if (mismatch != null && !mismatch.equals(before)) {
      LOG.warn("component={} event=camera_info_mismatch reason=\"{}; pictures are refused\"", component, mismatch);
    } else if (mismatch == null && before != null) {
      LOG.info("component={} event=camera_info_matches fx={} fy={} cx={} cy={}", component, m.fx(), m.fy(), m.cx(),
          m.cy());
    }
    if (!distortionWarned && Arrays.stream(m.d()).anyMatch(v -> v != 0)) {
      distortionWarned = true;
      LOG.warn("component={} event=camera_distortion_ignored model={} d={} reason=\"pictures are not undistorted;"
          + " the tracker assumes a pinhole camera\"", component, m.distortionModel(),
          Arrays.toString(m.d()));
    }
  }

  /** How {@code info} disagrees with {@code spec}, naming both values, or null when it agrees. */
  static String mismatch(Ros2Msg.CameraInfo info, CameraSpec spec) {
    if (info.width() != spec.width() || info.height() != spec.height()) {
      return "camera_info says " + info.width() + "x" + info.height() + ", scene.camera says " + spec.width() + "x"
          + spec.height();
    }
    String[] names = {"fx", "fy", "cx", "cy"};
    double[] got = {info.fx(), info.fy(), info.cx(), info.cy()};
    double[] want = {spec.fx(), spec.fy(), spec.cx(), spec.cy()};
    for (int i = 0; i < names.length; i++) {
      double tolerance = Math.max(0.5, 0.002 * Math.abs(want[i]));
      if (!(Math.abs(got[i] - want[i]) <= tolerance)) { // a NaN disagrees too
        return String.format(Locale.ROOT, "camera_info says %s=%.2f, scene.camera says %s=%.2f (tolerance %.2f px)",
            names[i], got[i], names[i], want[i], tolerance);
      }
    }
    return null;
  }

  private void estopMessage(Ros2Msg.Text m) {
    String reason = m.data().strip();
    if (reason.isEmpty()) {
      reason = "estop";
    }
    estop(reason);
  }
}
