#pragma once

#include <cstdint>
#include <span>

namespace rtm::store {

// CRC-32C (Castagnoli), as the journal checks its records with: the SSE4.2
// instruction where the CPU has it (libs/store is built for it on x86-64),
// a table elsewhere. crc32c("123456789") == 0xE3069283.
[[nodiscard]] std::uint32_t crc32c(std::span<const std::byte> bytes, std::uint32_t crc = 0) noexcept;

}  // namespace rtm::store
