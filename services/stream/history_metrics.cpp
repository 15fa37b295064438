#include "history_metrics.hpp"

namespace rtm::services {
namespace {

template <class T>
common::Metrics::Reader read(const std::atomic<T>& value) {
  return [&value] { return common::Metrics::single(static_cast<double>(value.load(std::memory_order_relaxed))); };
}

}  // namespace

void register_history_metrics(common::Metrics& metrics, const store::HistoryWriterCounters& c) {
  metrics.counter("rtm_history_rows_accepted_total", "Rows handed to the PostgreSQL writer", read(c.accepted));
  metrics.counter("rtm_history_rows_written_total", "Rows in committed transactions", read(c.written));
  metrics.counter("rtm_history_batches_total", "Committed batches", read(c.batches));
  metrics.counter("rtm_history_failures_total", "Failed attempts to write a batch (retried)", read(c.failures));
  metrics.counter("rtm_history_rows_rejected_total", "Rows the database refused three times", read(c.rejected));
  metrics.counter("rtm_history_rows_dropped_total", "Rows dropped because the spool was full", read(c.dropped));
  metrics.gauge("rtm_history_spool_bytes", "Rows waiting for the database, in memory and on disk", read(c.spool_bytes));
  metrics.gauge("rtm_history_spool_disk_bytes", "Rows waiting for the database on disk", read(c.spool_disk_bytes));
  metrics.gauge("rtm_history_connected", "Whether the writer is connected to the database", [&c] {
    return common::Metrics::single(c.connected.load() ? 1 : 0);
  });
}

}  // namespace rtm::services
