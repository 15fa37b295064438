#include "rtm/kafka/kafka_subscriber.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "client_handles.hpp"
#include "partition_marks.hpp"

namespace rtm::kafka {

struct KafkaSubscriber::Impl {
  KafkaCounters& counters;
  std::string topic;
  bool in_group = false;
  RebalanceListener listener;
  detail::Client client;
  // Without a group: the partitions assigned, and which of them have been
  // read to their end since their last record.
  int partitions = 0;
  std::vector<bool> at_end;
  std::chrono::steady_clock::time_point next_lag_update{};
  std::function<void()> before_commit;
  // The last record handled per partition in the current poll: its offset
  // is stored once the poll's records are durable.
  std::vector<std::pair<std::int32_t, std::int64_t>> handled;
  bool handed_over_any = false;  // in the current poll
  // Group members: how far this member's state goes in each partition, and
  // for the partitions it is being handed, the committed offset up to which
  // it reads what another member processed before.
  detail::PartitionMarks marks;
  struct HandOver {
    std::int64_t until = 0;  // the committed offset
    // Where it starts when after this member's mark: a first record beyond
    // it means the topic no longer holds what lies between.
    std::optional<std::int64_t> from;
  };
  std::map<int, HandOver> hand_overs;
  msg::RecordHandler* handler = nullptr;  // during poll(): rebalances happen there
  int last_partition = -1;

  Impl(const KafkaOptions& options, std::string topic_name, msg::SubscribeOptions start, KafkaCounters& counters_in,
       RebalanceListener listener_in)
      : counters(counters_in),
        topic(std::move(topic_name)),
        in_group(!options.group_id.empty()),
        listener(std::move(listener_in)) {
    detail::Conf conf = detail::make_conf(options);
    const char* reset = start.start == msg::StartFrom::kEarliest ? "earliest" : "latest";
    detail::set(conf.get(), "auto.offset.reset", reset);
    detail::set(conf.get(), "enable.partition.eof", in_group ? "false" : "true");
    detail::set(conf.get(), "fetch.wait.max.ms", std::to_string(options.fetch_wait_ms));
    if (in_group) {
      detail::set(conf.get(), "group.id", options.group_id);
      // Offsets are stored by poll() after the handler has returned, and
      // only stored offsets are committed.
      detail::set(conf.get(), "enable.auto.offset.store", "false");
      detail::set(conf.get(), "enable.auto.commit", "true");
      detail::set(conf.get(), "auto.commit.interval.ms", "1000");
      rd_kafka_conf_set_rebalance_cb(conf.get(), &Impl::on_rebalance);
    } else {
      // librdkafka wants a group id even for a consumer that only assigns;
      // nothing is ever committed under it.
      detail::set(conf.get(), "group.id", "rtm-reader");
      detail::set(conf.get(), "enable.auto.commit", "false");
    }
    detail::apply_overrides(conf.get(), options);
    rd_kafka_conf_set_opaque(conf.get(), this);
    client = detail::make_client(RD_KAFKA_CONSUMER, std::move(conf));
    rd_kafka_poll_set_consumer(client.get());
    if (in_group) {
      detail::PartitionList list(rd_kafka_topic_partition_list_new(1));
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
      if (const rd_kafka_resp_err_t error = rd_kafka_subscribe(client.get(), list.get())) {
        throw std::runtime_error("kafka: cannot subscribe to " + topic + ": " + rd_kafka_err2str(error));
      }
    } else {
      assign_every_partition(start);
    }
  }

  ~Impl() {
    if (client) rd_kafka_consumer_close(client.get());
  }

