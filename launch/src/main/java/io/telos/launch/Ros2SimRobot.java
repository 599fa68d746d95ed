package io.telos.launch;

import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.Vec;
import io.telos.api.WallClock;
import io.telos.api.camera.CameraFrame;
import io.telos.api.camera.CameraSpec;
import io.telos.api.scene.Scene;
import io.telos.api.spi.ArmChain;
import io.telos.api.spi.HardwareContext;
import io.telos.bridge.ros2.IhmcRos2Transport;
import io.telos.bridge.ros2.Ros2Config;
import io.telos.bridge.ros2.Ros2Msg;
import io.telos.bridge.ros2.Ros2Qos;
import io.telos.bridge.ros2.Ros2Transport;
import io.telos.bridge.ros2.Ros2Type;
import io.telos.bridge.sim.SimRobotHardwareProvider;
import io.telos.bridge.sim.SimulatedArm;
import io.telos.runtime.safety.Pacer;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The simulated arm as a ROS 2 robot driver would present it, following ros2_control: publishes
 * {@code /joint_states} ({@code sensor_msgs/JointState}) and executes
 * {@code /forward_position_controller/commands} ({@code std_msgs/Float64MultiArray}, joints in URDF
 * chain order), with ROS 2's default QoS (reliable, depth 10, volatile). With a {@code scene.camera},
 * its pictures go out as a camera driver publishes them: {@code sensor_msgs/Image} (rgb8) on
 * {@code /camera/image_raw} or, with compressed image transport, {@code sensor_msgs/CompressedImage}
 * (PNG) on {@code /camera/image_raw/compressed}, each after its {@code sensor_msgs/CameraInfo} on
 * {@code /camera/camera_info} (the scene camera's intrinsics, no distortion), all with sensor-data QoS.
 */
final class Ros2SimRobot implements AutoCloseable {
  static final String CONTROLLER = "forward_position_controller";
  static final double STATE_RATE_HZ = 250;

  private final SimulatedArm arm;
  private final Ros2Transport transport;
  private final Ros2Transport.Publisher<Ros2Msg.JointState> states;
  private final Thread publisher;
  private final AtomicLong commands = new AtomicLong();
  private final AtomicLong framesPublished = new AtomicLong();
  /** Where the simulated camera's pictures go ({@code sensor_msgs/Image}, rgb8, sensor-data QoS). */
  static final String IMAGE_TOPIC = "/camera/image_raw";
  /** Where they go with compressed image transport ({@code sensor_msgs/CompressedImage}, PNG). */
  static final String COMPRESSED_IMAGE_TOPIC = IMAGE_TOPIC + "/compressed";
  /** The simulated camera's calibration ({@code sensor_msgs/CameraInfo}), sent with each picture. */
  static final String CAMERA_INFO_TOPIC = "/camera/camera_info";
  /** The PNG writer's fastest deflate level (as the MQTT robot's pictures). */
  private static final float FAST_DEFLATE = 0.9f;
  private volatile boolean running = true;
  private long sequence;

  /**
   * @param camera the intrinsics published as camera_info with each picture, or null for none
   * @param imageTransport raw ({@code sensor_msgs/Image}) or compressed ({@code CompressedImage}, PNG)
   */
  private Ros2SimRobot(SimulatedArm arm, Ros2Transport transport, CameraSpec camera,
      Ros2Config.ImageTransport imageTransport) {
    this.arm = arm;
    this.transport = transport;
    this.states = transport.publisher(Ros2Type.JOINT_STATE, "/joint_states", Ros2Qos.DEFAULT);
    if (arm.hasCamera()) { // scene.camera: its pictures, sent from the arm's camera thread
      Ros2Transport.Publisher<Ros2Msg.CameraInfo> infos = camera == null ? null
          : transport.publisher(Ros2Type.CAMERA_INFO, CAMERA_INFO_TOPIC, Ros2Qos.SENSOR_DATA);
      boolean compressed = imageTransport == Ros2Config.ImageTransport.COMPRESSED;
      Ros2Transport.Publisher<Ros2Msg.Image> images = compressed ? null
          : transport.publisher(Ros2Type.IMAGE, IMAGE_TOPIC, Ros2Qos.SENSOR_DATA);
      Ros2Transport.Publisher<Ros2Msg.CompressedImage> pngs = compressed
          ? transport.publisher(Ros2Type.COMPRESSED_IMAGE, COMPRESSED_IMAGE_TOPIC, Ros2Qos.SENSOR_DATA) : null;
      arm.onFrame(f -> {
        if (running) {
          long now = System.currentTimeMillis();
          int sec = (int) (now / 1000);
          long nanosec = (now % 1000) * 1_000_000L;
          if (infos != null) {
            infos.publish(Ros2Msg.CameraInfo.pinhole(sec, nanosec, f.camera(), camera.width(), camera.height(),
                camera.fx(), camera.fy(), camera.cx(), camera.cy()));
          }
          if (compressed) {
            pngs.publish(new Ros2Msg.CompressedImage(sec, nanosec, f.camera(), "rgb8; png compressed bgr8", png(f)));
          } else {
            images.publish(new Ros2Msg.Image(sec, nanosec, f.camera(), f.height(), f.width(), "rgb8", 3 * f.width(),
                f.rgb()));
          }
          framesPublished.incrementAndGet();
        }
      });
    }
    transport.subscribe(Ros2Type.FLOAT64_MULTI_ARRAY, "/" + CONTROLLER + "/commands", Ros2Qos.DEFAULT, this::command);
    this.publisher = Thread.ofPlatform().daemon(true).name("telos-ros2-robot").unstarted(this::publishStates);
  }

  static Ros2SimRobot start(String id, String description, int domainId, boolean loopbackOnly, long seed) {
    return start(id, description, domainId, loopbackOnly, seed, Map.of());
  }

  /**
   * @param sim settings of the {@code sim} bridge for the arm (e.g. {@code lag_s},
   *     {@code dead_time_ms}, {@code max_velocity}: a slow arm); empty for the defaults
   */
  static Ros2SimRobot start(String id, String description, int domainId, boolean loopbackOnly, long seed,
      Map<String, Object> sim) {
    return start(id, description, ArmChain.DEFAULT, domainId, loopbackOnly, seed, sim);
  }

  /** @param chain the arm's base and tip links in the description (a branching vendor URDF needs the tip) */
  static Ros2SimRobot start(String id, String description, ArmChain chain, int domainId, boolean loopbackOnly,
      long seed, Map<String, Object> sim) {
    return start(id, description, chain, domainId, loopbackOnly, seed, sim, Scene.EMPTY);
  }

  /** @param scene objects the arm simulates and the camera it renders; only the camera's pictures go out */
  static Ros2SimRobot start(String id, String description, ArmChain chain, int domainId, boolean loopbackOnly,
      long seed, Map<String, Object> sim, Scene scene) {
    return start(id, description, chain, domainId, loopbackOnly, seed, sim, scene, Ros2Config.ImageTransport.RAW);
  }

  /**
   * @param imageTransport how the camera's pictures go out: raw ({@code sensor_msgs/Image} on
   *     {@link #IMAGE_TOPIC}) or compressed (PNG {@code sensor_msgs/CompressedImage} on
   *     {@link #COMPRESSED_IMAGE_TOPIC}); the scene camera's calibration goes on
   *     {@link #CAMERA_INFO_TOPIC} either way
   */
  static Ros2SimRobot start(String id, String description, ArmChain chain, int domainId, boolean loopbackOnly,
      long seed, Map<String, Object> sim, Scene scene, Ros2Config.ImageTransport imageTransport) {
    SimulatedArm arm = new SimRobotHardwareProvider().create(new HardwareContext(id, description, Map.copyOf(sim),
        WallClock.INSTANCE, seed, false, scene, chain));
    arm.start();
    return attach(arm, id, domainId, loopbackOnly, scene.camera(), imageTransport);
  }

  /**
   * Puts an already running arm on DDS: a driver (re)starting while the arm stays where it is; its
   * pictures, if it has a camera, go out raw and without camera_info. Closes the arm when the
   * transport cannot be created.
   */
  static Ros2SimRobot attach(SimulatedArm arm, String id, int domainId, boolean loopbackOnly) {
    return attach(arm, id, domainId, loopbackOnly, null, Ros2Config.ImageTransport.RAW);
  }

  private static Ros2SimRobot attach(SimulatedArm arm, String id, int domainId, boolean loopbackOnly,
      CameraSpec camera, Ros2Config.ImageTransport imageTransport) {
    Ros2Transport transport;
    try {
      transport = new IhmcRos2Transport("telos_sim_robot_" + id, domainId, loopbackOnly);
    } catch (RuntimeException e) {
      arm.close();
      throw e;
    }
    Ros2SimRobot robot = new Ros2SimRobot(arm, transport, camera, imageTransport);
    robot.publisher.start();
    return robot;
  }

  /** The picture as a PNG file, written at the fastest deflate level. */
  static byte[] png(CameraFrame f) {
    BufferedImage img = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    byte[] rgb = f.rgb();
    for (int k = 0; k < rgb.length; k += 3) {
      bgr[k] = rgb[k + 2];
      bgr[k + 1] = rgb[k + 1];
      bgr[k + 2] = rgb[k];
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    ImageWriteParam fast = writer.getDefaultWriteParam();
    fast.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    fast.setCompressionType(fast.getCompressionTypes()[0]);
    fast.setCompressionQuality(FAST_DEFLATE);
    ByteArrayOutputStream out = new ByteArrayOutputStream(f.width() * f.height());
    try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(null, new IIOImage(img, null, null), fast);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: does not happen
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  private void command(Ros2Msg.Float64MultiArray msg) {
    double[] q = msg.data();
    if (q.length != arm.jointNames().size()) {
      return; // the sim arm counts and ignores malformed commands itself; this one cannot be mapped
    }
    arm.write(new JointCommand(new Header(sequence++, System.nanoTime(), "ros2", ""), arm.jointNames(), Vec.of(q),
        Vec.zeros(q.length), Mode.AUTONOMOUS));
    commands.incrementAndGet();
  }

  private void publishStates() {
    Pacer pacer = new Pacer(Math.round(1e9 / STATE_RATE_HZ), 0);
    while (running) {
      JointState s = arm.read();
      if (s != null) {
        long now = System.currentTimeMillis();
        states.publish(new Ros2Msg.JointState((int) (now / 1000), (now % 1000) * 1_000_000L, "", s.names(),
            s.position().toArray(), s.velocity().toArray(), s.effort().toArray()));
      }
      pacer.await();
    }
  }

  long commandsApplied() {
    return commands.get();
  }

  /** Pictures sent on {@link #IMAGE_TOPIC} or {@link #COMPRESSED_IMAGE_TOPIC}. */
  long framesPublished() {
    return framesPublished.get();
  }

  /** The simulated arm behind the driver. */
  SimulatedArm arm() {
    return arm;
  }

  /** Takes the driver off DDS (its participant leaves) and leaves the arm running. */
  SimulatedArm detach() {
    stopDriver();
    return arm;
  }

  @Override
  public void close() {
    stopDriver();
    arm.close();
  }

  private void stopDriver() {
    if (!running) {
      return;
    }
    running = false;
    try {
      publisher.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    transport.close();
  }
}
