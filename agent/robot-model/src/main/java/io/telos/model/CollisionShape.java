package io.telos.model;

/**
 * One {@code <collision>} element of a URDF link: its geometry and where it sits in the link frame
 * ({@code <origin>}, identity when absent). Sizes in metres.
 */
public sealed interface CollisionShape {
  /** The shape's frame in the link frame. */
  Transform origin();

  /** {@code <box size="x y z">}, centred on its origin. */
  record Box(Transform origin, double sizeX, double sizeY, double sizeZ) implements CollisionShape {}

  /** {@code <cylinder radius length>}, its axis along the origin's z, centred on the origin. */
  record Cylinder(Transform origin, double radius, double length) implements CollisionShape {}

  /** {@code <sphere radius>}. */
  record Sphere(Transform origin, double radius) implements CollisionShape {}

  /**
   * {@code <mesh filename scale>}: the file name as written ({@code package://}, {@code file://}, a
   * path), never resolved by the reader.
   */
  record Mesh(Transform origin, String filename, double scaleX, double scaleY, double scaleZ)
      implements CollisionShape {}
}
