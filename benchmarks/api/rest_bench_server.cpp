// The server side of the REST benchmark (scripts/rest_bench.sh): rtm's HTTP
// server answering GET /v1/bars from a hot store of 1m bars, and on the
// same server a bare handler that returns the very bytes /v1/bars gave for
// the same query, made once. wrk against both says what the API's own work
// (query parsing, the store's lookup, JSON) costs beside the HTTP server's.
// Prints the port, serves until its standard input closes.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "rest_api.hpp"
#include "rtm/common/allocator_tuning.hpp"
#include "rtm/net/event_loop.hpp"
#include "rtm/net/http_server.hpp"

int main() {
  rtm::common::tune_allocator_for_server();  // as every rtm binary does
  using namespace rtm;
  store::HotStore store;
  const msg::InstrumentId composite = msg::make_instrument_id(msg::Venue::kComposite, "BTC-USD");
  store.add_symbol(composite, "BTC-USD");
  constexpr std::int64_t kStart = 1'767'225'600'000'000'000;  // 2026-01-01
  constexpr std::int64_t kMinute = 60'000'000'000;
  for (std::int64_t i = 0; i < 2000; ++i) {
    msg::Bar bar;
    bar.header.venue = msg::Venue::kComposite;
    bar.header.instrument_id = composite;
    bar.header.flags = msg::flags::kFinal;
    bar.start_ns = kStart + i * kMinute;
    bar.interval_ns = kMinute;
    bar.open = bar.close = bar.vwap = 6'500'000'000'000 + i * 1'000'000;
    bar.high = bar.open + 50'000'000;
    bar.low = bar.open - 50'000'000;
    bar.volume = bar.buy_volume = 12'345'678;
    bar.trade_count = 42;
    bar.price_scale = bar.size_scale = 8;
    store.put_bar(bar);
  }
  api::RestApi rest(store, [] { return true; });
  const std::string query = "/v1/bars?symbol=BTC-USD&interval=1m&limit=100";
  net::HttpRequest request;
  request.method = "GET";
  request.target = query;
  const net::HttpResponse bare = rest.handle(request);
  if (bare.status != 200) {
    std::fprintf(stderr, "rest_bench_server: %s answered %d\n", query.c_str(), bare.status);
    return 1;
  }

  // What the handler alone costs per request, beside the HTTP round trips
  // wrk measures.
  constexpr int kTimedCalls = 2000;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kTimedCalls; ++i) {
    if (rest.handle(request).body.size() != bare.body.size()) return 1;
  }
  const double handler_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count() / kTimedCalls;
  std::fprintf(stderr, "rest_bench_server: the /v1/bars handler takes %.1f us per request on its own\n", handler_us);

  net::EventLoop loop;
  net::HttpServer server(loop, {.address = "127.0.0.1", .port = 0}, [&](const net::HttpRequest& r) {
    return r.path() == "/bare" ? bare : rest.handle(r);
  });
  server.start();
  loop.start();
  std::printf("%u %zu\n", static_cast<unsigned>(server.port()), bare.body.size());
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  server.stop();
  loop.stop();
  return 0;
}
