/*
 * A ros2_control-style driver on Eclipse Cyclone DDS for a robot with more joints than the agent's
 * chain (a gripper, a second arm) and a forward command controller whose joints are listed in an
 * order of its own, on the position or the velocity command interface.
 *
 * Publishes rt/joint_states with every joint of <state joints>, in that order (as
 * joint_state_broadcaster publishes all joints of the robot), at <rate_hz> on CLOCK_MONOTONIC
 * absolute deadlines. Subscribes rt/<controller>/commands (std_msgs/Float64MultiArray): one value
 * per joint of <controller joints>, in that order, as forward_command_controller takes them; a
 * command of another length is ignored and counted. Each tick (ros2_control's order: read, update,
 * write): publish the state, take the newest command, then
 *   position: each controller joint moves to its commanded position;
 *   velocity: each controller joint integrates its commanded velocity over one period, and keeps
 *             the last velocity until the next command (as forward_command_controller does) or,
 *             with <cmd_timeout_ms> > 0, until the command is that old: then it stops (velocity 0),
 *             as a velocity driver with a command watchdog does when its client stalls.
 * Joints not in <controller joints> are not commanded by anyone: the first of them swings as
 * 0.3 sin(2 pi 0.5 t) around its initial position (another arm moving), the rest stay still.
 * QoS: reliable, keep last 10, volatile (ROS 2's default).
 *
 * Prints "ready" once, then at exit "done commands=<n> ignored=<n> ticks=<n> timeouts=<n>" (timeouts:
 * times the watchdog stopped a moving joint); exits when stdin
 * closes or after <seconds>.
 *
 * usage: ctl_driver <domain id> <seconds> <position|velocity> <controller> <state joints a,b,..>
 *                   <initial positions q1,q2,.. (per state joint)> <controller joints a,b,..> [rate_hz]
 *                   [cmd_timeout_ms]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "dds/dds.h"
#include "ros2_types.h"

#define MAX_JOINTS 64

static void die(const char *what, dds_return_t rc) {
  fprintf(stderr, "ctl_driver: %s: %s\n", what, dds_strretcode(rc));
  exit(2);
}

static int split(char *s, char **out, int max) {
  int n = 0;
  for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ",")) out[n++] = tok;
  return n;
}

int main(int argc, char **argv) {
  if (argc < 8) {
    fprintf(stderr, "usage: ctl_driver <domain id> <seconds> <position|velocity> <controller> "
                    "<state joints a,b,..> <initial positions q1,q2,..> <controller joints a,b,..> [rate_hz]\n");
    return 2;
  }
  dds_domainid_t domain = (dds_domainid_t) atoi(argv[1]);
  double seconds = atof(argv[2]);
  int velocity = strcmp(argv[3], "velocity") == 0;
  if (!velocity && strcmp(argv[3], "position") != 0) {
    fprintf(stderr, "ctl_driver: interface must be position or velocity, was '%s'\n", argv[3]);
    return 2;
  }
  char topic[256];
  snprintf(topic, sizeof topic, "rt/%s/commands", argv[4]);
  char *names[MAX_JOINTS], *qs[MAX_JOINTS], *ctl[MAX_JOINTS];
  int n = split(argv[5], names, MAX_JOINTS);
  if (split(argv[6], qs, MAX_JOINTS) != n || n == 0) {
    fprintf(stderr, "ctl_driver: %d state joints but a different number of initial positions\n", n);
    return 2;
  }
  int m = split(argv[7], ctl, MAX_JOINTS);
  int map[MAX_JOINTS]; /* controller joint k -> state joint map[k] */
  int commanded[MAX_JOINTS] = {0};
  for (int k = 0; k < m; k++) {
    map[k] = -1;
    for (int i = 0; i < n; i++) {
      if (strcmp(ctl[k], names[i]) == 0) map[k] = i;
    }
    if (map[k] < 0) {
      fprintf(stderr, "ctl_driver: controller joint '%s' is not a state joint\n", ctl[k]);
      return 2;
    }
    commanded[map[k]] = 1;
  }
  int swinging = -1;
  for (int i = 0; i < n && swinging < 0; i++) {
    if (!commanded[i]) swinging = i;
  }
  double rate = argc > 8 ? atof(argv[8]) : 1000;
  long timeout_ticks = argc > 9 ? (long) llround(atof(argv[9]) * 1e-3 * rate) : 0;
  double h = 1.0 / rate;
  double q[MAX_JOINTS], q0[MAX_JOINTS], qd[MAX_JOINTS], cmd[MAX_JOINTS];
  for (int i = 0; i < n; i++) {
    q[i] = q0[i] = atof(qs[i]);
    qd[i] = 0;
  }
  for (int k = 0; k < m; k++) cmd[k] = velocity ? 0 : q[map[k]];
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);

  dds_entity_t pp = dds_create_participant(domain, NULL, NULL);
  if (pp < 0) die("participant", pp);
  dds_qos_t *qos = dds_create_qos();
  dds_qset_reliability(qos, DDS_RELIABILITY_RELIABLE, DDS_MSECS(100));
  dds_qset_history(qos, DDS_HISTORY_KEEP_LAST, 10);
  dds_qset_durability(qos, DDS_DURABILITY_VOLATILE);
  dds_entity_t tstate = dds_create_topic(pp, &sensor_msgs_msg_dds__JointState__desc, "rt/joint_states", qos, NULL);
  if (tstate < 0) die("topic joint_states", tstate);
  dds_entity_t tcmd = dds_create_topic(pp, &std_msgs_msg_dds__Float64MultiArray__desc, topic, qos, NULL);
  if (tcmd < 0) die("topic commands", tcmd);
  dds_entity_t writer = dds_create_writer(pp, tstate, qos, NULL);
  if (writer < 0) die("writer", writer);
  dds_entity_t reader = dds_create_reader(pp, tcmd, qos, NULL);
  if (reader < 0) die("reader", reader);
  dds_delete_qos(qos);

  double pos[MAX_JOINTS], vel[MAX_JOINTS];
  sensor_msgs_msg_dds__JointState_ js;
  memset(&js, 0, sizeof js);
  js.header_.frame_id_ = "";
  js.name_._length = js.name_._maximum = (uint32_t) n;
  js.name_._buffer = names;
  js.position_._length = js.position_._maximum = (uint32_t) n;
  js.position_._buffer = pos;
  js.velocity_._length = js.velocity_._maximum = (uint32_t) n;
  js.velocity_._buffer = vel;
  js.effort_._length = 0;

  printf("ready\n");
  fflush(stdout);
  struct timespec next, wall;
  clock_gettime(CLOCK_MONOTONIC, &next);
  int64_t period_ns = (int64_t) llround(h * 1e9);
  long ticks = (long) (seconds * rate), j;
  long commands = 0, ignored = 0, timeouts = 0, last_cmd_tick = 0;
  for (j = 0; j < ticks; j++) {
    char buf[64];
    if (read(0, buf, sizeof buf) == 0) break; /* the test closed our stdin */
    /* read: publish the state */
    memcpy(pos, q, sizeof(double) * (size_t) n);
    memcpy(vel, qd, sizeof(double) * (size_t) n);
    clock_gettime(CLOCK_REALTIME, &wall);
    js.header_.stamp_.sec_ = (int32_t) wall.tv_sec;
    js.header_.stamp_.nanosec_ = (uint32_t) wall.tv_nsec;
    dds_return_t w = dds_write(writer, &js);
    if (w < 0) die("write", w);
    /* update: the newest command */
    void *samples[1] = {NULL};
    dds_sample_info_t infos[1];
    int got;
    while ((got = dds_take(reader, samples, infos, 1, 1)) > 0) {
      if (infos[0].valid_data) {
        std_msgs_msg_dds__Float64MultiArray_ *c = samples[0];
        if (c->data_._length == (uint32_t) m) {
          memcpy(cmd, c->data_._buffer, sizeof(double) * (size_t) m);
          commands++;
          last_cmd_tick = j;
        } else if (ignored++ == 0) {
          fprintf(stderr, "ctl_driver: ignored a command of %u values for %d controller joints\n", c->data_._length, m);
        }
      }
      dds_return_loan(reader, samples, got);
      samples[0] = NULL;
    }
    if (velocity && timeout_ticks > 0 && commands > 0 && j - last_cmd_tick >= timeout_ticks) {
      int moving = 0;
      for (int k = 0; k < m; k++) moving |= cmd[k] != 0;
      if (moving) timeouts++;
      memset(cmd, 0, sizeof(double) * (size_t) m);
    }
    /* write: the command interface */
    for (int k = 0; k < m; k++) {
      int i = map[k];
      double before = q[i];
      q[i] = velocity ? q[i] + cmd[k] * h : cmd[k];
      qd[i] = velocity ? cmd[k] : (q[i] - before) / h;
    }
    if (swinging >= 0) {
      double t = (j + 1) * h;
      q[swinging] = q0[swinging] + 0.3 * sin(2 * M_PI * 0.5 * t);
      qd[swinging] = 0.3 * 2 * M_PI * 0.5 * cos(2 * M_PI * 0.5 * t);
    }
    next.tv_nsec += period_ns;
    while (next.tv_nsec >= 1000000000L) {
      next.tv_nsec -= 1000000000L;
      next.tv_sec++;
    }
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR) {
    }
  }
  printf("done commands=%ld ignored=%ld ticks=%ld timeouts=%ld\n", commands, ignored, j, timeouts);
  fflush(stdout);
  dds_delete(pp);
  return 0;
}
