#pragma once
// What the two WebSocket fan-out servers share (fanout_server_rtm.cpp and
// fanout_server_websocketpp.cpp), so they send the same messages to the
// same clients: the trades, their text, and the control protocol the load
// generator (fanout_bench.cpp) drives them with on standard input:
//
//   the server prints its port, then reads lines:
//   "send N RATE"  sends N trades at RATE a second, then prints "sent N"
//   end of input   the server exits
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "rtm/msg/ids.hpp"
#include "rtm/msg/records.hpp"

namespace rtm::bench {

inline constexpr const char* kFanoutInstrument = "binance:BTCUSDT";
inline constexpr const char* kFanoutSubscribe =
    R"({"op":"subscribe","channel":"trades","instrument":"binance:BTCUSDT"})";

inline std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline msg::InstrumentDef fanout_instrument() {
  msg::InstrumentDef definition;
  definition.header.venue = msg::Venue::kBinance;
  definition.header.instrument_id = msg::make_instrument_id(msg::Venue::kBinance, "BTCUSDT");
  definition.venue_symbol.assign("BTCUSDT");
  definition.canonical_symbol.assign("BTC-USD");
  definition.tick_size = 1;
  definition.lot_size = 1;
  definition.price_scale = 2;
  definition.size_scale = 8;
  return definition;
}

// The i-th trade of a run: a plausible BTC print, stamped now.
inline msg::Trade fanout_trade(std::uint64_t i) {
  msg::Trade trade;
  trade.header.venue = msg::Venue::kBinance;
  trade.header.instrument_id = fanout_instrument().header.instrument_id;
  trade.header.sequence = i + 1;
  trade.header.ts_event = wall_ns();
  trade.header.ts_recv = trade.header.ts_event;
  trade.price = 6'500'000 + static_cast<std::int64_t>(i % 1000);
  trade.size = 1'000'000 + static_cast<std::int64_t>(i % 77);
  trade.trade_id = 1'000'000 + i;
  trade.aggressor = i % 2 == 0 ? msg::Aggressor::kBuy : msg::Aggressor::kSell;
  trade.price_scale = 2;
  trade.size_scale = 8;
  return trade;
}

// Sends `count` trades through `send` at `rate` a second, paced against the
// clock so a late one does not push the rest back.
inline void pace_trades(std::uint64_t count, double rate, const std::function<void(const msg::Trade&)>& send) {
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < count; ++i) {
    std::this_thread::sleep_until(start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                              std::chrono::duration<double>(static_cast<double>(i) / rate)));
    send(fanout_trade(i));
  }
}

// A thousand connections need more descriptors than the usual soft limit.
inline void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// Prints the port, then serves the control protocol until input ends.
inline void serve_control(unsigned port, const std::function<void(const msg::Trade&)>& send) {
  std::printf("%u\n", port);
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream words(line);
    std::string op;
    std::uint64_t count = 0;
    double rate = 0;
    if (words >> op >> count >> rate && op == "send" && rate > 0) {
      pace_trades(count, rate, send);
      std::printf("sent %llu\n", static_cast<unsigned long long>(count));
    } else {
      std::printf("error: expected 'send N RATE'\n");
    }
    std::fflush(stdout);
  }
}

}  // namespace rtm::bench
