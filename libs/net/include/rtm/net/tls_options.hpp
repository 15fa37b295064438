#pragma once

#include <string>

namespace rtm::net {

struct TlsOptions {
  // The server's certificate chain and host name are checked unless this is
  // switched off explicitly (never for live venues).
  bool verify_peer = true;
  // PEM file of trusted certificates; empty: the system's store.
  std::string ca_file;
};

}  // namespace rtm::net
