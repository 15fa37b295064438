// The WebSocket server's write path, read by an independent client (Beast's
// own, synchronous): messages of every length encoding arrive whole and in
// order, also when they leave in batches and the socket takes them in parts,
// with the client's pings answered between them; a close requested by the
// application follows what was queued before it; a client's close is
// answered. And the queue under it, alone: nothing follows a close frame.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "queued_write_stream.hpp"
#include "rtm/net/event_loop.hpp"
#include "rtm/net/http_server.hpp"

namespace rtm::net {
namespace {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;

// Sizes on both sides of each frame length encoding (7, 16 and 64 bits),
// and ones much larger than the server's socket buffer.
const std::vector<std::size_t> kSizes = {0, 1, 125, 126, 127, 65535, 65536, 70000, 300000, 5, 1 << 20};

std::string message_of(std::size_t size, std::size_t index) {
  std::string text(size, 'a');
  for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + (i * 7 + index) % 26);
  return text;
}

// Queues every message at once on connecting; on "close", two more and then
// a close with 4001.
class Scripted final : public WebSocketHandler {
 public:
  explicit Scripted(std::shared_ptr<WebSocketPeer> peer) : peer_(std::move(peer)) {
    for (std::size_t i = 0; i < kSizes.size(); ++i) push(message_of(kSizes[i], i));
  }
  void on_message(std::string_view text) override {
    if (text != "close") return;
    push("last but one");
    push("last");
    peer_->close(4001, "asked to");
  }
  SharedText next_message() override {
    const std::lock_guard lock(mutex_);
    if (queue_.empty()) return nullptr;
    SharedText next = std::move(queue_.front());
    queue_.pop_front();
    return next;
  }
  void on_close() override {}

 private:
  void push(std::string text) {
    {
      const std::lock_guard lock(mutex_);
      queue_.push_back(std::make_shared<const std::string>(std::move(text)));
    }
    peer_->notify();
  }

  std::shared_ptr<WebSocketPeer> peer_;
  std::mutex mutex_;
  std::deque<SharedText> queue_;
};

class WebSocketServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<HttpServer>(loop_, options, [](const HttpRequest&) {
      HttpResponse none;
      none.status = 404;
      return none;
    });
    server_->on_websocket("/ws", {}, [](std::shared_ptr<WebSocketPeer> peer, const HttpRequest&) {
      return std::make_shared<Scripted>(std::move(peer));
    });
    loop_.start();
    server_->start();
  }

  websocket::stream<asio::ip::tcp::socket> connect() {
    websocket::stream<asio::ip::tcp::socket> ws(io_);
    ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    ws.handshake("127.0.0.1", "/ws");
    return ws;
  }

  static std::string read_text(websocket::stream<asio::ip::tcp::socket>& ws) {
    boost::beast::flat_buffer buffer;
    ws.read(buffer);
    EXPECT_TRUE(ws.got_text());
    return boost::beast::buffers_to_string(buffer.data());
  }

  asio::io_context io_;
  EventLoop loop_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(WebSocketServerTest, MessagesArriveWholeAndInOrderWithPongsBetweenThem) {
  auto ws = connect();
  ws.read_message_max(0);  // no limit
  int pongs = 0;
  ws.control_callback([&](websocket::frame_type kind, boost::beast::string_view) {
    if (kind == websocket::frame_type::pong) ++pongs;
  });
  for (std::size_t i = 0; i < kSizes.size(); ++i) {
    // A ping before each read: its pong is written while messages are queued
    // or half written, and must land between them.
    ws.ping({});
    const std::string text = read_text(ws);
    ASSERT_EQ(text.size(), kSizes[i]) << "message " << i;
    EXPECT_EQ(text, message_of(kSizes[i], i)) << "message " << i;
  }
  ws.close(websocket::close_code::normal);  // returns once the server has answered it
  EXPECT_GT(pongs, 0);
}

TEST_F(WebSocketServerTest, AnApplicationCloseFollowsWhatWasQueuedBeforeIt) {
  auto ws = connect();
  ws.read_message_max(0);
  ws.write(asio::buffer(std::string("close")));
  std::vector<std::string> received;
  boost::system::error_code ec;
  for (;;) {
    boost::beast::flat_buffer buffer;
    ws.read(buffer, ec);
    if (ec) break;
    received.push_back(boost::beast::buffers_to_string(buffer.data()));
  }
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(ws.reason().code, 4001);
  EXPECT_EQ(std::string(ws.reason().reason.data(), ws.reason().reason.size()), "asked to");
  ASSERT_EQ(received.size(), kSizes.size() + 2);
  EXPECT_EQ(received[kSizes.size()], "last but one");
  EXPECT_EQ(received.back(), "last");
}

// What the far end of a connection reads from a QueuedWriteStream given
// `queue` to do, until the stream's side is shut down.
template <class Queue>
std::string written_by(Queue&& queue) {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket far(io);
  far.connect(acceptor.local_endpoint());
  detail::QueuedWriteStream layer(boost::beast::tcp_stream(acceptor.accept()));
  queue(layer);
  layer.flush();
  while (!layer.idle() && io.run_one() > 0) {
  }
  io.poll();  // Beast-side completions
  layer.next_layer().socket().shutdown(asio::socket_base::shutdown_send);
  std::string read;
  boost::system::error_code ec;
  std::array<char, 256> chunk{};
  while (!ec) read.append(chunk.data(), far.read_some(asio::buffer(chunk), ec));
  return read;
}

TEST(QueuedWriteStreamTest, MessagesAreFramedAndNothingFollowsACloseFrame) {
  EXPECT_EQ(
      written_by([](detail::QueuedWriteStream& layer) { layer.queue_text(std::make_shared<const std::string>("hi")); }),
      std::string("\x81\x02hi", 4));
  std::size_t accepted = 0;
  EXPECT_EQ(written_by([&](detail::QueuedWriteStream& layer) {
              layer.queue_text(std::make_shared<const std::string>("before"));
              const std::string close_frame("\x88\x00", 2);  // as Beast writes it
              layer.async_write_some(asio::buffer(close_frame),
                                     [&](boost::system::error_code, std::size_t n) { accepted = n; });
              layer.queue_text(std::make_shared<const std::string>("after"));
            }),
            std::string("\x81\x06"
                        "before"
                        "\x88\x00",
                        10));
  EXPECT_EQ(accepted, 2U);
}

}  // namespace
}  // namespace rtm::net
