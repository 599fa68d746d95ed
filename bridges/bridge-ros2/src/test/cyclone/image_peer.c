/*
 * A camera as ROS 2 sees one, on Eclipse Cyclone DDS: sensor_msgs/Image on rt/camera/image_raw with
 * sensor-data QoS (best effort, keep last 5, volatile).
 *
 *   image_peer pub <domain id> <seconds> <width> <height>
 *     publishes rgb8 pictures at 10 Hz whose byte (x, y, c) is (x * 7 + y * 3 + c * 50) mod 256,
 *     until stdin closes or <seconds> pass; prints "publishing <w>x<h>" once started.
 *   image_peer sub <domain id> <seconds>
 *     prints "image <width> <height> <encoding> <step> <bytes> <sum of bytes mod 2^32>" for the first
 *     picture received and exits 0; exits 1 when none arrives within <seconds>.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dds/dds.h"
#include "ros2_types.h"

static void die(const char *what, dds_return_t rc) {
  fprintf(stderr, "image_peer: %s: %s\n", what, dds_strretcode(rc));
  exit(2);
}

static dds_entity_t topic(dds_entity_t pp, dds_qos_t *qos) {
  dds_entity_t t = dds_create_topic(pp, &sensor_msgs_msg_dds__Image__desc, "rt/camera/image_raw", qos, NULL);
  if (t < 0) die("topic", t);
  return t;
}

int main(int argc, char **argv) {
  if (argc < 4 || (strcmp(argv[1], "pub") != 0 && strcmp(argv[1], "sub") != 0)
      || (strcmp(argv[1], "pub") == 0 && argc < 6)) {
    fprintf(stderr, "usage: image_peer pub <domain> <seconds> <width> <height> | sub <domain> <seconds>\n");
    return 2;
  }
  dds_entity_t pp = dds_create_participant((dds_domainid_t) atoi(argv[2]), NULL, NULL);
  if (pp < 0) die("participant", pp);
  double seconds = atof(argv[3]);
  dds_qos_t *qos = dds_create_qos();
  dds_qset_reliability(qos, DDS_RELIABILITY_BEST_EFFORT, 0);
  dds_qset_history(qos, DDS_HISTORY_KEEP_LAST, 5);
  dds_qset_durability(qos, DDS_DURABILITY_VOLATILE);
  dds_entity_t t = topic(pp, qos);
  if (strcmp(argv[1], "pub") == 0) {
    uint32_t w = (uint32_t) atoi(argv[4]);
    uint32_t h = (uint32_t) atoi(argv[5]);
    dds_entity_t wr = dds_create_writer(pp, t, qos, NULL);
    if (wr < 0) die("writer", wr);
    uint8_t *data = malloc((size_t) w * h * 3);
    for (uint32_t y = 0; y < h; y++)
      for (uint32_t x = 0; x < w; x++)
        for (uint32_t c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = (uint8_t) (x * 7 + y * 3 + c * 50);
    sensor_msgs_msg_dds__Image_ msg;
    memset(&msg, 0, sizeof msg);
    msg.header_.frame_id_ = "c_camera";
    msg.height_ = h;
    msg.width_ = w;
    msg.encoding_ = "rgb8";
    msg.step_ = w * 3;
    msg.data_._buffer = data;
    msg.data_._length = w * h * 3;
    msg.data_._maximum = w * h * 3;
    printf("publishing %ux%u\n", w, h);
    fflush(stdout);
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
    char buf[64];
    for (long i = 0; i < (long) (seconds * 10); i++) {
      if (read(0, buf, sizeof buf) == 0) break;
      msg.header_.stamp_.sec_ = (int32_t) i;
      dds_return_t rc = dds_write(wr, &msg);
      if (rc < 0) die("write", rc);
      usleep(100000);
    }
    free(data);
  } else {
    dds_entity_t rd = dds_create_reader(pp, t, qos, NULL);
    if (rd < 0) die("reader", rd);
    void *samples[1] = {NULL};
    dds_sample_info_t info[1];
    for (long i = 0; i < (long) (seconds * 100); i++) {
      dds_return_t n = dds_take(rd, samples, info, 1, 1);
      if (n > 0 && info[0].valid_data) {
        sensor_msgs_msg_dds__Image_ *m = samples[0];
        uint32_t sum = 0;
        for (uint32_t k = 0; k < m->data_._length; k++) sum += m->data_._buffer[k];
        printf("image %u %u %s %u %u %u\n", m->width_, m->height_, m->encoding_, m->step_, m->data_._length, sum);
        fflush(stdout);
        dds_return_loan(rd, samples, n);
        dds_delete(pp);
        return 0;
      }
      if (n > 0) dds_return_loan(rd, samples, n);
      usleep(10000);
    }
    dds_delete(pp);
    return 1;
  }
  dds_delete_qos(qos);
  dds_delete(pp);
  return 0;
}
