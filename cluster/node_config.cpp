#include "cluster/node_config.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include "actors/catalogue.hpp"


namespace integrator {

node_config::node_config(std::size_t scheduler_threads) {
  integrator::add_message_types(*this);
  set("scheduler.max-threads", scheduler_threads);
  // One shared queue: with few workers and tiny jobs it wakes fewer threads
  // than work stealing, whose idle workers poll and sleep (bench/README.md).
  set("scheduler.policy", caf::atom("sharing"));
  // CAF's own log and console output stay quiet; integratord logs itself.
  set("logger.verbosity", caf::atom("quiet"));
}

void node_config::enable_cluster(const cluster_settings& settings) {
  load<caf::io::middleman>();
  load<caf::openssl::manager>();
  // With a CA file set, CAF's OpenSSL sessions verify the peer's
  // certificate on both sides (SSL_VERIFY_PEER | FAIL_IF_NO_PEER_CERT).
  openssl_certificate = settings.cert;
  openssl_key = settings.key;
  openssl_cafile = settings.ca;
}

}  // namespace integrator
