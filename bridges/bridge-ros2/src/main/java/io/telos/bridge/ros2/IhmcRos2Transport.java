package io.telos.bridge.ros2;

import com.eprosima.xmlschemas.fastrtps_profiles.DurabilityQosKindPolicyType;
import com.eprosima.xmlschemas.fastrtps_profiles.HistoryQosKindPolicyType;
import com.eprosima.xmlschemas.fastrtps_profiles.LocatorListType;
import com.eprosima.xmlschemas.fastrtps_profiles.ReliabilityQosKindPolicyType;
import com.eprosima.xmlschemas.fastrtps_profiles.Udpv4LocatorType;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import us.ihmc.pubsub.Domain;
import us.ihmc.pubsub.DomainFactory;
import us.ihmc.pubsub.TopicDataType;
import us.ihmc.pubsub.attributes.ParticipantProfile;
import us.ihmc.pubsub.common.MatchingInfo;
import us.ihmc.pubsub.common.SampleInfo;
import us.ihmc.pubsub.subscriber.Subscriber;
import us.ihmc.ros2.NewMessageListener;
import us.ihmc.ros2.ROS2Node;
import us.ihmc.ros2.ROS2PublisherBasics;
import us.ihmc.ros2.ROS2QosProfile;
import us.ihmc.ros2.ROS2Subscription;

/**
 * {@link Ros2Transport} on IHMC's Java ROS 2 library ({@code us.ihmc:ihmc-ros2-library}, Fast DDS
 * 2.14 through JNI). Every QoS is built explicitly from a {@link Ros2Qos}: IHMC's own default is
 * best effort and its {@code RELIABLE()} keeps only one sample, neither of which is ROS 2's default.
 *
 * <p>With {@code loopbackOnly} the participant uses a single UDPv4 transport bound to 127.0.0.1
 * (no shared memory, no other interface) and lists 127.0.0.1 as a unicast initial peer, so two
 * processes on one host discover each other without multicast.
 */
public final class IhmcRos2Transport implements Ros2Transport {
  private static final Logger LOG = LoggerFactory.getLogger(IhmcRos2Transport.class);

  private final ROS2Node node;
  private final int domainId;
  private final List<AutoCloseable> endpoints = new ArrayList<>();
  private boolean closed;

  /**
   * Creates the node (and its DDS participant) now.
   *
   * @param nodeName ROS 2 node name: letters, digits and '_'
   * @param domainId DDS domain id (ROS_DOMAIN_ID), 0..232
   * @param loopbackOnly bind to 127.0.0.1 only and discover peers by unicast there
   */
  public IhmcRos2Transport(String nodeName, int domainId, boolean loopbackOnly) {
    if (domainId < 0 || domainId > 232) {
      throw new IllegalArgumentException("domain id must be in [0, 232], was " + domainId);
    }
    DdsSecurity.check(System.getenv(), nodeName);
    this.domainId = domainId;
    ParticipantProfile profile = ParticipantProfile.create().domainId(domainId).name(nodeName);
    if (loopbackOnly) {
      profile.bindToAddressRestrictions(false, List.of(InetAddress.getLoopbackAddress()));
      LocatorListType peers = new LocatorListType();
      LocatorListType.Locator locator = new LocatorListType.Locator();
      Udpv4LocatorType udp = new Udpv4LocatorType();
      udp.setAddress("127.0.0.1");
      locator.getUdpv4().add(udp);
      peers.getLocator().add(locator);
      profile.getProfile().getRtps().getBuiltin().setInitialPeersList(peers);
    }
    Domain domain = DomainFactory.getDomain(DomainFactory.PubSubImplementation.FAST_RTPS);
    this.node = new ROS2Node(domain, nodeName, "", profile);
    LOG.info("component=bridge/ros2 event=node_created node={} domain={} loopback_only={}", nodeName, domainId, loopbackOnly);
  }

  public int domainId() {
    return domainId;
  }

  static ROS2QosProfile profile(Ros2Qos qos) {
    return new ROS2QosProfile(HistoryQosKindPolicyType.KEEP_LAST, qos.depth(),
        qos.reliability() == Ros2Qos.Reliability.RELIABLE ? ReliabilityQosKindPolicyType.RELIABLE
            : ReliabilityQosKindPolicyType.BEST_EFFORT,
        qos.durability() == Ros2Qos.Durability.TRANSIENT_LOCAL ? DurabilityQosKindPolicyType.TRANSIENT_LOCAL
            : DurabilityQosKindPolicyType.VOLATILE,
        false);
  }

  @Override
  public synchronized <T> Publisher<T> publisher(Ros2Type<T> type, String topic, Ros2Qos qos) {
    ensureOpen();
    Codec<?, T> codec = codec(type);
    Pub<?, T> p = new Pub<>(codec, topic, qos);
    endpoints.add(p);
    return p;
  }

