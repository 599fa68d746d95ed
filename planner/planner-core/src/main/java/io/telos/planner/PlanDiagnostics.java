package io.telos.planner;

/**
 * What one planning call did, for monitoring and for the stuck/uncertain signals of the layers
 * above ({@code stuck}, {@code infeasible}, {@code uncertainty}, {@code hold}). Only {@code stepNs} depends on the wall clock; it never feeds back into planning.
 *
 * @param planner planner name ({@code mppi}, {@code cem}, {@code dls})
 * @param goalId goal planned for
 * @param stampNs stamp of the observation planned from
 * @param energy predicted energy of the plan sent out
 * @param bestSampleEnergy lowest energy among the sampled sequences (equal to {@code energy} for
 *     planners that do not sample)
 * @param taskError distance to the target at the observation (m, or rad for joint targets)
 * @param predictedError distance to the target at the end of the plan
 * @param noiseScale noise actually used, as a fraction of the configured noise (1 for non-sampling planners)
 * @param samples sequences evaluated per iteration (1 for non-sampling planners)
 * @param iterations sampling iterations run
 * @param uncertainty the world model's mean uncertainty along the plan (0 for exact models)
 * @param fallback true when the averaged plan broke a hard guardrail and the best sample was sent instead
 * @param clippedValues setpoint values moved back inside position or velocity limits
 * @param stepNs wall time the call took
 * @param hold true when neither the averaged plan nor the best sample stayed out of every keep-out
 *     volume, so a stop was sent instead: the command rolled out with zero velocity if that stays
 *     clear, else every setpoint at the observed position with zero velocity
 * @param infeasible true when every sampled sequence (every iteration, the mean included) broke a
 *     hard guardrail (a keep-out volume, a joint or velocity limit, the workspace box): the planner
 *     sees no safe way to move toward the goal from here. Always false for non-sampling planners
 *     unless their plan had to be replaced by a hold
 * @param stuck true when the task error has not dropped by more than {@code stuck_progress} for
 *     {@code stuck_window_s} of observation time while the arm is outside the goal's tolerance (an
 *     energy plateau: blocked by a keep-out volume, a limit, or an unreachable target); resets on a
 *     new goal id
 */
public record PlanDiagnostics(
    String planner,
    String goalId,
    long stampNs,
    double energy,
    double bestSampleEnergy,
    double taskError,
    double predictedError,
    double noiseScale,
    int samples,
    int iterations,
    double uncertainty,
    boolean fallback,
    int clippedValues,
    long stepNs,
    boolean hold,
    boolean infeasible,
    boolean stuck) {}
