package io.telos.launch.fleet;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.LifecycleEvent;
import io.telos.api.Addresses;
import io.telos.runtime.config.ClusterSpec;
import io.telos.runtime.config.LaunchException;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.TimeUnit;
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
  /** How often a member looks for a cluster to merge back into after being cut off, s. */
  static final int MERGE_DELAY_S = 5;
  /** The Hazelcast member attribute in which the cluster manager keeps the member's Vert.x node id. */
  static final String VERTX_NODE_ID = "__vertx.nodeId";
  /** The cluster-wide map of which member drives which robot id (robot id → Vert.x node id). */
  public static final String ROBOTS = "telos.fleet.robots";
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
    // a member cut off and back (paused, partitioned) merges within seconds, not Hazelcast's default
    // 5 minutes: until it has, its agent cannot be reached from the fleet and its reads of shared data fail
    c.setProperty("hazelcast.merge.first.run.delay.seconds", Integer.toString(MERGE_DELAY_S));
    c.setProperty("hazelcast.merge.next.run.delay.seconds", Integer.toString(MERGE_DELAY_S));
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
   * Claims {@code robotId} for this member in the cluster-wide map {@link #ROBOTS}, refusing a robot
   * id another live member already drives: two agents answering one robot's addresses would take
   * turns receiving an operator's requests. The claim is one atomic {@code putIfAbsent}, so two
   * agents started in the same instant cannot both win; a claim left by a member the cluster has
   * dropped (a crash) is taken over. A map rather than asking the robot's address: after a member
   * was cut off and merged back, the bus's registry can miss an address for a while, and asking
   * would find nobody.
   *
   * @throws LaunchException when another live member holds the claim
   */
  public static void requireUnique(Vertx vertx, String robotId, long timeoutMs) {
    String me = nodeId(vertx);
    try {
      AsyncMap<String, String> claims = vertx.sharedData().<String, String>getAsyncMap(ROBOTS)
          .timeout(timeoutMs, TimeUnit.MILLISECONDS).await();
      String holder = claims.putIfAbsent(robotId, me).timeout(timeoutMs, TimeUnit.MILLISECONDS).await();
      if (holder == null || holder.equals(me)) {
        return;
      }
      ClusterManager cm = ((VertxInternal) vertx).clusterManager();
      if (cm == null || cm.getNodes().contains(holder)) {
        throw new LaunchException("robot.id: '" + robotId + "' already runs in the fleet (member " + holder
            + "); each robot needs its own id");
      }
      if (!claims.replaceIfPresent(robotId, holder, me).timeout(timeoutMs, TimeUnit.MILLISECONDS).await()) {
        throw new LaunchException("robot.id: '" + robotId + "' was claimed by another member at the same moment");
      }
    } catch (LaunchException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new LaunchException("cluster: cannot claim robot.id '" + robotId + "': " + e.getMessage(), e);
    }
  }

  /** Gives up this member's claim on {@code robotId} (an agent stopping cleanly), best effort. */
  public static void release(Vertx vertx, String robotId) {
    String me = nodeId(vertx);
    vertx.sharedData().<String, String>getAsyncMap(ROBOTS).compose(m -> m.removeIfPresent(robotId, me));
  }

  /** This member's Vert.x node id in the cluster, or {@code "local"} when not clustered. */
  public static String nodeId(Vertx vertx) {
    ClusterManager cm = ((VertxInternal) vertx).clusterManager();
    return cm == null ? "local" : cm.getNodeId();
  }

  /**
   * Calls {@code rejoined} (on a cluster-manager thread) each time this member has merged back
   * into the cluster after being cut off from it — paused past the failure detection, or on the
   * small side of a partition. Nothing happens on a local instance.
   */
  public static void onRejoined(Vertx vertx, Runnable rejoined) {
    if (((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager h) {
      h.getHazelcastInstance().getLifecycleService().addLifecycleListener(e -> {
        if (e.getState() == LifecycleEvent.LifecycleState.MERGED) {
          rejoined.run();
        }
      });
    }
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
