// open_postgres_store(): the server backend — a SqlStore over one libpq
// connection. Lock waits are bounded by OpenOptions::busy_timeout_ms
// (lock_timeout), so a blocked writer reports "busy" instead of hanging.
// backup() is refused: PostgreSQL has pg_dump for that.
#include <algorithm>

#include <fmt/format.h>

#include <kunren/store/backends.hpp>
#include <kunren/store/sql_store.hpp>

namespace kunren::store {

Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url, const OpenOptions& options) {
  const int connect_timeout_s = std::max(2, (options.busy_timeout_ms + 999) / 1000);
  auto db = sql::open_postgres_connection(url, connect_timeout_s, std::max(1, options.busy_timeout_ms));
  if (!db) return db.status();
  const std::string redacted = url_without_password(url);
  return make_sql_store(std::move(db).value(), options, "postgresql", url, [redacted](const std::string& path) {
    return Status::conflict(
        fmt::format("a PostgreSQL database is backed up with pg_dump, not kunren backup; for example: "
                    "pg_dump --format=custom --file='{}' '{}' (give the password through PGPASSWORD or ~/.pgpass)",
                    path, redacted));
  });
}

}  // namespace kunren::store
