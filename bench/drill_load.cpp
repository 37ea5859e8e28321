// kunren_drill_load: the load client of bench/drill.sh — many participants
// following one live drill over server-sent events while some of them post
// actions and the facilitator delivers injects, on loopback, bounded in
// connections and time.
//
//   N SSE clients   GET /api/v1/exercises/{id}/events, spread over the roles
//                   given with --participant ROLE=LOGIN (client i takes role
//                   i mod roles); every client of a role shares that user's
//                   session (sign-in is argon2id: once per user).
//   M posters       POST /api/v1/exercises/{id}/actions in a loop (a report
//                   or a note, alternately, in the poster's role), pausing
//                   --think-ms between posts; each request's latency is kept.
//   the facilitator starts the drill (POST …/control start, --speed), then
//                   every --inject-ms delivers the next upcoming inject of the
//                   scenario now (POST …/injects {"inject": id}); once the
//                   scenario's injects are used up, ad-hoc injects addressed
//                   to one role in turn. At the end it ends the drill.
//
// Checks. For every event a client receives: latency = receive wall time −
// the event's `at` (written by the server when it stored the event; same
// host, same clock); a seq received twice by one client is a duplicate. At
// the end the facilitator fetches the whole log (GET …/log?format=jsonl) and
// every client must have received exactly the events its role may see
// (exercise::visible_to, replicated below): one missing is lost, one extra
// is unexpected (a leak). Clients are given --drain-s to catch up first.
//
// Output: a summary on standard output (and, with --summary FILE, the same
// numbers as JSON). Exit 0 if nothing was lost, duplicated, unexpected or
// refused; 1 if something was; 2 on a setup failure (sign-in, stream refused,
// bad options).
//
// Threads: one io_context run by --threads threads (default 1): every
// connection is a coroutine on its own strand.
#include <utility>  // before Asio with C++20 (Boost 1.74)

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using net::awaitable;
using net::use_awaitable;
using net::ip::tcp;
using json = nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// --- options -----------------------------------------------------------------------

struct Options {
  std::string host = "127.0.0.1";
  std::string port;
  std::string exercise;
  std::string facilitator;
  std::string password_file;  // one line: the password of every user
  std::string password;
  std::vector<std::pair<std::string, std::string>> participants;  // role, login
  int clients = 500;
  int console_streams = 0;  // extra streams as the facilitator (the whole drill)
  int posters = 50;
  double duration_s = 60;
  int speed = 10;
  int inject_ms = 250;
  int think_ms = 1000;
  double drain_s = 20;
  int threads = 1;
  long server_pid = 0;
  std::string summary;
  // Soak: one line "SECONDS RSS_KB" per --rss-every seconds (with --server-pid).
  std::string rss_log;
  double rss_every_s = 10;
  // Crash tests (--posts-only): no streams and no injects; the posters ride
  // out server restarts (connection errors, and 401 → sign in again), every
  // acknowledged post is written to --acks as "SEQ POSTER N" before the next
  // request, and posting stops at --duration or once --stop-file exists.
  bool posts_only = false;
  std::string acks;
  std::string stop_file;
};

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "kunren_drill_load: " << problem << "\n"
            << "usage: kunren_drill_load --port P --exercise ID --facilitator LOGIN --participant ROLE=LOGIN…\n"
               "         (--password-file FILE | --password-env VAR) [--host 127.0.0.1] [--clients 500]\n"
               "         [--console-streams 0] [--posters 50] [--duration 60] [--speed 10] [--inject-ms 250]\n"
               "         [--think-ms 1000] [--drain 20] [--threads 1] [--server-pid PID] [--summary FILE]\n"
               "         [--rss-log FILE] [--rss-every 10] [--posts-only --acks FILE [--stop-file FILE]]\n";
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options o;
  auto value = [&](int& i) -> std::string {
    if (i + 1 >= argc) usage(fmt::format("{} needs a value", argv[i]));
    return argv[++i];
  };
  auto number = [&](int& i) -> double {
    const std::string name = argv[i];
    const std::string v = value(i);
    try {
      std::size_t used = 0;
      double d = std::stod(v, &used);
      if (used != v.size() || d < 0) throw std::invalid_argument(v);
      return d;
    } catch (const std::exception&) {
      usage(fmt::format("{}: not a number: {}", name, v));
    }
  };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--host") o.host = value(i);
    else if (a == "--port") o.port = value(i);
    else if (a == "--exercise") o.exercise = value(i);
    else if (a == "--facilitator") o.facilitator = value(i);
    else if (a == "--password-file") o.password_file = value(i);
    else if (a == "--password-env") {
      const char* v = std::getenv(value(i).c_str());
      if (!v) usage(fmt::format("--password-env: {} is not set", argv[i]));
      o.password = v;
    } else if (a == "--participant") {
      const std::string v = value(i);
      const auto eq = v.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == v.size()) usage("--participant takes ROLE=LOGIN");
      o.participants.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    } else if (a == "--clients") o.clients = static_cast<int>(number(i));
    else if (a == "--console-streams") o.console_streams = static_cast<int>(number(i));
    else if (a == "--posters") o.posters = static_cast<int>(number(i));
    else if (a == "--duration") o.duration_s = number(i);
    else if (a == "--speed") o.speed = static_cast<int>(number(i));
    else if (a == "--inject-ms") o.inject_ms = static_cast<int>(number(i));
    else if (a == "--think-ms") o.think_ms = static_cast<int>(number(i));
    else if (a == "--drain") o.drain_s = number(i);
    else if (a == "--threads") o.threads = static_cast<int>(number(i));
    else if (a == "--server-pid") o.server_pid = static_cast<long>(number(i));
    else if (a == "--summary") o.summary = value(i);
    else if (a == "--rss-log") o.rss_log = value(i);
    else if (a == "--rss-every") o.rss_every_s = number(i);
    else if (a == "--posts-only") o.posts_only = true;
    else if (a == "--acks") o.acks = value(i);
    else if (a == "--stop-file") o.stop_file = value(i);
    else if (a == "--help" || a == "-h") usage("help");
    else usage(fmt::format("unknown option {}", a));
  }
  if (o.port.empty() || o.exercise.empty() || o.facilitator.empty() || o.participants.empty())
    usage("--port, --exercise, --facilitator and at least one --participant are required");
  if (!o.password_file.empty()) {
    std::ifstream in(o.password_file);
    if (!in || !std::getline(in, o.password)) usage("cannot read " + o.password_file);
  }
  if (o.password.empty()) usage("no password (--password-file or --password-env)");
  // Bounds: this is a loopback bench, not a load generator for hire.
  if (o.clients < 1 || o.clients > 2000) usage("--clients must be 1…2000");
  if (o.console_streams > 10) usage("--console-streams must be 0…10");
  if (o.posters > 200) usage("--posters must be 0…200");
  if (o.duration_s < 1 || o.duration_s > 3600) usage("--duration must be 1…3600 seconds");
  if (o.rss_every_s < 1) usage("--rss-every must be at least 1 second");
  if (!o.rss_log.empty() && o.server_pid <= 0) usage("--rss-log needs --server-pid");
  if (o.posts_only && o.acks.empty()) usage("--posts-only needs --acks FILE");
  if (o.threads < 1 || o.threads > 2) usage("--threads must be 1 or 2");
  if (o.inject_ms < 20) usage("--inject-ms must be at least 20");
  if (o.drain_s > 120) usage("--drain must be at most 120 seconds");
  return o;
}

