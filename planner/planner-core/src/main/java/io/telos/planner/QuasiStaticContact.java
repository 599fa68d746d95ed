package io.telos.planner;

import io.telos.api.ObjectPose;
import io.telos.api.config.Settings;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.planner.spi.ContactModel;
import io.telos.planner.spi.ContactModelProvider;
import java.util.List;
import java.util.Set;

/**
 * The analytic contact model ({@code planner.contact_model: analytic}, the default): the tool's
 * contact sphere pushes upright cylinders in the quasi-static, sticking-free limit. Where the
 * sphere reaches below an object's top and overlaps its footprint, the object is moved along the
 * line from the tool's centre through its own centre until they just touch
 * ({@link SceneObject#pushedBy}). Objects move only while touched and where they are pushed: no
 * sliding after release, no rotation, no object–object contact — what the learned contact model is
 * for. Object state: {@code [x, y]}.
 */
public final class QuasiStaticContact implements ContactModel {
  private final List<SceneObject> objects;
  private final List<String> names;
  private final double toolRadius;
  private final double[] pushed = new double[2];

  public QuasiStaticContact(Scene scene) {
    this.objects = scene.objects();
    this.names = objects.stream().map(SceneObject::name).toList();
    this.toolRadius = scene.toolRadiusM();
  }

  @Override
  public String name() {
    return "quasi-static";
  }

  @Override
  public int width() {
    return 2;
  }

  @Override
  public List<String> objectNames() {
    return names;
  }

  @Override
  public void encode(int j, ObjectPose pose, double[] out, int offset) {
    out[offset] = pose.xM();
    out[offset + 1] = pose.yM();
  }

  @Override
  public void step(double[] toolBefore, double[] toolAfter, double[] states, int batch, double[] next) {
    int m = objects.size();
    for (int b = 0; b < batch; b++) {
      double tx = toolAfter[3 * b];
      double ty = toolAfter[3 * b + 1];
      double tz = toolAfter[3 * b + 2];
      for (int j = 0; j < m; j++) {
        int o = 2 * (b * m + j);
        objects.get(j).pushedBy(tx, ty, tz, toolRadius, states[o], states[o + 1], pushed);
        next[o] = pushed[0];
        next[o + 1] = pushed[1];
      }
    }
  }

  /** Planar distance between the tool's centre and object {@code j}'s axis below which they touch. */
  double contactRadius(int j, double tz) {
    return objects.get(j).contactRadius(tz, toolRadius);
  }

  /** The provider of {@code analytic}. */
  public static final class Provider implements ContactModelProvider {
    @Override
    public String type() {
      return "analytic";
    }

    @Override
    public ContactModel create(Scene scene, double dtS, Settings settings) {
      settings.requireOnly(Set.of());
      return new QuasiStaticContact(scene);
    }
  }
}
