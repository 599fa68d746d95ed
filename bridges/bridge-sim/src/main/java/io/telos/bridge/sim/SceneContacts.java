package io.telos.bridge.sim;

import io.telos.api.ObjectPose;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.model.CollisionModel;
import io.telos.model.LinkCapsule;
import io.telos.model.Transform;
import java.util.ArrayList;
import java.util.List;
import org.ode4j.math.DMatrix3;
import org.ode4j.math.DMatrix3C;
import org.ode4j.math.DVector3C;
import org.ode4j.ode.DBody;
import org.ode4j.ode.DCapsule;
import org.ode4j.ode.DContact;
import org.ode4j.ode.DContactBuffer;
import org.ode4j.ode.DCylinder;
import org.ode4j.ode.DGeom;
import org.ode4j.ode.DJoint;
import org.ode4j.ode.DJointGroup;
import org.ode4j.ode.DMass;
import org.ode4j.ode.DSpace;
import org.ode4j.ode.DSphere;
import org.ode4j.ode.DWorld;
import org.ode4j.ode.OdeConstants;
import org.ode4j.ode.OdeHelper;

/**
 * The collision side of a simulated arm: a static ground plane at {@code z = 0} (the table), the
 * arm's links as capsules (when link collisions are on), one dynamic upright cylinder per scene
 * object and the tool's contact sphere, fixed to the last link body with its centre at the
 * end-effector frame (when the scene has objects).
 *
 * <p>What collides: object–ground, object–tool, object–object, and with link collisions
 * link–ground, link–link and link–object. The links are the capsules of the description's
 * {@link CollisionModel} (the same geometry the planner and the safety kernel check), each fixed to
 * its link body, those of the base link static; two links collide only when the model checks the
 * pair (not parent and child, not a pair that touches wherever the arm is), and a link reaches the
 * table only when the model checks it against the table (not the base). The tool sphere does not
 * touch the ground. Contacts use the engine's friction pyramid ({@code dContactApprox1}) with μ =
 * the object's {@code friction} against the ground, {@link #TOOL_FRICTION} against the tool,
 * √(μ₁·μ₂) between two objects, {@link #LINK_FRICTION} between a link and the ground or another
 * link and √(μ·{@link #LINK_FRICTION}) between a link and an object; no bounce; softness
 * {@link #SOFT_ERP} / {@link #SOFT_CFM} (about 2·10⁷ N/m and heavily damped at 1 ms steps). At most
 * {@link #MAX_CONTACTS} contacts per pair; the contact joints live for one step.
 *
 * <p>A simple space (no broad phase, a fixed geom order) keeps the collision order, and so the
 * states, bit-identical from run to run. Not thread-safe: {@link ArmWorld} owns it.
 */
final class SceneContacts {
  /** Coulomb friction between the tool sphere and an object (a smooth tool slides along). */
  static final double TOOL_FRICTION = 0.1;
  /** Coulomb friction of a link against the ground or another link (μ with an object: geometric mean). */
  static final double LINK_FRICTION = 0.5;
  /** Contact error reduction: the share of a penetration corrected per step. */
  static final double SOFT_ERP = 0.2;
  /** Contact constraint force mixing (softness). */
  static final double SOFT_CFM = 1e-5;
  /** Most contact points kept per colliding pair. */
  static final int MAX_CONTACTS = 8;

  private static final long GROUND = 1;
  private static final long TOOL = 2;
  private static final long OBJECT = 4;
  private static final long LINK = 8;
  private static final int SURFACE_MODE =
      OdeConstants.dContactApprox1 | OdeConstants.dContactSoftERP | OdeConstants.dContactSoftCFM;

  private final DWorld world;
  private final DSpace space;
  private final DJointGroup contacts;
  private final DGeom ground;
  private final DSphere tool; // null without scene objects
  private final List<DGeom> links = new ArrayList<>();
  private boolean[][] linkPairs; // capsule index pairs that collide (the model's checked pairs)
  private boolean[] linkTable; // capsules that collide with the ground
  private final String[] names;
  private final double[] friction;
  private final DBody[] bodies;
  private final DContactBuffer buffer = new DContactBuffer(MAX_CONTACTS);
  private final DGeom.DNearCallback near = this::near;
  private int lastContacts;
  private long linkContacts;
  private boolean destroyed;

