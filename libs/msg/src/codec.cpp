#include "rtm/msg/codec.hpp"

namespace rtm::msg {
namespace {

template <class R>
DecodeResult decode_as(std::span<const std::byte> in, AnyRecord& record) noexcept {
  R typed;
  const DecodeResult result = decode(in, typed);
  if (result.ok()) record = typed;
  return result;
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
  RecordHeader header;
  const DecodeResult result = detail::read_header(in, header);
  if (!result.ok()) return result;
  switch (header.type) {
    case RecordType::kTrade:
      return decode_as<Trade>(in, record);
    case RecordType::kBbo:
      return decode_as<Bbo>(in, record);
    case RecordType::kBookDelta:
      return decode_as<BookDelta>(in, record);
    case RecordType::kBar:
      return decode_as<Bar>(in, record);
    case RecordType::kNbbo:
      return decode_as<Nbbo>(in, record);
    case RecordType::kStats:
      return decode_as<Stats>(in, record);
    case RecordType::kAlert:
      return decode_as<Alert>(in, record);
    case RecordType::kStatus:
      return decode_as<Status>(in, record);
    case RecordType::kInstrumentDef:
      return decode_as<InstrumentDef>(in, record);
  }
  return {DecodeError::kUnknownType, 0};  // read_header has already refused unknown types
}

}  // namespace rtm::msg
