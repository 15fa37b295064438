#include "rtm/stream/stats_builder.hpp"

#include "pow10.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace rtm::stream {
namespace {

constexpr double kNanosPerSecond = 1e9;
constexpr double kNanosPerYear = 365.25 * 86'400 * kNanosPerSecond;

double to_units(std::int64_t mantissa, std::uint8_t scale) noexcept {
  return static_cast<double>(mantissa) / static_cast<double>(detail::kPow10[std::min<std::size_t>(scale, 18)]);
}

// log(a / b) for prices a, b > 0. Consecutive trades' prices are close:
// then it is 2 atanh(x), x = (a - b) / (a + b), whose series to the x^7
// term is exact to double precision while |x| < 2^-8 (the next term is
// below 2^-64 of the first), and a - b is exact for such prices. That is
// cheaper than the library's log, and more accurate than log(a / b), whose
// quotient near 1 has already lost the low digits of the return.
double log_ratio(double a, double b) noexcept {
  const double x = (a - b) / (a + b);
  if (std::abs(x) >= 0x1p-8) return std::log(a / b);
  const double x2 = x * x;
  return 2 * x * (1 + x2 * (1.0 / 3 + x2 * (1.0 / 5 + x2 * (1.0 / 7))));
}

}  // namespace

StatsBuilder::StatsBuilder(StatsOptions options, DerivedSink& sink) : options_(std::move(options)), sink_(sink) {
  if (options_.windows.empty()) throw std::invalid_argument("stats: no window configured");
  for (const auto window : options_.windows) {
    if (window.count() <= 0) throw std::invalid_argument("stats: a window must be positive");
  }
  if (options_.publish_every.count() < 0) throw std::invalid_argument("stats: publish_every cannot be negative");
}

StatsBuilder::Instrument& StatsBuilder::instrument_for(msg::Venue venue, msg::InstrumentId id) {
  auto [found, added] = instruments_.try_emplace(id);
  if (added) {
    found.venue = venue;
    found.id = id;
    for (const auto length : options_.windows) {
      Window window;
      window.length = length.count();
      found.windows.push_back(window);
    }
  }
  return found;
}

void StatsBuilder::on_trade(Handle handle, const msg::Trade& trade) {
  if (!trade.valid() || trade.price <= 0) return;
  watermark_ = std::max(watermark_, trade.header.ts_event);
  Instrument& instrument = *handle;
  const double price = to_units(trade.price, trade.price_scale);
  double squared_return = 0;
  if (!instrument.ticks.empty()) {
    const double log_return = log_ratio(price, instrument.ticks.back().price);
    squared_return = log_return * log_return;
  }
  const std::uint64_t number = instrument.end();
  instrument.ticks.push_back({trade.header.ts_event, price, squared_return});
  // The return from the tick before counts in every window that holds it.
  for (Window& window : instrument.windows) {
    if (window.first < number) {
      window.squared_returns += squared_return;
    } else {
      window.first_ts = trade.header.ts_event;  // it was empty, and holds this tick alone
    }
  }
  instrument.last_price = trade.price;
  instrument.price_scale = trade.price_scale;
  instrument.has_trade = true;
  instrument.ts_event = trade.header.ts_event;
  instrument.ts_recv = trade.header.ts_recv;
  slide(instrument);
  // As for tops: nothing is due before next_due (publish_due sets it).
  if (watermark_ >= instrument.next_due) publish_due(instrument);
}

void StatsBuilder::slide(Instrument& instrument) const {
  std::uint64_t keep_from = instrument.end();
  for (Window& window : instrument.windows) {
    const std::int64_t cutoff = watermark_ - window.length;
    while (window.first < instrument.end() && window.first_ts < cutoff) {
      ++window.first;
      if (window.first == instrument.end()) break;
      const Tick& first = instrument.tick(window.first);
      // The return into the new first tick was between a tick that left and
      // one that stays: it leaves too.
      window.squared_returns -= first.squared_return;
      window.first_ts = first.ts;
    }
    if (window.first == instrument.end()) window.squared_returns = 0;
    // The tick before the window gives change_bps its reference price.
    keep_from = std::min(keep_from, window.first == 0 ? 0 : window.first - 1);
  }
  while (instrument.dropped < keep_from) {
    instrument.ticks.pop_front();
    ++instrument.dropped;
  }
}

msg::Stats StatsBuilder::compute(const Instrument& instrument, const Window& window) {
  msg::Stats stats;
  stats.last_price = instrument.last_price;
  stats.price_scale = instrument.price_scale;
  stats.window_ns = window.length;
  const double last = to_units(instrument.last_price, instrument.price_scale);
  // The price as of the window's start: the last trade before it, or else
  // the window's first.
  double reference = last;
  if (window.first > instrument.dropped) {
    reference = instrument.tick(window.first - 1).price;
  } else if (window.first < instrument.end()) {
    reference = instrument.tick(window.first).price;
  }
  stats.change_bps = (last - reference) / reference * 1e4;
  stats.realized_volatility =
      std::sqrt(std::max(window.squared_returns, 0.0)) * std::sqrt(kNanosPerYear / static_cast<double>(window.length));
  stats.trades_per_second =
      static_cast<double>(instrument.end() - window.first) / (static_cast<double>(window.length) / kNanosPerSecond);
  if (instrument.top.live && instrument.top.bid_size > 0 && instrument.top.ask_size > 0) {
    const double bid = to_units(instrument.top.bid_price, instrument.top.price_scale);
    const double ask = to_units(instrument.top.ask_price, instrument.top.price_scale);
    const double bid_size = to_units(instrument.top.bid_size, instrument.top.size_scale);
    const double ask_size = to_units(instrument.top.ask_size, instrument.top.size_scale);
    if (bid + ask > 0) stats.spread_bps = (ask - bid) / ((ask + bid) / 2) * 1e4;
    stats.book_imbalance = (bid_size - ask_size) / (bid_size + ask_size);
  }
  return stats;
}

void StatsBuilder::publish_due(Instrument& instrument) {
  const std::int64_t every = options_.publish_every.count();
  instrument.next_due = INT64_MAX;
  for (Window& window : instrument.windows) {
    if (!window.published || watermark_ - window.published_at >= every) publish(instrument, window);
    // A window left unchanged is due again at once.
    instrument.next_due = std::min(instrument.next_due, window.published ? window.published_at + every : watermark_);
  }
}

void StatsBuilder::publish(const Instrument& instrument, Window& window) {
  msg::Stats stats = compute(instrument, window);
  stats.header.venue = instrument.venue;
  stats.header.instrument_id = instrument.id;
  if (window.published) {
    msg::Stats previous = window.last;
    previous.header = stats.header;
    if (previous == stats) return;  // nothing new to tell
  }
  stats.header.sequence = ++window.sequence;
  stats.header.ts_event = instrument.ts_event;
  stats.header.ts_recv = instrument.ts_recv;
  window.last = stats;
  window.published = true;
  window.published_at = watermark_;
  sink_.on_stats(stats);
}

}  // namespace rtm::stream
