package io.telos.launch;

import io.telos.api.Clock;
import io.telos.api.Goal;
import io.telos.api.ResponseReport;
import io.telos.api.SimulatedClock;
import io.telos.api.WallClock;
import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.api.scene.Scene;
import io.telos.api.spi.HardwareContext;
import io.telos.api.spi.Planner;
import io.telos.api.spi.RobotHardware;
import io.telos.api.spi.RobotHardwareProvider;
import io.telos.api.spi.StateEstimator;
import io.telos.bridge.ros2.Ros2Description;
import io.telos.memory.EpisodeStore;
import io.telos.memory.EpisodeSummary;
import io.telos.memory.EventRecord;
import io.telos.memory.MemoryConfig;
import io.telos.memory.Outcome;
import io.telos.memory.StepCursor;
import io.telos.memory.StepRecord;
import io.telos.model.ActuatorResponse;
import io.telos.model.ChainException;
import io.telos.model.CollisionModel;
import io.telos.model.JointLimits;
import io.telos.model.RobotModel;
import io.telos.model.UrdfException;
import io.telos.perception.camera.CameraObjects;
import io.telos.perception.camera.FiducialTracker;
import io.telos.perception.response.OnlineResponseIdentifier;
import io.telos.perception.response.ResponseEstimate;
import io.telos.planner.AdaptiveResponsePlanner;
import io.telos.planner.Planners;
import io.telos.runtime.AgentRuntime;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchSpec;
import io.telos.runtime.config.RobotSpec;
import io.telos.runtime.task.Tasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: turns a validated {@link LaunchSpec} into the runtime's parts — robot
 * model, bridge (found through {@link RobotHardwareProvider}), estimator, planner, goals, clock.
 * Every refusal is a {@link LaunchException} naming the file and the key.
 */
public final class Composer {
  /** Clearance a random target's configuration keeps from the table and between links when the planner checks them, m. */
  static final double TARGET_CLEARANCE_M = 0.005;
  /** {@code perception.objects}: where the scene objects' poses come from. */
  static final String OBJECTS_KEY = "objects";
  /**
   * A tracked object keeps its last pose however long it is hidden (the arm covers the marker while
   * it pushes; the pose's stamp says how old it is). Dropping it after 5 s left the DLS baseline
   * holding over a puck it could no longer see: 3/9 pushes, against 9/9 when it is kept.
   */
  static final long CAMERA_STALE_NS = Long.MAX_VALUE;
  private static final Logger LOG = LoggerFactory.getLogger(Composer.class);

  private Composer() {}

  /** Seeds for components derive from the master seed so that they differ but repeat. */
  static long derive(long seed, String component) {
    long h = seed * 0x9E3779B97F4A7C15L;
    for (char c : component.toCharArray()) {
      h = (h ^ c) * 0xBF58476D1CE4E5B9L;
    }
    return h ^ (h >>> 31);
  }

