#pragma once

#include <pthread.h>
#include <sched.h>
#include <thread>

#include "rtm/msg/idle_strategy.hpp"

namespace rtm::bench {

// Pins the calling thread to one CPU so that producer and consumer stay on
// different cores for the whole run; a no-op where the CPU does not exist.
inline void pin_to_cpu(unsigned cpu) {
  if (cpu >= std::thread::hardware_concurrency()) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

// The wait every queue under test gets while it is full or empty: a pause
// instruction, then a yield now and then, so that on a machine with fewer
// cores than threads the thread being waited for gets to run.
class SpinWait {
 public:
  void wait() {
    if (++spins_ % 64 == 0)
      std::this_thread::yield();
    else
      msg::BackoffIdle::cpu_relax();
  }

 private:
  unsigned spins_ = 0;
};

}  // namespace rtm::bench