// --- time --------------------------------------------------------------------------

std::int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "YYYY-MM-DDTHH:MM:SS.ffffffZ" → microseconds since the epoch (nullopt if not that shape).
std::optional<std::int64_t> parse_at(std::string_view t) {
  if (t.size() != 27 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' ||
      t[19] != '.' || t[26] != 'Z')
    return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len) -> std::int64_t {
    std::int64_t v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (t[i] < '0' || t[i] > '9') return -1;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  const auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), s = num(17, 2),
             us = num(20, 6);
  if (y < 0 || mo < 1 || d < 1 || h < 0 || mi < 0 || s < 0 || us < 0) return std::nullopt;
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60'000'000 + s * 1'000'000 + us;
}

// --- what a role sees (exercise::visible_to, src/kunren/exercise/live.cpp) -----------

constexpr std::string_view k_facilitator = "facilitator";

bool visible_to(const json& event, std::string_view role) {
  if (role == k_facilitator) return true;
  const std::string kind = event.value("kind", "");
  const json payload = event.value("payload", json::object());
  if (kind == "observation") return false;
  if (kind == "inject") {
    const json to = payload.is_object() ? payload.value("to", json::array()) : json::array();
    return to.empty() || std::any_of(to.begin(), to.end(), [&](const json& r) { return r == role; });
  }
  if (kind == "control") return payload.is_object() && payload.value("action", "") != "contingency-skipped";
  return true;
}

// --- statistics --------------------------------------------------------------------

enum Kind : std::uint8_t { kInject, kReport, kNote, kControl, kDecision, kContact, kEvidence, kOther, kKinds };
constexpr const char* k_kind_names[kKinds] = {"inject", "report",  "note",     "control",
                                              "decision", "contact", "evidence", "other"};
Kind kind_of(std::string_view name) {
  for (int k = 0; k < kOther; ++k)
    if (name == k_kind_names[k]) return static_cast<Kind>(k);
  return kOther;
}

struct Percentiles {
  std::size_t n = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};
Percentiles percentiles(std::vector<double> v) {
  Percentiles p;
  p.n = v.size();
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {  // nearest rank
    std::size_t rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
  };
  p.p50 = at(0.50);
  p.p90 = at(0.90);
  p.p99 = at(0.99);
  p.max = v.back();
  return p;
}

// --- HTTP requests (one keep-alive connection per caller) --------------------------------

struct Session {
  std::string login;
  std::string cookie;  // "kunren_session=…"
  std::string csrf;
};

struct Response {
  int status = 0;  // 0: no answer (connection error)
  std::string body;
  std::string set_cookie;
  std::string error;
  double ms = 0;
};

class HttpConnection {
 public:
  HttpConnection(net::any_io_executor ex, tcp::endpoint ep) : m_stream(ex), m_ep(ep) {}

  awaitable<Response> send(http::verb method, const std::string& target, const Session* session,
                           std::string body = {}) {
    Response out;
    const auto started = Clock::now();
    beast::error_code ec;
    if (!m_open) {
      m_stream.expires_after(10s);
      co_await m_stream.async_connect(m_ep, net::redirect_error(use_awaitable, ec));
      if (ec) {
        out.error = "connect: " + ec.message();
        co_return out;
      }
      m_stream.socket().set_option(tcp::no_delay(true));
      m_open = true;
    }
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::user_agent, "kunren_drill_load");
    req.keep_alive(true);
    if (session) {
      if (!session->cookie.empty()) req.set(http::field::cookie, session->cookie);
      if (!session->csrf.empty() && method != http::verb::get) req.set("X-CSRF-Token", session->csrf);
    }
    if (!body.empty() || method == http::verb::post) {
      req.set(http::field::content_type, "application/json");
      req.body() = std::move(body);
    }
    req.prepare_payload();
    m_stream.expires_after(30s);
    co_await http::async_write(m_stream, req, net::redirect_error(use_awaitable, ec));
    if (ec) {
      close();
      out.error = "write: " + ec.message();
      co_return out;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 30);
    m_stream.expires_after(60s);
    co_await http::async_read(m_stream, m_buffer, parser, net::redirect_error(use_awaitable, ec));
    if (ec) {
      close();
      out.error = "read: " + ec.message();
      co_return out;
    }
    auto& res = parser.get();
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    if (auto it = res.find(http::field::set_cookie); it != res.end()) out.set_cookie = std::string(it->value());
    if (!res.keep_alive()) close();
    out.ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    co_return out;
  }

  void close() {
    beast::error_code ec;
    m_stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    m_stream.socket().close(ec);
    m_buffer.clear();
    m_open = false;
  }

 private:
  beast::tcp_stream m_stream;
  tcp::endpoint m_ep;
  beast::flat_buffer m_buffer;
  bool m_open = false;
};

// --- shared state --------------------------------------------------------------------

struct Received {
  std::int64_t seq;
  Kind kind;
  float latency_ms;  // NaN if `at` was missing or malformed
};

struct SseClient {
  int index = 0;
  std::string role;  // a scenario role, or "facilitator" for a console stream
  const Session* session = nullptr;
  bool validate = false;  // parse every event's JSON and check it against the SSE fields
  net::strand<net::io_context::executor_type> strand;
  std::unique_ptr<beast::tcp_stream> stream;

