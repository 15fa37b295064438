#include "rtm/msg/codec.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <random>
#include <vector>

#include "random_records.hpp"

namespace rtm::msg {
namespace {

using Buffer = std::array<std::byte, kMaxRecordSize>;

template <class R>
void expect_round_trip(const R& original) {
  Buffer buffer{};
  const EncodeResult encoded = encode(original, buffer);
  ASSERT_TRUE(encoded.ok()) << to_string(encoded.error);
  ASSERT_EQ(encoded.size, kEncodedSize<R>);
  R decoded{};
  const DecodeResult result = decode(std::span<const std::byte>(buffer.data(), encoded.size), decoded);
  ASSERT_TRUE(result.ok()) << to_string(result.error);
  EXPECT_EQ(result.size, encoded.size);
  R expected = original;
  expected.header.length = static_cast<std::uint16_t>(kEncodedSize<R>);
  expected.header.type = R::kType;
  expected.header.version = kSchemaVersion;
  EXPECT_EQ(decoded, expected);
}

template <class R>
class CodecRoundTrip : public ::testing::Test {};
using AllRecords = ::testing::Types<Trade, Bbo, BookDelta, Bar, Nbbo, Stats, Alert, Status, InstrumentDef>;
TYPED_TEST_SUITE(CodecRoundTrip, AllRecords);

TYPED_TEST(CodecRoundTrip, RandomRecordsSurviveEncodeAndDecode) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) expect_round_trip(testing::random_record<TypeParam>(rng));
}

TYPED_TEST(CodecRoundTrip, EveryShorterPrefixIsTruncated) {
  std::mt19937_64 rng(11);
  Buffer buffer{};
  const EncodeResult encoded = encode(testing::random_record<TypeParam>(rng), buffer);
  ASSERT_TRUE(encoded.ok());
  for (std::size_t length = 0; length < encoded.size; ++length) {
    // A heap copy of exactly `length` bytes, so ASan catches any overread.
    std::vector<std::byte> prefix(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(length));
    TypeParam decoded{};
    EXPECT_EQ(decode(prefix, decoded).error, DecodeError::kTruncated) << "length " << length;
    AnyRecord any;
    EXPECT_EQ(decode(prefix, any).error, DecodeError::kTruncated) << "length " << length << ", any record";
  }
}

TYPED_TEST(CodecRoundTrip, FitsTheLargestRecordBuffer) {
  EXPECT_LE(kEncodedSize<TypeParam>, kMaxRecordSize);
}

TEST(Codec, RecordSizesAreFixed) {
  // The wire layout is a contract with other processes and files: a change
  // here is a schema version change.
  EXPECT_EQ(kEncodedSize<Trade>, 72U);
  EXPECT_EQ(kEncodedSize<Bbo>, 80U);
  EXPECT_EQ(kEncodedSize<BookDelta>, 64U);
  EXPECT_EQ(kEncodedSize<Bar>, 136U);
  EXPECT_EQ(kEncodedSize<Nbbo>, 88U);
  EXPECT_EQ(kEncodedSize<Stats>, 104U);
  EXPECT_EQ(kEncodedSize<Alert>, 96U);
  EXPECT_EQ(kEncodedSize<Status>, 96U);
  EXPECT_EQ(kEncodedSize<InstrumentDef>, 120U);
}

