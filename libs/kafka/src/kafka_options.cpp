#include "rtm/kafka/kafka_options.hpp"

#include <cstddef>

namespace rtm::kafka {

bool parse_kafka_properties(const std::string& list, KafkaOptions& options, std::string& error) {
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    const std::string item = list.substr(start, end - start);
    if (!item.empty()) {
      const std::size_t equals = item.find('=');
      if (equals == std::string::npos || equals == 0) {
        error = "'" + item + "' is not key=value";
        return false;
      }
      options.properties[item.substr(0, equals)] = item.substr(equals + 1);
    }
    start = end + 1;
  }
  return true;
}

}  // namespace rtm::kafka
