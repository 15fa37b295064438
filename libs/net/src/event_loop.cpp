#include "event_loop_impl.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace rtm::net {

EventLoop::EventLoop() : impl_(std::make_unique<Impl>()) {}

EventLoop::~EventLoop() {
  stop();
}

void EventLoop::start() {
  if (impl_->thread.joinable()) return;
  impl_->context.restart();
  impl_->work.emplace(impl_->context.get_executor());
  impl_->thread = std::thread([this] { impl_->context.run(); });
}

void EventLoop::stop() {
  impl_->work.reset();
  impl_->context.stop();
  if (impl_->thread.joinable() && impl_->thread.get_id() != std::this_thread::get_id()) impl_->thread.join();
}

void EventLoop::post(std::function<void()> fn) {
  boost::asio::post(impl_->context, std::move(fn));
}

void EventLoop::run_after(std::chrono::milliseconds delay, std::function<void()> fn) {
  auto timer = std::make_shared<boost::asio::steady_timer>(impl_->context, delay);
  timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (!ec) fn();
  });
}

bool EventLoop::on_loop_thread() const noexcept {
  return impl_->thread.get_id() == std::this_thread::get_id();
}

}  // namespace rtm::net
