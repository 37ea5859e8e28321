// The connection layer under the SQL stores (src/kunren/store/sql.hpp):
// placeholder rewriting, COPY escaping, streaming, bulk inserts and the
// errors a user sees, on SQLite and on PostgreSQL.
#include <chrono>

#include <gtest/gtest.h>

#include <kunren/store/sql.hpp>

#include "../test_support.hpp"
#include "pg_test_support.hpp"

namespace kunren::store::sql {
namespace {

using kunren::testing::TempDir;

std::vector<std::vector<std::string>> rows_of(Connection& db, const std::string& query,
                                              const std::vector<Value>& params = {}) {
  std::vector<std::vector<std::string>> out;
  auto status = db.query(query, params, [&](const Row& row) {
    std::vector<std::string> r;
    for (int i = 0; i < 2; ++i) r.push_back(row.is_null(i) ? "<null>" : row.str(i));
    out.push_back(r);
    return Status::ok();
  });
  EXPECT_TRUE(status.is_ok()) << status.to_string();
  return out;
}

// The awkward texts every backend must keep byte for byte.
const std::vector<std::string>& awkward_texts() {
  static const std::vector<std::string> k_texts = {
      "plain",
      "tab\there",
      "line one\nline two",
      "windows\r\nline",
      "back\\slash and \\N and \\t",
      "\\.",
      "日本語のコメント、改行\nあり",
      "",
      "'quoted' \"double\" ? $1",
  };
  return k_texts;
}

// --- pure text helpers ---------------------------------------------------------------

TEST(SqlConnection, PlaceholdersBecomeNumberedOutsideQuotesAndComments) {
  EXPECT_EQ(rewrite_placeholders("SELECT a FROM t WHERE a = ? AND b = ?"), "SELECT a FROM t WHERE a = $1 AND b = $2");
  EXPECT_EQ(rewrite_placeholders("SELECT '?', 'it''s ?', ?"), "SELECT '?', 'it''s ?', $1");
  EXPECT_EQ(rewrite_placeholders("SELECT \"odd?name\" FROM t WHERE x = ?"), "SELECT \"odd?name\" FROM t WHERE x = $1");
  EXPECT_EQ(rewrite_placeholders("SELECT ? -- why?\n, ?"), "SELECT $1 -- why?\n, $2");
  EXPECT_EQ(rewrite_placeholders("SELECT /* ? */ ?"), "SELECT /* ? */ $1");
  EXPECT_EQ(rewrite_placeholders("DO $$ BEGIN PERFORM '?'; END $$; SELECT ?"),
            "DO $$ BEGIN PERFORM '?'; END $$; SELECT $1");
  EXPECT_EQ(rewrite_placeholders("SELECT $tag$ ? $tag$, ?"), "SELECT $tag$ ? $tag$, $1");
  EXPECT_EQ(rewrite_placeholders("SELECT 'unterminated ?"), "SELECT 'unterminated ?");
}

TEST(SqlConnection, CopyFieldsEscapeTabsNewlinesAndBackslashesAndKeepUtf8) {
  std::string out;
  append_copy_field(out, "a\tb\nc\\d\re 日本語");
  EXPECT_EQ(out, "a\\tb\\nc\\\\d\\re 日本語");
  out.clear();
  append_copy_field(out, "\\N");
  EXPECT_EQ(out, "\\\\N");  // the text "\N", not NULL
}

// --- both backends ---------------------------------------------------------------------

class SqlConnectionOn : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      auto opened = open_sqlite_connection(m_dir.path("c.db"), true, 1000);
      ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
      m_db = std::move(opened).value();
    } else {
      m_pg_url = kunren::testing::fresh_pg_database_url();
      auto opened = open_postgres_connection(m_pg_url, 5);
      ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
      m_db = std::move(opened).value();
    }
    ASSERT_TRUE(m_db->exec("CREATE TABLE t (id BIGINT PRIMARY KEY, body TEXT)").is_ok());
  }
  void TearDown() override {
    m_db.reset();
    if (!m_pg_url.empty()) kunren::testing::drop_pg_database(m_pg_url);
  }

  TempDir m_dir;
  std::string m_pg_url;
  std::unique_ptr<Connection> m_db;
};

