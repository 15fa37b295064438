#pragma once

#include <readerwriterqueue/readerwriterqueue.h>
#include <boost/lockfree/spsc_queue.hpp>

#include <cstdint>

#include "rtm/msg/spsc_ring.hpp"

// The same push/pop face on rtm's ring and its competitors, so that one
// benchmark body measures all of them.
namespace rtm::bench {

// The 64-byte record every queue carries.
struct Record64 {
  std::uint64_t words[8];
};
static_assert(sizeof(Record64) == 64);

struct RtmRing {
  explicit RtmRing(std::size_t capacity) : ring(capacity) {}
  bool push(const Record64& r) noexcept { return ring.try_push(r); }
  bool pop(Record64& r) noexcept { return ring.try_pop(r); }
  msg::SpscRing<Record64> ring;
};

struct BoostSpscQueue {
  explicit BoostSpscQueue(std::size_t capacity) : queue(capacity) {}
  bool push(const Record64& r) noexcept { return queue.push(r); }
  bool pop(Record64& r) noexcept { return queue.pop(r); }
  boost::lockfree::spsc_queue<Record64> queue;
};

struct MoodycamelReaderWriterQueue {
  explicit MoodycamelReaderWriterQueue(std::size_t capacity) : queue(capacity) {}
  // try_enqueue never allocates: a full queue refuses, like the others.
  bool push(const Record64& r) noexcept { return queue.try_enqueue(r); }
  bool pop(Record64& r) noexcept { return queue.try_dequeue(r); }
  moodycamel::ReaderWriterQueue<Record64> queue;
};

}  // namespace rtm::bench