TEST(Codec, TradeWireLayoutIsLittleEndianAtFixedOffsets) {
  Trade trade;
  trade.header.venue = Venue::kCoinbase;
  trade.header.flags = flags::kEndOfBatch;
  trade.header.instrument_id = 0x0102030405060708ULL;
  trade.header.sequence = 9;
  trade.header.ts_event = 10;
  trade.header.ts_recv = 11;
  trade.price = 1650010;
  trade.size = 150000;
  trade.trade_id = 12346;
  trade.aggressor = Aggressor::kSell;
  trade.price_scale = 2;
  trade.size_scale = 8;
  Buffer buffer;
  buffer.fill(std::byte{0xff});  // so that padding the encoder leaves unwritten shows
  ASSERT_TRUE(encode(trade, buffer).ok());
  const std::array<std::uint8_t, 72> expected = {
      72,   0,    1,    1, 2, 0, 4, 0,   // length, type, version, venue, flags
      8,    7,    6,    5, 4, 3, 2, 1,   // instrument id
      9,    0,    0,    0, 0, 0, 0, 0,   // sequence
      10,   0,    0,    0, 0, 0, 0, 0,   // ts_event
      11,   0,    0,    0, 0, 0, 0, 0,   // ts_recv
      0x5a, 0x2d, 0x19, 0, 0, 0, 0, 0,   // price 1650010
      0xf0, 0x49, 0x02, 0, 0, 0, 0, 0,   // size 150000
      0x3a, 0x30, 0,    0, 0, 0, 0, 0,   // trade id 12346
      2,    2,    8,    0, 0, 0, 0, 0};  // aggressor, scales, padding
  EXPECT_EQ(std::memcmp(buffer.data(), expected.data(), expected.size()), 0);
}

TEST(Codec, DecodesAnyRecordTypeFromAStreamOfMixedRecords) {
  std::mt19937_64 rng(3);
  std::vector<std::byte> stream;
  std::vector<AnyRecord> originals;
  for (int i = 0; i < 5000; ++i) {
    originals.push_back(testing::random_any_record(rng));
    Buffer buffer{};
    const EncodeResult encoded = std::visit([&](const auto& r) { return encode(r, buffer); }, originals.back());
    ASSERT_TRUE(encoded.ok());
    stream.insert(stream.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(encoded.size));
  }
  std::span<const std::byte> rest(stream);
  for (const AnyRecord& original : originals) {
    AnyRecord decoded;
    const DecodeResult result = decode(rest, decoded);
    ASSERT_TRUE(result.ok()) << to_string(result.error);
    ASSERT_EQ(decoded.index(), original.index());
    std::visit(
        [&](const auto& d) {
          auto expected = std::get<std::decay_t<decltype(d)>>(original);
          expected.header.length = d.header.length;
          expected.header.type = d.header.type;
          EXPECT_EQ(d, expected);
        },
        decoded);
    rest = rest.subspan(result.size);
  }
  EXPECT_TRUE(rest.empty());
}

class CodecCorruption : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937_64 rng(5);
    trade_ = testing::random_record<Trade>(rng);
    ASSERT_TRUE(encode(trade_, buffer_).ok());
  }
  DecodeError decode_trade() {
    const std::span<const std::byte> bytes(buffer_.data(), kEncodedSize<Trade>);
    Trade decoded;
    const DecodeError error = decode(bytes, decoded).error;
    // Decoding whatever record the bytes hold names the same error (a
    // record of another type it reads as that type instead).
    if (error != DecodeError::kTypeMismatch) {
      AnyRecord any;
      EXPECT_EQ(decode(bytes, any).error, error);
    }
    return error;
  }
  void put(std::size_t offset, std::uint8_t value) { buffer_[offset] = std::byte{value}; }

  Trade trade_;
  Buffer buffer_{};
};

TEST_F(CodecCorruption, WrongVersion) {
  put(3, 2);
  EXPECT_EQ(decode_trade(), DecodeError::kWrongVersion);
}

TEST_F(CodecCorruption, UnknownType) {
  put(2, 200);
  EXPECT_EQ(decode_trade(), DecodeError::kUnknownType);
}

TEST_F(CodecCorruption, LengthThatDoesNotMatchTheType) {
  put(0, 80);
  EXPECT_EQ(decode_trade(), DecodeError::kBadLength);
}

TEST_F(CodecCorruption, OversizedLength) {
  put(0, 0xff);
  put(1, 0xff);
  EXPECT_EQ(decode_trade(), DecodeError::kBadLength);
}

TEST_F(CodecCorruption, LengthShorterThanAHeader) {
  put(0, 8);
  put(1, 0);
  EXPECT_EQ(decode_trade(), DecodeError::kBadLength);
}

