package io.telos.planner.djl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Versioned model files in a folder: {@code model-v0001.twm} with its metrics beside it in
 * {@code model-v0001.json}.
 */
public final class ModelVersions {
  private static final Pattern NAME = Pattern.compile("model-v(\\d{4,})\\.twm");

  private ModelVersions() {}

  /** The file of version {@code v} in {@code dir}. */
  public static Path file(Path dir, int v) {
    return dir.resolve(String.format("model-v%04d.twm", v));
  }

  /** The metrics file of version {@code v} in {@code dir}. */
  public static Path metrics(Path dir, int v) {
    return dir.resolve(String.format("model-v%04d.json", v));
  }

  /** Highest version present in {@code dir}, 0 when none. */
  public static int latest(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> NAME.matcher(p.getFileName().toString())).filter(Matcher::matches)
          .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElse(0);
    } catch (IOException e) {
      return 0;
    }
  }

  /** The newest model file: {@code path} itself when it is a file, else the latest version in it. */
  public static Optional<Path> newest(Path path) {
    if (Files.isRegularFile(path)) {
      return Optional.of(path);
    }
    int v = latest(path);
    return v == 0 ? Optional.empty() : Optional.of(file(path, v));
  }
}
