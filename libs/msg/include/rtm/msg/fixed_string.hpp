#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

namespace rtm::msg {

// A NUL-padded text field of a fixed-width record (symbols, rule names,
// status details). Holds up to N characters; shorter text is padded with NUL.
template <std::size_t N>
struct FixedString {
  std::array<char, N> chars{};

  // False, leaving the field unchanged, if text is too long or holds a
  // character a record may not carry (NUL or a control character).
  constexpr bool assign(std::string_view text) noexcept {
    if (text.size() > N) return false;
    if (!std::all_of(text.begin(), text.end(), is_printable)) return false;
    chars.fill('\0');
    std::copy(text.begin(), text.end(), chars.begin());
    return true;
  }

  [[nodiscard]] constexpr std::string_view view() const noexcept {
    const auto end = std::find(chars.begin(), chars.end(), '\0');
    return {chars.data(), static_cast<std::size_t>(end - chars.begin())};
  }

  // Printable ASCII followed only by NUL padding: what a decoder accepts.
  [[nodiscard]] constexpr bool well_formed() const noexcept {
    const auto end = std::find(chars.begin(), chars.end(), '\0');
    return std::all_of(chars.begin(), end, is_printable) &&
           std::all_of(end, chars.end(), [](char c) { return c == '\0'; });
  }

  friend constexpr bool operator==(const FixedString&, const FixedString&) = default;

 private:
  static constexpr bool is_printable(char c) noexcept { return c >= 0x20 && c <= 0x7e; }
};

}  // namespace rtm::msg
