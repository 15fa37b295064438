// Producing normalized records to Kafka through libs/kafka's publisher
// against a bare librdkafka produce loop with the same settings (idempotent,
// acks=all, lz4, linger 5 ms, 1 MB batches, the same queue bounds, keyed by
// the instrument id in decimal, the Java partitioner), both into the same
// mock cluster in the same run. Each iteration queues every record, then
// waits until the cluster has acknowledged them all: records per second
// acknowledged, not merely queued.
#include <benchmark/benchmark.h>
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "rtm/kafka/kafka_transport.hpp"
#include "rtm/kafka/mock_cluster.hpp"
#include "rtm/msg/codec.hpp"

namespace rtm::bench {
namespace {

constexpr const char* kTopic = "rtm.bench.v1";
constexpr std::size_t kInstruments = 9;

std::size_t record_count() {
  const char* text = std::getenv("RTM_BENCH_RECORDS");  // NOLINT(concurrency-mt-unsafe): read before any thread
  return text != nullptr ? std::stoull(text) : 200'000;
}

// Trades of nine instruments, encoded as ingest publishes them.
const std::vector<std::vector<std::byte>>& records() {
  static const std::vector<std::vector<std::byte>> encoded = [] {
    std::vector<std::vector<std::byte>> out;
    const std::size_t count = record_count();
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      msg::Trade trade;
      trade.header.venue = msg::Venue::kBinance;
      trade.header.instrument_id = msg::make_instrument_id(msg::Venue::kBinance, std::to_string(i % kInstruments));
      trade.header.sequence = i / kInstruments + 1;
      trade.header.ts_event = 1'700'000'000'000'000'000 + static_cast<std::int64_t>(i) * 10'000;
      trade.header.ts_recv = trade.header.ts_event + 250'000;
      trade.price = 6'500'000 + static_cast<std::int64_t>(i % 977);
      trade.size = static_cast<std::int64_t>(1 + i % 5000);
      trade.trade_id = i;
      trade.aggressor = msg::Aggressor::kBuy;
      trade.price_scale = 2;
      trade.size_scale = 8;
      std::vector<std::byte> bytes(msg::kEncodedSize<msg::Trade>);
      if (!msg::encode(trade, bytes).ok()) throw std::logic_error("encode");
      out.push_back(std::move(bytes));
    }
    return out;
  }();
  return encoded;
}

kafka::MockCluster& cluster() {
  static kafka::MockCluster mock(1);
  static const bool created = (mock.create_topic(kTopic, 6, 1), true);
  (void)created;
  return mock;
}

kafka::KafkaOptions options() {
  kafka::KafkaOptions o;
  o.brokers = cluster().bootstrap();
  return o;
}

void rtm_publisher(benchmark::State& state) {
  const auto& batch = records();
  kafka::KafkaTransport transport(options());
  auto publisher = transport.make_kafka_publisher(kTopic);
  for (auto _ : state) {
    for (const auto& record : batch) {
      while (publisher->offer(record) == msg::PublishStatus::kBackPressured) std::this_thread::yield();
    }
    if (publisher->flush(std::chrono::seconds(60)) != 0) state.SkipWithError("records left unacknowledged");
  }
  if (transport.counters().delivery_failed > 0) state.SkipWithError("deliveries failed");
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch.size()));
}

void set(rd_kafka_conf_t* conf, const char* name, const std::string& value) {
  char error[256];
  if (rd_kafka_conf_set(conf, name, value.c_str(), error, sizeof(error)) != RD_KAFKA_CONF_OK) {
    throw std::runtime_error(error);
  }
}

// What an application writes with librdkafka alone: the same settings as
// KafkaPublisher, a produce loop that serves delivery reports when the
// queue is full, and a flush.
void bare_librdkafka(benchmark::State& state) {
  const auto& batch = records();
  const kafka::KafkaOptions o = options();
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", o.brokers);
  set(conf, "enable.idempotence", "true");
  set(conf, "acks", "all");
  set(conf, "compression.type", o.compression);
  set(conf, "linger.ms", std::to_string(o.linger_ms));
  set(conf, "batch.size", std::to_string(o.batch_bytes));
  set(conf, "queue.buffering.max.messages", std::to_string(o.queue_max_messages));
  set(conf, "queue.buffering.max.kbytes", std::to_string(o.queue_max_kbytes));
  set(conf, "partitioner", "murmur2_random");
  static std::atomic<std::uint64_t> failed{0};
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* message, void*) {
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) ++failed;
  });
  char error[256];
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
  if (producer == nullptr) throw std::runtime_error(error);
  rd_kafka_topic_t* topic = rd_kafka_topic_new(producer, kTopic, nullptr);
  for (auto _ : state) {
    for (const auto& record : batch) {
      msg::RecordHeader header;
      (void)msg::decode_header(record, header);
      char key[24];
      const auto key_size = static_cast<std::size_t>(std::to_chars(key, key + sizeof(key), header.instrument_id).ptr - key);
      while (rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                              const_cast<std::byte*>(record.data()), record.size(),  // NOLINT: C API
                              key, key_size, nullptr) != 0) {
        rd_kafka_poll(producer, 1);  // queue full: serve delivery reports
      }
      rd_kafka_poll(producer, 0);
    }
    rd_kafka_flush(producer, 60'000);
    if (rd_kafka_outq_len(producer) != 0) state.SkipWithError("records left unacknowledged");
  }
  if (failed > 0) state.SkipWithError("deliveries failed");
  rd_kafka_topic_destroy(topic);
  rd_kafka_destroy(producer);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch.size()));
}

BENCHMARK(rtm_publisher)->Name("kafka_produce/rtm")->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(bare_librdkafka)->Name("kafka_produce/bare_librdkafka")->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rtm::bench

BENCHMARK_MAIN();
