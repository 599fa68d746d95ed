package io.telos.bridge.mqtt;

import com.codahale.metrics.Gauge;
import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import com.hivemq.extension.sdk.api.services.session.ClientService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker a launch file starts with {@code bridge.broker: embedded}: HiveMQ Community Edition
 * (a complete MQTT 3.1.1 / 5 broker) run inside this process, listening on 127.0.0.1 only, with
 * in-memory persistence (nothing survives {@link #stop()}).
 *
 * <p>With {@link BrokerUsers} every client must log in and is granted only its role's topics: a
 * robot publishes only its own state, only an agent commands a robot, an anonymous client is
 * refused at CONNECT. Without users it is open to any local client, as Mosquitto 2 is with no
 * configuration: acceptable on a development machine, logged as a warning.
 *
 * <p>Several may run in one process; they start one at a time, as HiveMQ binds its extension
 * services to the instance being started.
 */
public final class EmbeddedBroker implements AutoCloseable {
  /** The only interface the broker listens on. */
  public static final String HOST = "127.0.0.1";
  /** Largest MQTT packet accepted (a camera picture fits). */
  public static final int MAX_PACKET_BYTES = 8 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
  private static final String CONNECTIONS = "com.hivemq.networking.connections.current";
  private static final Object STARTING = new Object();

  private final int requestedPort;
  private final BrokerUsers users;
  private volatile int boundPort = -1;
  private EmbeddedHiveMQ hive;
  private Path home;
  private final AtomicReference<ClientService> clients = new AtomicReference<>();

  /** An open broker (no log-in) for 127.0.0.1:{@code port}; port 0 picks a free port on the first start. */
  public EmbeddedBroker(int port) {
    this(port, null);
  }

  /**
   * A broker for 127.0.0.1:{@code port} that admits only {@code users} (null: anyone local).
   *
   * @param port 0 picks a free port on the first start
   */
  public EmbeddedBroker(int port, BrokerUsers users) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
    }
    this.requestedPort = port;
    this.users = users;
  }

  /**
   * Binds and starts (about a second). A restart after {@link #stop()} binds the same port again,
   * even when it was picked with port 0, so that clients can reconnect.
   *
   * @throws IOException when the port is in use or the broker does not come up
   */
  public synchronized EmbeddedBroker start() throws IOException {
    if (hive != null) {
      return this;
    }
    int port = claim(boundPort > 0 ? boundPort : requestedPort);
    synchronized (STARTING) {
      return startHive(port);
    }
  }

  /** HiveMQ binds its extension services to the instance starting now: one start at a time per process. */
  private EmbeddedBroker startHive(int port) throws IOException {
    boolean started = false;
    try {
      quickShutdown();
      home = Files.createTempDirectory("telos-broker-");
      Path conf = Files.createDirectories(home.resolve("conf"));
      Files.writeString(conf.resolve("config.xml"), config(port));
      hive = EmbeddedHiveMQ.builder()
          .withConfigurationFolder(conf)
          .withDataFolder(Files.createDirectories(home.resolve("data")))
          .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
          .withEmbeddedExtension(EmbeddedExtension.builder()
              .withId("telos-access").withName("Telos access control").withVersion("1")
              .withExtensionMain(new Access(users, clients)).build())
          .withoutLoggingBootstrap()
          .build();
      hive.start().get(60, TimeUnit.SECONDS);
      if (!listening(port)) {
        throw new IOException("cannot listen on " + HOST + ":" + port + ": the broker started without its listener");
      }
      boundPort = port;
      started = true;
      if (users == null) {
        LOG.warn("component=mqtt-broker event=open_broker address={}:{} reason=\"no broker_users: any local client"
            + " may publish and subscribe to anything\"", HOST, port);
      }
      LOG.info("component=mqtt-broker event=start address={}:{} users={}", HOST, port,
          users == null ? "open" : users.users().size());
      return this;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the embedded broker", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("the embedded broker did not start: " + e.getMessage(), e);
    } finally {
      if (!started) {
        shutdown();
      }
    }
  }

  /** Closes every connection (no wills are sent) and stops listening; retained messages are dropped. */
  public synchronized void stop() {
    if (hive == null) {
      return;
    }
    shutdown();
    LOG.info("component=mqtt-broker event=stop address={}:{}", HOST, boundPort);
  }

  private void shutdown() {
    try {
      if (hive != null) {
        hive.stop().get(30, TimeUnit.SECONDS);
        hive.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("component=mqtt-broker event=stop_failed reason=\"{}\"", e.toString());
    } finally {
      hive = null;
      clients.set(null);
      deleteHome();
    }
  }

  @Override
  public void close() {
    stop();
  }

  public synchronized boolean running() {
    return hive != null;
  }

  /** The bound port (the picked one for port 0); -1 before the first start. */
  public int port() {
    return boundPort;
  }

  /** {@code tcp://127.0.0.1:<port>}. */
  public String uri() {
    return "tcp://" + HOST + ":" + boundPort;
  }

  /** Whether clients must log in. */
  public boolean authenticated() {
    return users != null;
  }

  /** Client connections open now. */
  public int clientCount() {
    EmbeddedHiveMQ h;
    synchronized (this) {
      h = hive;
    }
    if (h == null) {
      return 0;
    }
    Gauge<?> g = h.getMetricRegistry().getGauges().get(CONNECTIONS);
    return g == null ? 0 : ((Number) g.getValue()).intValue();
  }

  /**
   * Drops a client's connection as a network failure would: its last will is published.
   *
   * @return false when no such client is connected
   */
  public boolean disconnect(String clientId) {
    ClientService c = clients.get();
    if (c == null) {
      return false;
    }
    try {
      return c.disconnectClient(clientId, false).get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  private static String config(int port) {
    return """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
            <tcp-listener><port>%d</port><bind-address>%s</bind-address></tcp-listener>
          </listeners>
          <mqtt>
            <packets><max-packet-size>%d</max-packet-size></packets>
          </mqtt>
          <persistence><mode>in-memory</mode></persistence>
          <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
        </hivemq>
        """.formatted(port, HOST, MAX_PACKET_BYTES);
  }

  /**
   * The embedded broker keeps nothing on disk, so HiveMQ's grace periods for flushing its
   * persistence at shutdown (2 s, then 2 s for the extension executor) only delay a restart.
   */
  private static void quickShutdown() {
    try {
      InternalConfigurations.PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MSEC.set(50);
      InternalConfigurations.MANAGED_EXTENSION_EXECUTOR_SHUTDOWN_TIMEOUT_SEC.set(1);
    } catch (LinkageError e) {
      LOG.debug("component=mqtt-broker event=default_shutdown reason=\"{}\"", e.toString());
    }
  }

  /** Checks that {@code port} is free on {@link #HOST} (or picks one for 0) before the broker binds it. */
  private static int claim(int port) throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IOException("cannot listen on " + HOST + ":" + port + ": " + e.getMessage(), e);
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, port), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void deleteHome() {
    if (home == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(home)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("component=mqtt-broker event=cleanup_failed dir={} reason=\"{}\"", home, e.toString());
    }
    home = null;
  }

  /** The embedded extension: log-in and per-topic permissions from {@link BrokerUsers}. */
  private static final class Access implements ExtensionMain {
    private final BrokerUsers users;
    private final AtomicReference<ClientService> clients;

    Access(BrokerUsers users, AtomicReference<ClientService> clients) {
      this.users = users;
      this.clients = clients;
    }

    @Override
    public void extensionStart(ExtensionStartInput in, ExtensionStartOutput out) {
      clients.set(Services.clientService());
      if (users != null) {
        SimpleAuthenticator auth = this::authenticate;
        Services.securityRegistry().setAuthenticatorProvider(input -> auth);
      }
    }

    @Override
    public void extensionStop(ExtensionStopInput in, ExtensionStopOutput out) {
      // nothing held
    }

    /**
     * Hashing a password takes PBKDF2's deliberate cost (up to a few hundred ms): done on the
     * extension executor, not on the thread that reads connections.
     */
    private void authenticate(SimpleAuthInput in, SimpleAuthOutput out) {
      Async<SimpleAuthOutput> pending = out.async(Duration.ofSeconds(10), TimeoutFallback.FAILURE);
      Services.extensionExecutorService().submit(() -> {
        try {
          decide(in, out);
        } finally {
          pending.resume();
        }
      });
    }

    private void decide(SimpleAuthInput in, SimpleAuthOutput out) {
      ConnectPacket c = in.getConnectPacket();
      String name = c.getUserName().orElse(null);
      byte[] password = c.getPassword().map(EmbeddedBroker::bytes).orElse(null);
      String clientId = in.getClientInformation().getClientId();
      Optional<BrokerUsers.User> user = users.authenticate(name, password);
      if (user.isEmpty()) {
        LOG.warn("component=mqtt-broker event=login_refused client={} user={} reason=\"{}\"", clientId, name,
            name == null ? "anonymous" : "unknown user or wrong password");
        out.failAuthentication(name == null ? ConnackReasonCode.NOT_AUTHORIZED
            : ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "log in with a user of the broker's users file");
        return;
      }
      ModifiableDefaultPermissions p = out.getDefaultPermissions();
      for (BrokerUsers.Permission g : users.permissions(user.get())) {
        p.add(Builders.topicPermission()
            .topicFilter(g.filter())
            .type(TopicPermission.PermissionType.ALLOW)
            .activity(g.activity() == BrokerUsers.Activity.PUBLISH ? TopicPermission.MqttActivity.PUBLISH
                : TopicPermission.MqttActivity.SUBSCRIBE)
            .build());
      }
      p.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
      LOG.info("component=mqtt-broker event=login client={} user={} role={}", clientId, name,
          user.get().role().name().toLowerCase(Locale.ROOT));
      out.authenticateSuccessfully();
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] a = new byte[d.remaining()];
    d.get(a);
    return a;
  }
}
