// libFuzzer target: arbitrary bytes as a WebSocket client's message to the
// hub (subscribe, unsubscribe, ping, auth, or garbage), against a hot store
// with instruments, books and bars. The hub must never crash, and must
// answer every message (a reply, an error, or data) without closing the
// connection unless the message failed authentication.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rtm/net/http_server.hpp"
#include "ws_client_session.hpp"
#include "ws_hub.hpp"

namespace {

class QuietPeer final : public rtm::net::WebSocketPeer {
 public:
  void notify() override {}
  void close(std::uint16_t, std::string) override { closed = true; }
  bool closed = false;
};

rtm::store::HotStore& store() {
  static rtm::store::HotStore store;
  static const bool filled = [] {
    rtm::msg::InstrumentDef definition;
    definition.header.venue = rtm::msg::Venue::kBinance;
    definition.header.instrument_id = rtm::msg::make_instrument_id(rtm::msg::Venue::kBinance, "BTCUSDT");
    definition.venue_symbol.assign("BTCUSDT");
    definition.canonical_symbol.assign("BTC-USD");
    store.add_instrument(definition);
    const rtm::msg::InstrumentId composite = rtm::msg::make_instrument_id(rtm::msg::Venue::kComposite, "BTC-USD");
    store.add_symbol(composite, "BTC-USD");
    const rtm::store::BookLevel bid{100, 1}, ask{101, 2};
    store.put_book(definition.header, true, 2, 8, {&bid, 1}, {&ask, 1});
    rtm::msg::Bar bar;
    bar.header.instrument_id = composite;
    bar.header.venue = rtm::msg::Venue::kComposite;
    bar.interval_ns = 60'000'000'000;
    store.put_bar(bar);
    return true;
  }();
  (void)filled;
  return store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static rtm::api::WsHub hub(store(), {.max_subscriptions = 8, .ops_per_second = 1e9});
  auto peer = std::make_shared<QuietPeer>();
  const auto handler = hub.accept(peer, rtm::net::HttpRequest{});
  auto client = std::static_pointer_cast<rtm::api::WsClientSession>(handler);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The message twice: a repeated subscribe or unsubscribe is its own case.
  for (int round = 0; round < 2; ++round) {
    hub.handle_op(client, text);
    if (client->next_message() == nullptr && !peer->closed) __builtin_trap();  // left unanswered
    while (client->next_message() != nullptr) {
    }
  }
  client->on_close();
  return 0;
}