  // Written on the client's strand; read by the others only through the atomics
  // until the client has finished.
  std::vector<Received> received;
  std::vector<bool> seen;  // by seq
  std::int64_t duplicates = 0;
  std::int64_t out_of_order = 0;
  std::int64_t resyncs = 0;
  std::int64_t bad_data = 0;
  std::int64_t last_seq = 0;
  std::string failure;        // why the stream could not be opened or ended early
  std::atomic<bool> hello{false};
  std::atomic<bool> finished{false};
  std::atomic<std::int64_t> unique_count{0};
  std::atomic<bool> closing{false};

  explicit SseClient(net::io_context& ioc) : strand(net::make_strand(ioc)) {}
};

struct PosterStats {
  std::mutex mutex;
  std::vector<double> action_ms;
  std::vector<double> inject_ms;
  std::map<std::string, int> errors;  // "POST actions: 500 {…}" → count
  std::int64_t actions_ok = 0;
  std::int64_t injects_ok = 0;
  std::int64_t inject_conflicts = 0;  // already delivered by the clock meanwhile: skipped
};

struct Run {
  Run(Options o, net::io_context& context, tcp::endpoint endpoint) : opt(std::move(o)), ioc(context), ep(endpoint) {}
  Options opt;
  net::io_context& ioc;
  tcp::endpoint ep;
  std::map<std::string, Session> sessions;  // by login
  std::vector<std::unique_ptr<SseClient>> clients;
  PosterStats stats;
  std::atomic<bool> stop_posting{false};
  std::atomic<int> posters_running{0};
  std::atomic<std::int64_t> peak_rss_kb{0};       // sampled, the whole run
  std::atomic<std::int64_t> peak_load_rss_kb{0};  // sampled, from the streams open to their close
  std::atomic<bool> in_load{false};
  std::int64_t rss_open_kb = -1;                  // once every stream is open, before the drill starts
  std::atomic<bool> sampling{true};
  int exit_code = 0;
  std::string setup_failure;
  double load_seconds = 0;
  std::int64_t actions_in_window = 0;
  // --posts-only
  struct SessionSlot {
    std::string login;
    Session session;
    int generation = 0;  // bumped by each new sign-in
    bool signing = false;
  };
  std::map<std::string, SessionSlot> slots;  // by login (touched on the one I/O thread only)
  int acks_fd = -1;
  std::int64_t acks = 0, resignins = 0, refused_5xx = 0, not_json_5xx = 0, other_4xx = 0, connection_errors = 0,
               ack_without_seq = 0;
  double max_failed_ms = 0;  // the longest request that did not succeed (a bound on hangs)
};

std::string short_body(const std::string& body) {
  std::string s = body.substr(0, 160);
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

void note_error(Run& run, const std::string& what, const Response& r) {
  std::lock_guard lock(run.stats.mutex);
  std::string key = r.status ? fmt::format("{}: HTTP {} {}", what, r.status, short_body(r.body))
                             : fmt::format("{}: {}", what, r.error);
  ++run.stats.errors[key];
}

// --- server process ------------------------------------------------------------------

std::int64_t proc_status_kb(long pid, const char* field) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0) return std::strtoll(line.c_str() + prefix.size(), nullptr, 10);
  return -1;
}

double proc_cpu_seconds(long pid) {  // utime + stime of the process
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i == 14 || i == 15) ticks += std::strtod(field.c_str(), nullptr);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double self_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// --- the coroutines ------------------------------------------------------------------

awaitable<void> sleep_for(std::chrono::milliseconds d) {
  net::steady_timer t(co_await net::this_coro::executor);
  t.expires_after(d);
  beast::error_code ec;
  co_await t.async_wait(net::redirect_error(use_awaitable, ec));
}

// One SSE event as the client received it.
void on_event(SseClient& c, std::int64_t recv_us, const std::string& id, const std::string& name,
              const std::string& data) {
  if (name == "hello") {
    c.hello = true;
    return;
  }
  if (name == "resync") {  // the server dropped events for this client (overflow) or says it may have
    ++c.resyncs;
    return;
  }
  char* end = nullptr;
  const long long seq = std::strtoll(id.c_str(), &end, 10);
  if (id.empty() || *end != '\0' || seq <= 0) {
    ++c.bad_data;
    return;
  }
  if (static_cast<std::size_t>(seq) >= c.seen.size()) c.seen.resize(static_cast<std::size_t>(seq) * 2 + 64, false);
  if (c.seen[static_cast<std::size_t>(seq)]) {
    ++c.duplicates;
    return;
  }
  c.seen[static_cast<std::size_t>(seq)] = true;
  if (seq < c.last_seq) ++c.out_of_order;
  c.last_seq = std::max<std::int64_t>(c.last_seq, seq);

  float latency = std::numeric_limits<float>::quiet_NaN();
  // The data is one JSON object with sorted keys: "actor", then "at".
  if (const auto pos = data.find("\"at\":\""); pos != std::string::npos) {
    if (auto at = parse_at(std::string_view(data).substr(pos + 6, 27)))
      latency = static_cast<float>(static_cast<double>(recv_us - *at) / 1000.0);
  }
  if (c.validate) {
    const json j = json::parse(data, nullptr, false);
    if (j.is_discarded() || j.value("seq", std::int64_t{-1}) != seq || j.value("kind", "") != name ||
        !visible_to(j, c.role))
      ++c.bad_data;
  }
  c.received.push_back(Received{seq, kind_of(name), latency});
  c.unique_count.fetch_add(1, std::memory_order_relaxed);
}

awaitable<void> run_sse_client(Run& run, SseClient& c) {
  c.stream = std::make_unique<beast::tcp_stream>(c.strand);
  beast::tcp_stream& s = *c.stream;
  beast::error_code ec;
  s.expires_after(20s);
  co_await s.async_connect(run.ep, net::redirect_error(use_awaitable, ec));
  if (ec) {
    c.failure = "connect: " + ec.message();
    c.finished = true;
    co_return;
  }
  http::request<http::empty_body> req{http::verb::get, "/api/v1/exercises/" + run.opt.exercise + "/events", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::accept, "text/event-stream");
  req.set(http::field::cookie, c.session->cookie);
  co_await http::async_write(s, req, net::redirect_error(use_awaitable, ec));
  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  if (!ec) co_await http::async_read_header(s, buffer, parser, net::redirect_error(use_awaitable, ec));
  if (ec) {
    c.failure = "request: " + ec.message();
    c.finished = true;
    co_return;
  }
  if (parser.get().result_int() != 200) {
    c.failure = fmt::format("HTTP {}", parser.get().result_int());
    c.finished = true;
    co_return;
  }
  // The SSE parser: lines, fields, a blank line dispatches. Every event in
  // one chunk gets that chunk's receive time.
  std::string pending, id, name, data;
  auto on_chunk = [&](std::uint64_t, beast::string_view body, beast::error_code&) -> std::size_t {
    const std::int64_t now = wall_us();
    pending.append(body.data(), body.size());
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string_view line(pending.data() + start, nl - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) {
        if (!name.empty() || !data.empty()) on_event(c, now, id, name, data);
        id.clear();
        name.clear();
        data.clear();
      } else if (line.front() == ':') {
        // comment (keep-alive)
      } else {
        const auto colon = line.find(':');
        std::string_view field = line.substr(0, colon);
        std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (field == "id") id.assign(value);
        else if (field == "event") name.assign(value);
        else if (field == "data") {
          if (!data.empty()) data += '\n';
          data.append(value);
        }
      }
    }
    pending.erase(0, start);
    return body.size();
  };
  parser.on_chunk_body(on_chunk);
  s.expires_never();
  co_await http::async_read(s, buffer, parser, net::redirect_error(use_awaitable, ec));
  if (!c.closing) c.failure = ec ? "stream ended early: " + ec.message() : "stream ended early (server closed it)";
  c.finished = true;
}

