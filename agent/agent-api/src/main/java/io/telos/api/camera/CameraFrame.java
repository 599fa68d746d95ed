package io.telos.api.camera;

import java.util.Objects;

/**
 * One picture: 8-bit RGB pixels, row-major from the top-left ({@code 3·width·height} bytes), and
 * optionally a depth image (metres along the optical axis, {@code NaN} where nothing was seen).
 * The arrays are handed over, not copied: whoever receives a frame must not modify them.
 *
 * @param camera the camera's name
 * @param sequence frame counter of that camera, from 0
 * @param stampNs when the picture was taken (the runtime's clock)
 * @param depth {@code null} when the camera gives no depth
 */
public record CameraFrame(String camera, long sequence, long stampNs, int width, int height, byte[] rgb,
    float[] depth) {
  public CameraFrame {
    Objects.requireNonNull(camera, "camera");
    Objects.requireNonNull(rgb, "rgb");
    if (width <= 0 || height <= 0 || (long) width * height > 4096L * 4096L) {
      throw new IllegalArgumentException("frame size " + width + "x" + height + " out of range");
    }
    if (rgb.length != 3 * width * height) {
      throw new IllegalArgumentException("rgb has " + rgb.length + " bytes, a " + width + "x" + height
          + " RGB8 frame needs " + 3 * width * height);
    }
    if (depth != null && depth.length != width * height) {
      throw new IllegalArgumentException("depth has " + depth.length + " values, needs " + width * height);
    }
  }

  /** Luminance of pixel {@code (x, y)}, 0–255 (ITU-R BT.601 weights). */
  public int gray(int x, int y) {
    int i = 3 * (y * width + x);
    return ((rgb[i] & 0xff) * 299 + (rgb[i + 1] & 0xff) * 587 + (rgb[i + 2] & 0xff) * 114 + 500) / 1000;
  }
}
