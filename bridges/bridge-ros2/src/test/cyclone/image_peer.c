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
 *
 * A camera behind image_transport's compressed plugin, with its calibration: sensor_msgs/CompressedImage
 * on rt/camera/image_raw/compressed and sensor_msgs/CameraInfo on rt/camera/camera_info, sensor-data QoS.
 *
 *   image_peer cpub <domain id> <seconds>
 *     publishes, at 10 Hz until stdin closes or <seconds> pass, a 4x3 PNG (format "rgb8; png compressed
 *     bgr8", frame "c_camera") whose pixel (x, y) is (40x + 10, 90y + 5, 200 - 30x - 20y), and a
 *     CameraInfo of 4x3 with every field set (see camera_info()); prints "publishing compressed 4x3".
 *   image_peer csub <domain id> <seconds>
 *     prints, for the first of each received, fields separated by '|':
 *       "compressed|<frame_id>|<format>|<bytes>|<sum of bytes mod 2^32>"
 *       "camera_info|<sec>|<nanosec>|<frame_id>|<height>|<width>|<distortion_model>|<d...>|<k...>|<r...>|<p...>|
 *        <binning_x>|<binning_y>|<roi x_offset y_offset height width do_rectify>" (arrays space-separated, %.17g)
 *     and exits 0 once it has both; exits 1 when they do not arrive within <seconds>.
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

static dds_entity_t topic(dds_entity_t pp, const dds_topic_descriptor_t *desc, const char *name, dds_qos_t *qos) {
  dds_entity_t t = dds_create_topic(pp, desc, name, qos, NULL);
  if (t < 0) die("topic", t);
  return t;
}

/* A 4x3 RGB PNG: pixel (x, y) = (40x + 10, 90y + 5, 200 - 30x - 20y). */
static const uint8_t TINY_PNG[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x03, 0x08, 0x02, 0x00, 0x00, 0x00, 0x3b, 0x96, 0x39,
  0x91, 0x00, 0x00, 0x00, 0x30, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xe0, 0x62, 0x3d, 0x61,
  0xc4, 0xba, 0x2a, 0x8a, 0xb5, 0xa7, 0x89, 0x35, 0x8f, 0x81, 0x2b, 0x7e, 0x8b, 0x51, 0xfc, 0xb4,
  0xa8, 0xf8, 0x8a, 0xa6, 0xf8, 0x28, 0x06, 0xae, 0x9d, 0x0b, 0x8c, 0x76, 0x36, 0x45, 0xed, 0x4c,
  0x69, 0xda, 0xe9, 0x06, 0x00, 0xf1, 0x21, 0x0e, 0x11, 0x69, 0xfa, 0xf8, 0x6c, 0x00, 0x00, 0x00,
  0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

/* The C camera's calibration: 4x3, plumb_bob with five non-zero coefficients, every field set. */
static double D[5] = {-0.25, 0.125, 0.001, -0.002, 0.0625};

static void camera_info(sensor_msgs_msg_dds__CameraInfo_ *m) {
  memset(m, 0, sizeof *m);
  m->header_.stamp_.sec_ = 12;
  m->header_.stamp_.nanosec_ = 345;
  m->header_.frame_id_ = "c_camera_optical";
  m->height_ = 3;
  m->width_ = 4;
  m->distortion_model_ = "plumb_bob";
  m->d_._buffer = D;
  m->d_._length = 5;
  m->d_._maximum = 5;
  for (int i = 0; i < 9; i++) {
    m->k_[i] = 0;
    m->r_[i] = i % 4 == 0 ? 1 : 0;
  }
  m->k_[0] = 3.5;  /* fx */
  m->k_[2] = 1.5;  /* cx */
  m->k_[4] = 3.25; /* fy */
  m->k_[5] = 1.0;  /* cy */
  m->k_[8] = 1;
  for (int i = 0; i < 12; i++) m->p_[i] = 0.5 * i - 1;
  m->binning_x_ = 1;
  m->binning_y_ = 2;
  m->roi_.x_offset_ = 1;
  m->roi_.y_offset_ = 2;
  m->roi_.height_ = 3;
  m->roi_.width_ = 4;
  m->roi_.do_rectify_ = true;
}

static void print_doubles(const double *v, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) printf("%s%.17g", i == 0 ? "" : " ", v[i]);
  printf("|");
}

/* cpub / csub: the compressed camera and its calibration. */
static int compressed(dds_entity_t pp, dds_qos_t *qos, int publish, double seconds) {
  dds_entity_t ti = topic(pp, &sensor_msgs_msg_dds__CompressedImage__desc, "rt/camera/image_raw/compressed", qos);
  dds_entity_t tc = topic(pp, &sensor_msgs_msg_dds__CameraInfo__desc, "rt/camera/camera_info", qos);
  if (publish) {
    dds_entity_t wi = dds_create_writer(pp, ti, qos, NULL);
    if (wi < 0) die("writer", wi);
    dds_entity_t wc = dds_create_writer(pp, tc, qos, NULL);
    if (wc < 0) die("writer", wc);
    sensor_msgs_msg_dds__CompressedImage_ img;
    memset(&img, 0, sizeof img);
    img.header_.frame_id_ = "c_camera";
    img.format_ = "rgb8; png compressed bgr8";
    img.data_._buffer = (uint8_t *) TINY_PNG;
    img.data_._length = sizeof TINY_PNG;
    img.data_._maximum = sizeof TINY_PNG;
    sensor_msgs_msg_dds__CameraInfo_ info;
    camera_info(&info);
    printf("publishing compressed 4x3\n");
    fflush(stdout);
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
    char buf[64];
    for (long i = 0; i < (long) (seconds * 10); i++) {
      if (read(0, buf, sizeof buf) == 0) break;
      img.header_.stamp_.sec_ = (int32_t) i;
      dds_return_t rc = dds_write(wc, &info);
      if (rc < 0) die("write", rc);
      rc = dds_write(wi, &img);
      if (rc < 0) die("write", rc);
      usleep(100000);
    }
    return 0;
  }
  dds_entity_t ri = dds_create_reader(pp, ti, qos, NULL);
  if (ri < 0) die("reader", ri);
  dds_entity_t rc = dds_create_reader(pp, tc, qos, NULL);
  if (rc < 0) die("reader", rc);
  int got_image = 0, got_info = 0;
  for (long i = 0; i < (long) (seconds * 100) && !(got_image && got_info); i++) {
    void *samples[1] = {NULL};
    dds_sample_info_t si[1];
    dds_return_t n = dds_take(ri, samples, si, 1, 1);
    if (n > 0 && si[0].valid_data && !got_image) {
      sensor_msgs_msg_dds__CompressedImage_ *m = samples[0];
      uint32_t sum = 0;
      for (uint32_t k = 0; k < m->data_._length; k++) sum += m->data_._buffer[k];
      printf("compressed|%s|%s|%u|%u\n", m->header_.frame_id_, m->format_, m->data_._length, sum);
      fflush(stdout);
      got_image = 1;
    }
    if (n > 0) dds_return_loan(ri, samples, n);
    samples[0] = NULL;
    n = dds_take(rc, samples, si, 1, 1);
    if (n > 0 && si[0].valid_data && !got_info) {
      sensor_msgs_msg_dds__CameraInfo_ *m = samples[0];
      printf("camera_info|%d|%u|%s|%u|%u|%s|", m->header_.stamp_.sec_, m->header_.stamp_.nanosec_,
             m->header_.frame_id_, m->height_, m->width_, m->distortion_model_);
      print_doubles(m->d_._buffer, m->d_._length);
      print_doubles(m->k_, 9);
      print_doubles(m->r_, 9);
      print_doubles(m->p_, 12);
      printf("%u|%u|%u %u %u %u %d\n", m->binning_x_, m->binning_y_, m->roi_.x_offset_, m->roi_.y_offset_,
             m->roi_.height_, m->roi_.width_, m->roi_.do_rectify_ ? 1 : 0);
      fflush(stdout);
      got_info = 1;
    }
    if (n > 0) dds_return_loan(rc, samples, n);
    usleep(10000);
  }
  return got_image && got_info ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc < 4 || (strcmp(argv[1], "pub") != 0 && strcmp(argv[1], "sub") != 0 && strcmp(argv[1], "cpub") != 0
                    && strcmp(argv[1], "csub") != 0)
      || (strcmp(argv[1], "pub") == 0 && argc < 6)) {
    fprintf(stderr, "usage: image_peer pub <domain> <seconds> <width> <height> | sub <domain> <seconds>"
            " | cpub <domain> <seconds> | csub <domain> <seconds>\n");
    return 2;
  }
  dds_entity_t pp = dds_create_participant((dds_domainid_t) atoi(argv[2]), NULL, NULL);
  if (pp < 0) die("participant", pp);
  double seconds = atof(argv[3]);
  dds_qos_t *qos = dds_create_qos();
  dds_qset_reliability(qos, DDS_RELIABILITY_BEST_EFFORT, 0);
  dds_qset_history(qos, DDS_HISTORY_KEEP_LAST, 5);
  dds_qset_durability(qos, DDS_DURABILITY_VOLATILE);
  if (argv[1][0] == 'c') {
    int rc = compressed(pp, qos, strcmp(argv[1], "cpub") == 0, seconds);
    dds_delete_qos(qos);
    dds_delete(pp);
    return rc;
  }
  dds_entity_t t = topic(pp, &sensor_msgs_msg_dds__Image__desc, "rt/camera/image_raw", qos);
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
