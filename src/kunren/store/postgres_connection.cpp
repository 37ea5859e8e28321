// sql::Connection over libpq (see sql.hpp). Queries go out with
// PQsendQueryParams (parameters as text, types inferred by the server) and
// come back in single-row mode; bulk inserts use COPY … FROM STDIN in text
// format, sent in chunks of about 256 KB.
#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include <kunren/store/sql.hpp>
#include <kunren/store/store.hpp>

namespace kunren::store::sql {

// --- text helpers (pure; tested directly) ----------------------------------------

std::string rewrite_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  std::size_t i = 0;
  auto copy_until = [&](std::size_t end) {
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      // A quoted literal or identifier; a doubled quote is an escaped one.
      std::size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        ++j;
      }
      copy_until(std::min(j, sql.size()));
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      auto end = sql.find('\n', i);
      copy_until(end == std::string_view::npos ? sql.size() : end);
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      auto end = sql.find("*/", i + 2);
      copy_until(end == std::string_view::npos ? sql.size() : end + 2);
    } else if (c == '$' && i + 1 < sql.size() && !(sql[i + 1] >= '0' && sql[i + 1] <= '9')) {
      // A dollar-quoted body: $tag$ … $tag$ (the tag may be empty).
      std::size_t j = i + 1;
      while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) ++j;
      if (j < sql.size() && sql[j] == '$') {
        auto tag = sql.substr(i, j - i + 1);
        auto end = sql.find(tag, j + 1);
        copy_until(end == std::string_view::npos ? sql.size() : end + tag.size());
      } else {
        out.push_back(c);
        ++i;
      }
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
      ++i;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

void append_copy_field(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out.push_back(c);
    }
  }
}

namespace {

std::string trimmed(const char* text) {
  std::string s = text != nullptr ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

Status pg_error(PGconn* conn, const PGresult* result, const std::string& name) {
  if (PQstatus(conn) == CONNECTION_BAD) {
    return Status::io_error(fmt::format("lost the connection to {}: {}", name, trimmed(PQerrorMessage(conn))));
  }
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = primary != nullptr ? trimmed(primary) : trimmed(PQerrorMessage(conn));
  std::string code = state != nullptr ? state : "";
  if (code.rfind("23", 0) == 0 || code == "P0001") return Status::conflict(message);
  if (code == "40P01" || code == "40001" || code == "55P03") {
    return Status::io_error(
        fmt::format("database is busy (another kunren process is writing); try again ({}: {})", name, message));
  }
  if (code == "53100")
    return Status::storage_full(fmt::format("{}: the database server's disk is full ({})", name, message));
  if (code.rfind("08", 0) == 0) return Status::io_error(fmt::format("lost the connection to {}: {}", name, message));
  return Status::io_error(fmt::format("{}: {}", name, message));
}

class PgRow final : public Row {
 public:
  void reset(const PGresult* result) { m_result = result; }
  bool is_null(int column) const override { return PQgetisnull(m_result, 0, column) != 0; }
  std::string_view text(int column) const override {
    return {PQgetvalue(m_result, 0, column), static_cast<std::size_t>(PQgetlength(m_result, 0, column))};
  }
  std::int64_t int64(int column) const override {
    auto t = text(column);
    std::int64_t v = 0;
    std::from_chars(t.data(), t.data() + t.size(), v);
    return v;
  }

 private:
  const PGresult* m_result = nullptr;
};

class PgBulkInsert final : public BulkInsert {
 public:
  PgBulkInsert(PGconn* conn, const std::string& name) : m_conn(conn), m_name(name) {}
  ~PgBulkInsert() override {
    if (!m_done) {
      PQputCopyEnd(m_conn, "aborted");
      while (PGresult* r = PQgetResult(m_conn)) PQclear(r);
    }
  }

  Status add(const std::vector<Value>& row) override {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) m_buffer.push_back('\t');
      if (const auto* n = std::get_if<std::int64_t>(&row[i])) {
        m_buffer += std::to_string(*n);
      } else if (const auto* s = std::get_if<std::string>(&row[i])) {
        append_copy_field(m_buffer, *s);
      } else {
        m_buffer += "\\N";
      }
    }
    m_buffer.push_back('\n');
    if (m_buffer.size() >= 256 * 1024) return flush();
    return Status::ok();
  }

