package io.telos.model;

/**
 * The base link, tip link or tool of a chain cannot be used with this description (unknown link,
 * tip not below base, several candidate tips, no movable joint between them). {@link #key()} says
 * which choice to change: {@code base_link}, {@code tip_link} or {@code tool}, as the launch file
 * names them under {@code robot:}.
 */
public final class ChainException extends UrdfException {
  private final String key;

  public ChainException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** {@code base_link}, {@code tip_link} or {@code tool}. */
  public String key() {
    return key;
  }
}
