#include "ops_server.hpp"

#include <charconv>

namespace rtm::services {

bool parse_listen_address(const std::string& text, net::HttpServerOptions& options) {
  const std::size_t colon = text.rfind(':');
  std::uint16_t port = 0;
  const char* end = text.data() + text.size();
  if (colon == std::string::npos || colon == 0 || std::from_chars(text.data() + colon + 1, end, port).ptr != end) {
    return false;
  }
  options.address = text.substr(0, colon);
  options.port = port;
  return true;
}

OpsServer::OpsServer(net::HttpServerOptions http, const common::Metrics& metrics, std::function<bool()> ready)
    : metrics_(metrics),
      ready_(std::move(ready)),
      http_(loop_, std::move(http), [this](const net::HttpRequest& request) { return answer(request); }) {}

OpsServer::~OpsServer() { stop(); }

void OpsServer::start() {
  loop_.start();
  http_.start();
}

void OpsServer::stop() {
  http_.stop();
  loop_.stop();
}

net::HttpResponse OpsServer::answer(const net::HttpRequest& request) const {
  const std::string_view path = request.path();
  if (request.method != "GET" && request.method != "HEAD") {
    return {405, "application/json", R"({"error":{"code":"method_not_allowed","message":"only GET"}})", {{"Allow", "GET, HEAD"}}};
  }
  if (path == "/healthz") return {200, "application/json", R"({"status":"alive"})", {}};
  if (path == "/readyz") {
    return ready_() ? net::HttpResponse{200, "application/json", R"({"status":"ready"})", {}}
                    : net::HttpResponse{503, "application/json", R"({"status":"not ready"})", {}};
  }
  if (path == "/metrics") return {200, "text/plain; version=0.0.4; charset=utf-8", metrics_.text(), {}};
  return {404, "application/json", R"({"error":{"code":"not_found","message":"no such route"}})", {}};
}

}  // namespace rtm::services
