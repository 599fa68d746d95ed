package io.telos.fuzz;

import ai.djl.ndarray.NDManager;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.telos.api.config.ConfigException;
import io.telos.bridge.mqtt.BrokerUsers;
import io.telos.planner.djl.DjlEngine;
import io.telos.planner.djl.LatentModel;
import io.telos.planner.djl.ModelFile;
import io.telos.planner.djl.ModelFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * What a deployment reads from disk and trusts: the broker's users file (who may command a robot)
 * and world-model files (what the planner believes). A users file either is refused with a reason
 * or grants a robot nothing beyond its own topics; a model file either is refused with a reason or
 * loads a network whose size its own bytes account for.
 */
class SecretsAndModelsFuzzTest {
  private static final byte[] MAGIC = "TELOSWM1".getBytes(StandardCharsets.US_ASCII);
  private static Path scratch;

  @FuzzTest(maxDuration = "2m")
  void brokerUsers(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    BrokerUsers users;
    try {
      users = BrokerUsers.parse("bridge.broker_users", text, "users.yaml");
    } catch (ConfigException expected) {
      Finding.require(expected.getMessage() != null && !expected.getMessage().isBlank(), "a refusal without a reason");
      return;
    }
    for (BrokerUsers.User u : users.users().values()) {
      for (BrokerUsers.Permission p : users.permissions(u)) {
        Finding.require(!p.filter().contains("#") || p.filter().endsWith("/#"), "a misplaced # in " + p);
        if (u.role() == BrokerUsers.Role.ROBOT) {
          Finding.require(!p.filter().contains("+") && !p.filter().contains("#"),
              "robot " + u.name() + " granted a wildcard: " + p);
          Finding.require(p.filter().startsWith(users.topicRoot() + "/" + u.name() + "/"),
              "robot " + u.name() + " granted another robot's topic: " + p);
          Finding.require(p.activity() == BrokerUsers.Activity.SUBSCRIBE || !p.filter().endsWith("/command"),
              "robot " + u.name() + " may publish commands: " + p);
        }
      }
    }
  }

  /**
   * A model file whose magic and checksum are right (so the fuzzer reaches the header and tensors):
   * the input is the JSON header and the tensor bytes.
   */
  @FuzzTest(maxDuration = "4m")
  void modelFile(FuzzedDataProvider in) throws IOException {
    byte[] header = in.consumeString(600).getBytes(StandardCharsets.UTF_8);
    byte[] tensors = in.consumeRemainingAsBytes();
    ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + header.length + tensors.length + 8);
    b.put(MAGIC).putInt(header.length).put(header).put(tensors);
    CRC32 crc = new CRC32();
    crc.update(b.array(), 0, b.position());
    b.putLong(crc.getValue());
    Path file = file();
    Files.write(file, b.array());
    try (NDManager m = DjlEngine.get().newBaseManager(); LatentModel net = ModelFile.read(file, m)) {
      long values = 0;
      for (long s : LatentModel.parameterSizes(net.spec())) {
        values += s;
      }
      Finding.require(4 * values <= tensors.length, "a network of " + values + " values from " + tensors.length
          + " bytes of tensors");
    } catch (ModelFileException expected) {
      Finding.require(expected.getMessage() != null, "a refusal without a reason");
    }
  }

  private static synchronized Path file() {
    if (scratch == null) {
      try {
        scratch = Files.createTempFile("telos-fuzz-model", ".twm");
        scratch.toFile().deleteOnExit();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return scratch;
  }
}
