package io.telos.bridge.ros2;

import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the ROS 2 security environment asks (SROS2: {@code ROS_SECURITY_ENABLE},
 * {@code ROS_SECURITY_STRATEGY}, {@code ROS_SECURITY_KEYSTORE}) against what this transport can do.
 * IHMC's library bundles Fast DDS 2.14 built without the DDS Security plugins (no authentication,
 * access control or encryption), so a system that enforces security is refused at start-up rather
 * than joined in clear; a permissive one is joined with a warning, as {@code rcl} does when it
 * finds no keys. See ADR 0012.
 */
public final class DdsSecurity {
  private static final Logger LOG = LoggerFactory.getLogger(DdsSecurity.class);

  /** Whether this transport can authenticate and encrypt DDS traffic. */
  public static final boolean SUPPORTED = false;

  private DdsSecurity() {}

  /**
   * Checks the environment before a participant is created.
   *
   * @throws IllegalStateException when security is enabled and enforced
   */
  public static void check(Map<String, String> env, String node) {
    if (!"true".equalsIgnoreCase(env.getOrDefault("ROS_SECURITY_ENABLE", "").trim())) {
      return;
    }
    String strategy = env.getOrDefault("ROS_SECURITY_STRATEGY", "Permissive").trim();
    String keystore = env.getOrDefault("ROS_SECURITY_KEYSTORE", "");
    if ("enforce".equals(strategy.toLowerCase(Locale.ROOT))) {
      throw new IllegalStateException("ROS_SECURITY_ENABLE=true with ROS_SECURITY_STRATEGY=Enforce, but this ROS 2"
          + " transport (IHMC ros2-library, Fast DDS 2.14 built without DDS Security) cannot authenticate or encrypt:"
          + " node " + node + " will not join the domain in clear. Keep DDS on loopback or an isolated network and"
          + " unset ROS_SECURITY_ENABLE for this process, use the MQTT bridge over ssl:// with broker users, or plug a"
          + " security-capable client behind Ros2Transport (docs/adr/0012-ros2-security-stance.md)");
    }
    LOG.warn("component=ros2/{} event=dds_security_unavailable strategy={} keystore={} reason=\"ROS_SECURITY_ENABLE"
        + "=true but this transport has no DDS Security: joining without authentication or encryption\"", node,
        strategy, keystore.isEmpty() ? "unset" : keystore);
  }
}
