// sql::Connection over SQLite 3 (see sql.hpp). Prepared statements are
// cached by SQL text for the life of the connection.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <unordered_map>

#include <fmt/format.h>

#include <kunren/store/sql.hpp>

namespace kunren::store::sql {

namespace {

Status sqlite_error(sqlite3* db, int rc, const std::string& name) {
  const int primary = rc & 0xff;
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::io_error(
          fmt::format("database is busy (another kunren process is writing); try again ({})", name));
    case SQLITE_CONSTRAINT:
      return Status::conflict(message);
    case SQLITE_FULL:
      return Status::storage_full(fmt::format("{}: the disk is full ({})", name, message));
    case SQLITE_NOTADB:
      return Status::io_error(fmt::format("{} is not a SQLite database", name));
    case SQLITE_READONLY:
      return Status::io_error(fmt::format("{}: cannot write to the database ({})", name, message));
    default:
      return Status::io_error(fmt::format("{}: {}", name, message));
  }
}

class SqliteRow final : public Row {
 public:
  explicit SqliteRow(sqlite3_stmt* stmt) : m_stmt(stmt) {}
  bool is_null(int column) const override { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }
  std::string_view text(int column) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    if (p == nullptr) return {};
    return {p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))};
  }
  std::int64_t int64(int column) const override { return sqlite3_column_int64(m_stmt, column); }

 private:
  sqlite3_stmt* m_stmt;
};

Status bind_all(sqlite3* db, sqlite3_stmt* stmt, const std::vector<Value>& params, const std::string& name) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int at = static_cast<int>(i) + 1;
    int rc = SQLITE_OK;
    if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
      rc = sqlite3_bind_int64(stmt, at, *n);
    } else if (const auto* s = std::get_if<std::string>(&params[i])) {
      // SQLITE_STATIC: the parameters outlive every step of this statement.
      rc = sqlite3_bind_text(stmt, at, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
    } else {
      rc = sqlite3_bind_null(stmt, at);
    }
    if (rc != SQLITE_OK) return sqlite_error(db, rc, name);
  }
  return Status::ok();
}

class SqliteBulkInsert final : public BulkInsert {
 public:
  SqliteBulkInsert(sqlite3* db, sqlite3_stmt* stmt, const std::string& name) : m_db(db), m_stmt(stmt), m_name(name) {}
  ~SqliteBulkInsert() override { sqlite3_finalize(m_stmt); }

  Status add(const std::vector<Value>& row) override {
    KUNREN_RETURN_IF_ERROR(bind_all(m_db, m_stmt, row, m_name));
    int rc = sqlite3_step(m_stmt);
    sqlite3_reset(m_stmt);
    if (rc != SQLITE_DONE) return sqlite_error(m_db, rc, m_name);
    return Status::ok();
  }
  Status finish() override { return Status::ok(); }

 private:
  sqlite3* m_db;
  sqlite3_stmt* m_stmt;
  const std::string& m_name;
};

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(sqlite3* db, std::string name) : m_db(db), m_name(std::move(name)) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : m_cache) sqlite3_finalize(stmt);
    sqlite3_close_v2(m_db);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }
  const std::string& name() const override { return m_name; }

  Status exec(const std::string& sql) override {
    char* error = nullptr;
    int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &error);
    sqlite3_free(error);
    if (rc != SQLITE_OK) return sqlite_error(m_db, rc, m_name);
    return Status::ok();
  }

  Status query(const std::string& sql, const std::vector<Value>& params, const RowCallback& on_row) override {
    sqlite3_stmt* stmt = nullptr;
    bool cached = false;
    if (auto it = m_cache.find(sql); it != m_cache.end() && !sqlite3_stmt_busy(it->second)) {
      stmt = it->second;
      cached = true;
    } else {
      int rc = sqlite3_prepare_v2(m_db, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
      if (rc != SQLITE_OK) {
        Status status = sqlite_error(m_db, rc, m_name);
        sqlite3_finalize(stmt);
        return status;
      }
      if (m_cache.find(sql) == m_cache.end()) {
        m_cache.emplace(sql, stmt);
        cached = true;
      }
    }
    Status status = bind_all(m_db, stmt, params, m_name);
    if (status) {
      SqliteRow row(stmt);
      for (;;) {
        int rc = sqlite3_step(stmt);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) {
          status = sqlite_error(m_db, rc, m_name);
          break;
        }
        if (on_row) {
          status = on_row(row);
          if (!status) break;
        }
      }
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (!cached) sqlite3_finalize(stmt);
    return status;
  }

  Status begin() override { return exec("BEGIN IMMEDIATE"); }
  Status begin_read() override { return exec("BEGIN DEFERRED"); }
  Status commit() override { return exec("COMMIT"); }
  void rollback() override {
    if (in_transaction()) sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  bool in_transaction() const override { return sqlite3_get_autocommit(m_db) == 0; }

  Result<std::vector<std::int64_t>> reserve_ids(const std::string& table, std::size_t n) override {
    // Under BEGIN IMMEDIATE nobody else can insert, and rows are never
    // deleted, so the ids after the largest ever used are free. The
    // sqlite_sequence row (AUTOINCREMENT) is raised by the inserts themselves.
    auto max = query_int(fmt::format("SELECT MAX(COALESCE((SELECT MAX(id) FROM {0}), 0), "
                                     "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{0}'), 0))",
                                     table),
                         {});
    if (!max) return max.status();
    std::vector<std::int64_t> ids(n);
    for (std::size_t i = 0; i < n; ++i) ids[i] = *max + 1 + static_cast<std::int64_t>(i);
    return ids;
  }

  Result<std::unique_ptr<BulkInsert>> bulk_insert(const std::string& table,
                                                  const std::vector<std::string>& columns) override {
    std::string sql = fmt::format("INSERT INTO {}(", table);
    std::string marks;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      sql += (i ? ", " : "") + columns[i];
      marks += i ? ", ?" : "?";
    }
    sql += ") VALUES (" + marks + ")";
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(m_db, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
      Status status = sqlite_error(m_db, rc, m_name);
      sqlite3_finalize(stmt);
      return status;
    }
    return std::unique_ptr<BulkInsert>(std::make_unique<SqliteBulkInsert>(m_db, stmt, m_name));
  }

  Status lock_for_migration() override { return Status::ok(); }

 private:
  sqlite3* m_db;
  std::string m_name;
  std::unordered_map<std::string, sqlite3_stmt*> m_cache;
};

}  // namespace

Result<std::unique_ptr<Connection>> open_sqlite_connection(const std::string& path, bool create, int busy_timeout_ms) {
  std::error_code ec;
  if (!create && !std::filesystem::exists(path, ec)) {
    return Status::not_found(fmt::format("no database at {}; create one with 'kunren init'", path));
  }
  if (create && !std::filesystem::exists(path, ec)) {
    // The database holds password hashes and companies' answers: readable by
    // its owner only. SQLite gives its -wal and -shm files the same mode.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
      return Status::io_error(fmt::format("cannot create the database {}: {}", path, std::strerror(errno)));
    }
    if (fd >= 0) ::close(fd);
  }
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::io_error(fmt::format("cannot open the database {}: {}", path, message));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return std::unique_ptr<Connection>(std::make_unique<SqliteConnection>(db, path));
}

}  // namespace kunren::store::sql
