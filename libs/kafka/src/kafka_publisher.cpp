#include "rtm/kafka/kafka_publisher.hpp"

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "client_handles.hpp"
#include "rtm/msg/codec.hpp"
#include "symbol_keys.hpp"

namespace rtm::kafka {
namespace {

// Delivery reports arrive on the publisher's poll thread, one per record.
void on_delivery(rd_kafka_t* /*client*/, const rd_kafka_message_t* message, void* opaque) {
  auto& counters = *static_cast<KafkaCounters*>(opaque);
  counters.queued.fetch_sub(1, std::memory_order_relaxed);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    counters.delivered.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // Only after message.timeout.ms of retries, or a fatal error: worth a line each.
  if (counters.delivery_failed.fetch_add(1, std::memory_order_relaxed) < 10) {
    std::fprintf(stderr, "kafka: a record to %s was not delivered: %s\n", rd_kafka_topic_name(message->rkt),
                 rd_kafka_err2str(message->err));
  }
}

}  // namespace

struct KafkaPublisher::Impl {
  KafkaCounters& counters;
  detail::Client client;
  detail::Topic topic;
  std::atomic<bool> fatal{false};
  detail::SymbolKeys keys;  // on the publishing thread
  std::jthread poller;      // last: serves delivery reports until destroyed

  Impl(const KafkaOptions& options, const std::string& topic_name, KafkaCounters& counters_in) : counters(counters_in) {
    detail::Conf conf = detail::make_conf(options);
    // What keeps a retried batch from being written twice, and every
    // in-sync replica holding a record before it counts as delivered.
    detail::set(conf.get(), "enable.idempotence", "true");
    detail::set(conf.get(), "acks", "all");
    detail::set(conf.get(), "compression.type", options.compression);
    detail::set(conf.get(), "linger.ms", std::to_string(options.linger_ms));
    detail::set(conf.get(), "batch.size", std::to_string(options.batch_bytes));
    detail::set(conf.get(), "queue.buffering.max.messages", std::to_string(options.queue_max_messages));
    detail::set(conf.get(), "queue.buffering.max.kbytes", std::to_string(options.queue_max_kbytes));
    detail::set(conf.get(), "message.timeout.ms", std::to_string(options.delivery_timeout_ms));
    // The Java client's partitioner: a key lands on the same partition
    // whichever client produced it.
    detail::set(conf.get(), "partitioner", "murmur2_random");
    detail::apply_overrides(conf.get(), options);
    rd_kafka_conf_set_dr_msg_cb(conf.get(), on_delivery);
    rd_kafka_conf_set_opaque(conf.get(), &counters);
    client = detail::make_client(RD_KAFKA_PRODUCER, std::move(conf));
    topic.reset(rd_kafka_topic_new(client.get(), topic_name.c_str(), nullptr));
    if (!topic) throw std::runtime_error("kafka: cannot open topic " + topic_name);
    // offer() serves delivery reports as it goes; this thread serves those
    // that arrive while nothing is offered, a few times a second. It does
    // not block in rd_kafka_poll, which would wake it for every report and
    // have it compete with the publishing thread for a core.
    poller = std::jthread([this](const std::stop_token& stop) {
      while (!stop.stop_requested()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        rd_kafka_poll(client.get(), 0);
      }
    });
  }

  ~Impl() {
    poller.request_stop();
    poller.join();
  }
};

KafkaPublisher::KafkaPublisher(const KafkaOptions& options, std::string channel, std::string topic,
                               KafkaCounters& counters)
    : channel_(std::move(channel)), impl_(std::make_unique<Impl>(options, topic, counters)) {
  flush_timeout_ = options.flush_timeout;
}

KafkaPublisher::~KafkaPublisher() {
  const std::size_t left = flush(flush_timeout_);
  if (left > 0) {
    impl_->counters.unflushed.fetch_add(left, std::memory_order_relaxed);
    std::fprintf(stderr, "kafka: %zu records to %s were still unacknowledged at shutdown\n", left,
                 rd_kafka_topic_name(impl_->topic.get()));
  }
}

msg::PublishStatus KafkaPublisher::offer(std::span<const std::byte> record) {
  if (impl_->fatal.load(std::memory_order_relaxed)) return msg::PublishStatus::kClosed;
  msg::RecordHeader header;
  char key[24];
  std::size_t key_size = 0;
  // The key is the id of the record's canonical symbol in decimal: readable
  // in kcat -K, and what keeps a symbol's instruments, in order, in one
  // partition. A record without a readable header still goes out, unkeyed,
  // for the reader to count.
  if (msg::decode_header(record, header).ok()) {
    const msg::InstrumentId id = impl_->keys.key_of(header, record);
    key_size = static_cast<std::size_t>(std::to_chars(key, key + sizeof(key), id).ptr - key);
  }
  // RD_KAFKA_MSG_F_COPY: the caller's buffer is reused as soon as we return.
  const int result = rd_kafka_produce(impl_->topic.get(), RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                                      const_cast<std::byte*>(record.data()), record.size(),  // NOLINT: C API
                                      key_size > 0 ? key : nullptr, key_size, nullptr);
  if (result == 0) {
    impl_->counters.produced.fetch_add(1, std::memory_order_relaxed);
    impl_->counters.queued.fetch_add(1, std::memory_order_relaxed);
    rd_kafka_poll(impl_->client.get(), 0);  // delivery reports, without waiting
    return msg::PublishStatus::kOk;
  }
  switch (rd_kafka_last_error()) {
    case RD_KAFKA_RESP_ERR__QUEUE_FULL:
      impl_->counters.back_pressured.fetch_add(1, std::memory_order_relaxed);
      rd_kafka_poll(impl_->client.get(), 0);  // what frees the queue
      return msg::PublishStatus::kBackPressured;
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
      return msg::PublishStatus::kTooLarge;
    default:
      if (rd_kafka_fatal_error(impl_->client.get(), nullptr, 0) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        impl_->fatal.store(true, std::memory_order_relaxed);
      }
      return msg::PublishStatus::kClosed;
  }
}

std::size_t KafkaPublisher::flush(std::chrono::milliseconds timeout) {
  rd_kafka_flush(impl_->client.get(), static_cast<int>(timeout.count()));
  return static_cast<std::size_t>(rd_kafka_outq_len(impl_->client.get()));
}

}  // namespace rtm::kafka
