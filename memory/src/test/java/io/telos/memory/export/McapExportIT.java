package io.telos.memory.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.telos.api.HandoverRequest;
import io.telos.api.Mode;
import io.telos.api.Vec;
import io.telos.memory.EpisodeMeta;
import io.telos.memory.EventRecord;
import io.telos.memory.Outcome;
import io.telos.memory.StepRecord;
import io.telos.memory.sqlite.SqliteEpisodeStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCAP export read back by independent code: the MCAP project's reader ({@code @mcap/core}) and
 * Foxglove's ROS 2 CDR decoder, run by Node.js. Needs {@code node} and those packages in
 * {@code $TELOS_MCAP_JS/node_modules} (default {@code ~/.cache/telos/mcap-js}); skipped when they
 * are absent. Install: {@code npm install --prefix ~/.cache/telos/mcap-js @mcap/core@2.2.2
 * @foxglove/rosmsg@5.0.5 @foxglove/rosmsg2-serialization@3.1.0}.
 */
class McapExportIT {
  @TempDir
  Path dir;

  static Path modules() {
    String env = System.getenv("TELOS_MCAP_JS");
    Path base = env != null && !env.isBlank() ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "telos", "mcap-js");
    return base.resolve("node_modules");
  }

  static JsonObject readWithNode(Path file) throws Exception {
    Path mods = modules();
    assumeTrue(Files.isDirectory(mods.resolve("@mcap/core")) && Files.isDirectory(mods.resolve("@foxglove/rosmsg"))
        && Files.isDirectory(mods.resolve("@foxglove/rosmsg2-serialization")),
        "MCAP reader packages not installed in " + mods);
    Path script = Path.of(McapExportIT.class.getResource("/mcap/read-mcap.cjs").toURI());
    ProcessBuilder pb = new ProcessBuilder("node", script.toString(), file.toString());
    pb.environment().put("NODE_PATH", mods.toString());
    pb.redirectErrorStream(false);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      assumeTrue(false, "node not found: " + e.getMessage());
      throw e;
    }
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "reader did not finish");
    assertEquals(0, p.exitValue(), () -> "the independent reader refused the file: " + new String(err,
        StandardCharsets.UTF_8));
    return new JsonObject(new String(out, StandardCharsets.UTF_8));
  }

  static List<Double> list(JsonArray a) {
    List<Double> out = new ArrayList<>();
    a.forEach(x -> out.add(((Number) x).doubleValue()));
    return out;
  }

  @Test
  void anIndependentReaderReadsTheEpisodesBackAsRos2Messages() throws Exception {
    Path db = dir.resolve("memory.db");
    long a;
    long b;
    try (SqliteEpisodeStore store = new SqliteEpisodeStore(db)) {
      store.open();
      a = store.beginEpisode(new EpisodeMeta("arm1", "examples/reach.yaml", "mppi", "reach-1", false, 1_000));
      for (int i = 0; i < 3; i++) {
        store.append(new StepRecord(a, i, 1_500_000_000L + i * 1_000_000L, Vec.of(0.1 * i, 0.2, -0.3, 1.5, 0, -1),
            Vec.of(0.4, 0.0, 0.3 + i), Vec.empty(), i == 0 ? Vec.empty() : Vec.of(0.11 * i, 0.2, -0.3),
            i == 0 ? Vec.empty() : Vec.of(0.5, 0.5, 0.5), Mode.AUTONOMOUS, 1.0, "reach-1", null));
      }
      store.recordEvent(EventRecord.handover(a, "arm1", 1_502_000_000L, HandoverRequest.Trigger.STUCK, "flat", true));
      store.endEpisode(a, Outcome.INCOMPLETE, 1_503_000_000L);
      b = store.beginEpisode(new EpisodeMeta("arm1", "", "", "reach-1", true, 2_000_000_000L));
      store.append(new StepRecord(b, 0, 2_000_000_001L, Vec.of(1, 2, 3, 4, 5, 6), null, null, Vec.of(9, 8, 7), null,
          Mode.TELEOP, Double.NaN, "reach-1", null));
      store.endEpisode(b, Outcome.REACHED, 2_100_000_000L);
    }
    Path file = dir.resolve("out/all.mcap");
    List<Long> seen = new ArrayList<>();
    try (SqliteEpisodeStore reader = SqliteEpisodeStore.reader(db)) {
      reader.open();
      long messages = McapExport.export(reader, List.of(a, b), file, (done, total) -> {
        seen.add(done);
        assertEquals(4, total);
      });
      assertEquals(3 + 2 + 3 + 1 + 1 + 1, messages, "joint states, commands, ee positions, event; then b");
    }
    assertEquals(List.of(1L, 2L, 3L, 4L), seen, "progress after every step");

    JsonObject r = readWithNode(file);
    assertTrue(r.getBoolean("done"), "a complete MCAP file (footer and magic found)");
    assertEquals("ros2", r.getJsonObject("header").getString("profile"));
    assertEquals(r.getLong("crcOfDataSection"), r.getLong("dataEnd"), "data section CRC");
    JsonArray schemas = r.getJsonArray("schemas");
    assertEquals(List.of("sensor_msgs/msg/JointState", "geometry_msgs/msg/PointStamped", "std_msgs/msg/String"),
        schemas.stream().map(s -> ((JsonObject) s).getString("name")).toList());
    assertTrue(schemas.stream().allMatch(s -> ((JsonObject) s).getString("encoding").equals("ros2msg")));
    assertEquals(List.of("/arm1/joint_states", "/arm1/joint_command", "/arm1/ee_position", "/arm1/events"),
        r.getJsonArray("channels").stream().map(c -> ((JsonObject) c).getString("topic")).toList());
    assertTrue(r.getJsonArray("channels").stream().allMatch(c -> ((JsonObject) c).getString("encoding").equals("cdr")));

    JsonArray meta = r.getJsonArray("metadata");
    assertEquals(2, meta.size());
    JsonObject m0 = meta.getJsonObject(0).getJsonObject("values");
    assertEquals("telos.episode", meta.getJsonObject(0).getString("name"));
    assertEquals(Long.toString(a), m0.getString("id"));
    assertEquals("incomplete", m0.getString("outcome"));
    assertEquals("false", m0.getString("operator"));
    assertEquals("true", meta.getJsonObject(1).getJsonObject("values").getString("operator"));
    assertEquals("reached", meta.getJsonObject(1).getJsonObject("values").getString("outcome"));

    JsonArray msgs = r.getJsonArray("messages");
    assertEquals(11, msgs.size());
    JsonObject js0 = msgs.getJsonObject(0);
    assertEquals("/arm1/joint_states", js0.getString("topic"));
    assertEquals("1500000000", js0.getString("logTime"));
    JsonObject st = js0.getJsonObject("message");
    assertEquals(1, st.getJsonObject("header").getJsonObject("stamp").getInteger("sec"));
    assertEquals(500_000_000, st.getJsonObject("header").getJsonObject("stamp").getInteger("nanosec"));
    assertEquals(List.of("joint_1", "joint_2", "joint_3"), st.getJsonArray("name").getList());
    assertEquals(List.of(0.0, 0.2, -0.3), list(st.getJsonArray("position")));
    assertEquals(List.of(1.5, 0.0, -1.0), list(st.getJsonArray("velocity")));
    assertEquals(List.of(), list(st.getJsonArray("effort")));
    JsonObject ee0 = msgs.getJsonObject(1).getJsonObject("message");
    assertEquals("/arm1/ee_position", msgs.getJsonObject(1).getString("topic"));
    assertEquals("base_link", ee0.getJsonObject("header").getString("frame_id"));
    assertEquals(0.3, ee0.getJsonObject("point").getDouble("z"), 0);
    JsonObject cmd1 = msgs.getJsonObject(3);
    assertEquals("/arm1/joint_command", cmd1.getString("topic"));
    assertEquals(List.of(0.11, 0.2, -0.3), list(cmd1.getJsonObject("message").getJsonArray("position")));
    assertEquals(List.of(0.5, 0.5, 0.5), list(cmd1.getJsonObject("message").getJsonArray("velocity")));
    assertEquals(0, cmd1.getLong("sequence"));
    assertEquals(1, msgs.getJsonObject(6).getLong("sequence"), "second command");
    JsonObject event = msgs.getJsonObject(8);
    assertEquals("/arm1/events", event.getString("topic"));
    assertEquals("handover requested: STUCK (flat)", event.getJsonObject("message").getString("data"));
    JsonObject demo = msgs.getJsonObject(9).getJsonObject("message");
    assertEquals(List.of(1.0, 2.0, 3.0), list(demo.getJsonArray("position")));
    assertEquals(3, msgs.getJsonObject(9).getLong("sequence"), "one channel per topic across episodes");
  }
}
