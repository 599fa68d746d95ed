package io.telos.memory;

/** A read from a store failed, or the store is unavailable. The message says which store and why. */
public class EpisodeStoreException extends RuntimeException {
  public EpisodeStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public EpisodeStoreException(String message) {
    super(message);
  }
}
