#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "rtm/net/websocket_server.hpp"

namespace rtm::api {

// One WebSocket client's queue of messages waiting to be written, bounded,
// with the policies a slow client needs so that it never holds up the
// others: a state message (a book, a best bid/offer, a bar, statistics)
// replaces the one of the same key still waiting (latest wins, its place in
// the queue kept); a trade over the limit pushes out the oldest waiting
// trade, and the client is told how many it missed before its next trade;
// a control message (subscribed, error, pong) always goes in. Not
// thread-safe: its owner locks.
class ClientOutbox {
 public:
  explicit ClientOutbox(std::size_t limit) : limit_(limit) {}

  // `key`: what a state message conflates on (channel and instrument, or
  // series and start for bars).
  void push_state(const std::string& key, net::SharedText text);
  // `stream`: the trade stream it belongs to, named in the notice of what was lost.
  void push_trade(const std::string& stream, net::SharedText text);
  void push_control(net::SharedText text);
  // The next message to write, nullptr when none.
  net::SharedText pop();
  // Forgets everything waiting.
  void clear() noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return slots_.size(); }
  // Trades pushed out since the queue was last below its limit.
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_total_; }
  // Whether the queue has been full, losing trades, since `since`.
  [[nodiscard]] std::optional<std::chrono::steady_clock::time_point> over_limit_since() const noexcept {
    return over_since_;
  }

 private:
  enum class Kind : std::uint8_t { kState, kTrade, kControl };
  struct Slot {
    Kind kind;
    std::string key;  // state: its conflation key; trade: its stream
    net::SharedText text;
  };

  std::size_t limit_;
  std::deque<Slot> slots_;
  std::map<std::string, net::SharedText> latest_;  // state key -> newest text, for the slot waiting
  std::map<std::string, std::uint64_t> missed_;    // trade stream -> trades lost, not yet told
  std::uint64_t dropped_total_ = 0;
  std::optional<std::chrono::steady_clock::time_point> over_since_;
};

}  // namespace rtm::api
