/*
 * Latency benchmark peer on Eclipse Cyclone DDS, ROS 2 wire conventions (rt/joint_states,
 * sensor_msgs::msg::dds_::JointState_, reliable keep-last-10 volatile), used by Ros2BenchIT.
 *
 * Each JointState carries six joints j1..j6: position[0] = sequence number, position[1] = the
 * sender's CLOCK_MONOTONIC at dds_write (ns, exact in a double), header stamp = the same time.
 *
 *   bench clock                                  one CLOCK_MONOTONIC ns per line read from stdin
 *   bench pub <domain> <total> <rate_hz>         waits for a matched reader, then writes <total>
 *                                                states at <rate_hz> (absolute-deadline pacing);
 *                                                prints "matched", then "sent <n>"
 *   bench sub <domain> <total> <warmup>          prints "ready"; takes states (waitset) and prints
 *                                                "<seq> <latency ns>" for seq >= warmup, then
 *                                                "received <n>" once seq total-1 arrived or the
 *                                                stream stayed silent for 2 s
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "dds/dds.h"
#include "ros2_types.h"

static long long mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what, dds_return_t rc) {
  fprintf(stderr, "bench: %s: %s\n", what, dds_strretcode(rc));
  exit(2);
}

static dds_entity_t topic(dds_entity_t pp, dds_qos_t **qos) {
  *qos = dds_create_qos();
  dds_qset_reliability(*qos, DDS_RELIABILITY_RELIABLE, DDS_MSECS(100));
  dds_qset_history(*qos, DDS_HISTORY_KEEP_LAST, 10);
  dds_qset_durability(*qos, DDS_DURABILITY_VOLATILE);
  dds_entity_t t = dds_create_topic(pp, &sensor_msgs_msg_dds__JointState__desc, "rt/joint_states", *qos, NULL);
  if (t < 0) die("topic", t);
  return t;
}

static int pub(dds_domainid_t domain, long total, double rate) {
  dds_entity_t pp = dds_create_participant(domain, NULL, NULL);
  if (pp < 0) die("participant", pp);
  dds_qos_t *qos;
  dds_entity_t t = topic(pp, &qos);
  dds_entity_t writer = dds_create_writer(pp, t, qos, NULL);
  if (writer < 0) die("writer", writer);
  dds_delete_qos(qos);
  long long give_up = mono() + 20000000000LL;
  for (;;) {
    dds_publication_matched_status_t st;
    dds_get_publication_matched_status(writer, &st);
    if (st.current_count > 0) break;
    if (mono() > give_up) { fprintf(stderr, "bench: no reader matched\n"); return 3; }
    dds_sleepfor(DDS_MSECS(5));
  }
  printf("matched\n");
  fflush(stdout);
  char *names[6] = {"j1", "j2", "j3", "j4", "j5", "j6"};
  double pos[6] = {0}, zero[6] = {0};
  sensor_msgs_msg_dds__JointState_ js;
  memset(&js, 0, sizeof js);
  js.header_.frame_id_ = "";
  js.name_._length = js.name_._maximum = 6;
  js.name_._buffer = names;
  js.position_._length = js.position_._maximum = 6;
  js.position_._buffer = pos;
  js.velocity_._length = js.velocity_._maximum = 6;
  js.velocity_._buffer = zero;
  js.effort_._length = 0;
  long long period = (long long) (1e9 / rate);
  long long next = mono() + 50000000LL; /* let the reader side finish matching */
  long sent = 0;
  for (long i = 0; i < total; i++) {
    struct timespec ts = {next / 1000000000LL, next % 1000000000LL};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) {}
    long long now = mono();
    js.header_.stamp_.sec_ = (int32_t) (now / 1000000000LL);
    js.header_.stamp_.nanosec_ = (uint32_t) (now % 1000000000LL);
    pos[0] = (double) i;
    pos[1] = (double) now;
    pos[2] = 0.001 * (double) (i % 1000);
    dds_return_t w = dds_write(writer, &js);
    if (w < 0) die("write", w);
    sent++;
    next += period;
  }
  dds_sleepfor(DDS_MSECS(200)); /* let reliable retransmissions finish */
  printf("sent %ld\n", sent);
  fflush(stdout);
  dds_delete(pp);
  return 0;
}

static int sub(dds_domainid_t domain, long total, long warmup) {
  dds_entity_t pp = dds_create_participant(domain, NULL, NULL);
  if (pp < 0) die("participant", pp);
  dds_qos_t *qos;
  dds_entity_t t = topic(pp, &qos);
  dds_entity_t reader = dds_create_reader(pp, t, qos, NULL);
  if (reader < 0) die("reader", reader);
  dds_delete_qos(qos);
  dds_entity_t ws = dds_create_waitset(pp);
  dds_entity_t rc = dds_create_readcondition(reader, DDS_ANY_STATE);
  dds_waitset_attach(ws, rc, reader);
  long n = total - warmup;
  long long *lat = calloc((size_t) (n > 0 ? n : 1), sizeof *lat);
  char *seen = calloc((size_t) (n > 0 ? n : 1), 1);
  printf("ready\n");
  fflush(stdout);
  long received = 0, last = -1;
  long long last_rx = mono(), give_up = mono() + 60000000000LL;
  while (last != total - 1 && mono() < give_up && !(received > 0 && mono() - last_rx > 2000000000LL)) {
    dds_waitset_wait(ws, NULL, 0, DDS_MSECS(100));
    void *samples[1] = {NULL};
    dds_sample_info_t infos[1];
    int k;
    while ((k = dds_take(reader, samples, infos, 1, 1)) > 0) {
      long long now = mono();
      if (infos[0].valid_data) {
        sensor_msgs_msg_dds__JointState_ *m = samples[0];
        if (m->position_._length == 6) {
          long seq = (long) m->position_._buffer[0];
          long long sent = (long long) m->position_._buffer[1];
          received++;
          last = seq;
          last_rx = now;
          if (seq >= warmup && seq < total && !seen[seq - warmup]) {
            seen[seq - warmup] = 1;
            lat[seq - warmup] = now - sent;
          }
        }
      }
      dds_return_loan(reader, samples, k);
      samples[0] = NULL;
    }
  }
  for (long i = 0; i < n; i++) {
    if (seen[i]) printf("%ld %lld\n", i + warmup, lat[i]);
  }
  printf("received %ld\n", received);
  fflush(stdout);
  dds_delete(pp);
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  if (argc >= 2 && strcmp(argv[1], "clock") == 0) {
    char line[64];
    while (fgets(line, sizeof line, stdin) != NULL) {
      printf("%lld\n", mono());
      fflush(stdout);
    }
    return 0;
  }
  if (argc >= 5 && strcmp(argv[1], "pub") == 0) return pub(atoi(argv[2]), atol(argv[3]), atof(argv[4]));
  if (argc >= 5 && strcmp(argv[1], "sub") == 0) return sub(atoi(argv[2]), atol(argv[3]), atol(argv[4]));
  fprintf(stderr, "usage: bench clock | pub <domain> <total> <rate_hz> | sub <domain> <total> <warmup>\n");
  return 2;
}
