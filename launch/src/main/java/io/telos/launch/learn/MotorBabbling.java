package io.telos.launch.learn;

import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.SimulatedClock;
import io.telos.api.Vec;
import io.telos.bridge.sim.SimConfig;
import io.telos.bridge.sim.SimulatedArm;
import io.telos.memory.EpisodeMeta;
import io.telos.memory.EpisodeStore;
import io.telos.memory.Outcome;
import io.telos.memory.StepRecord;
import io.telos.model.JointLimits;
import io.telos.model.KinematicChain;
import io.telos.model.RobotModel;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Exploration from nothing: the simulated arm is driven in lock-step (simulated time, faster than
 * real time) by smooth random joint velocity commands, held for random stretches, that stay
 * inside a margin of the joint limits, and every observation is recorded to episodic memory like
 * a demo step ({@code state = [q, qd]}, measured end-effector position by forward kinematics,
 * commanded position and velocity). A new agent learns its first world model from this.
 */
public final class MotorBabbling {
  private static final long TICK_NS = 4_000_000L; // observations at 250 Hz, as the demo records

  /** Exploration settings. */
  public record Config(double minutes, double episodeS, double speed, long seed) {}

  private MotorBabbling() {}

  /**
   * Runs {@code config.minutes()} of simulated experience into {@code store}.
   *
   * @param tick receives the number of whole simulated seconds done (progress)
   * @return the number of episodes recorded
   */
  public static int run(RobotModel robot, EpisodeStore store, Config config, IntConsumer tick) {
    int n = robot.dof();
    JointLimits lim = robot.limits();
    double[] lo = lim.lower();
    double[] hi = lim.upper();
    double[] vmax = lim.velocity();
    KinematicChain chain = robot.chain();
    KinematicChain.Scratch scratch = chain.newScratch();
    SplittableRandom rnd = new SplittableRandom(config.seed());
    long totalTicks = Math.round(config.minutes() * 60e9 / TICK_NS);
    long perEpisode = Math.max(2, Math.round(config.episodeS() * 1e9 / TICK_NS));
    int episodes = 0;
    long done = 0;
    while (done < totalTicks) {
      SimulatedClock clock = new SimulatedClock();
      double[] q0 = SimulatedArm.defaultInitialPosition(robot);
      for (int i = 0; i < n; i++) {
        double span = hi[i] - lo[i];
        double c = Math.max(lo[i] + 0.15 * span, Math.min(hi[i] - 0.15 * span, q0[i]));
        q0[i] = Math.max(lo[i] + 0.1 * span, Math.min(hi[i] - 0.1 * span, c + (rnd.nextDouble() - 0.5) * 0.8));
      }
      SimConfig sc = SimConfig.defaults().withInitialPosition(q0);
      try (SimulatedArm arm = new SimulatedArm("babble", robot, sc, clock, config.seed() + episodes, true)) {
        arm.start();
        long id = store.beginEpisode(new EpisodeMeta(robot.name(), "explore", "motor-babbling", "babble-" + episodes,
            false, clock.nanos()));
        double[] cmdQ = q0.clone();
        double[] u = new double[n];
        double[] target = new double[n];
        long holdUntil = 0;
        double[] ee = new double[3];
        long ticks = Math.min(perEpisode, totalTicks - done);
        for (long k = 0; k < ticks; k++) {
          if (k >= holdUntil) {
            for (int i = 0; i < n; i++) {
              target[i] = (rnd.nextDouble() * 2 - 1) * config.speed() * vmax[i];
            }
            holdUntil = k + 25 + rnd.nextInt(100); // 0.1 .. 0.5 s
          }
          for (int i = 0; i < n; i++) {
            u[i] += 0.2 * (target[i] - u[i]);
            double span = hi[i] - lo[i];
            if ((cmdQ[i] > hi[i] - 0.1 * span && u[i] > 0) || (cmdQ[i] < lo[i] + 0.1 * span && u[i] < 0)) {
              u[i] = -u[i];
              target[i] = -target[i];
            }
            cmdQ[i] += u[i] * TICK_NS / 1e9;
          }
          JointState s = arm.read();
          double[] q = s.position().toArray();
          double[] qd = s.velocity().size() == n ? s.velocity().toArray() : new double[n];
          chain.forwardPosition(q, ee, scratch);
          double[] state = new double[2 * n];
          System.arraycopy(q, 0, state, 0, n);
          System.arraycopy(qd, 0, state, n, n);
          store.append(new StepRecord(id, k, clock.nanos(), Vec.of(state), Vec.of(ee.clone()), null,
              Vec.of(cmdQ.clone()), Vec.of(u.clone()), Mode.AUTONOMOUS, 0.0, "babble-" + episodes, null));
          arm.write(new JointCommand(Header.of(k, clock.nanos(), "explore"), arm.jointNames(), Vec.of(cmdQ.clone()),
              Vec.of(u.clone()), Mode.AUTONOMOUS));
          arm.step(TICK_NS);
          clock.advance(TICK_NS);
          done++;
          if (done % 250 == 0 && tick != null) {
            tick.accept((int) (done / 250));
          }
        }
        store.endEpisode(id, Outcome.INCOMPLETE, clock.nanos());
      }
      episodes++;
    }
    store.flush().join();
    return episodes;
  }
}
