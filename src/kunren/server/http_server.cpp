// The one translation unit that compiles Beast (see http.hpp for why).
#include <utility>  // before Asio: Boost 1.74 with C++20 needs it first (shared ARCHITECTURE §7)

#include <kunren/server/http_server.hpp>

#include <array>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include <kunren/server/beast_request.hpp>
#include <kunren/server/events.hpp>

namespace kunren::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

const std::vector<std::pair<std::string, std::string>>& security_headers() {
  static const std::vector<std::pair<std::string, std::string>> k_headers = {
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
  };
  return k_headers;
}

namespace {

class Connection;

// One every() job: its timer lives on its own strand.
struct PeriodicJob {
  PeriodicJob(net::io_context& ioc, std::chrono::milliseconds i, std::function<void()> j)
      : timer(net::make_strand(ioc)), interval(i), job(std::move(j)) {}
  net::steady_timer timer;
  std::chrono::milliseconds interval;
  std::function<void()> job;
};

// How long the last writes of a stream may take once the server is stopping.
constexpr std::chrono::seconds k_stop_write_deadline{2};

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions o, const Router& r)
      : options(std::move(o)), router(r), acceptor(ioc), signals(ioc), accept_pause(ioc) {}

  void accept();
  void stop_now();  // on the io_context
  void schedule(const std::shared_ptr<PeriodicJob>& job);

  ServerOptions options;
  const Router& router;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::steady_timer accept_pause;  // after a failed accept (no file descriptors left)
  std::atomic<bool> stopping{false};
  std::mutex mutex;  // guards connections and jobs
  std::vector<std::weak_ptr<Connection>> connections;
  std::vector<std::shared_ptr<PeriodicJob>> jobs;  // after ioc: destroyed before it
};