  // Waits for the topic's metadata (it may be created a moment later by the
  // process that publishes to it), then reads every partition.
  void assign_every_partition(msg::SubscribeOptions start) {
    detail::Topic handle(rd_kafka_topic_new(client.get(), topic.c_str(), nullptr));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (partitions == 0) {
      const rd_kafka_metadata_t* metadata = nullptr;
      const rd_kafka_resp_err_t error = rd_kafka_metadata(client.get(), 0, handle.get(), &metadata, 5000);
      if (error == RD_KAFKA_RESP_ERR_NO_ERROR && metadata->topic_cnt == 1 && metadata->topics[0].err == 0) {
        partitions = metadata->topics[0].partition_cnt;
      }
      if (metadata != nullptr) rd_kafka_metadata_destroy(metadata);
      if (partitions > 0) break;
      if (std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error("kafka: topic " + topic + " has no partitions (does it exist?)");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    at_end.assign(static_cast<std::size_t>(partitions), false);
    detail::PartitionList list(rd_kafka_topic_partition_list_new(partitions));
    const std::int64_t offset =
        start.start == msg::StartFrom::kEarliest ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
    for (int partition = 0; partition < partitions; ++partition) {
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = offset;
    }
    if (const rd_kafka_resp_err_t error = rd_kafka_assign(client.get(), list.get())) {
      throw std::runtime_error("kafka: cannot read " + topic + ": " + rd_kafka_err2str(error));
    }
  }

  static void on_rebalance(rd_kafka_t* client, rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* list,
                           void* opaque) {
    auto& self = *static_cast<Impl*>(opaque);
    self.counters.rebalances.fetch_add(1, std::memory_order_relaxed);
    RebalanceEvent event;
    event.assigned = error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
    for (int i = 0; i < list->cnt; ++i) event.partitions.push_back(list->elems[i].partition);
    if (event.assigned) {
      self.plan_hand_over(list);
      rd_kafka_assign(client, list);
      if (self.handler != nullptr) self.handler->on_partitions_assigned(event.partitions);
    } else {
      // What this member processed is committed before another takes over.
      rd_kafka_commit(client, nullptr, 0);
      rd_kafka_assign(client, nullptr);
      for (const int partition : event.partitions) self.hand_overs.erase(partition);
      if (self.handler != nullptr) self.handler->on_partitions_revoked(event.partitions);
    }
    self.last_partition = -1;
    if (self.listener) self.listener(event);
  }

  // For each partition assigned whose committed offset is beyond this
  // member's mark, reading starts after the mark (at the beginning without
  // one) and what comes before the committed offset is handed over.
  void plan_hand_over(rd_kafka_topic_partition_list_t* list) {
    detail::PartitionList committed(rd_kafka_topic_partition_list_copy(list));
    if (const rd_kafka_resp_err_t error = rd_kafka_committed(client.get(), committed.get(), 10'000)) {
      // Reading resumes at the committed offsets all the same; this
      // member's state for the partitions it had not seen lacks their past.
      counters.consume_errors.fetch_add(1, std::memory_order_relaxed);
      std::fprintf(stderr, "kafka: the committed offsets of %s are unknown (%s): no hand-over\n", topic.c_str(),
                   rd_kafka_err2str(error));
      return;
    }
    for (int i = 0; i < committed->cnt; ++i) {
      const rd_kafka_topic_partition_t& partition = committed->elems[i];
      if (partition.err != RD_KAFKA_RESP_ERR_NO_ERROR || partition.offset < 0) continue;  // nothing committed
      const std::optional<std::int64_t> next = marks.next(partition.partition);
      if (next && *next >= partition.offset) {
        // This member's state is whole, and may go beyond what was committed
        // (a commit refused during the rebalance): it reads on after it.
        list->elems[i].offset = *next;
        continue;
      }
      list->elems[i].offset = next ? *next : RD_KAFKA_OFFSET_BEGINNING;
      hand_overs[partition.partition] = {partition.offset, next};
    }
  }

  // Whether a record is one handed over; a partition whose hand-over has
  // reached the committed offset is live from then on.
  bool handed_over(int partition, std::int64_t offset) {
    const auto found = hand_overs.find(partition);
    if (found == hand_overs.end()) return false;
    HandOver& hand_over = found->second;
    if (hand_over.from && offset > *hand_over.from) {
      // Retention deleted them before this member took the partition back:
      // its state misses them. Said, and counted.
      const std::int64_t missing = std::min(offset, hand_over.until) - *hand_over.from;
      counters.handed_over_missing.fetch_add(static_cast<std::uint64_t>(missing), std::memory_order_relaxed);
      std::fprintf(
          stderr, "kafka: %s [%d]: offsets %lld to %lld are gone from the topic; the state taken over lacks them\n",
          topic.c_str(), partition, static_cast<long long>(*hand_over.from), static_cast<long long>(offset - 1));
    }
    hand_over.from.reset();  // only the first record can tell
    const bool before = offset < hand_over.until;
    if (offset + 1 >= hand_over.until) hand_overs.erase(found);
    return before;
  }

  void note_handled(std::int32_t partition, std::int64_t offset) {
    for (auto& [known, last] : handled) {
      if (known == partition) {
        last = offset;
        return;
      }
    }
    handled.emplace_back(partition, offset);
  }

  // Only now may the records' offsets be committed: next is the one after.
  // The marks follow what is durable too.
  void store_handled() {
    if (before_commit) before_commit();
    for (const auto& [partition, offset] : handled) marks.note(partition, offset);
    if (!marks.save()) counters.consume_errors.fetch_add(1, std::memory_order_relaxed);
    handed_over_any = false;
    if (handled.empty()) return;
    detail::PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(handled.size())));
    for (const auto& [partition, offset] : handled) {
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = offset + 1;
    }
    handled.clear();
    if (const rd_kafka_resp_err_t error = rd_kafka_offsets_store(client.get(), list.get())) {
      // A partition revoked meanwhile: its next owner reads those records again.
      if (counters.consume_errors.fetch_add(1, std::memory_order_relaxed) < 10) {
        std::fprintf(stderr, "kafka: storing offsets of %s: %s\n", topic.c_str(), rd_kafka_err2str(error));
      }
    }
  }

  void mark_end(int partition, bool end) {
    if (partition >= 0 && partition < partitions) at_end[static_cast<std::size_t>(partition)] = end;
  }

  // Lag from the watermarks librdkafka caches with each fetch: no request.
  void update_lag() {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_lag_update) return;
    next_lag_update = now + std::chrono::seconds(1);
    rd_kafka_topic_partition_list_t* raw = nullptr;
    if (rd_kafka_assignment(client.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
    detail::PartitionList assigned(raw);
    rd_kafka_position(client.get(), assigned.get());
    std::int64_t lag = 0;
    for (int i = 0; i < assigned->cnt; ++i) {
      const rd_kafka_topic_partition_t& p = assigned->elems[i];
      std::int64_t low = 0;
      std::int64_t high = 0;
      if (rd_kafka_get_watermark_offsets(client.get(), p.topic, p.partition, &low, &high) != 0 || high < 0) continue;
      const std::int64_t position = p.offset >= 0 ? p.offset : low;
      if (high > position) lag += high - position;
    }
    counters.lag.store(lag, std::memory_order_relaxed);
  }
};

KafkaSubscriber::KafkaSubscriber(const KafkaOptions& options, std::string channel, std::string topic,
                                 msg::SubscribeOptions start, KafkaCounters& counters, RebalanceListener listener)
    : channel_(std::move(channel)),
      impl_(std::make_unique<Impl>(options, std::move(topic), start, counters, std::move(listener))) {}

KafkaSubscriber::~KafkaSubscriber() = default;

std::size_t KafkaSubscriber::poll(msg::RecordHandler& handler, std::size_t limit) {
  Impl& impl = *impl_;
  impl.handler = &handler;
  std::size_t delivered = 0;
  while (delivered < limit) {
    detail::Message message(rd_kafka_consumer_poll(impl.client.get(), 0));
    if (!message) break;
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      impl.mark_end(message->partition, true);
      continue;
    }
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // Connection trouble and the like: librdkafka retries on its own.
      if (impl.counters.consume_errors.fetch_add(1, std::memory_order_relaxed) < 10) {
        std::fprintf(stderr, "kafka: reading %s: %s\n", impl.topic.c_str(), rd_kafka_message_errstr(message.get()));
      }
      continue;
    }
    impl.mark_end(message->partition, false);
    if (message->partition != impl.last_partition) {
      impl.last_partition = message->partition;
      handler.on_partition(message->partition);
    }
    const std::span<const std::byte> record{static_cast<const std::byte*>(message->payload), message->len};
    ++delivered;
    impl.counters.consumed.fetch_add(1, std::memory_order_relaxed);
    if (!impl.in_group) {
      handler.on_record(record);
    } else if (impl.handed_over(message->partition, message->offset)) {
      // Its offset is committed already: only the mark moves.
      handler.on_handed_over(record);
      impl.counters.handed_over.fetch_add(1, std::memory_order_relaxed);
      impl.marks.note(message->partition, message->offset);
      impl.handed_over_any = true;
    } else {
      handler.on_record(record);
      impl.note_handled(message->partition, message->offset);
    }
  }
  if (!impl.handled.empty() || impl.handed_over_any) impl.store_handled();
  impl.handler = nullptr;
  impl.update_lag();
  return delivered;
}

bool KafkaSubscriber::caught_up() const noexcept {
  const auto& at_end = impl_->at_end;
  return !at_end.empty() && std::find(at_end.begin(), at_end.end(), false) == at_end.end();
}

void KafkaSubscriber::set_before_commit(std::function<void()> hook) {
  impl_->before_commit = std::move(hook);
}

void KafkaSubscriber::set_partition_marks_file(const std::filesystem::path& file) {
  impl_->marks = detail::PartitionMarks(file);
}

bool KafkaSubscriber::commit() {
  // A final save, whatever its age: the state it describes is durable.
  if (impl_->before_commit) impl_->before_commit();
  impl_->marks.save(std::chrono::milliseconds(0));
  const rd_kafka_resp_err_t error = rd_kafka_commit(impl_->client.get(), nullptr, 0);
  return error == RD_KAFKA_RESP_ERR_NO_ERROR || error == RD_KAFKA_RESP_ERR__NO_OFFSET;
}

}  // namespace rtm::kafka
