package io.telos.bridge.sim;

import io.telos.api.ObjectPose;
import io.telos.api.scene.Scene;
import io.telos.model.CollisionModel;
import io.telos.model.Inertial;
import io.telos.model.JointSpec;
import io.telos.model.JointType;
import io.telos.model.KinematicChain;
import io.telos.model.Link;
import io.telos.model.RobotDescription;
import io.telos.model.RobotModel;
import io.telos.model.Transform;
import java.util.ArrayList;
import java.util.List;
import org.ode4j.math.DMatrix3;
import org.ode4j.math.DMatrix3C;
import org.ode4j.math.DVector3;
import org.ode4j.math.DVector3C;
import org.ode4j.ode.DBody;
import org.ode4j.ode.DHingeJoint;
import org.ode4j.ode.DJoint;
import org.ode4j.ode.DMass;
import org.ode4j.ode.DSliderJoint;
import org.ode4j.ode.DWorld;
import org.ode4j.ode.OdeHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ODE side of a simulated arm: one dynamic body per movable link of the chain, hinge or slider
 * joints between them, engine position stops, velocity motors with force caps and viscous damping.
 * The base link is the static environment (the world frame is the arm's base frame). When the
 * scene has objects or the links collide, a {@link SceneContacts} adds the ground, the link
 * capsules, the objects and the tool sphere; otherwise there is no collision at all.
 *
 * <p>Not thread-safe: {@link SimulatedArm} guards every call with its world lock.
 */
final class ArmWorld {
  private static final Logger LOG = LoggerFactory.getLogger(ArmWorld.class);

  /** Mass given to links without an inertial (kg). */
  static final double DEFAULT_MASS_KG = 1e-3;
  /** Principal inertia given to links without an inertial (kg·m²). */
  static final double DEFAULT_INERTIA = 1e-6;
  /** Motor force cap used when the URDF has no effort limit (N·m or N). */
  static final double DEFAULT_EFFORT = 1e4;

  static {
    OdeHelper.initODE2(0);
  }

  private final int n;
  private final DWorld world;
  private final DBody[] bodies;
  private final DJoint[] joints;
  private final DJoint.DJointFeedback[] feedback;
  private final boolean[] prismatic;
  private final boolean[] unwrap; // hinges without engine stops: unwrap the engine's (-pi, pi] angle
  private final double[][] com; // body origin (centre of mass) in the link frame
  private final double[] damping;
  private final double[] q;
  private final double[] qd;
  private final DVector3 tmpA = new DVector3();
  private final DVector3 tmpB = new DVector3();
  private final SceneContacts contacts; // null without scene objects and link collisions
  private boolean destroyed;

  /**
   * Builds the world with the arm at {@code q0}.
   *
   * @param component component id for log lines
   * @param gravity world gravity (m/s², base frame)
   * @param effortScale factor on the URDF effort limits used as motor force caps (0 = limp)
   * @param scene its objects become bodies; nothing is added when it has none
   * @param links the links' collision geometry (capsules of the chain links and the pairs that
   *     collide); null: the links pass through everything
   */
  ArmWorld(String component, RobotModel model, double[] gravity, double effortScale, double[] q0, Scene scene,
      CollisionModel links) {
    KinematicChain chain = model.chain();
    RobotDescription d = model.description();
    this.n = chain.dof();
    this.world = OdeHelper.createWorld();
    world.setGravity(gravity[0], gravity[1], gravity[2]);
    world.setAutoDisableFlag(false);
    this.bodies = new DBody[n];
    this.joints = new DJoint[n];
    this.feedback = new DJoint.DJointFeedback[n];
    this.prismatic = new boolean[n];
    this.unwrap = new boolean[n];
    this.com = new double[n][];
    this.damping = new double[n];
    this.q = new double[n];
    this.qd = new double[n];

    Transform[] zero = chain.linkTransforms(new double[n]);
    for (int i = 0; i < n; i++) {
      JointSpec js = chain.joints().get(i);
      Lumped mass = lump(d, js.child());
      com[i] = mass.com;
      DBody body = OdeHelper.createBody(world);
      DMass m = OdeHelper.createMass();
      double[] in = mass.inertia;
      m.setParameters(mass.massKg, 0, 0, 0, in[0], in[4], in[8], in[1], in[2], in[5]);
      if (!m.check()) {
        // e.g. a point mass: keep the mass, give the body a tiny valid inertia
        LOG.warn("component={} link={} event=inertia_replaced reason=not_positive_definite", component, js.child());
        m.setParameters(mass.massKg, 0, 0, 0, in[0] + DEFAULT_INERTIA, in[4] + DEFAULT_INERTIA,
            in[8] + DEFAULT_INERTIA, in[1], in[2], in[5]);
      }
      body.setMass(m);
      place(body, zero[i + 1], com[i]);
      bodies[i] = body;
    }
    for (int i = 0; i < n; i++) {
      JointSpec js = chain.joints().get(i);
      Transform frame = zero[i + 1];
      double[] axis = frame.rotate(js.axis());
      DBody parent = i == 0 ? null : bodies[i - 1];
      double effort = Double.isFinite(js.effort()) ? js.effort() : DEFAULT_EFFORT;
      double fMax = effort * effortScale;
      prismatic[i] = js.type() == JointType.PRISMATIC;
      damping[i] = js.damping();
      if (prismatic[i]) {
        DSliderJoint s = OdeHelper.createSliderJoint(world);
        s.attach(bodies[i], parent); // position = child relative to parent along the axis
        s.setAxis(axis[0], axis[1], axis[2]);
        if (Double.isFinite(js.lower()) && Double.isFinite(js.upper())) {
          s.setParamLoStop(js.lower());
          s.setParamHiStop(js.upper());
        }
        s.setParamBounce(0);
        s.setParamFMax(fMax);
        s.setParamVel(0);
        joints[i] = s;
      } else {
        DHingeJoint h = OdeHelper.createHingeJoint(world);
        h.attach(bodies[i], parent); // angle = child relative to parent about the axis
        double[] anchor = frame.translation();
        h.setAnchor(anchor[0], anchor[1], anchor[2]);
        h.setAxis(axis[0], axis[1], axis[2]);
        if (js.type() == JointType.CONTINUOUS) {
          unwrap[i] = true;
        } else {
          if (js.lower() > -Math.PI && js.upper() < Math.PI) {
            h.setParamLoStop(js.lower());
            h.setParamHiStop(js.upper());
          } else {
            // an ODE hinge measures (-pi, pi]: a stop outside it would never engage
            unwrap[i] = true;
            LOG.warn("component={} joint={} event=no_engine_stop reason=limits_beyond_pi lower={} upper={}",
                component, js.name(), js.lower(), js.upper());
          }
        }
        h.setParamBounce(0);
        h.setParamFMax(fMax);
        h.setParamVel(0);
        joints[i] = h;
      }
      feedback[i] = new DJoint.DJointFeedback();
      joints[i].setFeedback(feedback[i]);
    }
    // The engine's zero angle is the pose the joints were created in (q = 0); now move to q0.
    Transform[] start = chain.linkTransforms(q0);
    for (int i = 0; i < n; i++) {
      place(bodies[i], start[i + 1], com[i]);
      q[i] = q0[i];
    }
    readJoints();
    this.contacts = scene.isEmpty() && links == null ? null
        : new SceneContacts(world, scene, bodies[n - 1], toolOffset(chain, zero[n], com[n - 1]));
    if (links != null) {
      DBody[] linkBodies = new DBody[n + 1]; // chain link order: the base has none
      double[][] linkCom = new double[n + 1][];
      System.arraycopy(bodies, 0, linkBodies, 1, n);
      System.arraycopy(com, 0, linkCom, 1, n);
      contacts.addLinks(links, linkBodies, linkCom, start[0]);
    }
  }

  /**
   * The end-effector origin in the last link body's frame: the tip's position in the last
   * movable link frame (constant, whatever q) less the body's centre of mass in that frame.
   */
  static double[] toolOffset(KinematicChain chain, Transform lastLinkAtZero, double[] comInLink) {
    Transform tip = lastLinkAtZero.inverse().compose(chain.tipTransform(new double[chain.dof()]));
    double[] t = tip.translation();
    return new double[] {t[0] - comInLink[0], t[1] - comInLink[1], t[2] - comInLink[2]};
  }

  int dof() {
    return n;
  }

  /**
   * One physics step: sets each motor's target velocity (rad/s or m/s), adds viscous damping
   * {@code -b·qd}, makes this step's contacts (scene objects only) and advances the world by
   * {@code dtS} with the exact (Dantzig LCP) stepper.
   */
  void step(double[] motorVelocity, double dtS) {
    for (int i = 0; i < n; i++) {
      double tau = -damping[i] * qd[i];
      if (prismatic[i]) {
        DSliderJoint s = (DSliderJoint) joints[i];
        s.setParamVel(motorVelocity[i]);
        if (tau != 0) {
          s.addForce(tau);
        }
      } else {
        DHingeJoint h = (DHingeJoint) joints[i];
        h.setParamVel(motorVelocity[i]);
        if (tau != 0) {
          h.addTorque(tau);
        }
      }
    }
    if (contacts != null) {
      contacts.collide();
    }
    world.step(dtS);
    if (contacts != null) {
      contacts.clearContacts();
    }
    readJoints();
  }

  /** True when the scene has objects (bodies, contacts, poses). */
  boolean hasObjects() {
    return contacts != null && contacts.objectCount() > 0;
  }

  /** Contact points involving a link since the world was built; 0 without link collisions. */
  long linkContacts() {
    return contacts == null ? 0 : contacts.linkContacts();
  }

  /** Object poses after the last step, scene order; empty without scene objects. */
  List<ObjectPose> objectPoses(long stampNs) {
    return contacts == null ? List.of() : contacts.poses(stampNs);
  }

  /** Centre of the tool's contact sphere (base frame), or null without scene objects. */
  double[] toolCentre() {
    if (!hasObjects()) {
      return null;
    }
    DVector3C c = contacts.toolCentre();
    return new double[] {c.get0(), c.get1(), c.get2()};
  }

  /** Contact points the last step used; 0 without scene objects. */
  int lastContacts() {
    return contacts == null ? 0 : contacts.lastContacts();
  }

  /** Joint positions after the last step (the array is live; copy it). */
  double[] positions() {
    return q;
  }

  /** Joint velocities after the last step (the array is live; copy it). */
  double[] velocities() {
    return qd;
  }

  /** True when the engine's state, objects included, is finite (a blown-up world is not). */
  boolean isFinite() {
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(q[i]) || !Double.isFinite(qd[i])) {
        return false;
      }
    }
    return contacts == null || contacts.isFinite();
  }

  /**
   * The torque (force) the joint applied to its child link about (along) the joint axis in the
   * last step: velocity motor plus position stop, from the engine's joint feedback. Viscous
   * damping is not included.
   */
  void efforts(double[] out) {
    for (int i = 0; i < n; i++) {
      DJoint.DJointFeedback fb = feedback[i];
      if (prismatic[i]) {
        ((DSliderJoint) joints[i]).getAxis(tmpA);
        out[i] = fb.f1.dot(tmpA);
      } else {
        DHingeJoint h = (DHingeJoint) joints[i];
        h.getAnchor(tmpA);
        DVector3C c = bodies[i].getPosition();
        // torque about the anchor = t1 + (c1 - anchor) x f1, projected on the axis
        double rx = c.get0() - tmpA.get0();
        double ry = c.get1() - tmpA.get1();
        double rz = c.get2() - tmpA.get2();
        DVector3 f = fb.f1;
        DVector3 t = fb.t1;
        double mx = t.get0() + ry * f.get2() - rz * f.get1();
        double my = t.get1() + rz * f.get0() - rx * f.get2();
        double mz = t.get2() + rx * f.get1() - ry * f.get0();
        h.getAxis(tmpB);
        out[i] = mx * tmpB.get0() + my * tmpB.get1() + mz * tmpB.get2();
      }
    }
  }

  /** Base-frame transform of each movable joint's child link frame, as the engine has them. */
  Transform[] linkPoses() {
    Transform[] out = new Transform[n];
    for (int i = 0; i < n; i++) {
      DVector3C p = bodies[i].getPosition();
      DMatrix3C r = bodies[i].getRotation();
      double[] rot = {
        r.get00(), r.get01(), r.get02(),
        r.get10(), r.get11(), r.get12(),
        r.get20(), r.get21(), r.get22()
      };
      double[] c = com[i];
      double[] t = {
        p.get0() - (rot[0] * c[0] + rot[1] * c[1] + rot[2] * c[2]),
        p.get1() - (rot[3] * c[0] + rot[4] * c[1] + rot[5] * c[2]),
        p.get2() - (rot[6] * c[0] + rot[7] * c[1] + rot[8] * c[2])
      };
      out[i] = Transform.of(rot, t);
    }
    return out;
  }

  /** Destroys the world with its bodies, joints and collision geometry; idempotent. */
  void destroy() {
    if (!destroyed) {
      destroyed = true;
      if (contacts != null) {
        contacts.destroy();
      }
      world.destroy();
    }
  }

  private void readJoints() {
    for (int i = 0; i < n; i++) {
      if (prismatic[i]) {
        DSliderJoint s = (DSliderJoint) joints[i];
        q[i] = s.getPosition();
        qd[i] = s.getPositionRate();
      } else {
        DHingeJoint h = (DHingeJoint) joints[i];
        double angle = h.getAngle();
        if (unwrap[i]) {
          // the engine reports (-pi, pi]; keep the angle of a joint without stops unwrapped
          q[i] += Math.IEEEremainder(angle - q[i], 2 * Math.PI);
        } else {
          q[i] = angle;
        }
        qd[i] = h.getAngleRate();
      }
    }
  }

  /** Puts a body (origin at its centre of mass) where the link frame {@code link} says. */
  private static void place(DBody body, Transform link, double[] comInLink) {
    double[] p = link.apply(comInLink[0], comInLink[1], comInLink[2]);
    body.setPosition(p[0], p[1], p[2]);
    body.setRotation(new DMatrix3(
        link.rotationAt(0, 0), link.rotationAt(0, 1), link.rotationAt(0, 2),
        link.rotationAt(1, 0), link.rotationAt(1, 1), link.rotationAt(1, 2),
        link.rotationAt(2, 0), link.rotationAt(2, 1), link.rotationAt(2, 2)));
    body.setLinearVel(0, 0, 0);
    body.setAngularVel(0, 0, 0);
  }

  /**
   * Mass properties of {@code link} together with every link welded to it by fixed joints: mass,
   * centre of mass in the link frame and the inertia (3×3 row-major) about that centre of mass in
   * link axes. A link set with no inertial at all gets a tiny default mass and inertia.
   */
  static Lumped lump(RobotDescription d, String link) {
    List<double[]> parts = new ArrayList<>(); // {m, cx, cy, cz, I00..I22 about own com, link axes}
    collect(d, link, Transform.IDENTITY, parts);
    double m = 0;
    double[] c = new double[3];
    for (double[] p : parts) {
      m += p[0];
      c[0] += p[0] * p[1];
      c[1] += p[0] * p[2];
      c[2] += p[0] * p[3];
    }
    if (!(m > 0)) {
      double[] inertia = {DEFAULT_INERTIA, 0, 0, 0, DEFAULT_INERTIA, 0, 0, 0, DEFAULT_INERTIA};
      return new Lumped(DEFAULT_MASS_KG, new double[3], inertia);
    }
    c[0] /= m;
    c[1] /= m;
    c[2] /= m;
    double[] inertia = new double[9];
    for (double[] p : parts) {
      double dx = p[1] - c[0];
      double dy = p[2] - c[1];
      double dz = p[3] - c[2];
      double d2 = dx * dx + dy * dy + dz * dz;
      double[] dv = {dx, dy, dz};
      for (int r = 0; r < 3; r++) {
        for (int k = 0; k < 3; k++) {
          double parallel = p[0] * ((r == k ? d2 : 0) - dv[r] * dv[k]);
          inertia[r * 3 + k] += p[4 + r * 3 + k] + parallel;
        }
      }
    }
    return new Lumped(m, c, inertia);
  }

  private static void collect(RobotDescription d, String link, Transform inBody, List<double[]> parts) {
    Link l = d.link(link);
    Inertial in = l == null ? null : l.inertial();
    if (in != null && in.massKg() > 0) {
      Transform frame = inBody.compose(in.origin());
      double[] pos = frame.translation();
      double[] r = frame.rotationMatrix();
      double[] local = {in.ixx(), in.ixy(), in.ixz(), in.ixy(), in.iyy(), in.iyz(), in.ixz(), in.iyz(), in.izz()};
      double[] rotated = rotateTensor(r, local);
      double[] part = new double[13];
      part[0] = in.massKg();
      part[1] = pos[0];
      part[2] = pos[1];
      part[3] = pos[2];
      System.arraycopy(rotated, 0, part, 4, 9);
      parts.add(part);
    }
    for (JointSpec j : d.childJoints(link)) {
      if (j.type() == JointType.FIXED) {
        collect(d, j.child(), inBody.compose(j.origin()), parts);
      }
    }
  }

  /** R I Rᵀ for row-major 3×3 matrices. */
  static double[] rotateTensor(double[] r, double[] in) {
    double[] tmp = new double[9];
    double[] out = new double[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double s = 0;
        for (int k = 0; k < 3; k++) {
          s += r[i * 3 + k] * in[k * 3 + j];
        }
        tmp[i * 3 + j] = s;
      }
    }
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double s = 0;
        for (int k = 0; k < 3; k++) {
          s += tmp[i * 3 + k] * r[j * 3 + k];
        }
        out[i * 3 + j] = s;
      }
    }
    return out;
  }

  /** Lumped mass properties of one body. */
  record Lumped(double massKg, double[] com, double[] inertia) {}
}
