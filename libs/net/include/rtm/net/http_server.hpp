#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rtm/net/event_loop.hpp"
#include "rtm/net/websocket_server.hpp"

namespace rtm::net {

struct HttpRequest {
  std::string method;  // "GET", as sent
  std::string target;  // "/v1/bars?instrument=...", as sent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The target before and after its '?'.
  [[nodiscard]] std::string_view path() const noexcept;
  [[nodiscard]] std::string_view query() const noexcept;
  // The first header of that name (case-insensitive), if any.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond Content-Type and Content-Length
};

struct HttpServerOptions {
  std::string address = "0.0.0.0";
  std::uint16_t port = 8080;  // 0: any free port (see HttpServer::port)
  std::size_t max_header_bytes = 8 * 1024;  // beyond: 431
  std::size_t max_body_bytes = 64 * 1024;   // beyond: 413
  // A connection that sends no request within this is closed, and so is
  // one whose request's header takes longer to arrive (slowloris).
  std::chrono::milliseconds idle_timeout{30'000};
  // A request's body, and writing its response, within this.
  std::chrono::milliseconds request_timeout{10'000};
  std::size_t max_connections = 4096;  // beyond: accepted and closed at once
};

struct HttpServerCounters {
  std::atomic<std::uint64_t> connections{0};  // accepted
  std::atomic<std::uint64_t> open{0};
  std::atomic<std::uint64_t> refused{0};  // over max_connections
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> bad_requests{0};  // unparsable, or over a size limit
  std::atomic<std::uint64_t> timeouts{0};
  std::atomic<std::uint64_t> handler_errors{0};  // the handler threw: answered 500
  std::atomic<std::uint64_t> websockets{0};       // upgraded connections
  std::atomic<std::uint64_t> websockets_open{0};
};

// An HTTP/1.1 server (Boost.Beast, kept out of this header) on an event
// loop's thread: keep-alive, size limits answered 431 and 413, idle and
// slow-request timeouts, and WebSocket upgrades on the paths registered.
// Each request is handed to the handler, which runs on the loop's thread and
// must not block for long.
class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  HttpServer(EventLoop& loop, HttpServerOptions options, Handler handler);
  // WebSocket upgrades of requests for `path` go to `acceptor`; other
  // requests for it to the handler. Call before start().
  void on_websocket(std::string path, WebSocketServerOptions options, WebSocketAcceptor acceptor);
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting. Throws std::system_error when the address
  // cannot be bound (taken, not local).
  void start();
  // Stops accepting and closes every connection; safe from any thread.
  void stop();
  // The bound port (the chosen one when options.port was 0).
  [[nodiscard]] std::uint16_t port() const noexcept;
  [[nodiscard]] const HttpServerCounters& counters() const noexcept;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// The reason phrase of a status code ("Not Found").
std::string_view status_reason(int status) noexcept;

}  // namespace rtm::net
