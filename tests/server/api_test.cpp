// The session API over real HTTP on a free port, on an SQLite store with one
// user: sign in (cookie attributes, CSRF token, same answer for wrong and
// unknown), who-am-I, sign out with and without the CSRF token, content type
// and body checks, and throttling answered 429 with Retry-After.
#include <kunren/server/api.hpp>

#include <gtest/gtest.h>

#include <thread>

#include <nlohmann/json.hpp>

#include <kunren/server/http_server.hpp>
#include <kunren/util/password.hpp>

#include "../test_support.hpp"
#include "http_client.hpp"

namespace kunren::server {
namespace {

std::string roundtrip(unsigned short port, const std::string& request) {
  return kunren::testing::http_exchange(port, request);
}

struct Answer {
  int status = 0;
  std::string head;
  nlohmann::json body;
};

Answer parse(const std::string& raw) {
  Answer a;
  auto split = raw.find("\r\n\r\n");
  a.head = raw.substr(0, split);
  a.status = raw.size() > 12 ? std::stoi(raw.substr(9, 3)) : 0;
  std::string body = split == std::string::npos ? "" : raw.substr(split + 4);
  a.body = body.empty() ? nlohmann::json() : nlohmann::json::parse(body, nullptr, false);
  return a;
}

class SessionApi : public ::testing::Test {
 protected:
  void SetUp() override {
    context.db_url = "sqlite:" + dir.path("kunren.db");
    store::OpenOptions options;
    options.create = options.migrate = true;
    auto db = store::open_store(context.db_url, options);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    ASSERT_TRUE((*db)->put_orgs({store::OrgRecord{"org-a", "A", "", "", {}, {}}}, store::Actor{"test"}).is_ok());
    store::User u;
    u.login = "hanako";
    u.display_name = "山田 花子";
    u.password_hash = util::hash_password("correct horse battery").value();
    u.roles = {store::Role::kEvaluator};
    u.orgs = {"org-a"};
    ASSERT_TRUE((*db)->create_user(u, store::Actor{"test"}).is_ok());
    auto auth = Authenticator::create(context.sessions);
    ASSERT_TRUE(auth.is_ok());
    context.authenticator = std::move(auth).value();
    add_session_routes(router, context);
    ServerOptions so;
    so.port = 0;
    so.threads = 2;
    server = std::make_unique<HttpServer>(so, router);
    port = server->start().value();
    runner = std::thread([this] { server->run(); });
  }
  void TearDown() override {
    server->stop();
    runner.join();
  }

  Answer post_session(const std::string& body, const std::string& type = "application/json",
                      const std::string& cookie = {}) {
    return parse(roundtrip(port, "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: " + type +
                                     "\r\nContent-Length: " + std::to_string(body.size()) +
                                     (cookie.empty() ? "" : "\r\nCookie: kunren_session=" + cookie) +
                                     "\r\nConnection: close\r\n\r\n" + body));
  }
  Answer get_me(const std::string& cookie) {
    return parse(roundtrip(port, "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nCookie: kunren_session=" + cookie +
                                     "\r\nConnection: close\r\n\r\n"));
  }
  Answer delete_session(const std::string& cookie, const std::string& csrf) {
    return parse(roundtrip(port, "DELETE /api/v1/session HTTP/1.1\r\nHost: x\r\nCookie: kunren_session=" + cookie +
                                     (csrf.empty() ? "" : "\r\nX-CSRF-Token: " + csrf) +
                                     "\r\nConnection: close\r\n\r\n"));
  }
  static std::string cookie_of(const Answer& a) {
    auto p = a.head.find("Set-Cookie: kunren_session=");
    if (p == std::string::npos) return {};
    p += 27;
    return a.head.substr(p, a.head.find(';', p) - p);
  }

