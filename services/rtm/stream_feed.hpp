#pragma once

#include "rtm/feeds/record_sink.hpp"
#include "rtm/stream/instrument_directory.hpp"
#include "rtm/stream/stream_processor.hpp"

namespace rtm::cli {

// Normalized records straight into a stream processor, in the order given:
// an adapter's output in the same process, or records read back from a
// journal. Instruments are known by their definitions, as on the bus.
class StreamFeed final : public feeds::RecordSink {
 public:
  // Throws std::invalid_argument for options the operators refuse.
  StreamFeed(stream::StreamOptions options, stream::DerivedSink& out) : processor_(std::move(options), directory_, out) {}

  void on_trade(const msg::Trade& trade) override { processor_.on_trade(trade); }
  void on_bbo(const msg::Bbo&) override {}
  void on_book_delta(const msg::BookDelta& delta) override { processor_.on_book_delta(delta); }
  void on_status(const msg::Status& status) override { processor_.on_status(status); }
  void on_instrument(const msg::InstrumentDef& definition) override { directory_.learn(definition); }

  [[nodiscard]] stream::StreamProcessor& processor() noexcept { return processor_; }
  [[nodiscard]] stream::InstrumentDirectory& directory() noexcept { return directory_; }

 private:
  stream::InstrumentDirectory directory_;
  stream::StreamProcessor processor_;
};

}  // namespace rtm::cli
