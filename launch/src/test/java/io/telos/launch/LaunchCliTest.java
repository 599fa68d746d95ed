package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
    for (String name : new String[] {"reach-random-sim.yaml", "reach-sequence-mock.yaml", "planar2-dls.yaml", "reach-random-mqtt.yaml", "reach-random-ros2.yaml", "keep-out-sim.yaml", "ur5e-sim.yaml", "panda-sim.yaml", "gen3-sim.yaml", "iiwa-sim.yaml",
        "ur5e-ros2.yaml", "panda-ros2.yaml", "gen3-ros2.yaml", "iiwa-ros2.yaml"}) {
      Path p = Path.of("examples", name);
      var spec = io.telos.runtime.config.LaunchFile.load(p);
      var parts = Composer.compose(spec);
      assertTrue(parts.model().dof() > 0, name);
      parts.hardware().close();
    }
  }

  private String vendorArm(String name, String robotKeys) throws Exception {
    Path f = dir.resolve("arm.yaml");
    String urdf = Path.of("examples", "robots", name + ".urdf").toAbsolutePath().toString();
    Files.writeString(f, "robot: { id: arm1, description: '" + urdf + "'" + robotKeys + " }\nclock: sim\n"
        + "bridge: { type: sim }\nplanner: { type: mppi }\n");
    StringWriter err = new StringWriter();
    assertEquals(Telos.EXIT_BAD_LAUNCH, run(err, "run", f.toString()));
    return err.toString();
  }

  @Test
  void branchingArmWithoutATipNamesTheCandidatesAndTheKey() throws Exception {
    String err = vendorArm("panda", "");
    assertTrue(err.contains("robot.tip_link: "), err);
    assertTrue(err.contains("panda.urdf: no tip link named and the tree branches below 'panda_hand'"), err);
    assertTrue(err.contains("[panda_hand_tcp, panda_leftfinger, panda_rightfinger]"), err);
  }

  @Test
  void badChainChoicesNameTheKey() throws Exception {
    String below = vendorArm("panda", ", base_link: panda_hand, tip_link: panda_link3");
    assertTrue(below.contains("robot.tip_link: ") && below.contains("tip link 'panda_link3' is not below base link"
        + " 'panda_hand'"), below);
    String base = vendorArm("ur5e", ", base_link: world");
    assertTrue(base.contains("robot.base_link: ") && base.contains("unknown base link 'world'"), base);
    String fixedOnly = vendorArm("ur5e", ", tip_link: base");
    assertTrue(fixedOnly.contains("robot.tip_link: ") && fixedOnly.contains("has no movable joint"), fixedOnly);
    String tool = vendorArm("ur5e", ", tool: { xyz: [0, 0] }");
    assertTrue(tool.contains("robot.tool.xyz: must have 3 entries"), tool);
  }

  @Test
  void vendorArmsComposeWithTheirChains() {
    var ur = Composer.compose(io.telos.runtime.config.LaunchFile.load(Path.of("examples", "ur5e-sim.yaml")));
    try {
      assertEquals("tool0", ur.model().chain().tipLink());
      assertEquals(6, ur.hardware().jointNames().size());
    } finally {
      ur.hardware().close();
    }
    var gen3 = Composer.compose(io.telos.runtime.config.LaunchFile.load(Path.of("examples", "gen3-sim.yaml")));
    try {
      // the tool offset reaches the agent's model and the simulator alike
      assertEquals(0.12, gen3.model().chain().tool().translation()[2], 1e-15);
      var sim = assertInstanceOf(io.telos.bridge.sim.SimulatedArm.class, gen3.hardware());
      assertEquals("tool_frame", sim.model().chain().tipLink());
      assertEquals(0.12, sim.model().chain().tool().translation()[2], 1e-15);
    } finally {
      gen3.hardware().close();
    }
  }

  @Test
  void trainEncoderRefusesTooFewPicturesNamingTheOptions() {
    StringWriter err = new StringWriter();
    CommandLine cl = Telos.commandLine();
    cl.setErr(new PrintWriter(err, true));
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("train-encoder", "--pictures", "5"));
    assertTrue(err.toString().contains("train-encoder: needs --pictures >= 100"), err.toString());
  }

  @Test
  void learningFromMemoryRefusesAMissingStoreOrARunThatKeptNoPictures() {
    StringWriter err = new StringWriter();
    CommandLine cl = Telos.commandLine();
    cl.setErr(new PrintWriter(err, true));
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("train-encoder", "--memory", "no/such/memory.db"));
    assertTrue(err.toString().contains("train-encoder: no memory store at no/such/memory.db"), err.toString());
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("plan-image", "examples/push-sim.yaml"));
    assertTrue(err.toString().contains("must record to SQLite with memory.frames and have a scene.camera"),
        err.toString());
  }

  @Test
  void fleetToolsRefuseBadOptionsWithTheirName() {
    StringWriter err = new StringWriter();
    CommandLine cl = Telos.commandLine();
    cl.setErr(new PrintWriter(err, true));
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("fleet", "status", "--members", "foo"));
    assertTrue(err.toString().contains("--members: each must be host:port"), err.toString());
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("fleet", "request", "arm1", "FLY", "--members", "127.0.0.1:5701"));
    assertTrue(err.toString().contains("REQUEST: must be one of"), err.toString());
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("fleet", "capacity", "--max", "0"));
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("fleet", "up", "--robots", "0", "--store-url",
        "jdbc:postgresql://127.0.0.1/telos"));
    assertTrue(err.toString().contains("--robots: 1 to 32"), err.toString());
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("fleet", "up", "--store-url", "mysql://x?password=secret"));
    assertTrue(err.toString().contains("--store-url: must start with jdbc:postgresql://"), err.toString());
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("fleet", "trainer", "--members", "127.0.0.1:5701", "--store-url",
        "jdbc:postgresql://127.0.0.1/telos", "--steps", "0"));
    assertTrue(err.toString().contains("--steps and --batch: must be ≥ 1"), err.toString());
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("fleet", "trainer", "--members", "127.0.0.1:5701", "--store-url",
        "jdbc:postgresql://127.0.0.1/telos", "--every-episodes", "0"));
    assertTrue(err.toString().contains("--every-episodes: ≥ 1"), err.toString());
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("train", "--dt", "0"));
    assertTrue(err.toString().contains("--dt: must be in (0, 1] s"), err.toString());
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("train", "--robot", "builtin:nope"));
    assertTrue(err.toString().contains("--robot: "), err.toString());
  }
}