  Status finish() override {
    KUNREN_RETURN_IF_ERROR(flush());
    m_done = true;
    if (PQputCopyEnd(m_conn, nullptr) != 1) return pg_error(m_conn, nullptr, m_name);
    Status status;
    while (PGresult* r = PQgetResult(m_conn)) {
      if (PQresultStatus(r) != PGRES_COMMAND_OK && status) status = pg_error(m_conn, r, m_name);
      PQclear(r);
    }
    return status;
  }

 private:
  Status flush() {
    if (m_buffer.empty()) return Status::ok();
    if (PQputCopyData(m_conn, m_buffer.data(), static_cast<int>(m_buffer.size())) != 1) {
      return pg_error(m_conn, nullptr, m_name);
    }
    m_buffer.clear();
    return Status::ok();
  }

  PGconn* m_conn;
  const std::string& m_name;
  std::string m_buffer;
  bool m_done = false;
};

class PgConnection final : public Connection {
 public:
  PgConnection(PGconn* conn, std::string name, std::string session_setup)
      : m_conn(conn), m_name(std::move(name)), m_session_setup(std::move(session_setup)) {}

  // Settings every session needs, again after a reconnection.
  Status set_up_session() { return exec(m_session_setup); }
  ~PgConnection() override { PQfinish(m_conn); }

  Dialect dialect() const override { return Dialect::kPostgres; }
  const std::string& name() const override { return m_name; }

