#include "live_feed.hpp"

#include "rtm/feeds/binance_adapter.hpp"

namespace rtm::ingest {
namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

LiveFeedOptions with_defaults(LiveFeedOptions options) {
  const VenueEndpoints defaults = default_endpoints(options.venue);
  if (options.endpoints.websocket.empty()) options.endpoints.websocket = defaults.websocket;
  if (options.endpoints.rest.empty()) options.endpoints.rest = defaults.rest;
  return options;
}

std::string stream_url(const LiveFeedOptions& options) {
  return options.venue == msg::Venue::kBinance ? binance_stream_url(options.endpoints.websocket, options.symbols)
                                               : options.endpoints.websocket;
}

net::WebSocketOptions websocket_options(const LiveFeedOptions& options) {
  net::WebSocketOptions websocket = options.websocket;
  websocket.url = stream_url(options);
  return websocket;
}

}  // namespace

LiveFeed::LiveFeed(net::EventLoop& loop, feeds::VenueAdapter& adapter, LiveFeedOptions options, FrameTap tap)
    : loop_(loop),
      adapter_(adapter),
      options_(with_defaults(std::move(options))),
      tap_(std::move(tap)),
      url_(stream_url(options_)),
      websocket_(loop, websocket_options(options_)),
      http_(loop, options_.http) {
  websocket_.on_open([this] {
    for (std::string& message : subscribe_messages(options_.venue, options_.symbols, options_.kraken_depth)) {
      websocket_.send(std::move(message));
    }
  });
  websocket_.on_message([this](std::string_view text, std::int64_t ts_recv) { on_message(text, ts_recv); });
  websocket_.on_close([this](std::error_code reason) {
    last_error_ = reason.message();
    // Whatever was in flight is gone: every book waits for a fresh snapshot,
    // and the fetches of the old connection no longer count.
    adapter_.on_disconnect(now_ns());
    last_resubscribe_.clear();
  });
  adapter_.set_resync_handler([this](std::string_view symbol) { resync(symbol); });
}

LiveFeed::~LiveFeed() {
  *alive_ = false;
  adapter_.set_resync_handler({});
}

void LiveFeed::start() {
  websocket_.start();
}

void LiveFeed::stop() {
  websocket_.stop();
}

void LiveFeed::on_message(std::string_view text, std::int64_t ts_recv) {
  if (tap_) tap_(options_.venue, false, url_, text, ts_recv);
  // The client keeps WebSocketClient::kMessagePadding readable bytes after
  // the message, as much as the adapters' parser needs.
  static_assert(net::WebSocketClient::kMessagePadding >= feeds::kFramePadding);
  adapter_.on_frame(feeds::PaddedFrame{text}, ts_recv);
}

void LiveFeed::resync(std::string_view symbol) {
  if (options_.venue == msg::Venue::kBinance) {
    if (fetching_.contains(symbol)) return;  // its snapshot is on its way
    fetching_.emplace(std::string(symbol), net::Backoff(options_.snapshot_retry));
    fetch_snapshot(std::string(symbol));
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  const auto last = last_resubscribe_.find(symbol);
  if (last != last_resubscribe_.end() && now - last->second < options_.min_resubscribe_interval) return;
  last_resubscribe_.insert_or_assign(std::string(symbol), now);
  ++counters_.resubscriptions;
  for (std::string& message : resubscribe_book_messages(options_.venue, symbol, options_.kraken_depth)) {
    websocket_.send(std::move(message));
  }
}

void LiveFeed::fetch_snapshot(const std::string& symbol) {
  ++counters_.snapshots_requested;
  const std::string url = binance_depth_url(options_.endpoints.rest, symbol);
  http_.get(url, [this, alive = alive_, symbol, url](const net::HttpClientResponse& response) {
    if (!*alive) return;
    if (response.error) {
      ++counters_.snapshots_failed;
      const auto found = fetching_.find(symbol);
      if (found == fetching_.end()) return;
      loop_.run_after(found->second.next(), [this, alive, symbol] {
        if (*alive && fetching_.contains(symbol)) fetch_snapshot(symbol);
      });
      return;
    }
    fetching_.erase(symbol);
    const std::int64_t ts_recv = now_ns();
    if (tap_) tap_(options_.venue, true, url, response.body, ts_recv);
    auto& binance = static_cast<feeds::BinanceAdapter&>(adapter_);
    binance.on_depth_snapshot(symbol, rest_buffer_.assign(response.body), ts_recv);
  });
}

}  // namespace rtm::ingest
