// rtm's side of the WebSocket fan-out benchmark: the API server as rtm run
// has it (the hub at /ws, fed by the in-process bus), with trades published
// on the bus's market-data channel. Each trade is serialized once by the hub
// and queued to every subscribed client. The protocol: fanout_common.hpp.
#include <array>
#include <cstdio>

#include "api_server.hpp"
#include "fanout_common.hpp"
#include "rtm/common/allocator_tuning.hpp"
#include "rtm/msg/channels.hpp"
#include "rtm/msg/codec.hpp"
#include "rtm/msg/in_process_transport.hpp"

int main() {
  rtm::common::tune_allocator_for_server();  // as every rtm binary does
  using namespace rtm;
  bench::raise_descriptor_limit();
  store::HotStore store;
  store.add_instrument(bench::fanout_instrument());
  msg::InProcessTransport bus;
  api::ApiServerOptions options;
  options.http.address = "127.0.0.1";
  options.http.port = 0;
  api::ApiServer server(store, bus, options, [] { return true; });
  server.start();
  const auto publisher = bus.make_publisher(msg::kMarketDataChannel);
  std::array<std::byte, msg::kMaxRecordSize> buffer{};
  bench::serve_control(server.port(), [&](const msg::Trade& trade) {
    const msg::EncodeResult encoded = msg::encode(trade, buffer);
    if (!encoded.ok() || publisher->offer({buffer.data(), encoded.size}) != msg::PublishStatus::kOk) {
      std::fprintf(stderr, "fanout_server_rtm: a trade was not published\n");
    }
  });
  server.stop();
  return 0;
}
