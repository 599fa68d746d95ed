package io.telos.perception.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.ObjectPose;
import io.telos.api.SimulatedClock;
import io.telos.api.camera.CameraFrame;
import io.telos.api.camera.CameraSpec;
import io.telos.api.scene.Scene;
import io.telos.api.spi.RobotHardware;
import io.telos.api.spi.Steppable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Objects from pictures in place of the bridge's own poses; bad pictures refused, the rest still taken. */
class CameraObjectsTest {
  /** A bridge with a camera that the test fires, and object poses that must not be used. */
  static class Bridge implements RobotHardware {
    final List<Consumer<CameraFrame>> cameras = new CopyOnWriteArrayList<>();
    int steps;

    @Override public String robotId() { return "arm1"; }
    @Override public List<String> jointNames() { return List.of("j1"); }
    @Override public void start() {}
    @Override public JointState read() { return null; }
    @Override public void write(JointCommand command) {}
    @Override public void close() {}
    @Override public void onFrame(Consumer<CameraFrame> l) { cameras.add(l); }
    @Override public List<ObjectPose> objects() { return List.of(new ObjectPose("puck", 9, 9, 0, 0, 0)); }

    void shoot(CameraFrame f) {
      cameras.forEach(l -> l.accept(f));
    }
  }

  static final class SteppableBridge extends Bridge implements Steppable {
    @Override public void step(long dtNs) { steps++; }
  }

  static CameraObjects wrap(Bridge b, CameraSpec c, boolean synchronous) {
    FiducialTracker t = new FiducialTracker(c, new Scene(0.02, List.of(FiducialTrackerTest.PUCK), c),
        FiducialTrackerTest.STALE_NS);
    return CameraObjects.wrap(b, t, new SimulatedClock(0), synchronous);
  }

  @Test
  void synchronousPicturesAreTrackedOnTheDeliveringThreadAndTheBridgesPosesAreNotUsed() throws Exception {
    CameraSpec c = MarkerFrames.camera(Map.of());
    Bridge bridge = new SteppableBridge();
    try (CameraObjects h = wrap(bridge, c, true)) {
      assertTrue(h instanceof Steppable, "a lock-step bridge stays steppable through the wrapper");
      ((Steppable) h).step(1);
      assertEquals(1, bridge.steps);
      h.start();
      assertEquals(List.of(), h.objects(), "nothing seen yet: the bridge's (9, 9) is not reported");
      bridge.shoot(MarkerFrames.picture(c, 5, 0, 0.47, 0.02, 0.4, 1));
      assertEquals(1, h.objects().size());
      assertTrue(h.objects().get(0).planarDistanceTo(0.47, 0.02) < 0.001);
      assertEquals(1, h.processed());
    }
    assertFalse(wrap(new Bridge(), c, true) instanceof Steppable);
  }

  @Test
  void aBadPictureIsReportedAndTheNextGoodOneStillTaken() throws Exception {
    CameraSpec c = MarkerFrames.camera(Map.of());
    Bridge bridge = new Bridge();
    LinkedBlockingQueue<String> rejected = new LinkedBlockingQueue<>();
    try (CameraObjects h = wrap(bridge, c, false)) {
      h.onRejected(rejected::add);
      h.start();
      bridge.shoot(new CameraFrame("cam", 0, 0, 16, 16, new byte[768], null));
      String why = rejected.poll(10, TimeUnit.SECONDS);
      assertTrue(why != null && why.contains("16x16"), String.valueOf(why));
      assertEquals(1, h.refused());
      CameraFrame good = MarkerFrames.picture(c, 7, 0, 0.52, -0.03, 0, 1);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      // the poses are out when the tracker returns; the picture is counted (with its latency) just after
      while ((h.objects().isEmpty() || h.processed() == 0) && System.nanoTime() < deadline) {
        bridge.shoot(good);
        Thread.onSpinWait();
      }
      assertEquals(1, h.objects().size(), "the tracker thread kept running after the bad picture");
      assertTrue(h.objects().get(0).planarDistanceTo(0.52, -0.03) < 0.001);
      assertTrue(h.latencies().length >= 1, "a latency for each picture tracked");
    }
  }
}
