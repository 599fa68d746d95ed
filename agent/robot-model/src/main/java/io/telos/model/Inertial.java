package io.telos.model;

/**
 * URDF inertial: mass (kg), centre of mass frame relative to the link frame, and the inertia tensor
 * (kg·m²) about the centre of mass, expressed in that frame.
 */
public record Inertial(
    double massKg, Transform origin, double ixx, double ixy, double ixz, double iyy, double iyz, double izz) {}
