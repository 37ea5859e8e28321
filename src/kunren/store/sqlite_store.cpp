// open_sqlite_store(): the embedded backend — a SqlStore over one SQLite
// file in WAL mode with foreign keys on and synchronous=FULL (an answer once
// acknowledged survives a power cut), plus backup() through SQLite's online
// backup API.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include <fmt/format.h>

#include <kunren/store/backends.hpp>
#include <kunren/store/sql_store.hpp>

namespace kunren::store {

namespace {

Status fsync_path(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return Status::io_error(fmt::format("cannot open {} to flush it", path));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::io_error(fmt::format("cannot flush {} to disk", path));
  return Status::ok();
}

// Copies `source` into a temporary file beside `target`, flushes it and
// renames it into place: `target` is either the old file or a whole backup.
Status sqlite_backup(const std::string& source, const std::string& target, int busy_timeout_ms) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(target, ec) && fs::equivalent(source, target, ec)) {
    return Status::bad_input(fmt::format("the backup {} would overwrite the database itself", target));
  }
  const std::string temp = fmt::format("{}.tmp-{}-{}", target, ::getpid(), std::random_device{}());
  auto cleanup = [&] {
    fs::remove(temp, ec);
    fs::remove(temp + "-journal", ec);
  };
  sqlite3* from = nullptr;
  sqlite3* to = nullptr;
  auto close_both = [&] {
    sqlite3_close_v2(from);
    sqlite3_close_v2(to);
    from = to = nullptr;
  };
  if (sqlite3_open_v2(source.c_str(), &from, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string message = sqlite3_errmsg(from);
    close_both();
    return Status::io_error(fmt::format("cannot read {} for the backup: {}", source, message));
  }
  sqlite3_busy_timeout(from, busy_timeout_ms);
  // Like the database itself, the copy is readable by its owner only.
  if (int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600); fd >= 0) ::close(fd);
  if (sqlite3_open_v2(temp.c_str(), &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    std::string message = sqlite3_errmsg(to);
    close_both();
    cleanup();
    return Status::io_error(fmt::format("cannot write the backup beside {}: {}", target, message));
  }
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (backup == nullptr) {
    std::string message = sqlite3_errmsg(to);
    close_both();
    cleanup();
    return Status::io_error(fmt::format("cannot start the backup of {}: {}", source, message));
  }
  // One step copies everything under one read transaction: a consistent
  // snapshot while other connections keep writing to the WAL.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
  int rc;
  while ((rc = sqlite3_backup_step(backup, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    std::string message = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED
                              ? "database is busy (another kunren process is writing); try again"
                              : sqlite3_errstr(rc);
    close_both();
    cleanup();
    return Status::io_error(fmt::format("the backup of {} failed: {}", source, message));
  }
  // A backup is a single file: leave it in rollback-journal mode (opening it
  // as a store switches it back to WAL).
  sqlite3_exec(to, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
  if (sqlite3_close(to) != SQLITE_OK) {
    to = nullptr;
    close_both();
    cleanup();
    return Status::io_error(fmt::format("cannot finish the backup file beside {}", target));
  }
  to = nullptr;
  close_both();
  Status status = fsync_path(temp, false);
  if (status) {
    fs::rename(temp, target, ec);
    if (ec) status = Status::io_error(fmt::format("cannot move the backup to {}: {}", target, ec.message()));
  }
  if (!status) {
    cleanup();
    return status;
  }
  auto dir = fs::path(target).parent_path();
  return fsync_path(dir.empty() ? "." : dir.string(), true);
}

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, const std::string& url,
                                                 const OpenOptions& options) {
  auto db = sql::open_sqlite_connection(path, options.create, options.busy_timeout_ms);
  if (!db) return db.status();
  // journal_mode=WAL: readers never block the writer; it is a property of
  // the file, kept once set.
  KUNREN_RETURN_IF_ERROR((*db)->exec("PRAGMA journal_mode=WAL"));
  KUNREN_RETURN_IF_ERROR((*db)->exec("PRAGMA foreign_keys=ON"));
  KUNREN_RETURN_IF_ERROR((*db)->exec("PRAGMA synchronous=FULL"));
  const int busy = options.busy_timeout_ms;
  return make_sql_store(std::move(db).value(), options, "sqlite", url,
                        [path, busy](const std::string& target) { return sqlite_backup(path, target, busy); });
}

}  // namespace kunren::store
