// Human-readable names of the library's enums, for logs, errors and JSON.
#include "rtm/msg/codec.hpp"
#include "rtm/msg/decimal.hpp"
#include "rtm/msg/publish_status.hpp"
#include "rtm/msg/records.hpp"

namespace rtm::msg {

std::string_view to_string(RecordType type) noexcept {
  switch (type) {
    case RecordType::kTrade:
      return "trade";
    case RecordType::kBbo:
      return "bbo";
    case RecordType::kBookDelta:
      return "book_delta";
    case RecordType::kBar:
      return "bar";
    case RecordType::kNbbo:
      return "nbbo";
    case RecordType::kStats:
      return "stats";
    case RecordType::kAlert:
      return "alert";
    case RecordType::kStatus:
      return "status";
    case RecordType::kInstrumentDef:
      return "instrument_def";
  }
  return "unknown";
}

std::string_view to_string(AlertRule rule) noexcept {
  switch (rule) {
    case AlertRule::kPriceMove:
      return "price_move";
    case AlertRule::kVolumeSpike:
      return "volume_spike";
    case AlertRule::kWideSpread:
      return "wide_spread";
    case AlertRule::kStaleFeed:
      return "stale_feed";
    case AlertRule::kCrossedMarket:
      return "crossed_market";
  }
  return "unknown";
}

std::string instrument_name(const InstrumentDef& definition) {
  return std::string(venue_name(definition.header.venue)) + ":" + std::string(definition.venue_symbol.view());
}

std::optional<InstrumentId> parse_instrument_name(std::string_view name) noexcept {
  const std::size_t colon = name.find(':');
  if (colon == std::string_view::npos || colon + 1 == name.size()) return std::nullopt;
  const std::optional<Venue> venue = parse_venue(name.substr(0, colon));
  if (!venue || *venue == Venue::kComposite) return std::nullopt;
  return make_instrument_id(*venue, name.substr(colon + 1));
}

std::string_view to_string(Severity severity) noexcept {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kCritical:
      return "critical";
  }
  return "unknown";
}

std::string_view to_string(StatusCode code) noexcept {
  switch (code) {
    case StatusCode::kConnected:
      return "connected";
    case StatusCode::kDisconnected:
      return "disconnected";
    case StatusCode::kGap:
      return "gap";
    case StatusCode::kResync:
      return "resync";
    case StatusCode::kChecksumFailure:
      return "checksum_mismatch";
    case StatusCode::kCrossedBook:
      return "crossed_book";
    case StatusCode::kStaleFeed:
      return "stale_feed";
    case StatusCode::kBookReady:
      return "book_ready";
  }
  return "unknown";
}

std::string_view to_string(EncodeError error) noexcept {
  switch (error) {
    case EncodeError::kOk:
      return "ok";
    case EncodeError::kBufferTooSmall:
      return "buffer too small for the record";
    case EncodeError::kInvalidRecord:
      return "record has a field out of range";
  }
  return "unknown encode error";
}

std::string_view to_string(DecodeError error) noexcept {
  switch (error) {
    case DecodeError::kOk:
      return "ok";
    case DecodeError::kTruncated:
      return "truncated record";
    case DecodeError::kBadLength:
      return "record length does not match its type";
    case DecodeError::kWrongVersion:
      return "unsupported schema version";
    case DecodeError::kUnknownType:
      return "unknown record type";
    case DecodeError::kTypeMismatch:
      return "record is of another type";
    case DecodeError::kCorrupt:
      return "record has a field out of range";
  }
  return "unknown decode error";
}

std::string_view to_string(DecimalError error) noexcept {
  switch (error) {
    case DecimalError::kOk:
      return "ok";
    case DecimalError::kEmpty:
      return "empty decimal";
    case DecimalError::kMalformed:
      return "malformed decimal";
    case DecimalError::kOverflow:
      return "decimal out of range";
    case DecimalError::kScaleTooLarge:
      return "more than 18 fraction digits";
    case DecimalError::kInexact:
      return "decimal has digits finer than the scale";
  }
  return "unknown decimal error";
}

std::string_view to_string(PublishStatus status) noexcept {
  switch (status) {
    case PublishStatus::kOk:
      return "ok";
    case PublishStatus::kBackPressured:
      return "back-pressured";
    case PublishStatus::kTooLarge:
      return "record too large for the channel";
    case PublishStatus::kClosed:
      return "transport closed";
  }
  return "unknown publish status";
}

}  // namespace rtm::msg
