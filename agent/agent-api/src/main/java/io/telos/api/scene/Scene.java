package io.telos.api.scene;

import io.telos.api.camera.CameraSpec;
import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The launch file's {@code scene:} section: what besides the arm is in the workspace and can be
 * touched. The support plane (a table top) is the base frame's {@code z = 0} plane; the tool's
 * contact shape is a sphere around the end-effector frame. A simulator builds bodies from it, a
 * planner its contact model; where the objects are at run time comes from perception
 * ({@link io.telos.api.Observation#objects()}).
 *
 * <pre>
 * scene:
 *   tool_radius_m: 0.02
 *   objects:
 *     - { name: puck, shape: cylinder, radius_m: 0.04, height_m: 0.05, mass_kg: 0.3, friction: 0.4, position: [0.5, 0.1] }
 * </pre>
 *
 * <p>A cell may also have a camera ({@code camera:}, see {@link CameraSpec}): a simulator renders
 * it, and with {@code perception.objects: camera} the objects' poses come from its pictures.
 *
 * @param toolRadiusM {@code tool_radius_m}: radius of the contact sphere at the end-effector
 * @param objects {@code objects}: movable objects, unique names
 * @param camera {@code camera}: the cell's camera, or {@code null} for none
 */
public record Scene(double toolRadiusM, List<SceneObject> objects, CameraSpec camera) {
  public static final String SECTION = "scene";
  public static final Set<String> KEYS = Set.of("tool_radius_m", "objects", "camera");
  public static final double DEFAULT_TOOL_RADIUS_M = 0.02;
  public static final Scene EMPTY = new Scene(DEFAULT_TOOL_RADIUS_M, List.of());

  /** A scene without a camera. */
  public Scene(double toolRadiusM, List<SceneObject> objects) {
    this(toolRadiusM, objects, null);
  }

  public Scene {
    if (!(toolRadiusM >= 0.002 && toolRadiusM <= 0.2)) {
      throw new ConfigException("scene.tool_radius_m: must be a number in [0.002, 0.2], was " + toolRadiusM);
    }
    objects = List.copyOf(objects);
    Set<String> names = new HashSet<>();
    for (SceneObject o : objects) {
      if (!names.add(o.name())) {
        throw new ConfigException("scene.objects: name '" + o.name() + "' is used twice");
      }
    }
  }

  /** Reads and validates a {@code scene} section; an absent section is the empty scene. */
  public static Scene from(Settings s) {
    s.requireOnly(KEYS);
    List<SceneObject> objects = new ArrayList<>();
    for (Settings o : s.list("objects")) {
      objects.add(SceneObject.from(o));
    }
    CameraSpec camera = s.has("camera") ? CameraSpec.from(s.section("camera"), objects) : null;
    return new Scene(s.number("tool_radius_m", DEFAULT_TOOL_RADIUS_M, 0.002, 0.2), objects, camera);
  }

  /** The object called {@code name}, if the scene has one. */
  public Optional<SceneObject> object(String name) {
    return objects.stream().filter(o -> o.name().equals(name)).findFirst();
  }

  /**
   * Height of the tool's centre while it pushes {@code o}: half the object's height, and never
   * lower than the tool's radius + 5 mm, so the contact sphere stays clear of the table.
   */
  public double pushHeightM(SceneObject o) {
    return Math.max(o.heightM() / 2, toolRadiusM + 0.005);
  }

  public boolean isEmpty() {
    return objects.isEmpty();
  }

  /**
   * The scene's objects as a launch file's {@code scene} section would give them (YAML/JSON types;
   * the camera left out), so that {@link #from} reads it back: what episodic memory keeps of the
   * scene an episode ran in.
   */
  public Map<String, Object> asMap() {
    List<Object> list = new ArrayList<>();
    for (SceneObject o : objects) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", o.name());
      m.put("shape", "cylinder");
      m.put("radius_m", o.radiusM());
      m.put("height_m", o.heightM());
      m.put("mass_kg", o.massKg());
      m.put("friction", o.friction());
      m.put("position", List.of(o.xM(), o.yM()));
      list.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tool_radius_m", toolRadiusM);
    out.put("objects", list);
    return out;
  }

  /** The same scene with {@code camera} (or none, for {@code null}). */
  public Scene withCamera(CameraSpec camera) {
    return new Scene(toolRadiusM, objects, camera);
  }
}
