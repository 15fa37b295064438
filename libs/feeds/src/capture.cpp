#include "rtm/feeds/capture.hpp"

#include "json_fields.hpp"

namespace rtm::feeds {

namespace od = simdjson::ondemand;
using simdjson::SUCCESS;

struct CaptureParser::Impl {
  od::parser parser;
};

CaptureParser::CaptureParser() : impl_(std::make_unique<Impl>()) {}
CaptureParser::~CaptureParser() = default;

CaptureParser::Kind CaptureParser::parse(PaddedFrame line, CaptureLine& out, std::string& error) {
  out = CaptureLine{};
  od::document document;
  od::object object;
  if (impl_->parser.iterate(detail::padded(line)).get(document) != SUCCESS ||
      document.get_object().get(object) != SUCCESS) {
    error = "not a JSON object";
    return Kind::kMalformed;
  }
  // A venue's own frame may have keys of the same names ("channel" in
  // Kraken's): they are judged only once "frame" says this is a capture line.
  bool has_frame = false;
  bool has_ts_recv = false;
  std::string_view venue_name;
  std::string_view channel;
  for (auto field_result : object) {
    if (field_result.error() != SUCCESS) {
      error = "invalid JSON";
      return Kind::kMalformed;
    }
    od::field field = field_result.value_unsafe();
    const std::string_view key = detail::key_of(field);
    od::value value = field.value();
    if (key == "frame") {
      od::json_type type{};
      std::string_view raw;
      if (value.type().get(type) != SUCCESS) {
        error = "invalid frame";
        return Kind::kMalformed;
      }
      bool ok = false;
      if (type == od::json_type::object) {
        od::object frame;
        ok = value.get_object().get(frame) == SUCCESS && frame.raw_json().get(raw) == SUCCESS;
      } else if (type == od::json_type::array) {
        od::array frame;
        ok = value.get_array().get(frame) == SUCCESS && frame.raw_json().get(raw) == SUCCESS;
      }
      if (!ok) {
        error = "frame is not a JSON object or array";
        return Kind::kMalformed;
      }
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t')) {
        raw.remove_suffix(1);
      }
      out.frame = PaddedFrame{raw};  // the rest of the line and its padding follow it
      has_frame = true;
    } else if (key == "ts_recv") {
      has_ts_recv = value.get_int64().get(out.ts_recv) == SUCCESS;
    } else if (key == "venue") {
      detail::string_value(value, venue_name);
    } else if (key == "channel") {
      detail::string_value(value, channel);
    } else if (key == "url") {
      detail::string_value(value, out.url);
    }
  }
  if (!has_frame) {
    out = CaptureLine{};
    return Kind::kBareFrame;
  }
  const auto venue = msg::parse_venue(venue_name);
  if (!venue || *venue == msg::Venue::kComposite) {
    error = "capture line without a known venue";
    return Kind::kMalformed;
  }
  if (channel != "ws" && channel != "rest") {
    error = R"(capture line's channel is not "ws" or "rest")";
    return Kind::kMalformed;
  }
  if (!has_ts_recv) {
    error = "capture line without an integer ts_recv";
    return Kind::kMalformed;
  }
  out.venue = *venue;
  out.rest = channel == "rest";
  return Kind::kCapture;
}

std::string_view query_parameter(std::string_view url, std::string_view name) noexcept {
  const std::size_t query = url.find('?');
  if (query == std::string_view::npos) return {};
  std::string_view rest = url.substr(query + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return {};
}

}  // namespace rtm::feeds
