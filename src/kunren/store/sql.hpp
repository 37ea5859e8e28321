// A thin connection abstraction under the SQL store: the few things SqlStore
// needs from SQLite and from PostgreSQL, with SQL written once.
//
// SQL uses `?` placeholders; the PostgreSQL connection rewrites them to
// $1..$n (never inside quoted literals, identifiers or comments). Query rows
// are streamed to a callback one at a time (SQLite steps a statement;
// PostgreSQL uses single-row mode), so a 750,000-row answer set is never held
// twice. Bulk inserts go through BulkInsert: a prepared INSERT loop on SQLite,
// `COPY … FROM STDIN` in text format on PostgreSQL.
//
// Errors come back as Status: a busy or locked database is Io with a message
// saying so; a unique, foreign-key or trigger violation is Conflict (callers
// that can name the object map it to a better message); anything else about
// the database is Io. Messages never contain passwords (URLs go through
// store::redact_url).
//
// Ownership: a Connection owns its native handle and closes it when
// destroyed; a BulkInsert borrows its Connection and must be finished or
// destroyed before the connection is used for anything else.
// Thread safety: one thread at a time per Connection.
// Internal to store/.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <kunren/util/status.hpp>

namespace kunren::store::sql {

enum class Dialect { kSqlite, kPostgres };

// A value bound to a `?` placeholder: NULL, an integer or text.
using Value = std::variant<std::nullptr_t, std::int64_t, std::string>;

// One row of a result, valid only during the callback that receives it.
class Row {
 public:
  virtual ~Row() = default;
  virtual bool is_null(int column) const = 0;
  // Empty for NULL.
  virtual std::string_view text(int column) const = 0;
  // 0 for NULL.
  virtual std::int64_t int64(int column) const = 0;
  std::string str(int column) const { return std::string(text(column)); }
};

using RowCallback = std::function<Status(const Row&)>;

// Rows added one by one to a table, then finished. Nothing is visible (or
// checked, on PostgreSQL) until finish() returns ok.
class BulkInsert {
 public:
  virtual ~BulkInsert() = default;
  // REQUIRES: row.size() == the number of columns given to bulk_insert().
  virtual Status add(const std::vector<Value>& row) = 0;
  virtual Status finish() = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;

  virtual Dialect dialect() const = 0;
  // For messages: the file name or the redacted URL.
  virtual const std::string& name() const = 0;

  // One or more statements without parameters (DDL, PRAGMA, SET).
  virtual Status exec(const std::string& sql) = 0;
  // One statement with `?` parameters; `on_row` (may be empty) gets every
  // row in order. An error returned by `on_row` stops the query and is
  // returned.
  virtual Status query(const std::string& sql, const std::vector<Value>& params, const RowCallback& on_row) = 0;
  Status execute(const std::string& sql, const std::vector<Value>& params = {}) { return query(sql, params, {}); }
  // The first column of the first row; `fallback` when there is no row.
  Result<std::int64_t> query_int(const std::string& sql, const std::vector<Value>& params, std::int64_t fallback = 0) {
    std::int64_t out = fallback;
    bool first = true;
    auto status = query(sql, params, [&](const Row& row) {
      if (first && !row.is_null(0)) out = row.int64(0);
      first = false;
      return Status::ok();
    });
    if (!status) return status;
    return out;
  }

  // A write transaction (SQLite: BEGIN IMMEDIATE, so the write lock is taken
  // at once and waits at most the busy timeout).
  virtual Status begin() = 0;
  // A read transaction: one consistent snapshot for several queries.
  virtual Status begin_read() = 0;
  virtual Status commit() = 0;
  // Never fails loudly: used on error paths.
  virtual void rollback() = 0;
  virtual bool in_transaction() const = 0;

  // `n` fresh values for the identity column `id` of `table`, ascending,
  // for rows inserted with explicit ids in this transaction (so that bulk
  // inserts can refer to them). REQUIRES: a write transaction.
  virtual Result<std::vector<std::int64_t>> reserve_ids(const std::string& table, std::size_t n) = 0;

  virtual Result<std::unique_ptr<BulkInsert>> bulk_insert(const std::string& table,
                                                          const std::vector<std::string>& columns) = 0;

  // Takes a transaction-scoped lock shared by every migrator of this
  // database (PostgreSQL: pg_advisory_xact_lock; SQLite: the write lock of
  // BEGIN IMMEDIATE already does it).
  virtual Status lock_for_migration() = 0;
};

// sqlite_connection.cpp. Opens (and, with `create`, creates) the file; a
// missing file without `create` is NotFound naming it.
Result<std::unique_ptr<Connection>> open_sqlite_connection(const std::string& path, bool create, int busy_timeout_ms);
// postgres_connection.cpp. `url` is a libpq connection URI; messages name
// it redacted. Waits for a lock longer than `lock_timeout_ms` (0 = forever)
// fail as "busy"; the session is set to UTF-8 (again after a reconnection).
Result<std::unique_ptr<Connection>> open_postgres_connection(const std::string& url, int connect_timeout_s,
                                                             int lock_timeout_ms = 0);

// `?` → `$1`, `$2`, … outside quoted literals ('…'), quoted identifiers
// ("…"), dollar-quoted bodies ($tag$…$tag$) and comments.
std::string rewrite_placeholders(std::string_view sql);
// Appends `value` as one field of PostgreSQL's COPY text format: backslash,
// tab, newline and carriage return escaped; everything else (UTF-8 included)
// as is.
void append_copy_field(std::string& out, std::string_view value);

// RAII for a transaction: rolls back unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Connection& connection) : m_connection(connection) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (m_open) m_connection.rollback();
  }
  Status begin() {
    auto status = m_connection.begin();
    m_open = status.is_ok();
    return status;
  }
  Status begin_read() {
    auto status = m_connection.begin_read();
    m_open = status.is_ok();
    return status;
  }
  Status commit() {
    m_open = false;
    auto status = m_connection.commit();
    if (!status) m_connection.rollback();
    return status;
  }

 private:
  Connection& m_connection;
  bool m_open = false;
};

}  // namespace kunren::store::sql
