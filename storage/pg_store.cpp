#include "storage/pg_store.hpp"

#include <libpq-fe.h>

#include <poll.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "core/resources/key_codec.hpp"

namespace integrator {

namespace {

constexpr const char* create_schema =
  "SET client_min_messages = warning;"  // not "already exists, skipping" on every start
  "BEGIN;"
  // Nodes starting together must not race on CREATE TABLE.
  "SELECT pg_advisory_xact_lock(7354901);"
  "CREATE TABLE IF NOT EXISTS integrator_kv ("
  "  space text COLLATE \"C\" NOT NULL,"
  "  key bytea NOT NULL,"
  "  value bytea NOT NULL,"
  "  PRIMARY KEY (space, key));"
  // A batch's expectation (write_batch::expect): key holds v (null: is
  // absent), checked under a transaction lock of the key, so two batches
  // that expect the same key run one after the other and the second sees
  // what the first wrote.
  "CREATE OR REPLACE FUNCTION integrator_expect(s text, k bytea, v bytea) RETURNS void"
  " LANGUAGE plpgsql AS $$ BEGIN"
  "  PERFORM pg_advisory_xact_lock(hashtextextended(s || ':' || encode(k, 'hex'), 7354901));"
  "  IF (v IS NULL AND EXISTS (SELECT 1 FROM integrator_kv WHERE space = s AND key = k))"
  "     OR (v IS NOT NULL AND NOT EXISTS (SELECT 1 FROM integrator_kv WHERE space = s AND key = k AND value = v))"
  "  THEN RAISE EXCEPTION 'integrator: % has moved on', s USING ERRCODE = '" "IX409" "';"
  "  END IF; END $$;"
  "COMMIT;";

// SQLSTATE of a failed expectation (integrator_expect).
constexpr std::string_view expectation_failed = "IX409";

// What a statement's SQLSTATE means for the caller: out of disk space
// (53100), a failed expectation, or anything else the medium's.
store_failure::cause cause_of(std::string_view sqlstate) {
  return sqlstate == "53100"              ? store_failure::cause::disk_full
         : sqlstate == expectation_failed ? store_failure::cause::conflict
                                          : store_failure::cause::medium;
}

// Statements every connection prepares once it is open.
struct statement {
  const char* name;
  const char* sql;
  int params;
};
constexpr statement statements[] = {
  {"get", "SELECT value FROM integrator_kv WHERE space = $1 AND key = $2", 2},
  // From $2 on, below $3 unless it is null, at most $4 rows.
  {"scan", "SELECT key, value FROM integrator_kv WHERE space = $1 AND key >= $2 AND ($3::bytea IS NULL OR key < $3)"
           " ORDER BY key LIMIT $4", 4},
  {"put", "INSERT INTO integrator_kv (space, key, value) VALUES ($1, $2, $3)"
          " ON CONFLICT (space, key) DO UPDATE SET value = EXCLUDED.value", 3},
  {"erase", "DELETE FROM integrator_kv WHERE space = $1 AND key = $2", 2},
  {"expect", "SELECT integrator_expect($1, $2, $3)", 3},
  {"notify", "SELECT pg_notify('integrator_changes', $1)", 1},
};

// Spaces whose writes other nodes hear of (what nodes keep in memory).
bool announced(std::string_view space) {
  return space == keys::accounts_space || space == keys::tokens_space;
}

// Results of a pipeline are read every this many statements, so neither
// side's socket buffer fills while the other waits.
constexpr std::size_t pipeline_window = 256;

struct result_ptr {
  PGresult* r;
  explicit result_ptr(PGresult* p) : r(p) {}
  ~result_ptr() { PQclear(r); }
  result_ptr(const result_ptr&) = delete;
  result_ptr& operator=(const result_ptr&) = delete;
};

std::string trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

// A statement's failure, as cause_of says.
// (A null result, out of memory or a lost connection, has its message on
// the connection.)
[[noreturn]] void fail_with(PGconn* c, const PGresult* r, const std::string& what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  throw store_failure(what + ": " + trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(c)),
                      cause_of(state ? state : ""));
}

}  // namespace

std::string prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff)
    end.pop_back();
  if (!end.empty())
    end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

struct pg_store::connection {
  PGconn* conn = nullptr;
  ~connection() {
    if (conn)
      PQfinish(conn);
  }
};

struct pg_store::pool {
  pg_store_options options;
  std::set<std::string, std::less<>> spaces;
  std::mutex mutex;
  std::condition_variable freed;
  std::vector<std::unique_ptr<connection>> idle;
  int out = 0;  ///< connections handed out

