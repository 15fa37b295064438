#pragma once

#include <optional>
#include <string>

#include "rtm/feeds/instrument_catalog.hpp"
#include "rtm/feeds/record_sink.hpp"
#include "rtm/stream/stream_processor.hpp"

namespace rtm::cli {

// Ingest's records straight into the stream processor of the same process,
// with canonical symbols from ingest's catalog.
class StreamFeed final : public feeds::RecordSink, public stream::SymbolResolver {
 public:
  StreamFeed(const feeds::InstrumentCatalog& catalog, stream::StreamOptions options, stream::DerivedSink& out)
      : catalog_(catalog), processor_(std::move(options), *this, out) {}

  void on_trade(const msg::Trade& trade) override { processor_.on_trade(trade); }
  void on_bbo(const msg::Bbo&) override {}
  void on_book_delta(const msg::BookDelta& delta) override { processor_.on_book_delta(delta); }
  void on_status(const msg::Status& status) override { processor_.on_status(status); }
  void on_instrument(const msg::InstrumentDef&) override {}

  std::optional<std::string> canonical(msg::InstrumentId instrument) override {
    const feeds::Instrument* known = catalog_.find(instrument);
    if (known == nullptr) return std::nullopt;
    return known->spec.canonical;
  }

  [[nodiscard]] stream::StreamProcessor& processor() noexcept { return processor_; }

 private:
  const feeds::InstrumentCatalog& catalog_;
  stream::StreamProcessor processor_;
};

}  // namespace rtm::cli
