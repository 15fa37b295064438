// libFuzzer target: arbitrary bytes as Binance frames, and again as a REST
// depth snapshot. The adapter must never crash, and must account for every
// frame exactly once in its counters.
#include "fuzz_sink.hpp"
#include "rtm/feeds/binance_adapter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return rtm::fuzz::fuzz_adapter<rtm::feeds::BinanceAdapter>(
      data, size, [](rtm::feeds::BinanceAdapter& adapter, rtm::feeds::FrameBuffer& buffer, std::string_view input) {
        adapter.on_depth_snapshot("BTCUSDT", buffer.assign(input), 2);
        return 1;
      });
}
