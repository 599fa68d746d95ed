package io.telos.launch.learn;

import io.telos.model.RobotModel;
import io.telos.planner.djl.Trainer;
import io.telos.runtime.config.LaunchException;
import picocli.CommandLine.Option;

/**
 * The options that say what world model to train and how hard, shared by {@code telos train} and
 * {@code telos fleet trainer} (a picocli mixin): the robot, the model step, the network's width and
 * the training steps and batch. {@link #check()} refuses values out of range with the option named.
 */
public final class TrainingOptions {
  @Option(names = "--robot", description = "Robot model (default ${DEFAULT-VALUE}).")
  String robot = "builtin:telos6";

  @Option(names = "--dt", description = "Model step in seconds; must match the agents' planner dt_s (default "
      + "${DEFAULT-VALUE}).")
  double dt = 0.05;

  @Option(names = "--steps", description = "Training steps per version (default ${DEFAULT-VALUE}).")
  int steps = Trainer.Config.defaults().steps();

  @Option(names = "--hidden", description = "Hidden width of encoder and predictor (default ${DEFAULT-VALUE}).")
  int hidden = Trainer.Config.defaults().hidden();

  @Option(names = "--batch", description = "Windows per training step (default ${DEFAULT-VALUE}).")
  int batch = Trainer.Config.defaults().batch();

  /** The model step, s. */
  public double dt() {
    return dt;
  }

  /** Refuses out-of-range values, naming the option. */
  public void check() {
    if (steps < 1 || batch < 1) {
      throw new LaunchException("--steps and --batch: must be ≥ 1, were " + steps + " and " + batch);
    }
    if (hidden < 4) {
      throw new LaunchException("--hidden: must be ≥ 4, was " + hidden);
    }
    if (!(dt > 0 && dt <= 1)) {
      throw new LaunchException("--dt: must be in (0, 1] s, was " + dt);
    }
  }

  /** The robot model named by {@code --robot}. */
  public RobotModel arm() {
    try {
      return RobotModel.load(robot);
    } catch (RuntimeException e) {
      throw new LaunchException("--robot: " + e.getMessage(), e);
    }
  }

  /** The trainer's configuration: these sizes, the rest {@link Trainer.Config#defaults()}, with {@code seed}. */
  public Trainer.Config config(long seed) {
    Trainer.Config d = Trainer.Config.defaults();
    return new Trainer.Config(d.latent(), hidden, d.members(), d.window(), batch, steps, d.learningRate(), seed,
        d.ema());
  }
}
