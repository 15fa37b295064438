#include "kafka_cli_options.hpp"

#include <cstdio>

#include "option_reader.hpp"
#include "rtm/msg/channels.hpp"
#include "split_flags.hpp"

namespace rtm::services {

const char* const kKafkaOptionsHelp =
    "  --brokers HOST:PORT,...      RTM_KAFKA_BROKERS    Kafka bootstrap servers (required)\n"
    "  --md-topic NAME              RTM_MD_TOPIC         normalized events (rtm.md.v1)\n"
    "  --derived-topic NAME         RTM_DERIVED_TOPIC    bars, NBBO, statistics, alerts (rtm.derived.v1)\n"
    "  --partitions N               RTM_KAFKA_PARTITIONS   of topics created at start-up (6)\n"
    "  --replication N              RTM_KAFKA_REPLICATION  of topics created at start-up (1)\n"
    "  --kafka-compression CODEC    RTM_KAFKA_COMPRESSION  none, gzip, snappy, lz4 or zstd (lz4)\n"
    "  --kafka-linger-ms MS         RTM_KAFKA_LINGER_MS  how long a batch may wait to fill (5)\n"
    "  --kafka-property K=V,...     RTM_KAFKA_PROPERTIES any librdkafka property, applied last\n";

std::optional<KafkaCliOptions> take_kafka_options(const char* program, int& argc, char** argv,
                                                  kafka::KafkaOptions defaults) {
  std::vector<char*> own =
      split_flags(argc, argv,
                  {"--brokers", "--md-topic", "--derived-topic", "--partitions", "--replication", "--kafka-compression",
                   "--kafka-linger-ms", "--kafka-property"});
  KafkaCliOptions options;
  options.kafka = std::move(defaults);
  kafka::KafkaOptions& k = options.kafka;
  std::string md_topic(msg::kMarketDataChannel);
  std::string derived_topic(msg::kDerivedChannel);
  std::string properties;
  const auto any = [](const auto&) { return true; };
  const auto name = [](const std::string& text) { return !text.empty(); };
  OptionReader reader(program, static_cast<int>(own.size()), own.data());
  const bool ok =
      reader.read("--brokers", "RTM_KAFKA_BROKERS", k.brokers, any) &&
      reader.read("--md-topic", "RTM_MD_TOPIC", md_topic, name) &&
      reader.read("--derived-topic", "RTM_DERIVED_TOPIC", derived_topic, name) &&
      reader.read("--partitions", "RTM_KAFKA_PARTITIONS", k.partitions, [](int n) { return n >= 1 && n <= 10'000; }) &&
      reader.read("--replication", "RTM_KAFKA_REPLICATION", k.replication, [](int n) { return n >= 1 && n <= 100; }) &&
      reader.read("--kafka-compression", "RTM_KAFKA_COMPRESSION", k.compression,
                  [](const std::string& c) {
                    return c == "none" || c == "gzip" || c == "snappy" || c == "lz4" || c == "zstd";
                  }) &&
      reader.read("--kafka-linger-ms", "RTM_KAFKA_LINGER_MS", k.linger_ms, [](int ms) { return ms >= 0 && ms <= 60'000; }) &&
      reader.read("--kafka-property", "RTM_KAFKA_PROPERTIES", properties, [&](const std::string& list) {
        std::string error;
        const bool parsed = kafka::parse_kafka_properties(list, k, error);
        if (!parsed) std::fprintf(stderr, "%s: --kafka-property: %s\n", program, error.c_str());
        return parsed;
      });
  if (!ok) return std::nullopt;
  if (k.brokers.empty()) {
    std::fprintf(stderr, "%s: no Kafka brokers: pass --brokers or set RTM_KAFKA_BROKERS\n", program);
    return std::nullopt;
  }
  options.topics.emplace(std::string(msg::kMarketDataChannel), md_topic);
  options.topics.emplace(std::string(msg::kDerivedChannel), derived_topic);
  return options;
}

}  // namespace rtm::services
