package io.telos.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads standard URDF as vendors ship it: links with inertials, and revolute, continuous,
 * prismatic, fixed, floating and planar joints with origins, axes, limits, dynamics and mimics.
 * Collision geometry (box, cylinder, sphere, mesh) is kept per link ({@link Link#collisions()}); mesh
 * file names of visual and collision geometry are kept as written (never opened); materials,
 * {@code <gazebo>}, {@code <transmission>} and {@code <ros2_control>} are ignored. External
 * entities are disabled.
 */
public final class UrdfReader {
  /** A plain decimal number as URDF writes them; rejects Java-only forms such as "1f", "0x1p3", "Infinity". */
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?");

  /** Reports through the exception only; the JDK default handler would also print to stderr. */
  private static final ErrorHandler THROWING = new ErrorHandler() {
    @Override
    public void warning(SAXParseException e) {}

    @Override
    public void error(SAXParseException e) throws SAXParseException {
      throw e;
    }

    @Override
    public void fatalError(SAXParseException e) throws SAXParseException {
      throw e;
    }
  };

  private UrdfReader() {}

  public static RobotDescription read(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      return read(in, path.toString());
    } catch (IOException e) {
      throw new UrdfException("cannot read URDF " + path + ": " + e.getMessage(), e);
    }
  }

  public static RobotDescription read(InputStream in, String sourceName) {
    Document doc;
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(THROWING);
      doc = b.parse(in);
    } catch (SAXParseException e) {
      throw new UrdfException(sourceName + ": not well-formed XML at line " + e.getLineNumber() + ", column "
          + e.getColumnNumber() + ": " + e.getMessage(), e);
    } catch (ParserConfigurationException | SAXException | IOException e) {
      throw new UrdfException(sourceName + ": not well-formed XML: " + e.getMessage(), e);
    }
    Element robot = doc.getDocumentElement();
    if (!"robot".equals(robot.getTagName())) {
      throw new UrdfException(sourceName + ": root element must be <robot>, was <" + robot.getTagName() + ">");
    }
    String name = robot.getAttribute("name");
    List<Link> links = new ArrayList<>();
    List<JointSpec> joints = new ArrayList<>();
    for (Element e : children(robot, "link")) {
      links.add(parseLink(e, sourceName));
    }
    for (Element e : children(robot, "joint")) {
      joints.add(parseJoint(e, sourceName));
    }
    if (links.isEmpty()) {
      throw new UrdfException(sourceName + ": no <link> elements");
    }
    try {
      return new RobotDescription(sourceName, name, links, joints);
    } catch (UrdfException e) {
      throw new UrdfException(sourceName + ": " + e.getMessage(), e);
    }
  }

  private static Link parseLink(Element e, String src) {
    String name = required(e, "name", "link", src);
    List<String> meshes = new ArrayList<>();
    for (String geometryOf : List.of("visual", "collision")) {
      for (Element v : children(e, geometryOf)) {
        Element g = child(v, "geometry");
        Element mesh = g == null ? null : child(g, "mesh");
        if (mesh != null && !mesh.getAttribute("filename").isBlank()) {
          meshes.add(mesh.getAttribute("filename").trim());
        }
      }
    }
    List<CollisionShape> collisions = new ArrayList<>();
    for (Element c : children(e, "collision")) {
      CollisionShape shape = collisionShape(c, name, src);
      if (shape != null) {
        collisions.add(shape);
      }
    }
    Element in = child(e, "inertial");
    if (in == null) {
      return new Link(name, null, meshes, collisions);
    }
    Element mass = child(in, "mass");
    double m = mass == null ? 0 : number(mass, "value", 0, "link '" + name + "' mass", src);
    if (!(m >= 0)) {
      throw new UrdfException(src + ": link '" + name + "' has negative mass " + m);
    }
    Transform origin = origin(child(in, "origin"), "link '" + name + "' inertial", src);
    Element i = child(in, "inertia");
    String what = "link '" + name + "' inertia";
    double ixx = i == null ? 0 : number(i, "ixx", 0, what, src);
    double ixy = i == null ? 0 : number(i, "ixy", 0, what, src);
    double ixz = i == null ? 0 : number(i, "ixz", 0, what, src);
    double iyy = i == null ? 0 : number(i, "iyy", 0, what, src);
    double iyz = i == null ? 0 : number(i, "iyz", 0, what, src);
    double izz = i == null ? 0 : number(i, "izz", 0, what, src);
    return new Link(name, new Inertial(m, origin, ixx, ixy, ixz, iyy, iyz, izz), meshes, collisions);
  }

  /** One {@code <collision>}: box, cylinder, sphere or mesh; null when it has no geometry. */
  private static CollisionShape collisionShape(Element c, String link, String src) {
    String what = "link '" + link + "' collision";
    Transform origin = origin(child(c, "origin"), what, src);
    Element g = child(c, "geometry");
    if (g == null) {
      return null;
    }
    Element box = child(g, "box");
    if (box != null) {
      double[] size = triple(box.getAttribute("size"), null, what + " box size", src);
      if (size == null || !(size[0] >= 0 && size[1] >= 0 && size[2] >= 0)) {
        throw new UrdfException(src + ": " + what + " box needs size=\"x y z\" (3 numbers >= 0)");
      }
      return new CollisionShape.Box(origin, size[0], size[1], size[2]);
    }
    Element cyl = child(g, "cylinder");
    if (cyl != null) {
      double r = nonNegative(cyl, "radius", what + " cylinder", src);
      double l = nonNegative(cyl, "length", what + " cylinder", src);
      return new CollisionShape.Cylinder(origin, r, l);
    }
    Element sphere = child(g, "sphere");
    if (sphere != null) {
      return new CollisionShape.Sphere(origin, nonNegative(sphere, "radius", what + " sphere", src));
    }
    Element mesh = child(g, "mesh");
    if (mesh != null && !mesh.getAttribute("filename").isBlank()) {
      double[] scale = triple(mesh.getAttribute("scale"), new double[] {1, 1, 1}, what + " mesh scale", src);
      return new CollisionShape.Mesh(origin, mesh.getAttribute("filename").trim(), scale[0], scale[1], scale[2]);
    }
    return null;
  }

  private static double nonNegative(Element e, String attr, String what, String src) {
    double v = number(e, attr, Double.NaN, what, src);
    if (!(v >= 0)) {
      throw new UrdfException(src + ": " + what + " needs " + attr + " (a number >= 0)");
    }
    return v;
  }

  private static JointSpec parseJoint(Element e, String src) {
    String name = required(e, "name", "joint", src);
    String what = "joint '" + name + "'";
    JointType type;
    try {
      type = JointType.parse(required(e, "type", what, src));
    } catch (UrdfException ex) {
      throw new UrdfException(src + ": " + what + ": " + ex.getMessage(), ex);
    }
    Element parent = child(e, "parent");
    Element childEl = child(e, "child");
    if (parent == null || childEl == null) {
      throw new UrdfException(src + ": " + what + " needs <parent link=...> and <child link=...>");
    }
    String parentLink = required(parent, "link", what + " parent", src);
    String childLink = required(childEl, "link", what + " child", src);
    Transform origin = origin(child(e, "origin"), what, src);
    double[] axis = {1, 0, 0};
    Element axisEl = child(e, "axis");
    if (axisEl != null) {
      axis = triple(axisEl.getAttribute("xyz"), new double[] {1, 0, 0}, what + " axis", src);
    }
    double norm = Math.sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
    if (type.isSingleAxis() && !(norm > 1e-9)) {
      throw new UrdfException(src + ": " + what + " has a zero axis");
    }
    if (norm > 1e-9) {
      axis = new double[] {axis[0] / norm, axis[1] / norm, axis[2] / norm};
    }
    double lower = Double.NEGATIVE_INFINITY;
    double upper = Double.POSITIVE_INFINITY;
    double velocity = Double.POSITIVE_INFINITY;
    double effort = Double.POSITIVE_INFINITY;
    Element limit = child(e, "limit");
    if (limit != null) {
      if (type != JointType.CONTINUOUS) {
        lower = number(limit, "lower", 0, what + " limit", src);
        upper = number(limit, "upper", 0, what + " limit", src);
      }
      velocity = number(limit, "velocity", Double.POSITIVE_INFINITY, what + " limit", src);
      effort = number(limit, "effort", Double.POSITIVE_INFINITY, what + " limit", src);
    } else if (type == JointType.REVOLUTE || type == JointType.PRISMATIC) {
      throw new UrdfException(src + ": " + what + " is " + type.name().toLowerCase()
          + " and needs a <limit lower upper effort velocity> element");
    }
    if (type.isSingleAxis() && lower > upper) {
      throw new UrdfException(src + ": " + what + " has lower limit " + lower + " above upper limit " + upper);
    }
    if (!(velocity > 0) || !(effort > 0)) {
      throw new UrdfException(src + ": " + what + " needs positive velocity and effort limits");
    }
    double damping = 0;
    double friction = 0;
    Element dyn = child(e, "dynamics");
    if (dyn != null) {
      damping = number(dyn, "damping", 0, what + " dynamics", src);
      friction = number(dyn, "friction", 0, what + " dynamics", src);
    }
    JointSpec.Mimic mimic = null;
    Element mimicEl = child(e, "mimic");
    if (mimicEl != null) {
      String followed = required(mimicEl, "joint", what + " mimic", src);
      mimic = new JointSpec.Mimic(followed.trim(), number(mimicEl, "multiplier", 1, what + " mimic", src),
          number(mimicEl, "offset", 0, what + " mimic", src));
    }
    return new JointSpec(name, type, parentLink, childLink, origin, axis, lower, upper, velocity,
        effort, damping, friction, mimic);
  }

  private static Transform origin(Element e, String what, String src) {
    if (e == null) {
      return Transform.IDENTITY;
    }
    double[] xyz = triple(e.getAttribute("xyz"), new double[3], what + " origin xyz", src);
    double[] rpy = triple(e.getAttribute("rpy"), new double[3], what + " origin rpy", src);
    return Transform.fromXyzRpy(xyz[0], xyz[1], xyz[2], rpy[0], rpy[1], rpy[2]);
  }

  private static double[] triple(String s, double[] dflt, String what, String src) {
    if (s == null || s.isBlank()) {
      return dflt;
    }
    String[] parts = s.trim().split("\\s+");
    if (parts.length != 3) {
      throw new UrdfException(src + ": " + what + " needs 3 numbers, was '" + s + "'");
    }
    double[] out = new double[3];
    for (int i = 0; i < 3; i++) {
      out[i] = parse(parts[i], what, src);
    }
    return out;
  }

  private static double number(Element e, String attr, double dflt, String what, String src) {
    String s = e.getAttribute(attr);
    if (s == null || s.isBlank()) {
      return dflt;
    }
    return parse(s.trim(), what + " " + attr, src);
  }

  private static double parse(String s, String what, String src) {
    double v = DECIMAL.matcher(s).matches() ? Double.parseDouble(s) : Double.NaN;
    if (!Double.isFinite(v)) {
      throw new UrdfException(src + ": " + what + " is not a finite number: '" + s + "'");
    }
    return v;
  }

  private static String required(Element e, String attr, String what, String src) {
    String s = e.getAttribute(attr);
    if (s == null || s.isBlank()) {
      throw new UrdfException(src + ": " + what + " is missing attribute '" + attr + "'");
    }
    return s;
  }

  private static Element child(Element e, String tag) {
    List<Element> c = children(e, tag);
    return c.isEmpty() ? null : c.get(0);
  }

  private static List<Element> children(Element e, String tag) {
    List<Element> out = new ArrayList<>();
    NodeList nl = e.getChildNodes();
    for (int i = 0; i < nl.getLength(); i++) {
      Node n = nl.item(i);
      if (n instanceof Element c && c.getTagName().equals(tag)) {
        out.add(c);
      }
    }
    return out;
  }
}
