package io.telos.memory.export;

import io.telos.api.Vec;
import io.telos.memory.EpisodeStore;
import io.telos.memory.EpisodeSummary;
import io.telos.memory.EventRecord;
import io.telos.memory.StepCursor;
import io.telos.memory.StepRecord;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Exports episodes to an MCAP file with ROS 2 message schemas ({@code ros2msg}, messages in CDR),
 * readable by Foxglove, {@code ros2 bag} (rosbag2's MCAP storage) and the MCAP libraries.
 *
 * <p>Channels (all with ROS 2 types):
 *
 * <table>
 *   <tr><th>topic</th><th>type</th><th>from</th></tr>
 *   <tr><td>{@code /<robot>/joint_states}</td><td>sensor_msgs/msg/JointState</td>
 *       <td>{@code state}: positions and velocities (a step per message)</td></tr>
 *   <tr><td>{@code /<robot>/joint_command}</td><td>sensor_msgs/msg/JointState</td>
 *       <td>{@code commandPosition}, {@code commandVelocity} (steps that have a command)</td></tr>
 *   <tr><td>{@code /<robot>/ee_position}</td><td>geometry_msgs/msg/PointStamped</td>
 *       <td>{@code eePosition}, frame {@code base_link} (steps that have one)</td></tr>
 *   <tr><td>{@code /<robot>/events}</td><td>std_msgs/msg/String</td>
 *       <td>the episode's events ({@link EventRecord#describe()})</td></tr>
 * </table>
 *
 * <p>Log and header times are the steps' monotonic stamps (the run's clock, not wall time). Each
 * episode is also a Metadata record {@code telos.episode} (id, robot, goal, policy, operator,
 * outcome, steps, gaps, launch). Joint names are not in the store: they are {@code joint_1} ..
 * {@code joint_n}, with n the command's length, else half the state's. Latents, mode, energy and
 * fault codes are not exported. Steps are streamed: memory does not grow with the export.
 */
public final class McapExport {
  /** Told after each step written. */
  @FunctionalInterface
  public interface Progress {
    void stepsWritten(long done, long total);
  }

  private McapExport() {}