  // Opens a connection and, unless told not to, prepares the statements
  // (which needs the table); throws store_failure.
  std::unique_ptr<connection> open(bool prepare = true) {
    // Ours first: the user's connection string overrides them.
    const char* keys[] = {"connect_timeout", "application_name", "keepalives_idle", "keepalives_interval",
                          "keepalives_count", "dbname", nullptr};
    const char* values[] = {"5", "integratord", "10", "5", "3", options.conninfo.c_str(), nullptr};
    auto c = std::make_unique<connection>();
    c->conn = PQconnectdbParams(keys, values, 1);
    if (!c->conn || PQstatus(c->conn) != CONNECTION_OK)
      throw store_failure("cannot connect to PostgreSQL: "
                          + trimmed(c->conn ? PQerrorMessage(c->conn) : "out of memory"));
    for (const auto& s : statements) {
      if (!prepare)
        break;
      result_ptr r(PQprepare(c->conn, s.name, s.sql, s.params, nullptr));
      if (PQresultStatus(r.r) != PGRES_COMMAND_OK)
        fail_with(c->conn, r.r, std::string("cannot prepare ") + s.name);
    }
    return c;
  }

  std::unique_ptr<connection> take() {
    std::unique_lock<std::mutex> lock(mutex);
    freed.wait(lock, [&] { return !idle.empty() || out + static_cast<int>(idle.size()) < options.connections; });
    ++out;
    if (!idle.empty()) {
      auto c = std::move(idle.back());
      idle.pop_back();
      return c;
    }
    lock.unlock();
    try {
      return open();
    } catch (...) {
      give_back(nullptr);
      throw;
    }
  }

  // `c` is null when the connection was dropped (broken, or never opened).
  void give_back(std::unique_ptr<connection> c) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      --out;
      if (c)
        idle.push_back(std::move(c));
    }
    freed.notify_one();
  }
};

// A connection taken from the pool for one call; dropped instead of given
// back when the call found it broken, so the next call opens a fresh one.
class pg_store::lease {
public:
  explicit lease(pool& p) : pool_(p), c_(p.take()) {}
  ~lease() {
    if (c_ && (broken_ || PQstatus(c_->conn) != CONNECTION_OK))
      c_.reset();
    pool_.give_back(std::move(c_));
  }
  lease(const lease&) = delete;
  lease& operator=(const lease&) = delete;
  PGconn* operator*() const { return c_->conn; }
  /// Not to be used again (its state is not known).
  void drop() { broken_ = true; }

private:
  pool& pool_;
  std::unique_ptr<connection> c_;
  bool broken_ = false;
};

pg_store::pg_store(pg_store_options options) : pool_(std::make_unique<pool>()) {
  pool_->options = std::move(options);
  if (pool_->options.connections < 1)
    pool_->options.connections = 1;
  for (auto& s : keys::all_spaces())
    pool_->spaces.insert(std::move(s));
  {
    auto c = pool_->open(false);
    result_ptr r(PQexec(c->conn, create_schema));
    if (PQresultStatus(r.r) != PGRES_COMMAND_OK)
      fail_with(c->conn, r.r, "cannot create the table integrator_kv");
  }
  auto version = std::to_string(keys::store_format_version);
  auto stored = get(keys::meta_space, "format_version");
  if (!stored) {
    write_batch b;
    b.put(keys::meta_space, "format_version", version);
    write(b);
  } else if (std::atoi(stored->c_str()) > keys::store_format_version) {
    throw store_failure("the PostgreSQL store has format version " + *stored
                        + ", newer than this integratord understands (" + version
                        + "); run a newer integratord");
  }
}

namespace {

void check_space(const std::set<std::string, std::less<>>& spaces, std::string_view space) {
  if (!spaces.contains(space))
    throw store_failure("unknown storage space " + std::string(space));
}

}  // namespace

std::optional<std::string> pg_store::get(std::string_view space, std::string_view key) {
  check_space(pool_->spaces, space);
  std::string s(space);
  const char* values[] = {s.c_str(), key.data()};
  const int lengths[] = {0, static_cast<int>(key.size())};
  const int formats[] = {0, 1};
  lease c(*pool_);
  result_ptr r(PQexecPrepared(*c, "get", 2, values, lengths, formats, 1));
  if (PQresultStatus(r.r) != PGRES_TUPLES_OK)
    fail_with(*c, r.r, "read failed");
  if (PQntuples(r.r) == 0)
    return std::nullopt;
  return std::string(PQgetvalue(r.r, 0, 0), static_cast<std::size_t>(PQgetlength(r.r, 0, 0)));
}

