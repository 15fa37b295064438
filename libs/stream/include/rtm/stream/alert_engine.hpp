#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtm/msg/ids.hpp"
#include "rtm/msg/records.hpp"
#include "rtm/stream/derived_sink.hpp"

namespace rtm::stream {

// One configured alert rule. Written as text (rtm aggregate --alerts,
// RTM_ALERTS), rules separated by commas:
//   price_move:WINDOW:PERCENT    |change| over a stats window >= PERCENT %
//   volume_spike:INTERVAL:K[:N]  a final bar's volume >= K x the mean of the
//                                N bars before it (default 20; 5 at least)
//   wide_spread:BPS              spread > BPS basis points
//   stale_feed:DURATION          an instrument silent for DURATION of event time
//   crossed_market[:BPS]         venues' books crossed against each other (by BPS
//                                basis points at least; any amount by default)
// with an optional "@info", "@warning" or "@critical" after any of them.
struct AlertRuleConfig {
  msg::AlertRule rule = msg::AlertRule::kPriceMove;
  std::string name;  // the rule as written, cut to the record's 24 characters
  msg::Severity severity = msg::Severity::kWarning;
  double threshold = 0;
  std::chrono::nanoseconds window{0};  // price_move's stats window, volume_spike's bar interval, stale_feed's silence
  std::size_t bars = 20;               // volume_spike's history
};

// The rules of `text`; nullopt, with `error` saying what is wrong, if any
// rule is malformed.
std::optional<std::vector<AlertRuleConfig>> parse_alert_rules(std::string_view text, std::string& error);

// Evaluates the rules on the derived records (and, for stale feeds, on the
// event time of every record), and publishes an Alert when a rule's
// condition begins to hold for an instrument; it fires again only after the
// condition has stopped holding. Event time only, so deterministic.
class AlertEngine {
 public:
  AlertEngine(std::vector<AlertRuleConfig> rules, DerivedSink& sink);

  void on_stats(const msg::Stats& stats);
  void on_bar(const msg::Bar& bar);
  void on_nbbo(const msg::Nbbo& nbbo);
  // Any record of an instrument: it is not silent. Inline, since it is
  // called on every record and has nothing to do without a stale_feed rule.
  void on_activity(msg::Venue venue, msg::InstrumentId instrument, std::int64_t ts_event) {
    if (watches_silence_) note_activity(venue, instrument, ts_event);
  }

  [[nodiscard]] std::uint64_t alerts() const noexcept { return alerts_; }
  // Whether any rule reads bars, best bids/offers or statistics (every
  // rule but stale_feed): without one, those need not pass this way.
  [[nodiscard]] bool watches_derived() const noexcept { return watches_derived_; }

 private:
  struct Silence {
    msg::Venue venue = msg::Venue::kUnknown;
    std::int64_t last_seen = 0;
  };
  using Key = std::pair<std::size_t, msg::InstrumentId>;  // rule, instrument

  // Publishes on the condition's rising edge; false edges re-arm the rule.
  void evaluate(std::size_t rule, const msg::RecordHeader& about, bool holds, double observed, double threshold);
  void note_activity(msg::Venue venue, msg::InstrumentId instrument, std::int64_t ts_event);
  void check_silences();

  std::vector<AlertRuleConfig> rules_;
  DerivedSink& sink_;
  bool watches_silence_ = false;  // some rule is a stale_feed one
  bool watches_derived_ = false;  // some rule is not
  std::map<Key, bool> firing_;
  // volume_spike: the last N final bars' volumes, by rule, series and interval
  std::map<std::pair<Key, std::int64_t>, std::deque<double>> bar_volumes_;
  std::map<msg::InstrumentId, Silence> silences_;
  std::int64_t watermark_ = INT64_MIN;
  std::int64_t checked_at_ = INT64_MIN;
  std::uint64_t sequence_ = 0;
  std::uint64_t alerts_ = 0;
};

}  // namespace rtm::stream
