// Fresh PostgreSQL databases for tests, in the throwaway cluster that CTest's
// `store.pg.start` fixture starts (scripts/pg-cluster.sh). The cluster's URL
// is in the file named by $KUNREN_TEST_PG_URL_FILE; a test that needs
// PostgreSQL and finds no cluster fails with a message saying so — it is
// never silently skipped (run it through ctest, or start a cluster by hand:
// scripts/pg-cluster.sh start /tmp/pg && KUNREN_TEST_PG_URL_FILE=/tmp/pg/url …).
// Thread safety: both functions may be called from any thread.
#pragma once

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include <libpq-fe.h>

namespace kunren::testing {

namespace pg_detail {

// The cluster's URL with its database name replaced by `database`.
inline std::string with_database(const std::string& url, const std::string& database) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  auto query = url.find('?');
  std::string base = url.substr(0, slash == std::string::npos ? std::min(query, url.size()) : slash);
  std::string params = query == std::string::npos ? std::string() : url.substr(query);
  return base + "/" + database + params;
}

inline std::string database_of(const std::string& url) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return {};
  auto query = url.find('?', slash);
  return url.substr(slash + 1, query == std::string::npos ? std::string::npos : query - slash - 1);
}

inline std::string cluster_url() {
  const char* file = std::getenv("KUNREN_TEST_PG_URL_FILE");
  if (file == nullptr || *file == '\0') {
    throw std::runtime_error(
        "KUNREN_TEST_PG_URL_FILE is not set: this test needs the throwaway PostgreSQL cluster. Run it through ctest "
        "(the store.pg.start fixture starts one), or: scripts/pg-cluster.sh start /tmp/pg && "
        "KUNREN_TEST_PG_URL_FILE=/tmp/pg/url kunren_tests");
  }
  std::ifstream in(file);
  std::string url;
  if (!std::getline(in, url) || url.empty()) {
    throw std::runtime_error(std::string("no PostgreSQL URL in ") + file +
                             " (KUNREN_TEST_PG_URL_FILE); did scripts/pg-cluster.sh start succeed?");
  }
  return url;
}

// Runs one statement on the cluster's `postgres` maintenance database.
inline void run_on_maintenance_db(const std::string& sql) {
  const std::string url = with_database(cluster_url(), "postgres");
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot connect to the test PostgreSQL cluster at " + url + ": " + message);
  }
  PGresult* res = PQexec(conn, sql.c_str());
  const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  std::string message = ok ? std::string() : PQresultErrorMessage(res);
  PQclear(res);
  PQfinish(conn);
  if (!ok) throw std::runtime_error(sql + ": " + message);
}

}  // namespace pg_detail

// The URL of a new, empty database (owned by the cluster's role) in the test
// cluster; each call creates another one with a unique name.
inline std::string fresh_pg_database_url() {
  static std::atomic<unsigned> counter{0};
  static const unsigned salt = std::random_device{}();
  const std::string name = "kunren_t" + std::to_string(::getpid()) + "_" + std::to_string(salt % 100000) + "_" +
                           std::to_string(counter.fetch_add(1));
  pg_detail::run_on_maintenance_db("CREATE DATABASE " + name);
  return pg_detail::with_database(pg_detail::cluster_url(), name);
}

// Drops a database made by fresh_pg_database_url(), closing what is still
// connected to it, so that a long test run does not fill the disk.
inline void drop_pg_database(const std::string& url) {
  pg_detail::run_on_maintenance_db("DROP DATABASE IF EXISTS " + pg_detail::database_of(url) + " WITH (FORCE)");
}

}  // namespace kunren::testing
