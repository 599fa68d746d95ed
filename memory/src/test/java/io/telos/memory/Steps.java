package io.telos.memory;

import io.telos.api.Mode;
import io.telos.api.Vec;
import java.util.ArrayList;
import java.util.List;

/** Test data: steps shaped like a 6-joint arm's (12 state values, 3 end-effector, 6 + 6 command). */
public final class Steps {
  private Steps() {}

  public static EpisodeMeta meta(String goal, long startNs) {
    return new EpisodeMeta("arm1", "examples/reach.yaml", "mppi", goal, false, startNs);
  }

  public static StepRecord step(long episodeId, long index) {
    double t = index * 1e-3;
    double[] state = new double[12];
    double[] cmdPos = new double[6];
    double[] cmdVel = new double[6];
    for (int j = 0; j < 6; j++) {
      state[j] = Math.sin(t + j);
      state[6 + j] = Math.cos(t + j);
      cmdPos[j] = state[j] + 1e-3;
      cmdVel[j] = -0.5 * j;
    }
    return new StepRecord(episodeId, index, 1_000_000L * index, Vec.of(state), Vec.of(0.4, -0.1 * t, 0.3),
        Vec.empty(), Vec.of(cmdPos), Vec.of(cmdVel), index % 2 == 0 ? Mode.AUTONOMOUS : Mode.HOLD, 1.5 + t,
        "g" + episodeId, index % 10 == 3 ? "STATE_STALE" : null);
  }

  public static List<StepRecord> read(EpisodeStore store, long episodeId) {
    List<StepRecord> out = new ArrayList<>();
    try (StepCursor c = store.readSteps(episodeId)) {
      c.forEachRemaining(out::add);
    }
    return out;
  }
}
