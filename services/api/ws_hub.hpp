#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api_keys.hpp"
#include "rtm/common/metrics.hpp"
#include "rtm/msg/records.hpp"
#include "rtm/msg/transport.hpp"
#include "rtm/net/http_server.hpp"
#include "rtm/store/hot_store.hpp"

namespace rtm::api {

struct WsHubOptions {
  std::size_t queue_limit = 512;                        // messages waiting per client
  std::chrono::milliseconds slow_grace{5'000};          // over the limit this long: disconnected
  std::size_t max_subscriptions = 100;                  // per client
  double ops_per_second = 20;                           // per client, in bursts of twice that
  std::chrono::milliseconds book_every{50};             // book and bbo updates, conflated to this
  std::chrono::milliseconds heartbeat_every{5'000};
  std::size_t snapshot_bars = 100;                      // bars sent on subscribing
  // Where rtm-to-client latency (ts_recv to the send) of trades is observed; none: not measured.
  common::Histogram* client_latency = nullptr;
  // When keys are configured, a client authenticates (its upgrade's
  // Authorization header, or an auth op) before anything but ping.
  ApiKeys* keys = nullptr;
};

struct WsHubCounters {
  std::atomic<std::uint64_t> clients{0};  // connected now
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::uint64_t> messages{0};  // messages queued to clients (one per client per message)
  std::atomic<std::uint64_t> dropped{0};   // trades pushed out of slow clients' queues
  std::atomic<std::uint64_t> slow_disconnects{0};
  std::atomic<std::uint64_t> errors{0};  // error replies: bad JSON, unknown channel, rate limited...
};

class WsClientSession;

// The WebSocket side of the API (/ws): clients subscribe to channels —
// trades, bbo and book per instrument, bars per instrument or symbol and
// interval, nbbo per symbol, stats per instrument, alerts — and get a
// snapshot where the channel has state, then updates. Records come from the
// bus (on_record, from the market-data and derived channels' readers); each
// is serialized once and the text shared by every subscriber. Each client
// has a bounded queue (ClientOutbox): a slow one loses its oldest trades
// and older states, never holds the others up, and is disconnected (4001)
// once it has stayed over its limit. Books are sent from the hot store,
// conflated to book_every.
class WsHub final : public msg::RecordHandler {
 public:
  WsHub(const store::HotStore& store, WsHubOptions options = {});
  ~WsHub() override;
  WsHub(const WsHub&) = delete;
  WsHub& operator=(const WsHub&) = delete;

  // The server's acceptor for /ws.
  std::shared_ptr<net::WebSocketHandler> accept(std::shared_ptr<net::WebSocketPeer> peer, const net::HttpRequest&);
  // Closes every connection with 1001 (going away).
  void close_all();

  void on_record(std::span<const std::byte> record) override;
  void on_gap(std::uint64_t) override {}

  [[nodiscard]] const WsHubCounters& counters() const noexcept { return counters_; }
  [[nodiscard]] const WsHubOptions& options() const noexcept { return options_; }

  // What WsClientSession calls.
  void handle_op(const std::shared_ptr<WsClientSession>& client, std::string_view text);
  void remove(WsClientSession* client);
  void count_error() { ++counters_.errors; }
  void count_dropped(std::uint64_t n) { counters_.dropped += n; }
  void count_slow() { ++counters_.slow_disconnects; }
  void count_message() { ++counters_.messages; }

 private:
  struct BookWatch {
    std::uint64_t sent_sequence = 0;
    bool sent_live = false;
    bool dirty = true;
  };

  // Sends `text` to every subscriber of `topic`.
  void deliver(const std::string& topic, const std::string& conflation_key, bool trade,
               const net::SharedText& text);
  void tick_loop(std::stop_token stop);
  void send_books();
  std::string name_of(msg::InstrumentId id);
  [[nodiscard]] bool keys_required() const { return options_.keys != nullptr && options_.keys->required(); }
  void send_snapshot(WsClientSession& client, const std::string& topic, msg::InstrumentId id,
                     std::int64_t interval_ns, std::size_t depth);

  const store::HotStore& store_;
  WsHubOptions options_;
  WsHubCounters counters_;
  std::mutex mutex_;  // guards what follows
  std::map<std::string, std::vector<std::weak_ptr<WsClientSession>>> topics_;
  std::set<std::shared_ptr<WsClientSession>> clients_;
  std::unordered_map<msg::InstrumentId, BookWatch> books_;
  std::unordered_map<msg::InstrumentId, std::string> names_;
  std::jthread ticker_;  // last: stopped before the state it uses goes
};

}  // namespace rtm::api
