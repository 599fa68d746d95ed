package io.telos.planner.djl;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.api.scene.Scene;
import io.telos.planner.spi.ContactModel;
import io.telos.planner.spi.ContactModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code planner.contact_model: {type: learned, path: .telos/contact.tcm}}: the contact model
 * {@code telos learn-contact} trained, from a file. A missing or unusable file is refused at
 * start-up with the reason (the planner does not silently fall back to the analytic model: the
 * launch file asked for this one).
 */
public final class LearnedContactModelProvider implements ContactModelProvider {
  /** Where {@code telos learn-contact} writes its model by default. */
  public static final String DEFAULT_PATH = ".telos/contact.tcm";

  @Override
  public String type() {
    return "learned";
  }

  @Override
  public ContactModel create(Scene scene, double dtS, Settings settings) {
    settings.requireOnly(Set.of("path"));
    Path path = Path.of(settings.string("path", DEFAULT_PATH));
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(settings.key("path") + ": no contact model at " + path
          + " (train one with `telos learn-contact`)");
    }
    try {
      return LearnedContactModel.load(path, scene, dtS);
    } catch (ModelFileException e) {
      throw new ConfigException(settings.key("path") + ": " + e.getMessage());
    }
  }
}
