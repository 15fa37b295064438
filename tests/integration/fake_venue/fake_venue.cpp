#include "fake_venue.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <atomic>
#include <deque>
#include <future>
#include <list>
#include <thread>

namespace rtm::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
using boost::system::error_code;

namespace {

constexpr auto kAwait = asio::use_awaitable;
using WebSocket = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

// One connected WebSocket client and the frames waiting for it.
struct Session {
  explicit Session(WebSocket&& socket) : ws(std::move(socket)) {}
  WebSocket ws;
  std::deque<std::string> outbox;
  bool writing = false;
  bool closed = false;
};

// The symbols named in a subscribe message: "symbol":["A","B"] (Kraken) or
// "product_ids":["A"] (Coinbase).
std::vector<std::string> named_symbols(std::string_view message) {
  std::vector<std::string> symbols;
  for (const std::string_view key : {R"("symbol":[)", R"("product_ids":[)"}) {
    const auto start = message.find(key);
    if (start == std::string_view::npos) continue;
    const auto end = message.find(']', start);
    std::string_view list = message.substr(start + key.size(), end - start - key.size());
    while (!list.empty()) {
      const auto open = list.find('"');
      if (open == std::string_view::npos) break;
      const auto close = list.find('"', open + 1);
      symbols.emplace_back(list.substr(open + 1, close - open - 1));
      list.remove_prefix(close + 1);
    }
  }
  return symbols;
}

}  // namespace

struct FakeVenue::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& context, msg::Venue v, const std::string& certificate, const std::string& key)
      : io(context),
        venue(v),
        market(feeds::MarketSimulatorOptions{.seed = 11, .venues = {v}, .events_per_second = 500}),
        tls(ssl::context::tls_server),
        acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        pace(io) {
    tls.use_certificate_chain_file(certificate);
    tls.use_private_key_file(key, ssl::context::pem);
  }

  void start() {
    asio::co_spawn(io, accept_loop(shared_from_this()), asio::detached);
    asio::co_spawn(io, send_loop(shared_from_this()), asio::detached);
  }

  static awaitable<void> accept_loop(std::shared_ptr<Impl> self) {
    for (;;) {
      error_code ec;
      tcp::socket socket = co_await self->acceptor.async_accept(asio::redirect_error(kAwait, ec));
      if (ec) co_return;
      asio::co_spawn(self->io, serve(self, std::move(socket)), asio::detached);
    }
  }

  // TLS, then either a WebSocket upgrade or one REST request.
  static awaitable<void> serve(std::shared_ptr<Impl> self, tcp::socket socket) {
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), self->tls);
    error_code ec;
    co_await stream.async_handshake(ssl::stream_base::server, asio::redirect_error(kAwait, ec));
    if (ec) co_return;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    co_await http::async_read(stream, buffer, request, asio::redirect_error(kAwait, ec));
    if (ec) co_return;
    if (!websocket::is_upgrade(request)) {
      co_await self->serve_rest(stream, request);
      co_return;
    }
    auto session = std::make_shared<Session>(WebSocket(std::move(stream)));
    co_await session->ws.async_accept(request, asio::redirect_error(kAwait, ec));
    if (ec) co_return;
    ++self->connections;
    self->sessions.push_back(session);
    co_await self->read_loop(session);
    session->closed = true;
    self->sessions.remove(session);
  }

  awaitable<void> serve_rest(beast::ssl_stream<beast::tcp_stream>& stream,
                             const http::request<http::string_body>& request) {
    http::response<http::string_body> response;
    response.version(11);
    const std::string_view target = request.target();
    const auto symbol_at = target.find("symbol=");
    std::string symbol;
    if (symbol_at != std::string_view::npos) {
      symbol = std::string(target.substr(symbol_at + 7, target.find('&', symbol_at) - symbol_at - 7));
    }
    if (venue == msg::Venue::kBinance && market.venue_book(venue, symbol) != nullptr) {
      market.request_snapshot(venue, symbol);
      response.result(http::status::ok);
      response.body() = std::string(market.next().text);
      ++snapshots_served;
    } else {
      response.result(http::status::bad_request);
      response.body() = R"({"code":-1121,"msg":"Invalid symbol."})";
    }
    response.prepare_payload();
    error_code ec;
    co_await http::async_write(stream, response, asio::redirect_error(kAwait, ec));
    co_await stream.async_shutdown(asio::redirect_error(kAwait, ec));
  }

  // Client messages: a book (re)subscription brings that book's snapshot.
  awaitable<void> read_loop(std::shared_ptr<Session> session) {
    beast::flat_buffer buffer;
    for (;;) {
      error_code ec;
      co_await session->ws.async_read(buffer, asio::redirect_error(kAwait, ec));
      if (ec) co_return;
      const std::string message = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      const bool subscribe = message.find(R"("subscribe")") != std::string::npos;
      const bool book =
          message.find(R"("channel":"book")") != std::string::npos || message.find("level2") != std::string::npos;
      if (!subscribe || !book) continue;
      ++book_subscriptions;
      for (const std::string& symbol : named_symbols(message)) market.request_snapshot(venue, symbol);
    }
  }

  // The market, a frame per millisecond, to every client.
  static awaitable<void> send_loop(std::shared_ptr<Impl> self) {
    for (;;) {
      self->pace.expires_after(std::chrono::milliseconds(1));
      error_code ec;
      co_await self->pace.async_wait(asio::redirect_error(kAwait, ec));
      if (ec) co_return;
      // A pause waits for the end of the event in progress: the venue's
      // books already hold all of it, so all of it is sent.
      if (self->sessions.empty() || (self->paused && self->market.caught_up())) continue;
      const feeds::SimulatedFrame& frame = self->market.next();
      if (frame.rest) continue;  // REST answers are served on request
      std::string text(frame.text);
      if (!self->drop_pattern.empty() && text.find(self->drop_pattern) != std::string::npos) {
        self->drop_pattern.clear();
        continue;
      }
      self->broadcast(std::move(text));
    }
  }

  void broadcast(std::string text) {
    ++frames_sent;
    for (const auto& session : sessions) {
      session->outbox.push_back(text);
      if (!session->writing) asio::co_spawn(io, write_loop(session), asio::detached);
    }
  }

  static awaitable<void> write_loop(std::shared_ptr<Session> session) {
    session->writing = true;
    while (!session->outbox.empty() && !session->closed) {
      const std::string text = std::move(session->outbox.front());
      session->outbox.pop_front();
      error_code ec;
      co_await session->ws.async_write(asio::buffer(text), asio::redirect_error(kAwait, ec));
      if (ec) break;
    }
    session->writing = false;
  }

  template <class Fn>
  auto on_server(Fn fn) {
    std::promise<decltype(fn())> done;
    asio::post(io, [&] {
      if constexpr (std::is_void_v<decltype(fn())>) {
        fn();
        done.set_value();
      } else {
        done.set_value(fn());
      }
    });
    return done.get_future().get();
  }

  asio::io_context& io;
  msg::Venue venue;
  feeds::MarketSimulator market;
  ssl::context tls;
  tcp::acceptor acceptor;
  asio::steady_timer pace;
  std::list<std::shared_ptr<Session>> sessions;
  std::string drop_pattern;
  bool paused = false;
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::uint64_t> book_subscriptions{0};
  std::atomic<std::uint64_t> snapshots_served{0};
  std::atomic<std::uint64_t> frames_sent{0};
};

