package io.telos.launch.learn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telos.api.ObjectPose;
import io.telos.api.config.Settings;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.memory.EpisodeStore;
import io.telos.memory.EpisodeSummary;
import io.telos.memory.EventRecord;
import io.telos.memory.StepCursor;
import io.telos.memory.StepRecord;
import io.telos.planner.djl.PushTrajectory;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Episodic memory as experience of objects under contact: every closed episode that recorded its
 * scene ({@link EventRecord.Kind#SCENE}) and the poses of that scene's objects with its steps,
 * resampled to the model step — the tool (the recorded end-effector) and each object's planar
 * pose at {@code t_0 + k dt}, interpolated linearly between the recorded steps around it (yaw
 * unwrapped first). Episodes without a scene, with a step that lacks an object or carries a
 * non-finite value, or shorter than two model steps are skipped and counted; an episode in which
 * an object topples is used up to that moment.
 */
public final class SceneExperience {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final EpisodeStore store;
  private final int limit;
  private int skipped;

  /** @param store an open store; @param limit most recent episodes to read */
  public SceneExperience(EpisodeStore store, int limit) {
    this.store = store;
    this.limit = limit;
  }

  /** Episodes passed over by the last {@link #trajectories} call. */
  public int skipped() {
    return skipped;
  }

  public List<PushTrajectory> trajectories(double dtS) {
    List<PushTrajectory> out = new ArrayList<>();
    skipped = 0;
    List<EpisodeSummary> eps = new ArrayList<>(store.listEpisodes(limit));
    eps.sort((a, b) -> Long.compare(a.id(), b.id()));
    for (EpisodeSummary e : eps) {
      if (e.isOpen()) {
        continue;
      }
      Optional<Scene> scene = scene(store.events(e.id()));
      if (scene.isEmpty() || scene.get().isEmpty()) {
        continue;
      }
      List<StepRecord> steps = new ArrayList<>();
      try (StepCursor c = store.readSteps(e.id())) {
        c.forEachRemaining(steps::add);
      }
      PushTrajectory t = resample(String.valueOf(e.id()), scene.get(), steps, dtS);
      if (t == null) {
        skipped++;
      } else {
        out.add(t);
      }
    }
    return out;
  }

  /** {@code scene} as episodic memory keeps it ({@link Scene#asMap()} as JSON); empty for no objects. */
  public static String json(Scene scene) {
    if (scene.isEmpty()) {
      return "";
    }
    try {
      return JSON.writeValueAsString(scene.asMap());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The scene an episode's events record, if any (the first). */
  static Optional<Scene> scene(List<EventRecord> events) {
    for (EventRecord ev : events) {
      if (ev.kind() == EventRecord.Kind.SCENE) {
        try {
          @SuppressWarnings("unchecked")
          Map<String, Object> m = JSON.readValue(ev.detail(), Map.class);
          return Optional.of(Scene.from(new Settings(Scene.SECTION, m)));
        } catch (Exception ex) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * True when {@code pose} shows object {@code o} toppled or lifted: its centre more than
   * {@value #TIPPED_M} m from half its height. Such a pose is no longer that of an upright cylinder
   * on the table, which is what the contact model describes; a trajectory ends before it.
   */
  public static boolean tipped(SceneObject o, ObjectPose pose) {
    return Math.abs(pose.zM() - o.heightM() / 2) > TIPPED_M;
  }

  /** See {@link #tipped}. */
  static final double TIPPED_M = 0.003;

  /** Resamples one episode up to the first toppled object; null when it cannot be used. */
  static PushTrajectory resample(String id, Scene scene, List<StepRecord> steps, double dtS) {
    int m = scene.objects().size();
    if (steps.size() < 2) {
      return null;
    }
    int usable = steps.size();
    for (int i = 0; i < steps.size() && usable == steps.size(); i++) {
      for (ObjectPose p : steps.get(i).objects()) {
        Optional<SceneObject> o = scene.object(p.name());
        if (o.isPresent() && p.isFinite() && tipped(o.get(), p)) {
          usable = i;
        }
      }
    }
    steps = steps.subList(0, usable);
    if (steps.size() < 2) {
      return null;
    }
    double[][][] raw = new double[steps.size()][m][];
    for (int i = 0; i < steps.size(); i++) {
      StepRecord s = steps.get(i);
      if (s.eePosition().size() != 3 || !s.eePosition().isFinite()) {
        return null;
      }
      for (int j = 0; j < m; j++) {
        String name = scene.objects().get(j).name();
        ObjectPose p = s.objects().stream().filter(o -> o.name().equals(name)).findFirst().orElse(null);
        if (p == null || !p.isFinite()) {
          return null;
        }
        double yaw = p.yawRad();
        if (i > 0) {
          double prev = raw[i - 1][j][2];
          yaw = prev + Math.IEEEremainder(yaw - prev, 2 * Math.PI);
        }
        raw[i][j] = new double[] {p.xM(), p.yM(), yaw};
      }
    }
    long dtNs = Math.round(dtS * 1e9);
    long t0 = steps.get(0).stampNs();
    int k = (int) ((steps.get(steps.size() - 1).stampNs() - t0) / dtNs);
    if (k < 2) {
      return null;
    }
    double[][] tool = new double[k + 1][3];
    double[][][] poses = new double[k + 1][m][3];
    int j = 0;
    for (int i = 0; i <= k; i++) {
      long t = t0 + i * dtNs;
      while (j + 1 < steps.size() && steps.get(j + 1).stampNs() <= t) {
        j++;
      }
      int j1 = Math.min(j + 1, steps.size() - 1);
      long span = steps.get(j1).stampNs() - steps.get(j).stampNs();
      double w = span > 0 ? Math.min(1.0, Math.max(0.0, (double) (t - steps.get(j).stampNs()) / span)) : 0.0;
      for (int d = 0; d < 3; d++) {
        tool[i][d] = (1 - w) * steps.get(j).eePosition().get(d) + w * steps.get(j1).eePosition().get(d);
        for (int o = 0; o < m; o++) {
          poses[i][o][d] = (1 - w) * raw[j][o][d] + w * raw[j1][o][d];
        }
      }
    }
    try {
      return new PushTrajectory(id, scene, dtS, tool, poses);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
