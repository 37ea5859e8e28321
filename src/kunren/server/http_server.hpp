// HttpServer: the HTTP/1.1 server behind `kunren serve`, on Boost.Beast and
// Asio (asynchronous; one io_context run by several threads, so hundreds of
// open connections cost no thread each). It reads a request, hands it to the
// Router, adds the security headers every response carries, and writes the
// answer; keep-alive connections are reused.
//
// Limits (ServerOptions): header size, body size (413 with the error body
// before the body is read), and timeouts for a request to arrive and for a
// response to be taken, so a slow or silent client cannot hold a connection.
// Handlers run on the I/O threads and may block briefly (a store call).
//
// Live event streams (HttpResponse::stream, events.hpp): the server writes
// the status line and headers (`text/event-stream`, chunked for HTTP/1.1,
// close-delimited for HTTP/1.0), then each event as `id:`, `event:`, `data:`
// lines and a blank line, and a `: keep-alive` comment every
// heartbeat_interval. Waiting holds no thread: the stream's notifier posts to
// the connection's strand. While a stream is open there is no request or
// idle timeout; each single write must still complete within request_timeout
// (a peer that stops reading is dropped), and a read stays pending so that a
// client going away (or half-closing) ends the stream at once. Anything the
// client sends meanwhile is discarded. The stream is closed — unsubscribed —
// whenever the response ends; the access log line is written then, with the
// bytes sent and how long the stream was open.
//
// Periodic jobs (every()) run on the I/O threads until shutdown.
//
// Shutdown: stop() closes the listening socket, lets every request already
// being handled finish and its response be written, closes idle keep-alive
// connections, ends open event streams (they count as finished work: queued
// events are sent if the client takes them within ~2 s, then the final chunk),
// cancels periodic jobs, and then run() returns — nothing acknowledged is lost.
// Thread safety: start() and run() from one thread; stop() and every() from
// any thread (a signal handler's io_context, for example).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <kunren/server/http.hpp>
#include <kunren/server/router.hpp>
#include <kunren/util/status.hpp>

namespace kunren::server {

struct ServerOptions {
  std::string address = "127.0.0.1";  // listen address (default loopback only)
  unsigned short port = 8080;         // 0 = any free port (tests)
  unsigned threads = 0;               // I/O threads; 0 = one per core (default)
  std::size_t max_header_bytes = 16 * 1024;       // larger → 431 (default 16 KiB)
  std::size_t max_body_bytes = 1024 * 1024;       // larger → 413 (default 1 MiB)
  std::chrono::seconds request_timeout{30};       // a whole request must arrive within this (default 30 s)
  std::chrono::seconds idle_timeout{60};          // keep-alive connection without a request (default 60 s)
  // A `: keep-alive` comment on an open event stream this often, so proxies
  // keep it and a dead peer is noticed (default 15 s).
  std::chrono::milliseconds heartbeat_interval = std::chrono::seconds(15);
  bool secure_cookies = false;  // behind TLS: responses say so (HSTS); cookies get Secure (default off)
  // Called once per answered request with what the access log records
  // (default: none); for an event stream, when it ends, with the bytes sent
  // and how long it was open. Never given cookies, bodies or credentials.
  std::function<void(const HttpRequest&, int status, std::size_t bytes, double ms)> on_access;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, const Router& router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens. Returns the port (useful with port 0). Io if the
  // address cannot be bound, naming it.
  Result<unsigned short> start();
  // Serves until stop() and the graceful drain are done. Uses
  // options.threads threads (this one included).
  void run();
  // Begins the graceful shutdown. Safe to call more than once, from any thread.
  void stop();
  // Calls stop() when the process receives SIGTERM or SIGINT (kunren serve).
  void stop_on_signals();
  // Runs `job` on an I/O thread every `interval` (first after one interval;
  // the next interval starts when a run ends, so a job never overlaps
  // itself) until stop(). An exception from the job is swallowed and the job
  // keeps its schedule: a job should report its own failures. Ignored once
  // stop() has begun.
  void every(std::chrono::milliseconds interval, std::function<void()> job);

  struct Impl;  // opaque: defined in http_server.cpp (public so its connections can name it)

 private:
  std::unique_ptr<Impl> m_impl;
};

// The headers every response carries (CSP without inline script, no
// framing, no sniffing, no referrer), exposed for the tests.
const std::vector<std::pair<std::string, std::string>>& security_headers();

}  // namespace kunren::server
