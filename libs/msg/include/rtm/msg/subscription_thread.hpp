#pragma once

#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "rtm/msg/idle_strategy.hpp"
#include "rtm/msg/transport.hpp"

namespace rtm::msg {

// Subscribes with a handler instead of polling: a thread of its own polls the
// subscriber and calls the handler for each record, backing off when idle.
// Destruction (or stop()) ends the thread after the poll in progress; stop()
// must not be called from inside the handler. A handler that throws ends the
// thread; error() then holds the exception.
class SubscriptionThread {
 public:
  struct Options {
    std::size_t batch = 256;  // records per poll, so a stop request is seen promptly
    BackoffIdle::Options idle{};
  };

  SubscriptionThread(std::unique_ptr<Subscriber> subscriber, RecordHandler& handler, Options options);
  SubscriptionThread(std::unique_ptr<Subscriber> subscriber, RecordHandler& handler)
      : SubscriptionThread(std::move(subscriber), handler, Options{}) {}
  ~SubscriptionThread() { stop(); }
  SubscriptionThread(const SubscriptionThread&) = delete;
  SubscriptionThread& operator=(const SubscriptionThread&) = delete;

  void stop();
  [[nodiscard]] std::exception_ptr error() const;

 private:
  std::unique_ptr<Subscriber> subscriber_;
  mutable std::mutex error_mutex_;
  std::exception_ptr error_;
  std::jthread thread_;  // last: started after, and stopped before, the members it uses
};

}  // namespace rtm::msg
