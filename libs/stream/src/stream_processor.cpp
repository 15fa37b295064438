#include "rtm/stream/stream_processor.hpp"

#include <variant>

namespace rtm::stream {

void StreamProcessor::Tee::on_bar(const msg::Bar& bar) {
  out_.on_bar(bar);
  alerts_.on_bar(bar);
}

void StreamProcessor::Tee::on_nbbo(const msg::Nbbo& nbbo) {
  out_.on_nbbo(nbbo);
  alerts_.on_nbbo(nbbo);
}

void StreamProcessor::Tee::on_stats(const msg::Stats& stats) {
  out_.on_stats(stats);
  alerts_.on_stats(stats);
}

StreamProcessor::StreamProcessor(StreamOptions options, SymbolResolver& symbols, DerivedSink& out)
    : symbols_(symbols),
      alerts_(std::move(options.alerts), out),
      tee_(out, alerts_),
      derived_(alerts_.watches_derived() ? static_cast<DerivedSink&>(tee_) : out),
      bars_(std::move(options.bars), derived_),
      nbbo_(derived_),
      stats_(std::move(options.stats), derived_) {}

StreamProcessor::~StreamProcessor() = default;

StreamProcessor::Book& StreamProcessor::look_up_book(msg::InstrumentId instrument) {
  last_book_ = &books_[instrument];  // IdMap: the address stays valid
  last_instrument_ = instrument;
  return *last_book_;
}

msg::InstrumentId StreamProcessor::resolve_composite(msg::InstrumentId instrument, Book& book) {
  book.resolved = true;
  if (const std::optional<std::string> canonical = symbols_.canonical(instrument); canonical && !canonical->empty()) {
    book.composite = msg::make_instrument_id(msg::Venue::kComposite, *canonical);
    book.nbbo = nbbo_.handle(book.composite);
    book.composite_bars = bars_.handle(msg::Venue::kComposite, book.composite);
    composites_.emplace(book.composite, *canonical);
  }
  return book.composite;
}

std::string StreamProcessor::symbol_of(msg::InstrumentId composite) const {
  const auto found = composites_.find(composite);
  return found == composites_.end() ? std::string() : found->second;
}

const book::OrderBook* StreamProcessor::book(msg::InstrumentId instrument) const {
  const Book* found = books_.find(instrument);
  return found == nullptr ? nullptr : &found->book;
}

bool StreamProcessor::live(msg::InstrumentId instrument) const {
  const Book* found = books_.find(instrument);
  return found != nullptr && found->live;
}

std::optional<BookState> StreamProcessor::book_state(msg::InstrumentId instrument) const {
  const Book* found = books_.find(instrument);
  if (found == nullptr) return std::nullopt;
  const Book& book = *found;
  return BookState{&book.book, book.live && !book.book.crossed(), book.price_scale, book.size_scale};
}

void StreamProcessor::on_trade(const msg::Trade& trade) {
  alerts_.on_activity(trade.header.venue, trade.header.instrument_id, trade.header.ts_event);
  Book& book = book_for(trade.header.instrument_id);
  composite_of(trade.header.instrument_id, book);
  bars_.on_trade(trade, bars_of(trade.header, book), book.composite_bars);
  stats_.on_trade(stats_of(trade.header, book), trade);
}

void StreamProcessor::on_status(const msg::Status& status) {
  const msg::RecordHeader& header = status.header;
  alerts_.on_activity(header.venue, header.instrument_id, header.ts_event);
  Book& book = book_for(header.instrument_id);
  switch (status.code) {
    case msg::StatusCode::kBookReady:
      book.live = true;
      break;
    case msg::StatusCode::kGap:
    case msg::StatusCode::kResync:
    case msg::StatusCode::kChecksumFailure:
    case msg::StatusCode::kCrossedBook:
    case msg::StatusCode::kDisconnected:
    case msg::StatusCode::kStaleFeed:
      book.live = false;
      break;
    case msg::StatusCode::kConnected:
      return;
  }
  publish_top(header, book);
}

void StreamProcessor::on_record(const msg::AnyRecord& record) {
  std::visit(
      [&](const auto& r) {
        using R = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<R, msg::Trade>) {
          on_trade(r);
        } else if constexpr (std::is_same_v<R, msg::BookDelta>) {
          on_book_delta(r);
        } else if constexpr (std::is_same_v<R, msg::Status>) {
          on_status(r);
        }
      },
      record);
}

void StreamProcessor::publish_top(const msg::RecordHeader& header, Book& book) {
  VenueTop top;
  top.instrument = header.instrument_id;
  top.venue = header.venue;
  // A book crossed in itself is bad data: its venue resyncs it (the status
  // saying so follows this message), and it counts for nothing meanwhile.
  top.live = book.live && !book.book.crossed();
  top.price_scale = book.price_scale;
  top.size_scale = book.size_scale;
  top.ts_event = header.ts_event;
  top.ts_recv = header.ts_recv;
  if (const auto bid = book.book.best_bid()) {
    top.bid_price = bid->price;
    top.bid_size = bid->size;
  }
  if (const auto ask = book.book.best_ask()) {
    top.ask_price = ask->price;
    top.ask_size = ask->size;
  }
  if (composite_of(header.instrument_id, book) != msg::kNoInstrument) nbbo_.on_top(book.nbbo, top);
  stats_.on_top(stats_of(header, book), top);
}

}  // namespace rtm::stream
