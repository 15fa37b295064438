#pragma once

#include <cstdio>
#include <cstdlib>

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

}  // namespace rtm::fuzz
