package io.telos.runtime.config;

/** A launch file that cannot be used. The message names the file, the key and what is allowed. */
public class LaunchException extends RuntimeException {
  public LaunchException(String message) {
    super(message);
  }

  public LaunchException(String message, Throwable cause) {
    super(message, cause);
  }
}
