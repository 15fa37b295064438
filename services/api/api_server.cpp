#include "api_server.hpp"

#include <chrono>
#include <thread>

#include "rtm/msg/channels.hpp"

namespace rtm::api {

ApiServer::ApiServer(const store::HotStore& store, msg::Transport& bus, ApiServerOptions options,
                     std::function<bool()> ready)
    : rest_(store, std::move(ready)),
      hub_(store, options.hub),
      http_(loop_, options.http, [this](const net::HttpRequest& request) { return rest_.handle(request); }),
      bus_(bus) {
  http_.on_websocket("/ws", options.websocket,
                     [this](std::shared_ptr<net::WebSocketPeer> peer, const net::HttpRequest& upgrade) {
                       return hub_.accept(std::move(peer), upgrade);
                     });
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
