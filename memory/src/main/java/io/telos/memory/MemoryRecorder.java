package io.telos.memory;

import io.telos.api.ActionChunk;
import io.telos.api.Addresses;
import io.telos.api.Clock;
import io.telos.api.Fault;
import io.telos.api.GoalOutcome;
import io.telos.api.HandoverRequest;
import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.LeaseChange;
import io.telos.api.Mode;
import io.telos.api.ModeChange;
import io.telos.api.Observation;
import io.telos.api.OperatorAction;
import io.telos.api.Pose;
import io.telos.api.ResponseReport;
import io.telos.api.Vec;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one robot's life into an {@link EpisodeStore}, from the event bus.
 *
 * <p>One episode per goal: it begins when a plan ({@link ActionChunk}) names a goal that has no
 * episode yet, or at the goal's {@link GoalOutcome} if no plan named it; it ends with the
 * outcome (reached or failed). A plan for another goal ends the current episode as
 * {@link Outcome#INCOMPLETE}; late plans for a goal that has ended are ignored. Every
 * {@link Observation} during an episode becomes a {@link StepRecord} (with the observation's
 * tracked object poses) joined with the latest {@link JointCommand}, mode (from
 * {@link ModeChange} or the command, whichever came last), plan energy and the first
 * {@link Fault} code since the previous step. Observations between episodes are not recorded.
 *
 * <p><b>Events.</b> Every {@link ModeChange}, {@link HandoverRequest}, {@link LeaseChange} and
 * {@link OperatorAction} (the operators' audit trail) is recorded durably as an {@link EventRecord}
 * of the episode being recorded when it arrived (0 when none).
 *
 * <p><b>Operator segments.</b> When the mode becomes {@link Mode#TELEOP}, the autonomous episode
 * being recorded ends as {@link Outcome#INCOMPLETE} (the handover is in its events) and its goal
 * counts as ended, and a <em>demonstration</em> begins: an episode with
 * {@link EpisodeMeta#operator()} true, for the same goal (empty when there was none), that records
 * every observation until the mode leaves TELEOP. It then ends as {@code REACHED} or
 * {@code FAILED} if a {@link GoalOutcome} for its goal arrived meanwhile, else as
 * {@code INCOMPLETE}. Plans and outcomes do not begin or end episodes during the segment;
 * autonomous recording resumes with the next goal.
 *
 * <p>Runs on the event loop and never blocks it: the store's recording calls only queue work for
 * its writer thread; the store is opened (if it is not yet) on a worker thread at start. Storage
 * failures are published as {@link Fault} records ({@code MEMORY_OPEN_FAILED},
 * {@code MEMORY_WRITE_FAILED}, severity WARNING: the arm is not stopped for want of memory). On
 * stop the open episode ends as incomplete and the store is flushed; the store itself is left open
 * for its owner to close.
 */
public final class MemoryRecorder extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MemoryRecorder.class);
  private static final int ENDED_GOALS_KEPT = 64;
  private static final long FLUSH_TIMEOUT_MS = 10_000;

  /**
   * What the recorder stamps on every episode besides the goal.
   *
   * @param launchSource the launch file the run came from, or empty
   * @param policy the planner or model name, or empty
   * @param operator true when an operator drives the arm
   * @param sceneJson the run's scene ({@code io.telos.api.scene.Scene#asMap()} as JSON), kept with
   *     every episode as a {@link EventRecord.Kind#SCENE} event so that the recorded object poses
   *     can be learned from; empty for a run without objects
   */
  public record Info(String launchSource, String policy, boolean operator, String sceneJson) {
    public Info {
      Objects.requireNonNull(launchSource, "launchSource");
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(sceneJson, "sceneJson");
    }

    /** A run without scene objects. */
    public Info(String launchSource, String policy, boolean operator) {
      this(launchSource, policy, operator, "");
    }
  }

  private final String robotId;
  private final EpisodeStore store;
  private final Info info;
  private final Clock clock;
  private final String component;
  private final AtomicLong faultSeq = new AtomicLong();
  private final FrameArchive frames;
  private final StoreListener listener = new StoreListener() {
    @Override
    public void onError(StoreError error) {
      publishFault(error);
    }

    @Override
    public void onRecovered(long lostSteps) {
      LOG.warn("component={} event=memory_recovered steps_lost={}", component, lostSteps);
    }
  };

  // event-loop state
  private final LinkedHashSet<String> endedGoals = new LinkedHashSet<>();
  private long episodeId = -1;
  private String episodeGoal;
  /** An operator segment (mode TELEOP) is being recorded as a demonstration. */
  private boolean demonstrating;
  /** The outcome reported for the demonstration's goal while it was being recorded, or null. */
  private Outcome demoOutcome;
  private long stepIndex;
  private long lastStampNs;
  private JointCommand lastCommand;
  private Mode mode;
  private double energy = Double.NaN;
  private String pendingFault;
  /** The latest online estimate of the arm's response, and the stamp of the last one recorded. */
  private ResponseReport response;
  private long responseRecordedNs = Long.MIN_VALUE;
  private boolean stopping;
  private boolean refusedWarned;
  private volatile long episodes;
  private volatile long steps;
  private volatile long gaps;

  public MemoryRecorder(String robotId, EpisodeStore store, Info info, Clock clock) {
    this(robotId, store, info, clock, null);
  }

  /**
   * @param frames camera pictures to keep with the episodes ({@code memory.frames}), or null; the
   *     caller hands the bridge's pictures to {@link #frameArchive()}
   */
  public MemoryRecorder(String robotId, EpisodeStore store, Info info, Clock clock, MemoryConfig.Frames frames) {
    this.robotId = Objects.requireNonNull(robotId, "robotId");
    this.store = Objects.requireNonNull(store, "store");
    this.info = Objects.requireNonNull(info, "info");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.component = "memory/" + robotId;
    this.frames = frames == null ? null : new FrameArchive(robotId, frames,
        (episode, stamp, path) -> store.recordEvent(EventRecord.frame(episode, robotId, stamp, path)));
  }

  /** The archive the bridge's pictures go to, or null without {@code memory.frames}. */
  public FrameArchive frameArchive() {
    return frames;
  }

  @Override
  public Future<?> start() {
    store.addListener(listener);
    return vertx.executeBlocking(() -> {
      store.open();
      return null;
    }).compose(v -> {
      var bus = vertx.eventBus();
      // wait until every consumer is registered, so nothing published after deployment is missed
      List<MessageConsumer<?>> consumers = List.of(
          bus.<ActionChunk>localConsumer(Addresses.plan(robotId), m -> onPlan(m.body())),
          bus.<GoalOutcome>localConsumer(Addresses.goalOutcome(robotId), m -> onOutcome(m.body())),
          bus.<Observation>localConsumer(Addresses.observation(robotId), m -> onObservation(m.body())),
          bus.<JointCommand>localConsumer(Addresses.robotCommand(robotId), m -> onCommand(m.body())),
          bus.<ModeChange>localConsumer(Addresses.mode(robotId), m -> onMode(m.body())),
          bus.<Fault>localConsumer(Addresses.fault(robotId), m -> onFault(m.body())),
          bus.<HandoverRequest>localConsumer(Addresses.handover(robotId), m -> onHandover(m.body())),
          bus.<LeaseChange>localConsumer(Addresses.lease(robotId), m -> onLease(m.body())),
          bus.<OperatorAction>localConsumer(Addresses.operatorAction(robotId), m -> onOperatorAction(m.body())),
          bus.<ResponseReport>localConsumer(Addresses.response(robotId), m -> response = m.body()));
      LOG.info("component={} event=started policy={} launch=\"{}\"", component, info.policy(), info.launchSource());
      return Future.all(consumers.stream().map(c -> c.completion()).toList());
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (episodeId >= 0) {
      end(Outcome.INCOMPLETE, lastStampNs);
    }
    Future<Void> framesWritten = frames == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      frames.close(); // the queued pictures are written and referenced before the store is flushed
      return null;
    });
    return framesWritten.compose(v -> {
      store.removeListener(listener);
      return Future.fromCompletionStage(store.flush().orTimeout(FLUSH_TIMEOUT_MS, TimeUnit.MILLISECONDS), context);
    }).transform(ar -> {
      if (ar.failed()) {
        LOG.warn("component={} event=flush_failed reason=\"{}\"", component, ar.cause().getMessage());
      }
      LOG.info("component={} event=stopped episodes={} steps={} gaps={}", component, episodes, steps, gaps);
      return Future.succeededFuture();
    });
  }

  /** Episodes begun by this recorder. */
  public long episodes() {
    return episodes;
  }

  /** Steps handed to the store (accepted or counted as gaps). */
  public long steps() {
    return steps;
  }

  /** Steps the store could not take (counted as gaps there). */
  public long gaps() {
    return gaps;
  }

  private void onPlan(ActionChunk plan) {
    if (stopping || demonstrating) {
      return;
    }
    String goal = plan.goalId();
    if (goal.isEmpty() || endedGoals.contains(goal)) {
      return; // a hold plan while idle belongs to no goal: no episode
    }
    if (!goal.equals(episodeGoal)) {
      if (episodeId >= 0) {
        end(Outcome.INCOMPLETE, plan.header().stampNs());
      }
      begin(goal, plan.header().stampNs(), info.operator());
    }
    energy = plan.energy();
  }

  private void onOutcome(GoalOutcome outcome) {
    if (demonstrating) {
      if (outcome.goalId().equals(episodeGoal) && demoOutcome == null) {
        demoOutcome = outcome.reached() ? Outcome.REACHED : Outcome.FAILED;
      }
      return;
    }
    if (stopping || endedGoals.contains(outcome.goalId())) {
      return;
    }
    long stamp = outcome.header().stampNs();
    if (!outcome.goalId().equals(episodeGoal)) {
      if (episodeId >= 0) {
        end(Outcome.INCOMPLETE, stamp);
      }
      begin(outcome.goalId(), stamp - Math.max(0, outcome.elapsedNs()), info.operator());
    }
    if (episodeId >= 0) {
      end(outcome.reached() ? Outcome.REACHED : Outcome.FAILED, stamp);
    }
  }

  private void onObservation(Observation obs) {
    lastStampNs = obs.header().stampNs();
    if (stopping || episodeId < 0) {
      return;
    }
    StepRecord step = new StepRecord(episodeId, stepIndex++, obs.header().stampNs(),
        concat(obs.position(), obs.velocity()), position(obs.endEffector()), obs.latent(),
        lastCommand == null ? Vec.empty() : lastCommand.position(),
        lastCommand == null ? Vec.empty() : lastCommand.velocity(), mode, energy, episodeGoal, pendingFault,
        obs.objects());
    pendingFault = null;
    steps++;
    if (!store.append(step)) {
      if (gaps++ % 1000 == 0) {
        LOG.warn("component={} event=steps_lost gaps={} reason=\"store queue full or store failing\"", component,
            gaps);
      }
    }
  }

  private void onCommand(JointCommand command) {
    lastCommand = command;
    mode = command.mode();
  }

  private void onMode(ModeChange change) {
    mode = change.to();
    if (stopping) {
      return;
    }
    long stamp = change.header().stampNs();
    store.recordEvent(EventRecord.modeChange(Math.max(episodeId, 0), robotId, stamp, change.from(), change.to(),
        change.reason()));
    if (change.to() == Mode.TELEOP && !demonstrating) {
      String goal = episodeGoal == null ? "" : episodeGoal;
      if (episodeId >= 0) {
        end(Outcome.INCOMPLETE, stamp);
      }
      begin(goal, stamp, true);
      if (episodeId >= 0) {
        demonstrating = true;
        demoOutcome = null;
      }
    } else if (change.to() != Mode.TELEOP && demonstrating) {
      demonstrating = false;
      end(demoOutcome == null ? Outcome.INCOMPLETE : demoOutcome, stamp);
    }
  }

  private void onHandover(HandoverRequest request) {
    if (stopping) {
      return;
    }
    store.recordEvent(EventRecord.handover(Math.max(episodeId, 0), robotId, request.header().stampNs(),
        request.trigger(), request.detail(), request.open()));
  }

  private void onLease(LeaseChange change) {
    if (stopping) {
      return;
    }
    store.recordEvent(EventRecord.lease(Math.max(episodeId, 0), robotId, change.header().stampNs(), change.holder(),
        change.previous(), change.reason()));
  }

  private void onOperatorAction(OperatorAction action) {
    if (stopping) {
      return;
    }
    store.recordEvent(EventRecord.operatorAction(Math.max(episodeId, 0), robotId, action.header().stampNs(),
        action.describe()));
  }

  private void onFault(Fault fault) {
    if (pendingFault == null) {
      pendingFault = fault.code();
    }
  }

  private void begin(String goal, long startNs, boolean operator) {
    try {
      episodeId = store.beginEpisode(
          new EpisodeMeta(robotId, info.launchSource(), info.policy(), goal, operator, startNs));
    } catch (IllegalStateException e) { // the store was closed under us: record nothing, say so once
      if (!refusedWarned) {
        refusedWarned = true;
        LOG.warn("component={} event=episode_refused goal={} reason=\"{}\"", component, goal, e.getMessage());
      }
      return;
    }
    episodeGoal = goal;
    if (!info.sceneJson().isEmpty()) {
      store.recordEvent(EventRecord.scene(episodeId, robotId, startNs, info.sceneJson()));
    }
    if (frames != null) {
      frames.episode(episodeId);
    }
    stepIndex = 0;
    pendingFault = null;
    episodes++;
    LOG.info("component={} event=episode_begin episode={} goal={} operator={}", component, episodeId, goal, operator);
  }

  private void end(Outcome outcome, long endNs) {
    ResponseReport r = response;
    if (r != null && r.header().stampNs() > responseRecordedNs) { // the newest estimate, once, with this episode
      responseRecordedNs = r.header().stampNs();
      store.recordEvent(EventRecord.responseEstimate(episodeId, robotId, r.header().stampNs(), r.summary()));
    }
    if (frames != null) {
      frames.episode(-1);
    }
    store.endEpisode(episodeId, outcome, endNs);
    LOG.info("component={} event=episode_end episode={} goal={} outcome={} steps={}", component, episodeId,
        episodeGoal, outcome.label(), stepIndex);
    if (!episodeGoal.isEmpty()) {
      endedGoals.add(episodeGoal);
    }
    if (endedGoals.size() > ENDED_GOALS_KEPT) {
      Iterator<String> it = endedGoals.iterator();
      it.next();
      it.remove();
    }
    episodeId = -1;
    episodeGoal = null;
    demonstrating = false;
  }

  private void publishFault(StoreError error) {
    LOG.warn("component={} event=memory_fault code={} message=\"{}\"", component, error.code(), error.message());
    vertx.eventBus().publish(Addresses.fault(robotId), new Fault(
        new Header(faultSeq.getAndIncrement(), clock.nanos(), component, ""), Fault.Severity.WARNING, error.code(),
        error.message()));
  }

  private static Vec concat(Vec a, Vec b) {
    if (b.isEmpty()) {
      return a;
    }
    double[] out = new double[a.size() + b.size()];
    a.copyTo(out);
    for (int i = 0; i < b.size(); i++) {
      out[a.size() + i] = b.get(i);
    }
    return Vec.of(out);
  }

  private static Vec position(Pose p) {
    return Vec.of(p.xM(), p.yM(), p.zM());
  }
}
