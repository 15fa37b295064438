#include "derived_checkpoint.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>

#include "rtm/common/replace_file.hpp"

namespace rtm::streamsvc {

std::optional<SequenceMarks> DerivedCheckpoint::load() const {
  std::ifstream in(file_);
  if (!in) return std::nullopt;
  SequenceMarks marks;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    std::istringstream fields(line);
    msg::InstrumentId instrument = 0;
    std::uint64_t sequence = 0;
    if (!(fields >> instrument >> sequence)) {
      throw std::runtime_error(file_.string() + ":" + std::to_string(number) + ": not 'instrument sequence'");
    }
    marks[instrument] = sequence;
  }
  return marks;
}

void DerivedCheckpoint::observe(const SequenceMarks& processed, const OutputCounts& sent,
                                const OutputCounts& acknowledged, std::chrono::milliseconds every) {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_) return;
  next_ = now + every;
  if (pending_ && acknowledged.covers(pending_sent_)) {
    write(*pending_);
    pending_.reset();
  }
  if (!pending_) {
    pending_ = processed;
    pending_sent_ = sent;
  }
}

void DerivedCheckpoint::write(const SequenceMarks& marks) const {
  std::string text;
  for (const auto& [instrument, sequence] : marks) {
    text += std::to_string(instrument) + ' ' + std::to_string(sequence) + '\n';
  }
  if (const std::error_code error = common::replace_file(file_, text, /*sync=*/true)) {
    throw std::system_error(error, "cannot write " + file_.string());
  }
}

}  // namespace rtm::streamsvc
