package io.telos.bridge.sim;

import io.telos.api.ObjectPose;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import java.util.ArrayList;
import java.util.List;
import org.ode4j.math.DMatrix3C;
import org.ode4j.math.DVector3C;
import org.ode4j.ode.DBody;
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
 * The collision side of a simulated arm whose scene has objects: a static ground plane at
 * {@code z = 0}, one dynamic upright cylinder per scene object and the tool's contact sphere,
 * fixed to the last link body with its centre at the end-effector frame.
 *
 * <p>What collides: object–ground, object–tool and object–object. The tool does not touch the
 * ground and the arm's links have no geometry (they pass through everything), as before. Contacts
 * use the engine's friction pyramid ({@code dContactApprox1}) with μ = the object's
 * {@code friction} against the ground, {@link #TOOL_FRICTION} against the tool and
 * √(μ₁·μ₂) between two objects; no bounce; softness {@link #SOFT_ERP} / {@link #SOFT_CFM}
 * (about 2·10⁷ N/m and heavily damped at 1 ms steps). At most {@link #MAX_CONTACTS} contacts per
 * pair; the contact joints live for one step.
 *
 * <p>A simple space (no broad phase, a fixed geom order) keeps the collision order, and so the
 * states, bit-identical from run to run. Not thread-safe: {@link ArmWorld} owns it.
 */
final class SceneContacts {
  /** Coulomb friction between the tool sphere and an object (a smooth tool slides along). */
  static final double TOOL_FRICTION = 0.1;
  /** Contact error reduction: the share of a penetration corrected per step. */
  static final double SOFT_ERP = 0.2;
  /** Contact constraint force mixing (softness). */
  static final double SOFT_CFM = 1e-5;
  /** Most contact points kept per colliding pair. */
  static final int MAX_CONTACTS = 8;

  private static final long GROUND = 1;
  private static final long TOOL = 2;
  private static final long OBJECT = 4;
  private static final int SURFACE_MODE =
      OdeConstants.dContactApprox1 | OdeConstants.dContactSoftERP | OdeConstants.dContactSoftCFM;

  private final DWorld world;
  private final DSpace space;
  private final DJointGroup contacts;
  private final DGeom ground;
  private final DSphere tool;
  private final String[] names;
  private final double[] friction;
  private final DBody[] bodies;
  private final DContactBuffer buffer = new DContactBuffer(MAX_CONTACTS);
  private final DGeom.DNearCallback near = this::near;
  private int lastContacts;
  private boolean destroyed;

  /**
   * Builds the ground, the object bodies and the tool sphere.
   *
   * @param scene a scene with at least one object
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
    ground.setCollideBits(OBJECT);
    this.tool = OdeHelper.createSphere(space, scene.toolRadiusM());
    tool.setBody(toolBody);
    tool.setOffsetPosition(toolOffset[0], toolOffset[1], toolOffset[2]);
    tool.setCategoryBits(TOOL);
    tool.setCollideBits(OBJECT);
    List<SceneObject> objects = scene.objects();
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

  private void near(Object data, DGeom a, DGeom b) {
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
  }

  /** The pair's friction coefficient, or NaN when the pair does not touch (tool–ground). */
  private double friction(DGeom a, DGeom b) {
    Object ia = a.getData();
    Object ib = b.getData();
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

  /** Centre of the tool sphere in the world (base) frame (live; copy it). */
  DVector3C toolCentre() {
    return tool.getPosition();
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
