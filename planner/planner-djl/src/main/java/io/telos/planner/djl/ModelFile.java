package io.telos.planner.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The learned model's file: {@code TELOSWM1} magic, a JSON header (network shape, model step,
 * scales, parameter names, version, metrics), the parameter tensors as little-endian floats, and a
 * CRC-32 of everything before it. Loading checks all of it, so a truncated, corrupted or
 * mismatched file is refused with a message that says what is wrong instead of producing a model
 * that predicts garbage.
 */
public final class ModelFile {
  private static final byte[] MAGIC = "TELOSWM1".getBytes(StandardCharsets.US_ASCII);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_HEADER = 1 << 20;
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
    byte[] header = JSON.writeValueAsBytes(h);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(MAGIC);
    out.writeInt(header.length);
    out.write(header);
    for (NDArray p : model.parameters()) {
      float[] v = p.toFloatArray();
      out.writeInt(v.length);
      ByteBuffer buf = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
      buf.asFloatBuffer().put(v);
      out.write(buf.array());
    }
    out.flush();
    CRC32 crc = new CRC32();
    crc.update(bytes.toByteArray());
    out.writeLong(crc.getValue());
    out.flush();
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    Files.write(tmp, bytes.toByteArray());
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Reads a model file into {@code manager}.
   *
   * @throws ModelFileException when the file is missing, truncated, corrupted or inconsistent
   */
  public static LatentModel read(Path file, NDManager manager) {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ModelFileException("cannot read model file " + file + ": " + e, e);
    }
    if (all.length < MAGIC.length + 4 + 8) {
      throw new ModelFileException("model file " + file + " is too short (" + all.length + " bytes) to be a model");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (all[i] != MAGIC[i]) {
        throw new ModelFileException("model file " + file + " is not a Telos world model (bad magic)");
      }
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - 8);
    long stored = ByteBuffer.wrap(all, all.length - 8, 8).getLong();
    if (stored != crc.getValue()) {
      throw new ModelFileException("model file " + file + " is corrupt (checksum mismatch)");
    }
    ByteBuffer in = ByteBuffer.wrap(all, 0, all.length - 8);
    in.position(MAGIC.length);
    int headerLen = in.getInt();
    if (headerLen <= 0 || headerLen > MAX_HEADER || headerLen > in.remaining()) {
      throw new ModelFileException("model file " + file + " has a bad header length " + headerLen);
    }
    byte[] headerBytes = new byte[headerLen];
    in.get(headerBytes);
    Header header;
    List<String> names;
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> h = JSON.readValue(headerBytes, Map.class);
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
    } catch (IOException | RuntimeException e) {
      throw new ModelFileException("model file " + file + " has an unreadable header: " + e.getMessage(), e);
    }
    List<float[]> values = new ArrayList<>();
    in.order(ByteOrder.LITTLE_ENDIAN);
    while (in.remaining() > 0) {
      if (in.remaining() < 4) {
        throw new ModelFileException("model file " + file + " ends inside a tensor");
      }
      in.order(ByteOrder.BIG_ENDIAN);
      int count = in.getInt();
      in.order(ByteOrder.LITTLE_ENDIAN);
      if (count < 0 || (long) count * 4 > in.remaining()) {
        throw new ModelFileException("model file " + file + " ends inside a tensor");
      }
      float[] v = new float[count];
      in.asFloatBuffer().get(v);
      in.position(in.position() + 4 * count);
      for (float f : v) {
        if (!Float.isFinite(f)) {
          throw new ModelFileException("model file " + file + " holds non-finite parameters");
        }
      }
      values.add(v);
    }
    long[] sizes = LatentModel.parameterSizes(header.spec());
    if (sizes.length != values.size()) {
      throw new ModelFileException("model file " + file + " holds " + values.size() + " tensors, a network of its"
          + " header needs " + sizes.length);
    }
    for (int i = 0; i < sizes.length; i++) {
      if (sizes[i] != values.get(i).length) {
        throw new ModelFileException("model file " + file + " does not fit the network its header describes: tensor "
            + i + " holds " + values.get(i).length + " values, " + sizes[i] + " expected");
      }
    }
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
