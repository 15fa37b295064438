#include "bar_text_cache.hpp"

#include <algorithm>

#include "rtm/json/derived_json.hpp"
#include "rtm/json/json_writer.hpp"

namespace rtm::api {

std::size_t BarTextCache::KeyHash::operator()(const Key& key) const noexcept {
  // Bars of one series differ in their start, by whole intervals.
  std::uint64_t h = key.series * 0x9E3779B97F4A7C15ULL;
  h ^= static_cast<std::uint64_t>(key.start_ns) + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
  h ^= static_cast<std::uint64_t>(key.interval_ns) + (h << 6) + (h >> 2);
  return static_cast<std::size_t>(h);
}

std::size_t BarTextCache::RunKeyHash::operator()(const RunKey& key) const noexcept {
  return static_cast<std::size_t>((key.series * 0x9E3779B97F4A7C15ULL) ^ static_cast<std::uint64_t>(key.interval_ns));
}

namespace {

bool is_final(const msg::Bar& bar) {
  return (bar.header.flags & msg::flags::kFinal) != 0;
}

}  // namespace

std::string_view BarTextCache::text(const msg::Bar& bar, std::string_view name) {
  const Key key{bar.header.instrument_id, bar.interval_ns, bar.start_ns};
  auto [found, added] = entries_.try_emplace(key);
  Entry& entry = found->second;
  if (!added && entry.bar == bar && entry.name == name) {
    ++counters_.hits;
    return entry.text;
  }
  ++counters_.misses;
  entry.bar = bar;
  entry.name = name;
  entry.text.clear();
  {
    json::JsonWriter out(entry.text);
    json::write_bar(out, bar, name);
  }
  if (added) {
    arrival_.push_back(key);
    if (entries_.size() > capacity_ && arrival_.front() != key) {
      entries_.erase(arrival_.front());
      arrival_.pop_front();
    }
  }
  return entry.text;
}

void BarTextCache::append_page(std::span<const msg::Bar> bars, std::string_view name, std::string& out) {
  for (std::size_t i = 0; i < bars.size();) {
    if (i != 0) out += ',';
    std::size_t taken = is_final(bars[i]) ? copy_from_run(run_for(bars[i], name), bars.subspan(i), out) : 0;
    if (taken == 0) {
      out += text(bars[i], name);  // an open bar, a revision, or history older than the run
      taken = 1;
    }
    i += taken;
  }
  if (run_bars_ > capacity_) trim_runs();
}

BarTextCache::Run& BarTextCache::run_for(const msg::Bar& bar, std::string_view name) {
  Run& run = runs_[RunKey{bar.header.instrument_id, bar.interval_ns}];
  if (run.name != name) {
    run_bars_ -= run.bars.size();
    run = Run{};
    run.name = name;
  }
  return run;
}

std::size_t BarTextCache::copy_from_run(Run& run, std::span<const msg::Bar> bars, std::string& out) {
  const msg::Bar& first = bars.front();
  const auto at = std::lower_bound(run.bars.begin(), run.bars.end(), first.start_ns,
                                   [](const msg::Bar& bar, std::int64_t start) { return bar.start_ns < start; });
  const auto slot = static_cast<std::size_t>(at - run.bars.begin());
  std::size_t taken = 0;
  for (; taken < bars.size(); ++taken) {
    const msg::Bar& bar = bars[taken];
    if (!is_final(bar) || bar.header.instrument_id != first.header.instrument_id ||
        bar.interval_ns != first.interval_ns) {
      break;
    }
    const std::size_t k = slot + taken;
    if (k == run.bars.size()) {
      // Newer than all the run holds: it grows (final bars come in start order).
      if (!run.bars.empty() && bar.start_ns <= run.bars.back().start_ns) break;
      append_to_run(run, bar);
    } else if (run.bars[k] == bar) {
      ++counters_.hits;
    } else {
      break;  // a revision, or a bar the run does not hold
    }
  }
  if (taken > 0) {
    const std::size_t last = slot + taken - 1;
    out.append(run.text, run.offsets[slot], run.end_of(last) - run.offsets[slot]);
  }
  return taken;
}

void BarTextCache::append_to_run(Run& run, const msg::Bar& bar) {
  if (!run.bars.empty()) run.text += ',';
  const std::size_t offset = run.text.size();
  {
    json::JsonWriter out(run.text);
    json::write_bar(out, bar, run.name);
  }
  run.bars.push_back(bar);
  run.offsets.push_back(offset);
  ++run_bars_;
  ++counters_.misses;
}

void BarTextCache::trim_runs() {
  for (auto& [key, run] : runs_) {
    const std::size_t drop = run.bars.size() - run.bars.size() / 2;
    if (drop == 0) continue;
    const std::size_t cut = drop < run.bars.size() ? run.offsets[drop] : run.text.size();
    run.text.erase(0, cut);
    run.bars.erase(run.bars.begin(), run.bars.begin() + static_cast<std::ptrdiff_t>(drop));
    run.offsets.erase(run.offsets.begin(), run.offsets.begin() + static_cast<std::ptrdiff_t>(drop));
    for (std::size_t& offset : run.offsets) offset -= cut;
    run_bars_ -= drop;
  }
}

}  // namespace rtm::api
