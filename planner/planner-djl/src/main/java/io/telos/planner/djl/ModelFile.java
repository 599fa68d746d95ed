package io.telos.planner.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The learned model's file: {@code TELOSWM1} magic, a JSON header (network shape, model step,
 * scales, parameter names, version, metrics), the parameter tensors as little-endian floats, and a
 * CRC-32 of everything before it. Loading checks all of it, so a truncated, corrupted or
 * mismatched file is refused with a message that says what is wrong instead of producing a model
 * that predicts garbage.
 */
public final class ModelFile {
  private static final byte[] MAGIC = TensorFile.magic("TELOSWM1");
  /**
   * Network layout of this build: 2 = latent {@code [observed joint state, learned part]} with data
   * statistics saved as parameters (1 = a purely learned latent, refused).
   */
  static final int FORMAT = 2;

  /** What a model file says about itself. */
  public record Header(LatentModel.Spec spec, double[] velocityScale, double[] actionScale, int version,
      Map<String, Object> metrics) {}

  private ModelFile() {}

  /** Writes {@code model} atomically (temporary file, then rename). */
  public static void write(Path file, LatentModel model, int version, Map<String, Object> metrics) throws IOException {
    LatentModel.Spec s = model.spec();
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("format", FORMAT);
    h.put("dof", s.dof());
    h.put("latent", s.latent());
    h.put("hidden", s.hidden());
    h.put("members", s.members());
    h.put("dt_s", s.dtS());
    h.put("velocity_scale", model.velocityScale());
    h.put("action_scale", model.actionScale());
    h.put("version", version);
    h.put("names", model.names());
    h.put("metrics", metrics);
    List<float[]> tensors = new ArrayList<>();
    for (NDArray p : model.parameters()) {
      tensors.add(p.toFloatArray());
    }
    TensorFile.write(file, MAGIC, h, tensors);
  }

  /**
   * Reads a model file into {@code manager}.
   *
   * @throws ModelFileException when the file is missing, truncated, corrupted or inconsistent
   */
  public static LatentModel read(Path file, NDManager manager) {
    TensorFile.Contents contents = TensorFile.read(file, MAGIC, "world model");
    Header header;
    List<String> names;
    try {
      Map<String, Object> h = contents.header();
      Object format = h.get("format");
      int f = format instanceof Number num ? num.intValue() : 1;
      if (f != FORMAT) {
        throw new ModelFileException("model file " + file + " has network format " + f + ", this build reads format "
            + FORMAT + " (retrain it with `telos train`)");
      }
      header = header(h);
      @SuppressWarnings("unchecked")
      List<String> n = (List<String>) h.get("names");
      names = n;
    } catch (ModelFileException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ModelFileException("model file " + file + " has an unreadable header: " + e.getMessage(), e);
    }
    List<float[]> values = contents.tensors();
    TensorFile.checkSizes(file, values, LatentModel.parameterSizes(header.spec()));
    try {
      LatentModel m = new LatentModel(manager, header.spec(), header.velocityScale(), header.actionScale(), values);
      if (names != null && !names.equals(m.names())) {
        m.close();
        throw new ModelFileException("model file " + file + " names parameters " + names + ", this build expects "
            + m.names());
      }
      m.setVersion(header.version(), header.metrics());
      return m;
    } catch (IllegalArgumentException e) {
      throw new ModelFileException("model file " + file + " does not fit the network: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Header header(Map<String, Object> h) {
    int dof = ((Number) h.get("dof")).intValue();
    LatentModel.Spec spec = new LatentModel.Spec(dof, ((Number) h.get("latent")).intValue(),
        ((Number) h.get("hidden")).intValue(), ((Number) h.get("members")).intValue(),
        ((Number) h.get("dt_s")).doubleValue());
    double[] vs = toDoubles((List<Number>) h.get("velocity_scale"), dof, "velocity_scale");
    double[] as = toDoubles((List<Number>) h.get("action_scale"), dof, "action_scale");
    Object metrics = h.get("metrics");
    return new Header(spec, vs, as, ((Number) h.getOrDefault("version", 0)).intValue(),
        metrics instanceof Map<?, ?> mm ? (Map<String, Object>) mm : Map.of());
  }

  private static double[] toDoubles(List<Number> l, int n, String key) {
    if (l == null || l.size() != n) {
      throw new IllegalArgumentException(key + " must hold " + n + " values");
    }
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = l.get(i).doubleValue();
      if (!(d[i] > 0) || !Double.isFinite(d[i])) {
        throw new IllegalArgumentException(key + "[" + i + "] must be a finite number > 0");
      }
    }
    return d;
  }
}
