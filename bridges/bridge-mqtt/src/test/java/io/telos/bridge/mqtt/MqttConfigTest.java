package io.telos.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MqttConfigTest {
  @Test
  void defaults() {
    MqttConfig c = MqttConfig.parse("arm1", Map.of("type", "mqtt"));
    assertTrue(c.embedded());
    assertEquals(1883, c.port());
    assertEquals("telos/arm1/", c.prefix());
    assertEquals("telos/arm1/state", c.topics().state());
    assertEquals("telos/arm1/command", c.topics().command());
    assertEquals("telos/arm1/status", c.topics().status());
    assertEquals("telos/arm1/robot_status", c.topics().robotStatus());
    assertEquals("telos/arm1/estop", c.topics().estop());
    assertEquals(0, c.qosState());
    assertEquals(0, c.qosCommand());
    assertEquals(1, c.commandExpiryS());
    assertEquals("telos-arm1-agent", c.clientId());
    assertEquals(5, c.keepAliveS());
    assertNull(c.username());
    assertNull(c.socketFactory());
  }

  @Test
  void everyKeyBinds() {
    Map<String, Object> m = new HashMap<>();
    m.put("broker", "tcp://10.0.0.2:1884");
    m.put("prefix", "plant/cell3");
    m.put("qos_state", 1);
    m.put("qos_command", 2);
    m.put("command_expiry_s", 3);
    m.put("username", "agent");
    m.put("password", "s3cret");
    m.put("client_id", "me");
    m.put("keep_alive_s", 10);
    MqttConfig c = MqttConfig.parse("arm1", m);
    assertFalse(c.embedded());
    assertEquals("plant/cell3/", c.prefix(), "a trailing / is added");
    assertEquals(1, c.qosState());
    assertEquals(2, c.qosCommand());
    assertEquals(3, c.commandExpiryS());
    assertEquals("agent", c.username());
    assertEquals("s3cret", c.password());
    assertEquals("me", c.clientId());
    assertEquals(10, c.keepAliveS());
    assertFalse(c.toString().contains("s3cret"), "the password is never printed");
    assertEquals(0, MqttConfig.parse("a", Map.of("port", 0)).port());
  }

  static List<Arguments> bad() {
    return List.of(
        Arguments.of(Map.of("qos_state", 5), "bridge.qos_state: must be 0, 1 or 2, was 5"),
        Arguments.of(Map.of("qos_command", "1"), "bridge.qos_command: must be 0, 1 or 2, was '1'"),
        Arguments.of(Map.of("broker", "mqtt://host:1883"), "bridge.broker: must be 'embedded' or a tcp:// or ssl:// URI"),
        Arguments.of(Map.of("broker", "tcp://"), "bridge.broker: must be 'embedded' or a tcp:// or ssl:// URI"),
        Arguments.of(Map.of("broker", "tcp://h:1883/x"), "no path or query"),
        Arguments.of(Map.of("broker", "tcp://h:1883", "port", 1884), "bridge.port: only used with bridge.broker: embedded"),
        Arguments.of(Map.of("port", 70000), "bridge.port: must be an integer in [0, 65535], was 70000"),
        Arguments.of(Map.of("command_expiry_s", 0), "bridge.command_expiry_s: must be an integer in [1, 3600], was 0"),
        Arguments.of(Map.of("command_expiry_s", 0.5), "bridge.command_expiry_s: must be an integer in [1, 3600], was 0.5"),
        Arguments.of(Map.of("prefix", "a/+/b"), "bridge.prefix: must not contain the wildcards"),
        Arguments.of(Map.of("password", "x"), "bridge.password: needs bridge.username"),
        Arguments.of(Map.of("ca_file", "/no/such/ca.pem"), "bridge.ca_file: cannot read '/no/such/ca.pem'"),
        Arguments.of(Map.of("keep_alive_s", 0), "bridge.keep_alive_s: must be an integer in [1, 3600], was 0"),
        Arguments.of(Map.of("colour", "red"), "bridge.colour: unknown key (allowed: broker, broker_users, ca_file, cert_file,"));
  }

  @ParameterizedTest
  @MethodSource("bad")
  void errorsNameTheKey(Map<String, Object> settings, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> MqttConfig.parse("arm1", settings));
    assertTrue(e.getMessage().startsWith(message) || e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void tlsFilesNeedAnSslBrokerAndEachOther(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("x.pem"), "not a certificate");
    String p = f.toString();
    ConfigException e = assertThrows(ConfigException.class, () -> MqttConfig.parse("a", Map.of("ca_file", p)));
    assertEquals("bridge.ca_file: only used with an ssl:// broker, bridge.broker is 'embedded'", e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> MqttConfig.parse("a", Map.of("broker", "ssl://h:8883", "cert_file", p)));
    assertEquals("bridge.cert_file: needs bridge.key_file too (mutual TLS needs both)", e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> MqttConfig.parse("a", Map.of("broker", "ssl://h:8883", "ca_file", p)));
    assertTrue(e.getMessage().startsWith("bridge.ca_file: cannot read certificates from"), e.getMessage());
    MqttConfig ok = MqttConfig.parse("a", Map.of("broker", "ssl://h:8883"));
    assertTrue(ok.tls());
    assertTrue(ok.socketFactory() != null, "JVM trust store");
  }

  @Test
  void pkcs1RsaKeysAreWrappedIntoPkcs8() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    byte[] pkcs8 = g.generateKeyPair().getPrivate().getEncoded();
    // PrivateKeyInfo = 30 82 LL LL | 02 01 00 | AlgorithmIdentifier (15 bytes) | 04 82 LL LL | RSAPrivateKey
    byte[] pkcs1 = java.util.Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
    org.junit.jupiter.api.Assertions.assertArrayEquals(pkcs8, Tls.rsaPkcs1ToPkcs8(pkcs1));
  }
}
