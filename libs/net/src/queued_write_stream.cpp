#include "queued_write_stream.hpp"

namespace rtm::net::detail {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// How much one write takes at most: IOV_MAX is 1024, and a batch this size
// already pays its system call over many messages.
constexpr std::size_t kMaxBuffers = 128;

// A server's frame header (RFC 6455 5.2): FIN, the opcode, and the payload
// length in 7 bits, or 16 or 64 bits after the marker 126 or 127. A server
// masks nothing.
std::uint8_t text_frame_header(std::size_t length, std::array<char, 10>& header) {
  constexpr unsigned char kFinalText = 0x81;
  header[0] = static_cast<char>(kFinalText);
  if (length < 126) {
    header[1] = static_cast<char>(length);
    return 2;
  }
  const int length_bytes = length <= 0xFFFF ? 2 : 8;
  header[1] = static_cast<char>(length_bytes == 2 ? 126 : 127);
  for (int i = 0; i < length_bytes; ++i) {
    header[static_cast<std::size_t>(2 + i)] = static_cast<char>((length >> (8 * (length_bytes - 1 - i))) & 0xFFU);
  }
  return static_cast<std::uint8_t>(2 + length_bytes);
}

}  // namespace

void QueuedWriteStream::queue_text(SharedText message) {
  if (error_ || close_queued_) return;
  Chunk& chunk = queue_.emplace_back();
  chunk.header_size = text_frame_header(message->size(), chunk.header);
  chunk.message = std::move(message);
}

void QueuedWriteStream::queue_copy(std::string bytes) {
  // A close frame (FIN and opcode 8; the handshake's answer starts "HTTP"):
  // Beast wrote it answering the peer's close or on our request.
  constexpr unsigned char kFinalClose = 0x88;
  if (!bytes.empty() && static_cast<unsigned char>(bytes.front()) == kFinalClose) close_queued_ = true;
  queue_.emplace_back().copy = std::move(bytes);
}

void QueuedWriteStream::flush() {
  if (writing_ || queue_.empty() || error_) return;
  buffers_.clear();
  std::size_t skip = front_written_;
  for (const Chunk& chunk : queue_) {
    if (buffers_.size() + 2 > kMaxBuffers) break;
    for (const asio::const_buffer part :
         {asio::buffer(chunk.header.data(), chunk.header_size), asio::buffer(chunk.payload())}) {
      const std::size_t skipped = std::min(skip, part.size());
      skip -= skipped;
      if (part.size() > skipped) buffers_.push_back(part + skipped);
    }
  }
  writing_ = true;
  stream_.socket().async_write_some(
      buffers_, [this, hold = owner_.lock()](error_code ec, std::size_t written) { on_written(ec, written); });
}

void QueuedWriteStream::on_written(error_code ec, std::size_t written) {
  writing_ = false;
  if (ec) {
    error_ = ec;
    queue_.clear();
    front_written_ = 0;
    drained();
    return;
  }
  drop_written(written);
  if (!queue_.empty()) {
    flush();  // the socket took part of it: the rest when it can
    return;
  }
  drained();
}

void QueuedWriteStream::drop_written(std::size_t written) {
  written += front_written_;
  while (!queue_.empty()) {
    const std::size_t size = queue_.front().size();
    if (written < size) break;
    written -= size;
    queue_.pop_front();
  }
  front_written_ = written;
}

void QueuedWriteStream::drained() {
  std::vector<std::function<void()>> waiters;
  waiters.swap(flushed_waiters_);
  for (const auto& then : waiters) then();
  if (drained_) drained_();
}

void QueuedWriteStream::when_flushed(std::function<void()> then) {
  if (idle() || error_) {
    then();
    return;
  }
  flushed_waiters_.push_back(std::move(then));
}

}  // namespace rtm::net::detail
