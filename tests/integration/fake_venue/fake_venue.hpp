#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "rtm/feeds/market_simulator.hpp"
#include "rtm/feeds/order_book.hpp"

namespace rtm::testing {

// A venue on 127.0.0.1 for the live-connection tests: a Beast server with
// TLS (the self-signed certificate in tests/data/tls) that speaks one
// venue's protocol from a MarketSimulator: WebSocket frames at a steady
// pace to every connected client, Binance's REST depth snapshot on
// GET /api/v3/depth?symbol=X, and for Coinbase and Kraken a fresh book
// snapshot when a client (re)subscribes a book. The test misbehaves it on
// purpose: lost messages, malformed frames, dropped connections, silence.
// Every method is safe from the test's thread.
class FakeVenue {
 public:
  FakeVenue(msg::Venue venue, std::string certificate_file, std::string key_file);
  ~FakeVenue();
  FakeVenue(const FakeVenue&) = delete;
  FakeVenue& operator=(const FakeVenue&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept;
  [[nodiscard]] msg::Venue venue() const noexcept;
  // Frames not sent the next time one contains `pattern` (a lost message).
  void drop_next(std::string pattern);
  // Sends `frame` to every client now, between two market frames.
  void inject(std::string frame);
  // Closes every client connection, as a venue's restart does.
  void drop_connections();
  // Stops (once the event in progress is sent) or resumes sending market
  // frames; clients stay connected.
  void set_paused(bool paused);
  // The venue's own book of a symbol, copied on the server's thread.
  [[nodiscard]] feeds::OrderBook book(std::string_view symbol);

  [[nodiscard]] std::uint64_t connections() const noexcept;
  [[nodiscard]] std::uint64_t book_subscriptions() const noexcept;  // subscribe messages naming a book
  [[nodiscard]] std::uint64_t snapshots_served() const noexcept;    // REST snapshots
  [[nodiscard]] std::uint64_t frames_sent() const noexcept;

  struct Impl;

 private:
  std::unique_ptr<boost::asio::io_context> io_;
  std::shared_ptr<Impl> impl_;
  std::thread thread_;
};

}  // namespace rtm::testing
