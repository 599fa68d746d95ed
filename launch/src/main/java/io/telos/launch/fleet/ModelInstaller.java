package io.telos.launch.fleet;

import io.telos.planner.djl.ModelVersions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's side of model distribution: installs the fleet trainer's releases into the folder its
 * learned world model watches, so the planner adopts each at its next plan, and judges every
 * version it adopts by a canary — the success rate of the robot's next {@code canaryGoals} goals
 * against the same number before it. A version whose rate drops by more than {@code maxDrop} is
 * withdrawn from the folder (the planner goes back to the previous version, or to the analytic
 * model when there is none) and never installed again here. Releases are checked first: digest,
 * version order, the pin.
 *
 * <p>Not thread-safe: one thread (the fleet member's event loop) calls it.
 *
 * @see io.telos.planner.djl.LearnedWorldModelProvider the watcher that follows the folder both ways
 */
public final class ModelInstaller {
  private static final Logger LOG = LoggerFactory.getLogger(ModelInstaller.class);

  /** What an offer came to. */
  public enum Decision { INSTALLED, REFUSED, IGNORED }

  /**
   * @param dir the folder the planner's learned world model watches ({@code planner.world_model.path})
   * @param pin the only version to install, or 0 to follow the newest
   * @param canaryGoals goals that judge a new version (0: no canary)
   * @param maxDrop largest drop of the success rate over those goals that keeps it
   */
  public record Settings(Path dir, int pin, int canaryGoals, double maxDrop) {}

  private final String robotId;
  private final Settings settings;
  private final Deque<Boolean> recent = new ArrayDeque<>();
  private final Set<Integer> withdrawn = new TreeSet<>();
  private int version;
  private double baseline = Double.NaN;
  private int trialGoals = -1;
  private int trialReached;

  public ModelInstaller(String robotId, Settings settings) {
    this.robotId = robotId;
    this.settings = settings;
    this.version = ModelVersions.latest(settings.dir());
  }

  /**
   * The version to fetch when the fleet's newest is {@code latest}, or 0 for none: the pinned
   * version until it runs, else {@code latest} when it is newer than what runs, was not withdrawn
   * here and no canary is running.
   */
  public int wanted(int latest) {
    if (settings.pin() > 0) {
      return version == settings.pin() || latest < settings.pin() ? 0 : settings.pin();
    }
    return latest > version && !withdrawn.contains(latest) && trialGoals < 0 ? latest : 0;
  }

  /** Checks a release and, if it is the next one to run here, writes it where the planner will find it. */
  public Decision offer(ModelRelease r) {
    if (!r.intact()) {
      LOG.error("component=fleet/{} event=model_refused version={} reason=\"SHA-256 mismatch\"", robotId, r.version());
      return Decision.REFUSED;
    }
    boolean pinned = settings.pin() > 0;
    if (pinned ? r.version() != settings.pin() || version == settings.pin()
        : r.version() <= version || withdrawn.contains(r.version()) || trialGoals >= 0) {
      return Decision.IGNORED; // pinned elsewhere, not newer, rolled back here, or a canary still running
    }
    install(r);
    if (pinned) {
      withdrawNewerThan(r.version()); // the planner runs the newest version in the folder: the pinned one
    }
    int previous = version;
    version = r.version();
    if (settings.canaryGoals() > 0) {
      baseline = recent.isEmpty() ? 1.0 : recent.stream().filter(b -> b).count() / (double) recent.size();
      trialGoals = 0;
      trialReached = 0;
    }
    LOG.info("component=fleet/{} event=model_installed version={} previous={} sha256={} episodes={} robots={}",
        robotId, r.version(), previous, r.sha256().substring(0, 12), r.episodes(), r.robots());
    return Decision.INSTALLED;
  }

  /** One goal ended: feeds the running canary and the history the next canary compares with. */
  public void outcome(boolean reached) {
    if (trialGoals >= 0) {
      trialGoals++;
      trialReached += reached ? 1 : 0;
      if (trialGoals >= settings.canaryGoals()) {
        judge();
      }
    }
    recent.addLast(reached);
    while (recent.size() > Math.max(1, settings.canaryGoals())) {
      recent.removeFirst();
    }
  }

  private void judge() {
    double rate = trialReached / (double) trialGoals;
    trialGoals = -1;
    if (rate >= baseline - settings.maxDrop() - 1e-9) { // a drop of exactly maxDrop keeps it
      LOG.info("component=fleet/{} event=model_canary_passed version={} success={} before={}", robotId, version,
          rate, baseline);
      return;
    }
    int failed = version;
    withdrawn.add(failed);
    remove(failed);
    version = ModelVersions.latest(settings.dir());
    LOG.warn("component=fleet/{} event=model_rolled_back version={} success={} before={} now={}", robotId, failed,
        rate, baseline, version == 0 ? "analytic" : "v" + version);
  }

  private void withdrawNewerThan(int v) {
    for (int newer = ModelVersions.latest(settings.dir()); newer > v; newer = ModelVersions.latest(settings.dir())) {
      remove(newer);
    }
  }

  private void remove(int v) {
    try {
      Files.deleteIfExists(ModelVersions.file(settings.dir(), v));
      Files.deleteIfExists(ModelVersions.metrics(settings.dir(), v));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot withdraw model version " + v + " from " + settings.dir(), e);
    }
  }

  private void install(ModelRelease r) {
    Path dir = settings.dir();
    Path target = ModelVersions.file(dir, r.version());
    try {
      Files.createDirectories(dir);
      Path part = dir.resolve("." + target.getFileName() + ".part"); // not a version until it is whole
      Files.write(part, r.bytes());
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install model version " + r.version() + " into " + dir, e);
    }
  }

  /** The fleet version the planner runs now (0: none, the analytic model). */
  public int version() {
    return version;
  }

  /** Versions rolled back here by a failed canary. */
  public Set<Integer> withdrawn() {
    return Set.copyOf(withdrawn);
  }

  /** Whether a canary is judging the version installed last. */
  public boolean onTrial() {
    return trialGoals >= 0;
  }
}
