#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "rtm/msg/codec.hpp"
#include "rtm/msg/idle_strategy.hpp"
#include "rtm/msg/transport.hpp"
#include "rtm/stream/derived_sink.hpp"

namespace rtm::streamsvc {

// Puts what the stream operators derive on the bus's derived channel
// (rtm.derived.v1), encoded, for the API and anyone else to read.
// In one process it never waits (max_wait 0): the stream side must not be
// held up by a reader of its output, so a record the channel refuses is
// counted and dropped (the hot store and the journal's replay still have
// it). On Kafka a full local queue means the cluster is slow or away: the
// stream side waits up to max_wait for it, which holds its consumer back
// too, so that nothing is dropped while the topic keeps its input.
class DerivedPublisher final : public stream::DerivedSink {
 public:
  explicit DerivedPublisher(msg::Publisher& publisher, std::chrono::milliseconds max_wait = {}) noexcept
      : publisher_(publisher), max_wait_(max_wait) {}

  void on_bar(const msg::Bar& r) override { publish(r); }
  void on_nbbo(const msg::Nbbo& r) override { publish(r); }
  void on_stats(const msg::Stats& r) override { publish(r); }
  void on_alert(const msg::Alert& r) override { publish(r); }
  void on_definition(const msg::InstrumentDef& r) override { publish(r); }

  [[nodiscard]] std::uint64_t published() const noexcept { return published_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

 private:
  template <msg::Record R>
  void publish(const R& record) {
    const msg::EncodeResult encoded = msg::encode(record, buffer_);
    if (!encoded.ok()) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    const std::span<const std::byte> bytes{buffer_.data(), encoded.size};
    msg::PublishStatus status = publisher_.offer(bytes);
    if (status == msg::PublishStatus::kBackPressured && max_wait_.count() > 0) {
      const auto deadline = std::chrono::steady_clock::now() + max_wait_;
      msg::BackoffIdle idle;
      while (status == msg::PublishStatus::kBackPressured && std::chrono::steady_clock::now() < deadline) {
        idle.idle(0);
        status = publisher_.offer(bytes);
      }
    }
    (status == msg::PublishStatus::kOk ? published_ : dropped_).fetch_add(1, std::memory_order_relaxed);
  }

  msg::Publisher& publisher_;
  std::chrono::milliseconds max_wait_;
  std::array<std::byte, msg::kMaxRecordSize> buffer_{};
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace rtm::streamsvc
