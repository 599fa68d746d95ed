package io.telos.api;

/**
 * How a goal ended.
 *
 * @param reached whether the target was reached within tolerance
 * @param elapsedNs time from the goal being issued to its end
 * @param finalError remaining error (metres or radians)
 */
public record GoalOutcome(Header header, String goalId, boolean reached, long elapsedNs, double finalError)
    implements Message {}