  /**
   * Builds the ground, the object bodies and (with objects) the tool sphere.
   *
   * @param scene the scene's objects (may be none)
   * @param toolBody the arm body carrying the end-effector frame
   * @param toolOffset the end-effector origin in {@code toolBody}'s frame (relative to its centre
   *     of mass, in its axes)
   */
  SceneContacts(DWorld world, Scene scene, DBody toolBody, double[] toolOffset) {
    this.world = world;
    this.space = OdeHelper.createSimpleSpace();
    this.contacts = OdeHelper.createJointGroup();
    this.ground = OdeHelper.createPlane(space, 0, 0, 1, 0);
    ground.setCategoryBits(GROUND);
    ground.setCollideBits(OBJECT | LINK);
    List<SceneObject> objects = scene.objects();
    if (objects.isEmpty()) {
      this.tool = null;
    } else {
      this.tool = OdeHelper.createSphere(space, scene.toolRadiusM());
      tool.setBody(toolBody);
      tool.setOffsetPosition(toolOffset[0], toolOffset[1], toolOffset[2]);
      tool.setCategoryBits(TOOL);
      tool.setCollideBits(OBJECT);
    }
    int m = objects.size();
    this.names = new String[m];
    this.friction = new double[m];
    this.bodies = new DBody[m];
    for (int j = 0; j < m; j++) {
      SceneObject o = objects.get(j);
      names[j] = o.name();
      friction[j] = o.friction();
      bodies[j] = cylinder(o, j);
    }
  }

  /**
   * Gives the arm's links their capsules.
   *
   * @param model the description's collision geometry (capsules in chain-link frames, checked pairs)
   * @param linkBodies the engine body of each chain link ({@link CollisionModel#chain()} link order),
   *     null for the base (static)
   * @param comInLink each body's origin (centre of mass) in its link frame, null for the base
   * @param base the base link's frame in the world
   */
  void addLinks(CollisionModel model, DBody[] linkBodies, double[][] comInLink, Transform base) {
    List<LinkCapsule> caps = model.capsules();
    int k = caps.size();
    linkPairs = new boolean[k][k];
    int[] pairs = model.checkedPairs();
    for (int i = 0; i < pairs.length; i += 2) {
      linkPairs[pairs[i]][pairs[i + 1]] = true;
      linkPairs[pairs[i + 1]][pairs[i]] = true;
    }
    linkTable = new boolean[k];
    for (int i = 0; i < k; i++) {
      LinkCapsule c = caps.get(i);
      linkTable[i] = model.tableChecked(i);
      double[] a = {c.ax(), c.ay(), c.az()};
      double[] d = {c.bx() - c.ax(), c.by() - c.ay(), c.bz() - c.az()};
      double len = c.length();
      double[] centre = {a[0] + d[0] / 2, a[1] + d[1] / 2, a[2] + d[2] / 2};
      DGeom g = len > 0 ? OdeHelper.createCapsule(space, c.radius(), len) : OdeHelper.createSphere(space, c.radius());
      DMatrix3 axis = len > 0 ? alongZ(d[0] / len, d[1] / len, d[2] / len) : new DMatrix3(1, 0, 0, 0, 1, 0, 0, 0, 1);
      DBody body = linkBodies[c.body()];
      if (body == null) {
        Transform at = base.compose(Transform.of(axis(axis), centre));
        double[] p = at.translation();
        g.setPosition(p[0], p[1], p[2]);
        g.setRotation(new DMatrix3(
            at.rotationAt(0, 0), at.rotationAt(0, 1), at.rotationAt(0, 2),
            at.rotationAt(1, 0), at.rotationAt(1, 1), at.rotationAt(1, 2),
            at.rotationAt(2, 0), at.rotationAt(2, 1), at.rotationAt(2, 2)));
      } else {
        double[] com = comInLink[c.body()];
        g.setBody(body);
        g.setOffsetPosition(centre[0] - com[0], centre[1] - com[1], centre[2] - com[2]);
        g.setOffsetRotation(axis);
      }
      g.setData(new LinkGeom(i));
      g.setCategoryBits(LINK);
      g.setCollideBits(GROUND | LINK | OBJECT);
      links.add(g);
    }
  }

  /** A rotation whose z axis is the unit vector {@code (x, y, z)}. */
  private static DMatrix3 alongZ(double x, double y, double z) {
    // a helper axis far from z, then Gram–Schmidt
    double hx = Math.abs(x) < 0.9 ? 1 : 0;
    double hy = Math.abs(x) < 0.9 ? 0 : 1;
    double d = hx * x + hy * y;
    double ux = hx - d * x;
    double uy = hy - d * y;
    double uz = -d * z;
    double un = Math.sqrt(ux * ux + uy * uy + uz * uz);
    ux /= un;
    uy /= un;
    uz /= un;
    double vx = y * uz - z * uy;
    double vy = z * ux - x * uz;
    double vz = x * uy - y * ux;
    return new DMatrix3(ux, vx, x, uy, vy, y, uz, vz, z); // columns u, v, z
  }

  private static double[] axis(DMatrix3C r) {
    return new double[] {
      r.get00(), r.get01(), r.get02(),
      r.get10(), r.get11(), r.get12(),
      r.get20(), r.get21(), r.get22()
    };
  }

  /** Data of a link geom: its capsule's index in the collision model. */
  private record LinkGeom(int capsule) {}

