#include "rtm/feeds/record_tally.hpp"

#include <cstdio>

#include "rtm/msg/decimal.hpp"

namespace rtm::feeds {

void RecordTally::on_trade(const msg::Trade& r) {
  ++records_;
  InstrumentTally& tally = tallies_[r.header.instrument_id];
  ++tally.trades;
  tally.last_price = r.price;
  tally.price_scale = r.price_scale;
  if (next_ != nullptr) next_->on_trade(r);
}

void RecordTally::on_bbo(const msg::Bbo& r) {
  ++records_;
  ++tallies_[r.header.instrument_id].bbos;
  if (next_ != nullptr) next_->on_bbo(r);
}

void RecordTally::on_book_delta(const msg::BookDelta& r) {
  ++records_;
  ++tallies_[r.header.instrument_id].book_deltas;
  if (next_ != nullptr) next_->on_book_delta(r);
}

void RecordTally::on_status(const msg::Status& r) {
  ++records_;
  InstrumentTally& tally = tallies_[r.header.instrument_id];
  switch (r.code) {
    case msg::StatusCode::kGap:
      ++tally.gaps;
      break;
    case msg::StatusCode::kChecksumFailure:
      ++tally.checksum_failures;
      break;
    case msg::StatusCode::kCrossedBook:
      ++tally.crossed_books;
      break;
    case msg::StatusCode::kResync:
      ++tally.resyncs;
      break;
    case msg::StatusCode::kBookReady:
      ++tally.books_ready;
      break;
    default:
      break;
  }
  if (next_ != nullptr) next_->on_status(r);
}

void RecordTally::on_instrument(const msg::InstrumentDef& r) {
  ++records_;
  if (next_ != nullptr) next_->on_instrument(r);
}

namespace {

// Exact, without the trailing zeros of the scale ("64896.3", not
// "64896.30000000"): this is for reading.
std::string decimal(std::int64_t mantissa, std::uint8_t scale) {
  std::string text = msg::to_string(msg::Decimal{mantissa, scale});
  if (text.find('.') == std::string::npos) return text;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string book_top(const VenueSet& venues, const Instrument& instrument) {
  const VenueAdapter* adapter = venues.find(instrument.spec.venue);
  if (adapter == nullptr) return "-";
  const OrderBook* book = adapter->book(instrument.spec.symbol);
  if (book == nullptr) return "no book";
  switch (adapter->book_state(instrument.spec.symbol)) {
    case BookState::kAwaitingSnapshot:
      return "awaiting snapshot";
    case BookState::kStale:
      return "stale (resyncing)";
    case BookState::kLive:
      break;
  }
  const auto bid = book->best_bid();
  const auto ask = book->best_ask();
  const std::uint8_t price_scale = instrument.spec.price_scale;
  return (bid ? decimal(bid->price, price_scale) : std::string("-")) + " / " +
         (ask ? decimal(ask->price, price_scale) : std::string("-"));
}

}  // namespace

std::string format_summary(const RecordTally& tally, const VenueSet& venues) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof(line), "%-22s %9s %9s %11s %5s %5s %7s  %-16s %s\n", "instrument", "trades", "bbo",
                "book deltas", "gaps", "bad", "resyncs", "last trade", "best bid / ask");
  out += line;
  std::map<std::string, std::pair<const Instrument*, const InstrumentTally*>> by_name;
  for (const auto& [id, counts] : tally.instruments()) {
    if (const Instrument* instrument = venues.catalog().find(id))
      by_name[venues.catalog().name(id)] = {instrument, &counts};
  }
  for (const auto& [name, entry] : by_name) {
    const auto& [instrument, tallied] = entry;
    const InstrumentTally& counts = *tallied;
    const std::uint64_t bad_books = counts.checksum_failures + counts.crossed_books;
    const std::string last = counts.trades > 0 ? decimal(counts.last_price, counts.price_scale) : "-";
    std::snprintf(line, sizeof(line), "%-22s %9llu %9llu %11llu %5llu %5llu %7llu  %-16s %s\n", name.c_str(),
                  static_cast<unsigned long long>(counts.trades), static_cast<unsigned long long>(counts.bbos),
                  static_cast<unsigned long long>(counts.book_deltas), static_cast<unsigned long long>(counts.gaps),
                  static_cast<unsigned long long>(bad_books), static_cast<unsigned long long>(counts.resyncs),
                  last.c_str(), book_top(venues, *instrument).c_str());
    out += line;
  }
  const AdapterCounters totals = venues.totals();
  std::snprintf(
      line, sizeof(line),
      "frames: %llu normalized, %llu ignored (%llu of unknown types), %llu malformed; %llu records\n",
      static_cast<unsigned long long>(totals.frames_ok), static_cast<unsigned long long>(totals.frames_ignored),
      static_cast<unsigned long long>(totals.unknown_types), static_cast<unsigned long long>(totals.frames_malformed),
      static_cast<unsigned long long>(totals.records));
  out += line;
  return out;
}

}  // namespace rtm::feeds
