#include "partition_marks.hpp"

#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

#include "rtm/common/replace_file.hpp"

namespace rtm::kafka::detail {

PartitionMarks::PartitionMarks(std::filesystem::path file) : file_(std::move(file)) {
  std::ifstream in(file_);
  if (!in) return;  // a first start
  int partition = 0;
  std::int64_t offset = 0;
  while (in >> partition >> offset) {
    if (partition < 0 || offset < 0) break;
    marks_[partition] = offset;
  }
  if (!in.eof()) throw std::runtime_error("kafka: " + file_.string() + " is not a list of partitions and offsets");
}

std::optional<std::int64_t> PartitionMarks::next(int partition) const {
  const auto mark = marks_.find(partition);
  if (mark == marks_.end()) return std::nullopt;
  return mark->second + 1;
}

bool PartitionMarks::save(std::chrono::milliseconds every) {
  if (file_.empty() || !dirty_) return true;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_save_ < every) return true;
  last_save_ = now;
  std::string text;
  for (const auto& [partition, offset] : marks_)
    text += std::to_string(partition) + ' ' + std::to_string(offset) + '\n';
  // Not synced, as the journal's write that precedes it is not.
  if (common::replace_file(file_, text, /*sync=*/false)) return false;
  dirty_ = false;
  return true;
}

}  // namespace rtm::kafka::detail
