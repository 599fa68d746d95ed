package io.telos.launch.fleet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.planner.djl.ModelVersions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelInstallerTest {
  @TempDir
  Path dir;

  private static ModelRelease release(int v) {
    return ModelRelease.of(v, ("model " + v).getBytes(StandardCharsets.UTF_8), 10 * v, List.of("arm1"), 5);
  }

  private ModelInstaller installer(int pin, int canaryGoals) {
    return installer(dir, pin, canaryGoals);
  }

  private static ModelInstaller installer(Path in, int pin, int canaryGoals) {
    return new ModelInstaller("arm1", new ModelInstaller.Settings(in, pin, canaryGoals, 0.2));
  }

  @Test
  void installsEachNewerVersionWhereThePlannerLooksAndIgnoresTheRest() throws Exception {
    ModelInstaller m = installer(0, 0);
    assertEquals(ModelInstaller.Decision.INSTALLED, m.offer(release(1)));
    assertEquals(ModelInstaller.Decision.IGNORED, m.offer(release(1)), "the version it runs");
    assertEquals(ModelInstaller.Decision.INSTALLED, m.offer(release(3)));
    assertEquals(ModelInstaller.Decision.IGNORED, m.offer(release(2)), "older than the one it runs");
    assertEquals(3, m.version());
    assertEquals(3, ModelVersions.latest(dir));
    assertArrayEquals(release(3).bytes(), Files.readAllBytes(ModelVersions.file(dir, 3)));
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".part")), "no partial file left");
    }
  }

  @Test
  void asksOnlyForWhatItWouldInstall() {
    ModelInstaller follow = installer(0, 2);
    assertEquals(0, follow.wanted(0), "nothing released yet");
    assertEquals(3, follow.wanted(3));
    follow.offer(release(3));
    assertEquals(0, follow.wanted(3), "runs it already");
    assertEquals(0, follow.wanted(4), "its canary is running");
    follow.outcome(true);
    follow.outcome(true);
    assertEquals(4, follow.wanted(4));
    ModelInstaller pinned = installer(dir.resolve("pinned"), 2, 0);
    assertEquals(0, pinned.wanted(1), "its version is not out yet");
    assertEquals(2, pinned.wanted(5), "the pinned one, not the newest");
    pinned.offer(release(2));
    assertEquals(0, pinned.wanted(5));
  }

  @Test
  void refusesBytesThatAreNotTheOnesTheDigestNames() {
    ModelRelease r = release(1);
    JsonObject o = new JsonObject(r.toJson()).put("sha256", ModelRelease.of(1, new byte[] {1}, 1, List.of(), 1)
        .sha256());
    assertEquals(ModelInstaller.Decision.REFUSED, installer(0, 0).offer(ModelRelease.parse(o.encode())));
    assertEquals(0, ModelVersions.latest(dir), "nothing written");
  }

  @Test
  void aPinnedAgentRunsOnlyItsVersion() {
    installer(0, 0).offer(release(3)); // a newer version ran here before the pin
    ModelInstaller m = installer(2, 0);
    assertEquals(ModelInstaller.Decision.IGNORED, m.offer(release(1)));
    assertEquals(ModelInstaller.Decision.INSTALLED, m.offer(release(2)));
    assertEquals(ModelInstaller.Decision.IGNORED, m.offer(release(3)));
    assertEquals(2, m.version());
    assertEquals(2, ModelVersions.latest(dir), "the newer version is withdrawn: the planner runs the pinned one");
  }

  @Test
  void aVersionThatMakesTheRobotWorseIsWithdrawnAndNeverInstalledAgain() {
    ModelInstaller m = installer(0, 4);
    for (int i = 0; i < 4; i++) {
      m.outcome(true); // 4 of 4 reached before
    }
    assertEquals(ModelInstaller.Decision.INSTALLED, m.offer(release(1)));
    assertTrue(m.onTrial());
    for (int i = 0; i < 4; i++) {
      m.outcome(true); // v1 keeps the rate
    }
    assertFalse(m.onTrial());
    assertEquals(1, m.version(), "v1 passed its canary");

    assertEquals(ModelInstaller.Decision.INSTALLED, m.offer(release(2)));
    assertEquals(ModelInstaller.Decision.IGNORED, m.offer(release(3)), "one canary at a time");
    m.outcome(true);
    m.outcome(false);
    m.outcome(false);
    m.outcome(true); // 2 of 4: a drop of 0.5 > 0.2
    assertEquals(1, m.version(), "rolled back to v1");
    assertEquals(1, ModelVersions.latest(dir), "v2 withdrawn from the folder: the planner follows it back");
    assertFalse(Files.exists(ModelVersions.file(dir, 2)));
    assertEquals(Set.of(2), m.withdrawn());
    assertEquals(ModelInstaller.Decision.IGNORED, m.offer(release(2)), "never again");
    assertEquals(ModelInstaller.Decision.INSTALLED, m.offer(release(3)), "the next one is tried");
  }

  @Test
  void aFirstVersionThatFailsGoesBackToTheAnalyticModel() {
    ModelInstaller m = installer(0, 2);
    m.outcome(true);
    m.outcome(true);
    m.offer(release(1));
    m.outcome(false);
    m.outcome(false);
    assertEquals(0, m.version());
    assertEquals(0, ModelVersions.latest(dir), "no version left: the planner falls back to the analytic model");
  }

  @Test
  void aDropWithinTheMarginKeepsTheVersion() {
    ModelInstaller m = installer(0, 5);
    for (int i = 0; i < 5; i++) {
      m.outcome(i != 0); // 4 of 5 before
    }
    m.offer(release(1));
    for (int i = 0; i < 5; i++) {
      m.outcome(i > 1); // 3 of 5 after: a drop of 0.2, within the margin
    }
    assertEquals(1, m.version());
  }
}
