package io.telos.bridge.mqtt;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageFactory;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small MQTT broker for local runs ({@code bridge.broker: embedded}): loopback only
 * (127.0.0.1), no authentication, nothing persisted. It speaks MQTT 5 (message expiry interval,
 * retained messages, last wills, no-local / retain-as-published / retain-handling subscription
 * options, user properties) and MQTT 3.1.1, with QoS 0, 1 and 2. Sessions end with their
 * connection (clean start), so a client that reconnects never receives what was published while
 * it was away; retained messages live until {@link #stop()}.
 *
 * <p>Not supported: persistent sessions, shared subscriptions, subscription identifiers, topic
 * aliases, enhanced authentication, will delay. Built on Netty's MQTT codec; all broker state is
 * owned by one event-loop thread.
 */
public final class EmbeddedBroker implements AutoCloseable {
  /** The only interface the broker listens on. */
  public static final String HOST = "127.0.0.1";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
  private static final int MAX_MESSAGE_BYTES = 1 << 20;
  private static final long NO_EXPIRY = -1;

  private final int requestedPort;
  private volatile int boundPort = -1;
  private EventLoopGroup group;
  private Channel server;
  private volatile boolean stopping;
  private final AtomicInteger clients = new AtomicInteger();

  // Owned by the event-loop thread.
  private final Map<String, Session> sessions = new HashMap<>();
  private final Map<String, Message> retained = new LinkedHashMap<>();
  private long assignedIds;

  /** A broker for 127.0.0.1:{@code port}; port 0 picks a free port on the first start. */
  public EmbeddedBroker(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
    }
    this.requestedPort = port;
  }

  /**
   * Binds and starts. A restart after {@link #stop()} binds the same port again, even when it was
   * picked with port 0, so that clients can reconnect.
   *
   * @throws IOException when the port is in use
   */
  public synchronized EmbeddedBroker start() throws IOException {
    if (server != null) {
      return this;
    }
    int port = boundPort > 0 ? boundPort : requestedPort;
    stopping = false;
    group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("telos-mqtt-broker", true),
        NioIoHandler.newFactory());
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast("decoder", new MqttDecoder(MAX_MESSAGE_BYTES, 65535))
                .addLast("encoder", MqttEncoder.INSTANCE)
                .addLast("broker", new Connection());
          }
        });
    try {
      server = b.bind(HOST, port).sync().channel();
    } catch (Exception e) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      group = null;
      server = null;
      if (e instanceof BindException || e.getCause() instanceof BindException) {
        throw new IOException("cannot listen on " + HOST + ":" + port + " (port in use?): " + e.getMessage(), e);
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("cannot listen on " + HOST + ":" + port + ": " + e, e);
    }
    boundPort = ((InetSocketAddress) server.localAddress()).getPort();
    LOG.info("component=mqtt-broker event=start address={}:{}", HOST, boundPort);
    return this;
  }

  /** Closes every connection (no wills are sent) and stops listening; retained messages are dropped. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    stopping = true;
    EventLoopGroup g = group;
    try {
      server.close().syncUninterruptibly();
      CompletableFuture<Void> closed = new CompletableFuture<>();
      g.execute(() -> {
        List<Channel> open = new ArrayList<>();
        sessions.values().forEach(s -> open.add(s.ch));
        sessions.clear();
        retained.clear();
        open.forEach(Channel::close);
        closed.complete(null);
      });
      closed.get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("component=mqtt-broker event=stop-timeout", e);
    } finally {
      g.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      server = null;
      group = null;
      clients.set(0);
      LOG.info("component=mqtt-broker event=stop address={}:{}", HOST, boundPort);
    }
  }

  @Override
  public void close() {
    stop();
  }

  public synchronized boolean running() {
    return server != null;
  }

  /** The bound port (the picked one for port 0); -1 before the first start. */
  public int port() {
    return boundPort;
  }

  /** {@code tcp://127.0.0.1:<port>}. */
  public String uri() {
    return "tcp://" + HOST + ":" + boundPort;
  }

  /** Clients connected now. */
  public int clientCount() {
    return clients.get();
  }

  /**
   * Drops a client's connection as a network failure would: its last will is published.
   *
   * @return false when no such client is connected
   */
  public boolean disconnect(String clientId) {
    EventLoopGroup g;
    synchronized (this) {
      g = group;
    }
    if (g == null) {
      return false;
    }
    CompletableFuture<Boolean> found = new CompletableFuture<>();
    g.execute(() -> {
      Session s = sessions.get(clientId);
      if (s != null) {
        s.ch.close();
      }
      found.complete(s != null);
    });
    try {
      return found.get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------ model

  private record Sub(int qos, boolean noLocal, boolean retainAsPublished) {}

  private record Message(String topic, byte[] payload, int qos, boolean retain, MqttProperties properties,
      long receivedNanos, long expiryS) {
    /** Seconds left, {@link #NO_EXPIRY} when none, 0 when expired. */
    long remainingS(long now) {
      if (expiryS == NO_EXPIRY) {
        return NO_EXPIRY;
      }
      long waited = TimeUnit.NANOSECONDS.toSeconds(now - receivedNanos);
      return Math.max(0, expiryS - waited);
    }
  }

  private static final class Session {
    final Channel ch;
    String clientId;
    int version;
    boolean connected;
    /** Counted in {@link #clientCount()}; cleared once, by whichever comes first: takeover or close. */
    final AtomicBoolean counted = new AtomicBoolean();
    Message will;
    final Map<String, Sub> subs = new LinkedHashMap<>();
    final Set<Integer> qos2In = new HashSet<>();
    int lastPacketId;

    Session(Channel ch) {
      this.ch = ch;
    }

    int nextPacketId() {
      lastPacketId = lastPacketId >= 0xffff ? 1 : lastPacketId + 1;
      return lastPacketId;
    }
  }

  // ------------------------------------------------------------ connections

  private final class Connection extends SimpleChannelInboundHandler<MqttMessage> {
    private Session session;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      session = new Session(ctx.channel());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
      if (msg.decoderResult().isFailure()) {
        LOG.debug("component=mqtt-broker event=bad-packet client={} cause={}", session.clientId,
            msg.decoderResult().cause().toString());
        ctx.close();
        return;
      }
      MqttMessageType type = msg.fixedHeader().messageType();
      if (!session.connected && type != MqttMessageType.CONNECT) {
        ctx.close();
        return;
      }
      switch (type) {
        case CONNECT -> connect(ctx, (MqttConnectMessage) msg);
        case PUBLISH -> publish(ctx, (MqttPublishMessage) msg);
        case PUBREC -> ctx.writeAndFlush(reply(MqttMessageType.PUBREL, MqttQoS.AT_LEAST_ONCE, packetId(msg)));
        case PUBREL -> {
          int id = packetId(msg);
          session.qos2In.remove(id);
          ctx.writeAndFlush(reply(MqttMessageType.PUBCOMP, MqttQoS.AT_MOST_ONCE, id));
        }
        case PUBACK, PUBCOMP -> {
          // nothing kept in flight: sessions are not persisted
        }
        case SUBSCRIBE -> subscribe(ctx, (MqttSubscribeMessage) msg);
        case UNSUBSCRIBE -> unsubscribe(ctx, (MqttUnsubscribeMessage) msg);
        case PINGREQ -> ctx.writeAndFlush(MqttMessage.PINGRESP);
        case DISCONNECT -> {
          byte reason = msg.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader h
              ? h.reasonCode() : 0;
          if (reason != 0x04) { // 0x04: disconnect with will message
            session.will = null;
          }
          ctx.close();
        }
        default -> ctx.close();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        LOG.debug("component=mqtt-broker event=keep-alive-timeout client={}", session.clientId);
        ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("component=mqtt-broker event=error client={} cause={}", session == null ? null : session.clientId,
          cause.toString());
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      Session s = session;
      if (s == null || !s.connected) {
        return;
      }
      s.connected = false;
      if (s.counted.compareAndSet(true, false)) {
        clients.decrementAndGet();
      }
      if (sessions.get(s.clientId) == s) {
        sessions.remove(s.clientId);
      }
      LOG.debug("component=mqtt-broker event=disconnect client={} will={}", s.clientId, s.will != null);
      if (s.will != null && !stopping) {
        Message w = s.will;
        s.will = null;
        route(s, new Message(w.topic, w.payload, w.qos, w.retain, w.properties, System.nanoTime(), w.expiryS));
      }
    }

    private void connect(ChannelHandlerContext ctx, MqttConnectMessage msg) {
      if (session.connected) {
        ctx.close(); // a second CONNECT is a protocol error
        return;
      }
      MqttConnectVariableHeader vh = msg.variableHeader();
      int version = vh.version();
      String id = msg.payload().clientIdentifier();
      String assigned = null;
      if (id == null || id.isEmpty()) {
        if (version < 5 && !vh.isCleanSession()) {
          ctx.writeAndFlush(connAck(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, null));
          ctx.close();
          return;
        }
        id = "telos-auto-" + (++assignedIds);
        assigned = version >= 5 ? id : null;
      }
      session.clientId = id;
      session.version = version;
      if (vh.isWillFlag()) {
        MqttProperties wp = msg.payload().willProperties();
        session.will = new Message(msg.payload().willTopic(), bytes(msg.payload().willMessageInBytes()), vh.willQos(),
            vh.isWillRetain(), wp == null ? MqttProperties.NO_PROPERTIES : wp, 0, expiry(wp));
      }
      int keepAlive = vh.keepAliveTimeSeconds();
      if (keepAlive > 0) {
        ctx.pipeline().addFirst("idle", new IdleStateHandler(keepAlive * 1500L, 0, 0, TimeUnit.MILLISECONDS));
      }
      Session old = sessions.put(id, session);
      if (old != null) {
        LOG.debug("component=mqtt-broker event=takeover client={}", id);
        if (old.counted.compareAndSet(true, false)) {
          clients.decrementAndGet(); // gone now, before it is told, not when its channel has finished closing
        }
        if (old.version >= 5) {
          old.ch.writeAndFlush(MqttMessageBuilders.disconnect().reasonCode((byte) 0x8E).build());
        }
        old.ch.close();
      }
      session.connected = true;
      session.counted.set(true);
      clients.incrementAndGet();
      ctx.writeAndFlush(connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED, assigned));
      LOG.debug("component=mqtt-broker event=connect client={} version={} keepAliveS={}", id, version, keepAlive);
    }

    private MqttConnAckMessage connAck(MqttConnectReturnCode code, String assignedId) {
      MqttMessageBuilders.ConnAckBuilder b = MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false);
      if (session.version >= 5) {
        b.properties(p -> {
          p.retainAvailable(true).wildcardSubscriptionAvailable(true).subscriptionIdentifiersAvailable(false)
              .sharedSubscriptionAvailable(false).topicAliasMaximum(0).maximumPacketSize(MAX_MESSAGE_BYTES);
          if (assignedId != null) {
            p.assignedClientId(assignedId);
          }
        });
      }
      return b.build();
    }

    private void publish(ChannelHandlerContext ctx, MqttPublishMessage msg) {
      String topic = msg.variableHeader().topicName();
      if (topic == null || topic.isEmpty() || topic.contains("+") || topic.contains("#")) {
        ctx.close(); // topic aliases are not offered, so an empty topic is a protocol error too
        return;
      }
      int qos = msg.fixedHeader().qosLevel().value();
      int id = msg.variableHeader().packetId();
      MqttProperties props = msg.variableHeader().properties();
      Message m = new Message(topic, ByteBufUtil.getBytes(msg.payload()), qos, msg.fixedHeader().isRetain(),
          props == null ? MqttProperties.NO_PROPERTIES : props, System.nanoTime(), expiry(props));
      switch (qos) {
        case 0 -> route(session, m);
        case 1 -> {
          route(session, m);
          ctx.writeAndFlush(MqttMessageBuilders.pubAck().packetId(id).reasonCode((byte) 0).build());
        }
        default -> {
          if (session.qos2In.add(id)) {
            route(session, m);
          }
          ctx.writeAndFlush(reply(MqttMessageType.PUBREC, MqttQoS.AT_MOST_ONCE, id));
        }
      }
    }

    private void subscribe(ChannelHandlerContext ctx, MqttSubscribeMessage msg) {
      int id = msg.variableHeader().messageId();
      List<MqttTopicSubscription> subs = msg.payload().topicSubscriptions();
      int[] codes = new int[subs.size()];
      List<Runnable> retainedToSend = new ArrayList<>();
      long now = System.nanoTime();
      for (int i = 0; i < codes.length; i++) {
        MqttTopicSubscription ts = subs.get(i);
        String filter = ts.topicFilter();
        MqttSubscriptionOption opt = ts.option();
        if (filter.startsWith("$share/")) {
          codes[i] = session.version >= 5 ? 0x9E : 0x80;
          continue;
        }
        if (!validFilter(filter)) {
          codes[i] = session.version >= 5 ? 0x8F : 0x80;
          continue;
        }
        int q = opt.qos().value();
        Sub sub = new Sub(q, opt.isNoLocal(), opt.isRetainAsPublished());
        boolean existed = session.subs.put(filter, sub) != null;
        codes[i] = q;
        MqttSubscriptionOption.RetainedHandlingPolicy rh = opt.retainHandling();
        boolean send = rh == MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE
            || (rh == MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE_IF_NOT_YET_EXISTS && !existed);
        if (send) {
          for (Iterator<Message> it = retained.values().iterator(); it.hasNext(); ) {
            Message r = it.next();
            if (!matches(filter, r.topic)) {
              continue;
            }
            long left = r.remainingS(now);
            if (left == 0) {
              it.remove();
              continue;
            }
            Session target = session;
            retainedToSend.add(() -> deliver(target, r, Math.min(r.qos, q), true, left));
          }
        }
      }
      ctx.write(MqttMessageFactory.newMessage(
          new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
          new MqttMessageIdAndPropertiesVariableHeader(id, MqttProperties.NO_PROPERTIES),
          new MqttSubAckPayload(codes)));
      retainedToSend.forEach(Runnable::run);
      ctx.flush();
    }

    private void unsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage msg) {
      MqttMessageBuilders.UnsubAckBuilder b = MqttMessageBuilders.unsubAck().packetId(msg.variableHeader().messageId());
      for (String filter : msg.payload().topics()) {
        b.addReasonCode(session.subs.remove(filter) != null ? (short) 0x00 : (short) 0x11);
      }
      ctx.writeAndFlush(b.build());
    }
  }

  // --------------------------------------------------------------- routing

  private void route(Session from, Message m) {
    if (m.retain) {
      if (m.payload.length == 0) {
        retained.remove(m.topic);
      } else {
        retained.put(m.topic, m);
      }
    }
    long left = m.remainingS(System.nanoTime());
    if (left == 0) {
      return;
    }
    for (Session s : sessions.values()) {
      Sub best = null;
      for (Map.Entry<String, Sub> e : s.subs.entrySet()) {
        Sub sub = e.getValue();
        if ((sub.noLocal && s == from) || !matches(e.getKey(), m.topic)) {
          continue;
        }
        if (best == null || sub.qos > best.qos || (sub.retainAsPublished && !best.retainAsPublished)) {
          best = sub;
        }
      }
      if (best != null) {
        deliver(s, m, Math.min(m.qos, best.qos), best.retainAsPublished && m.retain, left);
      }
    }
  }

  private static void deliver(Session s, Message m, int qos, boolean retainFlag, long expiryLeftS) {
    if (!s.ch.isActive() || (qos == 0 && !s.ch.isWritable())) {
      return; // a slow subscriber loses QoS 0 messages rather than growing the broker's memory
    }
    MqttProperties out = new MqttProperties();
    for (MqttProperties.MqttProperty<?> p : m.properties.listAll()) {
      int id = p.propertyId();
      if (id != MqttProperties.TOPIC_ALIAS && id != MqttProperties.SUBSCRIPTION_IDENTIFIER
          && id != MqttProperties.PUBLICATION_EXPIRY_INTERVAL) {
        out.add(p);
      }
    }
    if (expiryLeftS != NO_EXPIRY) {
      out.add(new MqttProperties.IntegerProperty(MqttProperties.PUBLICATION_EXPIRY_INTERVAL, (int) expiryLeftS));
    }
    MqttPublishMessage pub = MqttMessageBuilders.publish()
        .topicName(m.topic)
        .qos(MqttQoS.valueOf(qos))
        .retained(retainFlag)
        .messageId(qos == 0 ? 0 : s.nextPacketId())
        .payload(Unpooled.wrappedBuffer(m.payload))
        .properties(out)
        .build();
    s.ch.writeAndFlush(pub);
  }

  // ---------------------------------------------------------------- helpers

  private static long expiry(MqttProperties props) {
    if (props == null) {
      return NO_EXPIRY;
    }
    MqttProperties.MqttProperty<?> p = props.getProperty(MqttProperties.PUBLICATION_EXPIRY_INTERVAL);
    if (p != null && p.value() instanceof Integer i) {
      return Integer.toUnsignedLong(i);
    }
    return NO_EXPIRY;
  }

  private static byte[] bytes(byte[] b) {
    return b == null ? new byte[0] : b;
  }

  private static int packetId(MqttMessage msg) {
    Object vh = msg.variableHeader();
    if (vh instanceof MqttMessageIdVariableHeader h) {
      return h.messageId();
    }
    return 0;
  }

  private static MqttMessage reply(MqttMessageType type, MqttQoS qos, int id) {
    return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0), MqttMessageIdVariableHeader.from(id));
  }

  /** MQTT topic filter rules: {@code #} only as the whole last level, {@code +} only as a whole level. */
  static boolean validFilter(String filter) {
    if (filter == null || filter.isEmpty() || filter.indexOf('\0') >= 0) {
      return false;
    }
    String[] levels = filter.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String l = levels[i];
      if (l.equals("#")) {
        if (i != levels.length - 1) {
          return false;
        }
      } else if (!l.equals("+") && (l.contains("#") || l.contains("+"))) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code topic} matches {@code filter}; wildcards at the start never match {@code $} topics. */
  static boolean matches(String filter, String topic) {
    if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
      return false;
    }
    if (filter.equals(topic)) {
      return true;
    }
    String[] f = filter.split("/", -1);
    String[] t = topic.split("/", -1);
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals("#")) {
        return true;
      }
      if (i >= t.length || (!f[i].equals("+") && !f[i].equals(t[i]))) {
        return false;
      }
    }
    return f.length == t.length;
  }
}
