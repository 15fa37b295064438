// Members of a consumer group hand their partitions' state over: a member
// given a partition reads what others processed of it before (delivered to
// on_handed_over) and then its live records, each exactly once, in order;
// a symbol's instruments share a partition.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "../../../libs/kafka/src/partition_marks.hpp"
#include "kafka_test_support.hpp"

namespace rtm::kafka {
namespace {

using namespace std::chrono_literals;
using namespace rtm::kafka::testing;

class GroupHandOverTest : public KafkaTest {
 protected:
  KafkaOptions group_options() const {
    KafkaOptions group = options("rtm-hand-over");
    // The mock cluster's coordinator waits for every member to rejoin for
    // the rebalance timeout (max.poll.interval.ms): short, so tests are.
    group.properties["max.poll.interval.ms"] = "3000";
    group.properties["session.timeout.ms"] = "3000";
    // A member learns of a rebalance from its heartbeats: frequent enough
    // to rejoin (and commit) before that timeout evicts it.
    group.properties["heartbeat.interval.ms"] = "200";
    return group;
  }
  // Trades `from` to `to` of every instrument, acknowledged.
  void publish_acknowledged(std::uint64_t from, std::uint64_t to) {
    if (!publisher_) publisher_ = producer_side_.make_kafka_publisher(kChannel);  // once the topic exists
    publish(*publisher_, from, to);
    ASSERT_EQ(publisher_->flush(10s), 0U);
  }

