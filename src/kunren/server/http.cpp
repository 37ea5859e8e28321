#include <kunren/server/http.hpp>

#include <cctype>

#include <kunren/server/events.hpp>

namespace kunren::server {

std::string_view HttpRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

std::string HttpRequest::cookie(std::string_view name) const {
  std::string_view all = header("cookie");
  while (!all.empty()) {
    auto end = all.find(';');
    std::string_view part = all.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    if (end == std::string_view::npos) break;
    all.remove_prefix(end + 1);
  }
  return {};
}

HttpResponse HttpResponse::json(int status, const nlohmann::json& value) {
  HttpResponse r;
  r.status = status;
  r.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

std::string HttpRequest::query_param(std::string_view name) const {
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    std::string_view part(query.data() + start, amp - start);
    const std::size_t eq = part.find('=');
    if (part.substr(0, eq) == name) {
      std::string value;
      if (eq != std::string_view::npos && percent_decode(part.substr(eq + 1), value, true)) return value;
      return {};
    }
    start = amp + 1;
  }
  return {};
}

HttpResponse HttpResponse::error(int status, std::string_view code, std::string_view message, std::string_view field) {
  nlohmann::json e = {{"code", code}, {"message", message}};
  e["field"] = field.empty() ? nlohmann::json(nullptr) : nlohmann::json(field);
  return json(status, {{"error", e}});
}

HttpResponse HttpResponse::from_status(const Status& status) {
  const std::string& field = status.where().field;
  return error(http_status_for(status.kind()), error_code_name(status.kind()), status.message(), field);
}

HttpResponse HttpResponse::event_stream(std::shared_ptr<EventStream> stream) {
  if (!stream) {
    HttpResponse r = error(503, "unavailable", "too many live event streams are open; try again shortly");
    r.headers.emplace_back("Retry-After", "5");
    return r;
  }
  HttpResponse r;
  r.content_type = "text/event-stream; charset=utf-8";
  r.stream = std::move(stream);
  return r;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 507: return "Insufficient Storage";
    default: return "";
  }
}

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      char d = static_cast<char>(hi * 16 + lo);
      if (d == '\0') return false;
      out += d;
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

}  // namespace kunren::server
