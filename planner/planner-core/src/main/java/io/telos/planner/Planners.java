package io.telos.planner;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.api.scene.Scene;
import io.telos.model.CollisionModel;
import io.telos.model.RobotModel;
import io.telos.planner.MppiConfig.Method;
import io.telos.planner.cost.GuardrailConfig;
import io.telos.planner.cost.SelfCollisionCost;
import io.telos.planner.internal.Check;
import io.telos.planner.spi.ContactModel;
import io.telos.planner.spi.ContactModelProvider;
import io.telos.planner.spi.WorldModel;
import io.telos.planner.spi.WorldModelProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds planners from a launch file's {@code planner} section (a YAML map: Integer, Double,
 * String, List and Map values). Unknown keys and bad values are refused with a
 * {@link ConfigException} (an {@link IllegalArgumentException}) that names the key and what is
 * allowed, e.g. {@code planner.samples: must be an integer in [8, 4096], was 0}.
 *
 * <pre>
 * planner:
 *   type: mppi              # mppi | cem | dls (default mppi)
 *   samples: 256
 *   world_model: analytic   # or { type: analytic, ...provider keys }
 *   contact_model: analytic # with scene objects: analytic (quasi-static) or { type: learned, path: … }
 *   costs: { terminal_weight: 4.0 }
 *   guardrails: { workspace_min: [-1, -1, 0.02], workspace_max: [1, 1, 1.2] }
 * </pre>
 *
 * The runtime's own keys (such as {@code rate_hz}) must be removed before the section gets here.
 */
public final class Planners {
  /** Planner types. */
  public static final Set<String> TYPES = Set.of("mppi", "cem", "dls");
  /** The section's name in a launch file. */
  public static final String SECTION = "planner";

  private Planners() {}

  /** Builds the planner a launch-file map describes; {@code seed} seeds the sampling planners. */
  public static InstrumentedPlanner create(RobotModel robot, Map<String, ?> config, long seed) {
    return create(robot, new Settings(SECTION, config), seed);
  }

  /** Builds the planner {@code section} describes; {@code seed} seeds the sampling planners. */
  public static InstrumentedPlanner create(RobotModel robot, Settings section, long seed) {
    return create(robot, section, seed, Scene.EMPTY);
  }

  /**
   * Builds the planner {@code section} describes for an arm among the objects of {@code scene}: a
   * sampling planner's world model then predicts the objects too ({@link PushingWorldModel}), so
   * push goals can be planned and other objects are not knocked.
   */
  public static InstrumentedPlanner create(RobotModel robot, Settings section, long seed, Scene scene) {
    String type = section.choice("type", "mppi", TYPES);
    return switch (type) {
      case "dls" -> {
        DlsConfig d = DlsConfig.from(section);
        if (!scene.isEmpty()) {
          d = new DlsConfig(d.horizon(), d.dtS(), d.gain(), d.damping(), d.maxSpeed(), d.nullSpaceGain(), d.ikRestarts(),
              d.blendDistanceM(), d.velocityScale(), d.costs(), d.guardrails().withFloorAtLeast(tableFloor(scene)));
        }
        yield new DlsIkPlanner(robot, d, scene);
      }
      case "cem" -> sampling(robot, section, Method.CEM, seed, scene);
      default -> sampling(robot, section, Method.MPPI, seed, scene);
    };
  }

  /**
   * The arm's collision model when {@code planner.guardrails.self_collision} is on (with the pairs of
   * {@code allowed_collisions}), for the runtime's safety kernel; empty when it is off (the default).
   * The section is the one {@link #create} reads; a bad key is refused with its name.
   */
  public static Optional<CollisionModel> collisionModel(RobotModel robot, Settings section) {
    GuardrailConfig g = GuardrailConfig.from(section.section("guardrails"));
    SelfCollisionCost.checkAllowed(robot, g);
    return g.selfCollision() ? Optional.of(SelfCollisionCost.model(robot, g))
        : Optional.empty();
  }

  /**
   * Lowest end-effector height allowed among scene objects: the tool's contact sphere clear of the
   * table (the base plane) by {@value #TABLE_CLEARANCE_M} m.
   */
  static double tableFloor(Scene scene) {
    return scene.toolRadiusM() + TABLE_CLEARANCE_M;
  }

  /** Clearance kept between the tool's contact sphere and the table, m. */
  static final double TABLE_CLEARANCE_M = 0.004;