// A post in a poster's role: a report or a note, alternately.
std::string action_body(int poster, std::int64_t n) {
  static const char* lines[] = {"L1", "L2", "L3"};
  static const char* assets[] = {"hmi-1a", "hmi-2", "hmi-3", "ews-01", "hist-01", "plc-201"};
  if (n % 2 == 0) {
    return json{{"kind", "report"},
                {"payload",
                 {{"what", fmt::format("負荷試験 {}-{}: 画面が応答しない / HMI not responding", poster, n)},
                  {"line", lines[(poster + n) % 3]},
                  {"asset", assets[(poster + n) % 6]},
                  {"impact", "ライン停止のおそれ"},
                  {"source", "load test"}}}}
        .dump();
  }
  return json{{"kind", "note"}, {"payload", {{"text", fmt::format("負荷試験メモ {}-{} / load test note", poster, n)}}}}
      .dump();
}

awaitable<void> run_poster(Run& run, int index, const Session& session, Clock::time_point until) {
  HttpConnection conn(co_await net::this_coro::executor, run.ep);
  std::mt19937 rng(static_cast<unsigned>(index) * 7919u + 1);
  // Spread the posters over the first think time, so that they do not post in step.
  if (run.opt.think_ms > 0)
    co_await sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, run.opt.think_ms)(rng)));
  const std::string target = "/api/v1/exercises/" + run.opt.exercise + "/actions";
  std::int64_t n = 0;
  while (!run.stop_posting && Clock::now() < until) {
    Response r = co_await conn.send(http::verb::post, target, &session, action_body(index, n++));
    if (r.status == 200) {
      std::lock_guard lock(run.stats.mutex);
      run.stats.action_ms.push_back(r.ms);
      ++run.stats.actions_ok;
    } else {
      note_error(run, "POST actions", r);
      if (r.status == 0) co_await sleep_for(200ms);  // connection trouble: do not spin
    }
    if (run.opt.think_ms > 0) co_await sleep_for(std::chrono::milliseconds(run.opt.think_ms));
  }
  conn.close();
  --run.posters_running;
}

awaitable<void> sample_rss(Run& run) {
  std::ofstream log;
  if (!run.opt.rss_log.empty()) log.open(run.opt.rss_log, std::ios::trunc);
  const auto started = Clock::now();
  const auto every = std::chrono::milliseconds(static_cast<std::int64_t>(run.opt.rss_every_s * 1000));
  auto next_log = started;
  while (run.sampling && run.opt.server_pid > 0) {
    const auto kb = proc_status_kb(run.opt.server_pid, "VmRSS");
    if (kb > run.peak_rss_kb) run.peak_rss_kb = kb;
    if (run.in_load && kb > run.peak_load_rss_kb) run.peak_load_rss_kb = kb;
    if (log.is_open() && Clock::now() >= next_log) {  // seconds since the client started, VmRSS in kB
      log << fmt::format("{:.0f} {}\n", std::chrono::duration<double>(Clock::now() - started).count(), kb)
          << std::flush;
      next_log += every;
    }
    co_await sleep_for(250ms);
  }
}

// On failure: the reason goes to `why` if given, else to run.setup_failure.
awaitable<std::optional<Session>> sign_in(Run& run, HttpConnection& conn, const std::string& login,
                                          std::string* why = nullptr) {
  const json body = {{"login", login}, {"password", run.opt.password}};
  // (Every argument of a co_await'ed call is a named variable: GCC 12 miscompiles
  // string literals and braced JSON in a co_await expression.)
  const std::string target = "/api/v1/session";
  std::string text = body.dump();
  Response r = co_await conn.send(http::verb::post, target, nullptr, std::move(text));
  if (r.status != 200) {
    (why ? *why : run.setup_failure) = fmt::format("sign-in as {}: {} {}", login,
                                                   r.status ? std::to_string(r.status) : r.error, short_body(r.body));
    co_return std::nullopt;
  }
  Session s;
  s.login = login;
  const auto end = r.set_cookie.find(';');
  s.cookie = r.set_cookie.substr(0, end);
  const json j = json::parse(r.body, nullptr, false);
  if (!j.is_discarded()) s.csrf = j.value("csrf_token", "");
  if (s.cookie.rfind("kunren_session=", 0) != 0 || s.csrf.empty()) {
    (why ? *why : run.setup_failure) = fmt::format("sign-in as {}: no session cookie or CSRF token", login);
    co_return std::nullopt;
  }
  co_return s;
}

