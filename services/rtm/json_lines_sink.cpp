#include "json_lines_sink.hpp"

#include <boost/json/serialize.hpp>

#include <cstdio>
#include <string>

namespace rtm::cli {

void write_json_line(const boost::json::object& object) {
  const std::string text = boost::json::serialize(object);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
}

void JsonLinesSink::on_book_delta(const msg::BookDelta& r) {
  bool& in_snapshot = in_snapshot_[r.header.instrument_id];
  if ((r.header.flags & msg::flags::kSnapshotBegin) != 0) in_snapshot = true;
  write_json_line(json_.to_json(r, in_snapshot));
  if ((r.header.flags & msg::flags::kSnapshotEnd) != 0) in_snapshot = false;
  touched_.insert(r.header.instrument_id);
}

}  // namespace rtm::cli
