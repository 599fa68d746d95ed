package io.telos.model;

import java.util.List;

/**
 * A URDF link. {@code inertial} is null for massless links (e.g. tool frames).
 *
 * @param meshes the {@code filename} of each visual and collision {@code <mesh>}, as written
 *     ({@code package://...}, {@code file://...} or a path); kept for viewers, never opened
 */
public record Link(String name, Inertial inertial, List<String> meshes) {
  public Link {
    meshes = meshes == null ? List.of() : List.copyOf(meshes);
  }

  /** A link without meshes. */
  public Link(String name, Inertial inertial) {
    this(name, inertial, List.of());
  }
}
