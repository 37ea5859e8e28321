// Live event streams and periodic jobs of the HTTP server, against real
// sockets on a free port: the text/event-stream headers and wire format
// (chunked), events in order with their ids, heartbeats, no request timeout
// on an open stream, unsubscribing when the client leaves, overflow over a
// stalled socket, the subscriber limit (503), stop() ending open streams
// while requests in progress still finish, and every() jobs. Every wait
// reads the socket (or polls a condition) with a deadline; nothing sleeps to
// synchronise.
#include <kunren/server/events.hpp>
#include <kunren/server/http_server.hpp>

#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "http_client.hpp"

namespace kunren::server {
namespace {

using namespace std::chrono_literals;
using kunren::testing::connect_to;
using kunren::testing::http_exchange;
using kunren::testing::read_to_end;
using kunren::testing::read_until;
using kunren::testing::send_all;

int status_of(const std::string& answer) { return answer.size() > 12 ? std::stoi(answer.substr(9, 3)) : 0; }
std::string head_of(const std::string& answer) { return answer.substr(0, answer.find("\r\n\r\n") + 2); }

// The payload of a chunked body, as far as whole chunks go; `last` is set
// once the final (empty) chunk has arrived.
std::string dechunk(const std::string& answer, bool* last = nullptr) {
  std::string out;
  std::size_t p = answer.find("\r\n\r\n");
  if (p == std::string::npos) return out;
  p += 4;
  while (true) {
    std::size_t eol = answer.find("\r\n", p);
    if (eol == std::string::npos) break;
    std::size_t size = std::stoul(answer.substr(p, eol - p), nullptr, 16);
    if (size == 0) {
      if (last && answer.compare(eol, 4, "\r\n\r\n") == 0) *last = true;
      break;
    }
    if (answer.size() < eol + 2 + size + 2) break;  // incomplete
    out += answer.substr(eol + 2, size);
    EXPECT_EQ(answer.substr(eol + 2 + size, 2), "\r\n");
    p = eol + 2 + size + 2;
  }
  return out;
}

struct Sse {
  std::string id, event, data;
};
// The complete events in an SSE payload; comment lines are counted apart.
std::vector<Sse> parse_sse(const std::string& payload, int* comments = nullptr) {
  std::vector<Sse> out;
  std::size_t p = 0, end;
  while ((end = payload.find("\n\n", p)) != std::string::npos) {
    std::string block = payload.substr(p, end - p);
    p = end + 2;
    if (block.starts_with(":")) {
      if (comments) ++*comments;
      continue;
    }
    Sse e;
    std::size_t q = 0;
    while (q <= block.size()) {
      std::size_t nl = block.find('\n', q);
      std::string line = block.substr(q, nl == std::string::npos ? std::string::npos : nl - q);
      if (line.starts_with("id: "))
        e.id = line.substr(4);
      else if (line.starts_with("event: "))
        e.event = line.substr(7);
      else if (line.starts_with("data: "))
        e.data = line.substr(6);
      else
        ADD_FAILURE() << "unexpected line in an event: " << line;
      if (nl == std::string::npos) break;
      q = nl + 1;
    }
    out.push_back(e);
  }
  return out;
}

// Polls `condition` until it holds or `limit` passes (a bounded wait on a
// condition that has no notification of its own, such as a hub count).
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

const std::string k_get_events = "GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n";

class HttpStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add("GET", "/events", "events", [this](const HttpRequest& r, const RouteParams&) {
      return HttpResponse::event_stream(hub->subscribe("t", r.header("last-event-id")));
    });
    router.add("GET", "/slow", "slow", [this](const HttpRequest&, const RouteParams&) {
      entered.set_value();
      release.get_future().wait();
      return HttpResponse::json(200, {{"finished", true}});
    });
  }
  void start(ServerOptions options = {}, EventHubOptions hub_options = {}) {
    hub = std::make_unique<EventHub>(hub_options);
    options.port = 0;
    options.threads = 2;
    options.on_access = [this](const HttpRequest& r, int status, std::size_t bytes, double) {
      std::lock_guard lock(access_mutex);
      access.push_back({r.path, status, bytes});
    };
    server = std::make_unique<HttpServer>(options, router);
    auto port_or = server->start();
    ASSERT_TRUE(port_or.is_ok()) << port_or.status().to_string();
    port = *port_or;
    runner = std::thread([this] { server->run(); });
  }
  void TearDown() override {
    if (server) server->stop();
    if (runner.joinable()) runner.join();
  }
  // Opens /events and reads until its first event (the subscription exists then).
  int open_stream(std::string& answer, const std::string& request = k_get_events) {
    int fd = connect_to(port);
    send_all(fd, request);
    EXPECT_TRUE(read_until(fd, answer, "data: ")) << answer;
    return fd;
  }
  std::size_t stream_access_lines() {
    std::lock_guard lock(access_mutex);
    std::size_t n = 0;
    for (const auto& a : access) n += a.path == "/events" ? 1 : 0;
    return n;
  }

