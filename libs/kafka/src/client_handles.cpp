#include "client_handles.hpp"

#include <stdexcept>

namespace rtm::kafka::detail {

void set(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
  char error[512];
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof(error)) != RD_KAFKA_CONF_OK) {
    throw std::invalid_argument("kafka property " + name + "=" + value + ": " + error);
  }
}

Conf make_conf(const KafkaOptions& options) {
  if (options.brokers.empty()) throw std::invalid_argument("kafka: no brokers configured (--brokers)");
  Conf conf(rd_kafka_conf_new());
  set(conf.get(), "bootstrap.servers", options.brokers);
  set(conf.get(), "client.id", options.client_id);
  // Broker addresses that stop answering are retried quickly, so an outage
  // of seconds is bridged in about as long.
  set(conf.get(), "reconnect.backoff.ms", "100");
  set(conf.get(), "reconnect.backoff.max.ms", "2000");
  return conf;
}

void apply_overrides(rd_kafka_conf_t* conf, const KafkaOptions& options) {
  for (const auto& [name, value] : options.properties) set(conf, name, value);
}

Client make_client(rd_kafka_type_t type, Conf conf) {
  char error[512];
  rd_kafka_t* client = rd_kafka_new(type, conf.get(), error, sizeof(error));
  if (client == nullptr) throw std::runtime_error(std::string("kafka: cannot create a client: ") + error);
  (void)conf.release();  // now librdkafka's
  return Client(client);
}

}  // namespace rtm::kafka::detail
