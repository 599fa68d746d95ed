/*
 * A slow ros2_control-style position driver on Eclipse Cyclone DDS: each joint follows its command
 * after a dead time, with a first-order lag and a speed ceiling, exactly as
 * io.telos.model.ActuatorResponse.Filter defines it (delay line with linear interpolation for a
 * dead time that is not a whole number of steps, exact discretisation q += (1 - e^(-h/tau))(c - q),
 * step clamped to vmax*h).
 *
 * Topics as ROS 2 names them: subscribes rt/forward_position_controller/commands
 * (std_msgs/Float64MultiArray, data in the order of the given joint names; a command of another
 * length is ignored) and publishes rt/joint_states (sensor_msgs/JointState, position and velocity in
 * that order), reliable keep-last-10 volatile QoS. The loop runs at a fixed rate (default 1000 Hz)
 * on CLOCK_MONOTONIC absolute deadlines, in the order of a ros2_control update: publish the state
 * (stamped with the tick's nominal time: start + j/rate on the wall clock), take the newest command,
 * advance the filter one step. So a command taken at the tick stamped t moves the published
 * position as c - (c - q0) e^(-(t' - t - dead)/tau) at the later stamps t'.
 *
 * Prints "ready" once, then "cmd <n> <stamp ns> <wall ns> <first value>" for each command taken (the nominal stamp
 * of the tick that took it and the wall-clock time it was taken: later than the stamp when the loop
 * runs behind), and exits when stdin closes or after <seconds>.
 *
 * usage: lag_driver <domain id> <seconds> <lag_s> <dead_time_ms> <max_velocity|inf> <names a,b,..>
 *                   <initial positions q1,q2,..> [rate_hz]
 *        lag_driver --self-check
 *        lag_driver --filter <lag_s> <dead_time_ms> <max_velocity|inf> <step_s> <q0>
 *          (one joint, offline: reads one command per line on stdin, prints the position after each
 *          step with 17 significant digits)
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

#define MAX_JOINTS 32

/* The discrete response of n joints with a fixed step; mirrors ActuatorResponse.Filter. */
typedef struct {
  int n;
  double h;
  double alpha[MAX_JOINTS];
  double max_step[MAX_JOINTS];
  int delay_steps[MAX_JOINTS];
  double delay_frac[MAX_JOINTS];
  int len;
  int head;
  double *line; /* n rows of len past commands, newest at head */
  double q[MAX_JOINTS];
  double qd[MAX_JOINTS];
} filter_t;

static void filter_init(filter_t *f, int n, double h, const double *lag, const double *dead, const double *vmax,
                        const double *q0) {
  memset(f, 0, sizeof *f);
  f->n = n;
  f->h = h;
  int longest = 0;
  for (int i = 0; i < n; i++) {
    f->alpha[i] = lag[i] == 0 ? 1.0 : -expm1(-h / lag[i]);
    f->max_step[i] = vmax[i] * h;
    double steps = dead[i] / h;
    double whole = rint(steps);
    if (fabs(steps - whole) <= 1e-9 * fmax(1.0, steps)) steps = whole;
    f->delay_steps[i] = (int) floor(steps);
    f->delay_frac[i] = steps - f->delay_steps[i];
    if (f->delay_steps[i] + 2 > longest) longest = f->delay_steps[i] + 2;
  }
  f->len = longest < 2 ? 2 : longest;
  f->line = calloc((size_t) (n > 0 ? n : 1) * (size_t) f->len, sizeof(double));
  for (int i = 0; i < n; i++) {
    f->q[i] = q0[i];
    for (int j = 0; j < f->len; j++) f->line[i * f->len + j] = q0[i];
  }
}

static int mod(int a, int m) {
  int r = a % m;
  return r < 0 ? r + m : r;
}

static void filter_step(filter_t *f, const double *command) {
  f->head = (f->head + 1) % f->len;
  for (int i = 0; i < f->n; i++) {
    double *l = f->line + i * f->len;
    l[f->head] = command[i];
    int k = f->delay_steps[i];
    double a = l[mod(f->head - k, f->len)];
    double delayed = f->delay_frac[i] == 0 ? a : a + f->delay_frac[i] * (l[mod(f->head - k - 1, f->len)] - a);
    double dq = f->alpha[i] * (delayed - f->q[i]);
    if (dq > f->max_step[i]) {
      dq = f->max_step[i];
    } else if (dq < -f->max_step[i]) {
      dq = -f->max_step[i];
    }
    f->q[i] += dq;
    f->qd[i] = dq / f->h;
  }
}

