package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.telos.model.ActuatorResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code telos sim-robot --transport ros2} with the slow-arm options: the driver's arm is slow. */
class SlowSimRobotOverRos2IT {
  @Test
  void theRos2RobotIsSlow() {
    int domain = 150 + (int) ((ProcessHandle.current().pid() + 7) % 60);
    Map<String, Object> sim = Map.of("lag_s", 0.15, "dead_time_ms", 20.0, "max_velocity", List.of(1.0, 1.0, 1.0, 2.0,
        2.0, 2.0));
    try (Ros2SimRobot robot = Ros2SimRobot.start("arm1", "builtin:telos6", domain, true, 42, sim)) {
      assertEquals(new ActuatorResponse(new double[] {0.15, 0.15, 0.15, 0.15, 0.15, 0.15},
          new double[] {0.02, 0.02, 0.02, 0.02, 0.02, 0.02}, new double[] {1, 1, 1, 2, 2, 2}), robot.arm().response());
    }
  }
}
