#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace rtm::cli {

// Relays TCP connections to a fixed port on to one broker of the mock
// cluster, whose own ports are chosen at random: so that `rtm kafka-mock
// --port 9092` can be bootstrapped from a fixed address. Only bootstrapping
// goes through it; clients then connect to the brokers the metadata names.
class BootstrapRelay {
 public:
  // Throws std::system_error when the port cannot be bound on 127.0.0.1.
  BootstrapRelay(std::uint16_t port, std::string target_host, std::uint16_t target_port);
  ~BootstrapRelay();
  BootstrapRelay(const BootstrapRelay&) = delete;
  BootstrapRelay& operator=(const BootstrapRelay&) = delete;

 private:
  void accept_loop();

  int listener_ = -1;
  std::string target_host_;
  std::uint16_t target_port_;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
};

}  // namespace rtm::cli
