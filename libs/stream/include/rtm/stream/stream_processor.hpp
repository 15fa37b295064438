#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtm/book/order_book.hpp"
#include "rtm/msg/records.hpp"
#include "rtm/stream/alert_engine.hpp"
#include "rtm/stream/bar_builder.hpp"
#include "rtm/stream/nbbo_builder.hpp"
#include "rtm/stream/stats_builder.hpp"
#include "rtm/stream/id_map.hpp"

namespace rtm::stream {

// Which canonical symbol (BTC-USD) a venue instrument belongs to; the host
// answers from its catalog or configuration. nullopt: none (no composite
// bars, no best bid/offer for it).
class SymbolResolver {
 public:
  virtual ~SymbolResolver() = default;
  virtual std::optional<std::string> canonical(msg::InstrumentId instrument) = 0;
};

// An instrument's book as the processor holds it.
struct BookState {
  const book::OrderBook* book = nullptr;
  bool live = false;  // current: not stale, resyncing or crossed
  std::uint8_t price_scale = 0, size_scale = 0;
};

struct StreamOptions {
  BarOptions bars;
  StatsOptions stats;
  std::vector<AlertRuleConfig> alerts;
};

// The stream side of rtm: normalized records in, in their sequence, and the
// derived records out. It rebuilds each instrument's book from its deltas
// (a snapshot replaces it; kBookReady makes it live; a gap, resync, checksum
// failure, crossed book, disconnect or stale feed makes it stale until the
// next kBookReady), and after each venue message (kEndOfBatch) or status
// hands the book's top to the best bid/offer and the statistics; trades go
// to the bars and the statistics; the alert rules watch all that is derived.
// Deterministic: the same records give the same derived records.
class StreamProcessor {
 public:
  StreamProcessor(StreamOptions options, SymbolResolver& symbols, DerivedSink& out);
  ~StreamProcessor();
  StreamProcessor(const StreamProcessor&) = delete;
  StreamProcessor& operator=(const StreamProcessor&) = delete;

  void on_trade(const msg::Trade& trade);
  // Inline: book deltas are most records, and this spares each a call.
  void on_book_delta(const msg::BookDelta& delta) {
    const msg::RecordHeader& header = delta.header;
    alerts_.on_activity(header.venue, header.instrument_id, header.ts_event);
    bars_.advance_to(header.ts_event);
    Book& book = book_for(header.instrument_id);
    if ((header.flags & msg::flags::kSnapshotBegin) != 0) book.book.clear();
    book.book.apply(delta.side, delta.price, delta.size);
    book.price_scale = delta.price_scale;
    book.size_scale = delta.size_scale;
    if ((header.flags & msg::flags::kEndOfBatch) != 0) publish_top(header, book);
  }
  void on_status(const msg::Status& status);
  void on_record(const msg::AnyRecord& record);
  // The end of the input: every open bar final.
  void finish() { bars_.finish(); }

  // The canonical symbol of a composite id, once seen; empty otherwise.
  [[nodiscard]] std::string symbol_of(msg::InstrumentId composite) const;
  [[nodiscard]] const book::OrderBook* book(msg::InstrumentId instrument) const;
  [[nodiscard]] bool live(msg::InstrumentId instrument) const;
  [[nodiscard]] std::optional<BookState> book_state(msg::InstrumentId instrument) const;
  [[nodiscard]] const BarBuilder& bars() const noexcept { return bars_; }
  [[nodiscard]] const AlertEngine& alerts() const noexcept { return alerts_; }

 private:
  struct Book {
    book::OrderBook book;
    bool live = false;
    std::uint8_t price_scale = 0, size_scale = 0;
    msg::InstrumentId composite = msg::kNoInstrument;
    bool resolved = false;  // composite looked up
    // The operators' state for this instrument (found on first use) and its
    // symbol (found with the composite): no lookup per record after that.
    StatsBuilder::Handle stats = nullptr;
    NbboBuilder::Handle nbbo = nullptr;
    BarBuilder::Handle bars = nullptr;
    BarBuilder::Handle composite_bars = nullptr;
  };

  // What the operators derive goes out, and past the alert rules.
  class Tee final : public DerivedSink {
   public:
    Tee(DerivedSink& out, AlertEngine& alerts) : out_(out), alerts_(alerts) {}
    void on_bar(const msg::Bar& bar) override;
    void on_nbbo(const msg::Nbbo& nbbo) override;
    void on_stats(const msg::Stats& stats) override;
    void on_alert(const msg::Alert& alert) override { out_.on_alert(alert); }

   private:
    DerivedSink& out_;
    AlertEngine& alerts_;
  };

  Book& book_for(msg::InstrumentId instrument) {
    // A venue message's records come together: most lookups are the last one.
    return last_book_ != nullptr && last_instrument_ == instrument ? *last_book_ : look_up_book(instrument);
  }
  Book& look_up_book(msg::InstrumentId instrument);
  // The instrument's canonical symbol's id (kNoInstrument if none), asked
  // of the resolver once; after that a field read, on every top and trade.
  msg::InstrumentId composite_of(msg::InstrumentId instrument, Book& book) {
    return book.resolved ? book.composite : resolve_composite(instrument, book);
  }
  msg::InstrumentId resolve_composite(msg::InstrumentId instrument, Book& book);
  void publish_top(const msg::RecordHeader& header, Book& book);
  StatsBuilder::Handle stats_of(const msg::RecordHeader& header, Book& book) {
    if (book.stats == nullptr) book.stats = stats_.handle(header.venue, header.instrument_id);
    return book.stats;
  }
  BarBuilder::Handle bars_of(const msg::RecordHeader& header, Book& book) {
    if (book.bars == nullptr && header.instrument_id != msg::kNoInstrument) {
      book.bars = bars_.handle(header.venue, header.instrument_id);
    }
    return book.bars;
  }

  SymbolResolver& symbols_;
  AlertEngine alerts_;
  Tee tee_;
  // Where the operators publish: the tee, or the output itself when no
  // alert rule reads their records (the tee's extra call per record would
  // be for nothing).
  DerivedSink& derived_;
  BarBuilder bars_;
  NbboBuilder nbbo_;
  StatsBuilder stats_;
  IdMap<Book> books_;
  Book* last_book_ = nullptr;
  msg::InstrumentId last_instrument_ = msg::kNoInstrument;
  std::map<msg::InstrumentId, std::string> composites_;  // composite id -> canonical symbol
};

}  // namespace rtm::stream
