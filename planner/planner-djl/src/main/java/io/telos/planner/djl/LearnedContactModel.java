package io.telos.planner.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.telos.api.ObjectPose;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.planner.spi.ContactModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contact model learned from experience ({@code planner.contact_model: {type: learned, path:
 * …}}): what the tool does to the scene's objects — pushing, sliding on after release, turning when
 * pushed off-centre, pushing one object into another — predicted by an ensemble network
 * ({@link ContactNet}) over each object's contact features ({@link ContactFeatures}), trained from
 * episodic memory by {@link ContactTrainer}. Object state: {@code [x, y, yaw, vx, vy, wz]}.
 *
 * <p>Only objects the tool comes near, or that move, are handed to the network; an object at rest
 * and out of reach stays exactly where it is, so a batch of samples that never approaches an
 * object costs nothing. Velocities for {@link #encode} come from the poses given before (the pose
 * about one model step older), as the training data's come from its poses. Not thread-safe;
 * deterministic (one PyTorch thread, a fixed order of rows).
 */
public final class LearnedContactModel implements ContactModel, AutoCloseable {
  private static final byte[] MAGIC = TensorFile.magic("TELOSCM1");
  private static final int FORMAT = 1;

  private final ContactNet net;
  private final ContactFeatures features;
  private final List<String> names;
  private final double dtS;
  private final float[] outScale;
  private final List<Deque<double[]>> history = new ArrayList<>();
  private final double[] frame = new double[2];
  private float[] rows = new float[0];
  private double[] frames = new double[0];
  private int[] index = new int[0];
  private double[] sampleSpread = new double[0];
  private int lastBatch;
  private double lastSpread;

  LearnedContactModel(ContactNet net, Scene scene) {
    this.net = net;
    this.dtS = net.spec().dtS();
    this.features = new ContactFeatures(scene, dtS);
    this.names = scene.objects().stream().map(SceneObject::name).toList();
    this.outScale = net.outScale();
    for (int j = 0; j < names.size(); j++) {
      history.add(new ArrayDeque<>());
    }
  }

  /**
   * Loads a contact model file for {@code scene}'s objects.
   *
   * @param dtS the planner's model step; the file's must match
   * @throws ModelFileException when the file is missing, corrupt or does not fit
   */
  public static LearnedContactModel load(Path file, Scene scene, double dtS) {
    ContactNet net = read(file, DjlEngine.get().newBaseManager());
    if (Math.abs(net.spec().dtS() - dtS) > 1e-9) {
      net.manager().close();
      throw new ModelFileException("contact model " + file + " was trained for steps of " + net.spec().dtS()
          + " s, the planner steps " + dtS + " s (retrain with --dt " + dtS + ")");
    }
    return new LearnedContactModel(net, scene);
  }

  /** Writes {@code net} as version {@code version} with {@code metrics} (atomically). */
  static void write(Path file, ContactNet net, int version, Map<String, Object> metrics) throws IOException {
    ContactNet.Spec s = net.spec();
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("format", FORMAT);
    h.put("features", s.features());
    h.put("hidden", s.hidden());
    h.put("members", s.members());
    h.put("dt_s", s.dtS());
    h.put("version", version);
    h.put("names", net.names());
    h.put("metrics", metrics);
    List<float[]> tensors = new ArrayList<>();
    for (String n : net.names()) {
      tensors.add(net.p(n).toFloatArray());
    }
    TensorFile.write(file, MAGIC, h, tensors);
  }

  /** Reads a contact model file into {@code manager}. */
  static ContactNet read(Path file, NDManager manager) {
    TensorFile.Contents c = TensorFile.read(file, MAGIC, "contact model");
    ContactNet.Spec spec;
    try {
      Map<String, Object> h = c.header();
      int f = ((Number) h.get("format")).intValue();
      if (f != FORMAT) {
        throw new ModelFileException("contact model " + file + " has format " + f + ", this build reads " + FORMAT);
      }
      spec = new ContactNet.Spec(((Number) h.get("features")).intValue(), ((Number) h.get("hidden")).intValue(),
          ((Number) h.get("members")).intValue(), ((Number) h.get("dt_s")).doubleValue());
      if (spec.features() != ContactFeatures.FEATURES) {
        throw new ModelFileException("contact model " + file + " reads " + spec.features() + " features, this build "
            + ContactFeatures.FEATURES + " (retrain it)");
      }
    } catch (ModelFileException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ModelFileException("contact model " + file + " has an unreadable header: " + e.getMessage(), e);
    }
    TensorFile.checkSizes(file, c.tensors(), ContactNet.parameterSizes(spec));
    ContactNet net = new ContactNet(manager, spec, 0L);
    List<String> n = net.names();
    for (int i = 0; i < n.size(); i++) {
      net.set(n.get(i), c.tensors().get(i));
    }
    Object v = c.header().get("version");
    net.setVersion(v instanceof Number num ? num.intValue() : 0);
    return net;
  }

  @Override
  public String name() {
    return "learned-contact";
  }

