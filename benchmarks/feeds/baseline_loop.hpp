#pragma once

#include <benchmark/benchmark.h>
#include <rapidjson/document.h>

#include <cstddef>

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

}  // namespace rtm::bench
