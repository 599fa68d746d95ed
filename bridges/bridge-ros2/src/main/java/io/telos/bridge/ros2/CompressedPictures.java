package io.telos.bridge.ros2;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes the data of a {@code sensor_msgs/CompressedImage} (PNG or JPEG) into RGB8 pixels with
 * {@code javax.imageio}. The size is read from the file's header first and checked before any pixel
 * is decoded, so a small message claiming a huge picture (a decompression bomb) allocates nothing;
 * a picture that does not decode, or decodes with a warning (a truncated JPEG decodes into grey
 * with only a warning), is refused.
 */
final class CompressedPictures {
  /** The largest side of a picture taken, as for raw pictures. */
  static final int MAX_SIDE = 4096;
  /** Raw encodings the long format form may name: the ones a picture can have. */
  private static final Set<String> PICTURE_ENCODINGS = Set.of("rgb8", "bgr8", "rgba8", "bgra8", "mono8");

  private CompressedPictures() {}

  /** A refused picture, with the reason. */
  static final class Refused extends Exception {
    Refused(String why) {
      super(why, null, false, false);
    }
  }

  /** Decoded pixels: {@code 3·width·height} bytes, RGB, row-major from the top-left. */
  record Picture(int width, int height, byte[] rgb) {}

  /** Checks a picture's size before its pixels are decoded. */
  interface SizeCheck {
    /** Why a picture of this size is refused, or null. */
    String refuse(int width, int height);
  }

  /**
   * The codec of a {@code format} as image_transport writes it, {@code png} or {@code jpeg}: the
   * format itself ({@code png}, {@code jpeg}, {@code jpg}) or, in the long form
   * {@code "<raw encoding>; <codec> compressed <encoding>"}, the word after the ';'.
   *
   * @throws Refused naming the format when it is neither, or when the long form's raw encoding is not
   *     a picture's (a depth image, say)
   */
  static String codec(String format) throws Refused {
    String f = format.strip().toLowerCase(Locale.ROOT);
    int semi = f.indexOf(';');
    String word = (semi < 0 ? f : f.substring(semi + 1)).strip();
    int space = word.indexOf(' ');
    word = space < 0 ? word : word.substring(0, space);
    String codec = switch (word) {
      case "png" -> "png";
      case "jpeg", "jpg" -> "jpeg";
      default -> null;
    };
    if (codec == null) {
      throw new Refused("compressed image format '" + format + "' is not png or jpeg");
    }
    if (semi >= 0 && !PICTURE_ENCODINGS.contains(f.substring(0, semi).strip())) {
      throw new Refused("compressed image format '" + format + "': the picture was "
          + format.substring(0, format.indexOf(';')).strip() + ", not one of "
          + String.join(", ", PICTURE_ENCODINGS.stream().sorted().toList()));
    }
    return codec;
  }

  /**
   * Decodes {@code data} as a {@code codec} file ({@link #codec}).
   *
   * @param check called with the size from the file's header, before the pixels are decoded
   * @throws Refused with the reason: a size outside [1, {@link #MAX_SIDE}], what {@code check} says,
   *     data that does not decode
   */
  static Picture decode(String codec, byte[] data, SizeCheck check) throws Refused {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(codec);
    if (!readers.hasNext()) {
      throw new Refused("no " + codec + " reader");
    }
    ImageReader reader = readers.next();
    List<String> warnings = new ArrayList<>();
    reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
    BufferedImage img;
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
      reader.setInput(in, true, true);
      int w = reader.getWidth(0);
      int h = reader.getHeight(0);
      if (w < 1 || h < 1 || w > MAX_SIDE || h > MAX_SIDE) {
        throw new Refused("compressed image of " + w + "x" + h + " (each side must be in [1, " + MAX_SIDE + "])");
      }
      String why = check.refuse(w, h);
      if (why != null) {
        throw new Refused(why);
      }
      img = reader.read(0);
      if (img.getWidth() != w || img.getHeight() != h) {
        throw new Refused("the " + codec + " decoded into " + img.getWidth() + "x" + img.getHeight() + ", its header"
            + " says " + w + "x" + h);
      }
    } catch (IOException | RuntimeException e) {
      throw new Refused("the " + codec + " of " + data.length + " bytes does not decode: " + e.getMessage());
    } finally {
      reader.dispose();
    }
    if (!warnings.isEmpty()) {
      throw new Refused("the " + codec + " of " + data.length + " bytes is damaged: " + warnings.get(0));
    }
    return new Picture(img.getWidth(), img.getHeight(), rgb8(img));
  }

  /**
   * RGB8 pixels of any picture: grey (of any depth) repeated into the three channels, RGB or BGR
   * samples as they are (16-bit ones scaled to 8), alpha dropped; anything else (a palette, another
   * colour space) through {@link BufferedImage#getRGB}.
   */
  static byte[] rgb8(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    byte[] rgb = new byte[3 * w * h];
    ColorModel cm = img.getColorModel();
    ColorSpace cs = cm.getColorSpace();
    boolean gray = cs.getType() == ColorSpace.TYPE_GRAY;
    int[] row = new int[w];
    if (cm instanceof ComponentColorModel && (gray || cs.isCS_sRGB())) {
      // the samples themselves: getRGB would convert Java's linear grey to sRGB and change the values
      Raster r = img.getRaster();
      for (int c = 0; c < 3; c++) {
        int band = gray ? 0 : c;
        int max = (1 << cm.getComponentSize(band)) - 1;
        for (int y = 0; y < h; y++) {
          r.getSamples(0, y, w, 1, band, row);
          for (int x = 0, k = 3 * y * w + c; x < w; x++, k += 3) {
            rgb[k] = (byte) (max == 255 ? row[x] : (row[x] * 255L + max / 2) / max);
          }
        }
      }
      return rgb;
    }
    for (int y = 0; y < h; y++) {
      img.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0, k = 3 * y * w; x < w; x++, k += 3) {
        rgb[k] = (byte) (row[x] >> 16);
        rgb[k + 1] = (byte) (row[x] >> 8);
        rgb[k + 2] = (byte) row[x];
      }
    }
    return rgb;
  }
}
