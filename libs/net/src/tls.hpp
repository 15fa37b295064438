#pragma once

// TLS setup the WebSocket and HTTPS clients share.
#include <boost/asio/ssl.hpp>

#include <string>

#include "rtm/net/tls_options.hpp"

namespace rtm::net::detail {

// A client context: peer verification on unless switched off, trusting
// options.ca_file or the system's store. Throws boost::system::system_error
// for a CA file that cannot be read (a configuration error).
boost::asio::ssl::context make_tls_context(const TlsOptions& options);

// Before the handshake: SNI (servers behind a shared front, as the venues'
// are, pick their certificate by it) and, when verifying, the check that the
// certificate names this host. False if OpenSSL refused the name.
template <class SslStream>
bool expect_server(SslStream& stream, const std::string& host, bool verify) {
  // SSL_set_tlsext_host_name, spelled out: the macro's C cast trips -Wold-style-cast.
  if (SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(host.c_str())) != 1) {
    return false;
  }
  if (verify) stream.set_verify_callback(boost::asio::ssl::host_name_verification(host));
  return true;
}

}  // namespace rtm::net::detail
