#include "rtm/msg/subscription_thread.hpp"

namespace rtm::msg {

SubscriptionThread::SubscriptionThread(std::unique_ptr<Subscriber> subscriber, RecordHandler& handler, Options options)
    : subscriber_(std::move(subscriber)) {
  thread_ = std::jthread([this, &handler, options](const std::stop_token& stop) {
    try {
      BackoffIdle idle(options.idle);
      while (!stop.stop_requested()) idle.idle(subscriber_->poll(handler, options.batch));
    } catch (...) {
      std::lock_guard lock(error_mutex_);
      error_ = std::current_exception();
    }
  });
}

void SubscriptionThread::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

std::exception_ptr SubscriptionThread::error() const {
  std::lock_guard lock(error_mutex_);
  return error_;
}

}  // namespace rtm::msg
