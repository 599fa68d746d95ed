package io.telos.launch.memory;

import io.telos.api.config.Settings;
import io.telos.memory.EpisodeStore;
import io.telos.memory.MemoryConfig;
import io.telos.runtime.config.LaunchException;
import java.nio.file.Path;
import java.util.Map;

/** Opening the embedded store for the {@code telos memory} commands. */
final class Stores {
  private Stores() {}

  /** A read-only store on {@code path}; a clear error when there is none. */
  static EpisodeStore openReader(Path path) {
    if (!path.toFile().isFile()) {
      throw new LaunchException("no episodic memory at " + path + " (run `telos demo` first, or pass --path)");
    }
    EpisodeStore store = MemoryConfig.from(new Settings("memory", Map.of("path", path.toString()))).createReader()
        .orElseThrow();
    store.open();
    if (store.failure().isPresent()) {
      store.close();
      throw new LaunchException(store.failure().get().message());
    }
    return store;
  }
}
