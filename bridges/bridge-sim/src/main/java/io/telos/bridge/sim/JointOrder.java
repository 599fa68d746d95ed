package io.telos.bridge.sim;

import io.telos.api.JointCommand;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulated arm's joints in chain order, and what a command must be to drive them: it names
 * each joint exactly once (in any order) and its fields are finite — the position only where the
 * command interface uses it.
 */
final class JointOrder {
  private final List<String> names;
  private final Map<String, Integer> index = new HashMap<>();

  JointOrder(List<String> names) {
    this.names = List.copyOf(names);
    for (int i = 0; i < this.names.size(); i++) {
      index.put(this.names.get(i), i);
    }
  }

  List<String> names() {
    return names;
  }

  /** Why {@code cmd} cannot drive the arm, or null when it can. */
  String check(JointCommand cmd, boolean velocityInterface) {
    if (cmd == null) {
      return "null command";
    }
    int n = names.size();
    List<String> named = cmd.names();
    if (named.size() != n) {
      return "command names " + named.size() + " joints, arm has " + n;
    }
    if (!named.equals(names)) {
      boolean[] seen = new boolean[n];
      for (String name : named) {
        Integer i = index.get(name);
        if (i == null) {
          return "unknown joint '" + name + "'";
        }
        if (seen[i]) {
          return "joint '" + name + "' named twice";
        }
        seen[i] = true;
      }
    }
    if (!cmd.velocity().isFinite()) {
      return "non-finite velocity";
    }
    if (!velocityInterface && !cmd.position().isFinite()) {
      return "non-finite position";
    }
    return null;
  }

  /** A checked command's positions and velocities into {@code pos} and {@code vel}, in chain order. */
  void copy(JointCommand cmd, double[] pos, double[] vel) {
    List<String> named = cmd.names();
    if (named.equals(names)) {
      cmd.position().copyTo(pos);
      cmd.velocity().copyTo(vel);
    } else {
      for (int k = 0; k < names.size(); k++) {
        int i = index.get(named.get(k));
        pos[i] = cmd.position().get(k);
        vel[i] = cmd.velocity().get(k);
      }
    }
  }
}