  struct Access {
    std::string path;
    int status;
    std::size_t bytes;
  };
  Router router;
  std::unique_ptr<EventHub> hub;
  std::unique_ptr<HttpServer> server;
  std::thread runner;
  unsigned short port = 0;
  std::promise<void> entered, release;
  std::mutex access_mutex;
  std::vector<Access> access;
};

TEST_F(HttpStreamTest, StreamsHeadersThenEventsInOrderWithIds) {
  start();
  std::string answer;
  int fd = open_stream(answer);
  ASSERT_EQ(status_of(answer), 200) << answer;
  const std::string head = head_of(answer);
  EXPECT_NE(head.find("Content-Type: text/event-stream; charset=utf-8\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Cache-Control: no-store\r\n"), std::string::npos);
  EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  for (const auto& [name, value] : security_headers())
    EXPECT_NE(head.find(name + ": " + value), std::string::npos) << name;
  EXPECT_EQ(hub->subscriber_count(), 1u);

  const auto a1 =
      hub->publish("t", "revision", nlohmann::json{{"org", "ORG-0001"}, {"state", "submitted"}, {"revision", 3}});
  hub->publish("elsewhere", "revision", R"({"org":"other"})");
  const auto a2 = hub->publish("t", "campaign", R"({"state":"closed"})");
  ASSERT_TRUE(read_until(fd, answer, [](const std::string& a) { return parse_sse(dechunk(a)).size() >= 3; })) << answer;

  const std::string payload = dechunk(answer);
  EXPECT_NE(payload.find(fmt::format("id: {}\nevent: revision\ndata: "
                                     "{{\"org\":\"ORG-0001\",\"revision\":3,\"state\":\"submitted\"}}\n\n",
                                     a1)),
            std::string::npos)
      << payload;
  auto events = parse_sse(payload);
  ASSERT_EQ(events.size(), 3u) << payload;
  EXPECT_EQ(events[0].event, "hello");
  EXPECT_EQ(events[0].id, "0");
  EXPECT_EQ(nlohmann::json::parse(events[0].data).at("topic"), "t");
  EXPECT_EQ(events[1].event, "revision");
  EXPECT_EQ(events[1].id, std::to_string(a1));
  EXPECT_EQ(events[2].event, "campaign");
  EXPECT_EQ(events[2].id, std::to_string(a2));
  EXPECT_EQ(events[2].data, R"({"state":"closed"})");
  EXPECT_EQ(payload.find("other"), std::string::npos) << "another topic's event leaked in";
  ::close(fd);
}

TEST_F(HttpStreamTest, AReconnectingClientFirstGetsResync) {
  start();
  hub->publish("t", "revision", "{}");
  std::string answer;
  int fd = open_stream(answer, "GET /events HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 41\r\n\r\n");
  auto events = parse_sse(dechunk(answer));
  ASSERT_EQ(events.size(), 1u) << answer;
  EXPECT_EQ(events[0].event, "resync");
  EXPECT_EQ(events[0].id, "1");
  ::close(fd);
}

TEST_F(HttpStreamTest, AnIdleStreamGetsHeartbeats) {
  ServerOptions options;
  options.heartbeat_interval = 50ms;
  start(options);
  std::string answer;
  int fd = open_stream(answer);
  int comments = 0;
  ASSERT_TRUE(read_until(fd, answer, [&](const std::string& a) {
    comments = 0;
    parse_sse(dechunk(a), &comments);
    return comments >= 2;
  })) << answer;
  EXPECT_NE(dechunk(answer).find("\n\n: keep-alive\n\n"), std::string::npos);
  ::close(fd);
}

