#pragma once
// Adds one comparison to make bench's summary.json (the list
// scripts/bench_summary.py writes), replacing an earlier entry of the same
// name: for the load tools that run outside Google Benchmark.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace rtm::bench {

struct SummaryEntry {
  std::string name;
  double ours = 0;
  double baseline = 0;
  std::string baseline_name;
  std::string unit;
  double goal = 1;  // ours / baseline at least this
};

inline void add_summary_entry(const std::filesystem::path& file, const SummaryEntry& entry) {
  boost::json::array summary;
  if (std::ifstream in(file); in) {
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(text.str(), ec);
    if (!ec && parsed.is_array()) summary = std::move(parsed.as_array());
  }
  boost::json::array kept;
  for (boost::json::value& v : summary) {
    const bool same = v.is_object() && v.as_object().contains("name") && v.as_object().at("name") == entry.name.c_str();
    if (!same) kept.push_back(std::move(v));
  }
  summary = std::move(kept);
  const double ratio = entry.baseline > 0 ? entry.ours / entry.baseline : 0;
  summary.push_back(boost::json::object{{"name", entry.name},
                                        {"ours", entry.ours},
                                        {"baseline", entry.baseline},
                                        {"baseline_name", entry.baseline_name},
                                        {"unit", entry.unit},
                                        {"ratio", std::round(ratio * 1000) / 1000},
                                        {"goal", entry.goal},
                                        {"met", ratio >= entry.goal}});
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << boost::json::serialize(summary) << "\n";
}

}  // namespace rtm::bench
