package io.telos.api;

/** Messages exchanged with a robot through a bridge. */
public sealed interface RobotMessage extends Message permits JointState, JointCommand {}
