#include "derived_checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>

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
  const std::filesystem::path temporary = file_.string() + ".new";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot write " + temporary.string());
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!written) throw std::system_error(error, std::generic_category(), "cannot write " + temporary.string());
  std::filesystem::rename(temporary, file_);
}

}  // namespace rtm::streamsvc
