#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <utility>
#include <variant>

#include "rtm/msg/detail/wire.hpp"
#include "rtm/msg/records.hpp"

// Binary codec for the record schema. Encode and decode are allocation-free,
// exception-free and bounds-checked; decode trusts nothing in its input.
namespace rtm::msg {

template <Record R>
inline constexpr std::size_t kEncodedSize = kHeaderSize + detail::body_size<R>();

// The largest record of any type; buffers of this size hold any record.
inline constexpr std::size_t kMaxRecordSize = 160;

enum class EncodeError : std::uint8_t {
  kOk = 0,
  kBufferTooSmall,
  kInvalidRecord,  // a field out of its range (enum, scale, flags, text)
};

enum class DecodeError : std::uint8_t {
  kOk = 0,
  kTruncated,     // fewer bytes than the header or the record's length
  kBadLength,     // length field impossible for the record type
  kWrongVersion,  // schema version this build does not read
  kUnknownType,
  kTypeMismatch,  // a typed decode met another record type
  kCorrupt,       // a field out of range, unknown flags, dirty padding
};

std::string_view to_string(EncodeError error) noexcept;
std::string_view to_string(DecodeError error) noexcept;

struct EncodeResult {
  EncodeError error = EncodeError::kOk;
  std::size_t size = 0;  // bytes written
  [[nodiscard]] bool ok() const noexcept { return error == EncodeError::kOk; }
};

struct DecodeResult {
  DecodeError error = DecodeError::kOk;
  std::size_t size = 0;  // bytes consumed: the record's length
  [[nodiscard]] bool ok() const noexcept { return error == DecodeError::kOk; }
};

namespace detail {
// Calls visit.template operator()<R>() for the record type R whose kType is
// `type`, over every alternative of AnyRecord; false if there is none. Adding
// a record type to AnyRecord is all it takes to make the codec know it.
template <class Visit, class... Rs>
constexpr bool visit_record_type(RecordType type, Visit&& visit, std::variant<Rs...>* /*type list*/) {
  return ((type == Rs::kType ? (visit.template operator()<Rs>(), true) : false) || ...);
}
template <class Visit>
constexpr bool visit_record_type(RecordType type, Visit&& visit) {
  return visit_record_type(type, std::forward<Visit>(visit), static_cast<AnyRecord*>(nullptr));
}
}  // namespace detail

// Encoded size of a record type, 0 for an unknown type.
constexpr std::size_t encoded_size(RecordType type) noexcept {
  std::size_t size = 0;
  detail::visit_record_type(type, [&size]<class R>() { size = kEncodedSize<R>; });
  return size;
}

namespace detail {
// On little-endian machines RecordHeader's memory layout is its wire layout
// (no padding, fields at the same offsets), so it can be copied whole.
inline constexpr bool kHeaderLayoutIsWire =
    std::endian::native == std::endian::little && sizeof(RecordHeader) == kHeaderSize &&
    offsetof(RecordHeader, length) == 0 && offsetof(RecordHeader, type) == 2 && offsetof(RecordHeader, version) == 3 &&
    offsetof(RecordHeader, venue) == 4 && offsetof(RecordHeader, flags) == 6 &&
    offsetof(RecordHeader, instrument_id) == 8 && offsetof(RecordHeader, sequence) == 16 &&
    offsetof(RecordHeader, ts_event) == 24 && offsetof(RecordHeader, ts_recv) == 32;

constexpr bool valid_header_fields(const RecordHeader& h) noexcept {
  return (h.flags & ~flags::kAll) == 0;
}
}  // namespace detail

// Writes the record; length, type and version in the header come from R, not
// from the caller's header.
template <Record R>
EncodeResult encode(const R& record, std::span<std::byte> out) noexcept {
  constexpr std::size_t kSize = kEncodedSize<R>;
  if (out.size() < kSize) return {EncodeError::kBufferTooSmall, 0};
  if (!record.valid() || !detail::valid_header_fields(record.header)) return {EncodeError::kInvalidRecord, 0};
  const RecordHeader& h = record.header;
  detail::WireWriter writer{out.data()};
  if constexpr (detail::kHeaderLayoutIsWire) {
    std::memcpy(out.data(), &h, kHeaderSize);
  }
  writer(static_cast<std::uint16_t>(kSize));
  writer(R::kType);
  writer(kSchemaVersion);
  if constexpr (detail::kHeaderLayoutIsWire) {
    writer.out = out.data() + kHeaderSize;
  } else {
    writer(h.venue);
    writer(h.flags);
    writer(h.instrument_id);
    writer(h.sequence);
    writer(h.ts_event);
    writer(h.ts_recv);
  }
  R::fields(record, writer);
  return {EncodeError::kOk, kSize};
}

// Reads and checks the header alone: enough to route or skip a record.
DecodeResult decode_header(std::span<const std::byte> in, RecordHeader& header) noexcept;

namespace detail {
inline DecodeResult read_header(std::span<const std::byte> in, RecordHeader& h) noexcept {
  if (in.size() < kHeaderSize) return {DecodeError::kTruncated, 0};
  WireReader reader{in.data()};
  reader(h.length);
  reader(h.type);
  reader(h.version);
  reader(h.venue);
  reader(h.flags);
  reader(h.instrument_id);
  reader(h.sequence);
  reader(h.ts_event);
  reader(h.ts_recv);
  if (h.length < kHeaderSize || h.length > kMaxRecordSize) return {DecodeError::kBadLength, 0};
  if (h.version != kSchemaVersion) return {DecodeError::kWrongVersion, 0};
  const std::size_t expected = encoded_size(h.type);
  if (expected == 0) return {DecodeError::kUnknownType, 0};
  if (h.length != expected) return {DecodeError::kBadLength, 0};
  if (in.size() < h.length) return {DecodeError::kTruncated, 0};
  if (!valid_header_fields(h)) return {DecodeError::kCorrupt, 0};
  return {DecodeError::kOk, h.length};
}
}  // namespace detail

namespace detail {
// Out of line and cold, so the typed decode's fast path stays small enough to
// inline: says precisely why a buffer is not the record type asked for.
[[gnu::cold]] DecodeResult explain_header_mismatch(std::span<const std::byte> in) noexcept;
}  // namespace detail

template <Record R>
DecodeResult decode(std::span<const std::byte> in, R& record) noexcept {
  constexpr std::size_t kSize = kEncodedSize<R>;
  // Fast path: length, type and version of a well-formed R are one known
  // 32-bit word, checked with a single compare.
  constexpr std::uint32_t kExpectedPrefix = static_cast<std::uint32_t>(kSize) |
                                            (static_cast<std::uint32_t>(R::kType) << 16) |
                                            (static_cast<std::uint32_t>(kSchemaVersion) << 24);
  if (in.size() < kSize || detail::load_little_endian<std::uint32_t>(in.data()) != kExpectedPrefix) [[unlikely]] {
    return detail::explain_header_mismatch(in);
  }
  RecordHeader& h = record.header;
  detail::WireReader reader{in.data()};
  if constexpr (detail::kHeaderLayoutIsWire) {
    std::memcpy(&h, in.data(), kHeaderSize);
    reader.in += kHeaderSize;
  } else {
    reader(h.length), reader(h.type), reader(h.version), reader(h.venue), reader(h.flags), reader(h.instrument_id),
        reader(h.sequence), reader(h.ts_event), reader(h.ts_recv);
  }
  R::fields(record, reader);
  if (!reader.padding_clean || !record.valid() || !detail::valid_header_fields(h)) {
    return {DecodeError::kCorrupt, 0};
  }
  return {DecodeError::kOk, kSize};
}

// Decodes whatever record type the bytes hold. On an error `record` holds
// nothing to use (a record of the bytes' type, partly read, or what it held).
DecodeResult decode(std::span<const std::byte> in, AnyRecord& record) noexcept;

}  // namespace rtm::msg
