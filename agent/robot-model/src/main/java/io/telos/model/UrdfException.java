package io.telos.model;

/**
 * A URDF that cannot be read or does not describe a usable robot. The message says why, on one
 * line.
 */
public class UrdfException extends RuntimeException {
  public UrdfException(String message) {
    super(oneLine(message));
  }

  public UrdfException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  private static String oneLine(String message) {
    return message == null ? null : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }
}
