#include "rtm/stream/alert_engine.hpp"

#include "pow10.hpp"
#include "rtm/stream/durations.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

namespace rtm::stream {
namespace {

// A positive duration ("30s").
std::optional<std::chrono::nanoseconds> duration_of(std::string_view text) {
  const auto duration = parse_duration(text);
  if (!duration || duration->count() <= 0) return std::nullopt;
  return duration;
}

std::optional<double> number_of(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !(value > 0) || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    const std::size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

double units(std::int64_t mantissa, std::uint8_t scale) {
  return static_cast<double>(mantissa) / static_cast<double>(detail::kPow10[std::min<std::size_t>(scale, 18)]);
}

// One rule without its severity suffix; nullopt if malformed.
std::optional<AlertRuleConfig> parse_rule(std::string_view body, const std::string& name) {
  const std::vector<std::string_view> parts = split(body, ':');
  const std::string_view kind = parts[0];
  if (kind == "price_move" && parts.size() == 3) {
    const auto window = duration_of(parts[1]);
    const auto percent = number_of(parts[2]);
    if (!window || !percent) return std::nullopt;
    return AlertRuleConfig{msg::AlertRule::kPriceMove, name, msg::Severity::kWarning, *percent, *window, 0};
  }
  if (kind == "volume_spike" && (parts.size() == 3 || parts.size() == 4)) {
    const auto interval = duration_of(parts[1]);
    const auto factor = number_of(parts[2]);
    const auto bars = parts.size() == 4 ? number_of(parts[3]) : std::optional<double>(20);
    if (!interval || !factor || !bars || *bars < 5 || *bars != std::floor(*bars)) return std::nullopt;
    return AlertRuleConfig{msg::AlertRule::kVolumeSpike,   name, msg::Severity::kInfo, *factor, *interval,
                           static_cast<std::size_t>(*bars)};
  }
  if (kind == "wide_spread" && parts.size() == 2) {
    const auto bps = number_of(parts[1]);
    if (!bps) return std::nullopt;
    return AlertRuleConfig{msg::AlertRule::kWideSpread, name, msg::Severity::kWarning, *bps, {}, 0};
  }
  if (kind == "stale_feed" && parts.size() == 2) {
    const auto silence = duration_of(parts[1]);
    if (!silence) return std::nullopt;
    return AlertRuleConfig{msg::AlertRule::kStaleFeed,
                           name,
                           msg::Severity::kCritical,
                           static_cast<double>(silence->count()) / 1e9,
                           *silence,
                           0};
  }
  if (kind == "crossed_market" && (parts.size() == 1 || parts.size() == 2)) {
    // Venues that charge fees stay crossed by a few bps: an optional margin.
    const auto bps = parts.size() == 2 ? number_of(parts[1]) : std::optional<double>(0);
    if (!bps) return std::nullopt;
    return AlertRuleConfig{msg::AlertRule::kCrossedMarket, name, msg::Severity::kWarning, *bps, {}, 0};
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<AlertRuleConfig>> parse_alert_rules(std::string_view text, std::string& error) {
  std::vector<AlertRuleConfig> rules;
  for (const std::string_view written : split(text, ',')) {
    if (written.empty()) continue;
    std::string_view body = written;
    std::optional<msg::Severity> severity;
    if (const std::size_t at = body.find('@'); at != std::string_view::npos) {
      const std::string_view level = body.substr(at + 1);
      if (level == "info") severity = msg::Severity::kInfo;
      if (level == "warning") severity = msg::Severity::kWarning;
      if (level == "critical") severity = msg::Severity::kCritical;
      if (!severity) {
        error = "unknown severity in '" + std::string(written) + "' (info, warning or critical)";
        return std::nullopt;
      }
      body = body.substr(0, at);
    }
    std::optional<AlertRuleConfig> rule = parse_rule(body, std::string(written.substr(0, 24)));
    if (!rule) {
      error = "cannot read alert rule '" + std::string(written) +
              "' (price_move:1m:2, volume_spike:1m:3[:20], wide_spread:25, stale_feed:30s, crossed_market[:5])";
      return std::nullopt;
    }
    if (severity) rule->severity = *severity;
    rules.push_back(*rule);
  }
  return rules;
}

AlertEngine::AlertEngine(std::vector<AlertRuleConfig> rules, DerivedSink& sink)
    : rules_(std::move(rules)), sink_(sink) {
  for (const AlertRuleConfig& rule : rules_) {
    (rule.rule == msg::AlertRule::kStaleFeed ? watches_silence_ : watches_derived_) = true;
  }
}

void AlertEngine::evaluate(std::size_t rule_index, const msg::RecordHeader& about, bool holds, double observed,
                           double threshold) {
  bool& firing = firing_[{rule_index, about.instrument_id}];
  if (!holds) {
    firing = false;
    return;
  }
  if (firing) return;
  firing = true;
  const AlertRuleConfig& rule = rules_[rule_index];
  msg::Alert alert;
  alert.header.venue = about.venue;
  alert.header.instrument_id = about.instrument_id;
  alert.header.sequence = ++sequence_;
  alert.header.ts_event = about.ts_event;
  alert.header.ts_recv = about.ts_recv;
  alert.rule = rule.rule;
  alert.severity = rule.severity;
  alert.observed = observed;
  alert.threshold = threshold;
  alert.window_ns = rule.window.count();
  alert.rule_name.assign(rule.name);
  ++alerts_;
  sink_.on_alert(alert);
}

void AlertEngine::on_stats(const msg::Stats& stats) {
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const AlertRuleConfig& rule = rules_[i];
    if (rule.rule == msg::AlertRule::kPriceMove && rule.window.count() == stats.window_ns) {
      const double percent = stats.change_bps / 100;
      evaluate(i, stats.header, std::abs(percent) >= rule.threshold, percent, rule.threshold);
    } else if (rule.rule == msg::AlertRule::kWideSpread) {
      evaluate(i, stats.header, stats.spread_bps > rule.threshold, stats.spread_bps, rule.threshold);
    }
  }
}

void AlertEngine::on_bar(const msg::Bar& bar) {
  // Final bars only, once each: their revisions do not count again.
  if ((bar.header.flags & msg::flags::kFinal) == 0 || bar.revision != 0) return;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const AlertRuleConfig& rule = rules_[i];
    if (rule.rule != msg::AlertRule::kVolumeSpike || rule.window.count() != bar.interval_ns) continue;
    std::deque<double>& history = bar_volumes_[{{i, bar.header.instrument_id}, bar.interval_ns}];
    const double volume = units(bar.volume, bar.size_scale);
    // A mean of fewer than five bars says little: wait for them.
    if (history.size() >= std::min<std::size_t>(rule.bars, 5)) {
      const double mean = std::accumulate(history.begin(), history.end(), 0.0) / static_cast<double>(history.size());
      evaluate(i, bar.header, mean > 0 && volume >= rule.threshold * mean, volume, rule.threshold * mean);
    }
    history.push_back(volume);
    if (history.size() > rule.bars) history.pop_front();
  }
}

void AlertEngine::on_nbbo(const msg::Nbbo& nbbo) {
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].rule != msg::AlertRule::kCrossedMarket) continue;
    const bool crossed = nbbo.condition == msg::NbboCondition::kCrossed;
    const double bid = units(nbbo.bid_price, nbbo.price_scale);
    const double ask = units(nbbo.ask_price, nbbo.price_scale);
    // Observed: how far the bid is above the ask, in basis points of the ask.
    const double by_bps = crossed && ask > 0 ? (bid - ask) / ask * 1e4 : 0;
    evaluate(i, nbbo.header, crossed && by_bps >= rules_[i].threshold, by_bps, rules_[i].threshold);
  }
}

