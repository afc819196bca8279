#pragma once
// Settings of integratord. Precedence, lowest first: the defaults below,
// the config file (--config FILE or INTEGRATOR_CONFIG), environment
// variables (INTEGRATOR_<KEY> with '-' as '_', e.g. INTEGRATOR_DATA_DIR),
// command-line flags (--data-dir DIR). docs/integratord.conf.example lists
// every key.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace integrator {

struct server_config {
  /// Where RocksDB, the key file and the token files live.
  std::string data_dir = "./integrator-data";
  /// A PostgreSQL database (libpq conninfo or postgresql:// URI) to keep
  /// the state in instead of RocksDB under data_dir: what the nodes of a
  /// cluster share. Empty: RocksDB.
  std::string postgres;
  /// Connections to it this node keeps open.
  std::uint32_t postgres_connections = 8;
  /// HOST:PORT of this node's cluster endpoint (CAF over TLS): set, the
  /// node joins the cluster of the nodes on the same `postgres`.
  std::string cluster_listen;
  /// HOST:PORT the other nodes reach it at (default: cluster_listen).
  std::string cluster_advertise;
  /// PEM files: this node's certificate and key, and the cluster's CA.
  std::string cluster_cert;
  std::string cluster_key;
  std::string cluster_ca;
  /// Seconds without a heartbeat after which a node counts as dead.
  std::uint32_t node_timeout = 10;
  /// This node's id in the cluster; empty: a random one at each start.
  std::string node_id;
  /// Run the import steps of this node's jobs on the cluster's other nodes.
  bool spread_imports = false;
  /// HOST:PORT to listen on; port 0 picks a free port.
  std::string listen = "127.0.0.1:8080";
  /// PEM certificate chain and key: when both are set the API is served
  /// over HTTPS (TLS 1.2 or later) only.
  std::string tls_cert;
  std::string tls_key;
  /// Writes are refused (507) while less than this many MiB are free on
  /// the data folder's file system.
  std::uint64_t disk_reserve_mb = 64;
  /// Largest request body in bytes (413 above it). 5 MiB, the product's
  /// page and response limit.
  std::uint64_t body_limit = 5 * 1024 * 1024;
  /// Largest request head (request line + headers) in bytes.
  std::uint32_t header_limit = 16 * 1024;
  /// Failed authentications a client address may have in a burst, and
  /// per second after it; beyond that it gets 429.
  double auth_failure_burst = 20;
  double auth_failure_rate = 1;
  /// Seconds a client may take to send one request once it started.
  std::uint32_t read_timeout = 30;
  /// Seconds an idle keep-alive connection stays open.
  std::uint32_t idle_timeout = 60;
  /// Threads that run HTTP sessions.
  std::uint32_t io_threads = 2;
  /// Threads of the actor scheduler (cooperative actors). One is fastest on
  /// 2 cores: a second worker mostly adds wake-ups between the two
  /// (bench/README.md). Detached actors (shards, stores) have their own.
  std::uint32_t actor_threads = 1;
  /// Storage shards: detached actors that run the resource logic; an
  /// account always maps to the same shard.
  std::uint32_t storage_shards = 2;
  /// Threads of the engine's outbound HTTP client (one event loop each).
  std::uint32_t outbound_threads = 2;
  /// Pages a stage of a running job may have in flight to the next one
  /// (credit): a job's memory is about this × page size × stages.
  std::uint32_t pages_in_flight = 4;
  /// Node.js worker processes that run scripts (calls that run at once),
  /// each call's time limit, each worker's memory limit.
  std::uint32_t script_workers = 2;
  std::uint32_t script_timeout = 300;
  std::uint32_t script_memory_mb = 256;
  /// The Node.js binary, and the folder with worker.js and its packages;
  /// empty: `node` on the PATH, and the source tree's sandbox/.
  std::string node;
  std::string sandbox_dir;
  /// Days job errors and their retry data are kept (then purged).
  std::uint32_t error_retention_days = 30;
  /// The supervisor restarts a failed actor at most this many times within
  /// restart_period seconds; one more stops the node (exit code 1).
  std::uint32_t restart_intensity = 5;
  std::uint32_t restart_period = 10;
  /// Seconds a call may wait for the actors before it is answered 503.
  std::uint32_t request_timeout = 30;
  /// Default per-account leaky bucket: size, and tokens refilled per second.
  double rate_bucket_size = 100;
  double rate_fill_rate = 30;
  /// 64 hex digits; when empty the key is read from (or created in)
  /// DATA_DIR/master.key.
  std::string master_key;
  /// Enables /admin/v1/debug/* (crash an actor); for tests only.
  bool test_hooks = false;
  /// Prints help and exits.
  bool help = false;
};

/// Text of --help.
std::string server_config_help();

/// Builds the config from `args` (argv without argv[0]) and `getenv`.
/// Returns false with `error` set on an unknown flag or bad value.
bool load_server_config(const std::vector<std::string>& args,
                        const std::function<const char*(const char*)>& getenv,
                        server_config& out, std::string& error);

/// Applies "key = value" lines (# comments) to `out`.
bool apply_config_text(const std::string& text, server_config& out, std::string& error);

}  // namespace integrator
