package io.telos.memory;

/** Masks passwords in JDBC URLs before they reach a log or a message. */
public final class PostgresUrls {
  private PostgresUrls() {}

  public static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
