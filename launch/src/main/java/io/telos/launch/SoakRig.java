package io.telos.launch;

import io.telos.api.scene.Scene;
import io.telos.api.spi.ArmChain;
import io.telos.bridge.mqtt.BrokerUsers;
import io.telos.bridge.mqtt.EmbeddedBroker;
import io.telos.bridge.mqtt.MqttRobotHardware;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/** What stands between the soak's agent and its robot, with the faults only that transport has. */
interface SoakRig extends AutoCloseable {
  /** The launch file's {@code bridge:} section. */
  String bridge();

  /** Injects a fault of this transport; what happened, in words. */
  String inject(SoakFault f, Session.Started s) throws Exception;

  @Override
  void close();

  /** The simulated arm behind the embedded broker, robot and agent each logged in as themselves. */
  record Mqtt(EmbeddedBroker broker, SimRobotCommand.Standalone robot, String agentPw, String robotPw,
      long seed) implements SoakRig {
    static Mqtt start(Path out, long seed) throws Exception {
      String agentPw = secret();
      String robotPw = secret();
      Path users = out.resolve("broker-users.yaml");
      Files.writeString(users, "users:\n"
          + "  agent: {role: agent, password_hash: \"" + hash(agentPw) + "\"}\n"
          + "  " + SoakCommand.ROBOT + ": {role: robot, password_hash: \"" + hash(robotPw) + "\"}\n");
      EmbeddedBroker broker = new EmbeddedBroker(0, BrokerUsers.read("soak users", users)).start();
      try {
        SimRobotCommand.Standalone robot = SimRobotCommand.Standalone.start(SoakCommand.ROBOT, "builtin:telos6",
            ArmChain.DEFAULT, broker.uri(), 0, seed, Scene.EMPTY, Map.of(),
            Map.of("username", SoakCommand.ROBOT, "password", robotPw));
        return new Mqtt(broker, robot, agentPw, robotPw, seed);
      } catch (Exception e) {
        broker.close();
        throw e;
      }
    }

    @Override
    public String bridge() {
      return "type: mqtt\nbroker: " + broker.uri() + "\nusername: agent\npassword: \"" + agentPw
          + "\"\nkeep_alive_s: 2\n";
    }

    @Override
    public String inject(SoakFault f, Session.Started s) throws Exception {
      if (f == SoakFault.BROKER_RESTART) {
        broker.stop();
        Thread.sleep(3000);
        broker.start();
        return "broker down 3 s";
      }
      MqttRobotHardware agentSide = agentSide(s);
      long before = agentSide == null ? 0 : agentSide.rejectedStates();
      int sent = malformedBurst(broker.uri(), robotPw, seed);
      Thread.sleep(2000);
      long after = agentSide == null ? 0 : agentSide.rejectedStates();
      return sent + " bad states sent, " + (after - before) + " refused by the bridge";
    }

    @Override
    public void close() {
      robot.close();
      broker.close();
    }
  }

  /** The simulated arm behind a ROS 2 driver on loopback DDS; the driver can leave and come back. */
  final class Ros2 implements SoakRig {
    private final int domain;
    private Ros2SimRobot robot;

    private Ros2(int domain, Ros2SimRobot robot) {
      this.domain = domain;
      this.robot = robot;
    }

    static Ros2 start(long seed) {
      int domain = 200 + (int) (ProcessHandle.current().pid() % 30);
      return new Ros2(domain, Ros2SimRobot.start(SoakCommand.ROBOT, "builtin:telos6", domain, true, seed));
    }

    @Override
    public String bridge() {
      return "type: ros2\ndomain_id: " + domain + "\nloopback_only: true\n";
    }

    @Override
    public String inject(SoakFault f, Session.Started s) throws Exception {
      var arm = robot.detach();
      Thread.sleep(3000);
      robot = Ros2SimRobot.attach(arm, SoakCommand.ROBOT, domain, true);
      return "driver off DDS 3 s, arm still running";
    }

    @Override
    public void close() {
      robot.close();
    }
  }


  static String secret() {
    byte[] b = new byte[12];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  static String hash(String pw) {
    return BrokerUsers.hash(pw.toCharArray(), BrokerUsers.MIN_ITERATIONS);
  }

  /** Publishes malformed joint states as the robot's own (logged-in) driver gone wrong would. */
  static int malformedBurst(String uri, String robotPw, long seed) throws MqttException {
    Random rnd = new Random(seed);
    MqttClient c = new MqttClient(uri, "soak-bad-driver", new MemoryPersistence());
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setUserName(SoakCommand.ROBOT);
    o.setPassword(robotPw.getBytes(StandardCharsets.UTF_8));
    c.connect(o);
    String[] bad = {"", "{", "null", "[]", "{\"name\":[\"shoulder_pan_joint\"],\"position\":[\"NaN\"]}",
        "{\"stamp_ns\":1,\"name\":[\"a\",\"b\"],\"position\":[1,2]}",
        "{\"stamp_ns\":1,\"name\":[],\"position\":[]}", "{\"position\":[1e308,1e308,1e308,1e308,1e308,1e308]}",
        "\u0000\u0001\u0002"};
    int n = 0;
    try {
      for (int i = 0; i < 300; i++) {
        byte[] payload;
        if (i % 3 == 0) {
          payload = new byte[rnd.nextInt(512)];
          rnd.nextBytes(payload);
        } else {
          payload = bad[i % bad.length].getBytes(StandardCharsets.UTF_8);
        }
        c.publish("telos/" + SoakCommand.ROBOT + "/state", payload, 0, false);
        n++;
      }
    } finally {
      c.disconnect();
      c.close();
    }
    return n;
  }

  static MqttRobotHardware agentSide(Session.Started s) {
    return s.runtime().parts().hardware() instanceof MqttRobotHardware m ? m : null;
  }

}
