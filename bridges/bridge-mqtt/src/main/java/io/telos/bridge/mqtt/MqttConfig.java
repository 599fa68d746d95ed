package io.telos.bridge.mqtt;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLSocketFactory;

/**
 * The validated {@code bridge:} section of an MQTT launch file (also used by {@link MqttSimRobot}
 * on the robot side). Build one with {@link #parse}; every error names the key, e.g.
 * {@code bridge.qos_state: must be 0, 1 or 2, was 5}.
 *
 * @param broker {@link #EMBEDDED} (start an embedded broker on 127.0.0.1:{@code port}) or a
 *     {@code tcp://} / {@code ssl://} URI
 * @param port port of the embedded broker (0 = any free port); unused with a URI
 * @param prefix topic prefix, ending in {@code /}
 * @param qosState QoS of the state subscription (agent) or publication (robot)
 * @param qosCommand QoS of commands
 * @param commandExpiryS MQTT 5 message expiry interval of commands, seconds
 * @param username user name, or null
 * @param password password, or null (never printed); {@code ${env:NAME}} reads it from the environment
 * @param caFile PEM file of trusted CA certificates for {@code ssl://}, or null (JVM defaults)
 * @param certFile PEM client certificate (chain) for mutual TLS, or null
 * @param keyFile PEM PKCS#8 (or PKCS#1 RSA) private key of {@code certFile}, or null
 * @param clientId MQTT client id
 * @param keepAliveS MQTT keep-alive, seconds: a silent peer is declared lost after 1.5 times this
 * @param brokerUsers who may log in to the embedded broker and what each may touch, or null (an
 *     open broker); only with {@code broker: embedded}
 */
