#include "rtm/kafka/topic_admin.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "client_handles.hpp"

namespace rtm::kafka {
namespace {

struct NewTopicDeleter {
  void operator()(rd_kafka_NewTopic_t* topic) const noexcept { rd_kafka_NewTopic_destroy(topic); }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* queue) const noexcept { rd_kafka_queue_destroy(queue); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* event) const noexcept { rd_kafka_event_destroy(event); }
};
struct AdminOptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* options) const noexcept { rd_kafka_AdminOptions_destroy(options); }
};

// Those of `topics` the cluster does not list. Asking for every topic's
// metadata, not the wanted ones', keeps a broker that auto-creates topics on
// a metadata request from creating them with its own defaults.
std::vector<std::string> missing_topics(rd_kafka_t* client, const std::vector<std::string>& topics,
                                        std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* metadata = nullptr;
  const rd_kafka_resp_err_t error = rd_kafka_metadata(client, 1, nullptr, &metadata, static_cast<int>(timeout.count()));
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error("kafka: no answer from " + std::string(rd_kafka_name(client)) + " about its topics: " +
                             rd_kafka_err2str(error));
  }
  std::vector<std::string> missing;
  for (const std::string& topic : topics) {
    bool listed = false;
    for (int i = 0; i < metadata->topic_cnt && !listed; ++i) {
      listed = topic == metadata->topics[i].topic && metadata->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR;
    }
    if (!listed) missing.push_back(topic);
  }
  rd_kafka_metadata_destroy(metadata);
  return missing;
}

}  // namespace

void ensure_topics(const KafkaOptions& options, const std::vector<std::string>& topics,
                   std::chrono::milliseconds timeout) {
  detail::Conf conf = detail::make_conf(options);
  detail::apply_overrides(conf.get(), options);
  const detail::Client client = detail::make_client(RD_KAFKA_PRODUCER, std::move(conf));
  const std::vector<std::string> missing = missing_topics(client.get(), topics, timeout);
  if (missing.empty()) return;

  std::vector<std::unique_ptr<rd_kafka_NewTopic_t, NewTopicDeleter>> requests;
  std::vector<rd_kafka_NewTopic_t*> raw;
  for (const std::string& topic : missing) {
    char error[512];
    requests.emplace_back(
        rd_kafka_NewTopic_new(topic.c_str(), options.partitions, options.replication, error, sizeof(error)));
    if (!requests.back()) throw std::runtime_error("kafka: topic " + topic + ": " + error);
    raw.push_back(requests.back().get());
  }
  const std::unique_ptr<rd_kafka_AdminOptions_t, AdminOptionsDeleter> admin(
      rd_kafka_AdminOptions_new(client.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
  char error[512];
  rd_kafka_AdminOptions_set_request_timeout(admin.get(), static_cast<int>(timeout.count()), error, sizeof(error));
  const std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(client.get()));
  rd_kafka_CreateTopics(client.get(), raw.data(), raw.size(), admin.get(), queue.get());

  const std::unique_ptr<rd_kafka_event_t, EventDeleter> event(
      rd_kafka_queue_poll(queue.get(), static_cast<int>(timeout.count()) + 1000));
  if (!event) throw std::runtime_error("kafka: no answer from " + options.brokers + " to creating topics");
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error(std::string("kafka: creating topics: ") + rd_kafka_event_error_string(event.get()));
  }
  const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event.get());
  std::size_t count = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &count);
  for (std::size_t i = 0; i < count; ++i) {
    const rd_kafka_resp_err_t code = rd_kafka_topic_result_error(results[i]);
    if (code == RD_KAFKA_RESP_ERR_NO_ERROR || code == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) continue;
    const char* message = rd_kafka_topic_result_error_string(results[i]);
    throw std::runtime_error(std::string("kafka: creating topic ") + rd_kafka_topic_result_name(results[i]) + ": " +
                             (message != nullptr ? message : rd_kafka_err2str(code)));
  }
}

}  // namespace rtm::kafka