  public static AgentRuntime.Parts compose(LaunchSpec spec) {
    String file = spec.source() == null ? "launch file" : spec.source().toString();
    spec = withFetchedDescription(spec);
    try {
      RobotModel model = model(spec);
      if (spec.robot().adaptResponse()) { // start from what the arm showed last time, if memory holds it
        model = model.withResponse(rememberedResponse(spec, model));
      }
      Clock clock = spec.simulatedTime() ? new SimulatedClock() : WallClock.INSTANCE;
      RobotHardware hardware = hardware(spec, clock);
      hardware = objectsFromCamera(spec, hardware, clock, model);
      StateEstimator estimator = Components.estimator(spec.robot().id(), model,
          spec.perception().without(OBJECTS_KEY));
      long plannerSeed = derive(spec.seed(), "planner");
      OnlineResponseIdentifier identifier = identifier(model, spec.simulatedTime());
      Planner planner;
      Consumer<ActuatorResponse> adopter = null;
      if (spec.robot().adaptResponse()) {
        // robot.response.adapt: the planner is rebuilt for each response the runtime adopts
        RobotModel base = model;
        Settings section = spec.planner();
        Scene scene = spec.scene();
        var adaptive = new AdaptiveResponsePlanner(
            r -> Planners.create(base.withResponse(r), section, plannerSeed, scene), model.response());
        planner = adaptive;
        adopter = r -> {
          adaptive.adopt(r);
          identifier.declare(r);
        };
      } else {
        planner = Components.planner(model, spec.planner(), plannerSeed, spec.scene());
      }
      // planner.guardrails.self_collision: the kernel checks plans against the same collision model,
      // and random targets come from configurations clear of the table and of the arm's own links
      CollisionModel collision = Planners.collisionModel(model, spec.planner()).orElse(null);
      List<Goal> goals = spec.task().type().equals("reach_recalled")
          ? Tasks.recalledGoals(spec.task(), model, spec.robot().id(), recalledConfigurations(spec, model))
          : Tasks.goals(spec.task(), model, derive(spec.seed(), "task"), spec.robot().id(), clearOf(collision));
      return new AgentRuntime.Parts(spec.robot().id(), model, hardware, estimator, planner, goals,
          (long) (spec.task().settleS() * 1e9), spec.safety(), spec.plannerRateHz(), spec.perceptionRateHz(), clock,
          spec.teleop(), collision, identifier, adopter);
    } catch (ConfigException | UrdfException e) {
      throw new LaunchException(file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new LaunchException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code perception.objects}: {@code bridge} (the default) takes the scene objects' poses the
   * bridge reports (a simulator's truth, a pose topic); {@code camera} finds them in the pictures of
   * the bridge's camera ({@code scene.camera}) with the fiducial tracker, and nothing the bridge
   * says about them reaches the planner. {@link #hardware} has checked the camera, the objects and
   * the bridge before the bridge was built.
   */
  static RobotHardware objectsFromCamera(LaunchSpec spec, RobotHardware hardware, Clock clock, RobotModel model) {
    if (!objectsFromCamera(spec)) {
      return hardware;
    }
    FiducialTracker tracker = new FiducialTracker(spec.scene().camera(), spec.scene(), CAMERA_STALE_NS);
    tracker.predictPushes(CameraObjects.toolOf(hardware, model));
    return CameraObjects.wrap(hardware, tracker, clock, spec.simulatedTime());
  }

  /** True when {@code perception.objects} is {@code camera}; checks the key's value. */
  static boolean objectsFromCamera(LaunchSpec spec) {
    return spec.perception().choice(OBJECTS_KEY, "bridge", Set.of("bridge", "camera")).equals("camera");
  }

  /** Episodes searched, newest first, for the last response estimate of the robot. */
  static final int REMEMBERED_EPISODES = 500;

  /**
   * {@code robot.response.adapt}: the response to start from — the declared one with the lag and
   * dead time of the newest estimate episodic memory holds for this robot (kept with each episode,
   * ADR 0007) where it has them; the declared one when memory has none or cannot be read.
   */
  static ActuatorResponse rememberedResponse(LaunchSpec spec, RobotModel model) {
    ActuatorResponse declared = model.response();
    Optional<EpisodeStore> reader;
    try {
      MemoryConfig memory = memory(spec);
      if (memory.type() == MemoryConfig.Type.SQLITE && !Files.exists(memory.path())) {
        return declared; // a first session: nothing remembered yet
      }
      reader = memory.createReader();
    } catch (RuntimeException e) {
      return declared;
    }
    if (reader.isEmpty()) {
      return declared;
    }
    try (EpisodeStore store = reader.get()) {
      store.open();
      for (EpisodeSummary e : store.listEpisodes(REMEMBERED_EPISODES)) {
        if (!e.meta().robotId().equals(spec.robot().id())) {
          continue;
        }
        List<EventRecord> estimates = store.events(e.id()).stream()
            .filter(ev -> ev.kind() == EventRecord.Kind.RESPONSE_ESTIMATE).toList();
        if (estimates.isEmpty()) {
          continue;
        }
        Optional<double[][]> r = ResponseReport.parseSummary(estimates.get(estimates.size() - 1).detail());
        if (r.isPresent() && r.get()[0].length == model.dof()) {
          ActuatorResponse remembered = declared.adopting(r.get()[0], r.get()[1], r.get()[2]);
          LOG.info("component=launch/{} event=response_remembered episode={} lag_s={} dead_time_s={}"
              + " max_velocity={}", spec.robot().id(), e.id(), Arrays.toString(remembered.lagS()),
              Arrays.toString(remembered.deadTimeS()), Arrays.toString(remembered.maxVelocity()));
          return remembered;
        }
      }
    } catch (RuntimeException e) { // a memory that cannot be read (yet) is no reason not to start
      LOG.warn("component=launch/{} event=response_not_remembered reason=\"{}\"", spec.robot().id(), e.toString());
    }
    return declared;
  }

  /** Random-target configurations with {@link #TARGET_CLEARANCE_M} to spare from the table and between links; all without a model. */
  static Predicate<double[]> clearOf(CollisionModel collision) {
    if (collision == null) {
      return q -> true;
    }
    CollisionModel.Checker checker = collision.newChecker();
    return q -> {
      checker.update(q);
      return checker.selfClearance() >= TARGET_CLEARANCE_M && checker.tableClearance() >= TARGET_CLEARANCE_M;
    };
  }

  /** The memory section (episodic store), validated. */
  /**
   * The final observed state (joint positions, then velocities) of each episode a
   * {@code reach_recalled} task names (or of its {@code count} most recent reached episodes), read
   * from the launch file's memory.
   */
  static Map<Long, double[]> recalledConfigurations(LaunchSpec spec, RobotModel model) {
    var reader = memory(spec).createReader().orElseThrow(() ->
        new ConfigException("task: reach_recalled needs a memory (memory.type is none)"));
    try (reader) {
      reader.open();
      List<Long> ids = new ArrayList<>(spec.task().episodes());
      if (ids.isEmpty()) {
        for (EpisodeSummary e : reader.listEpisodes(10_000)) {
          if (e.outcome() == Outcome.REACHED && ids.size() < spec.task().count()) {
            ids.add(e.id());
          }
        }
        Collections.reverse(ids);
        if (ids.isEmpty()) {
          throw new ConfigException("task: reach_recalled found no reached episode in the memory");
        }
      }
      Map<Long, double[]> out = new LinkedHashMap<>();
      for (long id : ids) {
        if (reader.episode(id).isEmpty()) {
          throw new ConfigException("task.episodes: no episode " + id + " in the memory");
        }
        StepRecord last = null;
        try (StepCursor c = reader.readSteps(id)) {
          while (c.hasNext()) {
            last = c.next();
          }
        }
        if (last == null) {
          throw new ConfigException("task.episodes: episode " + id + " has no steps");
        }
        out.put(id, last.state().toArray()); // joint positions, then velocities

      }
      return out;
    }
  }

  public static MemoryConfig memory(LaunchSpec spec) {
    try {
      return MemoryConfig.from(fleetDefault(spec));
    } catch (IllegalArgumentException e) {
      throw new LaunchException((spec.source() == null ? "launch file" : spec.source().toString()) + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code memory:} with the fleet's default: a member of a fleet ({@code cluster:}) records to the
   * fleet's one PostgreSQL store unless its launch file names another type, so that every robot's
   * episodes are in one place for the fleet trainer and for recall.
   *
   * @throws LaunchException when a fleet member names no store url and no other type
   */
  static Settings fleetDefault(LaunchSpec spec) {
    Settings m = spec.memory();
    if (spec.cluster() == null || m.has("type")) {
      return m;
    }
    if (!m.has("url")) {
      throw new LaunchException("memory.url: a member of a fleet (cluster:) records to the fleet's PostgreSQL store:"
          + " give its url (jdbc:postgresql://host:port/database), or memory.type: sqlite to keep this robot's"
          + " memory on this machine (or none)");
    }
    Map<String, Object> withType = new LinkedHashMap<>(m.asMap());
    withType.put("type", "postgres");
    return new Settings("memory", withType);
  }

  /**
   * The online identification of the arm's response (lag and dead time per joint, checked against
   * {@code robot.response}), fed by the servo loop; judged directly in lock-step, with a
   * transport's floors otherwise.
   */
  public static OnlineResponseIdentifier identifier(RobotModel model, boolean lockStep) {
    return new OnlineResponseIdentifier(model.jointNames(), model.response(),
        lockStep ? ResponseEstimate.Tolerance.DIRECT : ResponseEstimate.Tolerance.TRANSPORT);
  }

  /** How long to wait for a description published by a running ROS 2 system, s. */
  static final double DESCRIPTION_TIMEOUT_S = 10;

  /** Descriptions fetched from running ROS 2 systems, by location, as files every part can read. */
  private static final ConcurrentHashMap<String, Path> FETCHED =
      new ConcurrentHashMap<>();

  /**
   * For {@code robot.description: ros2:/robot_description}: waits (up to
   * {@value #DESCRIPTION_TIMEOUT_S} s) for the URDF a robot_state_publisher
   * publishes (std_msgs/String, transient-local) on the bridge's DDS domain, keeps it in a file and
   * returns the spec pointing at that file; any other spec unchanged. Fetched once per location.
   *
   * @throws ConfigException naming {@code robot.description} when nothing arrives in time
   */
  static LaunchSpec withFetchedDescription(LaunchSpec spec) {
    return withFetchedDescription(spec, DESCRIPTION_TIMEOUT_S);
  }

  static LaunchSpec withFetchedDescription(LaunchSpec spec, double timeoutS) {
    String location = spec.robot().description();
    if (!Ros2Description.isRos2(location)) {
      return spec;
    }
    Path file = FETCHED.computeIfAbsent(location, l -> {
      Settings b = spec.bridge();
      int domain = (int) b.integer("domain_id", 0, 0, 232);
      boolean loopback = b.bool("loopback_only", false);
      double timeout = timeoutS;
      try {
        String urdf = Ros2Description.fetch(Ros2Description.topic(l), domain,
            loopback, Duration.ofMillis((long) (timeout * 1000)));
        Path f = Files.createTempFile("telos-robot-description-", ".urdf");
        f.toFile().deleteOnExit();
        Files.writeString(f, urdf);
        return f;
      } catch (IllegalStateException e) {
        throw new ConfigException(e.getMessage());
      } catch (IOException e) {
        throw new ConfigException("robot.description: cannot keep the description of " + l + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ConfigException("robot.description: interrupted while waiting for " + l);
      }
    });
    var r = spec.robot();
    return spec.withRobot(new RobotSpec(r.id(), file.toString(), r.limits(), r.arm(),
        r.response()));
  }

  /** The robot model of a spec, with the launch file's limit overrides applied. */
  public static RobotModel model(LaunchSpec spec) {
    spec = withFetchedDescription(spec);
    RobotModel model;
    try {
      model = RobotModel.load(spec.robot().description(), spec.robot().arm());
    } catch (ChainException e) {
      throw new ConfigException("robot." + e.key() + ": " + e.getMessage());
    } catch (UrdfException e) {
      throw new ConfigException("robot.description: " + e.getMessage());
    }
    Settings lim = spec.robot().limits();
    JointLimits limits = model.limits();
    double scale = lim.number("velocity_scale", 1, 0.01, 1);
    if (scale < 1) {
      limits = limits.withVelocityScale(scale);
    }
    double[] acc = lim.numbers("acceleration", null, model.dof(), 1e-3, 1e4);
    if (acc != null) {
      limits = limits.withAcceleration(acc);
    }
    return model.withLimits(limits).withResponse(response(spec.robot().response(), model.dof()));
  }

  /**
   * The actuator response {@code robot.response} declares: {@code lag_s} (s), {@code dead_time_ms}
   * and {@code max_velocity} (rad/s or m/s), each one number or one per joint; ideal when absent.
   */
  static ActuatorResponse response(Settings r, int dof) {
    return ActuatorResponse.declaredIn(r) ? ActuatorResponse.parse(r, dof) : ActuatorResponse.ideal(dof);
  }


  private static void requirePictures(String what, RobotHardwareProvider p, Map<String, RobotHardwareProvider> all,
      String otherwise) {
    if (!p.deliversFrames()) {
      throw new ConfigException(what + ": bridge.type " + p.type() + " delivers no camera pictures; use a bridge"
          + " that does (" + String.join(", ", all.values().stream().filter(RobotHardwareProvider::deliversFrames)
          .map(RobotHardwareProvider::type).sorted().toList()) + ")" + otherwise);
    }
  }

  static RobotHardware hardware(LaunchSpec spec, Clock clock) {
    Settings bridge = spec.bridge();
    String type = bridge.requiredString("type");
    Map<String, RobotHardwareProvider> providers = providers();
    RobotHardwareProvider p = providers.get(type);
    if (p == null) {
      throw new ConfigException("bridge.type: must be one of " + String.join(", ", providers.keySet()) + ", was '" + type + "'");
    }
    if (objectsFromCamera(spec)) { // the objects are found in the bridge's pictures, not reported by it
      if (spec.scene().camera() == null) {
        throw new ConfigException(spec.perception().key(OBJECTS_KEY)
            + ": camera needs scene.camera (the camera's intrinsics and pose in the base frame)");
      }
      if (spec.scene().objects().isEmpty()) {
        throw new ConfigException(spec.perception().key(OBJECTS_KEY) + ": camera needs scene.objects to look for");
      }
      requirePictures(spec.perception().key(OBJECTS_KEY) + ": camera", p, providers,
          " or take the objects from the bridge (perception.objects: bridge)");
    } else if (!spec.scene().isEmpty() && !p.tracksObjects()) {
      throw new ConfigException("scene.objects: bridge.type " + type + " reports no object poses; use a bridge that"
          + " tracks objects (" + String.join(", ", providers.values().stream().filter(RobotHardwareProvider::tracksObjects)
          .map(RobotHardwareProvider::type).sorted().toList()) + "), take them from a camera (perception.objects:"
          + " camera) or remove the objects");
    }
    if (memory(spec).frames() != null) {
      if (spec.scene().camera() == null) {
        throw new ConfigException(spec.memory().key("frames") + ": needs scene.camera (the camera whose pictures"
            + " are kept)");
      }
      requirePictures(spec.memory().key("frames"), p, providers, " or remove memory.frames");
    }
    Set<String> allowed = new HashSet<>(p.settingKeys());
    allowed.add("type");
    bridge.requireOnly(allowed);
    Map<String, Object> settings = new TreeMap<>(bridge.asMap());
    settings.remove("type");
    settings.values().removeIf(v -> v == null);
    return p.create(new HardwareContext(spec.robot().id(), spec.robot().description(), settings, clock,
        derive(spec.seed(), "bridge"), clock.isSimulated(), spec.scene(), spec.robot().arm()));
  }

  /** Bridges on the class path, by type. */
  public static Map<String, RobotHardwareProvider> providers() {
    Map<String, RobotHardwareProvider> out = new TreeMap<>();
    for (RobotHardwareProvider p : ServiceLoader.load(RobotHardwareProvider.class)) {
      out.putIfAbsent(p.type(), p);
    }
    return out;
  }
}
