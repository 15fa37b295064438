#include "rtm/net/errc.hpp"

#include <string>

namespace rtm::net {
namespace {

class NetCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "rtm.net"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::bad_url:
        return "not a ws://, wss://, http:// or https:// URL";
      case errc::stale_feed:
        return "no message within the read timeout: stale feed";
      case errc::http_status:
        return "HTTP status other than 200";
      case errc::stopped:
        return "client stopped";
    }
    return "unknown rtm.net error";
  }
};

}  // namespace

const std::error_category& net_category() noexcept {
  static const NetCategory category;
  return category;
}

}  // namespace rtm::net
