package io.telos.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code telos} command in a JVM of its own, on this JVM's runtime and class path: how
 * {@code telos fleet up} starts its members, and how tests start agents, simulators and fleets
 * as the separate processes they are in a deployment.
 */
public final class TelosProcess {
  private TelosProcess() {}

  /**
   * The command line: this JVM's {@code java}, native access for the SQLite and DDS libraries, a
   * 2 MB thread stack, the heap ceiling {@code maxHeap} (for example {@code "512m"}; null: the
   * JVM's default), then {@code telos} with {@code args}.
   */
  public static List<String> command(String maxHeap, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-Xss2m"));
    if (maxHeap != null) {
      cmd.add("-Xmx" + maxHeap);
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Telos.class.getName()));
    cmd.addAll(args);
    return cmd;
  }

  /** The same as a process builder, its output and errors together into {@code log}. */
  public static ProcessBuilder builder(String maxHeap, List<String> args, Path log) {
    return new ProcessBuilder(command(maxHeap, args)).redirectErrorStream(true).redirectOutput(log.toFile());
  }
}
