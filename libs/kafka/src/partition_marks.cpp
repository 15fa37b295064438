#include "partition_marks.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

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
  std::filesystem::path temporary = file_;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    for (const auto& [partition, offset] : marks_) out << partition << ' ' << offset << '\n';
    if (!out.flush()) return false;
  }
  std::error_code error;
  std::filesystem::rename(temporary, file_, error);
  if (error) return false;
  dirty_ = false;
  return true;
}

}  // namespace rtm::kafka::detail