 private:
  KafkaTransport producer_side_{options()};
  std::unique_ptr<KafkaPublisher> publisher_;
};

// Per instrument, what a member was handed over and then read live, in the
// order it came.
std::map<msg::InstrumentId, std::vector<std::uint64_t>> everything(const Collector& member) {
  std::map<msg::InstrumentId, std::vector<std::uint64_t>> all = member.handed_over;
  for (const auto& [instrument, live] : member.sequences)
    all[instrument].insert(all[instrument].end(), live.begin(), live.end());
  return all;
}

// Has the member seen each instrument's records up to `last`?
bool reached(const Collector& member, std::uint64_t last, int instruments = 5) {
  const auto all = everything(member);
  if (all.size() != static_cast<std::size_t>(instruments)) return false;
  for (const auto& [instrument, sequences] : all) {
    if (sequences.empty() || sequences.back() < last) return false;
  }
  return true;
}

// ...and as one unbroken run from 1 to `last`: nothing lost, duplicated or
// out of order.
void expect_whole(const Collector& member, std::uint64_t last, int instruments = 5) {
  const auto all = everything(member);
  ASSERT_EQ(all.size(), static_cast<std::size_t>(instruments));
  for (const auto& [instrument, sequences] : all) {
    ASSERT_EQ(sequences.size(), last) << "instrument " << instrument;
    for (std::size_t i = 0; i < sequences.size(); ++i) {
      ASSERT_EQ(sequences[i], i + 1) << "instrument " << instrument << ": lost, duplicated or out of order";
    }
  }
}

// Every record, 1 to `last` of each instrument, was delivered live to one
// member at least. Exactly one, when the members' commits at a rebalance
// succeed; the mock cluster refuses commits once a rebalance has begun
// (a broker takes them until the group's new generation), and then the
// records after the last periodic commit come live to their new owner too:
// at least once, which the stream service's outputs absorb (they replace
// by key).
bool every_record_live(const std::vector<const Collector*>& members, std::uint64_t last, int instruments = 5) {
  std::map<msg::InstrumentId, std::set<std::uint64_t>> seen;
  for (const Collector* member : members) {
    for (const auto& [instrument, live] : member->sequences) seen[instrument].insert(live.begin(), live.end());
  }
  if (seen.size() != static_cast<std::size_t>(instruments)) return false;
  for (const auto& [instrument, sequences] : seen) {
    if (sequences.size() != last || *sequences.begin() != 1 || *sequences.rbegin() != last) return false;
  }
  return true;
}

TEST_F(GroupHandOverTest, ANewMemberIsHandedWhatTheGroupProcessedBefore) {
  publish_acknowledged(1, 300);

  KafkaTransport consumer_side(group_options());
  {
    Collector first;
    auto subscriber = consumer_side.make_kafka_subscriber(kChannel, {.start = msg::StartFrom::kEarliest});
    ASSERT_TRUE(poll_until(*subscriber, first, 1500));
    EXPECT_EQ(first.handed_over_records, 0U);  // nothing was committed before it
    EXPECT_TRUE(subscriber->commit());
  }
  publish_acknowledged(301, 400);

  // Another member, with no state of its own: the group's past comes first,
  // handed over, then what nobody has processed, live.
  Collector second;
  auto subscriber = consumer_side.make_kafka_subscriber(kChannel, {.start = msg::StartFrom::kEarliest});
  ASSERT_TRUE(poll_until(*subscriber, second, 500));
  std::this_thread::sleep_for(300ms);
  subscriber->poll(second, 10'000);
  EXPECT_EQ(second.handed_over_records, 1500U);
  EXPECT_EQ(second.records, 500U);
  expect_whole(second, 400);
  for (const auto& [instrument, live] : second.sequences) EXPECT_EQ(live.front(), 301U) << "instrument " << instrument;
  EXPECT_EQ(consumer_side.counters().handed_over, 1500U);
}

TEST_F(GroupHandOverTest, PartitionsMoveBetweenLiveMembersWithTheirPast) {
  publish_acknowledged(1, 200);

  KafkaTransport consumer_side(group_options());
  Collector first;
  Collector second;
  auto first_member = consumer_side.make_kafka_subscriber(kChannel, {.start = msg::StartFrom::kEarliest});
  ASSERT_TRUE(poll_until(*first_member, first, 1000));
  ASSERT_EQ(first.owned.size(), 4U);
  ASSERT_TRUE(first_member->commit());

  // A second member joins: the partitions are split between the two; the
  // first keeps its state, the second is handed the past of its share.
  auto second_member = consumer_side.make_kafka_subscriber(kChannel, {.start = msg::StartFrom::kEarliest});
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while ((first.owned.empty() || second.owned.empty() || first.owned.size() + second.owned.size() != 4) &&
         std::chrono::steady_clock::now() < deadline) {
    first_member->poll(first, 1000);
    second_member->poll(second, 1000);
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_FALSE(second.owned.empty()) << "the second member was given no partition";
  ASSERT_FALSE(first.owned.empty());
  publish_acknowledged(201, 300);
  while (!every_record_live({&first, &second}, 300) && std::chrono::steady_clock::now() < deadline) {
    first_member->poll(first, 1000);
    second_member->poll(second, 1000);
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_TRUE(every_record_live({&first, &second}, 300));
  EXPECT_EQ(first.handed_over_records, 0U);
  EXPECT_GT(second.handed_over_records, 0U);
  for (const auto& [instrument, before] : second.handed_over) {
    EXPECT_EQ(before.front(), 1U) << "instrument " << instrument;   // from the partition's beginning
    EXPECT_EQ(before.back(), 200U) << "instrument " << instrument;  // up to what the first committed
  }

  // The first leaves: the second takes everything over, handed the first's
  // share, and reads on from there.
  EXPECT_TRUE(first_member->commit());
  first_member.reset();
  publish_acknowledged(301, 400);
  while (!reached(second, 400) && std::chrono::steady_clock::now() < deadline + 30s) {
    second_member->poll(second, 1000);
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(second.owned.size(), 4U);
  expect_whole(second, 400);
  EXPECT_TRUE(every_record_live({&first, &second}, 400));
}

TEST_F(GroupHandOverTest, ASymbolsInstrumentsShareAPartition) {
  KafkaTransport transport(options());
  auto publisher = transport.make_kafka_publisher(kChannel);
  const std::vector<std::string> symbols = {"BTC-USD", "ETH-USD", "SOL-USD", "XRP-USD"};
  const std::vector<std::pair<msg::Venue, std::string>> venues = {
      {msg::Venue::kBinance, "binance"}, {msg::Venue::kCoinbase, "coinbase"}, {msg::Venue::kKraken, "kraken"}};
  std::map<msg::InstrumentId, std::string> symbol_of;
  for (const std::string& symbol : symbols) {
    for (const auto& [venue, name] : venues) {
      msg::InstrumentDef definition;
      definition.header.venue = venue;
      definition.header.instrument_id = msg::make_instrument_id(venue, name + ":" + symbol);
      definition.venue_symbol.assign(name + ":" + symbol);
      definition.canonical_symbol.assign(symbol);
      std::vector<std::byte> record(msg::kEncodedSize<msg::InstrumentDef>);
      ASSERT_TRUE(msg::encode(definition, record).ok());
      ASSERT_EQ(publisher->offer(record), msg::PublishStatus::kOk);
      ASSERT_EQ(publisher->offer(trade_record(definition.header.instrument_id, 1)), msg::PublishStatus::kOk);
      symbol_of[definition.header.instrument_id] = symbol;
    }
  }
  ASSERT_EQ(publisher->flush(10s), 0U);
  auto subscriber = transport.make_kafka_subscriber(kChannel, {.start = msg::StartFrom::kEarliest});
  Collector collector;
  ASSERT_TRUE(poll_until(*subscriber, collector, symbol_of.size()));
  std::map<std::string, std::set<int>> partitions_of_symbol;
  for (const auto& [instrument, partitions] : collector.partitions) {
    partitions_of_symbol[symbol_of.at(instrument)].insert(partitions.begin(), partitions.end());
  }
  ASSERT_EQ(partitions_of_symbol.size(), symbols.size());
  for (const auto& [symbol, partitions] : partitions_of_symbol) EXPECT_EQ(partitions.size(), 1U) << symbol;
}

TEST(PartitionMarksTest, KeepTheLastOffsetPerPartitionAcrossRestarts) {
  const std::filesystem::path file = ::testing::TempDir() + "rtm-partition-marks";
  std::filesystem::remove(file);
  {
    detail::PartitionMarks marks(file);
    EXPECT_FALSE(marks.next(0).has_value());
    marks.note(0, 41);
    marks.note(0, 7);  // a mark never goes back
    marks.note(3, 9);
    ASSERT_TRUE(marks.save(0ms));
  }
  detail::PartitionMarks again(file);
  EXPECT_EQ(again.next(0), 42);
  EXPECT_EQ(again.next(3), 10);
  EXPECT_FALSE(again.next(1).has_value());

  std::ofstream(file) << "0 12\nnot a mark\n";
  EXPECT_THROW(detail::PartitionMarks{file}, std::runtime_error);
}

}  // namespace
}  // namespace rtm::kafka