// request_timeout and idle_timeout are 1 s; the stream stays silent (no
// heartbeat) for 1.5 s and must still be open and deliver.
TEST_F(HttpStreamTest, TheRequestAndIdleTimeoutsDoNotCutAnOpenStream) {
  ServerOptions options;
  options.request_timeout = 1s;
  options.idle_timeout = 1s;
  options.heartbeat_interval = 1h;
  start(options);
  std::string answer;
  int fd = open_stream(answer);
  bool closed = false;
  const std::size_t before = answer.size();
  EXPECT_FALSE(read_until(
      fd, answer, [before](const std::string& a) { return a.size() > before; }, 1500ms, &closed))
      << "nothing should arrive: " << answer.substr(before);
  EXPECT_FALSE(closed) << "the timeout cut the stream";
  const auto id = hub->publish("t", "revision", R"({"late":true})");
  EXPECT_TRUE(read_until(fd, answer, "data: {\"late\":true}")) << answer;
  EXPECT_NE(dechunk(answer).find("id: " + std::to_string(id) + "\n"), std::string::npos);
  ::close(fd);
}

TEST_F(HttpStreamTest, AClientLeavingUnsubscribesAtOnceAndIsLogged) {
  ServerOptions options;
  options.heartbeat_interval = 1h;  // so only the pending read can notice
  start(options);
  std::string a1, a2, a3;
  int f1 = open_stream(a1), f2 = open_stream(a2), f3 = open_stream(a3);
  EXPECT_EQ(hub->subscriber_count(), 3u);
  ::close(f1);
  ::close(f2);
  EXPECT_TRUE(eventually([&] { return hub->subscriber_count() == 1; })) << hub->subscriber_count();
  ::shutdown(f3, SHUT_WR);  // a half-close ends the stream too
  EXPECT_TRUE(eventually([&] { return hub->subscriber_count() == 0; })) << hub->subscriber_count();
  EXPECT_TRUE(eventually([&] { return stream_access_lines() == 3; }));
  {
    std::lock_guard lock(access_mutex);
    for (const auto& a : access) {
      EXPECT_EQ(a.status, 200);
      EXPECT_GT(a.bytes, 0u);
    }
  }
  ::close(f3);
}

