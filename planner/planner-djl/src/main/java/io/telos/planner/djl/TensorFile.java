package io.telos.planner.djl;

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
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The container of the learned models' files: an 8-byte magic naming the kind of model, a JSON
 * header, the parameter tensors as little-endian floats (each preceded by its length) and a CRC-32
 * of everything before it. Reading checks all of it, so a truncated, corrupted or foreign file is
 * refused with a message that says what is wrong; what the header means is the caller's business.
 * Files are written atomically (a temporary file, then a rename).
 */
final class TensorFile {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_HEADER = 1 << 20;

  /** A file's header and tensors, in file order. */
  record Contents(Map<String, Object> header, List<float[]> tensors) {}

  private TensorFile() {}

  /** The 8-byte magic for {@code text} (ASCII). */
  static byte[] magic(String text) {
    byte[] m = text.getBytes(StandardCharsets.US_ASCII);
    if (m.length != 8) {
      throw new IllegalArgumentException("a magic has 8 bytes: " + text);
    }
    return m;
  }

  static void write(Path file, byte[] magic, Map<String, Object> header, List<float[]> tensors) throws IOException {
    byte[] head = JSON.writeValueAsBytes(header);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(magic);
    out.writeInt(head.length);
    out.write(head);
    for (float[] v : tensors) {
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
   * Reads a file written with {@code magic}.
   *
   * @param what the kind of model, for messages ({@code world model})
   * @throws ModelFileException when the file is missing, truncated, corrupted or of another kind
   */
  static Contents read(Path file, byte[] magic, String what) {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ModelFileException("cannot read model file " + file + ": " + e, e);
    }
    if (all.length < magic.length + 4 + 8) {
      throw new ModelFileException("model file " + file + " is too short (" + all.length + " bytes) to be a model");
    }
    for (int i = 0; i < magic.length; i++) {
      if (all[i] != magic[i]) {
        throw new ModelFileException("model file " + file + " is not a Telos " + what + " (bad magic)");
      }
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - 8);
    long stored = ByteBuffer.wrap(all, all.length - 8, 8).getLong();
    if (stored != crc.getValue()) {
      throw new ModelFileException("model file " + file + " is corrupt (checksum mismatch)");
    }
    ByteBuffer in = ByteBuffer.wrap(all, 0, all.length - 8);
    in.position(magic.length);
    int headerLen = in.getInt();
    if (headerLen <= 0 || headerLen > MAX_HEADER || headerLen > in.remaining()) {
      throw new ModelFileException("model file " + file + " has a bad header length " + headerLen);
    }
    byte[] headerBytes = new byte[headerLen];
    in.get(headerBytes);
    Map<String, Object> header;
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> h = JSON.readValue(headerBytes, Map.class);
      if (h == null) {
        throw new IOException("empty header");
      }
      header = h;
    } catch (IOException | RuntimeException e) {
      throw new ModelFileException("model file " + file + " has an unreadable header: " + e.getMessage(), e);
    }
    List<float[]> values = new ArrayList<>();
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
    return new Contents(header, values);
  }

  /** Checks the tensors' sizes against those a network of the header needs. */
  static void checkSizes(Path file, List<float[]> values, long[] sizes) {
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
  }
}
