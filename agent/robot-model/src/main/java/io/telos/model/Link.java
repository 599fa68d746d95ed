package io.telos.model;

import java.util.List;

/**
 * A URDF link. {@code inertial} is null for massless links (e.g. tool frames).
 *
 * @param meshes the {@code filename} of each visual and collision {@code <mesh>}, as written
 *     ({@code package://...}, {@code file://...} or a path); kept for viewers, never opened
 * @param collisions the link's {@code <collision>} geometry in document order (empty: none declared)
 */
public record Link(String name, Inertial inertial, List<String> meshes, List<CollisionShape> collisions) {
  public Link {
    meshes = meshes == null ? List.of() : List.copyOf(meshes);
    collisions = collisions == null ? List.of() : List.copyOf(collisions);
  }

  /** A link without collision geometry. */
  public Link(String name, Inertial inertial, List<String> meshes) {
    this(name, inertial, meshes, List.of());
  }

  /** A link without meshes or collision geometry. */
  public Link(String name, Inertial inertial) {
    this(name, inertial, List.of(), List.of());
  }
}
