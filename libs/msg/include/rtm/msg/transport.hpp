#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "rtm/msg/broadcast_ring.hpp"
#include "rtm/msg/publish_status.hpp"

// How services exchange encoded records without knowing what carries them:
// the in-process bus in `rtm run`, Kafka when the services run apart.
// Channels are named like Kafka topics ("rtm.md.v1"); each has one writer.
namespace rtm::msg {

// Receives what a Subscriber delivers. Called on the polling thread; the span
// is valid only for the duration of the call.
class RecordHandler {
 public:
  virtual ~RecordHandler() = default;
  virtual void on_record(std::span<const std::byte> record) = 0;
  // `lost` records were published but will never reach this subscriber.
  virtual void on_gap(std::uint64_t lost) = 0;

  // For transports that split a channel into partitions shared among the
  // members of a group (Kafka); the others never call these, and a handler
  // that keeps no state per partition can ignore them.
  //
  // Partitions this member owns from now on, or has just given up (what it
  // processed of those was committed first).
  virtual void on_partitions_assigned(std::span<const int> /*partitions*/) {}
  virtual void on_partitions_revoked(std::span<const int> /*partitions*/) {}
  // The records that follow come from this partition (said when it changes).
  virtual void on_partition(int /*partition*/) {}
  // A record of a partition this member has just taken over, which another
  // member processed before, publishing what it derived, and committed:
  // delivered so that this handler's state for the partition is whole
  // before its live records follow.
  virtual void on_handed_over(std::span<const std::byte> record) { on_record(record); }
};

class Publisher {
 public:
  virtual ~Publisher() = default;
  // Never blocks; see PublishStatus for what can come back.
  virtual PublishStatus offer(std::span<const std::byte> record) = 0;
  [[nodiscard]] virtual std::string_view channel() const = 0;
};

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // Delivers up to `limit` records (and any gap before them) to the handler;
  // returns the number of records delivered, 0 when none was waiting.
  virtual std::size_t poll(RecordHandler& handler, std::size_t limit) = 0;
  [[nodiscard]] virtual std::string_view channel() const = 0;
  // Records this subscriber has been told it lost.
  [[nodiscard]] virtual std::uint64_t lost() const = 0;
};

struct SubscribeOptions {
  StartFrom start = StartFrom::kLatest;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Throws std::logic_error if the channel already has a live publisher:
  // one writer per channel is what keeps each channel totally ordered.
  virtual std::unique_ptr<Publisher> make_publisher(std::string_view channel) = 0;
  virtual std::unique_ptr<Subscriber> make_subscriber(std::string_view channel, SubscribeOptions options) = 0;
};

}  // namespace rtm::msg
