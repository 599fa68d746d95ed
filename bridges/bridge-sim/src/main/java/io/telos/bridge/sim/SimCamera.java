package io.telos.bridge.sim;

import io.telos.api.ObjectPose;
import io.telos.api.camera.CameraFrame;
import io.telos.api.camera.CameraSpec;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.model.CollisionModel;
import io.telos.model.KinematicChain;
import io.telos.model.Transform;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A simulated pinhole camera: renders the cell by casting one ray per pixel through the
 * {@link CameraSpec}'s intrinsics, against the table (the base frame's {@code z = 0} plane, grey
 * with a 10 cm grid), the scene's cylinders (a coloured side, a white top face carrying the
 * object's AprilTag 36h11 marker, turned by the object's yaw) and the arm's links as the
 * {@link CollisionModel}'s capsules, with the tool's marker plate when the camera names one
 * ({@link CameraSpec#toolMarker()}). Objects and the plate are sampled 3 × 3 per pixel, so the marker's edges are
 * anti-aliased as a real lens and sensor would blur them; the rest takes one sample per pixel.
 * Lambertian shading under one fixed light; Gaussian pixel noise of {@link CameraSpec#noise()}
 * seeded by the frame's sequence, so a lock-step run renders bit-identical frames. Depth is the
 * distance along the optical axis (m), {@code NaN} where a ray meets nothing.
 *
 * <p>Cost: each primitive is tested only inside its projected bounding box; a 640 × 480 frame of
 * a six-link arm and a puck renders in a few milliseconds on one core. Not thread-safe: one
 * rendering at a time.
 */
public final class SimCamera {
  private static final double GRID_M = 0.1;
  private static final double GRID_LINE_M = 0.002;
  private static final double[] LIGHT = unit(0.3, -0.25, 1);
  private static final double AMBIENT = 0.35;
  private static final float[] TABLE = {0.62f, 0.60f, 0.56f};
  private static final float[] GRID = {0.50f, 0.49f, 0.46f};
  private static final float[] SKY = {0.80f, 0.84f, 0.88f};
  private static final float[] LINK = {0.55f, 0.60f, 0.70f};
  private static final float[] SIDE = {0.85f, 0.45f, 0.15f};
  private static final float WHITE = 0.95f;
  private static final float BLACK = 0.06f;
  private static final double[] SUB = {-1.0 / 3, 0, 1.0 / 3};
  /** The tool marker's white plate, as a multiple of the marker's black square. */
  static final double PLATE = 1.5;

  private final String name;
  private final CameraSpec spec;
  private final Scene scene;
  private final CollisionModel.Checker links; // null: the links are not drawn
  private final int capsules;
  private final long seed;
  private final int w;
  private final int h;
  private final double[] r; // optical → base, row-major
  private final double ox;
  private final double oy;
  private final double oz;
  private final boolean[][] markers; // per scene object
  private final KinematicChain chain; // null without a tool marker or links
  private final Transform toolToMarker;
  private final boolean[] toolCells;
  private final double[] ends = new double[6];
  // per-frame buffers
  private final float[] colour;
  private final float[] depth;
  private final double[] dir = new double[3];

  /**
   * @param name the camera's name in its frames
   * @param links the arm's collision capsules, drawn as its links; {@code null} draws no arm
   * @param seed seed of the pixel noise (combined with each frame's sequence)
   */
  public SimCamera(String name, CameraSpec spec, Scene scene, CollisionModel links, long seed) {
    this.name = Objects.requireNonNull(name, "name");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.scene = Objects.requireNonNull(scene, "scene");
    this.links = links == null ? null : links.newChecker();
    this.capsules = links == null ? 0 : links.capsules().size();
    this.seed = seed;
    this.w = spec.width();
    this.h = spec.height();
    this.r = spec.rotation();
    double[] p = spec.position();
    this.ox = p[0];
    this.oy = p[1];
    this.oz = p[2];
    MarkerPatterns patterns = new MarkerPatterns();
    Map<Integer, boolean[]> byId = new HashMap<>();
    List<SceneObject> objects = scene.objects();
    this.markers = new boolean[objects.size()][];
    for (int i = 0; i < objects.size(); i++) {
      markers[i] = byId.computeIfAbsent(spec.markerId(objects.get(i), objects), patterns::cells);
    }
    CameraSpec.ToolMarker tool = spec.toolMarker();
    if (tool != null && links != null) {
      double[] xyz = tool.xyz();
      double[] rpy = tool.rpy();
      this.chain = links.chain();
      this.toolToMarker = Transform.fromXyzRpy(xyz[0], xyz[1], xyz[2], rpy[0], rpy[1], rpy[2]);
      this.toolCells = patterns.cells(tool.id());
    } else {
      this.chain = null;
      this.toolToMarker = null;
      this.toolCells = null;
    }
    this.colour = new float[3 * w * h];
    this.depth = new float[w * h];
  }

  public CameraSpec spec() {
    return spec;
  }

  /**
   * Renders the cell with the arm at {@code q} (chain order; ignored without links) and the scene
   * objects where {@code objects} puts them (matched by name; an object not listed is not drawn).
   */
  public CameraFrame render(long sequence, long stampNs, double[] q, List<ObjectPose> objects) {
    background();
    if (links != null && q != null) {
      links.update(q);
      for (int i = 0; i < capsules; i++) {
        links.ends(i, ends);
        drawCapsule(ends.clone(), links.model().capsules().get(i).radius());
      }
      if (chain != null) {
        drawToolMarker(q);
      }
    }
    List<SceneObject> declared = scene.objects();
    for (ObjectPose pose : objects) {
      for (int i = 0; i < declared.size(); i++) {
        if (declared.get(i).name().equals(pose.name()) && pose.isFinite()) {
          drawObject(declared.get(i), pose, markers[i]);
        }
      }
    }
    return new CameraFrame(name, sequence, stampNs, w, h, quantize(sequence), depth.clone());
  }

  // ---- rays ----

  /** Base-frame direction of the ray through pixel {@code (u, v)}, scaled so its optical z is 1. */
  private void ray(double u, double v) {
    double x = (u - spec.cx()) / spec.fx();
    double y = (v - spec.cy()) / spec.fy();
    dir[0] = r[0] * x + r[1] * y + r[2];
    dir[1] = r[3] * x + r[4] * y + r[5];
    dir[2] = r[6] * x + r[7] * y + r[8];
  }

  private void background() {
    for (int v = 0; v < h; v++) {
      for (int u = 0; u < w; u++) {
        ray(u, v);
        int k = v * w + u;
        if (dir[2] < -1e-12) {
          double t = -oz / dir[2];
          double x = ox + t * dir[0];
          double y = oy + t * dir[1];
          float[] c = onGrid(x) || onGrid(y) ? GRID : TABLE;
          float s = (float) shade(0, 0, 1);
          put(k, c[0] * s, c[1] * s, c[2] * s);
          depth[k] = (float) t;
        } else {
          put(k, SKY[0], SKY[1], SKY[2]);
          depth[k] = Float.NaN;
        }
      }
    }
  }

  private static boolean onGrid(double x) {
    double f = x / GRID_M - Math.floor(x / GRID_M);
    return f * GRID_M < GRID_LINE_M / 2 || (1 - f) * GRID_M < GRID_LINE_M / 2;
  }

  // ---- links ----

  private void drawCapsule(double[] e, double radius) {
    int[] box = project(Math.min(e[0], e[3]) - radius, Math.max(e[0], e[3]) + radius, Math.min(e[1], e[4]) - radius,
        Math.max(e[1], e[4]) + radius, Math.min(e[2], e[5]) - radius, Math.max(e[2], e[5]) + radius);
    if (box == null) {
      return;
    }
    for (int v = box[2]; v <= box[3]; v++) {
      for (int u = box[0]; u <= box[1]; u++) {
        ray(u, v);
        double t = capsule(e, radius);
        int k = v * w + u;
        if (t > 0 && !(t >= depth[k])) {
          double px = ox + t * dir[0];
          double py = oy + t * dir[1];
          double pz = oz + t * dir[2];
          // normal: from the closest point of the segment
          double bx = e[3] - e[0];
          double by = e[4] - e[1];
          double bz = e[5] - e[2];
          double bb = bx * bx + by * by + bz * bz;
          double s = bb < 1e-18 ? 0 : clamp01(((px - e[0]) * bx + (py - e[1]) * by + (pz - e[2]) * bz) / bb);
          float sh = (float) shade(px - e[0] - s * bx, py - e[1] - s * by, pz - e[2] - s * bz);
          put(k, LINK[0] * sh, LINK[1] * sh, LINK[2] * sh);
          depth[k] = (float) t;
        }
      }
    }
  }

  /** Nearest positive ray parameter at which the ray meets the capsule, or −1. */
  private double capsule(double[] e, double radius) {
    double dx = dir[0];
    double dy = dir[1];
    double dz = dir[2];
    double bax = e[3] - e[0];
    double bay = e[4] - e[1];
    double baz = e[5] - e[2];
    double oax = ox - e[0];
    double oay = oy - e[1];
    double oaz = oz - e[2];
    double baba = bax * bax + bay * bay + baz * baz;
    double dd = dx * dx + dy * dy + dz * dz;
    if (baba > 1e-18) {
      double bard = bax * dx + bay * dy + baz * dz;
      double baoa = bax * oax + bay * oay + baz * oaz;
      double rdoa = dx * oax + dy * oay + dz * oaz;
      double oaoa = oax * oax + oay * oay + oaz * oaz;
      double a = baba * dd - bard * bard;
      double b = baba * rdoa - baoa * bard;
      double c = baba * oaoa - baoa * baoa - radius * radius * baba;
      double disc = b * b - a * c;
      if (disc >= 0 && a > 1e-18) {
        double t = (-b - Math.sqrt(disc)) / a;
        double y = baoa + t * bard;
        if (y > 0 && y < baba && t > 0) {
          return t;
        }
      }
    }
    double t0 = sphere(e[0], e[1], e[2], radius, dd);
    double t1 = sphere(e[3], e[4], e[5], radius, dd);
    if (t0 > 0 && (t1 <= 0 || t0 < t1)) {
      return t0;
    }
    return t1;
  }

  private double sphere(double cx, double cy, double cz, double radius, double dd) {
    double ocx = ox - cx;
    double ocy = oy - cy;
    double ocz = oz - cz;
    double b = dir[0] * ocx + dir[1] * ocy + dir[2] * ocz;
    double c = ocx * ocx + ocy * ocy + ocz * ocz - radius * radius;
    double disc = b * b - dd * c;
    if (disc < 0) {
      return -1;
    }
    return (-b - Math.sqrt(disc)) / dd;
  }

  // ---- objects ----

  private void drawObject(SceneObject o, ObjectPose pose, boolean[] cells) {
    double rad = o.radiusM();
    double z0 = pose.zM() - o.heightM() / 2;
    double z1 = pose.zM() + o.heightM() / 2;
    double cos = Math.cos(pose.yawRad());
    double sin = Math.sin(pose.yawRad());
    double side = CameraSpec.markerSideM(o);
    drawAntialiased(project(pose.xM() - rad, pose.xM() + rad, pose.yM() - rad, pose.yM() + rad, z0, z1),
        rgb -> cylinder(pose.xM(), pose.yM(), rad, z0, z1, cos, sin, side, cells, rgb));
  }

  /** What the current ray ({@link #dir}) meets of one primitive: ray parameter (or −1) and colour. */
  private interface Surface {
    double hit(float[] rgb);
  }

  /** Draws {@code surface} inside {@code box} with 3 × 3 samples per pixel, behind what is nearer. */
  private void drawAntialiased(int[] box, Surface surface) {
    if (box == null) {
      return;
    }
    float[] rgb = new float[3];
    for (int v = box[2]; v <= box[3]; v++) {
      for (int u = box[0]; u <= box[1]; u++) {
        int k = v * w + u;
        float cr = 0;
        float cg = 0;
        float cb = 0;
        double nearest = Double.POSITIVE_INFINITY;
        for (double sv : SUB) {
          for (double su : SUB) {
            ray(u + su, v + sv);
            double t = surface.hit(rgb);
            if (t > 0 && !(t >= depth[k])) {
              cr += rgb[0];
              cg += rgb[1];
              cb += rgb[2];
              nearest = Math.min(nearest, t);
            } else {
              cr += colour[3 * k];
              cg += colour[3 * k + 1];
              cb += colour[3 * k + 2];
            }
          }
        }
        if (nearest < Double.POSITIVE_INFINITY) {
          put(k, cr / 9, cg / 9, cb / 9);
          ray(u, v);
          double t = surface.hit(rgb);
          if (t > 0 && !(t >= depth[k])) {
            depth[k] = (float) t;
          }
        }
      }
    }
  }

  // ---- the tool's marker ----

  /**
   * Draws the tool's marker plate ({@link CameraSpec#toolMarker()}) at the arm's configuration
   * {@code q}: a white square plate {@link #PLATE} times the marker's side, the marker printed on its
   * +z face, the back face the links' colour.
   */
  private void drawToolMarker(double[] q) {
    Transform m = chain.tipTransform(q).compose(toolToMarker);
    double[] o = m.translation();
    double[] x = {m.rotationAt(0, 0), m.rotationAt(1, 0), m.rotationAt(2, 0)};
    double[] y = {m.rotationAt(0, 1), m.rotationAt(1, 1), m.rotationAt(2, 1)};
    double[] n = {m.rotationAt(0, 2), m.rotationAt(1, 2), m.rotationAt(2, 2)};
    double side = spec.toolMarker().sideM();
    double half = side * PLATE / 2;
    double[] lo = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
    double[] hi = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (int c = 0; c < 4; c++) {
      double a = (c & 1) == 0 ? -half : half;
      double b = (c & 2) == 0 ? -half : half;
      for (int i = 0; i < 3; i++) {
        lo[i] = Math.min(lo[i], o[i] + a * x[i] + b * y[i]);
        hi[i] = Math.max(hi[i], o[i] + a * x[i] + b * y[i]);
      }
    }
    drawAntialiased(project(lo[0], hi[0], lo[1], hi[1], lo[2], hi[2]), rgb -> {
      double dn = dir[0] * n[0] + dir[1] * n[1] + dir[2] * n[2];
      if (Math.abs(dn) < 1e-12) {
        return -1;
      }
      double t = ((o[0] - ox) * n[0] + (o[1] - oy) * n[1] + (o[2] - oz) * n[2]) / dn;
      double px = ox + t * dir[0] - o[0];
      double py = oy + t * dir[1] - o[1];
      double pz = oz + t * dir[2] - o[2];
      double mu = px * x[0] + py * x[1] + pz * x[2];
      double mv = px * y[0] + py * y[1] + pz * y[2];
      if (!(t > 0) || Math.abs(mu) > half || Math.abs(mv) > half) {
        return -1;
      }
      if (dn > 0) { // the back of the plate
        float s = (float) shade(-n[0], -n[1], -n[2]);
        rgb[0] = LINK[0] * s;
        rgb[1] = LINK[1] * s;
        rgb[2] = LINK[2] * s;
        return t;
      }
      float c = WHITE;
      if (Math.abs(mu) < side / 2 && Math.abs(mv) < side / 2) {
        int col = Math.min(MarkerPatterns.CELLS - 1, (int) ((mu + side / 2) / side * MarkerPatterns.CELLS));
        int row = Math.min(MarkerPatterns.CELLS - 1, (int) ((side / 2 - mv) / side * MarkerPatterns.CELLS));
        c = toolCells[row * MarkerPatterns.CELLS + col] ? BLACK : WHITE;
      }
      float s = (float) shade(n[0], n[1], n[2]);
      rgb[0] = c * s;
      rgb[1] = c * s;
      rgb[2] = c * s;
      return t;
    });
  }

  /**
   * Nearest positive ray parameter at which the ray meets the upright cylinder (side or top face),
   * or −1; the surface colour goes into {@code rgb}.
   */
  private double cylinder(double cx, double cy, double rad, double z0, double z1, double cos, double sin,
      double side, boolean[] cells, float[] rgb) {
    double best = -1;
    if (dir[2] < -1e-12) { // top face, seen from above
      double t = (z1 - oz) / dir[2];
      double px = ox + t * dir[0] - cx;
      double py = oy + t * dir[1] - cy;
      if (t > 0 && px * px + py * py <= rad * rad) {
        best = t;
        // the marker's frame: x along the yaw, y to its left; printed upright when +x is right and +y up
        double mu = cos * px + sin * py;
        double mv = -sin * px + cos * py;
        float c = WHITE;
        if (Math.abs(mu) < side / 2 && Math.abs(mv) < side / 2) {
          int col = Math.min(MarkerPatterns.CELLS - 1, (int) ((mu + side / 2) / side * MarkerPatterns.CELLS));
          int row = Math.min(MarkerPatterns.CELLS - 1, (int) ((side / 2 - mv) / side * MarkerPatterns.CELLS));
          c = cells[row * MarkerPatterns.CELLS + col] ? BLACK : WHITE;
        }
        float s = (float) shade(0, 0, 1);
        rgb[0] = c * s;
        rgb[1] = c * s;
        rgb[2] = c * s;
      }
    }
    double a = dir[0] * dir[0] + dir[1] * dir[1];
    if (a > 1e-18) {
      double fx = ox - cx;
      double fy = oy - cy;
      double b = fx * dir[0] + fy * dir[1];
      double c = fx * fx + fy * fy - rad * rad;
      double disc = b * b - a * c;
      if (disc >= 0) {
        double t = (-b - Math.sqrt(disc)) / a;
        double z = oz + t * dir[2];
        if (t > 0 && z >= z0 && z <= z1 && (best < 0 || t < best)) {
          best = t;
          float s = (float) shade(fx + t * dir[0], fy + t * dir[1], 0);
          rgb[0] = SIDE[0] * s;
          rgb[1] = SIDE[1] * s;
          rgb[2] = SIDE[2] * s;
        }
      }
    }
    return best;
  }

  // ---- helpers ----

  /**
   * Pixel bounds {@code [u0, u1, v0, v1]} (inclusive, clipped, 2 px of margin) of a base-frame box's
   * projection; the whole image when a corner is behind the camera; {@code null} when off-image.
   */
  private int[] project(double x0, double x1, double y0, double y1, double z0, double z1) {
    double umin = Double.POSITIVE_INFINITY;
    double umax = Double.NEGATIVE_INFINITY;
    double vmin = Double.POSITIVE_INFINITY;
    double vmax = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < 8; i++) {
      double x = ((i & 1) == 0 ? x0 : x1) - ox;
      double y = ((i & 2) == 0 ? y0 : y1) - oy;
      double z = ((i & 4) == 0 ? z0 : z1) - oz;
      double cx = r[0] * x + r[3] * y + r[6] * z;
      double cy = r[1] * x + r[4] * y + r[7] * z;
      double cz = r[2] * x + r[5] * y + r[8] * z;
      if (cz < 1e-3) {
        return new int[] {0, w - 1, 0, h - 1};
      }
      double u = spec.fx() * cx / cz + spec.cx();
      double v = spec.fy() * cy / cz + spec.cy();
      umin = Math.min(umin, u);
      umax = Math.max(umax, u);
      vmin = Math.min(vmin, v);
      vmax = Math.max(vmax, v);
    }
    int u0 = (int) Math.max(0, Math.floor(umin) - 2);
    int u1 = (int) Math.min(w - 1, Math.ceil(umax) + 2);
    int v0 = (int) Math.max(0, Math.floor(vmin) - 2);
    int v1 = (int) Math.min(h - 1, Math.ceil(vmax) + 2);
    return u0 > u1 || v0 > v1 ? null : new int[] {u0, u1, v0, v1};
  }

  private static double shade(double nx, double ny, double nz) {
    double n = Math.sqrt(nx * nx + ny * ny + nz * nz);
    double lambert = n == 0 ? 0 : Math.max(0, (nx * LIGHT[0] + ny * LIGHT[1] + nz * LIGHT[2]) / n);
    return AMBIENT + (1 - AMBIENT) * lambert;
  }

  private void put(int k, float red, float green, float blue) {
    colour[3 * k] = red;
    colour[3 * k + 1] = green;
    colour[3 * k + 2] = blue;
  }

  private byte[] quantize(long sequence) {
    byte[] out = new byte[colour.length];
    double sd = spec.noise() * 255;
    SplittableRandom rnd = sd > 0 ? new SplittableRandom(seed ^ (sequence * 0x9E3779B97F4A7C15L)) : null;
    for (int i = 0; i < out.length; i++) {
      double v = colour[i] * 255 + (rnd == null ? 0 : sd * rnd.nextGaussian());
      out[i] = (byte) Math.max(0, Math.min(255, Math.round(v)));
    }
    return out;
  }

  private static double clamp01(double x) {
    return x < 0 ? 0 : (x > 1 ? 1 : x);
  }

  private static double[] unit(double x, double y, double z) {
    double n = Math.sqrt(x * x + y * y + z * z);
    return new double[] {x / n, y / n, z / n};
  }
}
