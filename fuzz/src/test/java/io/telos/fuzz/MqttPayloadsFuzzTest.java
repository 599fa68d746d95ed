package io.telos.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.telos.api.ObjectPose;
import io.telos.api.camera.CameraFrame;
import io.telos.bridge.mqtt.CameraImages;
import io.telos.bridge.mqtt.JointJson;
import io.telos.bridge.mqtt.ObjectsJson;
import java.util.List;

/**
 * The MQTT bridge's decoders of what arrives from a broker: a robot's joint state, a command (as
 * the simulated robot receives it), object poses, camera pictures. Each either refuses the
 * payload with {@link JointJson.Rejected} or returns values that are whole: one per joint, finite,
 * within the documented bounds. Any other exception, a hang or a non-finite value is a finding.
 */
class MqttPayloadsFuzzTest {
  static final JointJson JSON = new JointJson(List.of("j1", "j2", "j3", "j4", "j5", "j6"));

  @FuzzTest(maxDuration = "2m")
  void jointState(byte[] payload) {
    try {
      JointJson.State s = JSON.decodeState(payload);
      Finding.require(s.position().length == 6, "state with " + s.position().length + " positions");
      Finding.finite(s.position(), "state position");
      Finding.finite(s.velocity(), "state velocity");
      Finding.finite(s.effort(), "state effort");
    } catch (JointJson.Rejected expected) {
      Finding.require(expected.getMessage() != null, "a refusal without a reason");
    }
  }

  @FuzzTest(maxDuration = "2m")
  void jointCommand(byte[] payload) {
    try {
      JointJson.Command c = JSON.decodeCommand(payload);
      Finding.require(c.position().length == 6, "command with " + c.position().length + " positions");
      Finding.finite(c.position(), "command position");
      Finding.finite(c.velocity(), "command velocity");
      Finding.require(c.mode() != null, "command without a mode");
    } catch (JointJson.Rejected expected) {
      Finding.require(expected.getMessage() != null, "a refusal without a reason");
    }
  }

  @FuzzTest(maxDuration = "2m")
  void objects(byte[] payload) {
    try {
      List<ObjectPose> objects = ObjectsJson.decode(payload, 0);
      Finding.require(objects.size() <= ObjectsJson.MAX_OBJECTS, objects.size() + " objects");
      for (ObjectPose o : objects) {
        Finding.finite(new double[] {o.xM(), o.yM(), o.zM(), o.yawRad()}, "object pose");
      }
    } catch (JointJson.Rejected expected) {
      Finding.require(expected.getMessage() != null, "a refusal without a reason");
    }
  }

  @FuzzTest(maxDuration = "2m")
  void cameraImage(byte[] payload) {
    try {
      CameraFrame f = CameraImages.decode(payload, 0);
      Finding.require(f.rgb().length == 3 * f.width() * f.height(), "a picture of the wrong size");
    } catch (JointJson.Rejected expected) {
      Finding.require(expected.getMessage() != null, "a refusal without a reason");
    }
  }
}