static double number(const char *s) {
  if (strcmp(s, "inf") == 0) return INFINITY;
  char *end;
  double v = strtod(s, &end);
  if (*s == 0 || *end != 0) {
    fprintf(stderr, "lag_driver: not a number: '%s'\n", s);
    exit(2);
  }
  return v;
}

/* ---- self-check: the filter against closed forms ---- */

static int failures;

static void expect(const char *what, double got, double want, double tol) {
  if (!(fabs(got - want) <= tol)) {
    fprintf(stderr, "self-check: %s: got %.17g, want %.17g (tol %g)\n", what, got, want, tol);
    failures++;
  }
}

static int self_check(void) {
  double h = 1e-3;
  filter_t f;
  /* a pure lag: after m steps the rest is (1 - alpha)^m = e^(-m h / tau) */
  double lag[2] = {0.05, 0.05}, dead[2] = {0.02, 0.0025}, vmax[2] = {INFINITY, INFINITY}, q0[2] = {0, 0};
  filter_init(&f, 2, h, lag, dead, vmax, q0);
  double c[2] = {1, 1};
  for (int s = 1; s <= 200; s++) {
    filter_step(&f, c);
    double want = s <= 20 ? 0 : -expm1(-(s - 20) * h / 0.05);
    expect("lag 50 ms, dead 20 ms", f.q[0], want, 1e-12);
  }
  /* dead 2.5 ms = 2.5 steps: the input is half the command at step 3, all of it from step 4 */
  filter_init(&f, 2, h, (double[]) {0, 0}, dead, vmax, q0);
  double want1[5] = {0, 0, 0.5, 1, 1};
  for (int s = 0; s < 5; s++) {
    filter_step(&f, c);
    expect("no lag, dead 2.5 steps", f.q[1], want1[s], 1e-12);
  }
  /* 9 ms at 0.1 ms steps is 89.999... in floating point: exactly 90 steps of wait */
  filter_init(&f, 1, 1e-4, (double[]) {0.02}, (double[]) {0.009}, (double[]) {INFINITY}, q0);
  for (int s = 1; s <= 90; s++) {
    filter_step(&f, c);
    expect("dead 90 steps: still", f.q[0], 0, 0);
  }
  filter_step(&f, c);
  expect("dead 90 steps: first move", f.q[0], -expm1(-1e-4 / 0.02), 1e-15);
  /* the ceiling: a 1 rad step at 0.5 rad/s moves 0.5 mrad per step until the lag asks for less */
  filter_init(&f, 1, h, (double[]) {0.02}, (double[]) {0}, (double[]) {0.5}, q0);
  for (int s = 1; s <= 100; s++) {
    filter_step(&f, c);
    expect("ceiling: ramp", f.q[0], s * 0.5e-3, 1e-12);
    expect("ceiling: velocity", f.qd[0], 0.5, 1e-9);
  }
  /* no lag, no dead time, no ceiling: the command itself */
  filter_init(&f, 1, h, (double[]) {0}, (double[]) {0}, (double[]) {INFINITY}, q0);
  filter_step(&f, (double[]) {0.7});
  expect("ideal", f.q[0], 0.7, 0);
  if (failures == 0) {
    printf("self-check ok\n");
    return 0;
  }
  return 1;
}

static int offline_filter(char **argv) {
  double lag = number(argv[2]), dead = number(argv[3]) / 1e3, vmax = number(argv[4]), h = number(argv[5]);
  double q0 = number(argv[6]);
  filter_t f;
  filter_init(&f, 1, h, &lag, &dead, &vmax, &q0);
  char buf[128];
  while (fgets(buf, sizeof buf, stdin)) {
    double c = strtod(buf, NULL);
    filter_step(&f, &c);
    printf("%.17g\n", f.q[0]);
  }
  return 0;
}

static void die(const char *what, dds_return_t rc) {
  fprintf(stderr, "lag_driver: %s: %s\n", what, dds_strretcode(rc));
  exit(2);
}

