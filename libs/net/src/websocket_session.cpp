#include "websocket_session.hpp"

#include "queued_write_stream.hpp"

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

// At most this much of the application's queue is taken into one write;
// the rest waits there, where its policy (conflate, drop) still applies.
constexpr std::size_t kMaxBatchMessages = 64;
constexpr std::size_t kMaxBatchBytes = 256 * 1024;

// The state one connection's reader and writer share, on the loop's thread.
struct Connection : std::enable_shared_from_this<Connection> {
  Connection(beast::tcp_stream stream, const asio::any_io_executor& loop_executor)
      : ws(QueuedWriteStream(std::move(stream))), executor(loop_executor) {}

  // Called once the connection is shared: from here on its writes hold it.
  void start_writing() {
    QueuedWriteStream& layer = ws.next_layer();
    layer.set_owner(weak_from_this());
    layer.on_drained([this] { pump(); });
  }

  // Moves what the application has queued to the socket, whenever the last
  // write is done: a connection that cannot keep up takes many messages in
  // its next write, and a fast one a message per write. Once asked to
  // close, and what was queued before (an error saying why) is gone, the
  // close frame follows.
  void pump() {
    QueuedWriteStream& layer = ws.next_layer();
    if (!accepted || ended || close_started || !layer.idle() || layer.failed()) return;
    std::size_t messages = 0;
    std::size_t bytes = 0;
    while (client && messages < kMaxBatchMessages && bytes < kMaxBatchBytes) {
      SharedText message = client->next_message();
      if (!message) break;
      ++messages;
      bytes += message->size();
      layer.queue_text(std::move(message));
    }
    if (messages > 0) {
      layer.flush();
      return;
    }
    if (closing) start_close();
  }

  void start_close() {
    close_started = true;
    websocket::close_reason reason;
    reason.code = close_code_;
    // A close frame carries at most 123 bytes of reason.
    const std::string_view text = std::string_view(close_text_).substr(0, reason.reason.max_size());
    reason.reason.assign(text.data(), text.size());
    ws.async_close(reason, [self = shared_from_this()](error_code) {});
  }

  void request_close(std::uint16_t code, std::string reason) {
    if (closing || ended) return;
    closing = true;
    close_code_ = code;
    close_text_ = std::move(reason);
    pump();
    // A peer that reads nothing cannot take the close frame: cut it after a grace.
    auto timer = std::make_shared<asio::steady_timer>(executor, kCloseGrace);
    timer->async_wait([self = shared_from_this(), timer](error_code) {
      if (self->ended) return;
      error_code ignored;
      beast::get_lowest_layer(self->ws).socket().close(ignored);
    });
  }

  websocket::stream<QueuedWriteStream> ws;
  asio::any_io_executor executor;
  std::shared_ptr<WebSocketHandler> client;
  bool accepted = false;  // no frame before the handshake's answer
  bool closing = false;
  bool close_started = false;
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
      if (const auto connection = weak.lock(); connection && !connection->ended) connection->pump();
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
  // Once this coroutine has ended (finished, or destroyed with its loop), a
  // write still completing must not refill from the application's side.
  struct ReleaseWriter {
    Connection& connection;
    ~ReleaseWriter() { connection.ws.next_layer().on_drained(nullptr); }
  } release_writer{*connection};
  connection->start_writing();
  websocket::stream<QueuedWriteStream>& ws = connection->ws;
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
    connection->accepted = true;
    connection->pump();  // what the application queued on accepting it
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
  connection->ended = true;  // nothing more is written
  open_sockets.erase(registered);
  connection->client->on_close();
  connection->client.reset();  // the application's side may hold the peer: no cycle past here
}

}  // namespace rtm::net::detail
