#include "rtm/net/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <future>
#include <list>
#include <system_error>

#include "event_loop_impl.hpp"
#include "websocket_session.hpp"

namespace rtm::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using boost::system::error_code;

namespace {

constexpr auto kAwait = asio::use_awaitable;

HttpResponse error_response(int status, std::string_view code, std::string_view message) {
  HttpResponse response;
  response.status = status;
  response.body = R"({"error":{"code":")" + std::string(code) + R"(","message":")" + std::string(message) + R"("}})";
  return response;
}

}  // namespace

std::string_view status_reason(int status) noexcept {
  const std::string_view reason = http::obsolete_reason(static_cast<http::status>(status));
  return reason.empty() ? "Unknown" : reason;
}

struct HttpServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(EventLoop& event_loop, HttpServerOptions opts, Handler fn)
      : loop(event_loop), options(std::move(opts)), handler(std::move(fn)), acceptor(loop.impl().context) {}

  awaitable<void> accept_loop() {
    const auto self = shared_from_this();
    for (;;) {
      error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(kAwait, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        continue;  // a connection that failed before it was ours (reset, out of descriptors)
      }
      ++counters.connections;
      // WebSocket connections count too: they hold a socket as long.
      if (counters.open.load() + counters.websockets_open.load() >= options.max_connections) {
        ++counters.refused;
        socket.close(ec);
        continue;
      }
      asio::co_spawn(acceptor.get_executor(), session(std::move(socket)), asio::detached);
    }
  }

  awaitable<void> session(tcp::socket socket) {
    const auto self = shared_from_this();
    beast::tcp_stream stream(std::move(socket));
    const auto registered = streams.insert(streams.end(), &stream);
    ++counters.open;
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
      parser.body_limit(options.max_body_bytes);
      error_code ec;
      stream.expires_after(options.idle_timeout);
      co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(kAwait, ec));
      if (!ec) {
        stream.expires_after(options.request_timeout);
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(kAwait, ec));
      }
      if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted) break;
      if (ec == beast::error::timeout) {
        ++counters.timeouts;
        break;
      }
      std::optional<HttpResponse> refusal;
      if (ec == http::error::header_limit) {
        refusal = error_response(431, "header_too_large", "the request's header is over its size limit");
      } else if (ec == http::error::body_limit) {
        refusal = error_response(413, "body_too_large", "the request's body is over its size limit");
      } else if (ec) {
        // Beast's own errors say the bytes were not HTTP; any other is the
        // connection failing (reset, closed mid-request).
        if (ec.category() != make_error_code(http::error::bad_target).category()) break;
        refusal = error_response(400, "bad_request", "not an HTTP/1.1 request");
      }
      if (refusal) {
        ++counters.bad_requests;
        // The rest of the request was not read: the connection closes after this.
        co_await write(stream, *refusal, 11, false, ec);
        break;
      }
      ++counters.requests;
      const http::request<http::string_body>& request = parser.get();
      HttpRequest ours;
      ours.method = std::string(request.method_string());
      ours.target = std::string(request.target());
      for (const auto& field : request) ours.headers.emplace_back(field.name_string(), field.value());
      ours.body = request.body();
      if (const detail::WebSocketRoute* route = websocket_route(ours);
          route != nullptr && beast::websocket::is_upgrade(request)) {
        // The connection is the WebSocket's from here on.
        streams.erase(registered);
        --counters.open;
        co_await detail::run_websocket(std::move(stream), parser.release(), ours, *route, streams, counters);
        co_return;
      }
      HttpResponse response;
      try {
        response = handler(ours);
      } catch (const std::exception&) {
        ++counters.handler_errors;
        response = error_response(500, "internal", "the server failed to answer");
      }
      const bool keep_alive = request.keep_alive();
      stream.expires_after(options.request_timeout);
      co_await write(stream, response, request.version(), keep_alive, ec);
      if (ec || !keep_alive) break;
    }
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    --counters.open;
    streams.erase(registered);
  }

  // Takes the response's body rather than copying it: a page of history can
  // be tens of kilobytes.
  static awaitable<void> write(beast::tcp_stream& stream, HttpResponse& ours, unsigned version, bool keep_alive,
                               error_code& ec) {
    http::response<http::string_body> response{static_cast<http::status>(ours.status), version};
    response.set(http::field::server, "rtm");
    response.set(http::field::content_type, ours.content_type);
    for (const auto& [name, value] : ours.headers) response.set(name, value);
    response.keep_alive(keep_alive);
    response.body() = std::move(ours.body);
    response.prepare_payload();
    co_await http::async_write(stream, response, asio::redirect_error(kAwait, ec));
  }

  const detail::WebSocketRoute* websocket_route(const HttpRequest& request) const {
    for (const detail::WebSocketRoute& route : websocket_routes) {
      if (route.path == request.path()) return &route;
    }
    return nullptr;
  }

  void close_all() {
    error_code ignored;
    acceptor.close(ignored);
    // Closing a socket cancels what is pending on it: each session ends
    // with operation_aborted.
    for (beast::tcp_stream* stream : streams) stream->socket().close(ignored);
  }

  EventLoop& loop;
  HttpServerOptions options;
  Handler handler;
  tcp::acceptor acceptor;
  std::list<beast::tcp_stream*> streams;  // the open sessions', touched on the loop's thread only
  std::vector<detail::WebSocketRoute> websocket_routes;
  HttpServerCounters counters;
  std::uint16_t port = 0;
  std::atomic<bool> stopped{false};
};

HttpServer::HttpServer(EventLoop& loop, HttpServerOptions options, Handler handler)
    : impl_(std::make_shared<Impl>(loop, std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::on_websocket(std::string path, WebSocketServerOptions options, WebSocketAcceptor acceptor) {
  impl_->websocket_routes.push_back({std::move(path), options, std::move(acceptor)});
}

void HttpServer::start() {
  error_code ec;
  const auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec) throw std::system_error(ec, "bad listen address " + impl_->options.address);
  const tcp::endpoint endpoint(address, impl_->options.port);
  tcp::acceptor& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint, ec);
  if (ec) {
    throw std::system_error(ec, "cannot listen on " + impl_->options.address + ":" + std::to_string(impl_->options.port));
  }
  acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->port = acceptor.local_endpoint().port();
  asio::co_spawn(acceptor.get_executor(), impl_->accept_loop(), asio::detached);
}

void HttpServer::stop() {
  if (impl_->stopped.exchange(true)) return;
  if (impl_->loop.on_loop_thread()) {
    impl_->close_all();
    return;
  }
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> closed = done->get_future();
  impl_->loop.post([impl = impl_, done] {
    impl->close_all();
    done->set_value();
  });
  // A loop that was stopped first runs nothing more: nothing else touches
  // the sockets then, and they are closed here.
  if (closed.wait_for(std::chrono::seconds(2)) != std::future_status::ready) impl_->close_all();
}

std::uint16_t HttpServer::port() const noexcept {
  return impl_->port;
}

const HttpServerCounters& HttpServer::counters() const noexcept {
  return impl_->counters;
}

}  // namespace rtm::net
