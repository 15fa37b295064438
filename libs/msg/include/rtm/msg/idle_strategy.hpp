#pragma once

#include <chrono>
#include <cstddef>
#include <thread>

namespace rtm::msg {

// What a polling loop does when a poll found nothing: spin briefly (the next
// record is usually nanoseconds away), then yield the core, then sleep with
// growing pauses so an idle channel costs no CPU. Any work resets it.
class BackoffIdle {
 public:
  struct Options {
    unsigned spins = 64;
    unsigned yields = 64;
    std::chrono::microseconds min_sleep{1};
    std::chrono::microseconds max_sleep{1000};
  };

  BackoffIdle() = default;
  explicit BackoffIdle(Options options) : options_(options) {}

  void idle(std::size_t work_done) {
    if (work_done > 0) {
      reset();
      return;
    }
    if (spins_ < options_.spins) {
      ++spins_;
      cpu_relax();
    } else if (yields_ < options_.yields) {
      ++yields_;
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(sleep_);
      sleep_ = sleep_ * 2 > options_.max_sleep ? options_.max_sleep : sleep_ * 2;
    }
  }

  void reset() noexcept {
    spins_ = 0;
    yields_ = 0;
    sleep_ = options_.min_sleep;
  }

  static void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
  }

 private:
  Options options_{};
  unsigned spins_ = 0;
  unsigned yields_ = 0;
  std::chrono::microseconds sleep_{options_.min_sleep};
};

}  // namespace rtm::msg
