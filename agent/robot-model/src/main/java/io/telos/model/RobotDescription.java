package io.telos.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed URDF: links and joints forming a tree with one root link. Branches (fixed frames, the
 * fingers of a gripper) and mimic joints are kept as written; {@link KinematicChain} picks the arm
 * out of the tree.
 */
public final class RobotDescription {
  private final String source;
  private final String name;
  private final Map<String, Link> links;
  private final Map<String, JointSpec> joints;
  private final Map<String, JointSpec> parentJoint;
  private final Map<String, List<JointSpec>> childJoints;
  private final String rootLink;

  RobotDescription(String name, List<Link> links, List<JointSpec> joints) {
    this("URDF", name, links, joints);
  }

  /**
   * @param source where the description came from (a path, {@code builtin:<name>} or the name a
   *     caller gave); chain errors start with it. Errors of the constructor itself do not: the
   *     reader adds the source.
   */
  RobotDescription(String source, String name, List<Link> links, List<JointSpec> joints) {
    this.source = source;
    this.name = name;
    this.links = new LinkedHashMap<>();
    for (Link l : links) {
      if (this.links.put(l.name(), l) != null) {
        throw new UrdfException("link '" + l.name() + "' is defined twice");
      }
    }
    this.joints = new LinkedHashMap<>();
    this.parentJoint = new LinkedHashMap<>();
    this.childJoints = new LinkedHashMap<>();
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
      JointSpec other = parentJoint.put(j.child(), j);
      if (other != null) {
        throw new UrdfException("link '" + j.child() + "' has more than one parent joint ('" + other.name()
            + "' and '" + j.name() + "'; allowed: one, the description must be a tree)");
      }
      childJoints.computeIfAbsent(j.parent(), k -> new ArrayList<>()).add(j);
    }
    List<String> roots = new ArrayList<>();
    for (String l : this.links.keySet()) {
      if (!parentJoint.containsKey(l)) {
        roots.add(l);
      }
    }
    if (roots.isEmpty()) {
      throw new UrdfException("the joints form a cycle: every link is some joint's child, so there is no root"
          + " link (allowed: a tree with exactly one root link)");
    }
    if (roots.size() != 1) {
      throw new UrdfException("a URDF needs exactly one root link (a link that is no joint's child), found " + roots
          + "; connect them with a joint (e.g. a fixed one)");
    }
    this.rootLink = roots.get(0);
    // With one root and at most one parent per link, a link the root cannot reach sits on a cycle
    // of joints; walking up from it would never end.
    Set<String> reached = new HashSet<>();
    ArrayDeque<String> todo = new ArrayDeque<>();
    todo.add(rootLink);
    while (!todo.isEmpty()) {
      String l = todo.poll();
      if (reached.add(l)) {
        for (JointSpec j : childJoints.getOrDefault(l, List.of())) {
          todo.add(j.child());
        }
      }
    }
    for (String l : this.links.keySet()) {
      if (!reached.contains(l)) {
        throw new UrdfException("link '" + l + "' is not connected to root link '" + rootLink
            + "': its joints form a cycle (parent joint '" + parentJoint.get(l).name()
            + "'; allowed: a tree with exactly one root link)");
      }
    }
    for (JointSpec j : joints) {
      checkMimic(j);
    }
  }

  private void checkMimic(JointSpec j) {
    if (j.mimic() == null) {
      return;
    }
    String what = "joint '" + j.name() + "' <mimic joint='" + j.mimic().joint() + "'>";
    String allowed = " (allowed: a revolute, continuous or prismatic joint of this robot other than itself)";
    if (!j.type().isSingleAxis()) {
      throw new UrdfException(what + " is on a " + j.type().name().toLowerCase()
          + " joint (allowed: mimic on a revolute, continuous or prismatic joint)");
    }
    JointSpec followed = joints.get(j.mimic().joint());
    if (followed == null) {
      throw new UrdfException(what + " names an unknown joint" + allowed);
    }
    if (followed == j || !followed.type().isSingleAxis()) {
      throw new UrdfException(what + " names " + (followed == j ? "itself" : "a " + followed.type().name().toLowerCase()
          + " joint") + allowed);
    }
    Set<String> seen = new LinkedHashSet<>();
    seen.add(j.name());
    for (JointSpec k = followed; k.mimic() != null; k = joints.get(k.mimic().joint())) {
      if (!seen.add(k.name())) {
        throw new UrdfException(what + ": mimic joints " + seen + " follow each other in a loop"
            + " (allowed: a chain of mimics that ends at an independent joint)");
      }
    }
  }

  /** Where the description came from: a path, {@code builtin:<name>} or the name given to the reader. */
  public String source() {
    return source;
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

  /** Link names in document order. */
  public List<String> linkNames() {
    return List.copyOf(links.keySet());
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
    return parentJoint.get(link);
  }

  /** Joints whose parent is {@code link}, in document order. */
  public List<JointSpec> childJoints(String link) {
    return List.copyOf(childJoints.getOrDefault(link, List.of()));
  }

  /** Joints that follow another joint ({@code <mimic>}), in document order. */
  public List<JointSpec> mimicJoints() {
    return joints.values().stream().filter(JointSpec::isMimic).toList();
  }

  /** Links without child joints at or below {@code link}, depth first in document order. */
  public List<String> leavesBelow(String link) {
    List<String> out = new ArrayList<>();
    ArrayDeque<String> todo = new ArrayDeque<>();
    todo.push(link);
    while (!todo.isEmpty()) {
      String l = todo.pop();
      List<JointSpec> kids = childJoints.getOrDefault(l, List.of());
      if (kids.isEmpty()) {
        out.add(l);
      }
      for (int i = kids.size() - 1; i >= 0; i--) {
        todo.push(kids.get(i).child());
      }
    }
    return out;
  }

  /** True when {@code link} is {@code ancestor} or below it. */
  public boolean isBelow(String link, String ancestor) {
    for (String l = link; l != null; ) {
      if (l.equals(ancestor)) {
        return true;
      }
      JointSpec j = parentJoint.get(l);
      l = j == null ? null : j.parent();
    }
    return false;
  }
}
