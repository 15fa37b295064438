#include "stream_service.hpp"

#include <stdexcept>

#include "rtm/msg/codec.hpp"

namespace rtm::streamsvc {

StreamService::StreamService(StreamServiceOptions options, stream::SymbolResolver& symbols, stream::DerivedSink& out)
    : options_(std::move(options)), gate_(out), processor_(options_.stream, symbols, gate_) {}

StreamService::~StreamService() = default;

store::RecoveryReport StreamService::recover() {
  store::RecoveryReport report;
  if (!options_.journal) return report;
  gate_.open = false;
  report = store::recover_journal(options_.journal->directory, {.skip_corrupt = options_.skip_corrupt},
                                  [&](std::span<const std::byte> record) { process(record); });
  gate_.open = true;
  if (!report.ok) throw std::runtime_error("journal: " + report.error);
  journal_ = std::make_unique<store::JournalWriter>(*options_.journal, report.records);
  return report;
}

bool StreamService::process(std::span<const std::byte> record) {
  msg::AnyRecord decoded;
  if (!msg::decode(record, decoded).ok()) {
    ++counters_.undecodable;
    return false;
  }
  processor_.on_record(decoded);
  ++counters_.records;
  return true;
}

void StreamService::on_record(std::span<const std::byte> record) {
  // Journaled first: what is derived is always derivable again.
  if (journal_ != nullptr && !journal_->append(record)) ++counters_.journal_errors;
  process(record);
}

}  // namespace rtm::streamsvc
