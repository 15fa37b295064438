#pragma once

#include <boost/json/serializer.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace rtm::json {

// Writes JSON text straight onto the end of a string, for answers too large
// to build as boost::json values first (a page of a hundred bars spends
// more in building and hashing objects than in writing them). Strings and
// keys are escaped by Boost.JSON's own serializer; integers, booleans and
// exact decimals are written as their digits, in the same form
// boost::json::serialize gives them. The caller nests begin/end calls
// correctly and puts a key before each value inside an object.
//
// The writer works in the string's spare capacity: the text is complete in
// `out` once finish() is called or the writer is destroyed.
class JsonWriter {
 public:
  // A key written in the source, checked while compiling to need no
  // escaping, so that writing it is a copy of known size.
  class Key {
   public:
    template <std::size_t N>
    consteval Key(const char (&text)[N]) : text_(text, N - 1) {  // NOLINT: implicit from a literal by design
      for (const char c : text_) {
        if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') throw "a Key must need no escaping";
      }
    }
    [[nodiscard]] constexpr std::string_view text() const noexcept { return text_; }

   private:
    std::string_view text_;
  };

  explicit JsonWriter(std::string& out) noexcept : out_(out), used_(out.size()) {}
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;
  ~JsonWriter() { finish(); }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(Key name) {
    const std::string_view text = name.text();
    char* at = room(text.size() + 4);
    if (needs_comma_) *at++ = ',';
    *at++ = '"';
    std::memcpy(at, text.data(), text.size());
    at += text.size();
    *at++ = '"';
    *at++ = ':';
    used_ = static_cast<std::size_t>(at - out_.data());
    // The key's value follows without a comma.
    needs_comma_ = false;
  }
  // A key known only at run time, escaped as any string.
  void key_text(std::string_view name);

  void string(std::string_view text);
  void integer(std::int64_t value);
  void unsigned_integer(std::uint64_t value);
  void boolean(bool value);
  // A decimal as its exact text, quoted ("6500.00000000"): as decimal_text.
  void decimal(std::int64_t mantissa, std::uint8_t scale);

  // Cuts the string to what was written.
  void finish() { out_.resize(used_); }

 private:
  // Room for `bytes` more at the end of what was written.
  char* room(std::size_t bytes) {
    if (used_ + bytes > out_.size()) grow(bytes);
    return out_.data() + used_;
  }
  void grow(std::size_t bytes);
  // A comma before every value but the first of its object or array.
  void separate() {
    if (needs_comma_) {
      *room(1) = ',';
      ++used_;
    }
    needs_comma_ = true;
  }
  void open(char bracket);
  void close(char bracket);
  void append(std::string_view text);
  void quoted(std::string_view text);

  std::string& out_;
  std::size_t used_;
  bool needs_comma_ = false;
  boost::json::serializer escaper_;
};

}  // namespace rtm::json
