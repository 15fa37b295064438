#pragma once

#include <benchmark/benchmark.h>
#include <rapidjson/document.h>

#include <charconv>
#include <cstddef>
#include <string_view>

#include "frame_set.hpp"

namespace rtm::bench {

// The loop every bare-parse baseline runs: frame after frame of `set`,
// starting over at its end. `parse_one(frame)` returns how many fields it
// failed to read; any failure fails the benchmark rather than flattering it.
template <class ParseOne>
void cycle_frames(benchmark::State& state, const FrameSet& set, ParseOne&& parse_one) {
  std::size_t i = 0;
  std::size_t failures = 0;
  for (auto _ : state) {
    failures += parse_one(set[i]);
    if (++i == set.size()) i = 0;
  }
  if (failures != 0) state.SkipWithError("parse failed");
  state.SetItemsProcessed(state.iterations());
}

// RapidJSON's DOM the usual way: each frame parsed into one reused
// Document, then `read(document)` pulls the fields out.
template <class Read>
void cycle_rapidjson(benchmark::State& state, const FrameSet& set, Read&& read) {
  rapidjson::Document document;
  cycle_frames(state, set, [&](const feeds::PaddedFrame frame) {
    document.Parse(frame.text.data(), frame.text.size());
    if (document.HasParseError() || !document.IsObject()) return std::size_t{1};
    read(document);
    return std::size_t{0};
  });
}

// A number written as a JSON string ("65000.01"), as a double: what a
// RapidJSON feed handler does with Binance's and Coinbase's quoted numbers.
// NaN when the text is no number, which the DoNotOptimize'd result shows.
inline double quoted_number(const char* text, std::size_t length) {
  double value = 0;
  const auto [end, error] = std::from_chars(text, text + length, value);
  return error == std::errc{} && end == text + length ? value : __builtin_nan("");
}
template <class JsonValue>
double quoted_number(const JsonValue& value) {
  return quoted_number(value.GetString(), value.GetStringLength());
}

}  // namespace rtm::bench
