package io.telos.bridge.ros2;

import java.util.ArrayList;
import java.util.List;

/** What a test opened (transports, bridges), closed newest first after it: a field marked {@code @AutoClose}. */
final class Opened implements AutoCloseable {
  private final List<AutoCloseable> open = new ArrayList<>();

  <T extends AutoCloseable> T track(T c) {
    open.add(c);
    return c;
  }

  @Override
  public void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    open.clear();
  }
}