namespace {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, HttpServer::Impl& server)
      : m_stream(std::move(socket)), m_server(server), m_heartbeat(m_stream.get_executor()) {
    beast::error_code ec;
    auto endpoint = m_stream.socket().remote_endpoint(ec);
    if (!ec) m_remote = endpoint.address().to_string();
  }

  void start() {
    net::dispatch(m_stream.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  ~Connection() {
    // Normally end_stream() has done this; when the io_context is destroyed
    // with the connection still open, forget the notifier without calling it.
    if (m_events) {
      m_events->on_ready(nullptr);
      m_events->close();
    }
  }

  // On this connection's strand: closes it unless a request is being handled;
  // ends an open event stream.
  void close_if_idle() {
    net::post(m_stream.get_executor(), [self = shared_from_this()] {
      if (self->m_streaming) return self->stop_stream();
      if (!self->m_busy) self->close();
    });
  }

 private:
  void read_header() {
    if (m_server.stopping) return close();
    m_parser.emplace();
    m_parser->header_limit(static_cast<std::uint32_t>(m_server.options.max_header_bytes));
    m_parser->body_limit(m_server.options.max_body_bytes);
    m_stream.expires_after(m_first_request ? m_server.options.request_timeout : m_server.options.idle_timeout);
    http::async_read_header(m_stream, m_buffer, *m_parser,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    m_first_request = false;
    if (ec) return on_read_error(ec);
    m_busy = true;
    m_started = std::chrono::steady_clock::now();
    const auto& header = m_parser->get();
    // Refuse an oversized body before reading it.
    if (auto length = m_parser->content_length(); length && *length > m_server.options.max_body_bytes) {
      return refuse(413, "body_too_large",
                    fmt::format("the request body is larger than {} bytes", m_server.options.max_body_bytes));
    }
    m_stream.expires_after(m_server.options.request_timeout);
    if (beast::iequals(header[http::field::expect], "100-continue") && !m_parser->is_done()) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(m_stream, *cont, [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
        if (wec) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(m_stream, m_buffer, *m_parser, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->on_read_error(ec);
      self->handle();
    });
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout ||
        ec == net::error::eof || ec == net::error::connection_reset) {
      return close();
    }
    if (ec == http::error::body_limit) {
      return refuse(413, "body_too_large",
                    fmt::format("the request body is larger than {} bytes", m_server.options.max_body_bytes));
    }
    if (ec == http::error::header_limit) {
      return refuse(431, "headers_too_large",
                    fmt::format("the request headers are larger than {} bytes", m_server.options.max_header_bytes));
    }
    refuse(400, "bad_request", "the request is not valid HTTP/1.1: " + ec.message());
  }

  // Answers an unreadable request and closes: the rest of the stream cannot be trusted.
  void refuse(int status, std::string_view code, const std::string& message) {
    m_busy = true;
    HttpRequest r;
    r.remote_address = m_remote;
    if (m_parser && m_parser->is_header_done()) {
      r.method = std::string(m_parser->get().method_string());
      r.target = std::string(m_parser->get().target());
    }
    write(r, HttpResponse::error(status, code, message), false);
  }

  void handle() {
    http::request<http::string_body> req = m_parser->release();
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    HttpRequest r = from_beast(std::move(req), m_remote);

    HttpResponse response;
    if (r.path.empty() || r.path.front() != '/') {
      response = HttpResponse::error(400, "bad_request", "the request target must be a path starting with '/'");
    } else {
      try {
        response = m_server.router.dispatch(r);
      } catch (const std::exception&) {
        response = HttpResponse::error(500, "internal", "the server failed to answer this request; it has been logged");
      }
    }
    if (response.stream) {
      if (r.method == "GET" && response.status == 200) {
        return start_stream(std::move(r), std::move(response.stream), version);
      }
      // HEAD, or a handler that set a status: the headers alone, no stream.
      response.stream->close();
      response.stream.reset();
      response.body.clear();
    }
    if (r.method == "HEAD") response.body.clear();
    write(r, std::move(response), keep_alive);
  }

  // The headers every response gets, and those the handler gave.
  template <class Fields>
  void set_headers(Fields& res, const HttpResponse& response) const {
    res.set(http::field::server, "kunren");
    bool has_cache_control = false;
    bool has_csp = false;
    for (const auto& [k, v] : response.headers) {
      res.insert(k, v);
      if (beast::iequals(k, "cache-control")) has_cache_control = true;
      if (beast::iequals(k, "content-security-policy")) has_csp = true;
    }
    // A handler may give its own, stricter-in-kind policy (the self-contained
    // HTML report: inline style, no script at all); every other security
    // header is always ours.
    for (const auto& [k, v] : security_headers()) {
      if (has_csp && beast::iequals(k, "content-security-policy")) continue;
      res.set(k, v);
    }
    if (m_server.options.secure_cookies) res.set("Strict-Transport-Security", "max-age=31536000");
    if (!has_cache_control) res.set(http::field::cache_control, "no-store");
  }

  void write(const HttpRequest& request, HttpResponse response, bool keep_alive) {
    keep_alive = keep_alive && !m_server.stopping;
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(response.status), 11);
    set_headers(*res, response);
    if (!response.body.empty() || response.status >= 200) res->set(http::field::content_type, response.content_type);
    res->body() = std::move(response.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    const std::size_t bytes = res->body().size();
    const int status = response.status;
    m_stream.expires_after(m_server.options.request_timeout);
    http::async_write(m_stream, *res,
                      [self = shared_from_this(), res, keep_alive, request, status, bytes](beast::error_code ec,
                                                                                           std::size_t) {
                        if (self->m_server.options.on_access) {
                          double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                                                self->m_started)
                                          .count();
                          self->m_server.options.on_access(request, status, bytes, ms);
                        }
                        self->m_busy = false;
                        if (ec || !keep_alive) return self->close();
                        self->read_header();
                      });
  }

  // ---- Event streams (all on this connection's strand) ----------------------
  //
  // States: m_streaming from start_stream() until end_stream(); m_writing
  // while one write is in flight (at most one); m_finishing once the final
  // chunk is queued. pump() is the one place that decides what to write next;
  // it runs after every write, on every notification from the stream, on
  // each heartbeat and on stop.

  void start_stream(HttpRequest request, std::shared_ptr<EventStream> events, unsigned version) {
    m_busy = false;  // an open stream is not work in progress for stop()
    m_streaming = true;
    m_events = std::move(events);
    m_stream_request = std::move(request);
    m_chunked = version >= 11;

    HttpResponse shape;
    shape.headers.emplace_back("X-Accel-Buffering", "no");  // nginx: do not buffer the stream
    auto res = std::make_shared<http::response<http::empty_body>>(http::status::ok, version);
    set_headers(*res, shape);
    res->set(http::field::content_type, "text/event-stream; charset=utf-8");
    res->keep_alive(false);  // the connection ends with the stream
    if (m_chunked) res->chunked(true);
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*res);

    // A read stays pending (no timeout) to notice the client leaving; each
    // write gets its own deadline. Order matters: with the read pending,
    // expires_after() sets the write timer only.
    m_stream.expires_never();
    read_while_streaming();
    m_writing = true;
    m_stream.expires_after(write_deadline());
    http::async_write_header(m_stream, *serializer,
                             [self = shared_from_this(), res, serializer](beast::error_code ec, std::size_t n) {
                               self->on_stream_write(ec, n);
                             });
    m_events->on_ready([weak = weak_from_this(), executor = m_stream.get_executor()] {
      net::post(executor, [weak] {
        if (auto self = weak.lock()) self->pump();
      });
    });
    arm_heartbeat();
    if (m_server.stopping) stop_stream();  // stop() came while the handler ran
  }

  void read_while_streaming() {
    m_stream.expires_never();  // the read timer only, when a write is in flight
    m_stream.async_read_some(net::buffer(m_discard), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!self->m_streaming) return;
      if (ec) return self->end_stream();  // the client left (or half-closed), or we closed
      self->read_while_streaming();       // sent something: discarded
    });
  }

  void arm_heartbeat() {
    m_heartbeat.expires_after(m_server.options.heartbeat_interval);
    m_heartbeat.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || !self->m_streaming || self->m_stop_deadline) return;
      self->m_heartbeat_due = true;
      self->pump();
      self->arm_heartbeat();
    });
  }

  std::chrono::steady_clock::duration write_deadline() const { return m_server.options.request_timeout; }

  // The server is stopping: send what is queued and the final chunk, but
  // end the stream after k_stop_write_deadline however far that got (a peer
  // that has stopped reading must not hold up run()). The heartbeat timer
  // becomes that deadline.
  void stop_stream() {
    if (!m_streaming || m_stop_deadline) return;
    m_stop_deadline = true;
    m_heartbeat.expires_after(k_stop_write_deadline);  // cancels the heartbeat wait
    m_heartbeat.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->end_stream();
    });
    pump();
  }

  void pump() {
    if (!m_streaming || m_writing || m_finishing) return;
    const bool ending = m_server.stopping || m_events->closed();  // before take(): nothing can follow a close
    std::string text;
    for (const Event& e : m_events->take()) {
      text += fmt::format("id: {}\nevent: {}\ndata: {}\n\n", e.id, e.name, e.data);
    }
    if (text.empty() && ending) return finish_stream();
    if (text.empty() && m_heartbeat_due) text = ": keep-alive\n\n";
    if (text.empty()) return;
    m_heartbeat_due = false;
    write_stream(std::move(text));
  }

  void write_stream(std::string text) {
    m_writing = true;
    m_stream.expires_after(write_deadline());
    auto bytes = std::make_shared<std::string>(std::move(text));
    auto done = [self = shared_from_this(), bytes](beast::error_code ec, std::size_t n) {
      self->on_stream_write(ec, n);
    };
    if (m_chunked) {
      net::async_write(m_stream, http::make_chunk(net::buffer(*bytes)), std::move(done));
    } else {
      net::async_write(m_stream, net::buffer(*bytes), std::move(done));
    }
  }

  void on_stream_write(beast::error_code ec, std::size_t n) {
    m_writing = false;
    m_stream_bytes += n;
    if (!m_streaming) return;
    if (ec) return end_stream();
    m_stream.expires_never();  // the write timer only: the read is pending
    pump();
  }

  // Everything is written and the stream ends: the final chunk, then close.
  void finish_stream() {
    m_finishing = true;
    if (!m_chunked) return end_stream();
    m_writing = true;
    m_stream.expires_after(write_deadline());
    net::async_write(m_stream, http::make_chunk_last(), [self = shared_from_this()](beast::error_code, std::size_t n) {
      self->m_writing = false;
      self->m_stream_bytes += n;
      self->end_stream();
    });
  }

  // Unsubscribes, logs and closes the connection. Idempotent.
  void end_stream() {
    if (!m_streaming) return;
    m_streaming = false;
    m_heartbeat.cancel();
    m_events->on_ready(nullptr);
    m_events->close();
    m_events.reset();
    if (m_server.options.on_access) {
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_started).count();
      m_server.options.on_access(m_stream_request, 200, m_stream_bytes, ms);
    }
    close();  // cancels the pending read and any write
  }

  void close() {
    beast::error_code ec;
    m_stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    m_stream.socket().close(ec);
  }

  beast::tcp_stream m_stream;
  HttpServer::Impl& m_server;
  beast::flat_buffer m_buffer;
  std::optional<http::request_parser<http::string_body>> m_parser;
  std::string m_remote;
  bool m_busy = false;          // a request is between its header and the end of its response
  bool m_first_request = true;  // the first request gets request_timeout, later ones idle_timeout
  std::chrono::steady_clock::time_point m_started;

  // An open event stream (see start_stream).
  net::steady_timer m_heartbeat;
  std::shared_ptr<EventStream> m_events;
  HttpRequest m_stream_request;  // for the access log at the end
  std::array<char, 512> m_discard{};
  std::size_t m_stream_bytes = 0;
  bool m_streaming = false;
  bool m_writing = false;
  bool m_finishing = false;
  bool m_heartbeat_due = false;
  bool m_stop_deadline = false;  // stop_stream() has armed the deadline
  bool m_chunked = true;
};

}  // namespace