TEST_F(CodecCorruption, OtherRecordType) {
  put(2, static_cast<std::uint8_t>(RecordType::kBookDelta));
  put(0, static_cast<std::uint8_t>(kEncodedSize<BookDelta>));
  EXPECT_EQ(decode_trade(), DecodeError::kTypeMismatch);
}

TEST_F(CodecCorruption, UnknownFlagBits) {
  put(7, 0x80);  // high byte of the flags
  EXPECT_EQ(decode_trade(), DecodeError::kCorrupt);
}

TEST_F(CodecCorruption, EnumOutOfRange) {
  put(kHeaderSize + 24, 7);  // aggressor
  EXPECT_EQ(decode_trade(), DecodeError::kCorrupt);
}

TEST_F(CodecCorruption, ScaleOutOfRange) {
  put(kHeaderSize + 25, 19);  // price scale
  EXPECT_EQ(decode_trade(), DecodeError::kCorrupt);
}

TEST_F(CodecCorruption, NegativeSize) {
  put(kHeaderSize + 15, 0x80);  // sign bit of size
  EXPECT_EQ(decode_trade(), DecodeError::kCorrupt);
}

TEST_F(CodecCorruption, DirtyPadding) {
  put(kEncodedSize<Trade> - 1, 1);
  EXPECT_EQ(decode_trade(), DecodeError::kCorrupt);
}

TEST(Codec, ControlCharactersInTextAreCorrupt) {
  InstrumentDef def;
  ASSERT_TRUE(def.venue_symbol.assign("BTCUSDT"));
  Buffer buffer{};
  ASSERT_TRUE(encode(def, buffer).ok());
  buffer[kHeaderSize + 2] = std::byte{0x07};
  InstrumentDef decoded;
  EXPECT_EQ(decode(std::span<const std::byte>(buffer.data(), kEncodedSize<InstrumentDef>), decoded).error,
            DecodeError::kCorrupt);
  // Text after the NUL terminator would be invisible yet change the bytes.
  buffer[kHeaderSize + 2] = std::byte{'C'};
  buffer[kHeaderSize + 20] = std::byte{'X'};
  EXPECT_EQ(decode(std::span<const std::byte>(buffer.data(), kEncodedSize<InstrumentDef>), decoded).error,
            DecodeError::kCorrupt);
}

TEST(Codec, EncodeRefusesSmallBuffersAndInvalidRecords) {
  Trade trade;
  std::array<std::byte, 71> small{};
  EXPECT_EQ(encode(trade, small).error, EncodeError::kBufferTooSmall);
  Buffer buffer{};
  trade.price_scale = 19;
  EXPECT_EQ(encode(trade, buffer).error, EncodeError::kInvalidRecord);
  trade.price_scale = 2;
  trade.header.flags = 0x8000;
  EXPECT_EQ(encode(trade, buffer).error, EncodeError::kInvalidRecord);
  trade.header.flags = 0;
  trade.size = -1;
  EXPECT_EQ(encode(trade, buffer).error, EncodeError::kInvalidRecord);
}

TEST(Codec, RandomMutationsNeverCrashAndNeverPassForAnotherRecord) {
  // Flip bytes of valid records: each decode either fails with an error or
  // yields a record that re-encodes to exactly the mutated bytes.
  std::mt19937_64 rng(99);
  for (int i = 0; i < 50000; ++i) {
    Buffer buffer{};
    const AnyRecord original = testing::random_any_record(rng);
    const std::size_t size = std::visit([&](const auto& r) { return encode(r, buffer).size; }, original);
    for (int flips = 1 + static_cast<int>(rng() % 3); flips > 0; --flips) {
      buffer[rng() % size] ^= std::byte{static_cast<std::uint8_t>(1 + rng() % 255)};
    }
    std::vector<std::byte> input(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size));
    AnyRecord decoded;
    const DecodeResult result = decode(input, decoded);
    if (!result.ok()) continue;
    Buffer again{};
    const std::size_t again_size = std::visit([&](const auto& r) { return encode(r, again).size; }, decoded);
    ASSERT_EQ(again_size, result.size);
    ASSERT_EQ(std::memcmp(again.data(), input.data(), again_size), 0);
  }
}

}  // namespace
}  // namespace rtm::msg
