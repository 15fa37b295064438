#include "tls.hpp"

namespace rtm::net::detail {

namespace ssl = boost::asio::ssl;

ssl::context make_tls_context(const TlsOptions& options) {
  ssl::context context(ssl::context::tls_client);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                      ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (options.verify_peer) {
    context.set_verify_mode(ssl::verify_peer);
    if (options.ca_file.empty()) {
      context.set_default_verify_paths();
    } else {
      context.load_verify_file(options.ca_file);
    }
  } else {
    context.set_verify_mode(ssl::verify_none);
  }
  return context;
}

}  // namespace rtm::net::detail