void HttpServer::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || stopping) return;  // stop() closed the acceptor
      // E.g. too many open files: the connection stays queued, so accepting
      // again at once would fail again at once and spin a core. Keep serving
      // the open connections and try again shortly.
      accept_pause.expires_after(std::chrono::milliseconds(50));
      accept_pause.async_wait([this](beast::error_code wec) {
        if (!wec && !stopping) accept();
      });
      return;
    }
    auto connection = std::make_shared<Connection>(std::move(socket), *this);
    {
      std::lock_guard lock(mutex);
      std::erase_if(connections, [](const auto& w) { return w.expired(); });
      connections.push_back(connection);
    }
    connection->start();
    accept();
  });
}

void HttpServer::Impl::stop_now() {
  if (stopping.exchange(true)) return;
  beast::error_code ec;
  acceptor.close(ec);
  signals.cancel(ec);
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mutex);
    for (auto& w : connections) {
      if (auto c = w.lock()) open.push_back(std::move(c));
    }
  }
  for (auto& c : open) c->close_if_idle();
  std::vector<std::shared_ptr<PeriodicJob>> jobs_now;
  {
    std::lock_guard lock(mutex);
    jobs_now.swap(jobs);
  }
  for (auto& job : jobs_now) {
    net::post(job->timer.get_executor(), [job] { job->timer.cancel(); });
  }
}

