#include "rtm/net/websocket_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <cstring>
#include <deque>
#include <stdexcept>

#include "event_loop_impl.hpp"
#include "rtm/net/errc.hpp"
#include "rtm/net/url.hpp"
#include "tls.hpp"

namespace rtm::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
using boost::system::error_code;

namespace {

constexpr auto kAwait = asio::use_awaitable;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The two kinds of connection (ws:// and wss://) behind one face.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual awaitable<void> read(beast::flat_buffer& buffer, error_code& ec) = 0;
  virtual awaitable<void> write(const std::string& text, error_code& ec) = 0;
  virtual awaitable<void> close(error_code& ec) = 0;
  // Closing the socket cancels every operation in progress: they complete
  // with operation_aborted.
  virtual void abort() = 0;
};

template <class NextLayer>
class WsConnection final : public Connection {
 public:
  template <class... Args>
  explicit WsConnection(Args&&... args) : ws(std::forward<Args>(args)...) {}

  awaitable<void> read(beast::flat_buffer& buffer, error_code& ec) override {
    co_await ws.async_read(buffer, asio::redirect_error(kAwait, ec));
  }
  awaitable<void> write(const std::string& text, error_code& ec) override {
    ws.text(true);
    co_await ws.async_write(asio::buffer(text), asio::redirect_error(kAwait, ec));
  }
  awaitable<void> close(error_code& ec) override {
    co_await ws.async_close(websocket::close_code::normal, asio::redirect_error(kAwait, ec));
  }
  void abort() override {
    error_code ignored;
    beast::get_lowest_layer(ws).socket().close(ignored);
  }

  websocket::stream<NextLayer> ws;
};

}  // namespace

