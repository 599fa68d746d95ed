package io.telos.perception;

import io.telos.api.Header;
import io.telos.api.JointState;
import io.telos.api.Vec;
import io.telos.model.JointLimits;
import io.telos.model.KinematicChain;
import io.telos.model.RobotDescription;
import io.telos.model.RobotModel;
import io.telos.model.UrdfReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Models and joint states for the perception tests. */
final class TestRobots {
  private TestRobots() {}

  static final RobotModel TELOS6 = RobotModel.load("builtin:telos6");
  static final RobotModel PLANAR2 = RobotModel.load("builtin:planar2");

  /**
   * A turret (continuous), a slider (prismatic, behind a rolled fixed mount) and a wrist
   * (revolute), below a {@code world} link.
   */
  static final RobotModel SLIDER = fromString("""
      <robot name="slider_arm">
        <link name="world"/><link name="base"/><link name="arm"/><link name="mount"/>
        <link name="carriage"/><link name="flange"/><link name="tool"/>
        <joint name="world_to_base" type="fixed"><parent link="world"/><child link="base"/>
          <origin xyz="1 2 0.5" rpy="0 0 1.5707963267948966"/></joint>
        <joint name="turret" type="continuous"><parent link="base"/><child link="arm"/>
          <origin xyz="0 0 0.3"/><axis xyz="0 0 1"/><limit effort="40" velocity="3"/></joint>
        <joint name="arm_to_mount" type="fixed"><parent link="arm"/><child link="mount"/>
          <origin xyz="0.4 0 0" rpy="1.5707963267948966 0 0"/></joint>
        <joint name="slider" type="prismatic"><parent link="mount"/><child link="carriage"/>
          <axis xyz="0 1 0"/><limit lower="-0.1" upper="0.2" effort="100" velocity="0.5"/></joint>
        <joint name="wrist" type="revolute"><parent link="carriage"/><child link="flange"/>
          <origin xyz="0 0 0.1" rpy="0.2 -0.3 0.4"/><axis xyz="0 0.6 0.8"/>
          <limit lower="-1.5" upper="1.5" effort="10" velocity="2"/></joint>
        <joint name="tool_joint" type="fixed"><parent link="flange"/><child link="tool"/>
          <origin xyz="0.02 0 0.05" rpy="0 0.5 0"/></joint>
      </robot>
      """);

  static RobotModel fromString(String urdf) {
    RobotDescription d = UrdfReader.read(new ByteArrayInputStream(urdf.getBytes(StandardCharsets.UTF_8)), "test.urdf");
    KinematicChain chain = KinematicChain.of(d);
    return new RobotModel(d.name(), d, chain, JointLimits.fromChain(chain));
  }

  static JointState state(long stampNs, List<String> names, double[] position) {
    return new JointState(Header.of(0, stampNs, "bridge/arm1"), names, Vec.of(position), Vec.empty(), Vec.empty());
  }

  static JointState state(long stampNs, List<String> names, double[] position, double[] velocity) {
    return new JointState(Header.of(0, stampNs, "bridge/arm1"), names, Vec.of(position), Vec.of(velocity), Vec.empty());
  }

  /** A state listing the model's joints in chain order. */
  static JointState inOrder(RobotModel m, long stampNs, double... position) {
    return state(stampNs, m.jointNames(), position);
  }
}
