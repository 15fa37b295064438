#include "rtm/json/json_writer.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include "rtm/msg/decimal.hpp"

namespace rtm::json {

void JsonWriter::grow(std::size_t bytes) {
  // To the capacity already reserved, then doubling: resize's zero-fill
  // costs little beside writing the text.
  out_.resize(std::max({used_ + bytes, out_.capacity(), 2 * out_.size()}));
}

void JsonWriter::append(std::string_view text) {
  std::memcpy(room(text.size()), text.data(), text.size());
  used_ += text.size();
}

void JsonWriter::open(char bracket) {
  separate();
  *room(1) = bracket;
  ++used_;
  needs_comma_ = false;
}

void JsonWriter::close(char bracket) {
  *room(1) = bracket;
  ++used_;
  needs_comma_ = true;
}

void JsonWriter::quoted(std::string_view text) {
  // Boost.JSON escapes only quotes, backslashes and control characters; text
  // without any (keys, symbols, durations: nearly all of it) is copied as it
  // is, without the serializer's round trip.
  const bool plain = std::none_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\';
  });
  if (plain) {
    char* const at = room(text.size() + 2);
    at[0] = '"';
    std::memcpy(at + 1, text.data(), text.size());
    at[text.size() + 1] = '"';
    used_ += text.size() + 2;
    return;
  }
  escaper_.reset(text);
  std::array<char, 256> chunk;
  while (!escaper_.done()) append(escaper_.read(chunk.data(), chunk.size()));
}

void JsonWriter::key_text(std::string_view name) {
  separate();
  quoted(name);
  *room(1) = ':';
  ++used_;
  // The key's value follows without a comma.
  needs_comma_ = false;
}

void JsonWriter::string(std::string_view text) {
  separate();
  quoted(text);
}

void JsonWriter::integer(std::int64_t value) {
  separate();
  char* const at = room(20);
  used_ += static_cast<std::size_t>(std::to_chars(at, at + 20, value).ptr - at);
}

void JsonWriter::unsigned_integer(std::uint64_t value) {
  separate();
  char* const at = room(20);
  used_ += static_cast<std::size_t>(std::to_chars(at, at + 20, value).ptr - at);
}

void JsonWriter::boolean(bool value) {
  separate();
  append(value ? std::string_view("true") : std::string_view("false"));
}

void JsonWriter::decimal(std::int64_t mantissa, std::uint8_t scale) {
  separate();
  // Digits, a sign and a point: nothing in a decimal's text needs escaping.
  char* const at = room(msg::kMaxDecimalChars + 2);
  at[0] = '"';
  const std::size_t size = msg::format_decimal({mantissa, scale}, at + 1);
  at[size + 1] = '"';
  used_ += size + 2;
}

}  // namespace rtm::json
