package io.telos.api;

/** Every record that travels on the bus. Families are sealed so a switch over them is total. */
public sealed interface Message
    permits RobotMessage, Observation, ActionChunk, Goal, ModeChange, Fault, GoalOutcome,
        HandoverRequest, PlanSignals, OperatorCommand, OperatorAction, LeaseChange, ResponseReport {
  Header header();
}
