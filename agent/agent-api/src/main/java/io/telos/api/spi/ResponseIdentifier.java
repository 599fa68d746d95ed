package io.telos.api.spi;

import io.telos.api.Header;
import io.telos.api.ResponseReport;

/**
 * Identifies, online, how the arm follows its commands (lag and dead time per joint) and checks the
 * declared response against it. The servo loop feeds it every tick; the runtime asks it for a report
 * about once a second, off the servo thread.
 *
 * <p>Threads: {@link #record} is called by the servo thread only, must not block or allocate in
 * steady state; {@link #identify} by one other thread at a time, concurrently with {@link #record}.
 */
public interface ResponseIdentifier {
  /**
   * One servo tick: the position command just sent and the latest measured positions, chain order,
   * both stamped with the tick's time (so transport delay counts as dead time, as the planner sees
   * it). The arrays are the caller's: copy what is kept.
   */
  void record(long stampNs, double[] commandPosition, double[] measuredPosition);

  /** The current estimate under {@code header}, or null while there is not enough motion to tell anything. */
  ResponseReport identify(Header header);
}
