// libFuzzer target: arbitrary bytes as Kraken frames. The adapter must never
// crash, and must account for every frame exactly once in its counters.
#include "fuzz_sink.hpp"
#include "rtm/feeds/kraken_adapter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return rtm::fuzz::fuzz_adapter<rtm::feeds::KrakenAdapter>(data, size,
                                                            [](auto&, auto&, std::string_view) { return 0; });
}
