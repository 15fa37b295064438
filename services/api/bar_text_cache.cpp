#include "bar_text_cache.hpp"

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

}  // namespace rtm::api
