#include <kunren/util/status.hpp>

#include <fmt/format.h>

namespace kunren {

std::string Location::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += fmt::format("{}{}", out.empty() ? "line " : ":", line);
    if (column > 0) out += fmt::format(":{}", column);
  }
  if (!field.empty()) out += fmt::format("{}({})", out.empty() ? "" : " ", field);
  return out;
}

std::string Status::to_string() const {
  std::string where = m_where.to_string();
  return where.empty() ? m_message : where + ": " + m_message;
}

std::string Warning::to_string() const {
  std::string w = where.to_string();
  return w.empty() ? "warning: " + message : w + ": warning: " + message;
}

int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kOk: return 0;
    case ErrorKind::kBadInput: return 2;
    case ErrorKind::kNotFound: return 2;
    case ErrorKind::kIo: return 3;
    case ErrorKind::kFull: return 3;
    case ErrorKind::kConflict: return 4;
    case ErrorKind::kInternal: return 1;
  }
  return 1;
}

int http_status_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kOk: return 200;
    case ErrorKind::kBadInput: return 422;
    case ErrorKind::kNotFound: return 404;
    case ErrorKind::kIo: return 500;
    case ErrorKind::kFull: return 507;  // Insufficient Storage: the request may succeed once space is freed
    case ErrorKind::kConflict: return 409;
    case ErrorKind::kInternal: return 500;
  }
  return 500;
}

const char* error_code_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kOk: return "ok";
    case ErrorKind::kBadInput: return "bad_input";
    case ErrorKind::kNotFound: return "not_found";
    case ErrorKind::kIo: return "io_error";
    case ErrorKind::kFull: return "storage_full";
    case ErrorKind::kConflict: return "conflict";
    case ErrorKind::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace kunren
