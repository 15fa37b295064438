#include "rtm/msg/subscription_thread.hpp"

namespace rtm::msg {

SubscriptionThread::SubscriptionThread(std::unique_ptr<Subscriber> subscriber, RecordHandler& handler,
                                       Options options)
    : subscriber_(std::move(subscriber)) {
  thread_ = std::jthread([this, &handler, options](std::stop_token stop) {
    BackoffIdle idle(options.idle);
    while (!stop.stop_requested()) idle.idle(subscriber_->poll(handler, options.batch));
  });
}

void SubscriptionThread::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

}  // namespace rtm::msg
