#include "rtm/msg/codec.hpp"

namespace rtm::msg {
namespace {

template <class R>
DecodeResult decode_as(std::span<const std::byte> in, AnyRecord& record) noexcept {
  // Straight into the variant: a local record copied in afterwards was read
  // back whole while the stores of its fields were still in flight, a
  // store-forwarding stall that was half of every decode.
  R* typed = std::get_if<R>(&record);
  if (typed == nullptr) typed = &record.emplace<R>();
  return decode(in, *typed);
}

}  // namespace

namespace detail {
DecodeResult explain_header_mismatch(std::span<const std::byte> in) noexcept {
  RecordHeader header;
  const DecodeResult result = read_header(in, header);
  if (!result.ok()) return result;
  return {DecodeError::kTypeMismatch, 0};
}
}  // namespace detail

DecodeResult decode_header(std::span<const std::byte> in, RecordHeader& header) noexcept {
  return detail::read_header(in, header);
}

DecodeResult decode(std::span<const std::byte> in, AnyRecord& record) noexcept {
  // The type byte picks the record, and the typed decode checks the rest
  // (length, version, header, fields) as it reads; the header is read on
  // its own only to name an error.
  constexpr std::size_t kTypeOffset = 2;
  DecodeResult typed{DecodeError::kUnknownType, 0};
  if (in.size() < kHeaderSize || !detail::visit_record_type(static_cast<RecordType>(in[kTypeOffset]),
                                                            [&]<class R>() { typed = decode_as<R>(in, record); })) {
    // Truncated or of no known type: the header says exactly why.
    RecordHeader header;
    const DecodeResult result = detail::read_header(in, header);
    return result.ok() ? typed : result;
  }
  return typed;
}

}  // namespace rtm::msg
