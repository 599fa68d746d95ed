package io.telos.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A parsed URDF: links and joints forming a tree. */
public final class RobotDescription {
  private final String name;
  private final Map<String, Link> links;
  private final Map<String, JointSpec> joints;
  private final String rootLink;

  RobotDescription(String name, List<Link> links, List<JointSpec> joints) {
    this.name = name;
    this.links = new LinkedHashMap<>();
    for (Link l : links) {
      if (this.links.put(l.name(), l) != null) {
        throw new UrdfException("link '" + l.name() + "' is defined twice");
      }
    }
    this.joints = new LinkedHashMap<>();
    Map<String, String> parentOf = new LinkedHashMap<>();
    for (JointSpec j : joints) {
      if (this.joints.put(j.name(), j) != null) {
        throw new UrdfException("joint '" + j.name() + "' is defined twice");
      }
      if (!this.links.containsKey(j.parent())) {
        throw new UrdfException("joint '" + j.name() + "' names unknown parent link '" + j.parent() + "'");
      }
      if (!this.links.containsKey(j.child())) {
        throw new UrdfException("joint '" + j.name() + "' names unknown child link '" + j.child() + "'");
      }
      if (parentOf.put(j.child(), j.name()) != null) {
        throw new UrdfException("link '" + j.child() + "' has more than one parent joint");
      }
    }
    List<String> roots = new ArrayList<>();
    for (String l : this.links.keySet()) {
      if (!parentOf.containsKey(l)) {
        roots.add(l);
      }
    }
    if (roots.size() != 1) {
      throw new UrdfException("a URDF needs exactly one root link, found " + roots);
    }
    this.rootLink = roots.get(0);
    // With one root and at most one parent per link, a link the root cannot reach sits on a cycle
    // of joints; walking up from it would never end.
    Map<String, List<String>> childrenOf = new LinkedHashMap<>();
    for (JointSpec j : joints) {
      childrenOf.computeIfAbsent(j.parent(), k -> new ArrayList<>()).add(j.child());
    }
    Set<String> reached = new HashSet<>();
    ArrayDeque<String> todo = new ArrayDeque<>();
    todo.add(rootLink);
    while (!todo.isEmpty()) {
      String l = todo.poll();
      if (reached.add(l)) {
        todo.addAll(childrenOf.getOrDefault(l, List.of()));
      }
    }
    for (String l : this.links.keySet()) {
      if (!reached.contains(l)) {
        throw new UrdfException("link '" + l + "' is not connected to root link '" + rootLink
            + "': its joints form a cycle (parent joint '" + parentOf.get(l) + "')");
      }
    }
  }

  public String name() {
    return name;
  }

  public String rootLink() {
    return rootLink;
  }

  public Map<String, Link> links() {
    return Map.copyOf(links);
  }

  public Link link(String name) {
    return links.get(name);
  }

  /** Joints in document order. */
  public List<JointSpec> joints() {
    return List.copyOf(joints.values());
  }

  public JointSpec joint(String name) {
    return joints.get(name);
  }

  /** The joint whose child is {@code link}, or null for the root. */
  public JointSpec parentJoint(String link) {
    for (JointSpec j : joints.values()) {
      if (j.child().equals(link)) {
        return j;
      }
    }
    return null;
  }

  /** Joints whose parent is {@code link}, in document order. */
  public List<JointSpec> childJoints(String link) {
    List<JointSpec> out = new ArrayList<>();
    for (JointSpec j : joints.values()) {
      if (j.parent().equals(link)) {
        out.add(j);
      }
    }
    return out;
  }
}
