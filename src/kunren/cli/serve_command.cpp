// `kunren serve`: the web server on the store. This is the foundation of the
// web application (issue 4): the HTTP server, the access log, graceful
// shutdown, the service routes and signing in and out; the pages and the
// other API routes are added to the same router as they are built.
#include <cmath>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <kunren/cli/command.hpp>
#include <kunren/server/api.hpp>
#include <kunren/server/http_server.hpp>
#include <kunren/server/router.hpp>

namespace kunren::cli {

namespace {

// "127.0.0.1:8080" → address and port; "[::1]:8080" for IPv6.
Status parse_listen(const std::string& listen, server::ServerOptions& options) {
  auto colon = listen.rfind(':');
  auto bad = [&] {
    return Status::bad_input(fmt::format("'{}' is not ADDRESS:PORT (e.g. 127.0.0.1:8080)", listen),
                             Location{{}, 0, 0, "--listen"});
  };
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) return bad();
  std::string address = listen.substr(0, colon);
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') address = address.substr(1, address.size() - 2);
  const std::string port = listen.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return bad();
  const int n = std::stoi(port);
  if (n > 65535) return bad();
  options.address = address;
  options.port = static_cast<unsigned short>(n);
  return Status::ok();
}

}  // namespace

Handler define_serve(CLI::App& app) {
  struct Opts {
    std::string url, listen = "127.0.0.1:8080";
    unsigned threads = 0;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--listen", o->listen, "Address and port to serve on (default 127.0.0.1:8080; port 0 = any free port)");
  app.add_option("--threads", o->threads, "I/O threads (default: one per core)");
  app.footer("Serves until SIGTERM or Ctrl-C, then finishes the requests in progress and exits. One JSON line per "
             "request goes to standard error (the access log).");
  add_db_option(app, o->url);
  return [o]() -> Status {
    server::ServerOptions options;
    KUNREN_RETURN_IF_ERROR(parse_listen(o->listen, options));
    options.threads = o->threads;
    // The database must open now, not at the first request.
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    const std::string db_url = (*db)->url();
    db->reset();

    auto log = spdlog::stderr_logger_mt("access");
    log->set_pattern("%v");
    options.on_access = [log](const server::HttpRequest& r, int status, std::size_t bytes, double ms) {
      // The path without its query (which may carry tokens one day); no cookies, no bodies.
      nlohmann::json line = {{"time", store::now_utc()}, {"remote", r.remote_address}, {"method", r.method},
                             {"path", r.path},          {"status", status},           {"bytes", bytes},
                             {"ms", std::round(ms * 100) / 100}};
      log->info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    };

    server::ApiContext api;
    api.db_url = o->url;
    auto authenticator = server::Authenticator::create(api.sessions);
    if (!authenticator) return authenticator.status();
    api.authenticator = std::move(authenticator).value();

    server::Router router;
    router.add("GET", "/healthz", "service.health", [](const server::HttpRequest&, const server::RouteParams&) {
      return server::HttpResponse::json(200, {{"status", "ok"}});
    });
    router.add("GET", "/api/v1", "service.version", [](const server::HttpRequest&, const server::RouteParams&) {
      return server::HttpResponse::json(200, {{"name", "kunren"}, {"version", KUNREN_VERSION}, {"api", "v1"}});
    });

    server::add_session_routes(router, api);
    server::add_campaign_routes(router, api);

    server::HttpServer http(options, router);
    auto port = http.start();
    if (!port) return port.status();
    http.stop_on_signals();
    std::cout << fmt::format("kunren: serving {} on http://{}:{}/ (Ctrl-C to stop)\n", db_url,
                             options.address.find(':') != std::string::npos ? "[" + options.address + "]"
                                                                             : options.address,
                             *port)
              << std::flush;
    http.run();
    spdlog::drop("access");
    std::cout << "kunren: stopped; every request in progress was answered\n";
    return Status::ok();
  };
}

}  // namespace kunren::cli
