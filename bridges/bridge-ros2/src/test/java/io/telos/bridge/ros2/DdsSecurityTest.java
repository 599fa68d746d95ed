package io.telos.bridge.ros2;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DdsSecurityTest {
  @Test
  void anEnforcedSecureSystemIsRefusedAndAPermissiveOneJoinedWithAWarning() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> DdsSecurity.check(
        Map.of("ROS_SECURITY_ENABLE", "true", "ROS_SECURITY_STRATEGY", "Enforce", "ROS_SECURITY_KEYSTORE", "/ks"),
        "telos_arm1"));
    assertTrue(e.getMessage().contains("will not join the domain in clear"), e.getMessage());
    assertDoesNotThrow(() -> DdsSecurity.check(Map.of("ROS_SECURITY_ENABLE", "true"), "telos_arm1"));
    assertDoesNotThrow(() -> DdsSecurity.check(Map.of("ROS_SECURITY_ENABLE", "false",
        "ROS_SECURITY_STRATEGY", "Enforce"), "telos_arm1"));
    assertDoesNotThrow(() -> DdsSecurity.check(Map.of(), "telos_arm1"));
  }

  /**
   * The stance rests on the bundled Fast DDS having no security plugins (it links no OpenSSL and
   * holds none of the builtin plugin names). When a new IHMC release ships them, this fails: wire
   * the keystore through and drop the refusal.
   */
  @Test
  void theBundledFastDdsHasNoSecurityPlugins() throws IOException {
    String lib = "ihmc-pub-sub/native/Linux/x86_64/libfastrtps.so.2.14";
    try (InputStream in = DdsSecurityTest.class.getClassLoader().getResourceAsStream(lib)) {
      assertNotNull(in, lib + " is not on the class path: the IHMC native layout changed");
      String bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertFalse(bytes.contains("builtin.PKI-DH"), "the authentication plugin is present");
      assertFalse(bytes.contains("builtin.AES-GCM-GMAC"), "the cryptographic plugin is present");
      assertFalse(bytes.contains("libssl.so"), "OpenSSL is linked");
      assertFalse(DdsSecurity.SUPPORTED);
    }
  }
}
