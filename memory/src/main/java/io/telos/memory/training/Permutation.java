package io.telos.memory.training;

/**
 * A seeded pseudo-random permutation of {@code [0, n)} computed one element at a time, in O(1)
 * memory: a 4-round Feistel network over the smallest even power of two covering {@code n}, with
 * cycle-walking for values outside the range. Used to visit every sample position of an epoch
 * exactly once in shuffled order without holding the positions.
 */
final class Permutation {
  private final long n;
  private final int halfBits;
  private final long halfMask;
  private final long[] keys = new long[4];

  Permutation(long n, long seed) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, was " + n);
    }
    this.n = n;
    int bits = 2;
    while (bits < 62 && (1L << bits) < n) {
      bits += 2;
    }
    this.halfBits = bits / 2;
    this.halfMask = (1L << halfBits) - 1;
    long s = seed;
    for (int i = 0; i < keys.length; i++) {
      s += 0x9E3779B97F4A7C15L;
      keys[i] = mix(s);
    }
  }

  long size() {
    return n;
  }

  /** The {@code i}-th element, for {@code 0 <= i < n}. */
  long get(long i) {
    if (i < 0 || i >= n) {
      throw new IndexOutOfBoundsException(i + " not in [0, " + n + ")");
    }
    long x = i;
    do {
      x = encrypt(x);
    } while (x >= n); // cycle-walking: stays a bijection on [0, n)
    return x;
  }

  private long encrypt(long x) {
    long left = x >>> halfBits;
    long right = x & halfMask;
    for (long k : keys) {
      long next = left ^ (mix(right ^ k) & halfMask);
      left = right;
      right = next;
    }
    return (left << halfBits) | right;
  }

  /** SplitMix64's finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
