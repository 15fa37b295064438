#include "websocket_session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace rtm::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::awaitable;
using boost::system::error_code;

namespace {

constexpr auto kAwait = asio::use_awaitable;
// How long a closing connection has to take what is in flight and answer
// our close frame before it is cut.
constexpr auto kCloseGrace = std::chrono::seconds(10);

// The idle writer's completion handler, kept until there is work (move-only,
// so not a std::function).
struct ParkedWriter {
  virtual ~ParkedWriter() = default;
  virtual void resume() = 0;
};
template <class Handler>
struct Parked final : ParkedWriter {
  explicit Parked(Handler h) : handler(std::move(h)) {}
  void resume() override { std::move(handler)(); }
  Handler handler;
};

// The state one connection's reader and writer share, on the loop's thread.
struct Connection : std::enable_shared_from_this<Connection> {
  Connection(beast::tcp_stream stream, const asio::any_io_executor& loop_executor)
      : ws(std::move(stream)), executor(loop_executor) {}

  // Writes what the application has queued, waiting for wake() when nothing
  // is; ends with a close frame when asked to close.
  awaitable<void> write_loop() {
    const auto self = shared_from_this();
    error_code ec;
    while (!ended) {
      const SharedText message = client ? client->next_message() : nullptr;
      // What was queued before a close goes out first (an error saying why).
      if (closing && !message) {
        websocket::close_reason reason;
        reason.code = close_code_;
        // A close frame carries at most 123 bytes of reason.
        const std::string_view text = std::string_view(close_text_).substr(0, reason.reason.max_size());
        reason.reason.assign(text.data(), text.size());
        co_await ws.async_close(reason, asio::redirect_error(kAwait, ec));
        break;
      }
      if (!message) {
        co_await idle();
        continue;
      }
      ws.text(true);
      co_await ws.async_write(asio::buffer(*message), asio::redirect_error(kAwait, ec));
      if (ec) break;
    }
  }

  // Suspends the writer until wake(). A parked completion handler rather
  // than a timer: a fan-out wakes thousands of writers per message, and a
  // timer's arming and cancelling cost more than the write itself.
  awaitable<void> idle() {
    co_await asio::async_initiate<decltype(kAwait), void()>(
        [this](auto handler) { parked = std::make_unique<Parked<decltype(handler)>>(std::move(handler)); }, kAwait);
  }
  // On the loop's thread: resumes an idle writer, there and then.
  void wake() {
    if (!parked) return;
    const std::unique_ptr<ParkedWriter> writer = std::move(parked);
    writer->resume();
  }

  void request_close(std::uint16_t code, std::string reason) {
    if (closing || ended) return;
    closing = true;
    close_code_ = code;
    close_text_ = std::move(reason);
    wake();
    // A peer that reads nothing cannot take the close frame: cut it after a grace.
    auto timer = std::make_shared<asio::steady_timer>(executor, kCloseGrace);
    timer->async_wait([self = shared_from_this(), timer](error_code) {
      if (self->ended) return;
      error_code ignored;
      beast::get_lowest_layer(self->ws).socket().close(ignored);
    });
  }

  websocket::stream<beast::tcp_stream> ws;
  std::unique_ptr<ParkedWriter> parked;  // the writer, while it is idle
  asio::any_io_executor executor;
  std::shared_ptr<WebSocketHandler> client;
  bool closing = false;
  bool ended = false;
  std::uint16_t close_code_ = close_code::kNormal;
  std::string close_text_;
};

// What the application holds: posts to the loop, and does nothing once the
// connection is gone.
class Peer final : public WebSocketPeer {
 public:
  explicit Peer(const std::shared_ptr<Connection>& connection)
      : connection_(connection), executor_(connection->executor) {}

  void notify() override {
    asio::post(executor_, [weak = connection_] {
      if (const auto connection = weak.lock(); connection && !connection->ended) connection->wake();
    });
  }
  void close(std::uint16_t code, std::string reason) override {
    asio::post(executor_, [weak = connection_, code, reason = std::move(reason)]() mutable {
      if (const auto connection = weak.lock()) connection->request_close(code, std::move(reason));
    });
  }

 private:
  std::weak_ptr<Connection> connection_;
  asio::any_io_executor executor_;
};

}  // namespace

awaitable<void> run_websocket(beast::tcp_stream stream, http::request<http::string_body> request,
                              const HttpRequest& ours, const WebSocketRoute& route,
                              std::list<beast::tcp_stream*>& open_sockets, HttpServerCounters& counters) {
  const asio::any_io_executor executor = stream.get_executor();
  auto connection = std::make_shared<Connection>(std::move(stream), executor);
  // An idle writer's handler holds the connection, which holds the handler:
  // if this coroutine is destroyed unfinished (its loop torn down), the
  // handler goes with it, and the writer's frame with the handler.
  struct ReleaseIdleWriter {
    Connection& connection;
    ~ReleaseIdleWriter() { connection.parked.reset(); }
  } release_idle_writer{*connection};
  websocket::stream<beast::tcp_stream>& ws = connection->ws;
  const auto registered = open_sockets.insert(open_sockets.end(), &beast::get_lowest_layer(ws));
  beast::get_lowest_layer(ws).expires_never();  // the websocket's own timeouts from here on
  // A small kernel buffer: what a slow client cannot take waits in the
  // application's queue, where it is conflated or dropped by policy, rather
  // than in the kernel's, where it only grows old.
  error_code ignored;
  beast::get_lowest_layer(ws).socket().set_option(asio::socket_base::send_buffer_size(64 * 1024), ignored);
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = route.options.handshake_timeout;
  timeouts.idle_timeout = route.options.idle_timeout;
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);
  ws.read_message_max(route.options.max_message_bytes);
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& response) { response.set(http::field::server, "rtm"); }));

  error_code ec;
  connection->client = route.acceptor(std::make_shared<Peer>(connection), ours);
  if (!connection->client) {
    http::response<http::string_body> refused{http::status::forbidden, request.version()};
    refused.set(http::field::content_type, "application/json");
    refused.body() = R"({"error":{"code":"forbidden","message":"the WebSocket upgrade was refused"}})";
    refused.prepare_payload();
    co_await http::async_write(beast::get_lowest_layer(ws), refused, asio::redirect_error(kAwait, ec));
    open_sockets.erase(registered);
    co_return;
  }
  co_await ws.async_accept(request, asio::redirect_error(kAwait, ec));
  if (!ec) {
    ++counters.websockets;
    ++counters.websockets_open;
    asio::co_spawn(executor, connection->write_loop(), asio::detached);
    beast::flat_buffer buffer;
    for (;;) {
      co_await ws.async_read(buffer, asio::redirect_error(kAwait, ec));
      if (ec) break;
      const auto data = buffer.cdata();
      connection->client->on_message({static_cast<const char*>(data.data()), data.size()});
      buffer.consume(buffer.size());
    }
    // Beast answers a message over the limit with close code 1009 itself.
    --counters.websockets_open;
  }
  connection->ended = true;
  connection->wake();
  open_sockets.erase(registered);
  connection->client->on_close();
  connection->client.reset();  // the application's side may hold the peer: no cycle past here
}

}  // namespace rtm::net::detail