void HttpServer::Impl::schedule(const std::shared_ptr<PeriodicJob>& job) {
  if (stopping) return;  // stop_now() may have cancelled before the first arming
  job->timer.expires_after(job->interval);
  job->timer.async_wait([this, job](beast::error_code ec) {
    if (ec || stopping) return;
    try {
      job->job();
    } catch (...) {
      // Swallowed: the job reports its own failures (http_server.hpp).
    }
    schedule(job);
  });
}

HttpServer::HttpServer(ServerOptions options, const Router& router)
    : m_impl(std::make_unique<Impl>(std::move(options), router)) {}

HttpServer::~HttpServer() = default;

Result<unsigned short> HttpServer::start() {
  auto& s = *m_impl;
  beast::error_code ec;
  auto address = net::ip::make_address(s.options.address, ec);
  if (ec) {
    return Status::bad_input(fmt::format("'{}' is not an IP address to listen on", s.options.address),
                             Location{{}, 0, 0, "--listen"});
  }
  tcp::endpoint endpoint(address, s.options.port);
  const std::string where = fmt::format("{}:{}", s.options.address, s.options.port);
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::io_error(fmt::format("cannot listen on {}: {}", where, ec.message()), Location{{}, 0, 0, "--listen"});
  s.accept();
  return s.acceptor.local_endpoint().port();
}

void HttpServer::run() {
  auto& s = *m_impl;
  unsigned n = s.options.threads != 0 ? s.options.threads : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> others;
  for (unsigned i = 1; i < n; ++i) others.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : others) t.join();
}

void HttpServer::stop() {
  net::post(m_impl->ioc, [impl = m_impl.get()] { impl->stop_now(); });
}

void HttpServer::every(std::chrono::milliseconds interval, std::function<void()> job) {
  auto& s = *m_impl;
  auto periodic = std::make_shared<PeriodicJob>(s.ioc, interval, std::move(job));
  {
    std::lock_guard lock(s.mutex);
    if (s.stopping) return;
    s.jobs.push_back(periodic);
  }
  net::post(periodic->timer.get_executor(), [impl = m_impl.get(), periodic] { impl->schedule(periodic); });
}

void HttpServer::stop_on_signals() {
  auto& s = *m_impl;
  s.signals.add(SIGTERM);
  s.signals.add(SIGINT);
  s.signals.async_wait([impl = m_impl.get()](beast::error_code ec, int) {
    if (!ec) impl->stop_now();
  });
}

}  // namespace kunren::server
