#pragma once

#include <chrono>
#include <functional>
#include <memory>

namespace rtm::net {

// One thread running the I/O of every client made on it, so that their
// callbacks (and the venue adapters they feed, which are not thread-safe)
// all run on that one thread.
class EventLoop {
 public:
  EventLoop();
  ~EventLoop();  // stops and joins
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void start();
  // Stops the thread after the handler in progress; pending work is dropped.
  void stop();
  // Runs fn on the loop's thread; safe from any thread.
  void post(std::function<void()> fn);
  // Runs fn on the loop's thread after `delay`, unless the loop stops first.
  void run_after(std::chrono::milliseconds delay, std::function<void()> fn);
  [[nodiscard]] bool on_loop_thread() const noexcept;

  struct Impl;
  [[nodiscard]] Impl& impl() noexcept { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtm::net
