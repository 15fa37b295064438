#include "rtm/common/replace_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace rtm::common {

std::error_code replace_file(const std::filesystem::path& file, std::string_view text, bool sync) {
  std::filesystem::path temporary = file;
  temporary += ".new";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return {errno, std::generic_category()};
  const bool written =
      ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && (!sync || ::fsync(fd) == 0);
  const int error = errno;
  ::close(fd);
  if (!written) return {error, std::generic_category()};
  std::error_code renamed;
  std::filesystem::rename(temporary, file, renamed);
  return renamed;
}

}  // namespace rtm::common
