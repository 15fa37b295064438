#pragma once

#include <functional>
#include <memory>

#include "rest_api.hpp"
#include "rtm/msg/subscription_thread.hpp"
#include "rtm/msg/transport.hpp"
#include "rtm/net/event_loop.hpp"
#include "rtm/net/http_server.hpp"
#include "rtm/store/hot_store.hpp"
#include "ws_hub.hpp"

namespace rtm::api {

struct ApiServerOptions {
  net::HttpServerOptions http;
  net::WebSocketServerOptions websocket;
  WsHubOptions hub;
  // Served at /metrics, with the server's own counters and latencies added; none: no /metrics.
  common::Metrics* metrics = nullptr;
  ApiKeysOptions keys;  // none configured: open
  bool protect_metrics = false;
  std::vector<std::string> cors_origins;
  store::HistoryReader* history = nullptr;  // trades and bars beyond the hot store; none: hot store only
};

// The API as a service: REST and the dashboard from the hot store, and the
// WebSocket hub at /ws fed by the bus's market-data and derived channels,
// on one HTTP server with a thread of its own.
class ApiServer {
 public:
  // `ready`: what /readyz reports (feeds flowing, not shutting down).
  ApiServer(const store::HotStore& store, msg::Transport& bus, ApiServerOptions options, std::function<bool()> ready);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Throws std::system_error when the address cannot be bound.
  void start();
  // WebSocket clients are told the server is going away (1001); then the
  // server closes.
  void stop();

  [[nodiscard]] std::uint16_t port() const noexcept { return http_.port(); }
  [[nodiscard]] const WsHub& hub() const noexcept { return hub_; }
  [[nodiscard]] const net::HttpServerCounters& http_counters() const noexcept { return http_.counters(); }

 private:
  ApiKeys keys_;
  RestApi rest_;
  WsHub hub_;
  net::EventLoop loop_;
  net::HttpServer http_;
  msg::Transport& bus_;
  std::unique_ptr<msg::SubscriptionThread> market_data_;
  std::unique_ptr<msg::SubscriptionThread> derived_;
};

}  // namespace rtm::api
