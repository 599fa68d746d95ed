package io.telos.perception.response;

/** Sample masks (which samples of a recording a fit uses) and the few operations on them. */
final class Masks {
  private Masks() {}

  /** {@code in} widened by {@code r} samples on each side. */
  static boolean[] dilate(boolean[] in, int r) {
    boolean[] out = new boolean[in.length];
    int last = -1;
    for (int i = 0; i < in.length; i++) {
      if (in[i]) {
        for (int j = Math.max(Math.max(0, i - r), last + 1); j <= Math.min(in.length - 1, i + r); j++) {
          out[j] = true;
          last = j;
        }
      }
    }
    return out;
  }

  /** The complement of {@code in}. */
  static boolean[] not(boolean[] in) {
    boolean[] out = new boolean[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = !in[i];
    }
    return out;
  }

  /** How many samples {@code in} selects. */
  static int count(boolean[] in) {
    int k = 0;
    for (boolean b : in) {
      if (b) {
        k++;
      }
    }
    return k;
  }
}