void pg_store::scan(std::string_view space, std::string_view prefix,
                    const std::function<bool(std::string_view, std::string_view)>& visit) {
  check_space(pool_->spaces, space);
  std::string s(space);
  std::string from(prefix);
  std::string end = prefix_end(prefix);
  // Short first: most scans stop after a few rows; long scans read in
  // larger batches. The connection goes back to the pool before the
  // visitor runs, so a visitor may call the store.
  int limit = 64;
  for (;;) {
    std::vector<std::pair<std::string, std::string>> rows;
    {
      auto n = std::to_string(limit);
      const char* values[] = {s.c_str(), from.data(), end.empty() ? nullptr : end.data(), n.c_str()};
      const int lengths[] = {0, static_cast<int>(from.size()), static_cast<int>(end.size()), 0};
      const int formats[] = {0, 1, 1, 0};
      lease c(*pool_);
      result_ptr r(PQexecPrepared(*c, "scan", 4, values, lengths, formats, 1));
      if (PQresultStatus(r.r) != PGRES_TUPLES_OK)
        fail_with(*c, r.r, "scan failed");
      int count = PQntuples(r.r);
      rows.reserve(static_cast<std::size_t>(count));
      for (int i = 0; i < count; ++i)
        rows.emplace_back(std::string(PQgetvalue(r.r, i, 0), static_cast<std::size_t>(PQgetlength(r.r, i, 0))),
                          std::string(PQgetvalue(r.r, i, 1), static_cast<std::size_t>(PQgetlength(r.r, i, 1))));
    }
    for (const auto& [k, v] : rows)
      if (!visit(k, v))
        return;
    if (rows.size() < static_cast<std::size_t>(limit))
      return;
    from = rows.back().first;
    from.push_back('\0');  // the smallest key after the last one seen
    limit = 1024;
  }
}

namespace {

// Reads the results of `n` statements of a pipeline; remembers the first
// failure (the statements after it were skipped: PGRES_PIPELINE_ABORTED).
void read_results(PGconn* c, std::size_t n, std::string& failure, std::string& sqlstate) {
  for (std::size_t i = 0; i < n; ++i) {
    PGresult* r = PQgetResult(c);
    if (!r) {
      if (failure.empty())
        failure = trimmed(PQerrorMessage(c));
      return;
    }
    {
      result_ptr owned(r);
      auto status = PQresultStatus(r);
      if (status == PGRES_FATAL_ERROR && failure.empty()) {
        failure = trimmed(PQresultErrorMessage(r));
        const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        sqlstate = state ? state : "";
      }
    }
    PQclear(PQgetResult(c));  // the null that ends this statement's results
  }
}

}  // namespace

void pg_store::write(const write_batch& batch) {
  if (batch.empty())
    return;
  for (const auto& op : batch.ops())
    check_space(pool_->spaces, op.space);
  for (const auto& e : batch.expectations())
    check_space(pool_->spaces, e.space);
  lease c(*pool_);
  // One pipeline: its statements up to the sync run as one implicit
  // transaction, committed at the sync or rolled back as a whole.
  if (!PQenterPipelineMode(*c))
    throw store_failure("write failed: " + trimmed(PQerrorMessage(*c)));
  std::string failure, sqlstate;
  std::size_t unread = 0;
  // Sends one statement (nothing after a failure); reads the results every
  // pipeline_window statements.
  auto send = [&](const char* name, int n, const char* const* values, const int* lengths, const int* formats) {
    if (!failure.empty())
      return;
    if (!PQsendQueryPrepared(*c, name, n, values, lengths, formats, 0)) {
      failure = trimmed(PQerrorMessage(*c));
      return;
    }
    if (++unread == pipeline_window) {
      PQsendFlushRequest(*c);
      PQflush(*c);
      read_results(*c, unread, failure, sqlstate);
      unread = 0;
    }
  };
  const int formats[] = {0, 1, 1};  // space as text, key and value as bytes
  for (const auto& e : batch.expectations()) {
    const char* values[] = {e.space.c_str(), e.key.data(), e.absent ? nullptr : e.value.data()};
    const int lengths[] = {0, static_cast<int>(e.key.size()), static_cast<int>(e.value.size())};
    send("expect", 3, values, lengths, formats);
  }
  std::set<std::string_view> touched;
  for (const auto& op : batch.ops()) {
    const char* values[] = {op.space.c_str(), op.key.data(), op.value.data()};
    const int lengths[] = {0, static_cast<int>(op.key.size()), static_cast<int>(op.value.size())};
    send(op.erase ? "erase" : "put", op.erase ? 2 : 3, values, lengths, formats);
    if (announced(op.space))
      touched.insert(op.space);
  }
  for (auto space : touched) {
    std::string text(space);
    const char* values[] = {text.c_str()};
    send("notify", 1, values, nullptr, nullptr);
  }
  if (PQpipelineSync(*c)) {
    read_results(*c, unread, failure, sqlstate);
    result_ptr sync(PQgetResult(*c));
    if ((!sync.r || PQresultStatus(sync.r) != PGRES_PIPELINE_SYNC) && failure.empty())
      failure = "the commit did not complete: " + trimmed(PQerrorMessage(*c));
  } else if (failure.empty()) {
    failure = trimmed(PQerrorMessage(*c));
  }
  if (!PQexitPipelineMode(*c))
    c.drop();
  if (!failure.empty())
    throw store_failure("write failed: " + failure, cause_of(sqlstate));
}

}  // namespace integrator

