#pragma once

// The journal's file layout, shared by its writer and its reader. Private
// to libs/store.
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "rtm/store/crc32c.hpp"

namespace rtm::store::detail {

inline constexpr std::size_t kSegmentHeaderSize = 16;
inline constexpr std::size_t kFrameHeaderSize = 8;
inline constexpr char kMagic[8] = {'R', 'T', 'M', 'J', 'O', 'U', 'R', '1'};
// No record is near this; a length beyond it is a corrupt length.
inline constexpr std::size_t kMaxRecordBytes = 1 << 16;
inline constexpr std::string_view kSegmentPrefix = "segment-";
inline constexpr std::string_view kSegmentSuffix = ".rtmj";

inline void put_u32(std::byte* out, std::uint32_t value) noexcept {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<std::byte>(value >> (8 * i));
}
inline void put_u64(std::byte* out, std::uint64_t value) noexcept {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<std::byte>(value >> (8 * i));
}
inline std::uint32_t get_u32(const std::byte* in) noexcept {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value |= std::to_integer<std::uint32_t>(in[i]) << (8 * i);
  return value;
}
inline std::uint64_t get_u64(const std::byte* in) noexcept {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= std::to_integer<std::uint64_t>(in[i]) << (8 * i);
  return value;
}

// The CRC covers the length too, so that a corrupt length is caught.
inline std::uint32_t frame_crc(std::span<const std::byte> length_bytes, std::span<const std::byte> record) noexcept {
  return crc32c(record, crc32c(length_bytes));
}

inline std::array<std::byte, kFrameHeaderSize> frame_header(std::span<const std::byte> record) noexcept {
  std::array<std::byte, kFrameHeaderSize> header{};
  put_u32(header.data(), static_cast<std::uint32_t>(record.size()));
  put_u32(header.data() + 4, frame_crc(std::span(header.data(), 4), record));
  return header;
}

inline std::array<std::byte, kSegmentHeaderSize> segment_header(std::uint64_t first_record) noexcept {
  std::array<std::byte, kSegmentHeaderSize> header{};
  std::memcpy(header.data(), kMagic, sizeof(kMagic));
  put_u64(header.data() + 8, first_record);
  return header;
}

inline std::string segment_name(std::uint64_t index) {
  std::string digits = std::to_string(index);
  return std::string(kSegmentPrefix) + std::string(10 - std::min<std::size_t>(digits.size(), 10), '0') + digits +
         std::string(kSegmentSuffix);
}

// The index in a segment's file name; nullopt for any other file.
inline std::optional<std::uint64_t> parse_segment_index(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  if (!name.starts_with(kSegmentPrefix) || !name.ends_with(kSegmentSuffix)) return std::nullopt;
  const std::string_view digits(name.data() + kSegmentPrefix.size(),
                                name.size() - kSegmentPrefix.size() - kSegmentSuffix.size());
  std::uint64_t index = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (error != std::errc() || end != digits.data() + digits.size() || digits.empty()) return std::nullopt;
  return index;
}

inline std::uint64_t segment_index(const std::filesystem::path& path) {
  return parse_segment_index(path).value_or(0);
}

}  // namespace rtm::store::detail