INSTANTIATE_TEST_SUITE_P(Backends, SqlConnectionOn, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(SqlConnectionOn, BulkInsertKeepsAwkwardTextByteForByte) {
  ASSERT_TRUE(m_db->begin().is_ok());
  auto bulk = m_db->bulk_insert("t", {"id", "body"});
  ASSERT_TRUE(bulk.is_ok()) << bulk.status().to_string();
  const auto& texts = awkward_texts();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    ASSERT_TRUE((*bulk)->add({static_cast<std::int64_t>(i), texts[i]}).is_ok());
  }
  ASSERT_TRUE((*bulk)->add({std::int64_t{100}, nullptr}).is_ok());
  ASSERT_TRUE((*bulk)->finish().is_ok());
  bulk->reset();
  ASSERT_TRUE(m_db->commit().is_ok());

  auto rows = rows_of(*m_db, "SELECT id, body FROM t ORDER BY id");
  ASSERT_EQ(rows.size(), texts.size() + 1);
  for (std::size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(rows[i][1], texts[i]) << "row " << i;
  EXPECT_EQ(rows.back()[1], "<null>");
}

TEST_P(SqlConnectionOn, ParametersAreBoundNotSpliced) {
  const auto& texts = awkward_texts();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    ASSERT_TRUE(
        m_db->execute("INSERT INTO t (id, body) VALUES (?, ?)", {static_cast<std::int64_t>(i), texts[i]}).is_ok());
  }
  auto rows = rows_of(*m_db, "SELECT id, body FROM t WHERE body = ? OR id = ?", {texts[6], std::int64_t{1}});
  ASSERT_EQ(rows.size(), 2u);
}