  private static MppiPlanner sampling(RobotModel robot, Settings section, Method method, long seed, Scene scene) {
    MppiConfig config = MppiConfig.from(section, method, seed);
    if (!scene.isEmpty()) {
      config = config.withGuardrails(config.guardrails().withFloorAtLeast(tableFloor(scene)));
    }
    WorldModel model = worldModel(MppiPlanner.plannerRobot(robot, config.velocityScale()), config.dtS(), section);
    if (!scene.isEmpty()) {
      model = new PushingWorldModel(model, scene, contactModel(scene, config.dtS(), section));
    } else if (section.asMap().containsKey("contact_model")) {
      throw new ConfigException(section.key("contact_model") + ": needs objects in the launch file's scene section");
    }
    return new MppiPlanner(robot, model, config, Continuity.from(section, robot.response()));
  }

  /**
   * The world model {@code planner.world_model} names (default {@code analytic}), from the
   * {@link WorldModelProvider}s on the class path.
   */
  public static WorldModel worldModel(RobotModel robot, double dtS, Settings section) {
    Named named = named(section, "world_model");
    Map<String, WorldModelProvider> providers = providers();
    WorldModelProvider p = providers.get(named.type());
    if (p == null) {
      throw new ConfigException(named.key() + ": must be one of " + String.join(", ", new TreeSet<>(providers.keySet()))
          + ", was '" + named.type() + "'");
    }
    return p.create(robot, dtS, named.own());
  }

  /**
   * The contact model {@code planner.contact_model} names (default {@code analytic}, the
   * quasi-static one), from the {@link ContactModelProvider}s on the class path.
   */
  public static ContactModel contactModel(Scene scene, double dtS, Settings section) {
    Named named = named(section, "contact_model");
    Map<String, ContactModelProvider> providers = new TreeMap<>();
    for (ContactModelProvider p : ServiceLoader.load(ContactModelProvider.class, Planners.class.getClassLoader())) {
      providers.putIfAbsent(p.type(), p);
    }
    ContactModelProvider p = providers.get(named.type());
    if (p == null) {
      throw new ConfigException(named.key() + ": must be one of " + String.join(", ", providers.keySet())
          + ", was '" + named.type() + "'");
    }
    return p.create(scene, dtS, named.own());
  }

  /** A provider's choice: its type, its full key and its own settings (the map without {@code type}). */
  private record Named(String type, String key, Settings own) {}

  /** Reads {@code name: type} or {@code name: {type: …, …}} (default {@code analytic}). */
  private static Named named(Settings section, String name) {
    Object raw = section.asMap().get(name);
    String key = section.key(name);
    if (raw == null) {
      return new Named("analytic", key, Settings.empty(key));
    }
    if (raw instanceof String s && !s.isBlank()) {
      return new Named(s, key, Settings.empty(key));
    }
    if (raw instanceof Map<?, ?>) {
      Settings sub = section.section(name);
      Map<String, Object> rest = new LinkedHashMap<>(sub.asMap());
      rest.remove("type");
      return new Named(sub.requiredString("type"), key, new Settings(key, rest));
    }
    throw new ConfigException(key + ": must be a " + name.replace('_', ' ') + " type or a map with a type, was "
        + Check.describe(raw));
  }

  /** World-model providers by type; for a type offered twice, the higher rank (then the first found) wins. */
  public static Map<String, WorldModelProvider> providers() {
    Map<String, WorldModelProvider> out = new TreeMap<>();
    for (WorldModelProvider p : ServiceLoader.load(WorldModelProvider.class, Planners.class.getClassLoader())) {
      WorldModelProvider old = out.get(p.type());
      if (old == null || p.rank() > old.rank()) {
        out.put(p.type(), p);
      }
    }
    return out;
  }

  /** The keys a planner type accepts (for documentation and tooling). */
  public static Set<String> keys(String type) {
    return switch (type) {
      case "dls" -> new TreeSet<>(DlsConfig.KEYS);
      case "mppi", "cem" -> {
        TreeSet<String> k = new TreeSet<>(MppiConfig.COMMON_KEYS);
        k.addAll(List.of("type", "world_model", "contact_model", "costs", "guardrails", type.equals("mppi") ? "temperature" : "elite_fraction"));
        yield k;
      }
      default -> throw new IllegalArgumentException("unknown planner type '" + type + "' (allowed: cem, dls, mppi)");
    };
  }
}
