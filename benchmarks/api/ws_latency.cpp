// Tick-to-client latency over rtm's WebSocket API: C clients (rtm's own Beast
// client), each watching one instrument's trades as a dashboard does (client
// i the i-th instrument, round robin; --all: every instrument), and for
// each trade that reaches them the time from rtm receiving
// the venue's frame (the message's ts_recv) to the client receiving the
// message; percentiles are printed at the end. Client and server share the
// machine, so both read the same clock. scripts/ws_latency.sh runs it
// against rtm run on the synthetic market at 100k events/s.
//
//   rtm_ws_latency --url ws://HOST:PORT/ws [--clients 100] [--seconds 20] [--instruments a,b,..] [--all 1]
#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "fanout_common.hpp"
#include "split_flags.hpp"
#include "rtm/net/event_loop.hpp"
#include "rtm/net/websocket_client.hpp"

namespace {

using namespace std::chrono_literals;

// The synthetic market's instruments (rtm run's default feed).
constexpr const char* kSyntheticInstruments =
    "binance:BTCUSDT,binance:ETHUSDT,binance:SOLUSDT,coinbase:BTC-USD,coinbase:ETH-USD,coinbase:SOL-USD,"
    "kraken:BTC/USD,kraken:ETH/USD,kraken:SOL/USD";

struct Settings {
  std::string url;
  std::size_t clients = 100;
  double seconds = 20;
  std::vector<std::string> instruments;
  bool every_instrument = false;  // each client subscribes to all of them
};

std::optional<Settings> parse(int argc, char** argv) {
  Settings settings;
  std::string instruments = kSyntheticInstruments;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--url") {
      settings.url = value;
    } else if (flag == "--clients") {
      settings.clients = std::stoul(value);
    } else if (flag == "--seconds") {
      settings.seconds = std::stod(value);
    } else if (flag == "--instruments") {
      instruments = value;
    } else if (flag == "--all") {
      settings.every_instrument = value == "1";
    } else {
      return std::nullopt;
    }
  }
  if (argc % 2 == 0 || settings.url.empty() || settings.clients == 0 || settings.seconds <= 0) return std::nullopt;
  settings.instruments = rtm::services::split_list(instruments);
  return settings;
}

// The integer after `"key":` in a message; nullopt when it is not there.
std::optional<std::int64_t> field(std::string_view text, std::string_view key) {
  const std::size_t at = text.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  std::int64_t value = 0;
  const char* begin = text.data() + at + key.size();
  const auto [end, error] = std::from_chars(begin, text.data() + text.size(), value);
  if (error != std::errc()) return std::nullopt;
  return value;
}

double percentile(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
  return static_cast<double>(sorted[index]) / 1e3;  // ns -> us
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Settings> settings = parse(argc, argv);
  if (!settings) {
    std::fprintf(stderr,
                 "usage: rtm_ws_latency --url ws://HOST:PORT/ws [--clients N] [--seconds S] [--instruments a,b,..] "
                 "[--all 1]\n");
    return 2;
  }
  rtm::bench::raise_descriptor_limit();
  // Every client's handler runs on the loop's one thread: no locking.
  std::vector<std::int64_t> latencies;
  latencies.reserve(1U << 22);
  std::atomic<std::size_t> subscribed{0};
  std::uint64_t errors = 0;
  bool measuring = false;
  rtm::net::EventLoop loop;
  std::vector<std::unique_ptr<rtm::net::WebSocketClient>> clients;
  for (std::size_t i = 0; i < settings->clients; ++i) {
    rtm::net::WebSocketOptions options;
    options.url = settings->url;
    auto client = std::make_unique<rtm::net::WebSocketClient>(loop, options);
    rtm::net::WebSocketClient* raw = client.get();
    std::vector<std::string> watched = settings->instruments;
    if (!settings->every_instrument) watched = {settings->instruments[i % settings->instruments.size()]};
    client->on_open([raw, watched] {
      for (const std::string& instrument : watched) {
        raw->send(R"({"op":"subscribe","channel":"trades","instrument":")" + instrument + "\"}");
      }
    });
    client->on_message([&](std::string_view text, std::int64_t received) {
      if (text.find(R"("type":"trade")") != std::string_view::npos) {
        const std::optional<std::int64_t> ts_recv = field(text, R"("ts_recv":)");
        if (measuring && ts_recv) latencies.push_back(received - *ts_recv);
      } else if (text.find(R"("type":"subscribed")") != std::string_view::npos) {
        ++subscribed;
      } else if (text.find(R"("type":"error")") != std::string_view::npos) {
        ++errors;
        std::fprintf(stderr, "rtm_ws_latency: %.*s\n", static_cast<int>(text.size()), text.data());
      }
    });
    clients.push_back(std::move(client));
  }
  loop.start();
  for (auto& client : clients) client->start();
  const std::size_t wanted = settings->every_instrument ? settings->clients * settings->instruments.size()
                                                        : settings->clients;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (subscribed.load() < wanted && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  if (subscribed.load() < wanted) {
    std::fprintf(stderr, "rtm_ws_latency: %zu of %zu subscriptions confirmed\n", subscribed.load(), wanted);
    return 1;
  }
  loop.post([&] { measuring = true; });
  std::this_thread::sleep_for(std::chrono::duration<double>(settings->seconds));
  loop.post([&] { measuring = false; });
  for (auto& client : clients) client->stop();
  loop.stop();
  clients.clear();

  std::sort(latencies.begin(), latencies.end());
  std::printf(
      "%zu clients, %zu trades received in %.0f s (%.0f a second per client): ts_recv to client p50 %.0f us, "
      "p99 %.0f us, p99.9 %.0f us, max %.0f us\n",
      settings->clients, latencies.size(), settings->seconds,
      static_cast<double>(latencies.size()) / settings->seconds / static_cast<double>(settings->clients),
      percentile(latencies, 0.5), percentile(latencies, 0.99), percentile(latencies, 0.999),
      percentile(latencies, 1.0));
  return latencies.empty() || errors > 0 ? 1 : 0;
}