  @Override
  public int width() {
    return ContactFeatures.WIDTH;
  }

  @Override
  public List<String> objectNames() {
    return names;
  }

  /** Version of the loaded file. */
  public int version() {
    return net.version();
  }

  /** The network ensemble's mean spread over the objects it predicted in the last {@link #step} (0 when none). */
  public double meanSpread() {
    return lastSpread;
  }

  @Override
  public void encode(int j, ObjectPose pose, double[] out, int offset) {
    Deque<double[]> h = history.get(j);
    double t = pose.stampNs() * 1e-9;
    double yaw = pose.yawRad();
    double[] last = h.peekLast();
    if (last != null) {
      yaw = last[3] + wrap(yaw - last[3]); // continuous yaw
    }
    if (last == null || t > last[0]) {
      h.addLast(new double[] {t, pose.xM(), pose.yM(), yaw});
    }
    while (h.size() > 2 && t - h.peekFirst()[0] > 3 * dtS) {
      h.removeFirst();
    }
    double[] then = null;
    for (double[] e : h) {
      double age = t - e[0];
      if (age >= 0.5 * dtS && age <= 3 * dtS && (then == null || Math.abs(age - dtS) < Math.abs(t - then[0] - dtS))) {
        then = e;
      }
    }
    out[offset] = pose.xM();
    out[offset + 1] = pose.yM();
    out[offset + 2] = yaw;
    if (then == null) {
      out[offset + 3] = 0;
      out[offset + 4] = 0;
      out[offset + 5] = 0;
    } else {
      double age = t - then[0];
      out[offset + 3] = (pose.xM() - then[1]) / age;
      out[offset + 4] = (pose.yM() - then[2]) / age;
      out[offset + 5] = (yaw - then[3]) / age;
    }
  }

  @Override
  public void step(double[] toolBefore, double[] toolAfter, double[] objects, int batch, double[] next) {
    int m = names.size();
    int w = ContactFeatures.WIDTH;
    int f = ContactFeatures.FEATURES;
    int rowsUsed = 0;
    ensure(batch * m);
    if (sampleSpread.length < batch) {
      sampleSpread = new double[batch];
    }
    Arrays.fill(sampleSpread, 0, batch, 0.0);
    lastBatch = batch;
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < m; j++) {
        int o = (b * m + j) * w;
        if (features.active(objects, b, j, toolBefore, toolAfter)) {
          features.features(objects, b, j, toolBefore, toolAfter, rows, rowsUsed * f, frame);
          frames[2 * rowsUsed] = frame[0];
          frames[2 * rowsUsed + 1] = frame[1];
          index[rowsUsed++] = o;
        } else {
          System.arraycopy(objects, o, next, o, 3);
          next[o + 3] = 0;
          next[o + 4] = 0;
          next[o + 5] = 0;
        }
      }
    }
    lastSpread = 0;
    if (rowsUsed == 0) {
      return;
    }
    float[] mean;
    try (NDManager sub = net.manager().newSubManager()) {
      NDArray x = sub.create(Arrays.copyOf(rows, rowsUsed * f), new Shape(rowsUsed, f));
      NDArray all = net.forward(x);
      mean = all.mean(new int[] {0}).toFloatArray();
      if (net.spec().members() > 1) {
        float[] sd = all.sub(all.mean(new int[] {0}, true)).square().mean(new int[] {0}).sqrt().toFloatArray();
        double sum = 0;
        for (int r = 0; r < rowsUsed; r++) {
          double s = Math.hypot(sd[3 * r] * outScale[0], sd[3 * r + 1] * outScale[1]) * ContactFeatures.STEP;
          sampleSpread[index[r] / (m * w)] += s;
          sum += s;
        }
        lastSpread = sum / rowsUsed;
      }
    }
    for (int r = 0; r < rowsUsed; r++) {
      frame[0] = frames[2 * r];
      frame[1] = frames[2 * r + 1];
      int prior = r * f + ContactFeatures.PRIOR;
      features.apply(objects, index[r], rows[prior] + mean[3 * r] * outScale[0],
          rows[prior + 1] + mean[3 * r + 1] * outScale[1], mean[3 * r + 2] * outScale[2], frame, next);
    }
  }

  @Override
  public boolean hasUncertainty() {
    return net.spec().members() > 1;
  }

  @Override
  public void lastSpread(int batch, double[] out) {
    if (batch != lastBatch) {
      throw new IllegalArgumentException("spread asked for a batch of " + batch + ", the last step had " + lastBatch);
    }
    System.arraycopy(sampleSpread, 0, out, 0, batch);
  }

  private void ensure(int rowsMax) {
    if (index.length < rowsMax) {
      rows = new float[rowsMax * ContactFeatures.FEATURES];
      frames = new double[2 * rowsMax];
      index = new int[rowsMax];
    }
  }

  static double wrap(double a) {
    return Math.IEEEremainder(a, 2 * Math.PI);
  }

  @Override
  public void close() {
    net.manager().close();
  }
}
