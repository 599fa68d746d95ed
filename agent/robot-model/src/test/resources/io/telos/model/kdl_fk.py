"""Forward kinematics oracle for KdlForwardKinematicsIT: Orocos KDL (Debian python3-pykdl).

Reads the URDF itself with xml.etree (it does not trust the Java reader), builds a KDL chain from
BASE to TIP the way kdl_parser does (each joint a segment: the joint at the origin of the child
frame, its axis turned into the parent frame, the origin as the segment's tip frame), appends the
TOOL frame, and writes for every configuration the frame of every link after a movable joint and
of the tool.

usage: kdl_fk.py URDF BASE TIP "x y z roll pitch yaw" CONFIGS OUT
  CONFIGS: one configuration a line, joint values separated by spaces (chain order)
  OUT: first line the movable joints base to tip; then per configuration one line per frame:
       "<link name or @tool> r00 r01 r02 r10 r11 r12 r20 r21 r22 x y z"
"""
import sys
import xml.etree.ElementTree as ET

import PyKDL as kdl


def triple(el, attr, default):
    if el is None or el.get(attr) is None:
        return default
    v = [float(s) for s in el.get(attr).split()]
    if len(v) != 3:
        raise SystemExit("bad %s: %r" % (attr, el.get(attr)))
    return v


def frame(xyz, rpy):
    return kdl.Frame(kdl.Rotation.RPY(*rpy), kdl.Vector(*xyz))


def main(urdf, base, tip, tool, configs, out):
    robot = ET.parse(urdf).getroot()
    by_child = {}
    for j in robot.findall("joint"):  # direct children only: <transmission>/<ros2_control> joints are not joints
        by_child[j.find("child").get("link")] = j
    path = []
    link = tip
    while link != base:
        j = by_child.get(link)
        if j is None:
            raise SystemExit("%s is not below %s" % (tip, base))
        path.insert(0, j)
        link = j.find("parent").get("link")

    chain = kdl.Chain()
    movable = []  # (joint name, child link, segment index)
    for j in path:
        o = j.find("origin")
        f = frame(triple(o, "xyz", [0, 0, 0]), triple(o, "rpy", [0, 0, 0]))
        name = j.get("name")
        kind = j.get("type").lower()
        axis = kdl.Vector(*triple(j.find("axis"), "xyz", [1, 0, 0]))
        axis.Normalize()
        if kind == "fixed":
            joint = kdl.Joint(name, kdl.Joint.Fixed)
        elif kind in ("revolute", "continuous"):
            joint = kdl.Joint(name, f.p, f.M * axis, kdl.Joint.RotAxis)
        elif kind == "prismatic":
            joint = kdl.Joint(name, f.p, f.M * axis, kdl.Joint.TransAxis)
        else:
            raise SystemExit("joint %s of type %s in the chain" % (name, kind))
        chain.addSegment(kdl.Segment(j.find("child").get("link"), joint, f))
        if kind != "fixed":
            movable.append((name, j.find("child").get("link"), chain.getNrOfSegments()))
    t = [float(s) for s in tool.split()]
    chain.addSegment(kdl.Segment("@tool", kdl.Joint("@tool", kdl.Joint.Fixed), frame(t[0:3], t[3:6])))
    n = chain.getNrOfJoints()
    fk = kdl.ChainFkSolverPos_recursive(chain)
    targets = [(child, seg) for (_, child, seg) in movable] + [("@tool", chain.getNrOfSegments())]

    with open(configs) as fin, open(out, "w") as fout:
        fout.write(" ".join(name for (name, _, _) in movable) + "\n")
        for line in fin:
            if not line.strip():
                continue
            q = [float(s) for s in line.split()]
            if len(q) != n:
                raise SystemExit("configuration of %d values for a chain of %d joints" % (len(q), n))
            qa = kdl.JntArray(n)
            for i, v in enumerate(q):
                qa[i] = v
            for name, seg in targets:
                f = kdl.Frame()
                if fk.JntToCart(qa, f, seg) < 0:
                    raise SystemExit("KDL failed at %r" % q)
                vals = [f.M[r, c] for r in range(3) for c in range(3)] + [f.p[0], f.p[1], f.p[2]]
                fout.write(name + " " + " ".join(repr(v) for v in vals) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 7:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