TEST_F(HttpStreamTest, AStalledClientGetsResyncInsteadOfUnboundedMemory) {
  start({}, EventHubOptions{.max_subscribers = 10, .max_queued_events = 8});
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int small = 4096;
  ASSERT_EQ(::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  send_all(fd, k_get_events);
  std::string answer;
  ASSERT_TRUE(read_until(fd, answer, "event: hello"));
  // The client stops reading while far more is published than the socket
  // buffers hold (24 MiB against a few MiB): the server's write stalls and
  // the stream's queue overflows.
  const std::string padding(64 * 1024, 'x');
  constexpr int k_events = 384;
  for (int i = 0; i < k_events; ++i) hub->publish("t", "revision", nlohmann::json{{"i", i}, {"pad", padding}});
  const std::string last = fmt::format("data: {{\"i\":{},", k_events - 1);
  // Until the chunk holding the newest event is complete.
  ASSERT_TRUE(read_until(
      fd, answer,
      [&last](const std::string& a) {
        if (a.find(last) == std::string::npos) return false;
        auto events = parse_sse(dechunk(a));
        return !events.empty() && events.back().data.starts_with(last.substr(6));
      },
      60s))
      << "the newest event never arrived";
  auto events = parse_sse(dechunk(answer));
  int resyncs = 0, delivered = 0;
  std::uint64_t previous = 0;
  for (const auto& e : events) {
    EXPECT_GE(std::stoull(e.id), previous) << "ids go backwards";
    previous = std::stoull(e.id);
    if (e.event == "resync") {
      ++resyncs;
      EXPECT_EQ(e.data, R"({"reason":"overflow"})");
    }
    if (e.event == "revision") ++delivered;
  }
  EXPECT_GE(resyncs, 1) << "no overflow: the socket buffers took all " << k_events << " events";
  EXPECT_LT(delivered, k_events) << "some events must have been dropped";
  EXPECT_EQ(events.back().event, "revision");
  ::close(fd);
  EXPECT_TRUE(eventually([&] { return hub->subscriber_count() == 0; }));
}

TEST_F(HttpStreamTest, TheSubscriberLimitIsAnswered503AndTheOpenStreamKeepsWorking) {
  start({}, EventHubOptions{.max_subscribers = 1, .max_queued_events = 16});
  std::string answer;
  int fd = open_stream(answer);
  std::string refused = http_exchange(port, "GET /events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(status_of(refused), 503) << refused;
  EXPECT_NE(refused.find("Retry-After: 5\r\n"), std::string::npos);
  auto body = nlohmann::json::parse(refused.substr(refused.find("\r\n\r\n") + 4));
  EXPECT_EQ(body.at("error").at("code"), "unavailable");
  EXPECT_EQ(hub->subscriber_count(), 1u);
  hub->publish("t", "revision", R"({"still":"here"})");
  EXPECT_TRUE(read_until(fd, answer, R"(data: {"still":"here"})"));
  ::close(fd);
}

TEST_F(HttpStreamTest, HeadGetsTheHeadersAndNoSubscription) {
  start();
  std::string a = http_exchange(port, "HEAD /events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(status_of(a), 200) << a;
  EXPECT_NE(a.find("Content-Type: text/event-stream; charset=utf-8"), std::string::npos);
  EXPECT_EQ(hub->subscriber_count(), 0u);
}

TEST_F(HttpStreamTest, Http10ClientsGetACloseDelimitedStream) {
  start();
  std::string answer;
  int fd = open_stream(answer, "GET /events HTTP/1.0\r\n\r\n");
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.0 200") << answer;
  EXPECT_EQ(answer.find("Transfer-Encoding"), std::string::npos);
  hub->publish("t", "revision", R"({"v":1})");
  EXPECT_TRUE(read_until(fd, answer, "event: revision\ndata: {\"v\":1}\n\n")) << answer;
  ::close(fd);
}

TEST_F(HttpStreamTest, StopEndsOpenStreamsWhileARequestInProgressFinishes) {
  ServerOptions options;
  options.heartbeat_interval = 1h;
  start(options);
  std::string answer;
  int stream = open_stream(answer);
  auto slow = std::async(std::launch::async, [this] {
    return http_exchange(port, "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  });
  entered.get_future().wait();  // the slow handler is running
  server->stop();
  bool closed = false, last = false;
  // The stream ends (final chunk, then close) while the slow request is still held.
  read_until(
      stream, answer, [](const std::string&) { return false; }, 10s, &closed);
  EXPECT_TRUE(closed) << "the open stream was not ended by stop()";
  dechunk(answer, &last);
  EXPECT_TRUE(last) << "no final chunk: " << answer;
  EXPECT_TRUE(eventually([&] { return hub->subscriber_count() == 0; }));
  release.set_value();
  std::string a = slow.get();
  EXPECT_EQ(status_of(a), 200) << "the request in progress was cut off: " << a;
  runner.join();  // run() returns
  ::close(stream);
}

TEST_F(HttpStreamTest, PeriodicJobsRunUntilStopAndALongIntervalDoesNotDelayIt) {
  start();
  std::mutex mutex;
  std::condition_variable cv;
  int runs = 0, throws = 0, hourly = 0;
  server->every(5ms, [&] {
    std::lock_guard lock(mutex);
    ++runs;
    cv.notify_all();
  });
  server->every(5ms, [&] {
    {
      std::lock_guard lock(mutex);
      ++throws;
      cv.notify_all();
    }
    throw std::runtime_error("a failing job keeps its schedule");
  });
  server->every(1h, [&] { ++hourly; });
  {
    std::unique_lock lock(mutex);
    EXPECT_TRUE(cv.wait_for(lock, 10s, [&] { return runs >= 3 && throws >= 3; })) << runs << " " << throws;
  }
  server->stop();
  auto joined = std::async(std::launch::async, [this] { runner.join(); });
  if (joined.wait_for(10s) != std::future_status::ready) {
    std::fputs("run() did not return after stop(): a job timer keeps it busy\n", stderr);
    std::abort();  // fail now rather than hang
  }
  EXPECT_EQ(hourly, 0);
  server->every(1ms, [&] { ++hourly; });  // after stop: ignored
  EXPECT_EQ(hourly, 0);
}

}  // namespace
}  // namespace kunren::server
