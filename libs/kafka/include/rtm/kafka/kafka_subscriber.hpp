#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtm/kafka/kafka_counters.hpp"
#include "rtm/kafka/kafka_options.hpp"
#include "rtm/msg/transport.hpp"

namespace rtm::kafka {

// Told when a group member's partitions change, on the polling thread:
// revoked partitions' offsets have been committed by then, so whoever gets
// them next starts after what this member processed.
struct RebalanceEvent {
  bool assigned = false;        // false: revoked
  std::vector<int> partitions;  // of the subscriber's topic
};
using RebalanceListener = std::function<void(const RebalanceEvent&)>;

// A channel's reader on a Kafka topic.
//
// With options.group_id: a member of that consumer group. Offsets are stored
// for commit at the end of each poll, after the handler returned for the
// records and after the before-commit hook (set_before_commit) ran, so a
// restart or a rebalance redelivers what was not processed, never skips it
// (at least once; the stream service's deduplication by instrument and
// sequence makes it effectively once).
//
// A member's state is handed over with its partitions. The subscriber keeps
// a mark per partition: the last record this member processed, whoever owns
// the partition now. When it is assigned a partition whose committed offset
// lies beyond its mark (another member processed those records meanwhile),
// it reads from after the mark (from the beginning, without one) and
// delivers the records before the committed offset to on_handed_over, then
// the live ones to on_record. The handler is told its partitions as they
// change (on_partitions_assigned, on_partitions_revoked) and the partition
// of the records that follow (on_partition).
//
// Without: it reads every partition of the topic from the start or the end,
// commits nothing, and knows when it has caught up (an API replica, `rtm tail`).
class KafkaSubscriber final : public msg::Subscriber {
 public:
  KafkaSubscriber(const KafkaOptions& options, std::string channel, std::string topic, msg::SubscribeOptions start,
                  KafkaCounters& counters, RebalanceListener listener = {});
  // Leaves the group (committing stored offsets) and closes.
  ~KafkaSubscriber() override;
  KafkaSubscriber(const KafkaSubscriber&) = delete;
  KafkaSubscriber& operator=(const KafkaSubscriber&) = delete;

  std::size_t poll(msg::RecordHandler& handler, std::size_t limit) override;
  [[nodiscard]] std::string_view channel() const override { return channel_; }
  // Kafka keeps what it acknowledged: nothing is lost to a slow reader.
  [[nodiscard]] std::uint64_t lost() const override { return 0; }

  // Without a group: every partition has been read to its end at least once
  // since the last record (what `rtm tail --exit` waits for).
  [[nodiscard]] bool caught_up() const noexcept;
  // Runs the before-commit hook, saves the marks and commits stored offsets
  // now (group members); false when the commit failed.
  bool commit();
  // Called on the polling thread before the offsets of the records a poll
  // handled are stored for commit: what makes those records durable (the
  // stream service's journal write) goes here. Set before the first poll.
  void set_before_commit(std::function<void()> hook);
  // Keeps the marks in `file` (after the before-commit hook has made what
  // they describe durable), read now: a member that restarts on its
  // journal is handed over only what others processed since. Without it the
  // marks live in memory. Throws std::runtime_error for an unreadable file.
  void set_partition_marks_file(const std::filesystem::path& file);

 private:
  struct Impl;
  std::string channel_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtm::kafka
