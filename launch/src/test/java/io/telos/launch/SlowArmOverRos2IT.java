package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.telos.model.RobotModel;
import java.util.List;
import java.util.Map;

/**
 * {@link SlowArmCorners} against {@code lag_driver} (C on Eclipse Cyclone DDS, a ros2_control-style
 * position driver that follows its command after a dead time, with a first-order lag and a speed
 * ceiling, in its own process, publishing {@code /joint_states} at 500 Hz) playing the telos6 arm;
 * the agent reaches it through the ROS 2 bridge (IHMC Fast DDS in this JVM) on 127.0.0.1. Skipped
 * without Debian's cyclonedds-dev, cyclonedds-tools and gcc.
 */
class SlowArmOverRos2IT extends SlowArmCorners {
  static final double DRIVER_RATE_HZ = 500;

  private final List<String> joints = RobotModel.load("builtin:telos6").jointNames();
  /** A block of domains for this JVM, beside those of the other ROS 2 ITs; one fresh domain per run. */
  private final int domainBase = 150 + (int) ((ProcessHandle.current().pid() + 31) % 50);
  private int runs;

  @Override
  void assumeAvailable() {
    assumeTrue(LagDriver.available(), "needs Debian packages cyclonedds-dev cyclonedds-tools libcycloneddsidl0 and gcc");
  }

  @Override
  String wire() {
    return "ROS 2 (lag_driver, Cyclone DDS)";
  }

  @Override
  Arm start(double lagS, double deadTimeMs, double vmax) throws Exception {
    int domain = domainBase + runs++ % 8;
    LagDriver driver = LagDriver.start(domain, lagS, deadTimeMs, vmax, joints, HOME, DRIVER_RATE_HZ);
    return new Arm() {
      @Override
      public Map<String, Object> bridge() {
        return Map.of("type", "ros2", "domain_id", domain, "loopback_only", true);
      }

      @Override
      public String afterRun() {
        assertTrue(driver.alive(), "lag_driver exited: " + driver.log());
        assertTrue(driver.commandsTaken() > 1000, "the driver took only " + driver.commandsTaken() + " commands");
        return "the driver took " + driver.commandsTaken() + " commands";
      }

      @Override
      public void close() {
        driver.close();
      }
    };
  }
}
