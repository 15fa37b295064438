#include "series_partitions.hpp"

#include <cinttypes>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>

namespace rtm::streamsvc {

SeriesPartitions::SeriesPartitions(const std::filesystem::path& file) {
  std::string text;
  {
    std::ifstream in(file, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) throw std::runtime_error("cannot read " + file.string());
  }
  // A torn last line (a crash while appending) is dropped, and ended so that
  // the next line starts afresh; its instrument is noted again with its next
  // record.
  const std::size_t whole = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  std::istringstream lines(text.substr(0, whole));
  msg::InstrumentId instrument = 0;
  int partition = 0;
  while (lines >> instrument >> partition) partitions_[instrument] = partition;
  file_ = std::fopen(file.c_str(), "a");
  if (file_ == nullptr) throw std::runtime_error("cannot open " + file.string() + " to append");
  if (whole != text.size()) std::fputc('\n', file_);
}

SeriesPartitions::~SeriesPartitions() {
  if (file_ != nullptr) std::fclose(file_);
}

bool SeriesPartitions::append(msg::InstrumentId instrument, int partition) {
  if (file_ == nullptr) return true;
  // Flushed at once: the journal may write the instrument's record next.
  return std::fprintf(file_, "%" PRIu64 " %d\n", instrument, partition) > 0 && std::fflush(file_) == 0;
}

}  // namespace rtm::streamsvc
