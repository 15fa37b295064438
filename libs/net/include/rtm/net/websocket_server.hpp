#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace rtm::net {

struct HttpRequest;

// A text message, serialized once and shared by every connection it goes to.
using SharedText = std::shared_ptr<const std::string>;

// Close codes the server uses (RFC 6455, and the application range).
namespace close_code {
inline constexpr std::uint16_t kNormal = 1000;
inline constexpr std::uint16_t kGoingAway = 1001;        // the server is stopping
inline constexpr std::uint16_t kPolicyViolation = 1008;  // failed authentication
inline constexpr std::uint16_t kTooBig = 1009;           // a message over the size limit
inline constexpr std::uint16_t kSlowConsumer = 4001;     // stayed over its queue limit
}  // namespace close_code

// The server's side of one WebSocket connection, handed to the application.
// Safe from any thread; after the connection ends, calls do nothing.
class WebSocketPeer {
 public:
  virtual ~WebSocketPeer() = default;
  // Something is waiting in the application's queue: the connection asks
  // for it (WebSocketHandler::next_message) as soon as it can write.
  virtual void notify() = 0;
  // Sends what the application has queued, then a close frame with the
  // code and reason, and ends the connection; one that has not taken it
  // within ten seconds is cut.
  virtual void close(std::uint16_t code, std::string reason) = 0;
};

// The application's side of one connection. Called on the server's loop
// thread, one call at a time.
class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  virtual void on_message(std::string_view text) = 0;
  // The next message to send, or nullptr when nothing is waiting: the
  // application keeps its own queue, so that it decides what a slow
  // connection loses.
  virtual SharedText next_message() = 0;
  // The connection ended (closed by either side, failed, or the server stopped).
  virtual void on_close() = 0;
};

struct WebSocketServerOptions {
  std::size_t max_message_bytes = 16 * 1024;  // a bigger message closes the connection with 1009
  std::chrono::milliseconds handshake_timeout{10'000};
  // A connection that answers no ping within this is cut.
  std::chrono::milliseconds idle_timeout{60'000};
};

// Accepts a WebSocket upgrade: the application's side of the new connection,
// or nullptr to refuse it (answered 403).
using WebSocketAcceptor =
    std::function<std::shared_ptr<WebSocketHandler>(std::shared_ptr<WebSocketPeer> peer, const HttpRequest& upgrade)>;

}  // namespace rtm::net
