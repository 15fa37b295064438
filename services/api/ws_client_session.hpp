#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "client_outbox.hpp"
#include "rtm/net/websocket_server.hpp"

namespace rtm::api {

class WsHub;

// One WebSocket client of the hub: its queue (written to by the bus's
// readers, read by the connection's writer) and its subscriptions.
class WsClientSession final : public net::WebSocketHandler, public std::enable_shared_from_this<WsClientSession> {
 public:
  WsClientSession(WsHub& hub, std::shared_ptr<net::WebSocketPeer> peer);

  void on_message(std::string_view text) override;
  net::SharedText next_message() override;
  void on_close() override;

  // Queue a message and wake the connection; from any thread.
  void send_state(const std::string& key, const net::SharedText& text);
  void send_trade(const std::string& stream, const net::SharedText& text);
  void send_control(const net::SharedText& text);
  // Takes nothing more; what is queued goes out, then the close frame.
  void close(std::uint16_t code, std::string reason);

  // Whether an op may go ahead: a token bucket of ops_per_second, in bursts
  // of twice that. On the connection's thread.
  bool take_op_token();

  // Topic -> book depth (0 for other channels). Guarded by the hub's mutex.
  std::map<std::string, std::size_t> subscriptions;
  // The API key it authenticated with; on the connection's thread.
  std::optional<std::string> api_key;

 private:
  // After a push: a client that has stayed over its limit is let go.
  void after_push(std::unique_lock<std::mutex>& lock);

  WsHub& hub_;
  std::shared_ptr<net::WebSocketPeer> peer_;
  std::mutex mutex_;  // guards the outbox
  ClientOutbox outbox_;
  std::uint64_t dropped_reported_ = 0;
  bool closing_ = false;
  double tokens_;
  std::chrono::steady_clock::time_point refilled_;
};

}  // namespace rtm::api
