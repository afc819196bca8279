// integratord: the Integrator API server. Opens the store, starts the
// node's actors and the HTTP frontend, and stops all three cleanly on
// SIGTERM or SIGINT.

#include <caf/all.hpp>

#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "actors/gateway.hpp"
#include "actors/supervisor.hpp"
#include "cluster/node_config.hpp"
#include "core/api/pre_save.hpp"
#include "core/engine/job_recovery.hpp"
#include "core/lang/moment_format.hpp"
#include "core/util/object_id.hpp"
#include "server/server_config.hpp"
#include "http/client/outbound_client.hpp"
#include "http/server/server.hpp"
#include "server/data_dir.hpp"
#include "actors/cluster_view.hpp"
#include "cluster/cluster_node.hpp"
#include "core/engine/membership.hpp"
#include "storage/pg_store.hpp"
#include "storage/rocks_store.hpp"
#include "sandbox/script_pool.hpp"

namespace {

using namespace integrator;

bool split_listen(const std::string& listen, std::string& host, unsigned short& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    return false;
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto p = std::atoi(listen.c_str() + colon + 1);
  if (p < 0 || p > 65535 || host.empty())
    return false;
  port = static_cast<unsigned short>(p);
  return true;
}

// Flow pages and request bodies are 100–200 KB buffers made and freed many
// times a second. glibc would hand each to mmap (over 128 KB) or give the
// freed top of a thread's heap back to the kernel, and then fault the pages
// in again: about a tenth of the engine thread's time (issue 4's profile).
// Fixed thresholds keep them in the heap; what is freed is reused.
// The first executable `name` in the PATH; `name` itself when none is
// (a script call then fails saying the worker could not start).
std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  for (std::size_t begin = 0; begin <= dirs.size();) {
    auto end = dirs.find(':', begin);
    if (end == std::string::npos)
      end = dirs.size();
    auto candidate = dirs.substr(begin, end - begin) + "/" + name;
    if (end > begin && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    begin = end + 1;
  }
  return name;
}

// The cluster part of the settings (cluster-listen unset: not a cluster node).
cluster_settings cluster_of(const server_config& cfg) {
  cluster_settings c;
  if (cfg.cluster_listen.empty())
    return c;
  unsigned short port = 0;
  if (!split_listen(cfg.cluster_listen, c.listen_host, port))
    throw std::runtime_error("--cluster-listen must be HOST:PORT, got '" + cfg.cluster_listen + "'");
  c.listen_port = port;
  c.advertise = cfg.cluster_advertise;
  c.cert = cfg.cluster_cert;
  c.key = cfg.cluster_key;
  c.ca = cfg.cluster_ca;
  c.node_timeout_ms = std::int64_t{cfg.node_timeout} * 1000;
  c.node_id = cfg.node_id.empty() ? random_hex(6) : cfg.node_id;
  return c;
}

void keep_page_buffers_in_the_heap() {
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

int run(const server_config& cfg) {
  keep_page_buffers_in_the_heap();
  // Signals are handled by sigwait below; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::string host;
  unsigned short port = 0;
  if (!split_listen(cfg.listen, host, port)) {
    std::cerr << "integratord: --listen must be HOST:PORT, got '" << cfg.listen << "'\n";
    return 2;
  }
  cluster_settings cluster;
  try {
    cluster = cluster_of(cfg);
  } catch (const std::exception& e) {
    std::cerr << "integratord: " << e.what() << "\n";
    return 2;
  }
  data_dir dir(cfg.data_dir);
  auto services = std::make_shared<node_services>();
  std::shared_ptr<document_store> store;
  std::shared_ptr<rocks_store> rocks;  // the default store; null on PostgreSQL
  try {
    dir.prepare();
    services->box = std::make_shared<secret_box>(dir.master_key(cfg.master_key));
    if (!cfg.postgres.empty()) {
      auto pg = std::make_shared<pg_store>(
        pg_store_options{cfg.postgres, static_cast<int>(cfg.postgres_connections)});
      services->changes = pg;
      // Reads go to PostgreSQL: a few side by side per shard, about one
      // per connection of the pool.
      services->store_readers = static_cast<int>(std::max<std::uint32_t>(1, cfg.postgres_connections / cfg.storage_shards));
      store = pg;
    } else {
      rocks = std::make_shared<rocks_store>(dir.store_path(), std::uint64_t{cfg.disk_reserve_mb} << 20);
      store = rocks;
    }
    services->operator_token_hash = token_hash(dir.operator_token());
    dir.ensure_initial_account(*store);
  } catch (const std::exception& e) {
    std::cerr << "integratord: " << e.what() << "\n";
    return 1;
  }
  services->store = store;
  if (rocks)
    services->memory_view = rocks->memory_view();
  services->default_limits = bucket_limits{cfg.rate_bucket_size, cfg.rate_fill_rate};
  services->validation.is_time_zone = [](std::string_view tz) { return is_time_zone(tz); };
  services->test_hooks = cfg.test_hooks;
  auto outbound = std::make_shared<outbound_client>(cfg.outbound_threads);
  services->outbound = outbound;
  services->pages_in_flight = static_cast<std::int32_t>(cfg.pages_in_flight);
  script_limits script_caps;
  script_caps.workers = static_cast<int>(cfg.script_workers);
  script_caps.time_ms = std::int64_t{cfg.script_timeout} * 1000;
  script_caps.memory_mb = static_cast<int>(cfg.script_memory_mb);
  auto scripts = std::make_shared<script_pool>(cfg.node.empty() ? find_on_path("node") : cfg.node,
                                               cfg.sandbox_dir.empty() ? INTEGRATOR_SANDBOX_DIR : cfg.sandbox_dir,
                                               script_caps);
  services->scripts = scripts;
  services->validation.now_ms = [] { return wall_clock_ms(); };
  services->validation.compile_script = [scripts](std::string_view code) {
    return scripts->compile_error(code, std::chrono::seconds(10));
  };
  services->validation.run_script = [scripts](const std::string& id, const std::string& content,
                                              const std::string& function, std::string options) -> result<std::string> {
    auto a = scripts->call_and_wait(script_call{id, content, function, std::move(options)}, pre_save_wait);
    if (!a.ok)
      return make_api_error(error_code::pre_save_rejected, (a.code.empty() ? "" : a.code + ": ") + a.message);
    return a.returned.empty() ? std::string("null") : std::move(a.returned);
  };
  services->error_retention_ms = std::int64_t{cfg.error_retention_days} * 24 * 3600 * 1000;
  services->node_id = cluster.node_id;
  services->node_timeout_ms = cluster.node_timeout_ms;
  if (cluster.enabled())
    services->cluster = std::make_shared<cluster_view>(cluster.node_id);
  services->spread_imports = cfg.spread_imports;

  int rc = 0;
  node_record me;  // this node's membership row, in a cluster
  {
    node_config node(cfg.actor_threads);
    node.services = services;
    if (cluster.enabled())
      node.enable_cluster(cluster);
    caf::actor_system sys{node};
    std::unique_ptr<cluster_node> member;
    // A supervisor that gives up stops the node: main wakes from sigwait.
    std::atomic<bool> gave_up{false};
    supervision restarts;
    restarts.intensity = cfg.restart_intensity;
    restarts.period = std::chrono::seconds(cfg.restart_period);
    restarts.gave_up = [&gave_up](const std::string&) {
      gave_up = true;
      kill(getpid(), SIGTERM);
    };
    auto supervisor = spawn_supervisor(sys, cfg.storage_shards, restarts);
    gateway gw(sys, std::chrono::seconds(cfg.request_timeout));
    http_limits limits;
    limits.body_limit = cfg.body_limit;
    limits.header_limit = cfg.header_limit;
    limits.read_timeout = std::chrono::seconds(cfg.read_timeout);
    limits.idle_timeout = std::chrono::seconds(cfg.idle_timeout);
    limits.auth_failure_burst = cfg.auth_failure_burst;
    limits.auth_failure_rate = cfg.auth_failure_rate;
    http_server server(gw, limits, cfg.io_threads, cfg.test_hooks);
    try {
      bool https = !cfg.tls_cert.empty();
      if (https)
        server.use_tls(cfg.tls_cert, cfg.tls_key);
      auto bound = server.start(host, port);
      auto shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
      auto url = std::string(https ? "https://" : "http://") + shown + ":" + std::to_string(bound);
      scripts->set_api_url((https ? "https://" : "http://") + shown + ":" + std::to_string(bound));
      if (cluster.enabled())
        member = std::make_unique<cluster_node>(sys, store, cluster, shown + ":" + std::to_string(bound),
                                                services->cluster);
      dir.write_endpoint(shown + ":" + std::to_string(bound));
      std::cout << "integratord listening on " << url << "\n"
                << "  API:            " << url << "/v1  (try: curl "
                << (https ? "--cacert " + cfg.tls_cert + " " : std::string()) << "-H \"Authorization: Bearer $(cat "
                << dir.initial_token_path() << ")\" " << url << "/v1/tokenInfo)\n"
                << "  first API token: " << dir.initial_token_path()
                << (std::filesystem::exists(dir.initial_token_path())
                      ? ""
                      : "  (not here: the store had accounts; another node, or an earlier start, made it)")
                << "\n"
                << "  operator token:  " << dir.operator_token_path() << "  (" << url
                << "/admin/v1)\n";
      if (member)
        std::cout << "  cluster node " << member->id() << " at " << member->address() << "  (" << url
                  << "/admin/v1/cluster/nodes)\n";
      std::cout << std::flush;
      int sig = 0;
      sigwait(&signals, &sig);
      if (gave_up) {
        std::cerr << "integratord: the supervisor gave up (see above); stopping\n";
        rc = 1;
      } else {
        std::cout << "integratord: signal " << sig << ", shutting down\n" << std::flush;
      }
    } catch (const std::exception& e) {
      std::cerr << "integratord: " << e.what() << "\n";
      rc = 1;
    }
    server.shutdown(std::chrono::seconds(10));
    caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
    if (member)
      me = member->record();
    member.reset();  // stops beating; leaves the cluster once its jobs are handed over (below)
    // Requests still out complete (with an error) while their actors can
    // still be told.
    outbound->stop();
  }  // the actor system waits for every actor here
  // Jobs this clean stop cut short end now, so the next start tells a crash
  // (a job still running) from a stop. A supervisor that gave up leaves
  // them: that counts as a crash, and a flow behind two in a row is
  // disabled (core/engine/job_recovery.hpp).
  if (rc == 0) {
    try {
      auto ids = make_id_generator();
      // In a cluster, only the runs of the flows this node held: their
      // new holders resume them. A last heartbeat first, so that no one
      // takes those flows over while they are being handed over.
      if (cluster.enabled()) {
        me.heartbeat_ms = wall_clock_ms();
        if (!me.id.empty())
          store->write(heartbeat_batch(me));
        hand_over_jobs(*store, cluster.node_id, wall_clock_ms(), ids);
      }
      else
        end_interrupted_jobs(*store, wall_clock_ms(), ids);
    } catch (const std::exception& e) {
      std::cerr << "integratord: ending interrupted jobs: " << e.what() << "\n";
    }
  }
  if (cluster.enabled())
    cluster_node::leave(*store, cluster.node_id);
  services.reset();
  if (rocks)
    rocks->close();
  std::cout << "integratord: stopped\n" << std::flush;
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace integrator;
  server_config cfg;
  std::string error;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!load_server_config(args, [](const char* n) { return std::getenv(n); }, cfg, error)) {
    std::cerr << "integratord: " << error << "\n\n" << server_config_help();
    return 2;
  }
  if (cfg.help) {
    std::cout << server_config_help();
    return 0;
  }
  return run(cfg);
}
