#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "rtm/feeds/record_sink.hpp"
#include "rtm/msg/codec.hpp"
#include "rtm/msg/transport.hpp"

namespace rtm::feeds {

struct PublishingCounters {
  std::uint64_t published = 0;
  std::uint64_t waits = 0;          // publishes that met back-pressure and waited
  std::uint64_t dropped = 0;        // back-pressure outlasted max_wait, or the bus closed
  std::uint64_t encode_errors = 0;  // a record the codec refused (a bug, never venue input)
};

// Encodes each normalized record and offers it to a bus publisher: the sink
// ingest writes through. Back-pressure (a reader a ring behind) is waited
// out for up to max_wait, since readers normally catch up within
// microseconds; past that the record is dropped and counted, so a stuck
// consumer cannot freeze ingest and the loss is visible in the counters.
class PublishingSink final : public RecordSink {
 public:
  explicit PublishingSink(msg::Publisher& publisher,
                          std::chrono::milliseconds max_wait = std::chrono::milliseconds(100)) noexcept
      : publisher_(publisher), max_wait_(max_wait) {}

  void on_trade(const msg::Trade& record) override { publish(record); }
  void on_bbo(const msg::Bbo& record) override { publish(record); }
  void on_book_delta(const msg::BookDelta& record) override { publish(record); }
  void on_status(const msg::Status& record) override { publish(record); }
  void on_instrument(const msg::InstrumentDef& record) override { publish(record); }

  [[nodiscard]] const PublishingCounters& counters() const noexcept { return counters_; }

 private:
  template <msg::Record R>
  void publish(const R& record) {
    const msg::EncodeResult encoded = msg::encode(record, buffer_);
    if (!encoded.ok()) {
      ++counters_.encode_errors;
      return;
    }
    offer({buffer_.data(), encoded.size});
  }
  void offer(std::span<const std::byte> bytes);

  msg::Publisher& publisher_;
  std::chrono::milliseconds max_wait_;
  PublishingCounters counters_;
  std::array<std::byte, msg::kMaxRecordSize> buffer_{};
};

}  // namespace rtm::feeds
