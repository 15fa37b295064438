// libFuzzer target: arbitrary bytes as a REST query string. Parsing must
// never crash; every typed reader either gives a value or an error that
// names a parameter.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "query_params.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  rtm::api::QueryParams params;
  if (!params.parse(query)) {
    if (params.error().empty()) __builtin_trap();  // refused without a reason
    return 0;
  }
  for (const std::string_view name : {"instrument", "from", "to", "limit", "interval", "since", "depth", "cursor"}) {
    (void)params.text(name);
    (void)params.integer(name, 1, 10'000);
    (void)params.time(name);
    (void)params.duration_ns(name);
  }
  (void)params.unknown({"instrument", "from", "to", "limit"});
  return 0;
}
