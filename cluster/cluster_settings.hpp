#pragma once
// How a node joins a cluster: where its CAF endpoint listens, the TLS files
// that admit it (its certificate and key, and the cluster's CA: a node whose
// certificate that CA did not sign cannot connect, nor accept), its id and
// when its peers count it dead. Only the CA's signature is checked, not host
// names: the CA is the cluster's own.

#include <cstdint>
#include <string>

namespace integrator {

struct cluster_settings {
  std::string node_id;      ///< unique per process start
  std::string listen_host;  ///< empty: not a cluster node
  std::uint16_t listen_port = 0;
  std::string advertise;  ///< HOST:PORT peers connect to (default: listen host and bound port)
  std::string cert, key, ca;
  std::int64_t node_timeout_ms = 10'000;

  bool enabled() const { return !listen_host.empty(); }
};

}  // namespace integrator
