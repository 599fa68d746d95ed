package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.Settings;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A run writes its episodes to the embedded store; `telos memory stats|list` shows them. */
class MemoryCliIT {
  @TempDir
  Path dir;

  @Test
  void demoEpisodesAreVisibleThroughTheMemoryCommands() throws Exception {
    Path db = dir.resolve("memory.db");
    LaunchSpec spec = Telos.demoSpec("sim", 3L, 2).withMemory(new Settings("memory", Map.of("path", db.toString())));
    RunReport r = Session.run(spec, o -> { }, Duration.ofMinutes(3));
    assertEquals(2, r.outcomes().size());

    StringWriter out = new StringWriter();
    CommandLine cl = Telos.commandLine();
    cl.setOut(new PrintWriter(out, true));
    assertEquals(0, cl.execute("memory", "stats", "--path", db.toString()));
    assertTrue(out.toString().matches("(?s).*episodes\\D*2\\b.*"), out.toString());

    StringWriter list = new StringWriter();
    cl = Telos.commandLine();
    cl.setOut(new PrintWriter(list, true));
    assertEquals(0, cl.execute("memory", "list", "--path", db.toString()));
    assertTrue(list.toString().contains("target-0") && list.toString().contains("target-1"), list.toString());
  }

  @Test
  void aMissingStoreIsAClearError() {
    StringWriter err = new StringWriter();
    CommandLine cl = Telos.commandLine();
    cl.setErr(new PrintWriter(err, true));
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("memory", "stats", "--path", dir.resolve("none.db").toString()));
    assertTrue(err.toString().contains("no episodic memory at"), err.toString());
  }
}
