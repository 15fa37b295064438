#include "rtm/common/metrics.hpp"

#include <prometheus/collectable.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <mutex>
#include <sstream>

namespace rtm::common {
namespace {

class PrometheusHistogram final : public Histogram {
 public:
  explicit PrometheusHistogram(prometheus::Histogram& histogram) : histogram_(histogram) {}
  void observe(double value) override { histogram_.Observe(value); }

 private:
  prometheus::Histogram& histogram_;
};

// The families read at scrape time.
class ReadAtScrape final : public prometheus::Collectable {
 public:
  struct Family {
    std::string name, help;
    prometheus::MetricType type;
    Metrics::Reader read;
  };

  void add(Family family) {
    std::lock_guard lock(mutex_);
    families_.push_back(std::move(family));
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::lock_guard lock(mutex_);
    std::vector<prometheus::MetricFamily> out;
    for (const Family& family : families_) {
      prometheus::MetricFamily collected{family.name, family.help, family.type, {}};
      for (const auto& [labels, value] : family.read()) {
        prometheus::ClientMetric metric;
        for (const auto& [name, label_value] : labels) metric.label.push_back({name, label_value});
        if (family.type == prometheus::MetricType::Counter) {
          metric.counter.value = value;
        } else {
          metric.gauge.value = value;
        }
        collected.metric.push_back(std::move(metric));
      }
      out.push_back(std::move(collected));
    }
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Family> families_;
};

}  // namespace

struct Metrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::shared_ptr<ReadAtScrape> read_at_scrape = std::make_shared<ReadAtScrape>();
  std::mutex mutex;  // guards the maps below
  std::map<std::string, prometheus::Family<prometheus::Histogram>*> histogram_families;
  std::map<std::pair<std::string, Labels>, std::unique_ptr<PrometheusHistogram>> histograms;
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::counter(const std::string& name, const std::string& help, Reader read) {
  impl_->read_at_scrape->add({name, help, prometheus::MetricType::Counter, std::move(read)});
}

void Metrics::gauge(const std::string& name, const std::string& help, Reader read) {
  impl_->read_at_scrape->add({name, help, prometheus::MetricType::Gauge, std::move(read)});
}

Histogram& Metrics::histogram(const std::string& name, const std::string& help, const Labels& labels,
                              const std::vector<double>& buckets) {
  std::lock_guard lock(impl_->mutex);
  auto& made = impl_->histograms[{name, labels}];
  if (!made) {
    auto& family = impl_->histogram_families[name];
    if (family == nullptr) {
      family = &prometheus::BuildHistogram().Name(name).Help(help).Register(*impl_->registry);
    }
    made = std::make_unique<PrometheusHistogram>(family->Add(labels, buckets));
  }
  return *made;
}

std::string Metrics::text() const {
  std::vector<prometheus::MetricFamily> families = impl_->registry->Collect();
  std::vector<prometheus::MetricFamily> read = impl_->read_at_scrape->Collect();
  families.insert(families.end(), std::make_move_iterator(read.begin()), std::make_move_iterator(read.end()));
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}

const std::vector<double>& latency_buckets() {
  static const std::vector<double> buckets = {1e-5,  2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3,
                                              1e-2,  2.5e-2, 5e-2, 0.1,  0.25,   0.5,  1,    2.5,    5, 10};
  return buckets;
}

}  // namespace rtm::common
