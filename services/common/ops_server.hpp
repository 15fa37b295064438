#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "rtm/common/metrics.hpp"
#include "rtm/net/event_loop.hpp"
#include "rtm/net/http_server.hpp"

namespace rtm::services {

// "ADDRESS:PORT" into the server options; false when it is not that.
bool parse_listen_address(const std::string& text, net::HttpServerOptions& options);

// What an orchestrator probes and Prometheus scrapes on a service that has
// no API of its own (rtm-ingest, rtm-stream): /healthz (alive), /readyz
// (what `ready` says: 503 when false) and /metrics, on a thread of its own.
class OpsServer {
 public:
  OpsServer(net::HttpServerOptions http, const common::Metrics& metrics, std::function<bool()> ready);
  ~OpsServer();
  OpsServer(const OpsServer&) = delete;
  OpsServer& operator=(const OpsServer&) = delete;

  // Throws std::system_error when the address cannot be bound.
  void start();
  void stop();
  [[nodiscard]] std::uint16_t port() const noexcept { return http_.port(); }

 private:
  net::HttpResponse answer(const net::HttpRequest& request) const;

  const common::Metrics& metrics_;
  std::function<bool()> ready_;
  net::EventLoop loop_;
  net::HttpServer http_;
};

}  // namespace rtm::services
