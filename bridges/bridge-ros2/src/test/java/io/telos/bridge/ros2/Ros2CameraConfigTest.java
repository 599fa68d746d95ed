package io.telos.bridge.ros2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code bridge.image_transport} and the camera's topics. */
class Ros2CameraConfigTest {
  @Test
  void rawByDefaultAndTheTopicsFollowImageTransport() {
    Ros2Config c = Ros2Config.defaults();
    assertEquals(Ros2Config.ImageTransport.RAW, c.imageTransport());
    assertEquals("/camera/image_raw", c.imageTopic());
    assertEquals("/camera/image_raw/compressed", c.compressedImageTopic());
    assertEquals("/camera/camera_info", c.cameraInfoTopic());
    Ros2Config n = Ros2Config.parse(Map.of("namespace", "/cell1", "image_transport", "compressed"));
    assertEquals(Ros2Config.ImageTransport.COMPRESSED, n.imageTransport());
    assertEquals("/cell1/camera/image_raw/compressed", n.compressedImageTopic());
    assertEquals("/cell1/camera/camera_info", n.cameraInfoTopic());
    assertEquals(Ros2Config.ImageTransport.RAW, Ros2Config.parse(Map.of("image_transport", "raw")).imageTransport());
    assertTrue(Ros2Config.KEYS.contains("image_transport"));
    assertTrue(new Ros2RobotHardwareProvider().settingKeys().contains("image_transport"));
  }

  @Test
  void anotherTransportIsRefusedNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Ros2Config.parse(Map.of("image_transport", "theora")));
    assertEquals("bridge.image_transport: must be one of compressed, raw, was 'theora'", e.getMessage());
    e = assertThrows(ConfigException.class, () -> Ros2Config.parse(Map.of("image_transport", 3)));
    assertTrue(e.getMessage().startsWith("bridge.image_transport:"), e.getMessage());
  }

  @Test
  void formatsAsImageTransportWritesThem() throws Exception {
    assertEquals("png", CompressedPictures.codec("png"));
    assertEquals("png", CompressedPictures.codec(" PNG "));
    assertEquals("jpeg", CompressedPictures.codec("jpeg"));
    assertEquals("jpeg", CompressedPictures.codec("jpg"));
    assertEquals("jpeg", CompressedPictures.codec("rgb8; jpeg compressed bgr8"));
    assertEquals("png", CompressedPictures.codec("bgr8; png compressed bgr8"));
    assertEquals("png", CompressedPictures.codec("mono8; png compressed mono8"));
    for (String bad : new String[] {"", "tiff", "bgr8; tiff compressed bgr8", "16UC1; compressedDepth png",
        "16UC1; png compressed mono16", "rgb8;"}) {
      assertThrows(CompressedPictures.Refused.class, () -> CompressedPictures.codec(bad), bad);
    }
  }
}
