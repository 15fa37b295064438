#pragma once

#include <random>
#include <string>
#include <utility>

#include "rtm/msg/records.hpp"

// Valid records with every field drawn at random, for round-trip tests.
namespace rtm::msg::testing {

class RandomFieldFiller {
 public:
  explicit RandomFieldFiller(std::mt19937_64& rng) : rng_(rng) {}

  // Any sign: random_record() redraws records whose sizes came out negative.
  void operator()(std::int64_t& v) { v = static_cast<std::int64_t>(rng_()); }
  void operator()(std::uint64_t& v) { v = rng_(); }
  void operator()(std::uint16_t& v) { v = static_cast<std::uint16_t>(rng_()); }
  void operator()(std::uint8_t& v) { v = static_cast<std::uint8_t>(rng_() % (kMaxDecimalScale + 1)); }
  void operator()(double& v) { v = std::uniform_real_distribution<double>(-1e9, 1e9)(rng_); }
  void operator()(Aggressor& v) { v = static_cast<Aggressor>(rng_() % 3); }
  void operator()(BookSide& v) { v = static_cast<BookSide>(1 + rng_() % 2); }
  void operator()(NbboCondition& v) { v = static_cast<NbboCondition>(rng_() % 5); }
  void operator()(AlertRule& v) { v = static_cast<AlertRule>(1 + rng_() % 5); }
  void operator()(Severity& v) { v = static_cast<Severity>(1 + rng_() % 3); }
  void operator()(StatusCode& v) { v = static_cast<StatusCode>(1 + rng_() % 8); }
  void operator()(Venue& v) { v = venue(); }
  template <std::size_t N>
  void operator()(FixedString<N>& text) {
    std::string value(rng_() % (N + 1), ' ');
    for (char& c : value) c = static_cast<char>(0x20 + rng_() % 95);
    text.assign(value);
  }
  template <std::size_t N>
  void operator()(Padding<N>) {}

  Venue venue() {
    constexpr Venue kVenues[] = {Venue::kBinance, Venue::kCoinbase, Venue::kKraken, Venue::kComposite};
    return kVenues[rng_() % 4];
  }

 private:
  std::mt19937_64& rng_;
};

template <class R>
R random_record(std::mt19937_64& rng) {
  R record{};
  RandomFieldFiller filler(rng);
  do {
    R::fields(record, filler);
    if constexpr (requires { record.low; }) {
      if (record.low > record.high) std::swap(record.low, record.high);
    }
  } while (!record.valid());
  record.header.venue = filler.venue();
  record.header.flags = static_cast<std::uint16_t>(rng() & flags::kAll);
  record.header.instrument_id = rng();
  record.header.sequence = rng();
  record.header.ts_event = static_cast<std::int64_t>(rng());
  record.header.ts_recv = static_cast<std::int64_t>(rng());
  return record;
}

inline AnyRecord random_any_record(std::mt19937_64& rng) {
  switch (rng() % 9) {
    case 0:
      return random_record<Trade>(rng);
    case 1:
      return random_record<Bbo>(rng);
    case 2:
      return random_record<BookDelta>(rng);
    case 3:
      return random_record<Bar>(rng);
    case 4:
      return random_record<Nbbo>(rng);
    case 5:
      return random_record<Stats>(rng);
    case 6:
      return random_record<Alert>(rng);
    case 7:
      return random_record<Status>(rng);
    default:
      return random_record<InstrumentDef>(rng);
  }
}

}  // namespace rtm::msg::testing
