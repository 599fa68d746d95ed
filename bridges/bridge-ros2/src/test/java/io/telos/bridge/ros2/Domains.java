package io.telos.bridge.ros2;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dedicated DDS domain ids for tests, in 100..231 and never 0 (ROS 2's default), so a real robot
 * never sees them. Each test JVM takes a block of 8 picked by its pid, so two test JVMs running at
 * once rarely share one; every test takes a fresh id within the block.
 */
final class Domains {
  private static final int BASE = 100 + (int) (ProcessHandle.current().pid() % 16) * 8;
  private static final AtomicInteger NEXT = new AtomicInteger();

  private Domains() {}

  static int next() {
    return BASE + NEXT.getAndIncrement() % 8;
  }
}
