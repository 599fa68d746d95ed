package io.telos.runtime.teleop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.OperatorCommand.Frame;
import io.telos.model.RobotModel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JogDriveTest {
  static final RobotModel ARM = RobotModel.load("builtin:telos6");
  static final double[] Q = {0.2, -0.9, 1.4, -0.6, 1.2, 0.3}; // well away from singularities

  TeleopConfig cfg = TeleopConfig.defaults();
  ControlLease lease;
  JogDrive drive;
  double[] out = new double[6];

  @BeforeEach
  void setUp() {
    lease = new ControlLease();
    drive = new JogDrive(ARM.chain(), ARM.limits(), cfg, lease, 1_000_000L);
  }

  /** Tool linear velocity J·q̇ (base frame). */
  static double[] toolVelocity(double[] q, double[] qd) {
    double[] j = ARM.chain().jacobian(q);
    double[] v = new double[6];
    for (int r = 0; r < 6; r++) {
      for (int i = 0; i < 6; i++) {
        v[r] += j[r * 6 + i] * qd[i];
      }
    }
    return v;
  }

  @Test
  void jointJogIsClampedToTheJogFractionOfEachLimit() {
    assertNull(drive.set(Frame.JOINT, new double[] {10, -10, 0.01, 0, 0, 0}, 0));
    assertTrue(drive.target(1, Q, out));
    assertEquals(ARM.limits().velocity(0) * cfg.jointSpeedScale(), out[0], 1e-12);
    assertEquals(-ARM.limits().velocity(1) * cfg.jointSpeedScale(), out[1], 1e-12);
    assertEquals(0.01, out[2], 1e-12);
  }

  @Test
  void cartesianJogMovesTheToolInTheAskedDirectionWithinTheSpeedLimit() {
    // a small request is followed closely
    assertNull(drive.set(Frame.BASE, new double[] {0.05, 0, 0, 0, 0, 0}, 0));
    assertTrue(drive.target(1, Q, out));
    double[] v = toolVelocity(Q, out);
    assertEquals(0.05, v[0], 5e-3);
    assertEquals(0, v[1], 5e-3);
    assertEquals(0, v[2], 5e-3);
    // a huge one is capped at the tool speed limit (default 250 mm/s)
    assertNull(drive.set(Frame.BASE, new double[] {0, 0, 5, 0, 0, 0}, 0));
    assertTrue(drive.target(1, Q, out));
    v = toolVelocity(Q, out);
    double speed = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    assertTrue(speed <= cfg.toolSpeedMps() + 1e-9, "tool speed " + speed);
    assertTrue(v[2] > 0.8 * speed, "mostly upward: " + v[2] + " of " + speed);
  }

  @Test
  void toolFrameJogIsRotatedIntoTheBaseFrame() {
    double[] zTool = new double[] {0, 0, 0.05, 0, 0, 0};
    assertNull(drive.set(Frame.TOOL, zTool, 0));
    assertTrue(drive.target(1, Q, out));
    double[] v = toolVelocity(Q, out);
    // the tool's z axis in the base frame, from the forward pose
    var pose = ARM.chain().forwardPose(Q);
    double w = pose.qw();
    double x = pose.qx();
    double y = pose.qy();
    double z = pose.qz();
    double[] axis = {2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)};
    for (int i = 0; i < 3; i++) {
      assertEquals(0.05 * axis[i], v[i], 5e-3, "component " + i);
    }
  }

  @Test
  void badJogsAreRefusedAndStopTheArm() {
    assertNull(drive.set(Frame.JOINT, new double[] {0.1, 0, 0, 0, 0, 0}, 0));
    assertNotNull(drive.set(Frame.BASE, new double[] {0.1, 0, 0}, 0));
    assertFalse(drive.target(1, Q, out), "a refused jog clears the previous one");
    assertNotNull(drive.set(Frame.JOINT, new double[] {Double.NaN, 0, 0, 0, 0, 0}, 0));
    assertFalse(drive.target(1, Q, out));
  }

  @Test
  void velocityChangesAreRampedAsAWholeVectorAtTheAccelerationLimits() {
    assertNull(drive.set(Frame.BASE, new double[] {0, 0, 0.25, 0, 0, 0}, 0));
    double[] v = new double[6];
    double[] target = new double[6];
    assertTrue(drive.target(1, Q, target));
    double worst = 0;
    for (int tick = 0; tick < 2000; tick++) {
      double[] next = new double[6];
      assertTrue(drive.velocity(1, Q, v, next));
      for (int i = 0; i < 6; i++) {
        assertTrue(Math.abs(next[i] - v[i]) <= ARM.limits().acceleration(i) * 1e-3 + 1e-12, "joint " + i);
        // parallel to the target: the tool keeps its direction
        assertEquals(next[0] / target[0], next[i] / target[i], 1e-9);
      }
      double[] tv = toolVelocity(Q, next);
      worst = Math.max(worst, Math.sqrt(tv[0] * tv[0] + tv[1] * tv[1] + tv[2] * tv[2]));
      v = next;
    }
    assertEquals(target[2], v[2], 1e-12, "reaches the jog");
    assertTrue(worst <= cfg.toolSpeedMps() + 1e-9, "tool speed " + worst);
    drive.stop();
    for (int tick = 0; tick < 2000; tick++) {
      double[] next = new double[6];
      drive.velocity(1, Q, v, next);
      v = next;
    }
    assertEquals(0.0, v[2], 0.0, "and comes to rest without a jog");
  }

  @Test
  void aJogThatIsNotRenewedExpires() {
    assertNull(drive.set(Frame.JOINT, new double[] {0.1, 0, 0, 0, 0, 0}, 0));
    assertTrue(drive.target(cfg.jogTimeoutNs(), Q, out));
    assertFalse(drive.target(cfg.jogTimeoutNs() + 1, Q, out));
  }

  @Test
  void deadmanFollowsTheLeaseHeartbeat() {
    assertFalse(drive.alive(0), "nobody holds the lease");
    lease.take("ana", 0);
    assertTrue(drive.alive(cfg.heartbeatTimeoutNs()));
    assertFalse(drive.alive(cfg.heartbeatTimeoutNs() + 1));
    lease.heartbeat("ana", cfg.heartbeatTimeoutNs());
    assertTrue(drive.alive(cfg.heartbeatTimeoutNs() + 1));
    assertTrue(drive.deadReason(10 * cfg.heartbeatTimeoutNs()).contains("ana"));
  }
}
