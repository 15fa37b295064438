#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtm/feeds/frame.hpp"
#include "rtm/feeds/venue_adapter.hpp"
#include "rtm/net/backoff.hpp"
#include "rtm/net/event_loop.hpp"
#include "rtm/net/http_client.hpp"
#include "rtm/net/websocket_client.hpp"
#include "venue_endpoints.hpp"

namespace rtm::ingest {

struct LiveFeedOptions {
  msg::Venue venue = msg::Venue::kUnknown;
  std::vector<std::string> symbols;  // the venue's own: BTCUSDT, BTC-USD, BTC/USD
  VenueEndpoints endpoints;          // default_endpoints(venue) when empty
  net::WebSocketOptions websocket;   // its url is made from endpoints and symbols
  net::HttpClientOptions http;
  std::size_t kraken_depth = 10;
  // A symbol's book is resubscribed at most this often (Coinbase, Kraken).
  std::chrono::milliseconds min_resubscribe_interval{1000};
  net::BackoffOptions snapshot_retry{std::chrono::milliseconds(500), std::chrono::milliseconds(30'000), 2.0, 0.2};
};

// Sees every frame as it arrives, before the adapter does: what rtm record
// writes. rest: a REST response (Binance's depth snapshot) rather than a
// WebSocket message.
using FrameTap = std::function<void(msg::Venue venue, bool rest, std::string_view url, std::string_view frame,
                                    std::int64_t ts_recv)>;

struct LiveFeedCounters {
  std::atomic<std::uint64_t> snapshots_requested{0};
  std::atomic<std::uint64_t> snapshots_failed{0};  // each failure is retried with backoff
  std::atomic<std::uint64_t> resubscriptions{0};
};

// One venue's live connection feeding its adapter: subscribes on every
// (re)connection, hands each message to the adapter, tells it when the
// connection drops (every book is then stale until its next snapshot), and
// answers the adapter's resync requests as the venue wants: Binance with a
// REST depth snapshot (one fetch per symbol at a time, retried with backoff),
// Coinbase and Kraken by resubscribing the symbol's book.
//
// Installs the adapter's resync handler. Everything runs on the loop's thread;
// destroy it after the loop has stopped.
class LiveFeed {
 public:
  LiveFeed(net::EventLoop& loop, feeds::VenueAdapter& adapter, LiveFeedOptions options, FrameTap tap = {});
  ~LiveFeed();
  LiveFeed(const LiveFeed&) = delete;
  LiveFeed& operator=(const LiveFeed&) = delete;

  void start();
  void stop();

  [[nodiscard]] const net::WebSocketCounters& connection() const noexcept { return websocket_.counters(); }
  [[nodiscard]] const LiveFeedCounters& counters() const noexcept { return counters_; }
  [[nodiscard]] const std::string& url() const noexcept { return url_; }
  // Why the last connection ended or failed ("Connection refused", ...);
  // empty before the first. Read it on the loop's thread.
  [[nodiscard]] const std::string& last_error() const noexcept { return last_error_; }

 private:
  void on_message(std::string_view text, std::int64_t ts_recv);
  void resync(std::string_view symbol);
  void fetch_snapshot(const std::string& symbol);

  net::EventLoop& loop_;
  feeds::VenueAdapter& adapter_;
  LiveFeedOptions options_;
  FrameTap tap_;
  std::string url_;
  std::string last_error_;
  net::WebSocketClient websocket_;
  net::HttpClient http_;
  feeds::FrameBuffer rest_buffer_;
  std::map<std::string, net::Backoff, std::less<>> fetching_;  // Binance symbols with a snapshot on its way
  std::map<std::string, std::chrono::steady_clock::time_point, std::less<>> last_resubscribe_;
  LiveFeedCounters counters_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for delayed retries
};

}  // namespace rtm::ingest
