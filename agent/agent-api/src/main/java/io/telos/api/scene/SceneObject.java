package io.telos.api.scene;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A movable object of the scene: an upright cylinder (a puck, a can) resting on the support plane.
 *
 * @param name {@code name}: {@code [a-z][a-z0-9_]*}, how goals and observations refer to it
 * @param radiusM {@code radius_m}: cylinder radius
 * @param heightM {@code height_m}: cylinder height
 * @param massKg {@code mass_kg}: mass (a simulator uses it; a planner does not need it)
 * @param friction {@code friction}: Coulomb friction coefficient against the support plane
 * @param xM {@code position[0]}: initial centre x in the base frame (a simulator places it there)
 * @param yM {@code position[1]}: initial centre y
 */
public record SceneObject(String name, double radiusM, double heightM, double massKg, double friction, double xM,
    double yM) {
  static final Set<String> KEYS = Set.of("name", "shape", "radius_m", "height_m", "mass_kg", "friction", "position");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  public SceneObject {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ConfigException("scene.objects: name must match [a-z][a-z0-9_]*, was '" + name + "'");
    }
    check(name, "radius_m", radiusM, 0.005, 0.5);
    check(name, "height_m", heightM, 0.005, 0.5);
    check(name, "mass_kg", massKg, 0.001, 50);
    check(name, "friction", friction, 0, 5);
    check(name, "position", xM, -10, 10);
    check(name, "position", yM, -10, 10);
  }

  private static void check(String name, String key, double v, double lo, double hi) {
    if (!(v >= lo && v <= hi)) {
      throw new ConfigException("scene.objects[" + name + "]." + key + ": must be a number in [" + lo + ", " + hi
          + "], was " + v);
    }
  }

  static SceneObject from(Settings s) {
    s.requireOnly(KEYS);
    String shape = s.choice("shape", "cylinder", Set.of("cylinder"));
    assert shape.equals("cylinder");
    double[] p = s.numbers("position", null, 2, -10, 10);
    if (p == null) {
      throw new ConfigException(s.key("position") + ": required, [x, y] in metres (base frame)");
    }
    return new SceneObject(s.requiredString("name"), s.number("radius_m", 0.04, 0.005, 0.5),
        s.number("height_m", 0.05, 0.005, 0.5), s.number("mass_kg", 0.3, 0.001, 50), s.number("friction", 0.4, 0, 5),
        p[0], p[1]);
  }

  /** Height of the centre above the support plane. */
  public double centreHeightM() {
    return heightM / 2;
  }

  /**
   * Planar distance between the tool's centre and this object's axis below which a tool sphere of
   * {@code toolRadius} centred at height {@code toolZ} touches it; 0 when the sphere passes above.
   */
  public double contactRadius(double toolZ, double toolRadius) {
    double above = toolZ - heightM;
    if (above >= toolRadius) {
      return 0;
    }
    double r = above <= 0 ? toolRadius : Math.sqrt(toolRadius * toolRadius - above * above);
    return radiusM + r;
  }

  /**
   * The quasi-static push: where this object, its axis at {@code (x, y)}, ends up when a tool
   * sphere of {@code toolRadius} stands at {@code (tx, ty, tz)}. Where the sphere overlaps the
   * object (below its top), the object is moved along the line from the tool's centre through its
   * own axis until they just touch; pressing down on its top face, or standing on its axis, moves
   * nothing. The sticking-free limit of planar pushing: no sliding after release, no rotation.
   *
   * @param out receives the new {@code x, y} (the old ones when untouched)
   * @return true when the object was moved
   */
  public boolean pushedBy(double tx, double ty, double tz, double toolRadius, double x, double y, double[] out) {
    out[0] = x;
    out[1] = y;
    double reach = contactRadius(tz, toolRadius);
    if (reach <= 0) {
      return false;
    }
    double dx = x - tx;
    double dy = y - ty;
    double d = Math.sqrt(dx * dx + dy * dy);
    boolean onTop = tz > heightM && d < radiusM;
    if (d < reach && d > 1e-9 && !onTop) {
      out[0] = tx + dx * (reach / d);
      out[1] = ty + dy * (reach / d);
      return true;
    }
    return false;
  }
}
