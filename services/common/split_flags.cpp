#include "split_flags.hpp"

#include <algorithm>
#include <sstream>

namespace rtm::services {

bool wants_help(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return true;
  }
  return false;
}

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> items;
  std::stringstream stream(list);
  for (std::string item; std::getline(stream, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

std::vector<char*> split_flags(int& argc, char** argv, std::initializer_list<std::string_view> valued,
                               std::initializer_list<std::string_view> bare) {
  std::vector<char*> own;
  int kept = 0;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (std::find(valued.begin(), valued.end(), arg) != valued.end() && i + 1 < argc) {
      own.push_back(argv[i]);
      own.push_back(argv[++i]);
    } else if (std::find(bare.begin(), bare.end(), arg) != bare.end()) {
      own.push_back(argv[i]);
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  return own;
}

}  // namespace rtm::services