public record MqttConfig(
    String broker,
    int port,
    String prefix,
    int qosState,
    int qosCommand,
    int commandExpiryS,
    String username,
    String password,
    Path caFile,
    Path certFile,
    Path keyFile,
    String clientId,
    int keepAliveS,
    BrokerUsers brokerUsers) {

  public static final String EMBEDDED = "embedded";
  public static final int DEFAULT_PORT = 1883;

  public static final String BROKER = "broker";
  public static final String PORT = "port";
  public static final String PREFIX = "prefix";
  public static final String QOS_STATE = "qos_state";
  public static final String QOS_COMMAND = "qos_command";
  public static final String COMMAND_EXPIRY_S = "command_expiry_s";
  public static final String USERNAME = "username";
  public static final String PASSWORD = "password";
  public static final String CA_FILE = "ca_file";
  public static final String CERT_FILE = "cert_file";
  public static final String KEY_FILE = "key_file";
  public static final String CLIENT_ID = "client_id";
  public static final String KEEP_ALIVE_S = "keep_alive_s";
  public static final String BROKER_USERS = "broker_users";

  /** Every key of the section (besides {@code type}). */
  public static final Set<String> KEYS = Set.of(BROKER, PORT, PREFIX, QOS_STATE, QOS_COMMAND, COMMAND_EXPIRY_S,
      USERNAME, PASSWORD, CA_FILE, CERT_FILE, KEY_FILE, CLIENT_ID, KEEP_ALIVE_S, BROKER_USERS);

  private static final String PATH = "bridge";

  public MqttConfig {
    Objects.requireNonNull(broker, "broker");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(clientId, "clientId");
  }

  /** Binds the section with {@code telos-<robotId>-agent} as the default client id. */
  public static MqttConfig parse(String robotId, Map<String, ?> settings) {
    return parse(robotId, settings, "telos-" + robotId + "-agent");
  }

  /**
   * Binds and validates a {@code bridge:} section ({@code type} is ignored).
   *
   * @throws ConfigException naming the key and what is allowed
   */
  public static MqttConfig parse(String robotId, Map<String, ?> settings, String defaultClientId) {
    Map<String, Object> m = new LinkedHashMap<>(settings);
    m.remove("type");
    m.values().removeIf(Objects::isNull);
    Settings s = new Settings(PATH, m);
    s.requireOnly(KEYS);

    String broker = s.string(BROKER, EMBEDDED);
    boolean embedded = EMBEDDED.equals(broker);
    if (!embedded) {
      checkUri(s, broker);
      if (s.has(PORT)) {
        throw new ConfigException(s.key(PORT) + ": only used with " + s.key(BROKER) + ": " + EMBEDDED
            + " (the broker URI carries the port)");
      }
    }
    int port = (int) s.integer(PORT, DEFAULT_PORT, 0, 65535);

    String prefix = s.string(PREFIX, Topics.defaultPrefix(robotId));
    if (prefix.contains("+") || prefix.contains("#") || prefix.indexOf('\0') >= 0) {
      throw new ConfigException(s.key(PREFIX) + ": must not contain the wildcards + or #, was '" + prefix + "'");
    }
    if (!prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    int qosState = qos(s, QOS_STATE, 0);
    int qosCommand = qos(s, QOS_COMMAND, 0);
    int expiry = (int) s.integer(COMMAND_EXPIRY_S, 1, 1, 3600);

    String username = s.string(USERNAME, null);
    String password = s.secret(PASSWORD, null);
    if (password != null && username == null) {
      throw new ConfigException(s.key(PASSWORD) + ": needs " + s.key(USERNAME));
    }
    Path ca = file(s, CA_FILE);
    Path cert = file(s, CERT_FILE);
    Path key = file(s, KEY_FILE);
    if ((cert == null) != (key == null)) {
      String missing = cert == null ? CERT_FILE : KEY_FILE;
      String given = cert == null ? KEY_FILE : CERT_FILE;
      throw new ConfigException(s.key(given) + ": needs " + s.key(missing) + " too (mutual TLS needs both)");
    }
    boolean tls = !embedded && broker.startsWith("ssl://");
    for (String k : new String[] {CA_FILE, CERT_FILE, KEY_FILE}) {
      if (s.has(k) && !tls) {
        throw new ConfigException(s.key(k) + ": only used with an ssl:// broker, " + s.key(BROKER) + " is '" + broker
            + "'");
      }
    }
    String clientId = s.string(CLIENT_ID, defaultClientId);
    int keepAlive = (int) s.integer(KEEP_ALIVE_S, 5, 1, 3600);
    BrokerUsers users = null;
    if (s.has(BROKER_USERS)) {
      if (!embedded) {
        throw new ConfigException(s.key(BROKER_USERS) + ": only used with " + s.key(BROKER) + ": " + EMBEDDED
            + " (an external broker keeps its own users)");
      }
      if (username == null || password == null) {
        throw new ConfigException(s.key(BROKER_USERS) + ": the embedded broker then admits only its users; set "
            + s.key(USERNAME) + " and " + s.key(PASSWORD) + " for this side's own log-in");
      }
      users = BrokerUsers.read(s.key(BROKER_USERS), file(s, BROKER_USERS));
      if (!users.users().containsKey(username)) {
        throw new ConfigException(s.key(USERNAME) + ": '" + username + "' is not a user of " + s.key(BROKER_USERS));
      }
    }
    MqttConfig c = new MqttConfig(broker, port, prefix, qosState, qosCommand, expiry, username, password, ca, cert,
        key, clientId, keepAlive, users);
    if (tls) {
      c.socketFactory(); // fail at start-up, naming the key, on unreadable or bad PEM files
    }
    return c;
  }

  /** True when this process starts the broker ({@code broker: embedded}). */
  public boolean embedded() {
    return EMBEDDED.equals(broker);
  }

  /** True for an {@code ssl://} broker. */
  public boolean tls() {
    return broker.startsWith("ssl://");
  }

  public Topics topics() {
    return new Topics(prefix);
  }

  /** A copy that uses another broker ({@link #EMBEDDED} or a URI). */
  public MqttConfig withBroker(String newBroker) {
    return new MqttConfig(newBroker, port, prefix, qosState, qosCommand, commandExpiryS, username, password, caFile,
        certFile, keyFile, clientId, keepAliveS, brokerUsers);
  }

  /** A copy with another client id. */
  public MqttConfig withClientId(String newClientId) {
    return new MqttConfig(broker, port, prefix, qosState, qosCommand, commandExpiryS, username, password, caFile,
        certFile, keyFile, newClientId, keepAliveS, brokerUsers);
  }

  /** The TLS socket factory for an {@code ssl://} broker, or null for {@code tcp://}. */
  public SSLSocketFactory socketFactory() {
    if (!tls()) {
      return null;
    }
    return Tls.socketFactory(PATH, caFile, certFile, keyFile);
  }

  @Override
  public String toString() {
    return "MqttConfig[broker=" + broker + (embedded() ? ", port=" + port : "") + ", prefix=" + prefix
        + ", qosState=" + qosState + ", qosCommand=" + qosCommand + ", commandExpiryS=" + commandExpiryS
        + ", username=" + username + ", password=" + (password == null ? "null" : "***") + ", caFile=" + caFile
        + ", certFile=" + certFile + ", keyFile=" + keyFile + ", clientId=" + clientId + ", keepAliveS="
        + keepAliveS + ", brokerUsers=" + (brokerUsers == null ? "open" : brokerUsers.users().keySet()) + "]";
  }

  private static int qos(Settings s, String k, int dflt) {
    if (!s.has(k)) {
      return dflt;
    }
    Object v = s.asMap().get(k);
    if ((v instanceof Integer || v instanceof Long || v instanceof Short)) {
      long q = ((Number) v).longValue();
      if (q >= 0 && q <= 2) {
        return (int) q;
      }
    }
    throw new ConfigException(s.key(k) + ": must be 0, 1 or 2, was " + (v instanceof String str ? "'" + str + "'" : v));
  }

  private static Path file(Settings s, String k) {
    String v = s.string(k, null);
    if (v == null) {
      return null;
    }
    Path p = Path.of(v);
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw new ConfigException(s.key(k) + ": cannot read '" + v + "' (not a readable file)");
    }
    return p;
  }

  private static void checkUri(Settings s, String broker) {
    String allowed = ": must be '" + EMBEDDED + "' or a tcp:// or ssl:// URI such as tcp://192.168.1.10:1883, was '"
        + broker + "'";
    URI uri;
    try {
      uri = new URI(broker);
    } catch (URISyntaxException e) {
      throw new ConfigException(s.key(BROKER) + allowed + " (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme();
    if (scheme == null || !Set.of("tcp", "ssl").contains(scheme) || uri.getHost() == null) {
      throw new ConfigException(s.key(BROKER) + allowed);
    }
    String path = uri.getRawPath();
    if ((path != null && !path.isEmpty() && !"/".equals(path)) || uri.getRawQuery() != null) {
      throw new ConfigException(s.key(BROKER) + allowed + " (no path or query allowed)");
    }
  }
}
