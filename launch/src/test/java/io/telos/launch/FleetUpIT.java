package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.memory.postgres.PgServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code telos fleet up} starts the agents and the trainer as separate processes on one
 * PostgreSQL store, waits for their targets and stops the trainer: every robot's episodes land in
 * the one store, tagged with its robot.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FleetUpIT {
  @Test
  void startsAFleetOfProcessesThatRecordToOneStore(@TempDir Path dir) throws Exception {
    PgServer pg = PgServer.get();
    String store = pg.freshSchemaUrl();
    int port = FleetIT.freeBase(4);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream was = System.out;
    StringWriter err = new StringWriter();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      CommandLine cl = Telos.commandLine();
      cl.setErr(new PrintWriter(err, true));
      code = cl.execute("fleet", "up", "--robots", "2", "--targets", "3", "--clock", "sim", "--store-url", store,
          "--dir", dir.toString(), "--port", Integer.toString(port), "--console-port", "0");
    } finally {
      System.setOut(was);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, printed + err + Files.readString(dir.resolve("arm1.log")));
    assertTrue(printed.contains("2/2 robots reached all their targets"), printed);
    assertTrue(Files.readString(dir.resolve("trainer.log")).contains("event=started"), "the trainer ran");
    assertTrue(Files.readString(dir.resolve("arm1.log")).contains("operator console at"), "arm1 served the console");
    try (Connection c = DriverManager.getConnection(store, pg.user(), "");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT robot_id, count(*) FROM telos_episodes GROUP BY robot_id ORDER BY 1")) {
      for (String robot : new String[] {"arm1", "arm2"}) {
        assertTrue(r.next(), "episodes of " + robot + " in the fleet store");
        assertEquals(robot, r.getString(1));
        assertTrue(r.getLong(2) >= 3, robot + ": " + r.getLong(2) + " episodes");
      }
    }
  }
}