// Everything in order: sign in, open the streams, start the drill, load it,
// end it, fetch the log, let the clients catch up, close them.
awaitable<void> orchestrate(Run& run) {
  auto ex = co_await net::this_coro::executor;
  HttpConnection fac(ex, run.ep);
  const Options& o = run.opt;
  const std::string base = "/api/v1/exercises/" + o.exercise;
  const std::string control_target = base + "/control", state_target = base + "/state",
                    injects_target = base + "/injects", log_target = base + "/log?format=jsonl";

  // 1. Sign in once per user.
  std::vector<std::string> logins{o.facilitator};
  for (const auto& [role, login] : o.participants) logins.push_back(login);
  for (const auto& login : logins) {
    if (run.sessions.count(login)) continue;
    auto s = co_await sign_in(run, fac, login);
    if (!s) co_return;
    run.sessions[login] = *s;
  }
  const Session& facilitator = run.sessions.at(o.facilitator);

  // 2. Open every stream; wait until each has said hello.
  const auto open_started = Clock::now();
  for (int i = 0; i < o.clients + o.console_streams; ++i) {
    auto c = std::make_unique<SseClient>(run.ioc);
    c->index = i;
    if (i < o.clients) {
      const auto& [role, login] = o.participants[static_cast<std::size_t>(i) % o.participants.size()];
      c->role = role;
      c->session = &run.sessions.at(login);
      c->validate = i < static_cast<int>(o.participants.size());  // the first client of each role
    } else {
      c->role = std::string(k_facilitator);
      c->session = &facilitator;
      c->validate = true;
    }
    run.clients.push_back(std::move(c));
  }
  for (auto& c : run.clients) {
    SseClient* cp = c.get();
    net::co_spawn(cp->strand, run_sse_client(run, *cp), net::detached);
    if (cp->index % 50 == 49) co_await sleep_for(5ms);  // do not flood the accept queue
  }
  for (;;) {
    int ready = 0, failed = 0;
    for (auto& c : run.clients) {
      if (c->hello) ++ready;
      else if (c->finished) ++failed;
    }
    if (failed) {
      run.setup_failure = fmt::format("{} of {} streams could not be opened", failed, run.clients.size());
      break;
    }
    if (ready == static_cast<int>(run.clients.size())) break;
    if (Clock::now() - open_started > 60s) {
      run.setup_failure = fmt::format("only {} of {} streams said hello within 60 s", ready, run.clients.size());
      break;
    }
    co_await sleep_for(20ms);
  }
  const double open_s = std::chrono::duration<double>(Clock::now() - open_started).count();
  std::cout << fmt::format("drill load: {} streams open in {:.2f} s\n", run.clients.size(), open_s) << std::flush;
  if (o.server_pid) run.rss_open_kb = proc_status_kb(o.server_pid, "VmRSS");
  run.in_load = true;

  if (run.setup_failure.empty()) {
    // 3. Start the drill; the posters and the injects for `duration`.
    std::string start = json{{"action", "start"}, {"speed", o.speed}}.dump();
    Response r = co_await fac.send(http::verb::post, control_target, &facilitator, std::move(start));
    if (r.status != 200) {
      run.setup_failure = fmt::format("start: HTTP {} {}{}", r.status, r.error, short_body(r.body));
    }
  }
  if (run.setup_failure.empty()) {
    const auto started = Clock::now();
    const auto until = started + std::chrono::milliseconds(static_cast<std::int64_t>(o.duration_s * 1000));
    for (int i = 0; i < o.posters; ++i) {
      const auto& [role, login] = o.participants[static_cast<std::size_t>(i) % o.participants.size()];
      ++run.posters_running;
      net::co_spawn(net::make_strand(run.ioc), run_poster(run, i, run.sessions.at(login), until), net::detached);
    }
    // The scenario's injects still to come, in order.
    std::vector<std::string> upcoming;
    Response st = co_await fac.send(http::verb::get, state_target, &facilitator);
    if (st.status == 200) {
      const json j = json::parse(st.body, nullptr, false);
      if (!j.is_discarded())
        for (const auto& u : j.value("upcoming", json::array())) upcoming.push_back(u.value("inject", ""));
    } else {
      note_error(run, "GET state", st);
    }
    std::size_t next = 0;
    std::int64_t adhoc = 0;
    auto tick = Clock::now();
    while (Clock::now() < until) {
      tick += std::chrono::milliseconds(o.inject_ms);
      bool delivered = false;
      while (!delivered && next < upcoming.size()) {
        const std::string id = upcoming[next++];
        std::string trigger = json{{"inject", id}}.dump();
        Response ir = co_await fac.send(http::verb::post, injects_target, &facilitator, std::move(trigger));
        if (ir.status == 200) {
          std::lock_guard lock(run.stats.mutex);
          run.stats.inject_ms.push_back(ir.ms);
          ++run.stats.injects_ok;
          delivered = true;
        } else if (ir.status == 409) {  // the clock delivered (or skipped) it meanwhile
          std::lock_guard lock(run.stats.mutex);
          ++run.stats.inject_conflicts;
        } else {
          note_error(run, "POST injects (scenario)", ir);
          delivered = true;
        }
      }
      if (!delivered) {  // the scenario's injects are used up: ad-hoc ones, to one role in turn
        const auto& role = o.participants[static_cast<std::size_t>(adhoc) % o.participants.size()].first;
        const json body = {{"title", fmt::format("負荷試験の追加状況付与 {}", adhoc + 1)},
                           {"body", fmt::format("Load-test inject {} for {}.", adhoc + 1, role)},
                           {"to", json::array({role})},
                           {"delivery", "phone"}};
        ++adhoc;
        std::string text = body.dump();
        Response ir = co_await fac.send(http::verb::post, injects_target, &facilitator, std::move(text));
        if (ir.status == 200) {
          std::lock_guard lock(run.stats.mutex);
          run.stats.inject_ms.push_back(ir.ms);
          ++run.stats.injects_ok;
        } else {
          note_error(run, "POST injects (ad-hoc)", ir);
        }
      }
      const auto now = Clock::now();
      if (tick > now) co_await sleep_for(std::chrono::duration_cast<std::chrono::milliseconds>(tick - now));
      else tick = now;  // fell behind: do not burst
    }
    run.stop_posting = true;
    while (run.posters_running > 0) co_await sleep_for(10ms);
    run.load_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    {
      std::lock_guard lock(run.stats.mutex);
      run.actions_in_window = run.stats.actions_ok;
    }
    // 4. End the drill: nothing more is appended after this.
    std::string end = json{{"action", "end"}}.dump();
    Response er = co_await fac.send(http::verb::post, control_target, &facilitator, std::move(end));
    if (er.status != 200) note_error(run, "POST control end", er);
  }

  // 5. The whole log, and what each role should have received.
  std::map<std::string, std::vector<std::int64_t>> expected;  // role → seqs
  std::vector<std::int64_t> all_seqs;
  if (run.setup_failure.empty()) {
    Response lr = co_await fac.send(http::verb::get, log_target, &facilitator);
    if (lr.status != 200) {
      run.setup_failure = fmt::format("GET log: HTTP {} {}{}", lr.status, lr.error, short_body(lr.body));
    } else {
      std::set<std::string> roles;
      for (auto& c : run.clients) roles.insert(c->role);
      std::istringstream lines(lr.body);
      std::string line;
      while (std::getline(lines, line)) {
        if (line.empty()) continue;
        const json e = json::parse(line, nullptr, false);
        if (e.is_discarded()) {
          run.setup_failure = "GET log: a line is not JSON";
          break;
        }
        const std::int64_t seq = e.value("seq", std::int64_t{0});
        all_seqs.push_back(seq);
        for (const auto& role : roles)
          if (visible_to(e, role)) expected[role].push_back(seq);
      }
    }
    // 6. Let every client catch up (bounded), then close the streams.
    const auto drain_started = Clock::now();
    const auto drain_until = drain_started + std::chrono::milliseconds(static_cast<std::int64_t>(o.drain_s * 1000));
    for (;;) {
      bool all = true;
      for (auto& c : run.clients)
        if (!c->finished &&
            c->unique_count.load() < static_cast<std::int64_t>(expected[c->role].size()))
          all = false;
      if (all || Clock::now() >= drain_until) break;
      co_await sleep_for(20ms);
    }
    std::cout << fmt::format("drill load: clients caught up {:.2f} s after the drill ended\n",
                             std::chrono::duration<double>(Clock::now() - drain_started).count())
              << std::flush;
  }
  for (auto& c : run.clients) {
    SseClient* cp = c.get();
    cp->closing = true;
    net::post(cp->strand, [cp] {
      if (cp->stream) {
        beast::error_code ec;
        cp->stream->socket().shutdown(tcp::socket::shutdown_both, ec);
        cp->stream->socket().close(ec);
      }
    });
  }
  for (;;) {
    bool done = std::all_of(run.clients.begin(), run.clients.end(), [](auto& c) { return c->finished.load(); });
    if (done) break;
    co_await sleep_for(10ms);
  }
  fac.close();
  run.in_load = false;

  // --- the verdict -------------------------------------------------------------------
  std::int64_t delivered = 0, lost = 0, dup = 0, unexpected = 0, resyncs = 0, bad = 0, ooo = 0, failed = 0;
  std::vector<std::string> examples;
  std::array<std::vector<double>, kKinds> lat;  // (not a C array: GCC 12 cannot keep one in a coroutine frame)
  std::int64_t missing_at = 0;
  for (auto& c : run.clients) {
    delivered += static_cast<std::int64_t>(c->received.size());
    dup += c->duplicates;
    resyncs += c->resyncs;
    bad += c->bad_data;
    ooo += c->out_of_order;
    if (!c->failure.empty()) {
      ++failed;
      if (examples.size() < 8) examples.push_back(fmt::format("client {} ({}): {}", c->index, c->role, c->failure));
    }
    for (const auto& r : c->received) {
      if (std::isnan(r.latency_ms)) ++missing_at;
      else if (c->role != k_facilitator) lat[r.kind].push_back(r.latency_ms);
    }
    const auto& want = expected[c->role];
    std::vector<bool> wanted;
    std::int64_t client_lost = 0, client_extra = 0, first_lost = 0;
    for (auto seq : want) {
      if (static_cast<std::size_t>(seq) >= wanted.size()) wanted.resize(static_cast<std::size_t>(seq) + 1, false);
      wanted[static_cast<std::size_t>(seq)] = true;
      if (static_cast<std::size_t>(seq) >= c->seen.size() || !c->seen[static_cast<std::size_t>(seq)]) {
        if (!client_lost) first_lost = seq;
        ++client_lost;
      }
    }
    for (std::size_t seq = 0; seq < c->seen.size(); ++seq)
      if (c->seen[seq] && (seq >= wanted.size() || !wanted[seq])) ++client_extra;
    lost += client_lost;
    unexpected += client_extra;
    if ((client_lost || client_extra || c->duplicates) && examples.size() < 8)
      examples.push_back(fmt::format("client {} ({}): expected {}, received {}, lost {} (first seq {}), "
                                     "duplicated {}, unexpected {}, resyncs {}",
                                     c->index, c->role, want.size(), c->received.size(), client_lost, first_lost,
                                     c->duplicates, client_extra, c->resyncs));
  }
  if (!run.setup_failure.empty()) lost = -1;

  const auto inject = percentiles(lat[kInject]);
  std::vector<double> all_lat;
  for (auto& v : lat) all_lat.insert(all_lat.end(), v.begin(), v.end());
  const auto every = percentiles(all_lat);
  Percentiles actions, injects_post;
  std::int64_t actions_ok, injects_ok, conflicts;
  std::map<std::string, int> errors;
  {
    std::lock_guard lock(run.stats.mutex);
    actions = percentiles(run.stats.action_ms);
    injects_post = percentiles(run.stats.inject_ms);
    actions_ok = run.stats.actions_ok;
    injects_ok = run.stats.injects_ok;
    conflicts = run.stats.inject_conflicts;
    errors = run.stats.errors;
  }
  std::int64_t error_count = 0;
  for (const auto& [_, n] : errors) error_count += n;
  const std::int64_t hwm = o.server_pid ? proc_status_kb(o.server_pid, "VmHWM") : -1;
  const std::int64_t rss_now = o.server_pid ? proc_status_kb(o.server_pid, "VmRSS") : -1;
  const std::int64_t peak_sampled = run.peak_rss_kb.load();
  const std::int64_t peak_load = run.peak_load_rss_kb.load();
  const double load_s = run.load_seconds > 0 ? run.load_seconds : 1;

  std::cout << fmt::format(
      "drill load: {} streams ({} participants in {} roles, {} console), {} posters, {:.1f} s at x{}\n",
      run.clients.size(), o.clients, o.participants.size(), o.console_streams, o.posters, run.load_seconds, o.speed);
  if (!run.setup_failure.empty()) std::cout << "  SETUP FAILED: " << run.setup_failure << "\n";
  std::cout << fmt::format("  log: {} events; streams: {} events delivered ({:.0f}/s)\n", all_seqs.size(), delivered,
                           static_cast<double>(delivered) / load_s);
  std::cout << fmt::format("  lost {}, duplicated {}, unexpected {}, out of order {}, resyncs {}, bad data {}, "
                           "streams failed {}, no timestamp {}\n",
                           lost, dup, unexpected, ooo, resyncs, bad, failed, missing_at);
  std::cout << fmt::format("  inject delivery latency (n={}): p50 {:.1f} ms, p90 {:.1f} ms, p99 {:.1f} ms, max {:.1f} ms\n",
                           inject.n, inject.p50, inject.p90, inject.p99, inject.max);
  std::cout << fmt::format("  every event's delivery latency (n={}): p50 {:.1f} ms, p99 {:.1f} ms, max {:.1f} ms\n",
                           every.n, every.p50, every.p99, every.max);
  for (int k = 0; k < kKinds; ++k) {
    if (k == kInject || lat[k].empty()) continue;
    const auto p = percentiles(lat[k]);
    std::cout << fmt::format("    {:<9} n={:<8} p50 {:.1f} ms, p99 {:.1f} ms, max {:.1f} ms\n", k_kind_names[k], p.n,
                             p.p50, p.p99, p.max);
  }
  std::cout << fmt::format("  POST actions: {} ok ({:.1f}/s), p50 {:.1f} ms, p99 {:.1f} ms, max {:.1f} ms\n",
                           actions_ok, static_cast<double>(run.actions_in_window) / load_s, actions.p50, actions.p99,
                           actions.max);
  std::cout << fmt::format("  POST injects: {} ok, {} already delivered by the clock, p50 {:.1f} ms, p99 {:.1f} ms\n",
                           injects_ok, conflicts, injects_post.p50, injects_post.p99);
  std::cout << fmt::format("  HTTP errors: {}\n", error_count);
  for (const auto& [what, n] : errors) std::cout << fmt::format("    {} × {}\n", n, what);
  if (o.server_pid)
    std::cout << fmt::format("  server pid {}: peak RSS (VmHWM, whole life) {:.1f} MB; RSS with the streams open "
                             "{:.1f} MB, sampled peak under load {:.1f} MB, at the end {:.1f} MB; CPU {:.1f} s\n",
                             o.server_pid, static_cast<double>(hwm) / 1024, static_cast<double>(run.rss_open_kb) / 1024,
                             static_cast<double>(peak_load) / 1024, static_cast<double>(rss_now) / 1024,
                             proc_cpu_seconds(o.server_pid));
  std::cout << fmt::format("  client: peak RSS {:.1f} MB, CPU {:.1f} s\n",
                           static_cast<double>(proc_status_kb(getpid(), "VmHWM")) / 1024, self_cpu_seconds());
  for (const auto& e : examples) std::cout << "  ! " << e << "\n";

  if (!o.summary.empty()) {
    json s = {{"streams", run.clients.size()},
              {"clients", o.clients},
              {"console_streams", o.console_streams},
              {"roles", o.participants.size()},
              {"posters", o.posters},
              {"speed", o.speed},
              {"seconds", run.load_seconds},
              {"log_events", all_seqs.size()},
              {"delivered", delivered},
              {"lost", lost},
              {"duplicated", dup},
              {"unexpected", unexpected},
              {"out_of_order", ooo},
              {"resyncs", resyncs},
              {"bad_data", bad},
              {"streams_failed", failed},
              {"inject_latency_ms", {{"n", inject.n}, {"p50", inject.p50}, {"p90", inject.p90}, {"p99", inject.p99}, {"max", inject.max}}},
              {"event_latency_ms", {{"n", every.n}, {"p50", every.p50}, {"p99", every.p99}, {"max", every.max}}},
              {"actions", {{"ok", actions_ok}, {"per_s", static_cast<double>(run.actions_in_window) / load_s},
                           {"p50_ms", actions.p50}, {"p99_ms", actions.p99}, {"max_ms", actions.max}}},
              {"injects", {{"ok", injects_ok}, {"conflicts", conflicts}, {"p50_ms", injects_post.p50}, {"p99_ms", injects_post.p99}}},
              {"http_errors", error_count},
              {"server_vmhwm_kb", hwm},
              {"server_rss_sampled_peak_kb", peak_sampled},
              {"server_rss_open_kb", run.rss_open_kb},
              {"server_rss_load_peak_kb", peak_load},
              {"server_rss_end_kb", rss_now},
              {"server_cpu_s", o.server_pid ? proc_cpu_seconds(o.server_pid) : -1.0},
              {"client_cpu_s", self_cpu_seconds()},
              {"setup_failure", run.setup_failure}};
    std::ofstream(o.summary) << s.dump(2) << "\n";
  }

  if (!run.setup_failure.empty()) run.exit_code = 2;
  else if (lost || dup || unexpected || bad || failed || error_count || ooo) run.exit_code = 1;
  run.sampling = false;
}


