package io.telos.planner.djl;

import ai.djl.engine.Engine;

/**
 * Starts the PyTorch engine the way this module needs it: offline (the natives come from the
 * {@code pytorch-native-*} jar on the class path and are unpacked once into the DJL cache) and,
 * unless the launcher says otherwise, one intra-op and one inter-op thread so that inference is
 * deterministic and does not compete with the control threads.
 */
public final class DjlEngine {
  private static volatile Engine engine;

  private DjlEngine() {}

  /** The PyTorch engine, started on first use. */
  public static Engine get() {
    Engine e = engine;
    if (e == null) {
      synchronized (DjlEngine.class) {
        if (engine == null) {
          setIfAbsent("ai.djl.offline", "true");
          setIfAbsent("ai.djl.pytorch.num_threads", "1");
          setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
          setIfAbsent("ai.djl.default_engine", "PyTorch");
          engine = Engine.getEngine("PyTorch");
        }
        e = engine;
      }
    }
    return e;
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
