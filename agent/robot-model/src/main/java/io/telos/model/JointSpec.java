package io.telos.model;

/**
 * A URDF joint.
 *
 * @param origin transform from the parent link frame to the joint (= child link) frame at q = 0
 * @param axis unit axis in the joint frame
 * @param lower lower position limit (rad or m); -inf for continuous joints
 * @param upper upper position limit; +inf for continuous joints
 * @param velocity velocity limit (rad/s or m/s); +inf when absent
 * @param effort effort limit (N·m or N); +inf when absent
 * @param damping viscous damping from {@code <dynamics>} (N·m·s/rad), 0 when absent
 * @param friction Coulomb friction from {@code <dynamics>}, 0 when absent
 * @param mimic the joint this one follows ({@code <mimic>}), or null for an independent joint
 */
public record JointSpec(
    String name,
    JointType type,
    String parent,
    String child,
    Transform origin,
    double[] axis,
    double lower,
    double upper,
    double velocity,
    double effort,
    double damping,
    double friction,
    Mimic mimic) {

  /** An independent joint (no {@code <mimic>}). */
  public JointSpec(String name, JointType type, String parent, String child, Transform origin, double[] axis,
      double lower, double upper, double velocity, double effort, double damping, double friction) {
    this(name, type, parent, child, origin, axis, lower, upper, velocity, effort, damping, friction, null);
  }

  /** True when this joint follows another one ({@code <mimic>}). */
  public boolean isMimic() {
    return mimic != null;
  }

  /**
   * URDF {@code <mimic joint multiplier offset>}: this joint's value is
   * {@code multiplier * q(joint) + offset}.
   *
   * @param joint the joint followed
   * @param multiplier default 1
   * @param offset default 0 (rad or m)
   */
  public record Mimic(String joint, double multiplier, double offset) {
    public Mimic {
      if (joint == null || joint.isBlank()) {
        throw new UrdfException("mimic needs the name of the joint it follows");
      }
      if (!Double.isFinite(multiplier) || !Double.isFinite(offset)) {
        throw new UrdfException("mimic multiplier and offset must be finite, were " + multiplier + ", " + offset);
      }
    }
  }
}
