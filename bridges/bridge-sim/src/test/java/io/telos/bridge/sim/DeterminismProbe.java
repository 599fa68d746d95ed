package io.telos.bridge.sim;

/** Run in a separate JVM by the determinism test: prints the state hash of the scripted run. */
public final class DeterminismProbe {
  private DeterminismProbe() {}

  public static void main(String[] args) {
    long seed = Long.parseLong(args[0]);
    SimConfig noisy = SimConfig.defaults().withNoise(1e-3, 1e-2);
    try (SimulatedArm a = SimTesting.lockStep(SimTesting.TELOS6, noisy, seed)) {
      System.out.println("hash=" + SimTesting.runScript(new SimulatedArm[] {a})[0]);
    }
  }
}