void AlertEngine::note_activity(msg::Venue venue, msg::InstrumentId instrument, std::int64_t ts_event) {
  Silence& silence = silences_[instrument];
  silence.venue = venue;
  silence.last_seen = std::max(silence.last_seen, ts_event);
  watermark_ = std::max(watermark_, ts_event);
  // The instrument spoke: its stale-feed alerts re-arm.
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].rule == msg::AlertRule::kStaleFeed) firing_[{i, instrument}] = false;
  }
  // Checking every instrument on every record would cost more than the
  // records: a tenth of a second of event time is soon enough.
  constexpr std::int64_t kCheckEvery = 100'000'000;
  if (checked_at_ == INT64_MIN || watermark_ - checked_at_ >= kCheckEvery) {
    checked_at_ = watermark_;
    check_silences();
  }
}

void AlertEngine::check_silences() {
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const AlertRuleConfig& rule = rules_[i];
    if (rule.rule != msg::AlertRule::kStaleFeed) continue;
    for (const auto& [instrument, silence] : silences_) {
      const std::int64_t silent_for = watermark_ - silence.last_seen;
      if (silent_for < rule.window.count()) continue;
      msg::RecordHeader about;
      about.venue = silence.venue;
      about.instrument_id = instrument;
      about.ts_event = watermark_;
      about.ts_recv = watermark_;
      evaluate(i, about, true, static_cast<double>(silent_for) / 1e9, rule.threshold);
    }
  }
}

}  // namespace rtm::stream
