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
    double friction) {}
