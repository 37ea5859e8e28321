// The HTTP server against real sockets on a free port: routing, the error
// body shape, security headers, limits, bad requests, and a graceful stop
// that lets a request in progress finish. The client is plain POSIX sockets,
// so malformed requests can be sent byte for byte.
#include <kunren/server/http_server.hpp>

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include <nlohmann/json.hpp>

#include "http_client.hpp"

namespace kunren::server {
namespace {

using kunren::testing::connect_to;
using kunren::testing::http_exchange;
using kunren::testing::read_to_end;
using kunren::testing::send_all;

int status_of(const std::string& answer) { return answer.size() > 12 ? std::stoi(answer.substr(9, 3)) : 0; }
std::string body_of(const std::string& answer) {
  auto p = answer.find("\r\n\r\n");
  return p == std::string::npos ? std::string() : answer.substr(p + 4);
}
nlohmann::json error_of(const std::string& answer) { return nlohmann::json::parse(body_of(answer)).at("error"); }

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add("GET", "/hello", "hello", [](const HttpRequest& r, const RouteParams&) {
      return HttpResponse::json(200, {{"hello", "世界"}, {"from", r.remote_address}});
    });
    router.add("GET", "/orgs/{org}/items/{item}", "org.item", [](const HttpRequest&, const RouteParams& p) {
      return HttpResponse::json(200, {{"org", p.at("org")}, {"item", p.at("item")}});
    });
    router.add("POST", "/echo", "echo", [this](const HttpRequest& r, const RouteParams&) {
      ++echo_calls;
      return HttpResponse::json(200, {{"length", r.body.size()}, {"cookie", r.cookie("sid")}});
    });
    router.add("GET", "/own-csp", "own_csp", [](const HttpRequest&, const RouteParams&) {
      HttpResponse res;
      res.content_type = "text/html; charset=utf-8";
      res.headers.emplace_back("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
      res.body = "<style>p{}</style><p>report</p>";
      return res;
    });
    router.add("GET", "/boom", "boom", [](const HttpRequest&, const RouteParams&) -> HttpResponse {
      throw std::runtime_error("secret internal detail");
    });
    router.add("GET", "/slow", "slow", [this](const HttpRequest&, const RouteParams&) {
      entered.set_value();
      release.get_future().wait();
      return HttpResponse::json(200, {{"finished", true}});
    });
  }
  void start(ServerOptions options = {}) {
    options.port = 0;
    options.threads = 2;
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

  Router router;
  std::unique_ptr<HttpServer> server;
  std::thread runner;
  unsigned short port = 0;
  std::atomic<int> echo_calls{0};
  std::promise<void> entered, release;
};

TEST_F(HttpServerTest, AnswersARouteWithJsonAndTheSecurityHeaders) {
  start();
  std::string a = http_exchange(port, "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(status_of(a), 200) << a;
  EXPECT_EQ(nlohmann::json::parse(body_of(a)).at("hello"), "世界");
  EXPECT_EQ(nlohmann::json::parse(body_of(a)).at("from"), "127.0.0.1");
  EXPECT_NE(a.find("Content-Type: application/json; charset=utf-8"), std::string::npos);
  EXPECT_NE(a.find("Cache-Control: no-store"), std::string::npos);
  for (const auto& [name, value] : security_headers()) {
    EXPECT_NE(a.find(name + ": " + value), std::string::npos) << name;
  }
  EXPECT_NE(a.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(a.find("unsafe-inline"), std::string::npos);
}

TEST_F(HttpServerTest, AHandlersOwnCspReplacesTheDefaultAndTheOtherHeadersStay) {
  start();
  std::string a = http_exchange(port, "GET /own-csp HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(status_of(a), 200) << a;
  EXPECT_NE(a.find("Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n"), std::string::npos) << a;
  std::size_t csp = 0;
  for (auto p = a.find("Content-Security-Policy:"); p != std::string::npos; p = a.find("Content-Security-Policy:", p + 1)) ++csp;
  EXPECT_EQ(csp, 1u) << "exactly one policy";
  for (const auto& [name, value] : security_headers()) {
    if (name != "Content-Security-Policy") EXPECT_NE(a.find(name + ": " + value), std::string::npos) << name;
  }
}

TEST_F(HttpServerTest, PathParametersArePercentDecodedOneSegmentAtATime) {
  start();
  std::string a = http_exchange(port, "GET /orgs/%E6%9D%B1%E9%82%A6%20A%2FB/items/IMP-P0-01 HTTP/1.1\r\nHost: x\r\n"
                                 "Connection: close\r\n\r\n");
  ASSERT_EQ(status_of(a), 200) << a;
  EXPECT_EQ(nlohmann::json::parse(body_of(a)).at("org"), "東邦 A/B");
  EXPECT_EQ(status_of(http_exchange(port, "GET /orgs/%zz/items/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")), 404);
}

TEST_F(HttpServerTest, UnknownPathsAre404AndWrongMethods405WithAllowInTheErrorShape) {
  start();
  std::string a = http_exchange(port, "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(status_of(a), 404);
  EXPECT_EQ(error_of(a).at("code"), "not_found");
  EXPECT_TRUE(error_of(a).contains("field"));
  a = http_exchange(port, "DELETE /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(status_of(a), 405);
  EXPECT_NE(a.find("Allow: GET"), std::string::npos);
  EXPECT_EQ(error_of(a).at("code"), "method_not_allowed");
}

TEST_F(HttpServerTest, ABodyOverTheLimitIs413AndTheHandlerNeverRuns) {
  ServerOptions options;
  options.max_body_bytes = 1000;
  start(options);
  std::string a = http_exchange(port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n" +
                                     std::string(5000, 'x'));
  ASSERT_EQ(status_of(a), 413) << a;
  EXPECT_EQ(error_of(a).at("code"), "body_too_large");
  // Chunked bodies have no length up front: the limit still holds.
  std::string chunked = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
  for (int i = 0; i < 3; ++i) chunked += "200\r\n" + std::string(512, 'y') + "\r\n";
  chunked += "0\r\n\r\n";
  EXPECT_EQ(status_of(http_exchange(port, chunked)), 413);
  EXPECT_EQ(echo_calls.load(), 0);
  a = http_exchange(port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nCookie: a=1; sid=abc\r\n"
                     "Connection: close\r\n\r\n0123456789");
  ASSERT_EQ(status_of(a), 200) << a;
  EXPECT_EQ(nlohmann::json::parse(body_of(a)).at("cookie"), "abc");
  EXPECT_EQ(echo_calls.load(), 1);
}

TEST_F(HttpServerTest, OversizedHeadersAre431AndGarbageIs400) {
  ServerOptions options;
  options.max_header_bytes = 2048;
  start(options);
  std::string a =
      http_exchange(port, "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'h') + "\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(status_of(a), 431) << a.substr(0, 200);
  EXPECT_EQ(error_of(a).at("code"), "headers_too_large");
  a = http_exchange(port, "THIS IS NOT HTTP\r\n\r\n");
  ASSERT_EQ(status_of(a), 400) << a;
  EXPECT_EQ(error_of(a).at("code"), "bad_request");
}

TEST_F(HttpServerTest, AHandlerThatThrowsIs500WithoutItsDetail) {
  start();
  std::string a = http_exchange(port, "GET /boom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(status_of(a), 500);
  EXPECT_EQ(a.find("secret internal detail"), std::string::npos);
  // The server keeps serving.
  EXPECT_EQ(status_of(http_exchange(port, "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")), 200);
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  int fd = connect_to(port);
  send_all(fd, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string both = read_to_end(fd);
  ::close(fd);
  std::size_t first = both.find("HTTP/1.1 200");
  ASSERT_NE(first, std::string::npos);
  EXPECT_NE(both.find("HTTP/1.1 200", first + 1), std::string::npos) << both;
}

TEST_F(HttpServerTest, StopLetsARequestInProgressFinishAndClosesIdleConnections) {
  start();
  int idle = connect_to(port);  // a keep-alive client that sends nothing
  auto answer = std::async(std::launch::async, [this] {
    return http_exchange(port, "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  });
  entered.get_future().wait();  // the handler is running
  server->stop();
  release.set_value();
  std::string a = answer.get();
  EXPECT_EQ(status_of(a), 200) << "the request in progress was cut off: " << a;
  EXPECT_EQ(nlohmann::json::parse(body_of(a)).at("finished"), true);
  runner.join();  // run() returns: the drain is complete
  EXPECT_EQ(read_to_end(idle), "") << "the idle connection is closed, not answered";
  ::close(idle);
  int late = kunren::testing::try_connect(port);
  EXPECT_LT(late, 0) << "nobody listens any more";
  if (late >= 0) ::close(late);
}

TEST(Router, EveryRouteIsListedWithItsName) {
  Router r;
  r.add("GET", "/a/{x}", "a.get", [](const HttpRequest&, const RouteParams&) { return HttpResponse{}; });
  r.add("PUT", "/a/{x}", "a.put", [](const HttpRequest&, const RouteParams&) { return HttpResponse{}; });
  ASSERT_EQ(r.routes().size(), 2u);
  EXPECT_EQ(r.routes()[1].name, "a.put");
  EXPECT_EQ(r.match("PUT", "/a/1").route->name, "a.put");
  EXPECT_EQ(r.match("HEAD", "/a/1").route->name, "a.get");
  EXPECT_EQ(r.match("GET", "/a/1/").route, nullptr);
  EXPECT_THROW(r.add("GET", "/a/{x}", "again", {}), std::logic_error);
}

TEST(HttpRequest, CookiesAreFoundByExactName) {
  HttpRequest r;
  r.headers = {{"cookie", "xsid=1; sid=two;  other=3"}};
  EXPECT_EQ(r.cookie("sid"), "two");
  EXPECT_EQ(r.cookie("other"), "3");
  EXPECT_EQ(r.cookie("missing"), "");
}

TEST(HttpRequest, QueryParametersAreFoundByExactNameAndDecoded) {
  HttpRequest r;
  r.query = "xlang=de&lang=en&q=%E8%A8%93%E7%B7%B4+2026&empty=&bare&lang=ja&bad=%zz";
  EXPECT_EQ(r.query_param("lang"), "en") << "the first one, not a longer name that ends the same";
  EXPECT_EQ(r.query_param("q"), "訓練 2026");
  EXPECT_EQ(r.query_param("empty"), "");
  EXPECT_EQ(r.query_param("bare"), "");
  EXPECT_EQ(r.query_param("bad"), "") << "a value that does not decode";
  EXPECT_EQ(r.query_param("missing"), "");
}

}  // namespace
}  // namespace kunren::server