  @Override
  public synchronized <T> Subscription subscribe(Ros2Type<T> type, String topic, Ros2Qos qos,
      Consumer<? super T> listener) {
    ensureOpen();
    Codec<?, T> codec = codec(type);
    Sub<?, T> s = new Sub<>(codec, topic, qos, listener);
    endpoints.add(s);
    return s;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (AutoCloseable e : endpoints) {
      if (e instanceof Sub<?, ?> sub) {
        sub.quiesce();
      }
    }
    node.destroy();
    endpoints.clear();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("transport closed");
    }
  }

  // ------------------------------------------------------------------ publisher and subscription

  private final class Pub<D, T> implements Publisher<T> {
    private final Codec<D, T> codec;
    private final String topic;
    private final ROS2PublisherBasics<D> publisher;
    private final D scratch;

    Pub(Codec<D, T> codec, String topic, Ros2Qos qos) {
      this.codec = codec;
      this.topic = topic;
      TopicDataType<D> dataType = codec.dataType.get();
      this.publisher = node.createPublisher(dataType, node.createPublisherAttributes(dataType, topic, profile(qos)));
      this.scratch = codec.factory.get();
    }

    @Override
    public synchronized boolean publish(T message) {
      codec.encode.accept(message, scratch);
      return publisher.publish(scratch);
    }

    @Override
    public String topic() {
      return topic;
    }

    @Override
    public void close() {
      publisher.remove();
    }
  }

  private final class Sub<D, T> implements Subscription, NewMessageListener<D> {
    private final Codec<D, T> codec;
    private final String topic;
    private final Consumer<? super T> listener;
    private final D scratch;
    private final SampleInfo info = new SampleInfo();
    private final AtomicInteger matched = new AtomicInteger();
    /** Callbacks between entry and exit; see {@link #quiesce()}. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean gone;
    private final ROS2Subscription<D> subscription;

    Sub(Codec<D, T> codec, String topic, Ros2Qos qos, Consumer<? super T> listener) {
      this.codec = codec;
      this.topic = topic;
      this.listener = Objects.requireNonNull(listener, "listener");
      this.scratch = codec.factory.get();
      TopicDataType<D> dataType = codec.dataType.get();
      this.subscription = node.createSubscription(dataType, this,
          node.createSubscriberAttributes(topic, dataType, profile(qos)));
    }

    @Override
    public void onNewDataMessage(Subscriber<D> subscriber) {
      inFlight.incrementAndGet();
      try {
        if (!gone) {
          take(subscriber);
        }
      } finally {
        inFlight.decrementAndGet();
      }
    }

    /**
     * Stops taking samples and waits for callbacks in progress to finish. Deleting a Fast DDS
     * subscriber holds the lock that {@code takeNextData} needs while it waits for the listener
     * thread, so deleting it during a callback deadlocks both threads; after this, no callback
     * calls {@code takeNextData} any more.
     */
    void quiesce() {
      gone = true;
      long deadline = System.nanoTime() + 2_000_000_000L;
      while (inFlight.get() > 0 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(100_000);
      }
      if (inFlight.get() > 0) {
        LOG.warn("component=bridge/ros2 event=close_waiting topic={} in_flight={}", topic, inFlight.get());
      }
    }

    private void take(Subscriber<D> subscriber) {
      synchronized (this) {
        // One sample per callback: Fast DDS calls back once per arrival, and taking from an empty
        // reader makes the native side print an error.
        if (subscriber.takeNextData(scratch, info)) {
          T message;
          try {
            message = codec.decode.apply(scratch);
          } catch (RuntimeException e) {
            LOG.debug("component=bridge/ros2 event=decode_failed topic={} reason=\"{}\"", topic, e.toString());
            return;
          }
          try {
            listener.accept(message);
          } catch (RuntimeException e) {
            LOG.warn("component=bridge/ros2 event=listener_failed topic={}", topic, e);
          }
        }
      }
    }

    @Override
    public void onSubscriptionMatched(Subscriber<D> subscriber, MatchingInfo info) {
      if (info.getStatus() == MatchingInfo.MatchingStatus.MATCHED_MATCHING) {
        matched.incrementAndGet();
      } else if (info.getStatus() == MatchingInfo.MatchingStatus.REMOVED_MATCHING) {
        matched.updateAndGet(n -> Math.max(0, n - 1));
      }
    }

    @Override
    public int matchedPublishers() {
      return matched.get();
    }

    @Override
    public String topic() {
      return topic;
    }

    @Override
    public void close() {
      quiesce();
      subscription.remove();
    }
  }

  // ------------------------------------------------------------------ codecs

  /** How one {@link Ros2Type} maps onto IHMC's generated class {@code D}. */
  private record Codec<D, T>(Supplier<TopicDataType<D>> dataType, Supplier<D> factory,
      BiConsumer<T, D> encode, Function<D, T> decode) {}

  @SuppressWarnings("unchecked")
  private static <T> Codec<?, T> codec(Ros2Type<T> type) {
    Object c;
    if (type == Ros2Type.JOINT_STATE) {
      c = JOINT_STATE;
    } else if (type == Ros2Type.JOINT_TRAJECTORY) {
      c = JOINT_TRAJECTORY;
    } else if (type == Ros2Type.FLOAT64_MULTI_ARRAY) {
      c = FLOAT64_MULTI_ARRAY;
    } else if (type == Ros2Type.STRING) {
      c = STRING;
    } else if (type == Ros2Type.LONG_STRING) {
      c = LONG_STRING;
    } else if (type == Ros2Type.IMAGE) {
      c = IMAGE;
    } else if (type == Ros2Type.COMPRESSED_IMAGE) {
      c = COMPRESSED_IMAGE;
    } else if (type == Ros2Type.CAMERA_INFO) {
      c = CAMERA_INFO;
    } else {
      throw new IllegalArgumentException("unsupported type " + type);
    }
    return (Codec<?, T>) c;
  }

  private static final Codec<sensor_msgs.msg.dds.JointState, Ros2Msg.JointState> JOINT_STATE = new Codec<>(
      sensor_msgs.msg.dds.JointStatePubSubType::new, sensor_msgs.msg.dds.JointState::new,
      (m, d) -> {
        d.getHeader().getStamp().setSec(m.stampSec());
        d.getHeader().getStamp().setNanosec(m.stampNanosec());
        d.getHeader().setFrameId(m.frameId());
        d.getName().resetQuick();
        for (String n : m.name()) {
          d.getName().add(n);
        }
        fill(d.getPosition(), m.position());
        fill(d.getVelocity(), m.velocity());
        fill(d.getEffort(), m.effort());
      },
      d -> new Ros2Msg.JointState(d.getHeader().getStamp().getSec(), d.getHeader().getStamp().getNanosec(),
          d.getHeader().getFrameIdAsString(), List.of(d.getName().toStringArray()), d.getPosition().toArray(),
          d.getVelocity().toArray(), d.getEffort().toArray()));

  private static final Codec<trajectory_msgs.msg.dds.JointTrajectory, Ros2Msg.JointTrajectory> JOINT_TRAJECTORY =
      new Codec<>(trajectory_msgs.msg.dds.JointTrajectoryPubSubType::new, trajectory_msgs.msg.dds.JointTrajectory::new,
          (m, d) -> {
            d.getHeader().getStamp().setSec(0);
            d.getHeader().getStamp().setNanosec(0);
            d.getJointNames().resetQuick();
            for (String n : m.jointNames()) {
              d.getJointNames().add(n);
            }
            d.getPoints().clear();
            trajectory_msgs.msg.dds.JointTrajectoryPoint p = d.getPoints().add();
            fill(p.getPositions(), m.positions());
            fill(p.getVelocities(), m.velocities());
            p.getAccelerations().resetQuick();
            p.getEffort().resetQuick();
            p.getTimeFromStart().setSec((int) (m.timeFromStartNs() / 1_000_000_000L));
            p.getTimeFromStart().setNanosec(m.timeFromStartNs() % 1_000_000_000L);
          },
          d -> {
            if (d.getPoints().size() == 0) {
              return new Ros2Msg.JointTrajectory(List.of(d.getJointNames().toStringArray()), new double[0],
                  new double[0], 0);
            }
            trajectory_msgs.msg.dds.JointTrajectoryPoint p = d.getPoints().get(0);
            return new Ros2Msg.JointTrajectory(List.of(d.getJointNames().toStringArray()), p.getPositions().toArray(),
                p.getVelocities().toArray(),
                p.getTimeFromStart().getSec() * 1_000_000_000L + p.getTimeFromStart().getNanosec());
          });

  private static final Codec<std_msgs.msg.dds.Float64MultiArray, Ros2Msg.Float64MultiArray> FLOAT64_MULTI_ARRAY =
      new Codec<>(std_msgs.msg.dds.Float64MultiArrayPubSubType::new, std_msgs.msg.dds.Float64MultiArray::new,
          (m, d) -> fill(d.getData(), m.data()),
          d -> new Ros2Msg.Float64MultiArray(d.getData().toArray()));

  private static final Codec<std_msgs.msg.dds.String, Ros2Msg.Text> STRING = new Codec<>(
      std_msgs.msg.dds.StringPubSubType::new, std_msgs.msg.dds.String::new,
      (m, d) -> d.setData(m.data()),
      d -> new Ros2Msg.Text(d.getDataAsString()));

  private static final Codec<StringBuilder, Ros2Msg.Text> LONG_STRING = new Codec<>(
      UnboundedStringPubSubType::new, StringBuilder::new,
      (m, d) -> {
        byte[] utf8 = m.data().getBytes(StandardCharsets.UTF_8);
        d.setLength(utf8.length);
        for (int i = 0; i < utf8.length; i++) {
          d.setCharAt(i, (char) (utf8[i] & 0xff));
        }
      },
      d -> {
        byte[] utf8 = new byte[d.length()];
        for (int i = 0; i < utf8.length; i++) {
          utf8[i] = (byte) d.charAt(i);
        }
        return new Ros2Msg.Text(new String(utf8, StandardCharsets.UTF_8));
      });

  private static final Codec<ImagePubSubType.Buffer, Ros2Msg.Image> IMAGE = new Codec<>(
      ImagePubSubType::new, ImagePubSubType.Buffer::new,
      (m, d) -> {
        d.stampSec = m.stampSec();
        d.stampNanosec = m.stampNanosec();
        d.frameId.setLength(0);
        d.frameId.append(m.frameId());
        d.height = m.height();
        d.width = m.width();
        d.encoding.setLength(0);
        d.encoding.append(m.encoding());
        d.isBigendian = 0;
        d.step = m.step();
        d.data = m.data();
        d.length = m.data().length;
      },
      d -> new Ros2Msg.Image(d.stampSec, d.stampNanosec, d.frameId.toString(), (int) Math.min(Integer.MAX_VALUE, d.height),
          (int) Math.min(Integer.MAX_VALUE, d.width), d.encoding.toString(), (int) Math.min(Integer.MAX_VALUE, d.step),
          Arrays.copyOf(d.data, d.length)));

  private static final Codec<CompressedImagePubSubType.Buffer, Ros2Msg.CompressedImage> COMPRESSED_IMAGE =
      new Codec<>(CompressedImagePubSubType::new, CompressedImagePubSubType.Buffer::new,
          (m, d) -> {
            d.stampSec = m.stampSec();
            d.stampNanosec = m.stampNanosec();
            d.frameId.setLength(0);
            d.frameId.append(m.frameId());
            d.format.setLength(0);
            d.format.append(m.format());
            d.data = m.data();
            d.length = m.data().length;
          },
          d -> new Ros2Msg.CompressedImage(d.stampSec, d.stampNanosec, d.frameId.toString(), d.format.toString(),
              Arrays.copyOf(d.data, d.length)));

  private static final Codec<CameraInfoPubSubType.Buffer, Ros2Msg.CameraInfo> CAMERA_INFO = new Codec<>(
      CameraInfoPubSubType::new, CameraInfoPubSubType.Buffer::new,
      (m, b) -> {
        b.stampSec = m.stampSec();
        b.stampNanosec = m.stampNanosec();
        b.frameId.setLength(0);
        b.frameId.append(m.frameId());
        b.height = Integer.toUnsignedLong(m.height());
        b.width = Integer.toUnsignedLong(m.width());
        b.distortionModel.setLength(0);
        b.distortionModel.append(m.distortionModel());
        System.arraycopy(m.d(), 0, b.d, 0, m.d().length);
        b.dLength = m.d().length;
        System.arraycopy(m.k(), 0, b.k, 0, 9);
        System.arraycopy(m.r(), 0, b.r, 0, 9);
        System.arraycopy(m.p(), 0, b.p, 0, 12);
        b.binningX = Integer.toUnsignedLong(m.binningX());
        b.binningY = Integer.toUnsignedLong(m.binningY());
        b.roiXOffset = Integer.toUnsignedLong(m.roi().xOffset());
        b.roiYOffset = Integer.toUnsignedLong(m.roi().yOffset());
        b.roiHeight = Integer.toUnsignedLong(m.roi().height());
        b.roiWidth = Integer.toUnsignedLong(m.roi().width());
        b.roiDoRectify = m.roi().doRectify();
      },
      b -> new Ros2Msg.CameraInfo(b.stampSec, b.stampNanosec, b.frameId.toString(), clamp(b.height), clamp(b.width),
          b.distortionModel.toString(), Arrays.copyOf(b.d, b.dLength), b.k.clone(), b.r.clone(),
          b.p.clone(), clamp(b.binningX), clamp(b.binningY), new Ros2Msg.RegionOfInterest(clamp(b.roiXOffset),
          clamp(b.roiYOffset), clamp(b.roiHeight), clamp(b.roiWidth), b.roiDoRectify)));

  /** A uint32 as a non-negative int (values over 2^31 - 1 become the largest int). */
  private static int clamp(long uint32) {
    return (int) Math.min(Integer.MAX_VALUE, uint32);
  }

  private static void fill(us.ihmc.idl.IDLSequence.Double seq, double[] values) {
    seq.resetQuick();
    for (double v : values) {
      seq.add(v);
    }
  }
}
