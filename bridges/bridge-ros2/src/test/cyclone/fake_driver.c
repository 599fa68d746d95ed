/*
 * A stand-in for a ros2_control driver on Eclipse Cyclone DDS (a different DDS implementation
 * from the bridge's Fast DDS), speaking ROS 2's wire conventions: topics "rt/<name>", types
 * "<pkg>::msg::dds_::<Type>_", reliable keep-last-10 volatile QoS.
 *
 * Publishes rt/joint_states (joints in alphabetical order: elbow, shoulder, wrist) every 10 ms and
 * at once after each command on rt/forward_position_controller/commands, whose data (in the order
 * shoulder, elbow, wrist) becomes the next positions. Prints "ready" once, "cmd <n>" per command,
 * and exits when stdin closes or after argv[2] seconds.
 *
 * usage: fake_driver <domain id> <seconds>
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dds/dds.h"
#include "ros2_types.h"

static void die(const char *what, dds_return_t rc) {
  fprintf(stderr, "fake_driver: %s: %s\n", what, dds_strretcode(rc));
  exit(2);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: fake_driver <domain id> <seconds>\n");
    return 2;
  }
  dds_domainid_t domain = (dds_domainid_t) atoi(argv[1]);
  double seconds = atof(argv[2]);
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);

  dds_entity_t pp = dds_create_participant(domain, NULL, NULL);
  if (pp < 0) die("participant", pp);
  dds_qos_t *qos = dds_create_qos();
  dds_qset_reliability(qos, DDS_RELIABILITY_RELIABLE, DDS_MSECS(100));
  dds_qset_history(qos, DDS_HISTORY_KEEP_LAST, 10);
  dds_qset_durability(qos, DDS_DURABILITY_VOLATILE);

  dds_entity_t tstate = dds_create_topic(pp, &sensor_msgs_msg_dds__JointState__desc, "rt/joint_states", qos, NULL);
  if (tstate < 0) die("topic joint_states", tstate);
  dds_entity_t tcmd = dds_create_topic(pp, &std_msgs_msg_dds__Float64MultiArray__desc,
                                       "rt/forward_position_controller/commands", qos, NULL);
  if (tcmd < 0) die("topic commands", tcmd);
  dds_entity_t writer = dds_create_writer(pp, tstate, qos, NULL);
  if (writer < 0) die("writer", writer);
  dds_entity_t reader = dds_create_reader(pp, tcmd, qos, NULL);
  if (reader < 0) die("reader", reader);
  dds_delete_qos(qos);

  dds_entity_t ws = dds_create_waitset(pp);
  dds_entity_t rc = dds_create_readcondition(reader, DDS_ANY_STATE);
  dds_waitset_attach(ws, rc, reader);

  char *names[3] = {"elbow", "shoulder", "wrist"};
  double q[3] = {0.1, 0.2, 0.3}; /* shoulder, elbow, wrist */
  double pos[3], zero[3] = {0, 0, 0};
  sensor_msgs_msg_dds__JointState_ js;
  memset(&js, 0, sizeof js);
  js.header_.frame_id_ = "";
  js.name_._length = js.name_._maximum = 3;
  js.name_._buffer = names;
  js.position_._length = js.position_._maximum = 3;
  js.position_._buffer = pos;
  js.velocity_._length = js.velocity_._maximum = 3;
  js.velocity_._buffer = zero;
  js.effort_._length = 0;

  printf("ready\n");
  fflush(stdout);
  dds_time_t end = dds_time() + (dds_duration_t) (seconds * 1e9);
  long commands = 0;
  while (dds_time() < end) {
    char buf[64];
    ssize_t r = read(0, buf, sizeof buf);
    if (r == 0) break; /* the test closed our stdin */
    dds_waitset_wait(ws, NULL, 0, DDS_MSECS(10));
    void *samples[1] = {NULL};
    dds_sample_info_t infos[1];
    int n;
    while ((n = dds_take(reader, samples, infos, 1, 1)) > 0) {
      if (infos[0].valid_data) {
        std_msgs_msg_dds__Float64MultiArray_ *m = samples[0];
        if (m->data_._length == 3) {
          memcpy(q, m->data_._buffer, sizeof q);
        }
        commands++;
        printf("cmd %ld\n", commands);
        fflush(stdout);
      }
      dds_return_loan(reader, samples, n);
      samples[0] = NULL;
    }
    dds_time_t now = dds_time();
    js.header_.stamp_.sec_ = (int32_t) (now / DDS_NSECS_IN_SEC);
    js.header_.stamp_.nanosec_ = (uint32_t) (now % DDS_NSECS_IN_SEC);
    pos[0] = q[1]; /* elbow */
    pos[1] = q[0]; /* shoulder */
    pos[2] = q[2]; /* wrist */
    dds_return_t w = dds_write(writer, &js);
    if (w < 0) die("write", w);
  }
  dds_delete(pp);
  return 0;
}