// --- --posts-only: posters that ride out server restarts (crash and fault tests) ---------

// Sessions live in the server's memory: after a restart every request answers
// 401. The first poster of a user to see that signs in again (argon2id: once
// per user); the others wait for it. Returns true if a newer session is there.
awaitable<bool> refresh_session(Run& run, Run::SessionSlot& slot, int seen_generation) {
  if (slot.generation != seen_generation) co_return true;
  if (slot.signing) {
    while (slot.signing) co_await sleep_for(20ms);
    co_return slot.generation != seen_generation;
  }
  slot.signing = true;
  HttpConnection conn(co_await net::this_coro::executor, run.ep);
  std::string why;
  std::string* why_p = &why;
  auto s = co_await sign_in(run, conn, slot.login, why_p);
  conn.close();
  if (s) {
    slot.session = *s;
    ++slot.generation;
    ++run.resignins;
  }
  slot.signing = false;
  co_return s.has_value();
}

void record_ack(Run& run, std::int64_t seq, int poster, std::int64_t n) {
  // One write(2) per acknowledgement, before the next request: the line is in
  // the kernel (this process outlives the server it kills) when the test
  // kills the server.
  const std::string line = fmt::format("{} {} {}\n", seq, poster, n);
  if (::write(run.acks_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    std::cerr << "kunren_drill_load: cannot write " << run.opt.acks << "\n";
    std::exit(2);
  }
  ++run.acks;
}

awaitable<void> run_crash_poster(Run& run, int index, Run::SessionSlot& slot, Clock::time_point until) {
  HttpConnection conn(co_await net::this_coro::executor, run.ep);
  std::mt19937 rng(static_cast<unsigned>(index) * 7919u + 1);
  if (run.opt.think_ms > 0)
    co_await sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, run.opt.think_ms)(rng)));
  const std::string target = "/api/v1/exercises/" + run.opt.exercise + "/actions";
  std::int64_t n = 0;
  while (!run.stop_posting && Clock::now() < until) {
    const int generation = slot.generation;
    const Session session = slot.session;
    const std::int64_t this_n = n++;  // every attempt has its own tag: a lost answer is not retried
    const auto sent = Clock::now();
    std::string body = action_body(index, this_n);
    Response r = co_await conn.send(http::verb::post, target, &session, std::move(body));
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
    if (r.status == 200) {
      const json j = json::parse(r.body, nullptr, false);
      std::int64_t seq = 0;
      if (!j.is_discarded() && j.contains("events") && j["events"].is_array() && j["events"].size() == 1)
        seq = j["events"][0].value("seq", std::int64_t{0});
      if (seq > 0) {
        record_ack(run, seq, index, this_n);
        std::lock_guard lock(run.stats.mutex);
        run.stats.action_ms.push_back(r.ms);
        ++run.stats.actions_ok;
      } else {
        ++run.ack_without_seq;
        note_error(run, "POST actions (200 without one event's seq)", r);
      }
    } else {
      run.max_failed_ms = std::max(run.max_failed_ms, ms);
      note_error(run, "POST actions", r);
      if (r.status == 0) {
        ++run.connection_errors;
        co_await sleep_for(50ms);  // the server is down: do not spin
      } else if (r.status == 401) {
        const bool renewed = co_await refresh_session(run, slot, generation);
        if (!renewed) co_await sleep_for(100ms);
      } else if (r.status >= 500) {
        ++run.refused_5xx;
        const json j = json::parse(r.body, nullptr, false);
        if (j.is_discarded() || !j.contains("error") || !j["error"].is_object() || !j["error"].contains("code"))
          ++run.not_json_5xx;
        co_await sleep_for(50ms);
      } else {
        ++run.other_4xx;
      }
    }
    if (run.opt.think_ms > 0) co_await sleep_for(std::chrono::milliseconds(run.opt.think_ms));
  }
  conn.close();
  --run.posters_running;
}

