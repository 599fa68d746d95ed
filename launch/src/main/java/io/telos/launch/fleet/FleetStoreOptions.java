package io.telos.launch.fleet;

import io.telos.memory.PostgresUrls;
import io.telos.runtime.config.LaunchException;
import picocli.CommandLine.Option;

/**
 * The fleet store's options, shared by {@code telos fleet up} and {@code telos fleet trainer} (a
 * picocli mixin): its JDBC URL (required, PostgreSQL) and user.
 */
public final class FleetStoreOptions {
  @Option(names = "--store-url", required = true, description = "The fleet's PostgreSQL store,"
      + " jdbc:postgresql://host:port/db.")
  String url;

  @Option(names = "--store-user", description = "Its user (default ${DEFAULT-VALUE}).")
  String user = "telos";

  /** The URL, checked to be a PostgreSQL JDBC URL (refused with any password in it masked). */
  public String url() {
    if (!url.startsWith("jdbc:postgresql://")) {
      throw new LaunchException("--store-url: must start with jdbc:postgresql://, was '" + PostgresUrls.redact(url)
          + "'");
    }
    return url;
  }

  public String user() {
    return user;
  }

  /** The URL as it may be printed. */
  public String shown() {
    return PostgresUrls.redact(url);
  }
}