  Status exec(const std::string& sql) override {
    KUNREN_RETURN_IF_ERROR(ensure_connected());
    PGresult* r = PQexec(m_conn, sql.c_str());
    Status status;
    auto s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) status = pg_error(m_conn, r, m_name);
    PQclear(r);
    return status;
  }

  Status query(const std::string& sql, const std::vector<Value>& params, const RowCallback& on_row) override {
    KUNREN_RETURN_IF_ERROR(ensure_connected());
    const std::string text = rewrite_placeholders(sql);
    std::vector<std::string> numbers;
    numbers.reserve(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
        numbers.push_back(std::to_string(*n));
        values[i] = numbers.back().c_str();
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        // libpq takes C strings: a NUL would silently cut the value short.
        // The store's checks refuse such text first; this is the last guard.
        if (s->find('\0') != std::string::npos) {
          return Status::bad_input(fmt::format("{}: a text value contains a NUL byte", m_name));
        }
        values[i] = s->c_str();
      }
    }
    // `numbers` never reallocates after reserve(), so the pointers hold.
    if (PQsendQueryParams(m_conn, text.c_str(), static_cast<int>(params.size()), nullptr, values.data(), nullptr,
                          nullptr, 0) != 1) {
      return pg_error(m_conn, nullptr, m_name);
    }
    PQsetSingleRowMode(m_conn);
    Status status;
    PgRow row;
    while (PGresult* r = PQgetResult(m_conn)) {
      switch (PQresultStatus(r)) {
        case PGRES_SINGLE_TUPLE:
          if (status && on_row) {
            row.reset(r);
            status = on_row(row);
          }
          break;
        case PGRES_TUPLES_OK:
        case PGRES_COMMAND_OK:
          break;
        default:
          if (status) status = pg_error(m_conn, r, m_name);
      }
      PQclear(r);
    }
    return status;
  }

  Status begin() override { return started(exec("BEGIN")); }
  Status begin_read() override { return started(exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")); }
  Status commit() override {
    m_in_transaction = false;
    PGresult* r = PQexec(m_conn, "COMMIT");
    Status status;
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      status = pg_error(m_conn, r, m_name);
    } else if (std::strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
      // COMMIT of a failed transaction rolls back without an error.
      status = Status::io_error(fmt::format("{}: the transaction failed and was rolled back", m_name));
    }
    PQclear(r);
    return status;
  }
  void rollback() override {
    m_in_transaction = false;
    if (in_transaction()) PQclear(PQexec(m_conn, "ROLLBACK"));
  }
  bool in_transaction() const override {
    auto s = PQtransactionStatus(m_conn);
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
  }

  Result<std::vector<std::int64_t>> reserve_ids(const std::string& table, std::size_t n) override {
    std::vector<std::int64_t> ids;
    ids.reserve(n);
    if (n == 0) return ids;
    auto status =
        query(fmt::format("SELECT nextval(pg_get_serial_sequence('{}', 'id')) FROM generate_series(1, ?)", table),
              {static_cast<std::int64_t>(n)}, [&](const Row& row) {
                ids.push_back(row.int64(0));
                return Status::ok();
              });
    if (!status) return status;
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  Result<std::unique_ptr<BulkInsert>> bulk_insert(const std::string& table,
                                                  const std::vector<std::string>& columns) override {
    KUNREN_RETURN_IF_ERROR(ensure_connected());
    std::string sql = fmt::format("COPY {}(", table);
    for (std::size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + columns[i];
    sql += ") FROM STDIN";
    PGresult* r = PQexec(m_conn, sql.c_str());
    Status status;
    if (PQresultStatus(r) != PGRES_COPY_IN) status = pg_error(m_conn, r, m_name);
    PQclear(r);
    if (!status) return status;
    return std::unique_ptr<BulkInsert>(std::make_unique<PgBulkInsert>(m_conn, m_name));
  }

  Status lock_for_migration() override {
    // One key for every kunren migrator of this database ("kunren" in ASCII).
    return exec("SELECT pg_advisory_xact_lock(118091288323438)");
  }

 private:
  Status started(Status status) {
    m_in_transaction = status.is_ok();
    return status;
  }

  // A connection lost between transactions is re-established once; inside
  // a transaction the loss is reported (the transaction is gone, and the
  // statements after it must not run on a new session as if nothing happened).
  Status ensure_connected() {
    if (PQstatus(m_conn) == CONNECTION_OK) return Status::ok();
    if (m_in_transaction) {
      return Status::io_error(
          fmt::format("lost the connection to {} during a transaction; nothing of it was kept", m_name));
    }
    PQreset(m_conn);
    if (PQstatus(m_conn) != CONNECTION_OK) {
      return Status::io_error(fmt::format("lost the connection to {}: {}", m_name, trimmed(PQerrorMessage(m_conn))));
    }
    return set_up_session();
  }

  PGconn* m_conn;
  bool m_in_transaction = false;  // between a successful begin and commit/rollback
  std::string m_name;
  std::string m_session_setup;
};

void ignore_notice(void*, const char*) {}

}  // namespace

Result<std::unique_ptr<Connection>> open_postgres_connection(const std::string& url, int connect_timeout_s,
                                                             int lock_timeout_ms) {
  const std::string name = redact_url(url);
  const std::string timeout = std::to_string(std::max(1, connect_timeout_s));
  // Keywords before dbname are defaults the URL may override.
  const char* keys[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), "kunren", url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 1);
  if (conn == nullptr) return Status::io_error(fmt::format("cannot connect to {}: out of memory", name));
  if (PQstatus(conn) != CONNECTION_OK) {
    // libpq may quote parts of the URL back (a badly encoded password, say).
    std::string message = redact_secrets(trimmed(PQerrorMessage(conn)), url);
    PQfinish(conn);
    return Status::io_error(fmt::format("cannot connect to {}: {}", name, message));
  }
  PQsetNoticeProcessor(conn, ignore_notice, nullptr);
  auto connection = std::make_unique<PgConnection>(
      conn, name, fmt::format("SET client_encoding TO 'UTF8'; SET lock_timeout = {}", std::max(0, lock_timeout_ms)));
  KUNREN_RETURN_IF_ERROR(connection->set_up_session());
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace kunren::store::sql
