#include "server/server_config.hpp"

#include "core/util/decimal.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace integrator {

namespace {

struct setting {
  const char* key;
  const char* help;
  std::function<bool(server_config&, const std::string&)> set;
};

template <class T>
std::function<bool(server_config&, const std::string&)> number(T server_config::*member,
                                                               std::uint64_t lo, std::uint64_t hi) {
  return [=](server_config& c, const std::string& v) {
    std::uint64_t n;
    if (!parse_decimal(v, n) || n < lo || n > hi)
      return false;
    c.*member = static_cast<T>(n);
    return true;
  };
}

std::function<bool(server_config&, const std::string&)> real(double server_config::*member) {
  return [=](server_config& c, const std::string& v) {
    char* end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !(d > 0) || d > 1e9)
      return false;
    c.*member = d;
    return true;
  };
}

std::function<bool(server_config&, const std::string&)> text(std::string server_config::*member) {
  return [=](server_config& c, const std::string& v) {
    if (v.empty())
      return false;
    c.*member = v;
    return true;
  };
}

std::function<bool(server_config&, const std::string&)> flag(bool server_config::*member) {
  return [=](server_config& c, const std::string& v) {
    if (v == "1" || v == "true" || v == "yes")
      c.*member = true;
    else if (v == "0" || v == "false" || v == "no")
      c.*member = false;
    else
      return false;
    return true;
  };
}

const std::vector<setting>& settings() {
  static const std::vector<setting> rows{
    {"data-dir", "DIR   data folder (RocksDB, key and token files) [./integrator-data]",
     text(&server_config::data_dir)},
    {"postgres", "CONNINFO   keep the state in this PostgreSQL database (a cluster's shared store) [RocksDB in DATA_DIR/db]",
     text(&server_config::postgres)},
    {"postgres-connections", "N   connections to it this node keeps open [8]",
     number(&server_config::postgres_connections, 1, 256)},
    {"cluster-listen", "HOST:PORT   join the cluster on `postgres`, listening here for its nodes (TLS) [alone]",
     text(&server_config::cluster_listen)},
    {"cluster-advertise", "HOST:PORT   where the other nodes reach this one [cluster-listen]",
     text(&server_config::cluster_advertise)},
    {"cluster-cert", "FILE   PEM certificate of this node, signed by the cluster's CA",
     text(&server_config::cluster_cert)},
    {"cluster-key", "FILE   PEM private key of cluster-cert", text(&server_config::cluster_key)},
    {"cluster-ca", "FILE   PEM certificate of the cluster's CA: only nodes it signed may join",
     text(&server_config::cluster_ca)},
    {"node-timeout", "SECONDS   a node without a heartbeat this long is dead [10]",
     number(&server_config::node_timeout, 2, 3600)},
    {"node-id", "ID   this node's id in the cluster [random at each start]", text(&server_config::node_id)},
    {"spread-imports", "BOOL   run the import steps of this node's jobs on other nodes of the cluster [false]",
     flag(&server_config::spread_imports)},
    {"listen", "HOST:PORT   address to serve on; port 0 picks one [127.0.0.1:8080]",
     text(&server_config::listen)},
    {"tls-cert", "FILE   PEM certificate chain: serve the API over HTTPS (TLS 1.2+) [plain HTTP]",
     text(&server_config::tls_cert)},
    {"tls-key", "FILE   PEM private key of tls-cert", text(&server_config::tls_key)},
    {"disk-reserve-mb", "MIB   refuse writes (507) while less is free on the data disk [64]",
     number(&server_config::disk_reserve_mb, 0, 1ULL << 30)},
    {"body-limit", "BYTES   largest request body [5242880]",
     number(&server_config::body_limit, 1024, 1ULL << 32)},
    {"header-limit", "BYTES   largest request head [16384]",
     number(&server_config::header_limit, 1024, 1 << 20)},
    {"read-timeout", "SECONDS   time to receive one request [30]",
     number(&server_config::read_timeout, 1, 3600)},
    {"idle-timeout", "SECONDS   keep-alive idle time [60]",
     number(&server_config::idle_timeout, 1, 3600)},
    {"auth-failure-burst", "N   failed authentications per client address in a burst [20]",
     real(&server_config::auth_failure_burst)},
    {"auth-failure-rate", "N   and per second after it; beyond, 429 [1]", real(&server_config::auth_failure_rate)},
    {"io-threads", "N   HTTP threads [2]", number(&server_config::io_threads, 1, 256)},
    {"actor-threads", "N   actor scheduler threads [1]",
     number(&server_config::actor_threads, 1, 256)},
    {"storage-shards", "N   storage actors [2]", number(&server_config::storage_shards, 1, 64)},
    {"outbound-threads", "N   outbound HTTP event loops (threads) of the engine [2]",
     number(&server_config::outbound_threads, 1, 64)},
    {"pages-in-flight", "N   pages a job stage may have in flight to the next [4]",
     number(&server_config::pages_in_flight, 1, 64)},
    {"script-workers", "N   Node.js worker processes that run scripts [2]",
     number(&server_config::script_workers, 1, 64)},
    {"script-timeout", "SECONDS   a script call's time limit; then its worker is killed [300]",
     number(&server_config::script_timeout, 1, 3600)},
    {"script-memory-mb", "MIB   a script worker's memory limit (V8 heap) [256]",
     number(&server_config::script_memory_mb, 16, 16384)},
    {"node", "FILE   the Node.js binary scripts run in [node on the PATH]", text(&server_config::node)},
    {"sandbox-dir", "DIR   worker.js and its npm packages [the source tree's sandbox/]",
     text(&server_config::sandbox_dir)},
    {"error-retention-days", "N   days job errors and retry data are kept [30]",
     number(&server_config::error_retention_days, 1, 3650)},
    {"restart-intensity", "N   restarts of failed actors tolerated per restart-period [5]",
     number(&server_config::restart_intensity, 0, 1000)},
    {"restart-period", "SECONDS   the window of restart-intensity [10]",
     number(&server_config::restart_period, 1, 3600)},
    {"request-timeout", "SECONDS   wait for the actors before answering 503 [30]",
     number(&server_config::request_timeout, 1, 3600)},
    {"rate-bucket-size", "N   default leaky bucket size per account [100]",
     real(&server_config::rate_bucket_size)},
    {"rate-fill-rate", "N   default refill, tokens per second [30]",
     real(&server_config::rate_fill_rate)},
    {"master-key", "HEX   64 hex digits; default DATA_DIR/master.key",
     text(&server_config::master_key)},
    {"test-hooks", "BOOL   enable /admin/v1/debug endpoints (tests only) [false]",
     flag(&server_config::test_hooks)},
  };
  return rows;
}

