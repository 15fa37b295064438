#pragma once

#include <filesystem>
#include <string_view>
#include <system_error>

namespace rtm::common {

// Writes `text` as the whole of `file` so that a crash leaves the old
// content or the new, never a mix: into a temporary file beside it (synced
// to the disk first when `sync`), renamed over it. Returns what failed.
std::error_code replace_file(const std::filesystem::path& file, std::string_view text, bool sync);

}  // namespace rtm::common
