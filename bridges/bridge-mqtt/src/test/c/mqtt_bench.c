/*
 * Latency benchmark peer on libmosquitto (the native MQTT pair of MqttBenchIT), QoS 0, loopback.
 *
 * Each message is a joint state of the bridge's JSON contract with six joints j1..j6:
 * position[0] = sequence number, position[1] = stamp_ns = the sender's CLOCK_MONOTONIC (ns).
 *
 *   mqtt_bench clock                                  one CLOCK_MONOTONIC ns per line read from stdin
 *   mqtt_bench pub <port> <topic> <total> <rate_hz>   connects, prints "connected", publishes <total>
 *                                                     states at <rate_hz> (absolute-deadline pacing),
 *                                                     prints "sent <n>"
 *   mqtt_bench sub <port> <topic> <total> <warmup>    prints "ready" once subscribed; prints
 *                                                     "<seq> <latency ns>" for seq >= warmup, then
 *                                                     "received <n>" once seq total-1 arrived or the
 *                                                     stream stayed silent for 2 s
 */
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what, int rc) {
  fprintf(stderr, "mqtt_bench: %s: %s\n", what, mosquitto_strerror(rc));
  exit(2);
}

/* subscriber state */
static long total_, warmup_, received_, last_ = -1, subscribed_;
static long long last_rx_, *lat_;
static char *seen_;

static void on_subscribe(struct mosquitto *m, void *u, int mid, int n, const int *granted) {
  (void) m; (void) u; (void) mid; (void) n; (void) granted;
  subscribed_ = 1;
  printf("ready\n");
  fflush(stdout);
}

static void on_message(struct mosquitto *m, void *u, const struct mosquitto_message *msg) {
  (void) m; (void) u;
  long long now = mono();
  char buf[512];
  int len = msg->payloadlen < (int) sizeof buf - 1 ? msg->payloadlen : (int) sizeof buf - 1;
  memcpy(buf, msg->payload, (size_t) len);
  buf[len] = 0;
  char *s = strstr(buf, "\"stamp_ns\":");
  char *p = strstr(buf, "\"position\":[");
  if (s == NULL || p == NULL) return;
  long long sent = strtoll(s + 11, NULL, 10);
  long seq = strtol(p + 12, NULL, 10);
  received_++;
  last_ = seq;
  last_rx_ = now;
  if (seq >= warmup_ && seq < total_ && !seen_[seq - warmup_]) {
    seen_[seq - warmup_] = 1;
    lat_[seq - warmup_] = now - sent;
  }
}

static int sub(int port, const char *topic, long total, long warmup) {
  total_ = total;
  warmup_ = warmup;
  long n = total - warmup;
  lat_ = calloc((size_t) (n > 0 ? n : 1), sizeof *lat_);
  seen_ = calloc((size_t) (n > 0 ? n : 1), 1);
  struct mosquitto *m = mosquitto_new("telos-bench-sub", true, NULL);
  mosquitto_subscribe_callback_set(m, on_subscribe);
  mosquitto_message_callback_set(m, on_message);
  int rc = mosquitto_connect(m, "127.0.0.1", port, 30);
  if (rc != MOSQ_ERR_SUCCESS) die("connect", rc);
  rc = mosquitto_subscribe(m, NULL, topic, 0);
  if (rc != MOSQ_ERR_SUCCESS) die("subscribe", rc);
  long long give_up = mono() + 60000000000LL;
  last_rx_ = mono();
  while (last_ != total - 1 && mono() < give_up && !(received_ > 0 && mono() - last_rx_ > 2000000000LL)) {
    rc = mosquitto_loop(m, 100, 1);
    if (rc != MOSQ_ERR_SUCCESS) die("loop", rc);
  }
  for (long i = 0; i < n; i++) {
    if (seen_[i]) printf("%ld %lld\n", i + warmup, lat_[i]);
  }
  printf("received %ld\n", received_);
  fflush(stdout);
  mosquitto_disconnect(m);
  mosquitto_destroy(m);
  return 0;
}

static int pub(int port, const char *topic, long total, double rate) {
  struct mosquitto *m = mosquitto_new("telos-bench-pub", true, NULL);
  int rc = mosquitto_connect(m, "127.0.0.1", port, 30);
  if (rc != MOSQ_ERR_SUCCESS) die("connect", rc);
  rc = mosquitto_loop_start(m);
  if (rc != MOSQ_ERR_SUCCESS) die("loop_start", rc);
  printf("connected\n");
  fflush(stdout);
  long long period = (long long) (1e9 / rate);
  long long next = mono() + 50000000LL;
  long sent = 0;
  char buf[512];
  for (long i = 0; i < total; i++) {
    struct timespec ts = {next / 1000000000LL, next % 1000000000LL};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) {}
    long long now = mono();
    int len = snprintf(buf, sizeof buf,
        "{\"stamp_ns\":%lld,\"name\":[\"j1\",\"j2\",\"j3\",\"j4\",\"j5\",\"j6\"],"
        "\"position\":[%ld,%lld,%.3f,0,0,0],\"velocity\":[0,0,0,0,0,0],\"effort\":[]}",
        now, i, now, 0.001 * (double) (i % 1000));
    rc = mosquitto_publish(m, NULL, topic, len, buf, 0, false);
    if (rc != MOSQ_ERR_SUCCESS) die("publish", rc);
    sent++;
    next += period;
  }
  struct timespec pause = {0, 200000000L};
  nanosleep(&pause, NULL);
  printf("sent %ld\n", sent);
  fflush(stdout);
  mosquitto_disconnect(m);
  mosquitto_loop_stop(m, false);
  mosquitto_destroy(m);
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
  mosquitto_lib_init();
  int rc = 2;
  if (argc >= 6 && strcmp(argv[1], "pub") == 0) rc = pub(atoi(argv[2]), argv[3], atol(argv[4]), atof(argv[5]));
  else if (argc >= 6 && strcmp(argv[1], "sub") == 0) rc = sub(atoi(argv[2]), argv[3], atol(argv[4]), atol(argv[5]));
  else fprintf(stderr, "usage: mqtt_bench clock | pub <port> <topic> <total> <rate_hz> | sub <port> <topic> <total> <warmup>\n");
  mosquitto_lib_cleanup();
  return rc;
}
