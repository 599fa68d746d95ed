package io.telos.api.config;

/** A launch-file value that is missing, unknown or out of range. The message names the key. */
public class ConfigException extends IllegalArgumentException {
  public ConfigException(String message) {
    super(message);
  }
}
