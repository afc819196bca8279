#pragma once
// Tests against PostgreSQL: INTEGRATOR_TEST_PG names the server (libpq
// key=value conninfo, as tests/support/private_postgres.sh writes it), and
// each store under test gets a schema of its own there.

#include <libpq-fe.h>

#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>

namespace integrator::test {

/// The PostgreSQL server the tests run against, or "" for RocksDB.
inline std::string test_pg_conninfo() {
  const char* c = std::getenv("INTEGRATOR_TEST_PG");
  return c ? c : "";
}

/// A schema of its own on the test server, dropped with everything in it.
struct pg_schema {
  std::string server;  ///< conninfo of the server
  std::string name;

  explicit pg_schema(std::string conninfo) : server(std::move(conninfo)) {
    std::random_device rd;
    name = "t" + std::to_string(rd()) + std::to_string(rd());
    run("CREATE SCHEMA " + name);
  }
  ~pg_schema() {
    try {
      run("DROP SCHEMA " + name + " CASCADE");
    } catch (...) {
    }
  }
  /// A conninfo whose tables live in this schema.
  /// (Its sessions carry the schema's name, so a test can end them alone.)
  std::string conninfo() const {
    return server + " options='-csearch_path=" + name + "' application_name=" + name;
  }

  /// True when a key or value of the schema's store holds `bytes`.
  bool store_contains(const std::string& bytes) const {
    PGconn* c = PQconnectdb(conninfo().c_str());
    const char* values[] = {bytes.data()};
    const int lengths[] = {static_cast<int>(bytes.size())};
    const int formats[] = {1};
    PGresult* r = PQexecParams(c,
                               "SELECT count(*) FROM integrator_kv WHERE position($1::bytea in key) > 0"
                               " OR position($1::bytea in value) > 0",
                               1, nullptr, values, lengths, formats, 0);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    std::string count = ok ? PQgetvalue(r, 0, 0) : "";
    std::string why = PQerrorMessage(c);
    PQclear(r);
    PQfinish(c);
    if (!ok)
      throw std::runtime_error("cannot search the store: " + why);
    return count != "0";
  }

  void run(const std::string& sql) const {
    PGconn* c = PQconnectdb(server.c_str());
    PGresult* r = PQexec(c, sql.c_str());
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    std::string why = PQerrorMessage(c);
    PQclear(r);
    PQfinish(c);
    if (!ok)
      throw std::runtime_error(sql + ": " + why);
  }
};

}  // namespace integrator::test
