package io.telos.bridge.teleop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
  @Test
  void usersAndTokensAreChecked() {
    ConsoleConfig c = ConsoleConfig.from(new Settings("console", Map.of("users", Map.of("ana", "correct horse"),
        "token", "0123456789abcdef0123")), null);
    Authenticator a = new Authenticator(c);
    assertEquals(Optional.of("ana"), a.check("ana", "correct horse", null));
    assertEquals(Optional.empty(), a.check("ana", "wrong horse", null));
    assertEquals(Optional.empty(), a.check("bob", "correct horse", null));
    assertEquals(Optional.of("bob"), a.check("bob", null, "0123456789abcdef0123"), "the token names its operator");
    assertEquals(Optional.empty(), a.check("bob", null, "0123456789abcdef0124"));
    assertEquals(Optional.empty(), a.check("bad name!", null, "0123456789abcdef0123"));
    assertEquals(Optional.empty(), a.check(null, null, null));
  }

  @Test
  void sessionsExpireAndCanBeClosed() {
    ConsoleConfig c = ConsoleConfig.withToken("127.0.0.1", 0, "0123456789abcdef0123");
    Authenticator a = new Authenticator(c);
    String s1 = a.open("ana", 1000);
    String s2 = a.open("ana", 1000);
    assertNotEquals(s1, s2);
    assertEquals(32, s1.length());
    assertEquals(Optional.of("ana"), a.session(s1, 1000 + c.sessionMs()));
    assertEquals(Optional.empty(), a.session(s1, 1001 + c.sessionMs()));
    a.close(s2);
    assertEquals(Optional.empty(), a.session(s2, 1000));
    assertEquals(Optional.empty(), a.session(null, 1000));
  }

  @Test
  void configRefusesWeakSecretsMissingEnvironmentAndUnreadableCertificates() {
    assertThrows(ConfigException.class, () -> ConsoleConfig.from(
        new Settings("console", Map.of("users", Map.of("ana", "short"))), null));
    assertThrows(ConfigException.class, () -> ConsoleConfig.from(new Settings("console", Map.of("token", "tiny")), null));
    var e = assertThrows(ConfigException.class, () -> ConsoleConfig.from(
        new Settings("console", Map.of("token", "${env:TELOS_TEST_UNSET_VARIABLE}")), null));
    assertTrue(e.getMessage().contains("TELOS_TEST_UNSET_VARIABLE"), e.getMessage());
    assertThrows(ConfigException.class, () -> ConsoleConfig.from(
        new Settings("console", Map.of("tls", Map.of("cert", "/nonexistent.crt", "key", "/nonexistent.key"))), null));
    ConsoleConfig open = ConsoleConfig.from(new Settings("console", Map.of()), null);
    assertTrue(open.generatedToken() && open.token().length() == 32, "no credentials: a random token, never none");
  }

  @Test
  void theMqttStationsOwnLogInDecidesWhetherPasswordsMayTravelInMessages() {
    ConsoleConfig anonymous = ConsoleConfig.from(new Settings("console", Map.of("token", "0123456789abcdef0123",
        "mqtt", Map.of("server", "tcp://127.0.0.1:1883"))), null);
    assertFalse(anonymous.mqttAuthenticated(), "no log-in: signed messages only");
    ConsoleConfig local = ConsoleConfig.from(new Settings("console", Map.of("token", "0123456789abcdef0123",
        "mqtt", Map.of("server", "tcp://127.0.0.1:1883", "username", "agent", "password", "pw-0123456"))), null);
    assertTrue(local.mqttAuthenticated());
    assertFalse(local.toString().contains("pw-0123456") || local.toString().contains("0123456789abcdef0123"),
        "secrets are not printed: " + local);
    ConsoleConfig remote = local.withMqtt("tcp://10.0.0.5:1883", "telos");
    assertFalse(remote.mqttAuthenticated(), "a password would cross the network in clear");
    assertTrue(remote.withMqtt("ssl://10.0.0.5:8883", "telos").mqttAuthenticated());
    var e = assertThrows(ConfigException.class, () -> ConsoleConfig.from(new Settings("console",
        Map.of("token", "0123456789abcdef0123", "mqtt", Map.of("server", "tcp://127.0.0.1:1883", "username", "a"))),
        null));
    assertEquals("console.mqtt.password: give both username and password, or neither", e.getMessage());
  }
}
