package io.telos.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.telos.api.OperatorCommand;
import io.telos.bridge.teleop.LoginRequest;
import io.telos.bridge.teleop.OperatorProtocol;
import io.telos.model.KinematicChain;
import io.telos.model.RobotDescription;
import io.telos.model.UrdfException;
import io.telos.model.UrdfReader;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/**
 * The decoders of what people and their tools write: an operator station's messages (console
 * WebSocket and MQTT), launch files (YAML), robot descriptions (URDF XML). Each either refuses with
 * its own exception, which names the problem, or returns something whole.
 */
class OperatorAndLaunchFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void operatorMessage(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    try {
      OperatorCommand c = OperatorProtocol.parse(text, "ana", 0, 0);
      Finding.require(c.operator().equals("ana"), "the message chose its operator: " + c.operator());
      Finding.finite(c.values().toArray(), "operator command");
    } catch (OperatorProtocol.ProtocolException expected) {
      Finding.require(expected.getMessage() != null, "a refusal without a reason");
    }
  }

  /** The console's {@code POST /api/login} body. */
  @FuzzTest(maxDuration = "2m")
  void consoleLogin(byte[] data) {
    try {
      LoginRequest r = LoginRequest.parse(new String(data, StandardCharsets.UTF_8));
      Finding.require(r.user().matches("[A-Za-z0-9_.-]{1,32}"), "user name " + r.user());
      Finding.require((r.password() == null) != (r.token() == null), "both or neither of password and token");
    } catch (IllegalArgumentException expected) {
      Finding.require(expected.getMessage() != null && !expected.getMessage().isBlank(), "a refusal without a reason");
    }
  }

  @FuzzTest(maxDuration = "2m")
  void launchFile(byte[] data) {
    try {
      LaunchSpec spec = LaunchFile.parse(new ByteArrayInputStream(data), null);
      Finding.require(spec.plannerRateHz() > 0 && Double.isFinite(spec.plannerRateHz()), "planner rate "
          + spec.plannerRateHz());
    } catch (LaunchException expected) {
      Finding.require(expected.getMessage() != null && !expected.getMessage().isBlank(), "a refusal without a reason");
    }
  }

  @FuzzTest(maxDuration = "2m")
  void urdf(byte[] data) {
    try {
      RobotDescription d = UrdfReader.read(new ByteArrayInputStream(data), "fuzz.urdf");
      KinematicChain chain = KinematicChain.of(d);
      Finding.require(chain.dof() >= 0, "a chain of " + chain.dof() + " joints");
    } catch (UrdfException expected) {
      Finding.require(expected.getMessage() != null, "a refusal without a reason");
    }
  }
}