  kunren::testing::TempDir dir;
  ApiContext context;
  Router router;
  std::unique_ptr<HttpServer> server;
  std::thread runner;
  unsigned short port = 0;
};

TEST_F(SessionApi, SigningInSetsAnHttpOnlyLaxCookieAndReturnsTheCsrfToken) {
  Answer a = post_session(R"({"login":"hanako","password":"correct horse battery"})");
  ASSERT_EQ(a.status, 200) << a.head << a.body;
  EXPECT_EQ(a.body.at("login"), "hanako");
  EXPECT_EQ(a.body.at("organizations"), nlohmann::json::array({"org-a"}));
  EXPECT_EQ(a.body.at("roles"), nlohmann::json::array({"evaluator"}));
  EXPECT_EQ(a.body.at("csrf_token").get<std::string>().size(), 43u);
  EXPECT_NE(a.head.find("; Path=/; HttpOnly; SameSite=Lax"), std::string::npos) << a.head;
  EXPECT_EQ(a.head.find("Secure"), std::string::npos);
  const std::string cookie = cookie_of(a);
  ASSERT_EQ(cookie.size(), 43u);

  Answer me = get_me(cookie);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.body.at("display_name"), "山田 花子");
  EXPECT_EQ(get_me("not-a-session").status, 401);
}

TEST_F(SessionApi, WrongPasswordAndUnknownLoginGetTheSameAnswer) {
  Answer wrong = post_session(R"({"login":"hanako","password":"wrong password!"})");
  Answer unknown = post_session(R"({"login":"nobody","password":"wrong password!"})");
  ASSERT_EQ(wrong.status, 401);
  ASSERT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(wrong.head.find("Set-Cookie"), std::string::npos);
}

TEST_F(SessionApi, SigningInAgainGivesANewSessionAndEndsTheOldOne) {
  const std::string first = cookie_of(post_session(R"({"login":"hanako","password":"correct horse battery"})"));
  const std::string second =
      cookie_of(post_session(R"({"login":"hanako","password":"correct horse battery"})", "application/json", first));
  ASSERT_FALSE(second.empty());
  EXPECT_NE(first, second);
  EXPECT_EQ(get_me(first).status, 401);
  EXPECT_EQ(get_me(second).status, 200);
}

TEST_F(SessionApi, SigningOutNeedsTheCsrfTokenAndEndsTheSession) {
  Answer in = post_session(R"({"login":"hanako","password":"correct horse battery"})");
  const std::string cookie = cookie_of(in);
  Answer refused = delete_session(cookie, "");
  ASSERT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body.at("error").at("field"), "X-CSRF-Token");
  EXPECT_EQ(delete_session(cookie, std::string(43, 'A')).status, 403);
  EXPECT_EQ(get_me(cookie).status, 200) << "a refused sign-out changes nothing";
  Answer out = delete_session(cookie, in.body.at("csrf_token").get<std::string>());
  ASSERT_EQ(out.status, 204);
  EXPECT_NE(out.head.find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(get_me(cookie).status, 401);
  EXPECT_EQ(delete_session(cookie, in.body.at("csrf_token").get<std::string>()).status, 401);
}

TEST_F(SessionApi, BadBodiesAreRefusedWithTheRightStatusAndField) {
  EXPECT_EQ(post_session(R"({"login":"hanako"})", "text/plain").status, 415);
  EXPECT_EQ(post_session(R"({"login":"hanako",)").status, 400);
  EXPECT_EQ(post_session(R"(["hanako"])").status, 422);
  Answer missing = post_session(R"({"login":"hanako","password":""})");
  ASSERT_EQ(missing.status, 422);
  EXPECT_EQ(missing.body.at("error").at("field"), "password");
}

TEST_F(SessionApi, RepeatedFailuresAreThrottledWith429AndRetryAfter) {
  Answer last;
  for (int i = 0; i < 6; ++i) last = post_session(R"({"login":"hanako","password":"guessing again"})");
  ASSERT_EQ(last.status, 429) << last.body;
  EXPECT_NE(last.head.find("Retry-After: "), std::string::npos);
  // Even the right password waits now.
  EXPECT_EQ(post_session(R"({"login":"hanako","password":"correct horse battery"})").status, 429);
}

}  // namespace
}  // namespace kunren::server
