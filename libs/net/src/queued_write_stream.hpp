#pragma once

// The layer under the server's WebSocket streams. Every byte written to the
// connection goes through one ordered queue, and all that is queued is
// written with one system call (a writev). That covers Beast's own frames
// (the handshake's answer, pings, pongs, the close) and the application's
// messages alike. Beast writes one message per operation and one system
// call per frame, and a fan-out's cost is mostly that system call, paid per
// message per connection. Here, what a connection's queue holds when the
// socket can take more leaves together. One queue keeps Beast's frames from
// ever landing inside a message's bytes.
//
// Beast's writes are copied into the queue and complete at once: they are
// rare and small. The application's messages go in without a copy, each
// behind a frame header built here. Private to libs/net.
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rtm/net/websocket_server.hpp"

namespace rtm::net::detail {

class QueuedWriteStream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;

  explicit QueuedWriteStream(boost::beast::tcp_stream stream) : stream_(std::move(stream)) {}

  executor_type get_executor() noexcept { return stream_.get_executor(); }
  boost::beast::tcp_stream& next_layer() noexcept { return stream_; }
  const boost::beast::tcp_stream& next_layer() const noexcept { return stream_; }

  // While a write is under way, it holds `owner` (the connection this layer
  // lives in), so that a write outlives neither.
  void set_owner(std::weak_ptr<void> owner) { owner_ = std::move(owner); }

  template <class MutableBufferSequence, class ReadHandler>
  auto async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
    return stream_.async_read_some(buffers, std::forward<ReadHandler>(handler));
  }

  // Beast's writes: queued as a copy, and completed (never from within this
  // call) with their whole size, or with the error that ended the writing.
  template <class ConstBufferSequence, class WriteHandler>
  auto async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    return boost::asio::async_initiate<WriteHandler, void(boost::system::error_code, std::size_t)>(
        [this](auto completion, const ConstBufferSequence& data) {
          std::size_t size = 0;
          if (!error_) {
            std::string copy;
            for (const auto buffer : boost::beast::buffers_range_ref(data)) {
              copy.append(static_cast<const char*>(buffer.data()), buffer.size());
            }
            size = copy.size();
            queue_copy(std::move(copy));
            flush();
          }
          boost::asio::post(get_executor(), boost::beast::bind_front_handler(std::move(completion), error_, size));
        },
        handler, buffers);
  }

  // Queues a final text frame carrying `message`, which is not copied; once
  // Beast has queued a close frame, nothing (no data may follow a close).
  void queue_text(SharedText message);
  // Writes what is queued, unless a write is under way (its end writes on).
  void flush();

  // Nothing queued and no write under way.
  [[nodiscard]] bool idle() const noexcept { return !writing_ && queue_.empty(); }
  [[nodiscard]] bool failed() const noexcept { return static_cast<bool>(error_); }
  // Called each time the queue has been written out (or writing failed): the
  // connection refills it from the application's queue.
  void on_drained(std::function<void()> drained) { drained_ = std::move(drained); }
  // Runs `then` once all that is queued now has been written, or writing
  // failed: a teardown must not cut the bytes of a close frame.
  void when_flushed(std::function<void()> then);

 private:
  // A frame's header and its payload: the application's message, or what
  // Beast wrote (header included) as a copy.
  struct Chunk {
    std::array<char, 10> header{};
    std::uint8_t header_size = 0;
    SharedText message;
    std::string copy;

    [[nodiscard]] const std::string& payload() const noexcept { return message ? *message : copy; }
    [[nodiscard]] std::size_t size() const noexcept { return header_size + payload().size(); }
  };

  void queue_copy(std::string bytes);
  void on_written(boost::system::error_code ec, std::size_t written);
  void drop_written(std::size_t written);
  void drained();

  boost::beast::tcp_stream stream_;
  std::weak_ptr<void> owner_;
  std::deque<Chunk> queue_;
  std::size_t front_written_ = 0;  // bytes of the front chunk already written
  std::vector<boost::asio::const_buffer> buffers_;
  bool writing_ = false;
  bool close_queued_ = false;
  boost::system::error_code error_;
  std::function<void()> drained_;
  std::vector<std::function<void()>> flushed_waiters_;
};

// Beast shuts the connection down through this once the close handshake is
// done, after what is queued (the close frame) has gone out.
template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, QueuedWriteStream& stream, TeardownHandler&& handler) {
  auto shared = std::make_shared<std::decay_t<TeardownHandler>>(std::forward<TeardownHandler>(handler));
  stream.when_flushed([role, &stream, shared] {
    using boost::beast::websocket::async_teardown;
    async_teardown(role, stream.next_layer(), std::move(*shared));
  });
}

}  // namespace rtm::net::detail
