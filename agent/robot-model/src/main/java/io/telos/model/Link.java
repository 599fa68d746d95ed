package io.telos.model;

/** A URDF link. {@code inertial} is null for massless links (e.g. tool frames). */
public record Link(String name, Inertial inertial) {}
