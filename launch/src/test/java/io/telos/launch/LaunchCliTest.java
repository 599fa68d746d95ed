package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line refuses bad launch files with a clear message and exit status 2. */
class LaunchCliTest {
  @TempDir
  Path dir;

  private int run(StringWriter err, String... args) {
    CommandLine cl = Telos.commandLine();
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void unknownBridgeTypeNamesTheKeyAndTheChoices() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: warp }\nplanner: { type: mppi }\n");
    StringWriter err = new StringWriter();
    assertEquals(Telos.EXIT_BAD_LAUNCH, run(err, "run", f.toString()));
    assertTrue(err.toString().contains("bridge.type: must be one of"), err.toString());
    assertTrue(err.toString().contains("sim"), err.toString());
  }

  @Test
  void unknownBuiltinArmIsRefused() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "robot: { id: arm1, description: builtin:nope }\nbridge: { type: sim }\nplanner: { type: mppi }\n");
    StringWriter err = new StringWriter();
    assertEquals(Telos.EXIT_BAD_LAUNCH, run(err, "run", f.toString()));
    assertTrue(err.toString().contains("robot.description"), err.toString());
    assertTrue(err.toString().contains("telos6"), err.toString());
  }

  @Test
  void missingUrdfFileIsRefused() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "robot: { id: arm1, description: arm.urdf }\nbridge: { type: sim }\nplanner: { type: mppi }\n");
    StringWriter err = new StringWriter();
    assertEquals(Telos.EXIT_BAD_LAUNCH, run(err, "run", f.toString()));
    assertTrue(err.toString().contains("URDF file not found"), err.toString());
  }

  @Test
  void badBridgeSettingIsRefused() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim, warp: 9 }\nplanner: { type: mppi }\n");
    StringWriter err = new StringWriter();
    assertEquals(Telos.EXIT_BAD_LAUNCH, run(err, "run", f.toString()));
    assertTrue(err.toString().contains("bridge.warp: unknown key"), err.toString());
  }

  @Test
  void badPlannerSettingIsRefused() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi, samples: 0 }\n");
    StringWriter err = new StringWriter();
    assertEquals(Telos.EXIT_BAD_LAUNCH, run(err, "run", f.toString()));
    assertTrue(err.toString().contains("planner.samples"), err.toString());
  }

  @Test
  void bundledExamplesAreValid() {
    for (String name : new String[] {"reach-random-sim.yaml", "reach-sequence-mock.yaml", "planar2-dls.yaml", "reach-random-mqtt.yaml", "reach-random-ros2.yaml", "keep-out-sim.yaml"}) {
      Path p = Path.of("examples", name);
      var spec = io.telos.runtime.config.LaunchFile.load(p);
      var parts = Composer.compose(spec);
      assertTrue(parts.model().dof() > 0, name);
      parts.hardware().close();
    }
  }
}
