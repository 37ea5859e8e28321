// Status and Result<T>: how Kunren reports expected failures.
//
// Every function that can fail on user input returns a Status or a Result<T>
// instead of throwing. A Status carries a kind (what went wrong, which decides
// the exit code and, later, the HTTP status), a message for people, and where
// the problem is: file, line, column and field. Exceptions are reserved for
// programmer errors and are caught once, in cli/.
//
// Thread safety: values; no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace kunren {

enum class ErrorKind {
  kOk,
  kBadInput,   // a file or argument the user gave is wrong (exit 2, HTTP 400/422)
  kNotFound,   // a named thing does not exist (exit 2, HTTP 404)
  kIo,         // the system could not read or write (exit 3, HTTP 500)
  kFull,       // the disk holding the data is full: nothing was written (exit 3, HTTP 507)
  kConflict,   // the state does not allow it (exit 4, HTTP 409)
  kInternal,   // a bug (exit 1, HTTP 500)
};

// Where in the user's input a problem sits. Zero means "not known".
struct Location {
  Location() = default;
  Location(std::string file_, std::uint64_t line_ = 0, std::uint64_t column_ = 0, std::string field_ = {})
      : file(std::move(file_)), line(line_), column(column_), field(std::move(field_)) {}

  std::string file;
  std::uint64_t line = 0;
  std::uint64_t column = 0;
  std::string field;  // column name, key or item id when relevant

  // "file:line:column" with the parts that are known, plus " (field)".
  std::string to_string() const;
};

class Status {
 public:
  Status() = default;
  static Status ok() { return {}; }
  static Status bad_input(std::string message, Location where = {}) {
    return {ErrorKind::kBadInput, std::move(message), std::move(where)};
  }
  static Status not_found(std::string message, Location where = {}) {
    return {ErrorKind::kNotFound, std::move(message), std::move(where)};
  }
  static Status io_error(std::string message, Location where = {}) {
    return {ErrorKind::kIo, std::move(message), std::move(where)};
  }
  static Status storage_full(std::string message, Location where = {}) {
    return {ErrorKind::kFull, std::move(message), std::move(where)};
  }
  static Status conflict(std::string message, Location where = {}) {
    return {ErrorKind::kConflict, std::move(message), std::move(where)};
  }
  static Status internal(std::string message) { return {ErrorKind::kInternal, std::move(message), {}}; }

  bool is_ok() const { return m_kind == ErrorKind::kOk; }
  explicit operator bool() const { return is_ok(); }
  ErrorKind kind() const { return m_kind; }
  const std::string& message() const { return m_message; }
  const Location& where() const { return m_where; }

  // "file:line:column: message" — the one line a user sees.
  std::string to_string() const;

 private:
  Status(ErrorKind kind, std::string message, Location where)
      : m_kind(kind), m_message(std::move(message)), m_where(std::move(where)) {}

  ErrorKind m_kind = ErrorKind::kOk;
  std::string m_message;
  Location m_where;
};

// The one table from error kinds to process exit codes and HTTP statuses.
int exit_code_for(ErrorKind kind);
int http_status_for(ErrorKind kind);
const char* error_code_name(ErrorKind kind);  // "bad_input", "not_found", …

// A value or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : m_value(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : m_status(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool is_ok() const { return m_value.has_value(); }
  explicit operator bool() const { return is_ok(); }
  const Status& status() const { return m_status; }
  // REQUIRES: is_ok()
  T& value() & { return *m_value; }
  const T& value() const& { return *m_value; }
  // By value: `for (auto& x : f().value())` must not bind to a dead temporary.
  T value() && { return std::move(*m_value); }
  T* operator->() { return &*m_value; }
  const T* operator->() const { return &*m_value; }
  T& operator*() { return *m_value; }
  const T& operator*() const { return *m_value; }

 private:
  std::optional<T> m_value;
  Status m_status;
};

// Warnings a reader collects while succeeding (e.g. ignored columns).
struct Warning {
  Location where;
  std::string message;
  std::string to_string() const;
};
using Warnings = std::vector<Warning>;

}  // namespace kunren

// Propagate a failed Status from an expression returning Status.
#define KUNREN_RETURN_IF_ERROR(expr)            \
  do {                                          \
    ::kunren::Status kunren_status_ = (expr);   \
    if (!kunren_status_.is_ok()) return kunren_status_; \
  } while (0)
