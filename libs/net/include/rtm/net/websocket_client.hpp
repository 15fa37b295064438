#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "rtm/net/backoff.hpp"
#include "rtm/net/event_loop.hpp"
#include "rtm/net/tls_options.hpp"

namespace rtm::net {

struct WebSocketOptions {
  std::string url;  // ws:// or wss://
  TlsOptions tls;
  std::chrono::milliseconds connect_timeout{10'000};  // TCP, TLS and WebSocket handshakes
  // No message within this long means the feed is stale: the connection is
  // closed and made again. Venues send heartbeats well within it.
  std::chrono::milliseconds read_timeout{30'000};
  // Pings keep the connection alive through idle stretches; a peer that sends
  // nothing, not even a pong, for two intervals is taken for dead.
  std::chrono::milliseconds ping_interval{10'000};
  BackoffOptions backoff;
  std::size_t max_message_size = 4U << 20;
  // A connection up this long resets the backoff to its initial delay.
  std::chrono::milliseconds stable_after{30'000};
};

// Read from any thread; written on the loop's.
struct WebSocketCounters {
  std::atomic<std::uint64_t> connects{0};          // sessions opened (handshake done)
  std::atomic<std::uint64_t> disconnects{0};       // sessions that ended
  std::atomic<std::uint64_t> connect_failures{0};  // DNS, TCP, TLS or WebSocket handshake failed
  std::atomic<std::uint64_t> stale_timeouts{0};    // no message within read_timeout
  std::atomic<std::uint64_t> messages{0};
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<std::uint64_t> sends_dropped{0};  // send() while not connected
};

// A WebSocket client that stays connected: it connects (TLS with SNI and
// certificate verification for wss://), calls on_open so the user can
// subscribe, delivers every message, and when the connection fails, closes
// or goes stale, reports it through on_close and connects again after an
// exponential backoff with jitter, forever, until stop(). Subscriptions are
// re-sent by on_open on every connection: that is how resubscribing after a
// reconnect works.
//
// Every handler runs on the EventLoop's thread. Set them before start().
// Destroy the client after its loop has stopped, or on the loop's thread.
class WebSocketClient {
 public:
  // Bytes after a message's end that are readable (and zero): what simdjson
  // needs to parse the message in place.
  static constexpr std::size_t kMessagePadding = 64;

  using OpenHandler = std::function<void()>;
  // text stays valid until the handler returns; ts_recv: ns since the epoch.
  using MessageHandler = std::function<void(std::string_view text, std::int64_t ts_recv)>;
  using CloseHandler = std::function<void(std::error_code reason)>;

  // Throws std::invalid_argument for a bad URL and boost::system::system_error
  // for an unreadable CA file.
  WebSocketClient(EventLoop& loop, WebSocketOptions options);
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  void on_open(OpenHandler handler);
  void on_message(MessageHandler handler);
  void on_close(CloseHandler handler);

  void start();
  // Closes the connection and stops reconnecting; safe from any thread.
  void stop();
  // Queues a text message; safe from any thread. Dropped (and counted) when
  // no connection is open: subscriptions belong in on_open.
  void send(std::string text);

  [[nodiscard]] const WebSocketCounters& counters() const noexcept;
  [[nodiscard]] const WebSocketOptions& options() const noexcept;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace rtm::net
