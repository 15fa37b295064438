// libFuzzer target: arbitrary bytes as Binance frames. The adapter must never
// crash, and must account for every frame exactly once in its counters.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_sink.hpp"
#include "rtm/feeds/binance_adapter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static rtm::feeds::InstrumentCatalog catalog;
  static rtm::fuzz::CheckingSink sink;
  static rtm::feeds::BinanceAdapter adapter(catalog, sink);
  static rtm::feeds::FrameBuffer buffer;
  static std::uint64_t frames = 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  adapter.on_frame(buffer.assign(input), 1);
  ++frames;
  // The same bytes as a REST depth snapshot.
  adapter.on_depth_snapshot("BTCUSDT", buffer.assign(input), 2);
  ++frames;
  rtm::fuzz::check_counters(adapter.counters(), frames);
  return 0;
}
