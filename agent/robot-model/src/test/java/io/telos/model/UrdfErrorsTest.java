package io.telos.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A broken URDF is refused with a message that names the source, the element and the attribute. */
class UrdfErrorsTest {
  private static final String AB = "<link name=\"a\"/><link name=\"b\"/>";

  private static String revolute(String limit) {
    return "<joint name=\"j1\" type=\"revolute\"><parent link=\"a\"/><child link=\"b\"/>"
        + "<axis xyz=\"0 0 1\"/>" + limit + "</joint>";
  }

  private static final String GOOD_LIMIT = "<limit lower=\"-1\" upper=\"1\" effort=\"10\" velocity=\"1\"/>";

  /** Parses and returns the message of the expected failure, checking the source is named. */
  private static String failure(String xml) {
    UrdfException e = assertThrows(UrdfException.class, () -> TestUrdfs.parse(xml));
    assertTrue(e.getMessage().startsWith("test.urdf: "), () -> "source not named: " + e.getMessage());
    return e.getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), () -> "expected '" + p + "' in: " + message);
    }
  }

  @Test
  void baselineIsValid() {
    assertDoesNotThrow(() -> TestUrdfs.parse(TestUrdfs.robot(AB, revolute(GOOD_LIMIT))));
  }

  @Test
  void notXml() {
    assertMentions(failure("this is not a URDF"), "not well-formed XML", "line 1");
    assertMentions(failure("<robot name=\"r\"><link name=\"a\"></robot>"), "not well-formed XML");
    assertMentions(failure(""), "not well-formed XML");
  }

  @Test
  void wrongRoot() {
    assertMentions(failure("<sdf version=\"1.7\"><model name=\"m\"/></sdf>"),
        "root element must be <robot>", "<sdf>");
  }

  @Test
  void doctypeAndExternalEntitiesAreRefused() {
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE robot [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        + "<robot name=\"&x;\"><link name=\"a\"/></robot>";
    assertMentions(failure(xxe), "not well-formed XML", "DOCTYPE");
  }

  @Test
  void noLinks() {
    assertMentions(failure("<robot name=\"r\"/>"), "no <link> elements");
  }

  @Test
  void missingLimitOnRevoluteAndPrismatic() {
    assertMentions(failure(TestUrdfs.robot(AB, revolute(""))), "joint 'j1'", "revolute", "<limit");
    String prismatic = "<joint name=\"p\" type=\"prismatic\"><parent link=\"a\"/><child link=\"b\"/></joint>";
    assertMentions(failure(TestUrdfs.robot(AB, prismatic)), "joint 'p'", "prismatic", "<limit");
  }

  @Test
  void unknownParentAndChildLinks() {
    String j = "<joint name=\"j1\" type=\"fixed\"><parent link=\"nope\"/><child link=\"b\"/></joint>";
    assertMentions(failure(TestUrdfs.robot(AB, j)), "joint 'j1'", "unknown parent link 'nope'");
    String k = "<joint name=\"j1\" type=\"fixed\"><parent link=\"a\"/><child link=\"ghost\"/></joint>";
    assertMentions(failure(TestUrdfs.robot(AB, k)), "joint 'j1'", "unknown child link 'ghost'");
  }

  @Test
  void twoRoots() {
    String links = AB + "<link name=\"c\"/>";
    String j = "<joint name=\"j1\" type=\"fixed\"><parent link=\"a\"/><child link=\"b\"/></joint>";
    assertMentions(failure(TestUrdfs.robot(links, j)), "exactly one root link", "[a, c]");
    assertMentions(failure(TestUrdfs.robot(AB, "")), "exactly one root link", "[a, b]");
  }

  @Test
  void cycleOfJointsIsRefusedInsteadOfHanging() {
    String links = "<link name=\"root\"/><link name=\"r2\"/><link name=\"a\"/><link name=\"b\"/>";
    String joints = "<joint name=\"base\" type=\"fixed\"><parent link=\"root\"/><child link=\"r2\"/></joint>"
        + "<joint name=\"ab\" type=\"continuous\"><parent link=\"a\"/><child link=\"b\"/></joint>"
        + "<joint name=\"ba\" type=\"continuous\"><parent link=\"b\"/><child link=\"a\"/></joint>";
    String msg = assertTimeoutPreemptively(Duration.ofSeconds(5),
        () -> failure(TestUrdfs.robot(links, joints)));
    assertMentions(msg, "not connected to root link 'root'", "cycle");
  }

  @Test
  void linkWithTwoParents() {
    String links = AB + "<link name=\"c\"/>";
    String joints = "<joint name=\"j1\" type=\"fixed\"><parent link=\"a\"/><child link=\"b\"/></joint>"
        + "<joint name=\"j2\" type=\"fixed\"><parent link=\"c\"/><child link=\"b\"/></joint>";
    assertMentions(failure(TestUrdfs.robot(links, joints)), "link 'b'", "more than one parent joint");
  }

  @Test
  void duplicateNames() {
    assertMentions(failure(TestUrdfs.robot(AB + "<link name=\"a\"/>", "")), "link 'a'", "defined twice");
    String joints = revolute(GOOD_LIMIT) + revolute(GOOD_LIMIT);
    assertMentions(failure(TestUrdfs.robot(AB, joints)), "joint 'j1'", "defined twice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "abc", "1,5", "0x1p3", "1.0f", "2d", "Infinity", "-Infinity", "1e999", ""})
  void nonNumericLimitNamesJointElementAndAttribute(String bad) {
    String limit = "<limit lower=\"" + bad + "\" upper=\"1\" effort=\"10\" velocity=\"1\"/>";
    if (bad.isEmpty()) {
      // an absent or empty attribute takes the URDF default (0)
      assertDoesNotThrow(() -> TestUrdfs.parse(TestUrdfs.robot(AB, revolute(limit))));
      return;
    }
    assertMentions(failure(TestUrdfs.robot(AB, revolute(limit))),
        "joint 'j1' limit lower", "not a finite number", "'" + bad + "'");
  }

  @Test
  void garbageNumbersElsewhere() {
    String origin = revolute(GOOD_LIMIT).replace("<axis", "<origin xyz=\"0 0.1x 0\"/><axis");
    assertMentions(failure(TestUrdfs.robot(AB, origin)), "joint 'j1' origin xyz", "'0.1x'");
    String rpy = revolute(GOOD_LIMIT).replace("<axis", "<origin rpy=\"0 NaN 0\"/><axis");
    assertMentions(failure(TestUrdfs.robot(AB, rpy)), "joint 'j1' origin rpy", "'NaN'");
    String twoNumbers = revolute(GOOD_LIMIT).replace("<axis", "<origin xyz=\"0 1\"/><axis");
    assertMentions(failure(TestUrdfs.robot(AB, twoNumbers)), "joint 'j1' origin xyz", "needs 3 numbers");
    String axis = revolute(GOOD_LIMIT).replace("0 0 1", "0 0 one");
    assertMentions(failure(TestUrdfs.robot(AB, axis)), "joint 'j1' axis", "'one'");
    String velocity = revolute(GOOD_LIMIT.replace("velocity=\"1\"", "velocity=\"fast\""));
    assertMentions(failure(TestUrdfs.robot(AB, velocity)), "joint 'j1' limit velocity", "'fast'");
    String damping = revolute(GOOD_LIMIT + "<dynamics damping=\"lots\"/>");
    assertMentions(failure(TestUrdfs.robot(AB, damping)), "joint 'j1' dynamics damping", "'lots'");
    String mass = "<link name=\"a\"/><link name=\"b\"><inertial><mass value=\"heavy\"/></inertial></link>";
    assertMentions(failure(TestUrdfs.robot(mass, revolute(GOOD_LIMIT))), "link 'b' mass value", "'heavy'");
    String inertia = "<link name=\"a\"/><link name=\"b\"><inertial><mass value=\"1\"/>"
        + "<inertia ixx=\"1\" iyy=\"?\" izz=\"1\"/></inertial></link>";
    assertMentions(failure(TestUrdfs.robot(inertia, revolute(GOOD_LIMIT))), "link 'b' inertia iyy", "'?'");
  }

  @Test
  void lowerAboveUpper() {
    String limit = "<limit lower=\"1.0\" upper=\"-1.0\" effort=\"10\" velocity=\"1\"/>";
    assertMentions(failure(TestUrdfs.robot(AB, revolute(limit))),
        "joint 'j1'", "lower limit 1.0 above upper limit -1.0");
  }

  @Test
  void nonPositiveVelocityOrEffort() {
    String limit = "<limit lower=\"-1\" upper=\"1\" effort=\"10\" velocity=\"0\"/>";
    assertMentions(failure(TestUrdfs.robot(AB, revolute(limit))), "joint 'j1'", "positive velocity and effort");
    String effort = "<limit lower=\"-1\" upper=\"1\" effort=\"-5\" velocity=\"1\"/>";
    assertMentions(failure(TestUrdfs.robot(AB, revolute(effort))), "joint 'j1'", "positive velocity and effort");
  }

  @Test
  void negativeMass() {
    String links = "<link name=\"a\"/><link name=\"b\"><inertial><mass value=\"-1\"/></inertial></link>";
    assertMentions(failure(TestUrdfs.robot(links, revolute(GOOD_LIMIT))), "link 'b'", "negative mass");
  }

  @Test
  void missingAttributesAndElements() {
    assertMentions(failure(TestUrdfs.robot("<link/>", "")), "link", "missing attribute 'name'");
    String noType = "<joint name=\"j1\"><parent link=\"a\"/><child link=\"b\"/></joint>";
    assertMentions(failure(TestUrdfs.robot(AB, noType)), "joint 'j1'", "missing attribute 'type'");
    String noChild = "<joint name=\"j1\" type=\"fixed\"><parent link=\"a\"/></joint>";
    assertMentions(failure(TestUrdfs.robot(AB, noChild)), "joint 'j1'", "<child link=");
    String emptyParent = "<joint name=\"j1\" type=\"fixed\"><parent/><child link=\"b\"/></joint>";
    assertMentions(failure(TestUrdfs.robot(AB, emptyParent)), "joint 'j1' parent", "missing attribute 'link'");
  }

  @Test
  void unknownJointTypeListsTheAllowedOnes() {
    String j = "<joint name=\"j1\" type=\"ball\"><parent link=\"a\"/><child link=\"b\"/></joint>";
    assertMentions(failure(TestUrdfs.robot(AB, j)), "joint 'j1'", "unknown joint type 'ball'", "revolute, continuous");
  }

  @Test
  void zeroAxis() {
    String j = revolute(GOOD_LIMIT).replace("0 0 1", "0 0 0");
    assertMentions(failure(TestUrdfs.robot(AB, j)), "joint 'j1'", "zero axis");
  }

  private static String finger(String name, String mimic) {
    return "<joint name=\"" + name + "\" type=\"prismatic\"><parent link=\"a\"/><child link=\"" + name + "_link\"/>"
        + "<axis xyz=\"0 1 0\"/><limit lower=\"0\" upper=\"0.04\" effort=\"20\" velocity=\"0.2\"/>" + mimic
        + "</joint>";
  }

  private static final String HAND = "<link name=\"a\"/><link name=\"f1_link\"/><link name=\"f2_link\"/>";

  @Test
  void mimicParsedWithDefaults() {
    RobotDescription d = TestUrdfs.parse(TestUrdfs.robot(HAND,
        finger("f1", "") + finger("f2", "<mimic joint=\"f1\"/>")));
    assertTrue(d.joint("f2").mimic().equals(new JointSpec.Mimic("f1", 1, 0)));
  }

  @Test
  void mimicPointingNowhere() {
    String msg = failure(TestUrdfs.robot(HAND, finger("f1", "") + finger("f2", "<mimic joint=\"finger_1\"/>")));
    assertMentions(msg, "joint 'f2' <mimic joint='finger_1'> names an unknown joint",
        "allowed: a revolute, continuous or prismatic joint of this robot other than itself");
    assertMentions(failure(TestUrdfs.robot(HAND, finger("f1", "") + finger("f2", "<mimic joint=\"f2\"/>"))),
        "joint 'f2' <mimic joint='f2'> names itself");
    assertMentions(failure(TestUrdfs.robot(HAND, finger("f1", "") + finger("f2", "<mimic multiplier=\"1\"/>"))),
        "joint 'f2' mimic is missing attribute 'joint'");
    assertMentions(failure(TestUrdfs.robot(HAND, finger("f1", "") + finger("f2", "<mimic joint=\"f1\" offset=\"NaN\"/>"))),
        "joint 'f2' mimic offset is not a finite number: 'NaN'");
  }

  @Test
  void mimicOfAFixedJointAndMimicLoops() {
    String links = HAND + "<link name=\"c\"/>";
    String fixed = "<joint name=\"mount\" type=\"fixed\"><parent link=\"a\"/><child link=\"c\"/></joint>";
    assertMentions(failure(TestUrdfs.robot(links, fixed + finger("f1", "") + finger("f2", "<mimic joint=\"mount\"/>"))),
        "joint 'f2' <mimic joint='mount'> names a fixed joint", "allowed: a revolute, continuous or prismatic joint");
    assertMentions(failure(TestUrdfs.robot(HAND, finger("f1", "<mimic joint=\"f2\"/>") + finger("f2", "<mimic joint=\"f1\"/>"))),
        "joint 'f1' <mimic joint='f2'>", "[f1, f2] follow each other in a loop");
  }

  @Test
  void everyLinkAChildIsACycle() {
    String joints = "<joint name=\"ab\" type=\"continuous\"><parent link=\"a\"/><child link=\"b\"/></joint>"
        + "<joint name=\"ba\" type=\"continuous\"><parent link=\"b\"/><child link=\"a\"/></joint>";
    assertMentions(failure(TestUrdfs.robot(AB, joints)), "the joints form a cycle", "no root link",
        "allowed: a tree with exactly one root link");
  }

  @ParameterizedTest
  @ValueSource(strings = {"<origin xyz=\"0 NaN 0\"/>", "<origin rpy=\"0 0 nan\"/>", "<origin xyz=\"0 0\"/>"})
  void badOriginsNameTheJoint(String origin) {
    String j = "<joint name=\"elbow\" type=\"fixed\"><parent link=\"a\"/><child link=\"b\"/>" + origin + "</joint>";
    assertMentions(failure(TestUrdfs.robot(AB, j)), "joint 'elbow' origin");
  }

  @Test
  void messagesAreOneLine() {
    for (String xml : new String[] {"<robot name=\"r\">\n<link name=\"a\">\n</robot>",
        TestUrdfs.robot(HAND, finger("f1", "") + finger("f2", "<mimic joint=\"x\"/>")),
        TestUrdfs.robot(AB + "<link name=\"c\"/>", "")}) {
      String msg = failure(xml);
      assertTrue(!msg.contains("\n") && !msg.contains("\r"), () -> "more than one line: " + msg);
    }
  }
}