awaitable<void> orchestrate_posts(Run& run) {
  const Options& o = run.opt;
  {
    HttpConnection conn(co_await net::this_coro::executor, run.ep);
    for (const auto& [role, login] : o.participants) {
      if (run.slots.count(login)) continue;
      auto s = co_await sign_in(run, conn, login);
      if (!s) co_return;
      Run::SessionSlot slot;
      slot.login = login;
      slot.session = *s;
      run.slots[login] = slot;
    }
    conn.close();
  }
  const auto started = Clock::now();
  const auto until = started + std::chrono::milliseconds(static_cast<std::int64_t>(o.duration_s * 1000));
  std::cout << fmt::format("drill load: {} posters posting (posts only)\n", o.posters) << std::flush;
  for (int i = 0; i < o.posters; ++i) {
    const auto& login = o.participants[static_cast<std::size_t>(i) % o.participants.size()].second;
    ++run.posters_running;
    net::co_spawn(net::make_strand(run.ioc), run_crash_poster(run, i, run.slots.at(login), until), net::detached);
  }
  struct stat st{};
  while (run.posters_running > 0) {
    if (!o.stop_file.empty() && ::stat(o.stop_file.c_str(), &st) == 0) run.stop_posting = true;
    co_await sleep_for(20ms);
  }
  run.load_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::map<std::string, int> errors;
  Percentiles actions;
  {
    std::lock_guard lock(run.stats.mutex);
    errors = run.stats.errors;
    actions = percentiles(run.stats.action_ms);
  }
  std::cout << fmt::format("drill load (posts only): {} posters, {:.1f} s: {} acknowledged, {} sessions renewed\n",
                           o.posters, run.load_seconds, run.acks, run.resignins)
            << fmt::format("  failed: {} connection errors, {} answered 5xx ({} of them not a JSON error), "
                           "{} other 4xx, {} 200 without a seq; longest failed request {:.0f} ms\n",
                           run.connection_errors, run.refused_5xx, run.not_json_5xx, run.other_4xx,
                           run.ack_without_seq, run.max_failed_ms)
            << fmt::format("  POST actions acknowledged: p50 {:.1f} ms, p99 {:.1f} ms, max {:.1f} ms\n", actions.p50,
                           actions.p99, actions.max);
  for (const auto& [what, n] : errors) std::cout << fmt::format("    {} × {}\n", n, what);
  std::cout << std::flush;
  if (run.other_4xx || run.ack_without_seq || run.not_json_5xx) run.exit_code = 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse_options(argc, argv);
  // Each stream is a socket: make room for them (the soft limit is often 1024).
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  net::io_context ioc(opt.threads);
  tcp::resolver resolver(ioc);
  beast::error_code ec;
  auto results = resolver.resolve(opt.host, opt.port, ec);
  if (ec || results.empty()) {
    std::cerr << "kunren_drill_load: cannot resolve " << opt.host << ":" << opt.port << ": " << ec.message() << "\n";
    return 2;
  }
  Run run{opt, ioc, results.begin()->endpoint()};
  if (opt.posts_only) {
    if (opt.threads != 1) usage("--posts-only runs one thread");
    run.acks_fd = ::open(opt.acks.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (run.acks_fd < 0) usage("cannot open " + opt.acks);
  }
  auto main_task = [&run]() -> awaitable<void> {
    if (run.opt.posts_only) {
      co_await orchestrate_posts(run);
      if (!run.setup_failure.empty()) {
        std::cout << "  SETUP FAILED: " << run.setup_failure << "\n";
        run.exit_code = 2;
      }
      run.sampling = false;
    } else {
      co_await orchestrate(run);
    }
  };
  net::co_spawn(ioc, main_task(), [&run](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      std::cerr << "kunren_drill_load: " << x.what() << "\n";
    }
    run.exit_code = 2;
    run.sampling = false;
  });
  net::co_spawn(ioc, sample_rss(run), net::detached);
  // A hard stop, whatever happens: the duration, the drain and a minute to open and close.
  net::steady_timer guard(ioc);
  guard.expires_after(std::chrono::seconds(static_cast<int>(opt.duration_s + opt.drain_s + 120)));
  guard.async_wait([&](beast::error_code e) {
    if (e) return;
    std::cerr << "kunren_drill_load: did not finish in time; stopping\n";
    run.exit_code = 2;
    ioc.stop();
  });
  std::vector<std::thread> threads;
  for (int i = 1; i < opt.threads; ++i) threads.emplace_back([&] { ioc.run(); });
  // run() returns when the orchestration is over and the guard is cancelled.
  net::co_spawn(ioc, [&]() -> awaitable<void> {
    while (run.sampling) co_await sleep_for(50ms);
    while (!std::all_of(run.clients.begin(), run.clients.end(), [](auto& c) { return c->finished.load(); }))
      co_await sleep_for(50ms);
    guard.cancel();
  }, net::detached);
  ioc.run();
  for (auto& t : threads) t.join();
  return run.exit_code;
}
