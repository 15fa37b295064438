#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "rtm/msg/codec.hpp"
#include "rtm/msg/transport.hpp"
#include "rtm/stream/derived_sink.hpp"

namespace rtm::streamsvc {

// Puts what the stream operators derive on the bus's derived channel
// (rtm.derived.v1), encoded, for the API and anyone else to read. Never
// waits: the stream side must not be held up by a reader of its output, so
// a record the channel refuses is counted and dropped (the hot store and
// the journal's replay still have it).
class DerivedPublisher final : public stream::DerivedSink {
 public:
  explicit DerivedPublisher(msg::Publisher& publisher) noexcept : publisher_(publisher) {}

  void on_bar(const msg::Bar& r) override { publish(r); }
  void on_nbbo(const msg::Nbbo& r) override { publish(r); }
  void on_stats(const msg::Stats& r) override { publish(r); }
  void on_alert(const msg::Alert& r) override { publish(r); }

  [[nodiscard]] std::uint64_t published() const noexcept { return published_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

 private:
  template <msg::Record R>
  void publish(const R& record) {
    const msg::EncodeResult encoded = msg::encode(record, buffer_);
    const bool sent = encoded.ok() && publisher_.offer({buffer_.data(), encoded.size}) == msg::PublishStatus::kOk;
    (sent ? published_ : dropped_).fetch_add(1, std::memory_order_relaxed);
  }

  msg::Publisher& publisher_;
  std::array<std::byte, msg::kMaxRecordSize> buffer_{};
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace rtm::streamsvc
