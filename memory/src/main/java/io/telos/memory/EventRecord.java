package io.telos.memory;

import io.telos.api.HandoverRequest;
import io.telos.api.Mode;
import java.util.Locale;
import java.util.Objects;

/**
 * Something that happened to a robot besides its steps, kept durably with the episode it happened
 * in: a mode transition of the arbiter, a handover request of the agent, the control lease
 * changing hands, or the arm's response as identified during the episode.
 *
 * @param episodeId the episode that was being recorded when it happened, or 0 when none was
 * @param robotId the robot
 * @param stampNs monotonic stamp of the bus record
 * @param kind what kind of event
 * @param from the mode left ({@link Kind#MODE_CHANGE} only, else null)
 * @param to the mode entered ({@link Kind#MODE_CHANGE} only, else null)
 * @param trigger why the agent asked for an operator ({@link Kind#HANDOVER_REQUEST} only, else null)
 * @param detail the mode change's reason, the handover request's detail, or for a lease change
 *     {@code "<holder> <- <previous>: <reason>"} (never null)
 * @param open for a handover request: true while it stands, false when withdrawn or served;
 *     false for a mode change
 */
public record EventRecord(
    long episodeId,
    String robotId,
    long stampNs,
    Kind kind,
    Mode from,
    Mode to,
    HandoverRequest.Trigger trigger,
    String detail,
    boolean open) {

  /** Kinds of events. */
  public enum Kind {
    /** A transition of the mode arbiter ({@code io.telos.api.ModeChange}). */
    MODE_CHANGE,
    /** The agent asked for, or withdrew its request for, an operator ({@code io.telos.api.HandoverRequest}). */
    HANDOVER_REQUEST,
    /** The operators' control lease was taken, released or revoked ({@code io.telos.api.LeaseChange}). */
    LEASE_CHANGE,
    /**
     * The arm's response (lag, dead time per joint) as identified online during the episode
     * ({@code io.telos.api.ResponseReport}), kept when the episode ends.
     */
    RESPONSE_ESTIMATE,
    /**
     * A camera picture kept with the episode ({@code memory.frames}): {@code detail} is the PNG's
     * path relative to the frames folder, the stamp is the picture's.
     */
    FRAME,
    /**
     * An entry of the operators' audit trail ({@code io.telos.api.OperatorAction}): {@code detail}
     * is {@code "<operator> <action> accepted|refused: <detail>"}.
     */
    OPERATOR_ACTION,
    /**
     * The scene the episode ran in ({@code io.telos.api.scene.Scene#asMap()} as JSON in
     * {@code detail}): the objects' sizes, masses and frictions, which their recorded poses need to
     * be learned from.
     */
    SCENE;

    /** Lower-case name, as stored ({@code mode_change}, {@code handover_request}). */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind ofLabel(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT));
    }
  }

  public EventRecord {
    if (episodeId < 0) {
      throw new IllegalArgumentException("episodeId must be >= 0 (0 = none), was " + episodeId);
    }
    Objects.requireNonNull(robotId, "robotId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
    if (kind == Kind.MODE_CHANGE && (from == null || to == null || trigger != null || open)) {
      throw new IllegalArgumentException("a mode change has from and to, no trigger, open=false");
    }
    if (kind == Kind.HANDOVER_REQUEST && (trigger == null || from != null || to != null)) {
      throw new IllegalArgumentException("a handover request has a trigger and no modes");
    }
    if ((kind == Kind.LEASE_CHANGE || kind == Kind.RESPONSE_ESTIMATE || kind == Kind.FRAME
        || kind == Kind.OPERATOR_ACTION || kind == Kind.SCENE) && (trigger != null || from != null || to != null
        || open)) {
      throw new IllegalArgumentException("a " + kind.label().replace('_', ' ') + " has no modes, no trigger, open=false");
    }
  }

  /** The arm's identified response, {@code detail} as {@code io.telos.api.ResponseReport#summary()} writes it. */
  public static EventRecord responseEstimate(long episodeId, String robotId, long stampNs, String detail) {
    return new EventRecord(episodeId, robotId, stampNs, Kind.RESPONSE_ESTIMATE, null, null, null, detail, false);
  }

  /** A camera picture kept as a PNG at {@code path}, relative to the frames folder. */
  public static EventRecord frame(long episodeId, String robotId, long stampNs, String path) {
    return new EventRecord(episodeId, robotId, stampNs, Kind.FRAME, null, null, null, path, false);
  }

  /** An entry of the operators' audit trail, {@code detail} as {@code OperatorAction#describe()} writes it. */
  public static EventRecord operatorAction(long episodeId, String robotId, long stampNs, String detail) {
    return new EventRecord(episodeId, robotId, stampNs, Kind.OPERATOR_ACTION, null, null, null, detail, false);
  }

  /** The scene of an episode, {@code detail} its {@code Scene#asMap()} as JSON. */
  public static EventRecord scene(long episodeId, String robotId, long stampNs, String json) {
    return new EventRecord(episodeId, robotId, stampNs, Kind.SCENE, null, null, null, json, false);
  }

  /** A mode transition. */
  public static EventRecord modeChange(long episodeId, String robotId, long stampNs, Mode from, Mode to,
      String reason) {
    return new EventRecord(episodeId, robotId, stampNs, Kind.MODE_CHANGE, from, to, null, reason, false);
  }

  /** A handover request (or its withdrawal, {@code open=false}). */
  public static EventRecord handover(long episodeId, String robotId, long stampNs, HandoverRequest.Trigger trigger,
      String detail, boolean open) {
    return new EventRecord(episodeId, robotId, stampNs, Kind.HANDOVER_REQUEST, null, null, trigger, detail, open);
  }

  /**
   * The control lease changed hands.
   *
   * @param holder the new holder, empty when released or revoked
   * @param previous the previous holder, empty when it was free
   */
  public static EventRecord lease(long episodeId, String robotId, long stampNs, String holder, String previous,
      String reason) {
    String detail = holder.isEmpty() ? "free <- " + previous + ": " + reason : holder + " <- "
        + (previous.isEmpty() ? "free" : previous) + ": " + reason;
    return new EventRecord(episodeId, robotId, stampNs, Kind.LEASE_CHANGE, null, null, null, detail, false);
  }

  /** One line for people, e.g. {@code AUTONOMOUS -> TELEOP (operator took the lease)}. */
  public String describe() {
    return switch (kind) {
      case MODE_CHANGE -> from + " -> " + to + (detail.isEmpty() ? "" : " (" + detail + ")");
      case HANDOVER_REQUEST -> "handover " + (open ? "requested" : "closed") + ": " + trigger
          + (detail.isEmpty() ? "" : " (" + detail + ")");
      case LEASE_CHANGE -> "lease " + detail;
      case RESPONSE_ESTIMATE -> "response " + detail;
      case FRAME -> "frame " + detail;
      case OPERATOR_ACTION -> "operator " + detail;
      case SCENE -> "scene " + detail;
    };
  }
}