TEST_P(SqlConnectionOn, ManyRowsStreamOneByOne) {
  ASSERT_TRUE(m_db->begin().is_ok());
  auto bulk = m_db->bulk_insert("t", {"id", "body"});
  ASSERT_TRUE(bulk.is_ok());
  for (std::int64_t i = 0; i < 50'000; ++i) ASSERT_TRUE((*bulk)->add({i, std::string("row")}).is_ok());
  ASSERT_TRUE((*bulk)->finish().is_ok());
  bulk->reset();
  ASSERT_TRUE(m_db->commit().is_ok());
  std::int64_t n = 0, sum = 0;
  auto status = m_db->query("SELECT id FROM t", {}, [&](const Row& row) {
    ++n;
    sum += row.int64(0);
    return Status::ok();
  });
  ASSERT_TRUE(status.is_ok()) << status.to_string();
  EXPECT_EQ(n, 50'000);
  EXPECT_EQ(sum, 50'000LL * 49'999 / 2);
}

TEST_P(SqlConnectionOn, AnErrorFromTheRowCallbackStopsTheQueryAndTheConnectionStaysUsable) {
  for (std::int64_t i = 0; i < 10; ++i) ASSERT_TRUE(m_db->execute("INSERT INTO t (id) VALUES (?)", {i}).is_ok());
  int seen = 0;
  auto status = m_db->query("SELECT id FROM t ORDER BY id", {}, [&](const Row&) {
    ++seen;
    return Status::bad_input("enough");
  });
  EXPECT_EQ(status.kind(), ErrorKind::kBadInput);
  EXPECT_EQ(seen, 1);
  auto n = m_db->query_int("SELECT COUNT(*) FROM t", {});
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, 10);
}

TEST_P(SqlConnectionOn, AUniqueViolationIsAConflict) {
  ASSERT_TRUE(m_db->execute("INSERT INTO t (id, body) VALUES (?, ?)", {std::int64_t{1}, std::string("a")}).is_ok());
  auto status = m_db->execute("INSERT INTO t (id, body) VALUES (?, ?)", {std::int64_t{1}, std::string("b")});
  EXPECT_EQ(status.kind(), ErrorKind::kConflict) << status.to_string();
}

TEST_P(SqlConnectionOn, RollbackForgetsTheTransaction) {
  {
    Transaction tx(*m_db);
    ASSERT_TRUE(tx.begin().is_ok());
    ASSERT_TRUE(m_db->execute("INSERT INTO t (id) VALUES (1)").is_ok());
  }
  EXPECT_FALSE(m_db->in_transaction());
  EXPECT_EQ(*m_db->query_int("SELECT COUNT(*) FROM t", {}), 0);
}

TEST_P(SqlConnectionOn, ReservedIdsAreFreshAndAscending) {
  ASSERT_TRUE(m_db->exec(GetParam() == "sqlite"
                             ? "CREATE TABLE s (id INTEGER PRIMARY KEY AUTOINCREMENT, x TEXT)"
                             : "CREATE TABLE s (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, x TEXT)")
                  .is_ok());
  ASSERT_TRUE(m_db->begin().is_ok());
  ASSERT_TRUE(m_db->execute("INSERT INTO s (x) VALUES ('a')").is_ok());
  auto ids = m_db->reserve_ids("s", 3);
  ASSERT_TRUE(ids.is_ok()) << ids.status().to_string();
  ASSERT_EQ(ids->size(), 3u);
  EXPECT_GT((*ids)[0], 1);
  EXPECT_LT((*ids)[0], (*ids)[1]);
  EXPECT_LT((*ids)[1], (*ids)[2]);
  for (auto id : *ids) ASSERT_TRUE(m_db->execute("INSERT INTO s (id, x) VALUES (?, 'b')", {id}).is_ok());
  ASSERT_TRUE(m_db->commit().is_ok());
  // Rows inserted afterwards without an id do not collide with reserved ones.
  EXPECT_TRUE(m_db->execute("INSERT INTO s (x) VALUES ('c')").is_ok());
}

// --- SQLite ------------------------------------------------------------------------------

TEST(SqlConnection, AMissingSqliteFileIsNotFoundSuggestingInit) {
  TempDir dir;
  auto opened = open_sqlite_connection(dir.path("missing.db"), false, 100);
  ASSERT_FALSE(opened.is_ok());
  EXPECT_EQ(opened.status().kind(), ErrorKind::kNotFound);
  EXPECT_NE(opened.status().message().find("kunren init"), std::string::npos) << opened.status().message();
}

TEST(SqlConnection, AWriterWaitingTooLongOnSqliteIsToldTheDatabaseIsBusy) {
  TempDir dir;
  const std::string path = dir.path("busy.db");
  auto holder = open_sqlite_connection(path, true, 100);
  ASSERT_TRUE(holder.is_ok());
  ASSERT_TRUE((*holder)->exec("PRAGMA journal_mode=WAL; CREATE TABLE t (x INTEGER)").is_ok());
  ASSERT_TRUE((*holder)->begin().is_ok());
  ASSERT_TRUE((*holder)->execute("INSERT INTO t VALUES (1)").is_ok());

  auto waiter = open_sqlite_connection(path, false, 50);
  ASSERT_TRUE(waiter.is_ok());
  const auto start = std::chrono::steady_clock::now();
  auto status = (*waiter)->begin();
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(status.is_ok());
  EXPECT_EQ(status.kind(), ErrorKind::kIo);
  EXPECT_NE(status.message().find("database is busy (another kunren process is writing); try again"), std::string::npos)
      << status.message();
  EXPECT_LT(waited, std::chrono::seconds(5));
  // Reading still works while the other one writes (WAL).
  EXPECT_EQ(*(*waiter)->query_int("SELECT COUNT(*) FROM t", {}), 0);
  ASSERT_TRUE((*holder)->commit().is_ok());
  EXPECT_TRUE((*waiter)->begin().is_ok());
  (*waiter)->rollback();
}

TEST(SqlConnection, AFileThatIsNotADatabaseIsReportedAsSuch) {
  TempDir dir;
  const std::string path = dir.write("not.db", std::string(4096, 'x'));
  auto opened = open_sqlite_connection(path, false, 100);
  ASSERT_TRUE(opened.is_ok());
  auto status = (*opened)->exec("PRAGMA journal_mode=WAL");
  ASSERT_FALSE(status.is_ok());
  EXPECT_NE(status.message().find("not a SQLite database"), std::string::npos) << status.message();
}

// --- PostgreSQL ----------------------------------------------------------------------------

TEST(SqlConnection, AFailedPostgresConnectionNamesTheUrlWithoutItsPassword) {
  // Port 1 on the loopback: refused at once.
  auto opened = open_postgres_connection("postgresql://kunren:s3cret@127.0.0.1:1/kunren", 2);
  ASSERT_FALSE(opened.is_ok());
  EXPECT_EQ(opened.status().kind(), ErrorKind::kIo);
  EXPECT_NE(opened.status().message().find("postgresql://kunren:***@127.0.0.1:1/kunren"), std::string::npos)
      << opened.status().message();
  EXPECT_EQ(opened.status().message().find("s3cret"), std::string::npos);
}

TEST(SqlConnection, AFailedPostgresCopyIsReportedAndLeavesNothing) {
  const std::string url = kunren::testing::fresh_pg_database_url();
  {
    auto db = open_postgres_connection(url, 5);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    ASSERT_TRUE((*db)->exec("CREATE TABLE t (id BIGINT PRIMARY KEY, body TEXT)").is_ok());
    ASSERT_TRUE((*db)->begin().is_ok());
    auto bulk = (*db)->bulk_insert("t", {"id", "body"});
    ASSERT_TRUE(bulk.is_ok());
    ASSERT_TRUE((*bulk)->add({std::int64_t{1}, std::string("a")}).is_ok());
    ASSERT_TRUE((*bulk)->add({std::int64_t{1}, std::string("b")}).is_ok());
    auto status = (*bulk)->finish();
    EXPECT_EQ(status.kind(), ErrorKind::kConflict) << status.to_string();
    bulk->reset();
    (*db)->rollback();
    EXPECT_EQ(*(*db)->query_int("SELECT COUNT(*) FROM t", {}), 0);
  }
  kunren::testing::drop_pg_database(url);
}

TEST(SqlConnection, AWriterWaitingTooLongOnPostgresIsToldTheDatabaseIsBusy) {
  const std::string url = kunren::testing::fresh_pg_database_url();
  {
    auto holder = open_postgres_connection(url, 5, 100);
    auto waiter = open_postgres_connection(url, 5, 100);
    ASSERT_TRUE(holder.is_ok() && waiter.is_ok());
    ASSERT_TRUE((*holder)->exec("CREATE TABLE t (id BIGINT PRIMARY KEY); INSERT INTO t VALUES (1)").is_ok());
    ASSERT_TRUE((*holder)->begin().is_ok());
    ASSERT_TRUE((*holder)->execute("SELECT id FROM t WHERE id = 1 FOR UPDATE").is_ok());
    ASSERT_TRUE((*waiter)->begin().is_ok());
    auto status = (*waiter)->execute("SELECT id FROM t WHERE id = 1 FOR UPDATE");
    EXPECT_EQ(status.kind(), ErrorKind::kIo);
    EXPECT_NE(status.message().find("database is busy (another kunren process is writing); try again"),
              std::string::npos)
        << status.message();
    (*waiter)->rollback();
    (*holder)->rollback();
  }
  kunren::testing::drop_pg_database(url);
}

}  // namespace
}  // namespace kunren::store::sql
