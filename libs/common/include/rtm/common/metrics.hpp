#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rtm::common {

// Label names and values of one series.
using Labels = std::map<std::string, std::string>;

// A latency (or any) distribution, observed as things happen: lock-free,
// safe from any thread.
class Histogram {
 public:
  virtual ~Histogram() = default;
  virtual void observe(double value) = 0;
};

// A process's metrics in the Prometheus text format (prometheus-cpp behind
// it). Most of rtm's numbers are counters its components keep anyway; they
// are read when scraped (a function per family), so the hot path pays
// nothing for them. Distributions are histograms, observed as they happen.
class Metrics {
 public:
  using Series = std::vector<std::pair<Labels, double>>;
  using Reader = std::function<Series()>;
  // A family of one unlabelled series.
  static Series single(double value) { return {{Labels{}, value}}; }

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // A monotonic count (name ends in _total) or a level, read at each scrape,
  // on the scraping thread: the reader must be safe to call from there.
  void counter(const std::string& name, const std::string& help, Reader read);
  void gauge(const std::string& name, const std::string& help, Reader read);
  // A series of a histogram family, made on first use; `buckets` are upper
  // bounds (the same for every series of a family).
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels,
                       const std::vector<double>& buckets);

  // Everything, in the text exposition format.
  [[nodiscard]] std::string text() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Bucket bounds for latencies in seconds, 10 µs to 10 s.
const std::vector<double>& latency_buckets();

}  // namespace rtm::common
