#include "rtm/feeds/market_simulator.hpp"

#include <algorithm>
#include <cmath>
#include <deque>

#include "rtm/feeds/kraken_adapter.hpp"
#include "simulator/random.hpp"
#include "simulator/venue_frames.hpp"

namespace rtm::feeds {

using simulator::Fill;
using simulator::FrameContext;
using simulator::LevelChange;

std::vector<SimulatedAsset> default_simulated_assets() {
  return {{.base = "BTC", .start_price = 65'000.0, .price_decimals = 1, .volatility = 4e-4, .typical_size = 0.4},
          {.base = "ETH", .start_price = 3'400.0, .price_decimals = 2, .volatility = 5e-4, .typical_size = 4.0},
          {.base = "SOL", .start_price = 150.0, .price_decimals = 2, .volatility = 7e-4, .typical_size = 60.0}};
}

namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
constexpr std::size_t kKrakenDepth = 10;  // what its checksum covers, and the depth subscribed
constexpr double kBasisReversionSeconds = 20;
constexpr double kBasisVolatility = 1e-4;  // per square root of a second: a stationary spread of ~3 bps
constexpr double kTradeBurstShare = 0.3;

std::string venue_symbol(msg::Venue venue, const std::string& base) {
  switch (venue) {
    case msg::Venue::kBinance:
      return base + "USDT";
    case msg::Venue::kCoinbase:
      return base + "-USD";
    default:
      return base + "/USD";
  }
}

std::string_view stream_url(msg::Venue venue) {
  return venue == msg::Venue::kCoinbase ? "wss://ws-feed.exchange.coinbase.com" : "wss://ws.kraken.com/v2";
}

// One asset as one venue lists it, and what that venue's feed has said of it.
struct Listing {
  msg::Venue venue = msg::Venue::kUnknown;
  std::size_t asset = 0;
  std::string symbol;
  std::size_t depth = 0;
  OrderBook book;
  double basis = 0;                // log premium of this venue over the asset's price
  std::uint64_t update_id = 1000;  // Binance's book update ids
  std::uint64_t sequence = 1;      // Coinbase's message sequence
  std::uint64_t trade_id = 1;
  Fill last_fill;
};

enum class FrameKind : std::uint8_t { kOther, kBookUpdate };

struct Pending {
  msg::Venue venue = msg::Venue::kUnknown;
  bool rest = false;
  FrameKind kind = FrameKind::kOther;
  std::string symbol;
  std::string url;
  std::string text;
  std::int64_t ts_ns = 0;
};

// Book changes of one event, at most one per price and side (the last wins),
// applied to the listing's book as they are recorded.
class ChangeSet {
 public:
  explicit ChangeSet(OrderBook& book) : book_(book) {}
  void set(msg::BookSide side, std::int64_t price, std::int64_t size) {
    book_.apply(side, price, size);
    for (LevelChange& change : changes_) {
      if (change.side == side && change.price == price) {
        change.size = size;
        return;
      }
    }
    changes_.push_back({side, price, size});
  }
  [[nodiscard]] const std::vector<LevelChange>& changes() const noexcept { return changes_; }

 private:
  OrderBook& book_;
  std::vector<LevelChange> changes_;
};

}  // namespace

struct MarketSimulator::Impl {
  explicit Impl(MarketSimulatorOptions opts)
      : options(std::move(opts)), random(options.seed), now(options.start_time_ns) {
    next_heartbeat = now + kNanosPerSecond;
    for (const SimulatedAsset& asset : options.assets) log_price.push_back(std::log(asset.start_price));
    for (const msg::Venue venue : options.venues) {
      for (std::size_t a = 0; a < options.assets.size(); ++a) {
        Listing& listing = listings.emplace_back();
        listing.venue = venue;
        listing.asset = a;
        listing.symbol = venue_symbol(venue, options.assets[a].base);
        listing.depth = venue == msg::Venue::kKraken ? kKrakenDepth : std::max<std::size_t>(options.book_depth, 1);
        listing.basis = 2e-4 * random.normal();
        ChangeSet initial(listing.book);
        reshape(listing, initial);
      }
    }
    announce();
  }

  // What a fresh connection to each venue receives first.
  void announce() {
    std::vector<std::string> coinbase_products;
    std::vector<simulator::KrakenPair> kraken_pairs;
    for (const Listing& listing : listings) {
      if (listing.venue == msg::Venue::kCoinbase) coinbase_products.push_back(listing.symbol);
      if (listing.venue == msg::Venue::kKraken) {
        kraken_pairs.push_back({listing.symbol, options.assets[listing.asset].price_decimals});
      }
    }
    if (!coinbase_products.empty()) {
      enqueue(msg::Venue::kCoinbase, FrameKind::kOther, "", simulator::coinbase_subscriptions(coinbase_products));
    }
    if (!kraken_pairs.empty()) {
      enqueue(msg::Venue::kKraken, FrameKind::kOther, "", simulator::kraken_instrument(kraken_pairs));
    }
    for (Listing& listing : listings) {
      if (listing.venue != msg::Venue::kBinance) pending.push_back(snapshot_of(listing));
    }
  }

  FrameContext context(const Listing& listing) const {
    return {listing.symbol, options.assets[listing.asset].price_decimals, now};
  }

  void enqueue(msg::Venue venue, FrameKind kind, std::string_view symbol, std::string text) {
    Pending frame;
    frame.venue = venue;
    frame.kind = kind;
    frame.symbol = symbol;
    frame.url = venue == msg::Venue::kBinance ? simulator::binance_stream_url(symbol) : std::string(stream_url(venue));
    frame.text = std::move(text);
    frame.ts_ns = now;
    pending.push_back(std::move(frame));
  }

  Pending snapshot_of(const Listing& listing) const {
    Pending frame;
    frame.venue = listing.venue;
    frame.symbol = listing.symbol;
    frame.ts_ns = now;
    const FrameContext at = context(listing);
    switch (listing.venue) {
      case msg::Venue::kBinance:
        frame.rest = true;
        frame.url = simulator::binance_snapshot_url(listing.symbol);
        frame.text = simulator::binance_snapshot(at, listing.update_id, listing.book);
        break;
      case msg::Venue::kCoinbase:
        frame.url = stream_url(listing.venue);
        frame.text = simulator::coinbase_snapshot(at, listing.book);
        break;
      default: {
        frame.url = stream_url(listing.venue);
        std::vector<LevelChange> levels;
        for (const auto side : {msg::BookSide::kBid, msg::BookSide::kAsk}) {
          for (std::size_t i = 0; i < listing.book.depth(side); ++i) {
            const PriceLevel level = listing.book.level(side, i);
            levels.push_back({side, level.price, level.size});
          }
        }
        frame.text = simulator::kraken_book(at, "snapshot", levels, kraken_book_checksum(listing.book));
      }
    }
    return frame;
  }

  // The listing's price now, in ticks (mantissa units at the asset's decimals).
  double fair_ticks(const Listing& listing) const {
    const int decimals = options.assets[listing.asset].price_decimals;
    return std::exp(log_price[listing.asset] + listing.basis) * std::pow(10.0, decimals);
  }

  std::int64_t level_size(const Listing& listing) {
    const double size = random.lognormal(options.assets[listing.asset].typical_size, 0.8);
    return std::max<std::int64_t>(10'000, static_cast<std::int64_t>(size * 1e8));  // at least 0.0001
  }

  // Moves the book's top to the listing's current price, stirs a few levels
  // near it, and keeps `depth` levels a side.
  void reshape(Listing& listing, ChangeSet& changes) {
    OrderBook& book = listing.book;
    const auto spread = static_cast<std::int64_t>(1 + random.below(3));
    const auto best_bid = static_cast<std::int64_t>(std::floor(fair_ticks(listing) - static_cast<double>(spread) / 2));
    const std::int64_t best_ask = best_bid + spread;
    while (book.best_bid() && book.best_bid()->price > best_bid)
      changes.set(msg::BookSide::kBid, book.best_bid()->price, 0);
    while (book.best_ask() && book.best_ask()->price < best_ask)
      changes.set(msg::BookSide::kAsk, book.best_ask()->price, 0);
    if (!book.best_bid() || book.best_bid()->price != best_bid) {
      changes.set(msg::BookSide::kBid, best_bid, level_size(listing));
    }
    if (!book.best_ask() || book.best_ask()->price != best_ask) {
      changes.set(msg::BookSide::kAsk, best_ask, level_size(listing));
    }
    const std::uint64_t stirs = 1 + random.below(3);
    for (std::uint64_t i = 0; i < stirs; ++i) {
      const bool bid = random.chance(0.5);
      const auto distance =
          static_cast<std::int64_t>(std::min(random.exponential(3.0), static_cast<double>(2 * listing.depth)));
      const std::int64_t price = bid ? best_bid - distance : best_ask + distance;
      const bool remove = distance > 0 && random.chance(0.25);
      changes.set(bid ? msg::BookSide::kBid : msg::BookSide::kAsk, price, remove ? 0 : level_size(listing));
    }
    for (const auto side : {msg::BookSide::kBid, msg::BookSide::kAsk}) {
      const std::int64_t outward = side == msg::BookSide::kBid ? -1 : 1;
      while (book.depth(side) < listing.depth) {
        const std::int64_t worst = book.level(side, book.depth(side) - 1).price;
        changes.set(side, worst + outward * static_cast<std::int64_t>(1 + random.below(3)), level_size(listing));
      }
      while (book.depth(side) > listing.depth) changes.set(side, book.level(side, book.depth(side) - 1).price, 0);
    }
  }

  void advance_prices(double dt) {
    const double market = random.normal();
    const double rho = std::clamp(options.correlation, 0.0, 1.0);
    for (std::size_t a = 0; a < log_price.size(); ++a) {
      const double shock = std::sqrt(rho) * market + std::sqrt(1 - rho) * random.normal();
      log_price[a] += options.assets[a].volatility * std::sqrt(dt) * shock;
    }
    for (Listing& listing : listings) {
      listing.basis +=
          -listing.basis * dt / kBasisReversionSeconds + kBasisVolatility * std::sqrt(dt) * random.normal();
    }
  }

  bool lost() { return options.loss_rate > 0 && random.chance(options.loss_rate); }

  void publish_book_update(Listing& listing, const std::vector<LevelChange>& changes, bool top_changed) {
    if (changes.empty()) return;
    const FrameContext at = context(listing);
    switch (listing.venue) {
      case msg::Venue::kBinance: {
        const std::uint64_t first = listing.update_id + 1;
        listing.update_id += changes.size();
        if (!lost()) {
          enqueue(listing.venue, FrameKind::kBookUpdate, listing.symbol,
                  simulator::binance_depth(at, first, listing.update_id, changes));
        }
        if (top_changed) {
          enqueue(listing.venue, FrameKind::kOther, listing.symbol,
                  simulator::binance_book_ticker(at, listing.update_id, listing.book));
        }
        break;
      }
      case msg::Venue::kCoinbase:
        // Level2 messages carry no sequence number, so a lost one could not
        // be noticed; the simulated network loses matches instead.
        enqueue(listing.venue, FrameKind::kBookUpdate, listing.symbol, simulator::coinbase_l2update(at, changes));
        break;
      default:
        if (!lost()) {
          enqueue(listing.venue, FrameKind::kBookUpdate, listing.symbol,
                  simulator::kraken_book(at, "update", changes, kraken_book_checksum(listing.book)));
        }
    }
  }

  void book_event(Listing& listing) {
    const auto top_before = std::make_pair(listing.book.best_bid(), listing.book.best_ask());
    ChangeSet changes(listing.book);
    reshape(listing, changes);
    publish_book_update(listing, changes.changes(),
                        top_before != std::make_pair(listing.book.best_bid(), listing.book.best_ask()));
  }

  // An aggressive order that walks the top levels of one side.
  void trade_burst(Listing& listing) {
    const bool buy = random.chance(0.5);
    const msg::BookSide resting = buy ? msg::BookSide::kAsk : msg::BookSide::kBid;
    auto remaining =
        static_cast<std::int64_t>(random.lognormal(0.5 * options.assets[listing.asset].typical_size, 1.0) * 1e8);
    remaining = std::max<std::int64_t>(remaining, 10'000);
    ChangeSet changes(listing.book);
    std::vector<Fill> fills;
    while (remaining > 0 && listing.book.depth(resting) > 1 && fills.size() < 5) {
      const PriceLevel top = listing.book.level(resting, 0);
      const std::int64_t size = std::min(top.size, remaining);
      fills.push_back({buy, top.price, size, listing.trade_id++});
      changes.set(resting, top.price, top.size - size);
      remaining -= size;
    }
    if (fills.empty()) return;
    // Makers refill what was taken at once, so spreads stay realistic.
    reshape(listing, changes);
    listing.last_fill = fills.back();
    const FrameContext at = context(listing);
    switch (listing.venue) {
      case msg::Venue::kBinance:
        for (const Fill& fill : fills) {
          enqueue(listing.venue, FrameKind::kOther, listing.symbol, simulator::binance_trade(at, fill));
        }
        break;
      case msg::Venue::kCoinbase:
        for (const Fill& fill : fills) {
          const std::uint64_t sequence = ++listing.sequence;
          if (!lost()) {
            enqueue(listing.venue, FrameKind::kOther, listing.symbol, simulator::coinbase_match(at, sequence, fill));
          }
        }
        break;
      default:
        enqueue(listing.venue, FrameKind::kOther, listing.symbol, simulator::kraken_trade(at, fills));
    }
    publish_book_update(listing, changes.changes(), true);
    if (listing.venue == msg::Venue::kCoinbase) {
      enqueue(listing.venue, FrameKind::kOther, listing.symbol,
              simulator::coinbase_ticker(at, listing.sequence, listing.last_fill, listing.book));
    }
  }

  void heartbeats() {
    bool kraken = false;
    for (const Listing& listing : listings) {
      if (listing.venue == msg::Venue::kCoinbase) {
        enqueue(listing.venue, FrameKind::kOther, listing.symbol,
                simulator::coinbase_heartbeat(context(listing), listing.sequence, listing.trade_id - 1));
      }
      kraken = kraken || listing.venue == msg::Venue::kKraken;
    }
    if (kraken) enqueue(msg::Venue::kKraken, FrameKind::kOther, "", simulator::kraken_heartbeat());
  }

  // Advances simulated time to the next event and queues its frames.
  void step() {
    const double dt = random.exponential(1.0 / std::max(options.events_per_second, 1e-3));
    now += static_cast<std::int64_t>(dt * 1e9);
    advance_prices(dt);
    if (now >= next_heartbeat) {
      next_heartbeat += kNanosPerSecond;
      heartbeats();
    }
    if (listings.empty()) return;
    Listing& listing = listings[random.below(listings.size())];
    if (random.chance(kTradeBurstShare)) {
      trade_burst(listing);
    } else {
      book_event(listing);
    }
  }

  Listing* find(msg::Venue venue, std::string_view symbol) {
    for (Listing& listing : listings) {
      if (listing.venue == venue && listing.symbol == symbol) return &listing;
    }
    return nullptr;
  }

  MarketSimulatorOptions options;
  simulator::Random random;
  std::int64_t now;
  std::int64_t next_heartbeat = 0;
  std::vector<double> log_price;
  std::vector<Listing> listings;
  std::deque<Pending> pending;
  Pending current;
  SimulatedFrame handed_out;
};

MarketSimulator::MarketSimulator(MarketSimulatorOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
MarketSimulator::~MarketSimulator() = default;

const SimulatedFrame& MarketSimulator::next() {
  while (impl_->pending.empty()) impl_->step();
  impl_->current = std::move(impl_->pending.front());
  impl_->pending.pop_front();
  const Pending& current = impl_->current;
  impl_->handed_out = {current.venue, current.rest, current.url, current.text, current.ts_ns};
  return impl_->handed_out;
}

void MarketSimulator::request_snapshot(msg::Venue venue, std::string_view symbol) {
  const Listing* listing = impl_->find(venue, symbol);
  if (listing == nullptr) return;
  auto& pending = impl_->pending;
  if (venue != msg::Venue::kBinance) {
    // A resubscription supersedes the updates still on their way: they
    // would never be sent on the new subscription.
    std::erase_if(pending, [&](const Pending& frame) {
      return frame.venue == venue && frame.kind == FrameKind::kBookUpdate && frame.symbol == symbol;
    });
  }
  pending.push_front(impl_->snapshot_of(*listing));
}

bool MarketSimulator::caught_up() const noexcept {
  return impl_->pending.empty();
}

const OrderBook* MarketSimulator::venue_book(msg::Venue venue, std::string_view symbol) const {
  const Listing* listing = impl_->find(venue, symbol);
  return listing == nullptr ? nullptr : &listing->book;
}

std::vector<std::string> MarketSimulator::symbols(msg::Venue venue) const {
  std::vector<std::string> out;
  for (const Listing& listing : impl_->listings) {
    if (listing.venue == venue) out.push_back(listing.symbol);
  }
  return out;
}

const MarketSimulatorOptions& MarketSimulator::options() const noexcept {
  return impl_->options;
}

}  // namespace rtm::feeds
