package io.telos.model;

/** A URDF that cannot be read or does not describe a usable robot. The message says why. */
public class UrdfException extends RuntimeException {
  public UrdfException(String message) {
    super(message);
  }

  public UrdfException(String message, Throwable cause) {
    super(message, cause);
  }
}
