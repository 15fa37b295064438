#include "bootstrap_relay.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>

namespace rtm::cli {
namespace {

// Copies bytes both ways until either side closes; then closes both.
void pipe_both_ways(int a, int b) {
  std::array<pollfd, 2> fds{{{a, POLLIN, 0}, {b, POLLIN, 0}}};
  std::array<char, 64 * 1024> buffer{};
  bool open = true;
  while (open && ::poll(fds.data(), fds.size(), -1) > 0) {
    for (std::size_t i = 0; i < 2 && open; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t got = ::read(fds[i].fd, buffer.data(), buffer.size());
      if (got <= 0) {
        open = false;
        break;
      }
      const int to = fds[1 - i].fd;
      for (ssize_t sent = 0; sent < got && open;) {
        const ssize_t n = ::write(to, buffer.data() + sent, static_cast<std::size_t>(got - sent));
        if (n <= 0) open = false;
        sent += n;
      }
    }
  }
  ::close(a);
  ::close(b);
}

sockaddr_in loopback(const std::string& host, std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &address.sin_addr);
  return address;
}

}  // namespace

BootstrapRelay::BootstrapRelay(std::uint16_t port, std::string target_host, std::uint16_t target_port)
    : target_host_(std::move(target_host)), target_port_(target_port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0) throw std::system_error(errno, std::generic_category(), "relay socket");
  const int on = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  const sockaddr_in address = loopback("127.0.0.1", port);
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
  if (::bind(listener_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(listener_, 64) != 0) {
    const int error = errno;
    ::close(listener_);
    throw std::system_error(error, std::generic_category(), "cannot listen on 127.0.0.1:" + std::to_string(port));
  }
  acceptor_ = std::thread([this] { accept_loop(); });
}

BootstrapRelay::~BootstrapRelay() {
  stopping_ = true;
  ::shutdown(listener_, SHUT_RDWR);
  ::close(listener_);
  acceptor_.join();
}

void BootstrapRelay::accept_loop() {
  while (!stopping_) {
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (stopping_ || errno == EBADF || errno == EINVAL) return;
      continue;
    }
    const int broker = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_in target = loopback(target_host_, target_port_);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    if (broker < 0 || ::connect(broker, reinterpret_cast<const sockaddr*>(&target), sizeof(target)) != 0) {
      ::close(client);
      if (broker >= 0) ::close(broker);
      continue;
    }
    // A bootstrap connection or two per client: a thread each is plenty.
    std::thread(pipe_both_ways, client, broker).detach();
  }
}

}  // namespace rtm::cli
