package io.telos.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forward kinematics of the vendor-layout test arms against Orocos KDL (Debian
 * {@code python3-pykdl}), the library ROS builds its kinematics on. The Python side
 * ({@code kdl_fk.py}) parses the URDF itself with {@code xml.etree}, so a mistake of our reader
 * shows up as well as one of our chain. For 1,000 random configurations per chain, the frame of
 * every link after a movable joint and of the tip (with the tool frame) must agree to 1e-9 m and
 * 1e-9 rad. Skipped when {@code /usr/bin/python3} cannot import PyKDL.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class KdlForwardKinematicsIT {
  private static final String PYTHON = "/usr/bin/python3";
  private static final int CONFIGS = 1000;
  private static final double TOL_M = 1e-9;
  private static final double TOL_RAD = 1e-9;

  @TempDir
  static Path dir;

  private static Path script;

  @BeforeAll
  static void pykdl() throws Exception {
    boolean present = false;
    if (Files.isExecutable(Path.of(PYTHON))) {
      Process p = new ProcessBuilder(PYTHON, "-c", "import PyKDL").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      present = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
    assumeTrue(present, "PyKDL not importable by " + PYTHON + " (Debian: apt-get install python3-pykdl)");
    script = dir.resolve("kdl_fk.py");
    try (var in = KdlForwardKinematicsIT.class.getResourceAsStream("kdl_fk.py")) {
      Files.write(script, in.readAllBytes());
    }
  }

  /** arm, base link (null: root), tip link (null: the default tip), tool x y z roll pitch yaw. */
  static Stream<Arguments> chains() {
    double[] none = new double[6];
    return Stream.of(
        Arguments.of("ur5e", null, null, none),
        Arguments.of("ur5e", "base_link_inertia", "flange", new double[] {0.02, -0.01, 0.15, 0.3, -0.2, 1.1}),
        Arguments.of("panda", null, "panda_hand_tcp", none),
        Arguments.of("panda", "panda_link0", "panda_link8", new double[] {0, 0, 0.1034, 0, 0, -Math.PI / 4}),
        Arguments.of("panda", null, "panda_leftfinger", none),   // 7 revolute + 1 prismatic
        Arguments.of("panda", null, "panda_rightfinger", none),  // through the mimic joint
        Arguments.of("gen3", null, null, none),
        Arguments.of("gen3", "shoulder_link", "end_effector_link", new double[] {0, 0, 0.12, Math.PI, 0, 0.5}),
        Arguments.of("iiwa14", null, null, none),
        Arguments.of("iiwa14", "iiwa_link_0", "iiwa_link_7", new double[] {0.0, 0.0, 0.126, 0, 0, 0}));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("chains")
  void everyLinkFrameMatchesKdl(String arm, String base, String tip, double[] toolXyzRpy) throws Exception {
    RobotDescription d = TestUrdfs.arm(arm);
    Transform tool = Transform.fromXyzRpy(toolXyzRpy[0], toolXyzRpy[1], toolXyzRpy[2], toolXyzRpy[3], toolXyzRpy[4],
        toolXyzRpy[5]);
    KinematicChain chain = KinematicChain.of(d, base, tip, tool);
    JointLimits limits = JointLimits.fromChain(chain);
    int n = chain.dof();

    SplittableRandom rnd = new SplittableRandom(arm.hashCode() * 31L + chain.tipLink().hashCode());
    double[][] qs = new double[CONFIGS][n];
    StringBuilder sb = new StringBuilder();
    for (double[] q : qs) {
      for (int i = 0; i < n; i++) {
        double lo = Double.isFinite(limits.lower(i)) ? limits.lower(i) : -4 * Math.PI; // continuous: several turns
        double hi = Double.isFinite(limits.upper(i)) ? limits.upper(i) : 4 * Math.PI;
        q[i] = lo + (hi - lo) * rnd.nextDouble();
        sb.append(i == 0 ? "" : " ").append(Double.toString(q[i]));
      }
      sb.append('\n');
    }
    String tag = arm + "-" + chain.baseLink() + "-" + chain.tipLink();
    Path configs = dir.resolve(tag + ".q");
    Path out = dir.resolve(tag + ".kdl");
    Files.writeString(configs, sb, StandardCharsets.UTF_8);
    runOracle(TestUrdfs.armFile(arm), chain.baseLink(), chain.tipLink(), toolXyzRpy, configs, out);

    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertEquals(chain.jointNames(), Arrays.asList(lines.get(0).split(" ")), "KDL's chain has other movable joints");
    List<String> frames = new ArrayList<>(chain.linkNames().subList(1, n + 1));
    frames.add("@tool");
    assertEquals(1 + CONFIGS * frames.size(), lines.size(), "KDL output lines");

    double maxPos = 0;
    double maxRot = 0;
    double maxTipPos = 0;
    double maxTipRot = 0;
    int line = 1;
    for (double[] q : qs) {
      Transform[] links = chain.linkTransforms(q);
      Map<String, Transform> ours = new HashMap<>();
      for (int i = 1; i <= n; i++) {
        ours.put(chain.linkNames().get(i), links[i]);
      }
      ours.put("@tool", chain.tipTransform(q));
      for (String name : frames) {
        String[] f = lines.get(line++).split(" ");
        assertEquals(name, f[0], "frame order");
        double[] r = new double[9];
        double[] p = new double[3];
        for (int k = 0; k < 9; k++) {
          r[k] = Double.parseDouble(f[1 + k]);
        }
        for (int k = 0; k < 3; k++) {
          p[k] = Double.parseDouble(f[10 + k]);
        }
        Transform t = ours.get(name);
        double dp = distance(t.translation(), p);
        double dr = angleBetween(t.rotationMatrix(), r);
        assertTrue(dp <= TOL_M && dr <= TOL_RAD, () -> String.format(Locale.ROOT,
            "%s frame %s at q=%s: position off by %.3g m, orientation by %.3g rad", tag, name, Arrays.toString(q), dp, dr));
        maxPos = Math.max(maxPos, dp);
        maxRot = Math.max(maxRot, dr);
        if (name.equals("@tool")) {
          maxTipPos = Math.max(maxTipPos, dp);
          maxTipRot = Math.max(maxTipRot, dr);
        }
      }
      // the pose API (position + quaternion) agrees with the transform it comes from
      double[] pose = new double[7];
      chain.forwardPose(q, pose, chain.newScratch());
      assertTrue(distance(Arrays.copyOf(pose, 3), ours.get("@tool").translation()) <= 1e-12);
    }
    System.out.printf(Locale.ROOT, "kdl-fk %-34s dof %d, %d configurations: tip max %.2e m %.2e rad;"
        + " all %d frames max %.2e m %.2e rad%n", tag, n, CONFIGS, maxTipPos, maxTipRot, frames.size(), maxPos, maxRot);
  }

  private static void runOracle(Path urdf, String base, String tip, double[] tool, Path configs, Path out)
      throws IOException, InterruptedException {
    StringBuilder t = new StringBuilder();
    for (double v : tool) {
      t.append(t.isEmpty() ? "" : " ").append(Double.toString(v));
    }
    Process p = new ProcessBuilder(PYTHON, script.toString(), urdf.toString(), base, tip, t.toString(),
        configs.toString(), out.toString()).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "kdl_fk.py timed out");
    assertEquals(0, p.exitValue(), () -> "kdl_fk.py failed: " + log);
  }

  private static double distance(double[] a, double[] b) {
    return Math.sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
  }

  /** Angle of {@code aᵀ b} (row-major 3 × 3), accurate near 0: atan2(|vee(skew)|, (trace − 1) / 2). */
  static double angleBetween(double[] a, double[] b) {
    double[] m = new double[9];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        m[r * 3 + c] = a[r] * b[c] + a[3 + r] * b[3 + c] + a[6 + r] * b[6 + c];
      }
    }
    double x = m[7] - m[5];
    double y = m[2] - m[6];
    double z = m[3] - m[1];
    double sin = 0.5 * Math.sqrt(x * x + y * y + z * z);
    double cos = 0.5 * (m[0] + m[4] + m[8] - 1);
    return Math.atan2(sin, cos);
  }
}