const setting* find(const std::string& key) {
  for (const auto& s : settings())
    if (key == s.key)
      return &s;
  return nullptr;
}

bool apply(const std::string& key, const std::string& value, server_config& out,
           std::string& error, const char* origin) {
  const auto* s = find(key);
  if (!s) {
    error = std::string("unknown setting '") + key + "' (" + origin + ")";
    return false;
  }
  if (!s->set(out, value)) {
    error = std::string("bad value '") + value + "' for " + key + " (" + origin + ")";
    return false;
  }
  return true;
}

std::string env_name(const std::string& key) {
  std::string out = "INTEGRATOR_";
  for (char c : key)
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

std::string server_config_help() {
  std::ostringstream out;
  out << "integratord: the Integrator API server\n\n"
      << "usage: integratord [--config FILE] [--KEY VALUE | --KEY=VALUE]...\n\n"
      << "Each KEY can also come from the environment as INTEGRATOR_KEY (upper case, '_' for\n"
      << "'-') or from the config file as 'KEY = VALUE'. Flags beat the environment, which\n"
      << "beats the file.\n\n";
  for (const auto& s : settings())
    out << "  --" << s.key << " " << s.help << "\n";
  out << "  --config FILE   read settings from FILE (INTEGRATOR_CONFIG)\n"
      << "  --help          this text\n";
  return out.str();
}

bool apply_config_text(const std::string& text, server_config& out, std::string& error) {
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    auto hash = line.find('#');
    if (hash != std::string::npos)
      line.resize(hash);
    line = trim(line);
    if (line.empty())
      continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) {
      error = "config line " + std::to_string(n) + ": expected KEY = VALUE";
      return false;
    }
    if (!apply(trim(line.substr(0, eq)), trim(line.substr(eq + 1)), out, error, "config file"))
      return false;
  }
  return true;
}

bool load_server_config(const std::vector<std::string>& args,
                        const std::function<const char*(const char*)>& getenv, server_config& out,
                        std::string& error) {
  // Flags first into a list, so the config file they name applies first.
  std::vector<std::pair<std::string, std::string>> flags;
  std::string config_file;
  if (const char* c = getenv("INTEGRATOR_CONFIG"))
    config_file = c;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--help" || a == "-h") {
      out.help = true;
      return true;
    }
    if (a.rfind("--", 0) != 0) {
      error = "unexpected argument '" + a + "'";
      return false;
    }
    std::string key = a.substr(2), value;
    if (auto eq = key.find('='); eq != std::string::npos) {
      value = key.substr(eq + 1);
      key.resize(eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      error = "missing value for --" + key;
      return false;
    }
    if (key == "config")
      config_file = value;
    else
      flags.emplace_back(key, value);
  }
  if (!config_file.empty()) {
    std::ifstream f(config_file);
    if (!f) {
      error = "cannot read config file " + config_file;
      return false;
    }
    std::stringstream buf;
    buf << f.rdbuf();
    if (!apply_config_text(buf.str(), out, error))
      return false;
  }
  for (const auto& s : settings())
    if (const char* v = getenv(env_name(s.key).c_str()))
      if (!apply(s.key, v, out, error, "environment"))
        return false;
  for (const auto& [k, v] : flags)
    if (!apply(k, v, out, error, "command line"))
      return false;
  if (out.tls_cert.empty() != out.tls_key.empty()) {
    error = "tls-cert and tls-key go together: give both, or neither for plain HTTP";
    return false;
  }
  if (out.spread_imports && out.cluster_listen.empty()) {
    error = "spread-imports needs cluster-listen: a node alone has no other node to run imports on";
    return false;
  }
  if (!out.cluster_listen.empty()) {
    if (out.postgres.empty()) {
      error = "cluster-listen needs postgres: the nodes of a cluster share one PostgreSQL database";
      return false;
    }
    if (out.cluster_cert.empty() || out.cluster_key.empty() || out.cluster_ca.empty()) {
      error = "cluster-listen needs cluster-cert, cluster-key and cluster-ca: nodes talk over TLS only";
      return false;
    }
  }
  return true;
}

}  // namespace integrator
