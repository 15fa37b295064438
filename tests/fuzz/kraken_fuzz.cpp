// libFuzzer target: arbitrary bytes as Kraken frames. The adapter must never
// crash, and must account for every frame exactly once in its counters.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_sink.hpp"
#include "rtm/feeds/kraken_adapter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static rtm::feeds::InstrumentCatalog catalog;
  static rtm::fuzz::CheckingSink sink;
  static rtm::feeds::KrakenAdapter adapter(catalog, sink);
  static rtm::feeds::FrameBuffer buffer;
  static std::uint64_t frames = 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  adapter.on_frame(buffer.assign(input), 1);
  ++frames;
  rtm::fuzz::check_counters(adapter.counters(), frames);
  return 0;
}
