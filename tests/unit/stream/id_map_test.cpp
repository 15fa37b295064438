#include "rtm/stream/id_map.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

namespace rtm::stream {
namespace {

// Against std::map on ids of every kind: random, small and consecutive (one
// venue's), zero, the largest; values keep their addresses as the table grows.
TEST(IdMap, AgreesWithAMapAndKeepsAddresses) {
  IdMap<std::string> map;
  std::map<msg::InstrumentId, std::string> reference;
  std::map<msg::InstrumentId, const std::string*> addresses;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20'000; ++i) {
    msg::InstrumentId id = 0;
    switch (rng() % 4) {
      case 0:
        id = rng();
        break;
      case 1:
        id = rng() % 64;
        break;
      case 2:
        id = (rng() % 64) << 56;  // differing in the top bits only
        break;
      default:
        id = ~msg::InstrumentId{0} - rng() % 4;
        break;
    }
    const auto [value, added] = map.try_emplace(id);
    const auto [expected, inserted] = reference.try_emplace(id);
    ASSERT_EQ(added, inserted) << id;
    ASSERT_EQ(value, expected->second) << id;
    if (added) addresses[id] = &value;
    ASSERT_EQ(&value, addresses[id]) << "a value moved: " << id;
    value = expected->second = std::to_string(i);
  }
  EXPECT_EQ(map.size(), reference.size());
  for (const auto& [id, text] : reference) {
    const std::string* found = map.find(id);
    ASSERT_NE(found, nullptr) << id;
    EXPECT_EQ(*found, text);
    EXPECT_EQ(found, addresses[id]);
  }
  for (int i = 0; i < 1000; ++i) {
    const msg::InstrumentId absent = rng();
    if (!reference.contains(absent)) {
      EXPECT_EQ(map.find(absent), nullptr);
    }
  }
}

TEST(IdMap, EmptyFindsNothing) {
  const IdMap<int> map;
  EXPECT_EQ(map.find(0), nullptr);
  EXPECT_EQ(map.find(42), nullptr);
  EXPECT_EQ(map.size(), 0U);
}

}  // namespace
}  // namespace rtm::stream
