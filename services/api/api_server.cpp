#include "api_server.hpp"

#include <chrono>
#include <thread>

#include "rtm/msg/channels.hpp"

namespace rtm::api {

namespace {

// The client latency histogram and the keys go into the hub's options.
WsHubOptions hub_options(WsHubOptions hub, common::Metrics* metrics, ApiKeys& keys) {
  hub.keys = &keys;
  if (metrics != nullptr) {
    hub.client_latency = &metrics->histogram("rtm_client_latency_seconds",
                                             "From rtm's receive time to the WebSocket send, of trades", {},
                                             common::latency_buckets());
  }
  return hub;
}

}  // namespace

ApiServer::ApiServer(const store::HotStore& store, msg::Transport& bus, ApiServerOptions options,
                     std::function<bool()> ready)
    : keys_(options.keys),
      rest_(store, std::move(ready),
            {.metrics = options.metrics, .keys = &keys_, .protect_metrics = options.protect_metrics,
             .cors_origins = options.cors_origins, .history = options.history}),
      hub_(store, hub_options(options.hub, options.metrics, keys_)),
      http_(loop_, options.http, [this](const net::HttpRequest& request) { return rest_.handle(request); }),
      bus_(bus) {
  http_.on_websocket("/ws", options.websocket,
                     [this](std::shared_ptr<net::WebSocketPeer> peer, const net::HttpRequest& upgrade) {
                       return hub_.accept(std::move(peer), upgrade);
                     });
  if (options.metrics == nullptr) return;
  common::Metrics& m = *options.metrics;
  const WsHubCounters& ws = hub_.counters();
  const net::HttpServerCounters& http = http_.counters();
  m.gauge("rtm_ws_clients", "WebSocket clients connected", [&ws] { return common::Metrics::single(double(ws.clients)); });
  m.counter("rtm_ws_connections_total", "WebSocket connections accepted", [&ws] { return common::Metrics::single(double(ws.connections)); });
  m.counter("rtm_ws_messages_total", "Messages queued to WebSocket clients", [&ws] { return common::Metrics::single(double(ws.messages)); });
  m.counter("rtm_ws_dropped_total", "Trades dropped from slow WebSocket clients' queues",
            [&ws] { return common::Metrics::single(double(ws.dropped)); });
  m.counter("rtm_ws_slow_disconnects_total", "WebSocket clients disconnected as slow consumers",
            [&ws] { return common::Metrics::single(double(ws.slow_disconnects)); });
  m.counter("rtm_ws_errors_total", "Error replies to WebSocket clients", [&ws] { return common::Metrics::single(double(ws.errors)); });
  m.counter("rtm_http_requests_total", "HTTP requests read", [&http] { return common::Metrics::single(double(http.requests)); });
  m.counter("rtm_http_bad_requests_total", "HTTP requests refused unread (malformed or over a size limit)",
            [&http] { return common::Metrics::single(double(http.bad_requests)); });
  m.counter("rtm_http_timeouts_total", "HTTP connections closed idle or slow", [&http] { return common::Metrics::single(double(http.timeouts)); });
  m.gauge("rtm_http_connections", "HTTP connections open", [&http] { return common::Metrics::single(double(http.open)); });
  const BarTextCacheCounters& bar_texts = rest_.bar_text_counters();
  m.counter("rtm_rest_bar_text_hits_total", "Bars /v1/bars answered with text written before",
            [&bar_texts] { return common::Metrics::single(double(bar_texts.hits)); });
  m.counter("rtm_rest_bar_text_misses_total", "Bars /v1/bars wrote anew (first asked for, or changed since)",
            [&bar_texts] { return common::Metrics::single(double(bar_texts.misses)); });
}

ApiServer::~ApiServer() {
  stop();
}

void ApiServer::start() {
  http_.start();
  loop_.start();
  // From now on: a client wants what happens next, not the past.
  market_data_ = std::make_unique<msg::SubscriptionThread>(
      bus_.make_subscriber(msg::kMarketDataChannel, {.start = msg::StartFrom::kLatest}), hub_);
  derived_ = std::make_unique<msg::SubscriptionThread>(
      bus_.make_subscriber(msg::kDerivedChannel, {.start = msg::StartFrom::kLatest}), hub_);
}

void ApiServer::stop() {
  market_data_.reset();
  derived_.reset();
  hub_.close_all();
  // The close frames go out on the loop before the connections are cut.
  if (hub_.counters().clients > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  http_.stop();
  loop_.stop();
}

}  // namespace rtm::api