FakeVenue::FakeVenue(msg::Venue venue, std::string certificate_file, std::string key_file)
    : io_(std::make_unique<asio::io_context>(1)),
      impl_(std::make_shared<Impl>(*io_, venue, certificate_file, key_file)) {
  impl_->start();
  thread_ = std::thread([this] { io_->run(); });
}

FakeVenue::~FakeVenue() {
  io_->stop();
  thread_.join();
  impl_.reset();
  io_.reset();  // destroys the coroutines still waiting, and with them the rest
}

std::uint16_t FakeVenue::port() const noexcept {
  return impl_->acceptor.local_endpoint().port();
}
msg::Venue FakeVenue::venue() const noexcept {
  return impl_->venue;
}

void FakeVenue::drop_next(std::string pattern) {
  impl_->on_server([&] { impl_->drop_pattern = std::move(pattern); });
}

void FakeVenue::inject(std::string frame) {
  impl_->on_server([&] { impl_->broadcast(std::move(frame)); });
}

void FakeVenue::drop_connections() {
  impl_->on_server([&] {
    for (const auto& session : impl_->sessions) {
      error_code ignored;
      beast::get_lowest_layer(session->ws).socket().close(ignored);
    }
  });
}

void FakeVenue::set_paused(bool paused) {
  impl_->on_server([&] { impl_->paused = paused; });
  while (paused && !impl_->on_server([&] { return impl_->market.caught_up() || impl_->sessions.empty(); })) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

feeds::OrderBook FakeVenue::book(std::string_view symbol) {
  return impl_->on_server([&] {
    const feeds::OrderBook* book = impl_->market.venue_book(impl_->venue, symbol);
    return book != nullptr ? *book : feeds::OrderBook{};
  });
}

std::uint64_t FakeVenue::connections() const noexcept {
  return impl_->connections;
}
std::uint64_t FakeVenue::book_subscriptions() const noexcept {
  return impl_->book_subscriptions;
}
std::uint64_t FakeVenue::snapshots_served() const noexcept {
  return impl_->snapshots_served;
}
std::uint64_t FakeVenue::frames_sent() const noexcept {
  return impl_->frames_sent;
}

}  // namespace rtm::testing
