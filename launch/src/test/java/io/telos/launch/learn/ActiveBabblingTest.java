package io.telos.launch.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.telos.api.ObjectPose;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.planner.QuasiStaticContact;
import io.telos.planner.spi.ContactModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Active learning's choice: the candidate push along which the model's ensemble disagrees most. */
class ActiveBabblingTest {
  static final Scene SCENE = new Scene(0.02, List.of(new SceneObject("puck", 0.04, 0.06, 0.3, 0.4, 0.5, 0.0)));

  /** The analytic push whose "ensemble" disagrees only while the tool moves towards −y. */
  static final class UnsureTowardsMinusY implements ContactModel {
    final QuasiStaticContact inner = new QuasiStaticContact(SCENE);
    double[] spread = new double[0];

    @Override public String name() { return "test"; }
    @Override public int width() { return 2; }
    @Override public List<String> objectNames() { return inner.objectNames(); }
    @Override public void encode(int j, ObjectPose p, double[] out, int off) { inner.encode(j, p, out, off); }
    @Override public boolean hasUncertainty() { return true; }
    @Override public void lastSpread(int batch, double[] out) { System.arraycopy(spread, 0, out, 0, batch); }

    @Override
    public void step(double[] before, double[] after, double[] objects, int batch, double[] next) {
      inner.step(before, after, objects, batch, next);
      spread = new double[batch];
      for (int b = 0; b < batch; b++) {
        spread[b] = Math.max(0, before[3 * b + 1] - after[3 * b + 1]);
      }
    }
  }

  @Test
  void picksThePushTheModelIsLeastSureAbout() {
    List<PushBabbling.Push> candidates = List.of(
        new PushBabbling.Push(0, 0.40, 0.0, 0.03, 0.2, 0.1),               // towards +x
        new PushBabbling.Push(Math.PI / 2, 0.5, -0.1, 0.03, 0.2, 0.1),     // towards +y
        new PushBabbling.Push(-Math.PI / 2, 0.5, 0.1, 0.03, 0.1, 0.1),     // towards −y, slowly
        new PushBabbling.Push(-Math.PI / 2, 0.5, 0.1, 0.03, 0.3, 0.05));   // towards −y, short
    List<ObjectPose> poses = List.of(new ObjectPose("puck", 0.5, 0.0, 0.03, 0.0, 0));
    assertEquals(2, PushBabbling.mostUncertain(new UnsureTowardsMinusY(), SCENE, poses, candidates),
        "the longest stretch towards −y");
  }

  @Test
  void aPushIsSampledAtTheModelStepAndStopsAtItsLength() {
    double[][] path = new PushBabbling.Push(0, 0.4, 0.1, 0.03, 0.2, 0.05).path(0.05);
    assertEquals(6, path.length, "0.05 m at 0.2 m/s = 0.25 s = 5 steps");
    assertArrayEquals(new double[] {0.4, 0.1, 0.03}, path[0], 1e-12);
    assertArrayEquals(new double[] {0.45, 0.1, 0.03}, path[5], 1e-12);
  }
}
