#include "rtm/json/json_writer.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <random>
#include <string>

#include "random_records.hpp"
#include "rtm/json/derived_json.hpp"

namespace rtm::json {
namespace {

TEST(JsonWriterTest, NestsAndSeparatesValues) {
  std::string text;
  JsonWriter out(text);
  out.begin_object();
  out.key("a");
  out.begin_array();
  out.integer(-1);
  out.unsigned_integer(18'446'744'073'709'551'615ULL);
  out.boolean(true);
  out.begin_object();
  out.end_object();
  out.begin_array();
  out.end_array();
  out.decimal(-150, 4);
  out.end_array();
  out.key("b");
  out.string("x");
  out.end_object();
  out.finish();
  EXPECT_EQ(text, R"({"a":[-1,18446744073709551615,true,{},[],"-0.0150"],"b":"x"})");
}

TEST(JsonWriterTest, EscapesStringsAndKeysAsBoostJsonDoes) {
  const std::string hostile = std::string("quote\" back\\slash \x01\x1f tab\t nl\n del\x7f ") + "\xc3\xa9 </script>";
  std::string text;
  JsonWriter out(text);
  out.begin_object();
  out.key_text(hostile);
  out.string(hostile);
  out.end_object();
  out.finish();
  boost::json::object expected;
  expected[hostile] = hostile;
  EXPECT_EQ(text, boost::json::serialize(expected));
  EXPECT_EQ(boost::json::parse(text).as_object().at(hostile).as_string(), hostile);
}

TEST(JsonWriterTest, TextWithNothingToEscapeIsWrittenAsBoostJsonWritesIt) {
  for (const std::string text : {"", "BTC-USD", "caf\xc3\xa9 \x7f / </script> \xff\xfe 'single'"}) {
    std::string written;
    JsonWriter out(written);
    out.string(text);
    out.finish();
    EXPECT_EQ(written, boost::json::serialize(boost::json::value(text)));
  }
}

TEST(JsonWriterTest, AppendsToWhatTheStringHeldAndGrowsAsNeeded) {
  std::string text = "prefix ";
  {
    JsonWriter out(text);
    out.begin_array();
    for (int i = 0; i < 1000; ++i) out.decimal(-123'456'789, 18);
  }  // the destructor finishes
  std::string expected = "prefix [";
  for (int i = 0; i < 1000; ++i) expected += std::string(i == 0 ? "" : ",") + "\"-0.000000000123456789\"";
  EXPECT_EQ(text, expected);  // the array was left open
}

TEST(JsonWriterTest, LongStringsAreWrittenWhole) {
  const std::string long_text(5000, 'x');
  std::string text;
  JsonWriter out(text);
  out.string(long_text + "\"");
  out.finish();
  EXPECT_EQ(text, boost::json::serialize(boost::json::value(long_text + "\"")));
}

// The REST API writes pages of bars with write_bar and the WebSocket and the
// tools with bar_json: one shape everywhere, byte for byte.
TEST(JsonWriterTest, WriteBarGivesBarJsonsText) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    const msg::Bar bar = msg::testing::random_record<msg::Bar>(rng);
    const std::string name = i % 3 == 0 ? "BTC-USD" : "coinbase:\"odd\\name\"";
    std::string text;
    JsonWriter out(text);
    write_bar(out, bar, name);
    out.finish();
    ASSERT_EQ(text, boost::json::serialize(bar_json(bar, name))) << "bar " << i;
  }
}

}  // namespace
}  // namespace rtm::json
