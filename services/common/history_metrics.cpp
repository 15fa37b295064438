#include "history_metrics.hpp"

#include "atomic_reader.hpp"

namespace rtm::services {
void register_history_metrics(common::Metrics& metrics, const store::HistoryWriterCounters& c) {
  metrics.counter("rtm_history_rows_accepted_total", "Rows handed to the PostgreSQL writer", read_atomic(c.accepted));
  metrics.counter("rtm_history_rows_written_total", "Rows in committed transactions", read_atomic(c.written));
  metrics.counter("rtm_history_batches_total", "Committed batches", read_atomic(c.batches));
  metrics.counter("rtm_history_failures_total", "Failed attempts to write a batch (retried)", read_atomic(c.failures));
  metrics.counter("rtm_history_rows_rejected_total", "Rows the database refused three times", read_atomic(c.rejected));
  metrics.counter("rtm_history_rows_dropped_total", "Rows dropped because the spool was full", read_atomic(c.dropped));
  metrics.gauge("rtm_history_spool_bytes", "Rows waiting for the database, in memory and on disk", read_atomic(c.spool_bytes));
  metrics.gauge("rtm_history_spool_disk_bytes", "Rows waiting for the database on disk", read_atomic(c.spool_disk_bytes));
  metrics.gauge("rtm_history_connected", "Whether the writer is connected to the database", [&c] {
    return common::Metrics::single(c.connected.load() ? 1 : 0);
  });
}

}  // namespace rtm::services
