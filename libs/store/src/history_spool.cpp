#include "history_spool.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <vector>

namespace rtm::store::detail {
namespace {

std::size_t count_lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

std::string read_file(const std::filesystem::path& file) {
  std::string text(std::filesystem::file_size(file), '\0');
  std::ifstream in(file, std::ios::binary);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

}  // namespace

HistorySpool::HistorySpool(const HistoryWriterOptions& options, HistoryWriterCounters& counters)
    : options_(options), counters_(counters) {
  if (options_.spool_directory.empty()) return;
  std::filesystem::create_directories(options_.spool_directory);
  // Batches an earlier writer could not write, in the order it spooled them.
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(options_.spool_directory)) {
    if (entry.path().extension() == ".rows") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const std::size_t bytes = std::filesystem::file_size(file);
    sealed_.push_back({{}, count_lines(read_file(file)), file});
    disk_bytes_ += bytes;
    account(0, static_cast<std::int64_t>(bytes));
    next_file_ = std::max<std::uint64_t>(next_file_, std::stoull(file.stem().string()) + 1);
  }
}

void HistorySpool::account(std::int64_t memory_delta, std::int64_t disk_delta) {
  counters_.spool_bytes.fetch_add(memory_delta + disk_delta, std::memory_order_relaxed);
  counters_.spool_disk_bytes.fetch_add(disk_delta, std::memory_order_relaxed);
}

void HistorySpool::append(std::string_view line) {
  std::lock_guard lock(mutex_);
  open_.text.append(line);
  ++open_.rows;
  memory_bytes_ += line.size();
  account(static_cast<std::int64_t>(line.size()), 0);
  if (open_.rows >= options_.batch_rows) seal_locked();
}

bool HistorySpool::seal() {
  std::lock_guard lock(mutex_);
  if (open_.rows > 0) seal_locked();
  return !sealed_.empty();
}

bool HistorySpool::has_sealed() const {
  std::lock_guard lock(mutex_);
  return !sealed_.empty();
}

std::size_t HistorySpool::open_rows() const {
  std::lock_guard lock(mutex_);
  return open_.rows;
}

void HistorySpool::seal_locked() {
  sealed_.push_back(std::move(open_));
  open_ = {};
  // Over the memory bound: this batch waits on disk, or the oldest go.
  while (memory_bytes_ > options_.spool_memory_bytes) {
    Batch& newest = sealed_.back();
    if (!options_.spool_directory.empty() && newest.file.empty() &&
        disk_bytes_ + newest.text.size() <= options_.spool_disk_bytes) {
      spill_locked(newest);
    } else {
      drop_oldest_locked();
    }
    if (sealed_.empty()) break;
  }
}

void HistorySpool::spill_locked(Batch& batch) {
  char name[32];
  std::snprintf(name, sizeof(name), "%016llu.rows", static_cast<unsigned long long>(next_file_++));
  batch.file = options_.spool_directory / name;
  std::ofstream out(batch.file, std::ios::binary | std::ios::trunc);
  out.write(batch.text.data(), static_cast<std::streamsize>(batch.text.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "history: cannot spool to %s; the batch stays in memory\n", batch.file.c_str());
    std::filesystem::remove(batch.file);
    batch.file.clear();
    drop_oldest_locked();
    return;
  }
  const auto bytes = static_cast<std::int64_t>(batch.text.size());
  memory_bytes_ -= batch.text.size();
  disk_bytes_ += batch.text.size();
  account(-bytes, bytes);
  batch.text = {};
  batch.text.shrink_to_fit();
}

void HistorySpool::drop_oldest_locked() {
  Batch& oldest = sealed_.front();
  counters_.dropped.fetch_add(oldest.rows, std::memory_order_relaxed);
  std::fprintf(stderr, "history: the spool is full; %zu rows dropped\n", oldest.rows);
  release_locked(oldest);
  sealed_.pop_front();
}

void HistorySpool::release_locked(const Batch& batch) {
  if (batch.file.empty()) {
    memory_bytes_ -= batch.text.size();
    account(-static_cast<std::int64_t>(batch.text.size()), 0);
  } else {
    const auto bytes = static_cast<std::int64_t>(std::filesystem::file_size(batch.file));
    disk_bytes_ -= static_cast<std::size_t>(bytes);
    account(0, -bytes);
    std::filesystem::remove(batch.file);
  }
}

std::optional<HistorySpool::Batch> HistorySpool::take() {
  std::lock_guard lock(mutex_);
  if (sealed_.empty()) return std::nullopt;
  Batch batch = std::move(sealed_.front());
  sealed_.pop_front();
  if (!batch.file.empty()) batch.text = read_file(batch.file);
  return batch;
}

void HistorySpool::give_back(Batch batch) {
  std::lock_guard lock(mutex_);
  if (!batch.file.empty()) {
    batch.text = {};  // it is still on disk
  }
  sealed_.push_front(std::move(batch));
}

void HistorySpool::done(const Batch& batch) {
  std::lock_guard lock(mutex_);
  release_locked(batch);
}

void HistorySpool::spill_all() {
  std::lock_guard lock(mutex_);
  if (open_.rows > 0) {
    sealed_.push_back(std::move(open_));
    open_ = {};
  }
  if (options_.spool_directory.empty()) return;
  for (Batch& batch : sealed_) {
    if (batch.file.empty()) spill_locked(batch);
  }
}

}  // namespace rtm::store::detail
