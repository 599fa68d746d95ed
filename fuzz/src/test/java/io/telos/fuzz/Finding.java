package io.telos.fuzz;

/** What a fuzz target found: a decoder that let through what it promised to refuse. */
final class Finding extends AssertionError {
  Finding(String message) {
    super(message);
  }

  static void require(boolean ok, String message) {
    if (!ok) {
      throw new Finding(message);
    }
  }

  static void finite(double[] values, String what) {
    if (values == null) {
      return;
    }
    for (double v : values) {
      require(Double.isFinite(v), what + " accepted a non-finite value: " + v);
    }
  }
}
