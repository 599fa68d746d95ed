package io.telos.model;

import io.telos.api.spi.ArmChain;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A robot arm as the agent knows it: its URDF, the kinematic chain from base to tool, and its
 * joint limits. Load one with {@link #load(String)}: a file path, or {@code builtin:<name>} for an
 * arm shipped with Telos ({@value #BUILTIN_ARMS}).
 */
public final class RobotModel {
  /** Arms shipped as resources. */
  public static final String BUILTIN_ARMS = "telos6, planar2";

  private static final String BUILTIN = "builtin:";

  private final String name;
  private final RobotDescription description;
  private final KinematicChain chain;
  private final JointLimits limits;
  private final ActuatorResponse response;

  public RobotModel(String name, RobotDescription description, KinematicChain chain, JointLimits limits) {
    this(name, description, chain, limits, ActuatorResponse.ideal(chain.dof()));
  }

  /**
   * @param response how the joints follow their position commands (lag, dead time, speed ceiling);
   *     {@link ActuatorResponse#ideal(int)} for an arm assumed to follow at once
   */
  public RobotModel(String name, RobotDescription description, KinematicChain chain, JointLimits limits,
      ActuatorResponse response) {
    this.name = Objects.requireNonNull(name, "name");
    this.description = Objects.requireNonNull(description, "description");
    this.chain = Objects.requireNonNull(chain, "chain");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.response = Objects.requireNonNull(response, "response");
    if (limits.size() != chain.dof()) {
      throw new IllegalArgumentException("limits for " + limits.size() + " joints, chain has " + chain.dof());
    }
    if (response.size() != chain.dof()) {
      throw new IllegalArgumentException("response for " + response.size() + " joints, chain has " + chain.dof());
    }
  }

  /**
   * Loads a URDF from a path or {@code builtin:<name>}; the chain runs from the root link to the
   * only leaf below a movable joint (see {@link KinematicChain#of(RobotDescription)}).
   */
  public static RobotModel load(String location) {
    return load(location, null, null, Transform.IDENTITY);
  }

  /** Loads a URDF and takes the chain between two named links. */
  public static RobotModel load(String location, String baseLink, String tipLink) {
    return load(location, baseLink, tipLink, Transform.IDENTITY);
  }

  /**
   * Loads a URDF and takes the chain between two links, with a tool frame after the tip link.
   *
   * @param baseLink null for the root link
   * @param tipLink null for the only leaf below a movable joint (fails naming the candidates when
   *     there are several)
   * @param tool the tool frame in the tip link frame; identity for none
   * @throws ChainException when the links or tool cannot be used; {@link ChainException#key()}
   *     names the launch-file key
   */
  public static RobotModel load(String location, String baseLink, String tipLink, Transform tool) {
    RobotDescription d = readDescription(location);
    KinematicChain chain = KinematicChain.of(d, baseLink, tipLink, tool);
    return new RobotModel(d.name(), d, chain, JointLimits.fromChain(chain));
  }

  /** Loads a URDF and takes the chain a launch file (or bridge context) names. */
  public static RobotModel load(String location, ArmChain arm) {
    double[] t = arm.toolXyzRpy();
    return load(location, arm.baseLink(), arm.tipLink(), Transform.fromXyzRpy(t[0], t[1], t[2], t[3], t[4], t[5]));
  }

  /** Parses the URDF at {@code location} (a path or {@code builtin:<name>}). */
  public static RobotDescription readDescription(String location) {
    if (location.startsWith(BUILTIN)) {
      String arm = location.substring(BUILTIN.length());
      String res = "/io/telos/model/robots/" + arm + ".urdf";
      try (InputStream in = RobotModel.class.getResourceAsStream(res)) {
        if (in == null) {
          throw new UrdfException("unknown built-in arm '" + arm + "' (allowed: " + BUILTIN_ARMS + ")");
        }
        return UrdfReader.read(in, location);
      } catch (IOException e) {
        throw new UrdfException("cannot read " + location + ": " + e.getMessage(), e);
      }
    }
    Path p = Path.of(location);
    if (!Files.isRegularFile(p)) {
      throw new UrdfException("URDF file not found: " + location);
    }
    return UrdfReader.read(p);
  }

  /** The same model with other joint limits (e.g. tightened by the launch file). */
  public RobotModel withLimits(JointLimits newLimits) {
    return new RobotModel(name, description, chain, newLimits, response);
  }

  /** The same model with another actuator response (e.g. declared in the launch file or identified). */
  public RobotModel withResponse(ActuatorResponse newResponse) {
    return new RobotModel(name, description, chain, limits, newResponse);
  }

  /** How the joints follow their position commands; ideal unless declared. */
  public ActuatorResponse response() {
    return response;
  }

  public String name() {
    return name;
  }

  public RobotDescription description() {
    return description;
  }

  public KinematicChain chain() {
    return chain;
  }

  public JointLimits limits() {
    return limits;
  }

  public int dof() {
    return chain.dof();
  }

  public List<String> jointNames() {
    return chain.jointNames();
  }
}
