// `kunren serve`: the web server on the store. This is the foundation of the
// web application (issue 4): the HTTP server, the access log, graceful
// shutdown, the service routes and signing in and out; the pages and the
// other API routes are added to the same router as they are built.
#include <algorithm>
#include <cmath>
#include <optional>
#include <iostream>

#include <sys/resource.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <kunren/cli/command.hpp>
#include <kunren/server/api.hpp>
#include <kunren/server/http_server.hpp>
#include <kunren/sample/demo.hpp>
#include <kunren/server/events.hpp>
#include <kunren/server/exercise_support.hpp>
#include <kunren/server/router.hpp>
#include <kunren/web/pages.hpp>
#include <kunren/web/routes.hpp>

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

// --demo: say loudly (on standard output, beside the URL — the access log
// goes to standard error) what was created and that anyone can sign in with it.
void print_demo_banner(const sample::DemoSeed& seed, unsigned short port, const std::string& address) {
  std::cout << "\n"
               "************************************************************************\n"
               "  DEMO MODE — demo users with the well-known password '"
            << sample::k_demo_password
            << "'.\n"
               "  Anyone who can reach this server can sign in with them.\n"
               "  Use it to try Kunren; never with real answers.\n"
               "************************************************************************\n";
  if (address != "127.0.0.1" && address != "::1" && address != "localhost") {
    std::cout << "  WARNING: listening on " << address << ", not only on this machine.\n";
  }
  if (seed.created_campaigns) {
    std::cout << "  Created campaigns demo-2026 (open) and demo-2025 (published), 40 organisations.\n";
  }
  if (seed.created_drill) {
    std::cout << "  Created drill " << sample::k_demo_drill
              << " (planned, scenario factory-ransomware, ORG-0001): the facilitator starts it at /exercises/"
              << sample::k_demo_drill << ".\n";
  }
  const std::string host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
  std::cout << "\nOpen http://" << (address == "0.0.0.0" ? std::string("127.0.0.1") : host) << ":" << port
            << "/ and sign in as (password " << sample::k_demo_password << "):\n";
  for (const auto& u : sample::demo_users()) {
    const bool existed = std::find(seed.existing_users.begin(), seed.existing_users.end(), u.login) != seed.existing_users.end();
    auto org = seed.user_org.find(u.login);
    std::cout << fmt::format("  {:<12} {}{}{}{}\n", u.login, store::to_string(u.role),
                             org == seed.user_org.end() ? "" : " of " + org->second,
                             u.drill_role ? fmt::format(", plays {} in {}", u.drill_role, sample::k_demo_drill) : "",
                             existed ? " (existed already: its password was left as it was)" : "");
  }
  std::cout << std::flush;
}

// Every open stream and connection is a file descriptor, and the usual soft
// limit (1,024) would refuse a drill of a thousand participants long before
// the server's own bounds. Raise it to the hard limit, as far as 65,536; if
// that is refused, keep what there is (the server then answers 503 sooner).
void raise_open_file_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  const rlim_t want = std::min<rlim_t>(lim.rlim_max, 65536);
  if (lim.rlim_cur >= want) return;
  lim.rlim_cur = want;
  (void)setrlimit(RLIMIT_NOFILE, &lim);
}

}  // namespace

Handler define_serve(CLI::App& app) {
  struct Opts {
    std::string url, listen = "127.0.0.1:8080";
    unsigned threads = 0;
    bool demo = false;
    bool behind_tls = false;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--listen", o->listen, "Address and port to serve on (default 127.0.0.1:8080; port 0 = any free port)");
  app.add_option("--threads", o->threads, "I/O threads (default: one per core)");
  app.add_flag("--behind-tls", o->behind_tls,
               "Served to browsers over HTTPS by a reverse proxy: session cookies get Secure, responses HSTS");
  app.add_flag("--demo", o->demo,
               "Create the database if needed and fill it with demonstration data and demo users "
               "(password 'kunren-demo'); never on a database with real data");
  app.footer("Serves until SIGTERM or Ctrl-C, then finishes the requests in progress and exits. One JSON line per "
             "request goes to standard error (the access log).");
  add_db_option(app, o->url);
  return [o]() -> Status {
    raise_open_file_limit();
    server::ServerOptions options;
    KUNREN_RETURN_IF_ERROR(parse_listen(o->listen, options));
    KUNREN_RETURN_IF_ERROR(web::check_web_assets());
    options.threads = o->threads;
    options.secure_cookies = o->behind_tls;
    // The database must open now, not at the first request.
    std::optional<sample::DemoSeed> demo;
    if (o->demo) {
      store::OpenOptions create;
      create.create = create.migrate = true;
      auto fresh = store::open_store(o->url.empty() ? store::default_store_url() : o->url, create);
      if (!fresh) return fresh.status();
      auto seeded = sample::seed_demo(**fresh);
      if (!seeded) return seeded.status();
      demo = std::move(seeded).value();
    }
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
    api.secure_cookies = o->behind_tls;
    // Live events for the pages (the coordinator's campaign page follows
    // submissions as they arrive).
    server::EventHub events;
    api.events = &events;
    // Live drills: one engine per exercise in use, its clock run every 100 ms.
    exercise::SystemClock wall_clock;
    exercise::ExerciseRegistry drills(wall_clock, server::stored_scenario_parser(), server::exercise_announcer(events));
    api.exercises = &drills;
    // Drills that were running when the server last stopped carry on at once
    // (their clocks resume from the log), not only when someone opens them.
    if (auto store = server::thread_store(api.db_url); store) {
      if (auto all = (*store)->list_exercises(); all) {
        for (const auto& e : *all)
          if (e.state == model::ExerciseState::kRunning) (void)drills.get(**store, e.id);
      }
    }
    auto authenticator = server::Authenticator::create(api.sessions);
    if (!authenticator) return authenticator.status();
    api.authenticator = std::move(authenticator).value();

    server::Router router;
    web::add_all_routes(router, api);

    server::HttpServer http(options, router);
    auto port = http.start();
    if (!port) return port.status();
    http.stop_on_signals();
    // Expired sessions are removed once a minute, not only when the table is full.
    http.every(std::chrono::minutes(1), [&api] { api.sessions.purge_expired(server::Clock::now()); });
    http.every(std::chrono::milliseconds(100), [&api, &drills] { server::tick_exercises(api, drills); });
    std::cout << fmt::format("kunren: serving {} on http://{}:{}/ (Ctrl-C to stop)\n", db_url,
                             options.address.find(':') != std::string::npos ? "[" + options.address + "]"
                                                                             : options.address,
                             *port)
              << std::flush;
    if (demo) print_demo_banner(*demo, *port, options.address);
    http.run();
    spdlog::drop("access");
    std::cout << "kunren: stopped; every request in progress was answered\n";
    return Status::ok();
  };
}

}  // namespace kunren::cli