  private DBody cylinder(SceneObject o, int index) {
    DBody body = OdeHelper.createBody(world);
    DMass mass = OdeHelper.createMass();
    mass.setCylinderTotal(o.massKg(), 3, o.radiusM(), o.heightM()); // axis = body z: upright
    body.setMass(mass);
    body.setPosition(o.xM(), o.yM(), o.centreHeightM());
    DCylinder geom = OdeHelper.createCylinder(space, o.radiusM(), o.heightM());
    geom.setBody(body);
    geom.setData(index);
    geom.setCategoryBits(OBJECT);
    geom.setCollideBits(GROUND | TOOL | OBJECT);
    return body;
  }

  /** Creates this step's contact joints; call right before the world step. */
  void collide() {
    lastContacts = 0;
    space.collide(null, near);
  }

  /** Drops this step's contact joints; call right after the world step. */
  void clearContacts() {
    contacts.empty();
  }

  /** Contact points made by the last {@link #collide()}. */
  int lastContacts() {
    return lastContacts;
  }

  /** Contact points involving a link made since the world was built. */
  long linkContacts() {
    return linkContacts;
  }

  /** Number of scene objects. */
  int objectCount() {
    return bodies.length;
  }

  private void near(Object data, DGeom a, DGeom b) {
    if (a.getBody() == null && b.getBody() == null) {
      return; // two static geoms (the base and the ground)
    }
    double mu = friction(a, b);
    if (Double.isNaN(mu)) {
      return;
    }
    int count = OdeHelper.collide(a, b, MAX_CONTACTS, buffer.getGeomBuffer());
    for (int k = 0; k < count; k++) {
      DContact c = buffer.get(k);
      c.surface.mode = SURFACE_MODE;
      c.surface.mu = mu;
      c.surface.soft_erp = SOFT_ERP;
      c.surface.soft_cfm = SOFT_CFM;
      DJoint joint = OdeHelper.createContactJoint(world, contacts, c);
      joint.attach(a.getBody(), b.getBody());
    }
    lastContacts += count;
    if (a.getData() instanceof LinkGeom || b.getData() instanceof LinkGeom) {
      linkContacts += count;
    }
  }

  /** The pair's friction coefficient, or NaN when the pair does not touch. */
  private double friction(DGeom a, DGeom b) {
    Object ia = a.getData();
    Object ib = b.getData();
    if (ia instanceof LinkGeom || ib instanceof LinkGeom) {
      LinkGeom link = ia instanceof LinkGeom l ? l : (LinkGeom) ib;
      Object other = ia instanceof LinkGeom ? ib : ia;
      DGeom otherGeom = ia instanceof LinkGeom ? b : a;
      if (other instanceof LinkGeom l2) {
        return linkPairs[link.capsule()][l2.capsule()] ? LINK_FRICTION : Double.NaN;
      }
      if (other instanceof Integer j) {
        return Math.sqrt(friction[j] * LINK_FRICTION);
      }
      return otherGeom == ground && linkTable[link.capsule()] ? LINK_FRICTION : Double.NaN;
    }
    if (ia instanceof Integer ja && ib instanceof Integer jb) {
      return Math.sqrt(friction[ja] * friction[jb]);
    }
    Object index = ia instanceof Integer ? ia : ib;
    DGeom other = ia instanceof Integer ? b : a;
    if (!(index instanceof Integer j)) {
      return Double.NaN; // tool–ground: the category bits already keep this pair out
    }
    return other == ground ? friction[j] : TOOL_FRICTION;
  }

  /** Centre of the tool sphere in the world (base) frame (live; copy it); null without scene objects. */
  DVector3C toolCentre() {
    return tool == null ? null : tool.getPosition();
  }

  /** True when every object's position and velocity is finite. */
  boolean isFinite() {
    for (DBody b : bodies) {
      if (!finite(b.getPosition()) || !finite(b.getLinearVel()) || !finite(b.getAngularVel())) {
        return false;
      }
    }
    return true;
  }

  private static boolean finite(DVector3C v) {
    return Double.isFinite(v.get0()) && Double.isFinite(v.get1()) && Double.isFinite(v.get2());
  }

  /** Each object's centre and yaw about the base z axis, scene order, stamped {@code stampNs}. */
  List<ObjectPose> poses(long stampNs) {
    List<ObjectPose> out = new ArrayList<>(bodies.length);
    for (int j = 0; j < bodies.length; j++) {
      DVector3C p = bodies[j].getPosition();
      DMatrix3C r = bodies[j].getRotation();
      double yaw = Math.atan2(r.get10(), r.get00());
      out.add(new ObjectPose(names[j], p.get0(), p.get1(), p.get2(), yaw, stampNs));
    }
    return List.copyOf(out);
  }

  /** Destroys the contact joints, the geoms and the space (the bodies go with the world). */
  void destroy() {
    if (!destroyed) {
      destroyed = true;
      contacts.destroy();
      space.destroy();
    }
  }
}
