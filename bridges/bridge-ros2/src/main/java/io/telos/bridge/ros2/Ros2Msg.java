package io.telos.bridge.ros2;

import java.util.List;
import java.util.Objects;

/**
 * Transport-neutral forms of the few ROS 2 messages the bridge uses, so that {@link Ros2Transport}
 * does not leak a client library's generated classes. Arrays are owned by the record: a transport
 * copies into fresh arrays when it decodes, and the bridge never mutates them after encoding.
 */
public final class Ros2Msg {
  private Ros2Msg() {}

  /** {@code sensor_msgs/msg/JointState}; {@code stampSec}/{@code stampNanosec} is header.stamp. */
  public record JointState(int stampSec, long stampNanosec, String frameId, List<String> name, double[] position,
      double[] velocity, double[] effort) {
    public JointState {
      frameId = frameId == null ? "" : frameId;
      name = List.copyOf(name);
      Objects.requireNonNull(position, "position");
      velocity = velocity == null ? new double[0] : velocity;
      effort = effort == null ? new double[0] : effort;
    }
  }

  /**
   * {@code trajectory_msgs/msg/JointTrajectory} with exactly one point (all the bridge sends);
   * header.stamp is zero, which a {@code joint_trajectory_controller} reads as "start now".
   */
  public record JointTrajectory(List<String> jointNames, double[] positions, double[] velocities,
      long timeFromStartNs) {
    public JointTrajectory {
      jointNames = List.copyOf(jointNames);
      Objects.requireNonNull(positions, "positions");
      velocities = velocities == null ? new double[0] : velocities;
    }
  }

  /** {@code std_msgs/msg/Float64MultiArray} with an empty layout. */
  public record Float64MultiArray(double[] data) {
    public Float64MultiArray {
      Objects.requireNonNull(data, "data");
    }
  }

  /** {@code std_msgs/msg/String}. */
  public record Text(String data) {
    public Text {
      data = data == null ? "" : data;
    }
  }

  /**
   * {@code sensor_msgs/msg/Image}: {@code height} rows of {@code step} bytes each in {@code data},
   * pixels as {@code encoding} says ({@code rgb8}, {@code bgr8}, {@code mono8}, …), little-endian.
   */
  public record Image(int stampSec, long stampNanosec, String frameId, int height, int width, String encoding,
      int step, byte[] data) {
    public Image {
      frameId = frameId == null ? "" : frameId;
      encoding = encoding == null ? "" : encoding;
      Objects.requireNonNull(data, "data");
    }
  }

  /**
   * {@code sensor_msgs/msg/CompressedImage}: a picture as a PNG or JPEG file in {@code data}, and how
   * it was compressed in {@code format}, as image_transport's {@code compressed} plugin writes it:
   * {@code png}, {@code jpeg}, or the long form {@code "bgr8; jpeg compressed bgr8"} (the raw
   * encoding, then the codec).
   */
  public record CompressedImage(int stampSec, long stampNanosec, String frameId, String format, byte[] data) {
    public CompressedImage {
      frameId = frameId == null ? "" : frameId;
      format = format == null ? "" : format;
      Objects.requireNonNull(data, "data");
    }
  }

  /**
   * {@code sensor_msgs/msg/CameraInfo}: the calibration of the camera whose pictures have the same
   * header. {@code k} is the row-major 3×3 intrinsic matrix {@code [fx 0 cx; 0 fy cy; 0 0 1]},
   * {@code r} the 3×3 rectification rotation, {@code p} the 3×4 projection matrix, {@code d} the
   * distortion coefficients of {@code distortionModel} (e.g. {@code plumb_bob}: k1, k2, t1, t2, k3),
   * at most {@link #MAX_DISTORTION}. An all-zero {@code k} means an uncalibrated camera.
   */
  public record CameraInfo(int stampSec, long stampNanosec, String frameId, int height, int width,
      String distortionModel, double[] d, double[] k, double[] r, double[] p, int binningX, int binningY,
      RegionOfInterest roi) {
    /** The most distortion coefficients carried. */
    public static final int MAX_DISTORTION = 64;

    public CameraInfo {
      frameId = frameId == null ? "" : frameId;
      distortionModel = distortionModel == null ? "" : distortionModel;
      d = d == null ? new double[0] : d;
      if (d.length > MAX_DISTORTION) {
        throw new IllegalArgumentException("d has " + d.length + " coefficients, at most " + MAX_DISTORTION);
      }
      if (k == null || k.length != 9 || r == null || r.length != 9 || p == null || p.length != 12) {
        throw new IllegalArgumentException("k and r need 9 values and p 12");
      }
      roi = roi == null ? RegionOfInterest.NONE : roi;
    }

    /**
     * An ideal pinhole camera without distortion, as a calibrated camera driver publishes it:
     * {@code k = [fx 0 cx; 0 fy cy; 0 0 1]}, {@code r} the identity, {@code p = [k | 0]},
     * {@code plumb_bob} with five zeros, no binning, no region of interest.
     */
    public static CameraInfo pinhole(int stampSec, long stampNanosec, String frameId, int width, int height,
        double fx, double fy, double cx, double cy) {
      return new CameraInfo(stampSec, stampNanosec, frameId, height, width, "plumb_bob", new double[5],
          new double[] {fx, 0, cx, 0, fy, cy, 0, 0, 1}, new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1},
          new double[] {fx, 0, cx, 0, 0, fy, cy, 0, 0, 0, 1, 0}, 0, 0, RegionOfInterest.NONE);
    }

    /** Focal length along x, pixels: {@code k[0]}. */
    public double fx() {
      return k[0];
    }

    /** Focal length along y, pixels: {@code k[4]}. */
    public double fy() {
      return k[4];
    }

    /** Principal point x, pixels: {@code k[2]}. */
    public double cx() {
      return k[2];
    }

    /** Principal point y, pixels: {@code k[5]}. */
    public double cy() {
      return k[5];
    }
  }

  /** {@code sensor_msgs/msg/RegionOfInterest}; all zero = the full picture. */
  public record RegionOfInterest(int xOffset, int yOffset, int height, int width, boolean doRectify) {
    /** The full picture. */
    public static final RegionOfInterest NONE = new RegionOfInterest(0, 0, 0, 0, false);
  }
}
