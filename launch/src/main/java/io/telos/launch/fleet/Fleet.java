package io.telos.launch.fleet;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.telos.api.Addresses;
import io.telos.runtime.config.ClusterSpec;
import io.telos.runtime.config.LaunchException;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.function.Consumer;

/**
 * The fleet's cluster: a Vert.x event bus clustered through Hazelcast (ADR 0015), joined over
 * TCP/IP on the members a {@link ClusterSpec} lists. What crosses it is deliberately small — the
 * fleet status each agent publishes on {@link #STATUS} and operator mode requests to
 * {@link #modeAddress(String)}; everything that moves the arm stays on the member's local bus.
 */
public final class Fleet {
  /** Where every member publishes its robot's status (JSON text, about once a second). */
  public static final String STATUS = Addresses.fleetStatus();
  /** The Hazelcast member attribute in which the cluster manager keeps the member's Vert.x node id. */
  static final String VERTX_NODE_ID = "__vertx.nodeId";
  /** Body of the request that asks which member holds a robot id. */
  static final String WHO = "who";

  private Fleet() {}

  /** Where a robot's agent takes operator mode requests from any member (String in, String reply). */
  public static String modeAddress(String robotId) {
    return Addresses.fleetMode(robotId);
  }

  /** The Hazelcast settings of a member: TCP/IP join on the listed members, this host only, no phoning home. */
  public static Config hazelcast(ClusterSpec spec) {
    Config c = new Config();
    c.setClusterName(spec.name());
    c.getNetworkConfig().setPort(spec.port()).setPortAutoIncrement(true).setPortCount(ClusterSpec.PORT_RANGE);
    c.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(spec.host());
    JoinConfig join = c.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true);
    spec.addresses().forEach(join.getTcpIpConfig()::addMember);
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.logging.type", "slf4j");
    c.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(spec.heartbeatTimeoutS()));
    c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    c.setProperty("hazelcast.shutdownhook.enabled", "false"); // Vert.x leaves the cluster on close
    return c;
  }

  /**
   * A Vert.x instance for this deployment: clustered when {@code spec} is given (blocks until the
   * member has joined), else a local one.
   *
   * @throws LaunchException naming {@code cluster:} when the member cannot join
   */
  public static Vertx vertx(ClusterSpec spec, VertxOptions options) {
    if (spec == null) {
      return Vertx.vertx(options);
    }
    if (spec.tls() != null) { // mutual TLS between the members' event buses
      options.getEventBusOptions().setSsl(true).setClientAuth(ClientAuth.REQUIRED)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(spec.tls().cert().toString())
              .setKeyPath(spec.tls().key().toString()))
          .setTrustOptions(new PemTrustOptions().addCertPath(spec.tls().ca().toString()));
    }
    try {
      return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hazelcast(spec)))
          .buildClustered().await();
    } catch (RuntimeException e) {
      throw new LaunchException("cluster: cannot join '" + spec.name() + "' on " + spec.host() + ":" + spec.port()
          + " (members " + spec.members() + "): " + e.getMessage(), e);
    }
  }

  /**
   * Refuses a robot id another live member already drives: two agents answering the same
   * operator requests would take turns receiving them. Asks {@link #modeAddress} who holds it;
   * no answer within {@code timeoutMs} means nobody. (Two agents started in the same instant with
   * the same id are not caught: a lease in the cluster's CP subsystem would be.)
   *
   * @throws LaunchException when another member answers
   */
  public static void requireUnique(Vertx vertx, String robotId, long timeoutMs) {
    try {
      Object who = vertx.eventBus().request(modeAddress(robotId), WHO, new DeliveryOptions().setSendTimeout(timeoutMs))
          .await().body();
      throw new LaunchException("robot.id: '" + robotId + "' already runs in the fleet (" + who + "); each robot needs"
          + " its own id");
    } catch (ReplyException e) {
      if (e.failureType() != ReplyFailure.NO_HANDLERS && e.failureType() != ReplyFailure.TIMEOUT) {
        throw new LaunchException("cluster: cannot check robot.id '" + robotId + "': " + e.getMessage(), e);
      }
    }
  }

  /** This member's Vert.x node id in the cluster, or {@code "local"} when not clustered. */
  public static String nodeId(Vertx vertx) {
    ClusterManager cm = ((VertxInternal) vertx).clusterManager();
    return cm == null ? "local" : cm.getNodeId();
  }

  /**
   * Tells {@code left} the node id of every member the cluster drops — one that left, crashed or
   * was paused beyond the failure detection ({@code heartbeat_timeout_s}) — on a cluster-manager
   * thread. Nothing happens on a local instance.
   */
  public static void onMemberLeft(Vertx vertx, Consumer<String> left) {
    if (((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager h) {
      h.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent e) {
          // a member joining changes nothing an agent holds
        }

        @Override
        public void memberRemoved(MembershipEvent e) {
          String node = e.getMember().getAttribute(VERTX_NODE_ID); // Vert.x's node id, not Hazelcast's UUID
          if (node != null) {
            left.accept(node);
          }
        }
      });
    }
  }
}