struct WebSocketClient::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& context, WebSocketOptions opts, Url parsed)
      : io(context),
        options(std::move(opts)),
        url(std::move(parsed)),
        tls(detail::make_tls_context(options.tls)),
        backoff(options.backoff, static_cast<std::uint64_t>(now_ns())),
        retry_timer(context),
        stale_timer(context) {}

  // Connects, and connects again, until stopped. Holds the Impl alive.
  static awaitable<void> run(std::shared_ptr<Impl> self) {
    while (!self->stopping) {
      const auto began = std::chrono::steady_clock::now();
      co_await self->session();
      if (self->stopping) break;
      if (std::chrono::steady_clock::now() - began >= self->options.stable_after) self->backoff.reset();
      self->retry_timer.expires_after(self->backoff.next());
      error_code ignored;
      co_await self->retry_timer.async_wait(asio::redirect_error(kAwait, ignored));
    }
  }

  // One connection, from connecting to its end; returns why it ended.
  awaitable<error_code> session() {
    error_code ec;
    std::unique_ptr<Connection> made = co_await connect(ec);
    if (ec || stopping) {
      if (!stopping) ++counters.connect_failures;
      if (close_handler && !stopping) close_handler(ec);
      co_return ec;
    }
    connection = std::move(made);
    open = true;
    ++counters.connects;
    stale = false;
    arm_stale_timer();
    asio::co_spawn(io, watch_staleness(shared_from_this()), asio::detached);
    if (open_handler) open_handler();
    flush_outbox();

    beast::flat_buffer buffer(options.max_message_size + WebSocketClient::kMessagePadding);
    while (!stopping) {
      co_await connection->read(buffer, ec);
      if (ec) break;
      arm_stale_timer();
      // Room for the padding after the message, in the same block, zeroed.
      const auto padding = buffer.prepare(WebSocketClient::kMessagePadding);
      std::memset(padding.data(), 0, padding.size());
      const auto data = buffer.cdata();
      ++counters.messages;
      counters.bytes += data.size();
      if (message_handler) {
        message_handler(std::string_view(static_cast<const char*>(data.data()), data.size()), now_ns());
      }
      buffer.consume(buffer.size());
    }
    if (stale) {
      ec = errc::stale_feed;
    } else if (stopping) {
      ec = errc::stopped;
    }
    open = false;
    outbox.clear();
    stale_timer.cancel();
    if (!stopping && !stale) {
      error_code ignored;
      co_await connection->close(ignored);  // a polite close when the peer is still there
    }
    connection->abort();
    connection.reset();
    ++counters.disconnects;
    if (close_handler) close_handler(ec);
    co_return ec;
  }

  awaitable<std::unique_ptr<Connection>> connect(error_code& ec) {
    tcp::resolver resolver(io);
    const auto endpoints =
        co_await resolver.async_resolve(url.host, std::to_string(url.port), asio::redirect_error(kAwait, ec));
    if (ec) co_return nullptr;
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options.connect_timeout;
    timeouts.idle_timeout = 2 * options.ping_interval;
    timeouts.keep_alive_pings = true;
    const std::string host = url.authority();

    if (url.tls) {
      auto made = std::make_unique<WsConnection<beast::ssl_stream<beast::tcp_stream>>>(io, tls);
      auto& ws = made->ws;
      auto& tcp_layer = beast::get_lowest_layer(ws);
      tcp_layer.expires_after(options.connect_timeout);
      co_await tcp_layer.async_connect(endpoints, asio::redirect_error(kAwait, ec));
      if (ec) co_return nullptr;
      if (!detail::expect_server(ws.next_layer(), url.host, options.tls.verify_peer)) {
        ec = error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
        co_return nullptr;
      }
      co_await ws.next_layer().async_handshake(ssl::stream_base::client, asio::redirect_error(kAwait, ec));
      if (ec) co_return nullptr;
      tcp_layer.expires_never();  // the WebSocket's own timeouts take over
      ws.set_option(timeouts);
      ws.read_message_max(options.max_message_size);
      co_await ws.async_handshake(host, url.target, asio::redirect_error(kAwait, ec));
      if (ec) co_return nullptr;
      co_return made;
    }
    auto made = std::make_unique<WsConnection<beast::tcp_stream>>(io);
    auto& ws = made->ws;
    auto& tcp_layer = beast::get_lowest_layer(ws);
    tcp_layer.expires_after(options.connect_timeout);
    co_await tcp_layer.async_connect(endpoints, asio::redirect_error(kAwait, ec));
    if (ec) co_return nullptr;
    tcp_layer.expires_never();
    ws.set_option(timeouts);
    ws.read_message_max(options.max_message_size);
    co_await ws.async_handshake(host, url.target, asio::redirect_error(kAwait, ec));
    if (ec) co_return nullptr;
    co_return made;
  }

  void arm_stale_timer() { stale_timer.expires_after(options.read_timeout); }

  // Ends the session when no message came within read_timeout. Each message
  // moves the timer's expiry, which wakes this wait with operation_aborted.
  static awaitable<void> watch_staleness(std::shared_ptr<Impl> self) {
    while (self->open && !self->stopping) {
      error_code ec;
      co_await self->stale_timer.async_wait(asio::redirect_error(kAwait, ec));
      if (!self->open || self->stopping) break;
      if (self->stale_timer.expiry() <= std::chrono::steady_clock::now()) {
        ++self->counters.stale_timeouts;
        self->stale = true;
        self->connection->abort();
        break;
      }
    }
  }

  void queue(std::string text) {
    if (!open) {
      ++counters.sends_dropped;
      return;
    }
    outbox.push_back(std::move(text));
    flush_outbox();
  }

  // One write at a time: Beast allows a single write in flight per stream.
  void flush_outbox() {
    if (writing || outbox.empty() || !open) return;
    writing = true;
    asio::co_spawn(io, write_all(shared_from_this()), asio::detached);
  }

  static awaitable<void> write_all(std::shared_ptr<Impl> self) {
    while (self->open && !self->outbox.empty()) {
      const std::string text = std::move(self->outbox.front());
      self->outbox.pop_front();
      error_code ec;
      co_await self->connection->write(text, ec);
      if (ec) break;  // the read side sees the failure and ends the session
    }
    self->writing = false;
  }

  void shutdown() {
    stopping = true;
    retry_timer.cancel();
    stale_timer.cancel();
    if (connection) connection->abort();
  }

  asio::io_context& io;
  WebSocketOptions options;
  Url url;
  ssl::context tls;
  Backoff backoff;
  asio::steady_timer retry_timer;
  asio::steady_timer stale_timer;
  std::unique_ptr<Connection> connection;
  std::deque<std::string> outbox;
  bool writing = false;
  bool open = false;
  bool stale = false;
  bool stopping = false;
  bool started = false;
  OpenHandler open_handler;
  MessageHandler message_handler;
  CloseHandler close_handler;
  WebSocketCounters counters;
};

WebSocketClient::WebSocketClient(EventLoop& loop, WebSocketOptions options) {
  std::optional<Url> url = parse_url(options.url);
  if (!url || !url->websocket) throw std::invalid_argument("not a ws:// or wss:// URL: " + options.url);
  impl_ = std::make_shared<Impl>(loop.impl().context, std::move(options), std::move(*url));
}

WebSocketClient::~WebSocketClient() {
  impl_->open_handler = nullptr;
  impl_->message_handler = nullptr;
  impl_->close_handler = nullptr;
  impl_->shutdown();
}

void WebSocketClient::on_open(OpenHandler handler) {
  impl_->open_handler = std::move(handler);
}
void WebSocketClient::on_message(MessageHandler handler) {
  impl_->message_handler = std::move(handler);
}
void WebSocketClient::on_close(CloseHandler handler) {
  impl_->close_handler = std::move(handler);
}

void WebSocketClient::start() {
  asio::post(impl_->io, [impl = impl_] {
    if (impl->started || impl->stopping) return;
    impl->started = true;
    asio::co_spawn(impl->io, Impl::run(impl), asio::detached);
  });
}

void WebSocketClient::stop() {
  asio::post(impl_->io, [impl = impl_] { impl->shutdown(); });
}

void WebSocketClient::send(std::string text) {
  asio::post(impl_->io, [impl = impl_, text = std::move(text)]() mutable { impl->queue(std::move(text)); });
}

const WebSocketCounters& WebSocketClient::counters() const noexcept {
  return impl_->counters;
}
const WebSocketOptions& WebSocketClient::options() const noexcept {
  return impl_->options;
}

}  // namespace rtm::net
