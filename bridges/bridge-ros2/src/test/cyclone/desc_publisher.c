/*
 * robot_state_publisher's robot description on Eclipse Cyclone DDS: publishes the contents of a
 * file once as std_msgs/String on rt/<topic> (default robot_description) with reliable, keep-last-1,
 * transient-local QoS, so that subscribers that join later still get it; then waits until stdin
 * closes or <seconds> pass. Prints "published <bytes>".
 *
 * usage: desc_publisher <domain id> <seconds> <file> [topic]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dds/dds.h"
#include "ros2_types.h"

static void die(const char *what, dds_return_t rc) {
  fprintf(stderr, "desc_publisher: %s: %s\n", what, dds_strretcode(rc));
  exit(2);
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: desc_publisher <domain id> <seconds> <file> [topic]\n");
    return 2;
  }
  FILE *f = fopen(argv[3], "rb");
  if (!f) {
    perror("desc_publisher");
    return 2;
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t) size + 1);
  if (fread(text, 1, (size_t) size, f) != (size_t) size) {
    perror("desc_publisher");
    return 2;
  }
  text[size] = 0;
  fclose(f);
  char topic[256];
  snprintf(topic, sizeof topic, "rt/%s", argc > 4 ? argv[4] : "robot_description");

  dds_entity_t pp = dds_create_participant((dds_domainid_t) atoi(argv[1]), NULL, NULL);
  if (pp < 0) die("participant", pp);
  dds_qos_t *qos = dds_create_qos();
  dds_qset_reliability(qos, DDS_RELIABILITY_RELIABLE, DDS_MSECS(100));
  dds_qset_history(qos, DDS_HISTORY_KEEP_LAST, 1);
  dds_qset_durability(qos, DDS_DURABILITY_TRANSIENT_LOCAL);
  dds_entity_t t = dds_create_topic(pp, &std_msgs_msg_dds__String__desc, topic, qos, NULL);
  if (t < 0) die("topic", t);
  dds_entity_t w = dds_create_writer(pp, t, qos, NULL);
  if (w < 0) die("writer", w);
  dds_delete_qos(qos);
  std_msgs_msg_dds__String_ msg = {.data_ = text};
  dds_return_t rc = dds_write(w, &msg);
  if (rc < 0) die("write", rc);
  printf("published %ld\n", size);
  fflush(stdout);
  double seconds = atof(argv[2]);
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
  char buf[64];
  for (long i = 0; i < (long) (seconds * 100); i++) {
    if (read(0, buf, sizeof buf) == 0) break;
    usleep(10000);
  }
  dds_delete(pp);
  free(text);
  return 0;
}
