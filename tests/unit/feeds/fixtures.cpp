#include <fstream>
#include <stdexcept>

#include "collecting_sink.hpp"

namespace rtm::feeds::testing {

std::vector<std::string> fixture_lines(const std::string& venue) {
  const std::string path = std::string(RTM_FIXTURES_DIR) + "/" + venue + ".jsonl";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open fixture " + path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace rtm::feeds::testing
