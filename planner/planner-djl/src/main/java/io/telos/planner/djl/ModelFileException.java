package io.telos.planner.djl;

/** A model file that cannot be used: unreadable, corrupt, or made for another arm or model step. */
public final class ModelFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message what is wrong, naming the file */
  public ModelFileException(String message) {
    super(message);
  }

  /** @param message what is wrong, naming the file; @param cause the underlying failure */
  public ModelFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