static int split(char *s, char **out, int max) {
  int n = 0;
  for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ",")) out[n++] = tok;
  return n;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "--self-check") == 0) return self_check();
  if (argc == 7 && strcmp(argv[1], "--filter") == 0) return offline_filter(argv);
  if (argc < 8) {
    fprintf(stderr, "usage: lag_driver <domain id> <seconds> <lag_s> <dead_time_ms> <max_velocity|inf> "
                    "<names a,b,..> <initial positions q1,q2,..> [rate_hz]\n"
                    "       lag_driver --self-check\n"
                    "       lag_driver --filter <lag_s> <dead_time_ms> <max_velocity|inf> <step_s> <q0>\n");
    return 2;
  }
  dds_domainid_t domain = (dds_domainid_t) atoi(argv[1]);
  double seconds = number(argv[2]);
  double lag_s = number(argv[3]), dead_s = number(argv[4]) / 1e3, vmax = number(argv[5]);
  if (!(lag_s >= 0 && lag_s <= 5) || !(dead_s >= 0 && dead_s <= 1) || !(vmax > 0)) {
    fprintf(stderr, "lag_driver: lag_s must be in [0, 5], dead_time_ms in [0, 1000], max_velocity > 0\n");
    return 2;
  }
  char *names[MAX_JOINTS], *qs[MAX_JOINTS];
  int n = split(argv[6], names, MAX_JOINTS);
  if (split(argv[7], qs, MAX_JOINTS) != n || n == 0) {
    fprintf(stderr, "lag_driver: %d joint names but a different number of initial positions\n", n);
    return 2;
  }
  double rate = argc > 8 ? number(argv[8]) : 1000;
  double h = 1.0 / rate;
  double lag[MAX_JOINTS], dead[MAX_JOINTS], vm[MAX_JOINTS], q0[MAX_JOINTS], cmd[MAX_JOINTS];
  for (int i = 0; i < n; i++) {
    lag[i] = lag_s;
    dead[i] = dead_s;
    vm[i] = vmax;
    q0[i] = cmd[i] = number(qs[i]);
  }
  filter_t f;
  filter_init(&f, n, h, lag, dead, vm, q0);
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
  clock_gettime(CLOCK_REALTIME, &wall);
  int64_t start_ns = (int64_t) wall.tv_sec * 1000000000LL + wall.tv_nsec;
  int64_t period_ns = (int64_t) llround(h * 1e9);
  long ticks = (long) (seconds * rate);
  long commands = 0, ignored = 0;
  for (long j = 0; j < ticks; j++) {
    char buf[64];
    if (read(0, buf, sizeof buf) == 0) break; /* the test closed our stdin */
    int64_t stamp = start_ns + j * period_ns;
    /* read: publish the state at this tick */
    for (int i = 0; i < n; i++) {
      pos[i] = f.q[i];
      vel[i] = f.qd[i];
    }
    js.header_.stamp_.sec_ = (int32_t) (stamp / 1000000000LL);
    js.header_.stamp_.nanosec_ = (uint32_t) (stamp % 1000000000LL);
    dds_return_t w = dds_write(writer, &js);
    if (w < 0) die("write", w);
    /* update: the newest command */
    void *samples[1] = {NULL};
    dds_sample_info_t infos[1];
    int got;
    while ((got = dds_take(reader, samples, infos, 1, 1)) > 0) {
      if (infos[0].valid_data) {
        std_msgs_msg_dds__Float64MultiArray_ *m = samples[0];
        if (m->data_._length == (uint32_t) n) {
          memcpy(cmd, m->data_._buffer, sizeof(double) * (size_t) n);
          commands++;
          clock_gettime(CLOCK_REALTIME, &wall);
          printf("cmd %ld %lld %lld %.17g\n", commands, (long long) stamp,
                 (long long) wall.tv_sec * 1000000000LL + wall.tv_nsec, cmd[0]);
          fflush(stdout);
        } else if (ignored++ == 0) {
          fprintf(stderr, "lag_driver: ignored a command of %u values for %d joints\n", m->data_._length, n);
        }
      }
      dds_return_loan(reader, samples, got);
      samples[0] = NULL;
    }
    /* write: the command goes through the response until the next tick */
    filter_step(&f, cmd);
    next.tv_nsec += period_ns;
    while (next.tv_nsec >= 1000000000L) {
      next.tv_nsec -= 1000000000L;
      next.tv_sec++;
    }
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR) {
    }
  }
  dds_delete(pp);
  free(f.line);
  return 0;
}
