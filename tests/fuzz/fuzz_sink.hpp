#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "rtm/feeds/record_sink.hpp"
#include "rtm/feeds/venue_adapter.hpp"

namespace rtm::fuzz {

// Aborts (so libFuzzer reports the input) on a record the adapter should
// never have emitted: one that fails its own validity check.
struct CheckingSink : feeds::RecordSink {
  template <class R>
  static void check(const R& record) {
    if (!record.valid()) {
      std::fprintf(stderr, "adapter emitted an invalid %s record\n", msg::to_string(R::kType).data());
      std::abort();
    }
  }
  void on_trade(const msg::Trade& r) override { check(r); }
  void on_bbo(const msg::Bbo& r) override { check(r); }
  void on_book_delta(const msg::BookDelta& r) override { check(r); }
  void on_status(const msg::Status& r) override { check(r); }
  void on_instrument(const msg::InstrumentDef& r) override { check(r); }
};

inline void check_counters(const feeds::AdapterCounters& c, std::uint64_t frames) {
  if (c.frames_ok + c.frames_ignored + c.frames_malformed != frames) {
    std::fprintf(stderr, "frames not accounted for: %llu ok + %llu ignored + %llu malformed != %llu\n",
                 static_cast<unsigned long long>(c.frames_ok), static_cast<unsigned long long>(c.frames_ignored),
                 static_cast<unsigned long long>(c.frames_malformed), static_cast<unsigned long long>(frames));
    std::abort();
  }
}

// One fuzz input through an adapter that lives for the whole run, so that
// state carried between frames (books, sequences) is fuzzed too. `also` may
// feed the same bytes in another way and returns how many frames it fed.
template <class Adapter, class Also>
int fuzz_adapter(const std::uint8_t* data, std::size_t size, Also also) {
  static feeds::InstrumentCatalog catalog;
  static CheckingSink sink;
  static Adapter adapter(catalog, sink);
  static feeds::FrameBuffer buffer;
  static std::uint64_t frames = 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  adapter.on_frame(buffer.assign(input), 1);
  frames += 1 + also(adapter, buffer, input);
  check_counters(adapter.counters(), frames);
  return 0;
}

}  // namespace rtm::fuzz
