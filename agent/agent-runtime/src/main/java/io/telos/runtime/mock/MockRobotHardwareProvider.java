package io.telos.runtime.mock;

import io.telos.api.config.Settings;
import io.telos.api.spi.HardwareContext;
import io.telos.api.spi.RobotHardware;
import io.telos.api.spi.RobotHardwareProvider;
import io.telos.model.RobotModel;
import java.util.Set;

/** {@code bridge.type: mock} — see {@link MockRobotHardware}. Key: {@code initial_position}. */
public final class MockRobotHardwareProvider implements RobotHardwareProvider {
  @Override
  public String type() {
    return "mock";
  }

  @Override
  public Set<String> settingKeys() {
    return Set.of("initial_position");
  }

  @Override
  public RobotHardware create(HardwareContext ctx) {
    RobotModel model = RobotModel.load(ctx.robotDescription(), ctx.armChain());
    Settings s = new Settings("bridge", ctx.settings());
    double[] q = s.numbers("initial_position", new double[model.dof()], model.dof(), -1e3, 1e3);
    if (!model.limits().contains(q, 0)) {
      throw new IllegalArgumentException("bridge.initial_position: must be inside the joint limits " + model.limits());
    }
    return new MockRobotHardware(ctx.robotId(), model.jointNames(), q, ctx.clock());
  }
}