  /** Exports {@code episodes} (ids) to {@code file}; returns the number of messages written. */
  public static long export(EpisodeStore store, List<Long> episodes, Path file, Progress progress) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      return export(store, episodes, out, progress);
    }
  }

  /** Exports {@code episodes} (ids) to {@code out} (closed at the end). */
  public static long export(EpisodeStore store, List<Long> episodes, OutputStream out, Progress progress)
      throws IOException {
    Objects.requireNonNull(progress, "progress");
    List<EpisodeSummary> eps = new ArrayList<>();
    long total = 0;
    for (long id : episodes) {
      EpisodeSummary e = store.episode(id).orElseThrow(() -> new IllegalArgumentException("no episode " + id));
      eps.add(e);
      total += e.steps();
    }
    long messages = 0;
    long done = 0;
    try (McapWriter w = new McapWriter(out, "ros2", "telos-memory")) {
      w.schema(1, "sensor_msgs/msg/JointState", "ros2msg", Ros2Cdr.JOINT_STATE);
      w.schema(2, "geometry_msgs/msg/PointStamped", "ros2msg", Ros2Cdr.POINT_STAMPED);
      w.schema(3, "std_msgs/msg/String", "ros2msg", Ros2Cdr.STRING);
      Map<String, Integer> channels = new LinkedHashMap<>();
      long[] seq = new long[1024];
      McapWriter.Buf b = new McapWriter.Buf();
      for (EpisodeSummary e : eps) {
        String robot = e.meta().robotId();
        int js = channel(w, channels, "/" + robot + "/joint_states", 1);
        int cmd = channel(w, channels, "/" + robot + "/joint_command", 1);
        int ee = channel(w, channels, "/" + robot + "/ee_position", 2);
        int ev = channel(w, channels, "/" + robot + "/events", 3);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("id", Long.toString(e.id()));
        meta.put("robot", robot);
        meta.put("goal", e.meta().goalId());
        meta.put("policy", e.meta().policy());
        meta.put("launch", e.meta().launchSource());
        meta.put("operator", Boolean.toString(e.meta().operator()));
        meta.put("outcome", e.outcome() == null ? "open" : e.outcome().label());
        meta.put("start_ns", Long.toString(e.meta().startNs()));
        meta.put("end_ns", e.endNs() == null ? "" : Long.toString(e.endNs()));
        meta.put("steps", Long.toString(e.steps()));
        meta.put("gaps", Long.toString(e.gaps()));
        w.metadata("telos.episode", meta);
        List<String> names = null;
        try (StepCursor c = store.readSteps(e.id())) {
          while (c.hasNext()) {
            StepRecord s = c.next();
            long t = Math.max(0, s.stampNs());
            if (names == null) {
              names = names(s);
            }
            int n = names.size();
            Vec st = s.state();
            int np = Math.min(n, st.size());
            int nv = Math.max(0, Math.min(n, st.size() - n));
            jointState(b, t, names.subList(0, Math.max(np, nv)), st, 0, np, n, nv);
            w.message(js, seq[js]++ & 0xFFFFFFFFL, t, t, b.array(), b.size());
            messages++;
            if (!s.commandPosition().isEmpty() || !s.commandVelocity().isEmpty()) {
              int cp = s.commandPosition().size();
              int cv = s.commandVelocity().size();
              List<String> cn = cp <= n && cv <= n ? names.subList(0, Math.max(cp, cv)) : names(Math.max(cp, cv));
              jointCommand(b, t, cn, s.commandPosition(), s.commandVelocity());
              w.message(cmd, seq[cmd]++ & 0xFFFFFFFFL, t, t, b.array(), b.size());
              messages++;
            }
            if (s.eePosition().size() == 3) {
              Ros2Cdr.begin(b);
              Ros2Cdr.header(b, t, "base_link");
              Ros2Cdr.float64(b, s.eePosition().get(0));
              Ros2Cdr.float64(b, s.eePosition().get(1));
              Ros2Cdr.float64(b, s.eePosition().get(2));
              w.message(ee, seq[ee]++ & 0xFFFFFFFFL, t, t, b.array(), b.size());
              messages++;
            }
            progress.stepsWritten(++done, total);
          }
        }
        for (EventRecord r : store.events(e.id())) {
          long t = Math.max(0, r.stampNs());
          Ros2Cdr.begin(b);
          Ros2Cdr.string(b, r.describe());
          w.message(ev, seq[ev]++ & 0xFFFFFFFFL, t, t, b.array(), b.size());
          messages++;
        }
      }
    }
    return messages;
  }

  private static int channel(McapWriter w, Map<String, Integer> channels, String topic, int schema)
      throws IOException {
    Integer id = channels.get(topic);
    if (id != null) {
      return id;
    }
    if (channels.size() >= 1023) {
      throw new IllegalStateException("too many channels (robots) in one export");
    }
    int next = channels.size() + 1;
    w.channel(next, schema, topic, "cdr", Map.of());
    channels.put(topic, next);
    return next;
  }

  private static void jointState(McapWriter.Buf b, long t, List<String> names, Vec v, int posFrom, int np, int velFrom,
      int nv) {
    Ros2Cdr.begin(b);
    Ros2Cdr.header(b, t, "");
    Ros2Cdr.strings(b, names);
    Ros2Cdr.doubles(b, v, posFrom, np);
    Ros2Cdr.doubles(b, v, velFrom, nv);
    Ros2Cdr.doubles(b, Vec.empty(), 0, 0);
  }

  private static void jointCommand(McapWriter.Buf b, long t, List<String> names, Vec pos, Vec vel) {
    Ros2Cdr.begin(b);
    Ros2Cdr.header(b, t, "");
    Ros2Cdr.strings(b, names);
    Ros2Cdr.doubles(b, pos, 0, pos.size());
    Ros2Cdr.doubles(b, vel, 0, vel.size());
    Ros2Cdr.doubles(b, Vec.empty(), 0, 0);
  }

  /** Joint count: the command's length, else half the state's (positions then velocities). */
  private static List<String> names(StepRecord s) {
    int n = !s.commandPosition().isEmpty() ? s.commandPosition().size()
        : s.state().size() % 2 == 0 ? s.state().size() / 2 : s.state().size();
    return names(n);
  }

  private static List<String> names(int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      out.add("joint_" + i);
    }
    return out;
  }
}
