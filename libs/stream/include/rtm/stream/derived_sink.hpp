#pragma once

#include "rtm/msg/records.hpp"

namespace rtm::stream {

// Where the stream operators put what they derive: the bus, the hot store,
// the journal, or `rtm aggregate`'s JSON lines. Called on the operator's
// thread, in the order the records were derived.
class DerivedSink {
 public:
  virtual ~DerivedSink() = default;
  virtual void on_bar(const msg::Bar& bar) = 0;
  virtual void on_nbbo(const msg::Nbbo& nbbo) = 0;
  virtual void on_stats(const msg::Stats& stats) = 0;
  virtual void on_alert(const msg::Alert& alert) = 0;
  // What a reader of the derived records needs to name them: each venue
  // instrument's definition (with the canonical symbol the stream side
  // uses), and for each canonical symbol one with venue kComposite. Sinks
  // that know the names already ignore them.
  virtual void on_definition(const msg::InstrumentDef& /*definition*/) {}
};

}  // namespace rtm::stream
