package io.telos.planner.spi;

import io.telos.api.config.Settings;
import io.telos.api.scene.Scene;

/**
 * Plugs a contact model into the planners. Providers are found with {@link java.util.ServiceLoader}
 * (register the class in {@code META-INF/services/io.telos.planner.spi.ContactModelProvider}); the
 * launch file picks one by {@link #type()} ({@code planner.contact_model}, default
 * {@code analytic}).
 */
public interface ContactModelProvider {
  /** The value of {@code planner.contact_model} (or {@code planner.contact_model.type}) that selects it. */
  String type();

  /**
   * Builds a contact model of {@code scene}'s objects stepping {@code dtS} seconds.
   *
   * @param scene the objects (at least one) and the tool's contact radius
   * @param dtS model step of the planner
   * @param settings the provider's own keys (the section without {@code type}; empty for a name)
   * @throws io.telos.api.config.ConfigException for settings it cannot use; the message names the key
   */
  ContactModel create(Scene scene, double dtS, Settings settings);
}
