package io.telos.model;

import java.util.Locale;

/** URDF joint types. */
public enum JointType {
  REVOLUTE,
  CONTINUOUS,
  PRISMATIC,
  FIXED,
  FLOATING,
  PLANAR;

  static JointType parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UrdfException("unknown joint type '" + s
          + "' (allowed: revolute, continuous, prismatic, fixed, floating, planar)");
    }
  }

  /** True for joints that move along or about one axis. */
  public boolean isSingleAxis() {
    return this == REVOLUTE || this == CONTINUOUS || this == PRISMATIC;
  }
}
