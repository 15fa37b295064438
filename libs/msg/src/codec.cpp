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
  DecodeResult typed;
  detail::visit_record_type(header.type, [&]<class R>() { typed = decode_as<R>(in, record); });
  return typed;
}

}  // namespace rtm::msg
