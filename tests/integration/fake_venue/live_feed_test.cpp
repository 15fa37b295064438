// Live connections against a fake venue over real TLS: the client must
// reconnect, resubscribe and resync through lost messages, malformed frames,
// dropped connections and silence, and end with the venue's own book.
#include "live_feed.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <thread>

#include "fake_venue.hpp"
#include "rtm/feeds/binance_adapter.hpp"
#include "rtm/feeds/kraken_adapter.hpp"
#include "rtm/net/event_loop.hpp"

namespace rtm::testing {
namespace {

using feeds::BookState;
using msg::Venue;

const std::string kCertificate = std::string(RTM_TLS_DIR) + "/localhost.crt";
const std::string kKey = std::string(RTM_TLS_DIR) + "/localhost.key";

// Waits for `condition`, checking every 10 ms; false after `limit` (a guard
// against hanging, far longer than any of this should take).
bool eventually(const std::function<bool()>& condition, std::chrono::seconds limit = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

// A venue, and a client connected to it through LiveFeed as rtm-ingest would.
template <class Adapter>
class LiveFeedTest : public ::testing::Test {
 protected:
  LiveFeedTest(Venue venue, std::vector<std::string> symbols)
      : venue_(venue, kCertificate, kKey), adapter_(catalog_, sink_), symbols_(std::move(symbols)) {}

  void connect(const std::string& ca_file = kCertificate) {
    ingest::LiveFeedOptions options;
    options.venue = venue_kind();
    options.symbols = symbols_;
    const std::string base = "127.0.0.1:" + std::to_string(venue_.port());
    options.endpoints = {"wss://" + base + (venue_kind() == Venue::kKraken ? "/v2" : ""), "https://" + base};
    options.websocket.tls.ca_file = ca_file;
    options.http.tls.ca_file = ca_file;
    // Long enough not to expire while a test compares books with the venue
    // quiet, short enough for the silence test.
    options.websocket.read_timeout = std::chrono::milliseconds(2000);
    options.websocket.backoff = {std::chrono::milliseconds(20), std::chrono::milliseconds(200), 2.0, 0.2};
    options.min_resubscribe_interval = std::chrono::milliseconds(0);
    feed_ = std::make_unique<ingest::LiveFeed>(loop_, adapter_, options);
    loop_.start();
    feed_->start();
  }

  void TearDown() override {
    loop_.stop();
    feed_.reset();
  }

  Venue venue_kind() const { return venue_.venue(); }

  // Runs fn on the client's loop thread, where the adapter lives.
  template <class Fn>
  auto on_loop(Fn fn) {
    std::promise<decltype(fn())> result;
    loop_.post([&] { result.set_value(fn()); });
    return result.get_future().get();
  }

  bool all_live() {
    return on_loop([&] {
      for (const std::string& symbol : symbols_) {
        if (adapter_.book_state(symbol) != BookState::kLive) return false;
      }
      return true;
    });
  }
  feeds::AdapterCounters counters() {
    return on_loop([&] { return adapter_.counters(); });
  }

  // Quiet the venue (its books stop changing), then the client's books must
  // become equal to them, once it has taken in what was on its way.
  void expect_books_equal_venue() {
    venue_.set_paused(true);
    eventually([&] { return mismatch().empty(); }, std::chrono::seconds(1));
    EXPECT_EQ(mismatch(), "");
    venue_.set_paused(false);
  }

  // The first difference between the client's books and the venue's; empty
  // when they are equal level by level and the client's are live.
  std::string mismatch() {
    for (const std::string& symbol : symbols_) {
      const feeds::OrderBook theirs = venue_.book(symbol);
      const auto [ours, state] = on_loop([&] {
        const feeds::OrderBook* book = adapter_.book(symbol);
        return std::make_pair(book != nullptr ? *book : feeds::OrderBook{}, adapter_.book_state(symbol));
      });
      if (state != BookState::kLive) return symbol + ": not live";
      const std::int64_t factor = price_factor(symbol);
      for (const auto side : {msg::BookSide::kBid, msg::BookSide::kAsk}) {
        const char* side_name = side == msg::BookSide::kBid ? " bids" : " asks";
        if (ours.depth(side) != theirs.depth(side)) return symbol + side_name + ": depth differs";
        for (std::size_t i = 0; i < theirs.depth(side); ++i) {
          const feeds::PriceLevel level = theirs.level(side, i);
          if (ours.level(side, i) != feeds::PriceLevel{level.price * factor, level.size}) {
            return symbol + side_name + " level " + std::to_string(i) + ": ours " +
                   std::to_string(ours.level(side, i).price) + " x " + std::to_string(ours.level(side, i).size) +
                   ", the venue's " + std::to_string(level.price * factor) + " x " + std::to_string(level.size);
          }
        }
      }
    }
    return "";
  }

  // Binance's adapter keeps prices at scale 8, the venue at the asset's
  // decimals; Kraken's adapter uses the pair's precision, as the venue does.
  std::int64_t price_factor(const std::string& symbol) const {
    if (venue_kind() == Venue::kKraken) return 1;
    for (const feeds::SimulatedAsset& asset : feeds::default_simulated_assets()) {
      if (symbol.starts_with(asset.base)) {
        std::int64_t factor = 1;
        for (int i = asset.price_decimals; i < 8; ++i) factor *= 10;
        return factor;
      }
    }
    return 1;
  }

  FakeVenue venue_;
  feeds::InstrumentCatalog catalog_;
  feeds::DiscardingSink sink_;
  Adapter adapter_;
  std::vector<std::string> symbols_;
  net::EventLoop loop_;
  std::unique_ptr<ingest::LiveFeed> feed_;
};

class BinanceLiveFeedTest : public LiveFeedTest<feeds::BinanceAdapter> {
 protected:
  BinanceLiveFeedTest() : LiveFeedTest(Venue::kBinance, {"BTCUSDT", "ETHUSDT", "SOLUSDT"}) {}
};

class KrakenLiveFeedTest : public LiveFeedTest<feeds::KrakenAdapter> {
 protected:
  KrakenLiveFeedTest() : LiveFeedTest(Venue::kKraken, {"BTC/USD", "ETH/USD", "SOL/USD"}) {}
};

TEST_F(BinanceLiveFeedTest, ResyncsThroughGapsMalformedFramesDropsAndSilence) {
  connect();
  ASSERT_TRUE(eventually([&] { return all_live(); })) << "every book from its first REST snapshot";
  EXPECT_GE(venue_.snapshots_served(), 3U);
  expect_books_equal_venue();

  // A lost diff: the update ids jump, the book resyncs from a new snapshot.
  const std::uint64_t snapshots = venue_.snapshots_served();
  venue_.drop_next("depthUpdate");
  ASSERT_TRUE(eventually([&] { return counters().gaps >= 1 && venue_.snapshots_served() > snapshots && all_live(); }));

  // Garbage on the wire is counted and skipped.
  venue_.inject("{not json");
  venue_.inject(R"({"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","s":"BTCUSDT","U":"x"}})");
  ASSERT_TRUE(eventually([&] { return counters().frames_malformed >= 2; }));
  EXPECT_TRUE(all_live());

  // The venue drops the connection: the client reconnects and resyncs.
  venue_.drop_connections();
  ASSERT_TRUE(eventually([&] { return venue_.connections() >= 2 && feed_->connection().connects >= 2; }));
  ASSERT_TRUE(eventually([&] { return all_live(); }));

  // The venue goes silent past the read timeout: the feed is stale, the
  // client connects again.
  venue_.set_paused(true);
  ASSERT_TRUE(eventually([&] { return feed_->connection().stale_timeouts >= 1; }));
  venue_.set_paused(false);
  ASSERT_TRUE(eventually([&] { return feed_->connection().connects >= 3 && all_live(); }));

  expect_books_equal_venue();
}

TEST_F(KrakenLiveFeedTest, ResubscribesThroughChecksumMismatchesAndReconnects) {
  connect();
  ASSERT_TRUE(eventually([&] { return all_live(); })) << "every book from its subscription's snapshot";
  expect_books_equal_venue();
  EXPECT_EQ(on_loop([&] { return adapter_.last_checksum("BTC/USD"); }), feeds::ChecksumStatus::kOk);

  // A lost update: the next checksum disagrees, the book is resubscribed.
  // (An update whose levels the next one sets again heals itself, and no
  // checksum ever disagrees: then another is lost.)
  const std::uint64_t subscriptions = venue_.book_subscriptions();
  for (int lost = 0; lost < 5 && counters().checksum_failures == 0; ++lost) {
    venue_.drop_next(R"("channel":"book","type":"update")");
    eventually([&] { return counters().checksum_failures >= 1; }, std::chrono::seconds(5));
  }
  ASSERT_TRUE(eventually(
      [&] { return counters().checksum_failures >= 1 && venue_.book_subscriptions() > subscriptions && all_live(); }));
  EXPECT_GE(feed_->counters().resubscriptions, 1U);

  // After a reconnect the client subscribes again by itself.
  const std::uint64_t before = venue_.book_subscriptions();
  venue_.drop_connections();
  ASSERT_TRUE(eventually([&] { return venue_.book_subscriptions() > before && all_live(); }));
  expect_books_equal_venue();
}

TEST_F(BinanceLiveFeedTest, RefusesAnUntrustedCertificate) {
  // Without the test CA, the self-signed certificate must not be accepted.
  connect(std::string(RTM_TLS_DIR) + "/other-ca.crt");
  ASSERT_TRUE(eventually([&] { return feed_->connection().connect_failures >= 2; }));
  EXPECT_EQ(feed_->connection().connects, 0U);
  EXPECT_EQ(venue_.connections(), 0U);
}

}  // namespace
}  // namespace rtm::testing
