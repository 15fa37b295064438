#pragma once

#include "rtm/msg/records.hpp"

namespace rtm::feeds {

// Where an adapter's normalized records go: the bus in a service, a JSON
// printer in rtm normalize, a vector in a test.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void on_trade(const msg::Trade& trade) = 0;
  virtual void on_bbo(const msg::Bbo& bbo) = 0;
  virtual void on_book_delta(const msg::BookDelta& delta) = 0;
  virtual void on_status(const msg::Status& status) = 0;
  virtual void on_instrument(const msg::InstrumentDef& definition) = 0;
};

// Takes records and does nothing with them: for runs that want only the
// adapters' side effects (books kept, snapshots asked for).
class DiscardingSink final : public RecordSink {
 public:
  void on_trade(const msg::Trade&) override {}
  void on_bbo(const msg::Bbo&) override {}
  void on_book_delta(const msg::BookDelta&) override {}
  void on_status(const msg::Status&) override {}
  void on_instrument(const msg::InstrumentDef&) override {}
};

}  // namespace rtm::feeds
