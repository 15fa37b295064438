#include "ws_client_session.hpp"

#include <algorithm>

#include "ws_hub.hpp"

namespace rtm::api {

WsClientSession::WsClientSession(WsHub& hub, std::shared_ptr<net::WebSocketPeer> peer)
    : hub_(hub),
      peer_(std::move(peer)),
      outbox_(hub.options().queue_limit),
      tokens_(2 * hub.options().ops_per_second),
      refilled_(std::chrono::steady_clock::now()) {}

void WsClientSession::on_message(std::string_view text) {
  hub_.handle_op(shared_from_this(), text);
}

net::SharedText WsClientSession::next_message() {
  std::lock_guard lock(mutex_);
  return outbox_.pop();
}

void WsClientSession::on_close() {
  hub_.remove(this);
}

void WsClientSession::send_state(const std::string& key, const net::SharedText& text) {
  std::unique_lock lock(mutex_);
  if (closing_) return;
  outbox_.push_state(key, text);
  after_push(lock);
}

void WsClientSession::send_trade(const std::string& stream, const net::SharedText& text) {
  std::unique_lock lock(mutex_);
  if (closing_) return;
  outbox_.push_trade(stream, text);
  after_push(lock);
}

void WsClientSession::send_control(const net::SharedText& text) {
  std::unique_lock lock(mutex_);
  if (closing_) return;
  outbox_.push_control(text);
  after_push(lock);
}

void WsClientSession::after_push(std::unique_lock<std::mutex>& lock) {
  hub_.count_message();
  const std::uint64_t dropped = outbox_.dropped() - dropped_reported_;
  dropped_reported_ = outbox_.dropped();
  const auto over_since = outbox_.over_limit_since();
  const bool hopeless = !closing_ && over_since &&
                        std::chrono::steady_clock::now() - *over_since > hub_.options().slow_grace;
  if (hopeless) {
    closing_ = true;
    outbox_.clear();  // what it could not take goes: the close frame is next
  }
  // The writer takes messages until the queue is empty, then waits to be
  // woken: only a push into an empty queue needs to wake it.
  const bool wake = outbox_.size() == 1;
  lock.unlock();
  if (dropped > 0) hub_.count_dropped(dropped);
  if (hopeless) {
    hub_.count_slow();
    peer_->close(net::close_code::kSlowConsumer, "slow consumer: over its queue limit for too long");
    return;
  }
  if (wake) peer_->notify();
}

void WsClientSession::close(std::uint16_t code, std::string reason) {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  peer_->close(code, std::move(reason));
}

bool WsClientSession::take_op_token() {
  const double rate = hub_.options().ops_per_second;
  const auto now = std::chrono::steady_clock::now();
  tokens_ = std::min(2 * rate, tokens_ + rate * std::chrono::duration<double>(now - refilled_).count());
  refilled_ = now;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

}  // namespace rtm::api
