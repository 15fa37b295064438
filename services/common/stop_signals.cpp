#include "stop_signals.hpp"

#include <csignal>
#include <cstdlib>

namespace rtm::services {

void exit_on_stop_signals() {
  // _Exit is async-signal-safe; nothing is half-written yet.
  std::signal(SIGINT, [](int signal) { std::_Exit(128 + signal); });
  std::signal(SIGTERM, [](int signal) { std::_Exit(128 + signal); });
}

}  // namespace rtm::services
