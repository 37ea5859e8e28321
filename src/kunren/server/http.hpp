// The HTTP request and response as the rest of Kunren sees them: plain
// values with no Boost in them, so that only http_server.cpp compiles Beast
// (one translation unit takes ~30 s to build) and handlers, the router and
// their tests stay light.
//
// Every error response has the one body shape of docs/api.md:
//   {"error": {"code": "not_found", "message": "…", "field": "…"}}
//
// A response may instead be a live event stream (server-sent events,
// events.hpp): a handler returns HttpResponse::event_stream(stream) and the
// server writes the headers and then each event as it is published, until
// the client goes away, the stream is closed or the server stops.
// Thread safety: values; no shared state (an EventStream is thread-safe).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <kunren/util/status.hpp>

namespace kunren::server {

class EventStream;  // events.hpp

struct HttpRequest {
  std::string method;  // "GET", "POST", … (upper case)
  std::string target;  // as sent: path and query
  std::string path;    // the path as sent (still percent-encoded), without the query; the
                       // router decodes each {param} segment on its own, so %2F stays in it
  std::string query;   // raw query string, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case, in arrival order
  std::string body;
  std::string remote_address;  // the peer's IP address

  // The first header with this (lower-case) name, or "".
  std::string_view header(std::string_view name) const;
  // The value of one cookie from the Cookie header, or "".
  std::string cookie(std::string_view name) const;
  // The first value of one query parameter, percent-decoded ('+' is a
  // space), or "" (also for a value that does not decode).
  std::string query_param(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie, Location, …)
  std::string body;
  // Set: a `text/event-stream` response (status 200) that stays open and
  // carries this stream's events; `body` and `content_type` are ignored. To
  // anything but GET (HEAD, say), or with another status, the server closes
  // the stream and sends the headers alone.
  std::shared_ptr<EventStream> stream;

  static HttpResponse json(int status, const nlohmann::json& value);
  // {"error": {"code", "message", "field"}}; `code` is a short snake_case word.
  static HttpResponse error(int status, std::string_view code, std::string_view message, std::string_view field = {});
  // The error response for a failed Status (its kind decides the status:
  // util/status.hpp's http_status_for).
  static HttpResponse from_status(const Status& status);
  // A live event stream from EventHub::subscribe(); when that refused (null:
  // too many streams open), 503 `unavailable` with Retry-After.
  static HttpResponse event_stream(std::shared_ptr<EventStream> stream);
};

// "Not Found" for 404 and so on (the reason phrases of RFC 9110).
std::string_view reason_phrase(int status);

// Percent-decodes a path or query component; nullopt-like empty result with
// `ok` false when an escape is malformed or decodes to a NUL.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space = false);

}  // namespace kunren::server
