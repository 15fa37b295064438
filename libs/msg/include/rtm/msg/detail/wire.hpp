#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "rtm/msg/fixed_string.hpp"
#include "rtm/msg/records.hpp"

// Field visitors that turn a record's `fields()` list into wire bytes and
// back. Everything here inlines to plain loads and stores on little-endian
// machines; big-endian ones byte-swap.
namespace rtm::msg::detail {

template <class T>
constexpr std::size_t wire_size_of() {
  if constexpr (std::is_enum_v<T>)
    return sizeof(std::underlying_type_t<T>);
  else
    return sizeof(T);
}

template <class T>
inline auto to_little_endian(T value) noexcept {
  using U = std::conditional_t<sizeof(T) == 1, std::uint8_t,
                               std::conditional_t<sizeof(T) == 2, std::uint16_t,
                                                  std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>>;
  static_assert(sizeof(U) == sizeof(T));
  U bits = std::bit_cast<U>(value);
  if constexpr (std::endian::native == std::endian::big && sizeof(U) > 1) {
    if constexpr (sizeof(U) == 2)
      bits = __builtin_bswap16(bits);
    else if constexpr (sizeof(U) == 4)
      bits = __builtin_bswap32(bits);
    else
      bits = __builtin_bswap64(bits);
  }
  return bits;
}

template <class T>
inline T from_little_endian(decltype(to_little_endian(T{})) bits) noexcept {
  // Byte-swapping is its own inverse.
  return std::bit_cast<T>(to_little_endian(bits));
}

template <class T>
inline T load_little_endian(const std::byte* in) noexcept {
  decltype(to_little_endian(T{})) bits;
  std::memcpy(&bits, in, sizeof(bits));
  return from_little_endian<T>(bits);
}

struct SizeCounter {
  std::size_t size = 0;
  template <class T>
  constexpr void operator()(const T&) noexcept {
    size += wire_size_of<T>();
  }
  template <std::size_t N>
  constexpr void operator()(const FixedString<N>&) noexcept {
    size += N;
  }
  template <std::size_t N>
  constexpr void operator()(Padding<N>) noexcept {
    size += N;
  }
};

template <class R>
constexpr std::size_t body_size() {
  SizeCounter counter;
  R record{};
  R::fields(record, counter);
  return counter.size;
}

struct WireWriter {
  std::byte* out;

  template <class T>
  void operator()(const T& value) noexcept {
    const auto bits = to_little_endian(value);
    std::memcpy(out, &bits, sizeof(bits));
    out += sizeof(bits);
  }
  template <std::size_t N>
  void operator()(const FixedString<N>& text) noexcept {
    std::memcpy(out, text.chars.data(), N);
    out += N;
  }
  template <std::size_t N>
  void operator()(Padding<N>) noexcept {
    std::memset(out, 0, N);
    out += N;
  }
};

struct WireReader {
  const std::byte* in;
  bool padding_clean = true;

  template <class T>
  void operator()(T& value) noexcept {
    decltype(to_little_endian(T{})) bits;
    std::memcpy(&bits, in, sizeof(bits));
    value = from_little_endian<T>(bits);
    in += sizeof(bits);
  }
  template <std::size_t N>
  void operator()(FixedString<N>& text) noexcept {
    std::memcpy(text.chars.data(), in, N);
    in += N;
  }
  template <std::size_t N>
  void operator()(Padding<N>) noexcept {
    static_assert(N <= 8, "padding runs are shorter than a word");
    // Two overlapping 4-byte loads straight from the input: copying N bytes
    // into a zeroed word first would stall on store forwarding.
    if constexpr (N >= 4) {
      std::uint32_t head = 0;
      std::uint32_t tail = 0;
      std::memcpy(&head, in, 4);
      std::memcpy(&tail, in + N - 4, 4);
      padding_clean &= (head | tail) == 0;
    } else {
      for (std::size_t i = 0; i < N; ++i) padding_clean &= in[i] == std::byte{0};
    }
    in += N;
  }
};

}  // namespace rtm::msg::detail
