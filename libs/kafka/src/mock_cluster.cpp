#include "rtm/kafka/mock_cluster.hpp"

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "client_handles.hpp"
// After rdkafka.h, which client_handles.hpp includes.
#include <librdkafka/rdkafka_mock.h>

namespace rtm::kafka {

struct MockCluster::Impl {
  detail::Client owner;  // the cluster lives inside a client handle
  rd_kafka_mock_cluster_t* cluster = nullptr;
};

MockCluster::MockCluster(int brokers) : impl_(std::make_unique<Impl>()) {
  detail::Conf conf(rd_kafka_conf_new());
  // The owning handle never talks to anything: it only hosts the cluster's
  // threads, so its own logging is kept quiet.
  detail::set(conf.get(), "log_level", "0");
  impl_->owner = detail::make_client(RD_KAFKA_PRODUCER, std::move(conf));
  impl_->cluster = rd_kafka_mock_cluster_new(impl_->owner.get(), brokers);
  if (impl_->cluster == nullptr) throw std::runtime_error("kafka: the mock cluster could not start");
}

MockCluster::~MockCluster() {
  if (impl_->cluster != nullptr) rd_kafka_mock_cluster_destroy(impl_->cluster);
}

std::string MockCluster::bootstrap() const { return rd_kafka_mock_cluster_bootstraps(impl_->cluster); }

void MockCluster::create_topic(const std::string& topic, int partitions, int replication) {
  const rd_kafka_resp_err_t error = rd_kafka_mock_topic_create(impl_->cluster, topic.c_str(), partitions, replication);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR && error != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    throw std::runtime_error("kafka: mock topic " + topic + ": " + rd_kafka_err2str(error));
  }
}

void MockCluster::set_broker_down(int broker) { rd_kafka_mock_broker_set_down(impl_->cluster, broker); }
void MockCluster::set_broker_up(int broker) { rd_kafka_mock_broker_set_up(impl_->cluster, broker); }
void MockCluster::set_broker_rtt(int broker, int milliseconds) {
  rd_kafka_mock_broker_set_rtt(impl_->cluster, broker, milliseconds);
}

void MockCluster::push_request_errors(int api_key, int count, int error_code) {
  std::vector<rd_kafka_resp_err_t> errors(static_cast<std::size_t>(count), static_cast<rd_kafka_resp_err_t>(error_code));
  rd_kafka_mock_push_request_errors_array(impl_->cluster, static_cast<std::int16_t>(api_key), errors.size(),
                                          errors.data());
}

}  // namespace rtm::kafka
