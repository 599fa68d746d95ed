package io.telos.launch.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The push tasks planned over the bundled learned contact model (trained by
 * {@code telos learn-contact} from simulated pushing babble) beside the analytic contact model, in
 * lock-step simulated time: the learned model reaches at least as many targets on every push
 * variant, with no guardrail violation, and does not knock the neighbour more than the analytic
 * model does.
 */
class ContactSuiteIT {
  static final Path MODEL = Path.of("examples", "models", "contact-telos6.tcm");

  @Test
  @Timeout(300)
  void learnedContactModelPushesAtLeastAsWellAsTheAnalyticOne() throws Exception {
    assertTrue(Files.isRegularFile(MODEL), "bundled model " + MODEL.toAbsolutePath());
    Suite.contactModel = MODEL;
    Path dir = SuiteCommand.findTasks();
    for (String file : List.of("push.yaml", "push-slide.yaml", "push-pair.yaml")) {
      LaunchSpec task = LaunchFile.load(dir.resolve(file));
      Suite.Row analytic = Suite.runRow(file, "mppi", task, 1, 3, System.err::println);
      Suite.Row learned = Suite.runRow(file, "mppi-contact", task, 1, 3, System.err::println);
      assertEquals(3, learned.goals(), learned.toString());
      assertTrue(learned.reached() >= analytic.reached(), "learned " + learned + " vs analytic " + analytic);
      assertEquals(0, learned.guardrailViolations(), learned.toString());
      assertEquals(0, learned.unfinished(), learned.toString());
      assertTrue(learned.neighbourMovedM() <= analytic.neighbourMovedM() + 0.005, learned + " vs " + analytic);
    }
  }
}
