// Helpers shared by the store tests: fresh databases of each backend, the
// checklists they use, and a few assertions about Status values.
#pragma once

#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <kunren/io/builtin.hpp>
#include <kunren/io/checklist_io.hpp>
#include <kunren/store/store.hpp>

#include "../test_support.hpp"
#include "pg_test_support.hpp"

namespace kunren::testing {

// The backends every store test runs on; names are the Store::backend()
// values and end up in the test names (".../postgresql"), which is how CTest
// tells the tests that need the PostgreSQL cluster.
inline const std::vector<std::string>& all_backends() {
  static const std::vector<std::string> k_all = {"memory", "sqlite", "postgresql"};
  return k_all;
}

// Makes empty databases of one backend and removes them at the end.
class FreshStores {
 public:
  explicit FreshStores(std::string backend) : m_backend(std::move(backend)) {}
  ~FreshStores() {
    for (const auto& url : m_pg_urls) {
      try {
        drop_pg_database(url);
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    }
  }
  FreshStores(const FreshStores&) = delete;
  FreshStores& operator=(const FreshStores&) = delete;

  // The URL of a new empty database (for memory: "memory:", which is new on
  // every open). A SQLite URL names a file that does not exist yet.
  std::string new_url() {
    if (m_backend == "memory") return "memory:";
    if (m_backend == "sqlite") return "sqlite:" + m_dir.path("store" + std::to_string(m_count++) + ".db");
    if (m_backend == "postgresql") {
      m_pg_urls.push_back(fresh_pg_database_url());
      return m_pg_urls.back();
    }
    throw std::runtime_error("unknown backend " + m_backend);
  }

  // Opens `url` creating and migrating it.
  static Result<std::unique_ptr<store::Store>> open(const std::string& url) {
    store::OpenOptions options;
    options.create = true;
    options.migrate = true;
    return store::open_store(url, options);
  }

  // A new empty store; fails the test (and returns null) if it cannot open.
  std::unique_ptr<store::Store> open_new() {
    auto opened = open(new_url());
    if (!opened) {
      ADD_FAILURE() << "cannot open a new " << m_backend << " store: " << opened.status().to_string();
      return nullptr;
    }
    return std::move(opened).value();
  }

  const std::string& backend() const { return m_backend; }
  const TempDir& dir() const { return m_dir; }

 private:
  std::string m_backend;
  TempDir m_dir;
  int m_count = 0;
  std::vector<std::string> m_pg_urls;
};

// "sqlite:/tmp/x.db" → "/tmp/x.db"
inline std::string sqlite_path_of(const std::string& url) { return url.substr(url.find(':') + 1); }

// The rows of `PRAGMA integrity_check` on a SQLite file, read with the
// SQLite C API directly (not through the store): "ok" when the file is sound.
inline std::string sqlite_integrity_check(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return "cannot open " + path + ": " + message;
  }
  sqlite3_busy_timeout(db, 10000);
  std::string out;
  char* error = nullptr;
  auto collect = [](void* arg, int n, char** values, char**) {
    auto* text = static_cast<std::string*>(arg);
    for (int i = 0; i < n; ++i) {
      if (!text->empty()) text->push_back('\n');
      text->append(values[i] != nullptr ? values[i] : "NULL");
    }
    return 0;
  };
  if (sqlite3_exec(db, "PRAGMA integrity_check", collect, &out, &error) != SQLITE_OK) {
    out = std::string("integrity_check failed: ") + (error != nullptr ? error : "?");
    sqlite3_free(error);
  }
  sqlite3_close(db);
  return out;
}

// The small custom checklist of the store tests: four items, sorted by id
// "O1" < "Q1" < "Q2" < "Q3", with 4, 4, 3 and 2 choices.
inline model::Checklist mini_checklist(std::string version = "1") {
  auto c = make_checklist(
      {"s/Q1=good,partial,poor,na", "s/Q2=good,partial,poor", "s/Q3=good,poor", "o/O1=good,partial,poor,na"}, "mini");
  c.version = std::move(version);
  return c;
}

inline store::ChecklistRecord record_of(const model::Checklist& c, bool builtin = false) {
  store::ChecklistRecord r;
  r.id = c.id;
  r.version = c.version;
  r.content = io::write_checklist(c, io::ChecklistFormat::kJson);
  r.sha256 = io::checklist_content_hash(c);
  r.builtin = builtin;
  return r;
}

inline const model::Checklist& factory_checklist() {
  static const model::Checklist k_factory = *io::load_builtin_checklist("factory-ir");
  return k_factory;
}

inline bool is_canonical_time(const std::string& t) {
  static const std::regex k_form(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)");
  return std::regex_match(t, k_form);
}

// Passes when `status` is ok; else shows it.
inline ::testing::AssertionResult succeeded(const Status& status) {
  if (status.is_ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << status.to_string() << " (" << error_code_name(status.kind()) << ")";
}

// Passes when `status` failed with `kind` and its message contains `needle`.
inline ::testing::AssertionResult fails_with(const Status& status, ErrorKind kind, std::string_view needle = {}) {
  if (status.is_ok()) return ::testing::AssertionFailure() << "succeeded; expected " << error_code_name(kind);
  if (status.kind() != kind) {
    return ::testing::AssertionFailure() << "failed with " << error_code_name(status.kind()) << " ("
                                         << status.to_string() << "); expected " << error_code_name(kind);
  }
  if (status.message().find(needle) == std::string::npos) {
    return ::testing::AssertionFailure() << "message '" << status.message() << "' does not contain '" << needle << "'";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace kunren::testing
