// A PostgreSQL store whose connection is cut between calls (server restart,
// idle timeout, an administrator's pg_terminate_backend): the call that meets
// the dead connection fails cleanly with an I/O error, and the next one
// reconnects, with nothing lost.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <kunren/store/store.hpp>

#include "pg_test_support.hpp"

namespace kunren::store {
namespace {

// Ends every other session on `database`, as a server restart would, and
// returns once those sessions are gone (pg_terminate_backend only signals).
int terminate_sessions(const std::string& database) {
  const std::string url = kunren::testing::pg_detail::with_database(kunren::testing::pg_detail::cluster_url(), "postgres");
  PGconn* conn = PQconnectdb(url.c_str());
  EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  const std::string sessions = "FROM pg_stat_activity WHERE datname = '" + database + "' AND pid <> pg_backend_pid()";
  PGresult* res = PQexec(conn, ("SELECT pg_terminate_backend(pid) " + sessions).c_str());
  EXPECT_EQ(PQresultStatus(res), PGRES_TUPLES_OK) << PQresultErrorMessage(res);
  const int ended = PQntuples(res);
  PQclear(res);
  for (int attempt = 0; attempt < 100000; ++attempt) {
    res = PQexec(conn, ("SELECT count(*) " + sessions).c_str());
    const bool gone = PQresultStatus(res) == PGRES_TUPLES_OK && std::string(PQgetvalue(res, 0, 0)) == "0";
    PQclear(res);
    if (gone) break;
  }
  PQfinish(conn);
  return ended;
}

TEST(PostgresStore, ALostConnectionFailsOneCallCleanlyAndTheNextReconnects) {
  const std::string url = kunren::testing::fresh_pg_database_url();
  {
    OpenOptions options;
    options.create = options.migrate = true;
    auto opened = open_store(url, options);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    Store& db = **opened;
    ASSERT_TRUE(db.put_orgs({OrgRecord{"o1", "One", "", "", {}, {}}}, Actor{"test"}).is_ok());

    ASSERT_EQ(terminate_sessions(kunren::testing::pg_detail::database_of(url)), 1);
    auto first = db.list_orgs();
    ASSERT_FALSE(first.is_ok()) << "a call on a terminated session cannot succeed";
    EXPECT_EQ(first.status().kind(), ErrorKind::kIo) << first.status().to_string();
    EXPECT_NE(first.status().message().find(kunren::testing::pg_detail::database_of(url)), std::string::npos);
    auto second = db.list_orgs();
    ASSERT_TRUE(second.is_ok()) << second.status().to_string();
    ASSERT_EQ(second->size(), 1u);
    EXPECT_EQ(second->front().id, "o1");
    // Writing works again too, and sees what was there.
    ASSERT_TRUE(db.put_orgs({OrgRecord{"o2", "Two", "", "", {}, {}}}, Actor{"test"}).is_ok());
    EXPECT_EQ(db.list_orgs()->size(), 2u);
  }
  kunren::testing::drop_pg_database(url);
}

}  // namespace
}  // namespace kunren::store
