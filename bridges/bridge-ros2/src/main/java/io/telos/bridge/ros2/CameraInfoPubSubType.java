package io.telos.bridge.ros2;

import java.util.Arrays;
import us.ihmc.idl.CDR;
import us.ihmc.pubsub.TopicDataType;

/**
 * {@code sensor_msgs/msg/CameraInfo} in ROS 2's CDR layout: header (stamp {@code int32 sec},
 * {@code uint32 nanosec}, {@code string frame_id}), {@code uint32 height}, {@code uint32 width},
 * {@code string distortion_model}, {@code sequence<double> d} (uint32 length, then the values, the
 * first aligned to 8), {@code double k[9]}, {@code double r[9]}, {@code double p[12]} (fixed arrays:
 * no length, aligned to 8), {@code uint32 binning_x}, {@code uint32 binning_y} and the
 * {@code RegionOfInterest roi} ({@code uint32 x_offset, y_offset, height, width},
 * {@code boolean do_rectify}). Written by hand so that {@code d}'s bound is the bridge's
 * ({@link #MAX_DISTORTION}, more is refused) and the type shares the scaffolding of the picture types.
 */
final class CameraInfoPubSubType extends CdrOnlyPubSubType<CameraInfoPubSubType.Buffer> {
  /** The most distortion coefficients carried (rational_polynomial has 8, thin-prism models 12 or 14). */
  static final int MAX_DISTORTION = Ros2Msg.CameraInfo.MAX_DISTORTION;

  /** The message's fields, reused between messages. */
  static final class Buffer extends Stamped {
    long height;
    long width;
    final StringBuilder distortionModel = new StringBuilder();
    double[] d = new double[MAX_DISTORTION];
    int dLength;
    final double[] k = new double[9];
    final double[] r = new double[9];
    final double[] p = new double[12];
    long binningX;
    long binningY;
    long roiXOffset;
    long roiYOffset;
    long roiHeight;
    long roiWidth;
    boolean roiDoRectify;
  }

  CameraInfoPubSubType() {
    super("sensor_msgs::msg::dds_::CameraInfo_", "sensor_msgs/CameraInfo", Buffer::new);
  }

  @Override
  String oversize(Buffer data) {
    if (data.dLength > MAX_DISTORTION) {
      return "d of " + data.dLength + " coefficients, at most " + MAX_DISTORTION;
    }
    return data.frameId.length() > MAX_TEXT || data.distortionModel.length() > MAX_TEXT
        ? "frame_id or distortion_model longer than " + MAX_TEXT + " bytes" : null;
  }

  @Override
  public void serialize(Buffer b, CDR cdr) {
    b.writeHeader(cdr);
    cdr.write_type_4(b.height);
    cdr.write_type_4(b.width);
    cdr.write_type_d(b.distortionModel);
    cdr.write_type_2(b.dLength);
    for (int i = 0; i < b.dLength; i++) {
      cdr.write_type_6(b.d[i]);
    }
    for (double v : b.k) {
      cdr.write_type_6(v);
    }
    for (double v : b.r) {
      cdr.write_type_6(v);
    }
    for (double v : b.p) {
      cdr.write_type_6(v);
    }
    cdr.write_type_4(b.binningX);
    cdr.write_type_4(b.binningY);
    cdr.write_type_4(b.roiXOffset);
    cdr.write_type_4(b.roiYOffset);
    cdr.write_type_4(b.roiHeight);
    cdr.write_type_4(b.roiWidth);
    cdr.write_type_7(b.roiDoRectify);
  }

  @Override
  public void deserialize(Buffer b, CDR cdr) {
    b.readHeader(cdr);
    b.height = cdr.read_type_4();
    b.width = cdr.read_type_4();
    readText(cdr, b.distortionModel, MAX_TEXT, "distortion_model");
    int n = readLength(cdr, MAX_DISTORTION, "d");
    for (int i = 0; i < n; i++) {
      b.d[i] = cdr.read_type_6();
    }
    b.dLength = n;
    for (int i = 0; i < b.k.length; i++) {
      b.k[i] = cdr.read_type_6();
    }
    for (int i = 0; i < b.r.length; i++) {
      b.r[i] = cdr.read_type_6();
    }
    for (int i = 0; i < b.p.length; i++) {
      b.p[i] = cdr.read_type_6();
    }
    b.binningX = cdr.read_type_4();
    b.binningY = cdr.read_type_4();
    b.roiXOffset = cdr.read_type_4();
    b.roiYOffset = cdr.read_type_4();
    b.roiHeight = cdr.read_type_4();
    b.roiWidth = cdr.read_type_4();
    b.roiDoRectify = cdr.read_type_7();
  }

  @Override
  public void copy(Buffer src, Buffer dest) {
    dest.copyHeader(src);
    dest.height = src.height;
    dest.width = src.width;
    copyText(src.distortionModel, dest.distortionModel);
    dest.d = Arrays.copyOf(src.d, Math.max(MAX_DISTORTION, src.d.length));
    dest.dLength = src.dLength;
    System.arraycopy(src.k, 0, dest.k, 0, 9);
    System.arraycopy(src.r, 0, dest.r, 0, 9);
    System.arraycopy(src.p, 0, dest.p, 0, 12);
    dest.binningX = src.binningX;
    dest.binningY = src.binningY;
    dest.roiXOffset = src.roiXOffset;
    dest.roiYOffset = src.roiYOffset;
    dest.roiHeight = src.roiHeight;
    dest.roiWidth = src.roiWidth;
    dest.roiDoRectify = src.roiDoRectify;
  }

  @Override
  public int getTypeSize() {
    // header, size, distortion_model, d, k r p, binning, roi, with up to 7 bytes of padding before each part
    return CDR.getTypeSize(4 + 4 + 4 + MAX_TEXT + 1 + 7 + 4 + 4 + 4 + MAX_TEXT + 1 + 7 + 4 + 7 + 8 * MAX_DISTORTION
        + 7 + 8 * 30 + 4 + 4 + 4 * 4 + 1 + 7);
  }

  @Override
  public TopicDataType<Buffer> newInstance() {
    return new CameraInfoPubSubType();
  }
}
