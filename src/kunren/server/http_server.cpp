// The one translation unit that compiles Beast (see http.hpp for why).
#include <utility>  // before Asio: Boost 1.74 with C++20 needs it first (shared ARCHITECTURE §7)

#include <kunren/server/http_server.hpp>

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
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

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

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions o, const Router& r) : options(std::move(o)), router(r), acceptor(ioc), signals(ioc) {}

  void accept();
  void stop_now();  // on the io_context

  ServerOptions options;
  const Router& router;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::signal_set signals;
  std::atomic<bool> stopping{false};
  std::mutex mutex;  // guards connections
  std::vector<std::weak_ptr<Connection>> connections;
};

namespace {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, HttpServer::Impl& server) : m_stream(std::move(socket)), m_server(server) {
    beast::error_code ec;
    auto endpoint = m_stream.socket().remote_endpoint(ec);
    if (!ec) m_remote = endpoint.address().to_string();
  }

  void start() {
    net::dispatch(m_stream.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  // On this connection's strand: closes it unless a request is being handled.
  void close_if_idle() {
    net::post(m_stream.get_executor(), [self = shared_from_this()] {
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
    HttpRequest r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    auto q = r.target.find('?');
    r.path = r.target.substr(0, q);
    if (q != std::string::npos) r.query = r.target.substr(q + 1);
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    r.body = std::move(req.body());
    r.remote_address = m_remote;

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
    if (r.method == "HEAD") response.body.clear();
    write(r, std::move(response), req.keep_alive());
  }

  void write(const HttpRequest& request, HttpResponse response, bool keep_alive) {
    keep_alive = keep_alive && !m_server.stopping;
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(response.status), 11);
    res->set(http::field::server, "kunren");
    bool has_cache_control = false;
    for (const auto& [k, v] : response.headers) {
      res->insert(k, v);
      if (beast::iequals(k, "cache-control")) has_cache_control = true;
    }
    for (const auto& [k, v] : security_headers()) res->set(k, v);
    if (m_server.options.secure_cookies) res->set("Strict-Transport-Security", "max-age=31536000");
    if (!has_cache_control) res->set(http::field::cache_control, "no-store");
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
};

}  // namespace

void HttpServer::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || stopping) return;  // stop() closed the acceptor
      return accept();  // e.g. too many open files: keep serving the others
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

void HttpServer::stop_on_signals() {
  auto& s = *m_impl;
  s.signals.add(SIGTERM);
  s.signals.add(SIGINT);
  s.signals.async_wait([impl = m_impl.get()](beast::error_code ec, int) {
    if (!ec) impl->stop_now();
  });
}

}  // namespace kunren::server