namespace integrator {

// The listening side: one connection of its own, LISTEN integrator_changes,
// on a thread that waits for notifications (and reconnects after a loss).
struct pg_store::feed {
  std::string conninfo;
  std::mutex mutex;
  std::map<std::uint64_t, listener> listeners;
  std::uint64_t next_id = 0;
  std::atomic<bool> stopping{false};
  std::thread thread;

  void tell(std::string_view space) {
    std::vector<listener> now;
    {
      std::lock_guard<std::mutex> lock(mutex);
      for (const auto& [id, l] : listeners)
        now.push_back(l);
    }
    for (const auto& l : now)
      l(space);
  }

  PGconn* connect() {
    const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {"5", "integratord", conninfo.c_str(), nullptr};
    PGconn* c = PQconnectdbParams(keys, values, 1);
    if (c && PQstatus(c) == CONNECTION_OK) {
      PGresult* r = PQexec(c, "LISTEN integrator_changes");
      bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
      PQclear(r);
      if (ok)
        return c;
    }
    if (c)
      PQfinish(c);
    return nullptr;
  }

  void run() {
    PGconn* c = nullptr;
    bool missed = false;  // there was a time nobody listened
    while (!stopping) {
      if (!c) {
        c = connect();
        if (!c) {
          missed = true;
          std::this_thread::sleep_for(std::chrono::milliseconds(500));
          continue;
        }
        if (missed)
          tell("");
        missed = false;
      }
      pollfd p{PQsocket(c), POLLIN, 0};
      if (::poll(&p, 1, 200) < 0 || !PQconsumeInput(c) || PQstatus(c) != CONNECTION_OK) {
        PQfinish(c);
        c = nullptr;
        missed = true;
        continue;
      }
      while (PGnotify* n = PQnotifies(c)) {
        std::string space = n->extra ? n->extra : "";
        PQfreemem(n);
        tell(space);
      }
    }
    if (c)
      PQfinish(c);
  }
};

namespace {

struct feed_subscription final : change_feed::subscription {
  std::weak_ptr<pg_store::feed> feed;
  std::uint64_t id;
  feed_subscription(std::weak_ptr<pg_store::feed> f, std::uint64_t i) : feed(std::move(f)), id(i) {}
  ~feed_subscription() override {
    if (auto f = feed.lock()) {
      std::lock_guard<std::mutex> lock(f->mutex);
      f->listeners.erase(id);
    }
  }
};

}  // namespace

pg_store::~pg_store() {
  if (feed_) {
    feed_->stopping = true;
    feed_->thread.join();
  }
}

std::unique_ptr<change_feed::subscription> pg_store::subscribe(listener on_change) {
  std::lock_guard<std::mutex> guard(pool_->mutex);  // one feed, started once
  if (!feed_) {
    feed_ = std::make_shared<feed>();
    feed_->conninfo = pool_->options.conninfo;
    feed_->thread = std::thread([f = feed_.get()] { f->run(); });
  }
  std::lock_guard<std::mutex> lock(feed_->mutex);
  auto id = feed_->next_id++;
  feed_->listeners.emplace(id, std::move(on_change));
  return std::make_unique<feed_subscription>(feed_, id);
}

}  // namespace integrator
