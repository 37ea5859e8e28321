// Attacks on `kunren serve` over real loopback sockets, every route of
// web::add_all_routes on a fresh store (docs/security.md names each control
// and the test here that proves it): session fixation, cross-site request
// forgery on every state-changing route, open redirects through ?next=,
// path traversal on static files and path parameters, oversized headers and
// bodies and deeply nested JSON, slow clients (slowloris), login throttling
// per account and per address, and the security headers and cookie flags.
// Waiting is always on a socket or a condition with a generous deadline,
// never a sleep.
#include <gtest/gtest.h>

#include <poll.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include <kunren/server/api_support.hpp>

#include "api_fixture.hpp"

namespace kunren::server {
namespace {

using kunren::testing::connect_to;
using kunren::testing::read_to_end;
using kunren::testing::read_until;
using kunren::testing::send_all;
using nlohmann::json;

std::string header_value(const std::string& head, const std::string& name) {
  // Case-sensitive on the name as the server writes it.
  const std::string key = "\r\n" + name + ": ";
  auto p = head.find(key);
  if (p == std::string::npos) return {};
  p += key.size();
  return head.substr(p, head.find("\r\n", p) - p);
}

std::string session_cookie_of(const Answer& a) {
  const std::string set = header_value(a.head, "Set-Cookie");
  if (set.rfind("kunren_session=", 0) != 0) return {};
  return set.substr(15, set.find(';') - 15);
}

// The patterns' placeholders filled as the route matrix does: campaign and
// drill "c", organisation "org-a".
std::string fill(const std::string& pattern) {
  static const std::vector<std::pair<std::string, std::string>> k_values = {
      {"{id}", "c"},  {"{org}", "org-a"}, {"{login}", "eve"}, {"{no}", "1"}, {"{file}", "app.css"},
      {"{kind}", "contact-tree"}};
  std::string out = pattern;
  for (const auto& [k, v] : k_values) {
    for (auto p = out.find(k); p != std::string::npos; p = out.find(k)) out.replace(p, k.size(), v);
  }
  return out;
}

// Waits (poll, with a deadline) until the peer closes the socket; false if it
// is still open at the deadline. Bytes that arrive meanwhile are dropped.
bool closed_within(int fd, std::chrono::milliseconds limit) {
  std::string ignored;
  bool closed = false;
  read_until(fd, ignored, [](const std::string&) { return false; }, limit, &closed);
  return closed;
}

class Security : public CampaignApiTest {
 protected:
  // One request; `who` signed in (cookie and, unless told, the CSRF token).
  Answer send(const std::string& method, const std::string& target, const Signed* who = nullptr,
              const std::string& body = {}, const std::vector<std::string>& extra = {}, bool with_csrf = true,
              const std::string& type = "application/json") {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: kunren.test\r\n";
    if (who) {
      req += "Cookie: kunren_session=" + who->cookie + "\r\n";
      if (with_csrf) req += "X-CSRF-Token: " + who->csrf + "\r\n";
    }
    for (const auto& h : extra) req += h + "\r\n";
    if (!body.empty()) req += "Content-Type: " + type + "\r\n";
    req += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    return parse(kunren::testing::http_exchange(port, req));
  }
  Answer me(const std::string& cookie) {
    Signed s{cookie, ""};
    return send("GET", "/api/v1/me", &s);
  }
  Answer sign_in_raw(const std::string& login, const std::string& password, const std::vector<std::string>& extra = {}) {
    return send("POST", "/api/v1/session", nullptr, json{{"login", login}, {"password", password}}.dump(), extra);
  }
};

// ---- session fixation ------------------------------------------------------------

TEST_F(Security, AnIdPlantedBeforeSignInIsNeverTheOneAfterAndDiesAtSignInAndSignOut) {
  // 1. A made-up id planted in the victim's browser is not adopted: the
  //    server only ever hands out ids it made itself.
  const std::string planted(43, 'x');
  Answer a = send("POST", "/api/v1/session", nullptr, R"({"login":"eva","password":"correct horse battery"})",
                  {"Cookie: kunren_session=" + planted});
  ASSERT_EQ(a.status, 200) << a.body;
  const std::string issued = session_cookie_of(a);
  ASSERT_EQ(issued.size(), 43u);
  EXPECT_NE(issued, planted);
  EXPECT_EQ(me(planted).status, 401);
  EXPECT_EQ(me(issued).status, 200);

  // 2. A real session id (the attacker's own, as eve) planted in the
  //    victim's browser: after the victim signs in as eva the browser holds a
  //    new id, and the planted one is dead (so the attacker does not ride the
  //    victim's sign-in).
  Signed attacker = sign_in("eve");
  ASSERT_EQ(me(attacker.cookie).status, 200);
  Answer victim = send("POST", "/api/v1/session", nullptr, R"({"login":"eva","password":"correct horse battery"})",
                       {"Cookie: kunren_session=" + attacker.cookie});
  ASSERT_EQ(victim.status, 200);
  const std::string after = session_cookie_of(victim);
  EXPECT_NE(after, attacker.cookie);
  EXPECT_NE(victim.body.at("csrf_token"), attacker.csrf);
  EXPECT_EQ(me(attacker.cookie).status, 401) << "the id presented before sign-in must be dead after it";
  Answer who = me(after);
  ASSERT_EQ(who.status, 200);
  EXPECT_EQ(who.body.at("login"), "eva");

  // 3. Signing out kills the id (and its CSRF token) for good.
  Signed s{after, victim.body.at("csrf_token").get<std::string>()};
  ASSERT_EQ(send("DELETE", "/api/v1/session", &s).status, 204);
  EXPECT_EQ(me(after).status, 401);
  EXPECT_EQ(send("PUT", "/api/v1/campaigns/c/evaluations/org-a", &s, R"({"answers":[{"item":"Q1","choice":1}]})").status,
            401);
  EXPECT_TRUE(db->revision_history("c", "org-a").value().empty());
  // Signing in again gives yet another id.
  Signed again = sign_in("eva");
  EXPECT_NE(again.cookie, after);
  EXPECT_NE(again.cookie, issued);
}

TEST_F(Security, NoResponseButSigningInHandsOutASessionCookie) {
  // Pages and the API never set a session for an anonymous visitor (no
  // pre-login session that could be fixed).
  for (const char* target : {"/login", "/", "/healthz", "/api/v1", "/static/app.css", "/campaigns", "/api/v1/me"}) {
    Answer a = send("GET", target);
    EXPECT_EQ(a.head.find("kunren_session="), std::string::npos) << target << "\n" << a.head;
  }
  Answer wrong = sign_in_raw("eva", "not the password");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.head.find("kunren_session="), std::string::npos);
}

// ---- CSRF ------------------------------------------------------------------------

TEST_F(Security, EveryStateChangingRouteRefusesCookieAuthWithoutTheRightTokenOrFromAnotherSite) {
  Signed eva = sign_in("eva");
  Signed coco = sign_in("coco");
  int checked = 0;
  for (const Route& route : router.routes()) {
    if (route.method == "GET" || route.method == "HEAD") continue;
    if (route.name == "session.create") continue;  // no session yet: its own test below
    SCOPED_TRACE(route.method + " " + route.pattern);
    const std::string target = fill(route.pattern);
    struct Try {
      const char* what;
      bool with_csrf;
      Signed who;
      std::vector<std::string> extra;
    };
    const std::vector<Try> tries = {
        {"no token", false, eva, {}},
        {"a wrong token", false, eva, {"X-CSRF-Token: " + std::string(43, 'A')}},
        {"an empty token", false, eva, {"X-CSRF-Token: "}},
        {"another session's token", false, eva, {"X-CSRF-Token: " + coco.csrf}},
        {"the token in the query instead", false, eva, {}},
        {"the right token from another site", true, eva, {"Sec-Fetch-Site: cross-site", "Origin: https://evil.example"}},
        {"the right token from a sibling site", true, eva, {"Sec-Fetch-Site: same-site"}},
        {"the right token from an opaque origin", true, eva, {"Origin: null"}},
    };
    for (const Try& t : tries) {
      const std::string url =
          std::string(t.what) == "the token in the query instead" ? target + "?csrf_token=" + eva.csrf : target;
      Answer a = send(route.method, url, &t.who, "{}", t.extra, t.with_csrf);
      EXPECT_EQ(a.status, 403) << t.what << ": " << a.body;
      if (a.body.is_object()) {
        EXPECT_EQ(a.body["error"].value("code", ""), "csrf") << t.what;
      }
    }
    ++checked;
  }
  EXPECT_GE(checked, 15) << "the router's state-changing routes were not found";
  // The session survived every refused attempt, and nothing was written.
  EXPECT_EQ(me(eva.cookie).status, 200);
  EXPECT_TRUE(db->revision_history("c", "org-a").value().empty());
  EXPECT_EQ(db->get_campaign("c").value().state, store::CampaignState::kOpen);
}

TEST_F(Security, TheSameRequestWithTheTokenFromTheSameOriginIsAccepted) {
  // The control for the test above: the refusals came from the token and
  // the site, not from the request's shape.
  Signed eva = sign_in("eva");
  Answer a = send("PUT", "/api/v1/campaigns/c/evaluations/org-a", &eva, R"({"answers":[{"item":"Q1","choice":1}]})",
                  {"Sec-Fetch-Site: same-origin", "Origin: http://kunren.test"});
  EXPECT_EQ(a.status, 200) << a.body;
  // A client that sends no fetch metadata at all (curl, scripts) is judged
  // by the token alone.
  Answer b = send("PUT", "/api/v1/campaigns/c/evaluations/org-a", &eva, R"({"answers":[{"item":"Q1","choice":2}]})");
  EXPECT_EQ(b.status, 200) << b.body;
  EXPECT_EQ(db->revision_history("c", "org-a").value().size(), 2u) << "both saves were taken (a revision each)";
}

TEST_F(Security, SigningInFromAnotherSiteOrAsAFormPostIsRefused) {
  // Login CSRF: a page elsewhere signing the victim's browser in to an
  // account the attacker controls.
  Answer cross = sign_in_raw("eva", "correct horse battery", {"Sec-Fetch-Site: cross-site"});
  EXPECT_EQ(cross.status, 403);
  EXPECT_EQ(cross.body["error"].value("code", ""), "csrf");
  EXPECT_TRUE(session_cookie_of(cross).empty());
  Answer opaque = sign_in_raw("eva", "correct horse battery", {"Origin: null"});
  EXPECT_EQ(opaque.status, 403);
  // An HTML form can only send form encodings or text/plain, never JSON.
  for (const char* type : {"application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"}) {
    Answer form = send("POST", "/api/v1/session", nullptr, R"({"login":"eva","password":"correct horse battery"})", {},
                       true, type);
    EXPECT_EQ(form.status, 415) << type;
    EXPECT_TRUE(session_cookie_of(form).empty()) << type;
  }
  EXPECT_EQ(sign_in_raw("eva", "correct horse battery", {"Sec-Fetch-Site: same-origin"}).status, 200);
}

// ---- open redirect ---------------------------------------------------------------

// A Location a browser resolves on this host: a path, not "//host" or "/\host".
bool is_local(const std::string& location) {
  if (location.empty() || location[0] != '/') return false;
  if (location.size() > 1 && (location[1] == '/' || location[1] == '\\')) return false;
  for (unsigned char ch : location) {
    if (ch < 0x20 || ch == 0x7f || ch == '\\') return false;
  }
  return true;
}

TEST_F(Security, SignInNextParametersLeadOnlyToPathsOnThisServer) {
  Signed eva = sign_in("eva");
  // As sent in the query (already percent-encoded where needed).
  const std::vector<std::string> hostile = {
      "https://evil.example/",         "http:%2F%2Fevil.example",        "%2F%2Fevil.example",
      "//evil.example",                "/%2Fevil.example",               "%2F%5Cevil.example",
      "/%5Cevil.example",              "%5C%5Cevil.example",             "%2F%09%2Fevil.example",
      "%2F%0D%0ASet-Cookie:%20x=1",    "javascript:alert(1)",            "%6A%61vascript:alert(1)",
      "evil.example",                  "%252F%252Fevil.example",         "%2F%2F%2Fevil.example",
      "%2F%00%2Fevil.example",         "%E3%80%80%2F%2Fevil.example",    "/%2F%2Fevil.example%2F..",
  };
  for (const std::string& next : hostile) {
    SCOPED_TRACE(next);
    // Signed in: /login sends the browser straight on.
    Answer a = send("GET", "/login?next=" + next, &eva);
    ASSERT_EQ(a.status, 303);
    const std::string location = header_value(a.head, "Location");
    EXPECT_TRUE(is_local(location)) << location;
    EXPECT_EQ(location.find("evil.example"), std::string::npos) << location;
    // Signed out: the form carries the checked value for its script.
    Answer page = send("GET", "/login?next=" + next);
    ASSERT_EQ(page.status, 200);
    auto at = page.text.find("data-next=\"");
    ASSERT_NE(at, std::string::npos);
    const std::string shown = page.text.substr(at + 11, page.text.find('"', at + 11) - at - 11);
    EXPECT_TRUE(is_local(shown)) << shown;
  }
  // A local path is kept as it is.
  Answer ok = send("GET", "/login?next=%2Fcampaigns%2Fc%3Flang%3Den", &eva);
  EXPECT_EQ(header_value(ok.head, "Location"), "/campaigns/c?lang=en");
  // Every redirect to sign in carries a local path, whatever the request's path looked like.
  for (const char* target : {"/campaigns", "//evil.example/campaigns", "/campaigns/%2F%2Fevil.example"}) {
    Answer a = send("GET", target);
    if (a.status != 303) continue;
    const std::string location = header_value(a.head, "Location");
    EXPECT_EQ(location.rfind("/login?next=", 0), 0u) << location;
    EXPECT_EQ(location.find("//"), std::string::npos) << location;
  }
  // Signing out has no redirect at all (204, the page script goes to /login).
  Answer out = send("DELETE", "/api/v1/session", &eva);
  EXPECT_EQ(out.status, 204);
  EXPECT_TRUE(header_value(out.head, "Location").empty());
}

// ---- path traversal -------------------------------------------------------------

TEST_F(Security, StaticFilesComeOnlyFromTheEmbeddedSetWhateverThePathSays) {
  // Files beside the server that traversal would aim at.
  {
    std::ofstream(dir.path("secret.txt")) << "TOP-SECRET-NEXT-TO-THE-SERVER";
  }
  const std::vector<std::string> attacks = {
      "/static/../kunren.db",
      "/static/..%2Fkunren.db",
      "/static/%2e%2e%2fkunren.db",
      "/static/%2E%2E%2Fsecret.txt",
      "/static/%252e%252e%252fsecret.txt",
      "/static/..%5Csecret.txt",
      "/static/..\\secret.txt",
      "/static/app.css%00.txt",
      "/static/app.css%00",
      "/static/%2Fetc%2Fpasswd",
      "/static//etc/passwd",
      "/static/%2e%2e/%2e%2e/etc/passwd",
      "/static/....//....//etc/passwd",
      "/static/..;/secret.txt",
      "/static/.",
      "/static/..",
      "/static/%2e",
      "/static/app.css/..",
      "/static/app.css%2F..%2F..%2Fsecret.txt",
      "/static/" + dir.path("secret.txt"),
      "/static/%2F" + dir.path("secret.txt").substr(1),
      "/static/%C0%AE%C0%AE%C0%AFsecret.txt",
      "/static/..%c0%afsecret.txt",
      "/static/../../../../../../etc/passwd",
      "http://kunren.test/static/../../etc/passwd",
      "/../../etc/passwd",
      "/%2e%2e/%2e%2e/etc/passwd",
  };
  for (const std::string& target : attacks) {
    SCOPED_TRACE(target);
    Answer a = send("GET", target);
    EXPECT_TRUE(a.status == 400 || a.status == 404) << a.status;
    EXPECT_EQ(a.text.find("TOP-SECRET"), std::string::npos);
    EXPECT_EQ(a.text.find("SQLite format"), std::string::npos);
    EXPECT_EQ(a.text.find("root:"), std::string::npos);
  }
  Answer css = send("GET", "/static/app.css");
  EXPECT_EQ(css.status, 200) << "the control: an embedded file is served";
}

TEST_F(Security, EncodedSlashesAndDotsInPathParametersNeverReachAnotherOrganisation) {
  Signed eve = sign_in("eve");
  Signed eva = sign_in("eva");
  ASSERT_EQ(send("PUT", "/api/v1/campaigns/c/evaluations/org-b", &eve,
                 R"({"answers":[{"item":"Q1","choice":1,"comment":"KANARI-org-b"}]})")
                .status,
            200);
  for (const char* org : {"..%2Forg-b", "org-a%2F..%2Forg-b", "org-a%2F%2E%2E%2Forg-b", "%2E%2E/org-b", "org-b%00",
                          "org-b%2F", "ORG-B", "org-b%20", "org-a/../org-b"}) {
    SCOPED_TRACE(org);
    for (const std::string& target :
         {std::string("/api/v1/campaigns/c/evaluations/") + org, std::string("/campaigns/c/evaluations/") + org}) {
      Answer a = send("GET", target, &eva);
      EXPECT_NE(a.status, 200) << target;
      EXPECT_EQ(a.text.find("KANARI-org-b"), std::string::npos) << target;
    }
  }
}

// ---- oversized requests ------------------------------------------------------------

TEST_F(Security, OversizedHeadersAre431AndTheConnectionIsClosed) {
  for (const std::string& headers :
       {"X-Big: " + std::string(20 * 1024, 'a') + "\r\n", [] {
          std::string many;
          for (int i = 0; i < 2000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
          return many;
        }(),
        "Cookie: kunren_session=" + std::string(20 * 1024, 'c') + "\r\n"}) {
    int fd = connect_to(port);
    send_all(fd, "GET /api/v1/me HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n");
    std::string answer;
    bool closed = false;
    read_until(fd, answer, [](const std::string&) { return false; }, std::chrono::seconds(20), &closed);
    ::close(fd);
    EXPECT_TRUE(closed) << "the server must close after refusing";
    Answer a = parse(answer);
    EXPECT_EQ(a.status, 431);
    EXPECT_EQ(a.body["error"].value("code", ""), "headers_too_large");
  }
  EXPECT_EQ(send("GET", "/healthz").status, 200);
}

TEST_F(Security, AnOversizedBodyIsRefusedBeforeItIsSent) {
  Signed eva = sign_in("eva");
  // Only the headers go out: the 413 must come without the body being read.
  for (const char* route : {"PUT /api/v1/campaigns/c/evaluations/org-a", "POST /api/v1/session",
                            "POST /api/v1/campaigns/c/packages"}) {
    SCOPED_TRACE(route);
    int fd = connect_to(port);
    send_all(fd, std::string(route) + " HTTP/1.1\r\nHost: x\r\nCookie: kunren_session=" + eva.cookie +
                     "\r\nX-CSRF-Token: " + eva.csrf + "\r\nContent-Type: application/json\r\nContent-Length: " +
                     std::to_string(64 * 1024 * 1024) + "\r\n\r\n");
    std::string answer;
    bool closed = false;
    read_until(fd, answer, [](const std::string&) { return false; }, std::chrono::seconds(20), &closed);
    ::close(fd);
    EXPECT_TRUE(closed);
    Answer a = parse(answer);
    EXPECT_EQ(a.status, 413);
    EXPECT_EQ(a.body["error"].value("code", ""), "body_too_large");
  }
  // Chunked, with no length up front: cut off at the limit.
  int fd = connect_to(port);
  send_all(fd, "PUT /api/v1/campaigns/c/evaluations/org-a HTTP/1.1\r\nHost: x\r\nCookie: kunren_session=" + eva.cookie +
                   "\r\nX-CSRF-Token: " + eva.csrf + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
  // Exactly the limit (1 MiB) in 64 KiB chunks, then one byte more: the
  // refusal comes at the last chunk, when the server has read all the rest
  // (so its close does not reset the connection before the answer is read).
  const std::string chunk(64 * 1024, ' ');
  for (int i = 0; i < 16; ++i) send_all(fd, "10000\r\n" + chunk + "\r\n");
  send_all(fd, "1\r\n \r\n0\r\n\r\n");
  std::string answer;
  bool closed = false;
  read_until(fd, answer, [](const std::string&) { return false; }, std::chrono::seconds(20), &closed);
  ::close(fd);
  EXPECT_TRUE(closed);
  EXPECT_EQ(parse(answer).status, 413);
  EXPECT_TRUE(db->revision_history("c", "org-a").value().empty());
}

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST_F(Security, DeeplyNestedJsonIsRefusedAndTheServerStaysUp) {
  Signed eva = sign_in("eva");
  // 300,000 levels fit in 1 MiB. Before the depth limit a handler that copies
  // part of the body (the preparedness save copies "document") overflowed
  // the I/O thread's stack and took the whole server down.
  const std::string deep = nested(300000);
  for (const auto& [method, target, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"PUT", "/api/v1/orgs/org-a/prepare/contact-tree", R"({"base_no":0,"document":)" + deep + "}"},
           {"PUT", "/api/v1/orgs/org-a/prepare/contact-tree", R"({"base_no":)" + deep + "}"},
           {"PUT", "/api/v1/campaigns/c/evaluations/org-a", R"({"answers":)" + deep + "}"},
           {"POST", "/api/v1/session", R"({"login":"eva","password":)" + deep + "}"},
       }) {
    SCOPED_TRACE(method + " " + target);
    Answer a = send(method, target, &eva, body);
    EXPECT_EQ(a.status, 400) << a.body;
    EXPECT_EQ(a.body["error"].value("code", ""), "bad_json");
    ASSERT_EQ(send("GET", "/healthz").status, 200) << "the server must still answer";
  }
  // An offline package is JSON too: before the check, a package whose
  // "format" was nested deep was printed into the error message, recursing
  // once per level, and the server died.
  Signed coco = sign_in("coco");
  Answer package = send("POST", "/api/v1/campaigns/c/packages?filename=deep.kunren", &coco,
                        R"({"format":)" + deep + "}", {}, true, "application/octet-stream");
  EXPECT_EQ(package.status, 422) << package.body;
  EXPECT_EQ(package.body["error"].value("field", ""), "package");
  ASSERT_EQ(send("GET", "/healthz").status, 200) << "the server must still answer";
  // At the limit the body is parsed and judged on its content (422 here);
  // one level more is refused as JSON.
  const std::string at_limit = R"({"login":"eva","password":)" + nested(k_max_json_depth - 1) + "}";
  const std::string over = R"({"login":"eva","password":)" + nested(k_max_json_depth) + "}";
  EXPECT_EQ(send("POST", "/api/v1/session", nullptr, at_limit).status, 422);
  EXPECT_EQ(send("POST", "/api/v1/session", nullptr, over).status, 400);
}

TEST(JsonDepth, CountsArraysAndObjectsButNotBracketsInStrings) {
  EXPECT_EQ(json_depth(""), 0u);
  EXPECT_EQ(json_depth("1"), 0u);
  EXPECT_EQ(json_depth("{}"), 1u);
  EXPECT_EQ(json_depth(R"({"a":[1,{"b":[]}],"c":{}})"), 4u);
  EXPECT_EQ(json_depth(R"({"a":"[[[[[[{{{{"})"), 1u);
  EXPECT_EQ(json_depth(R"({"a":"\"[[[[","b":[]})"), 2u);
  EXPECT_EQ(json_depth(R"({"a":"\\","b":[[]]})"), 3u);
  EXPECT_EQ(json_depth("]]]][[]"), 2u) << "stray closers do not go below zero";
}

// ---- slow clients (slowloris) --------------------------------------------------------

class SlowClients : public Security {
 protected:
  void SetUp() override {
    server_options.request_timeout = std::chrono::seconds(1);
    server_options.idle_timeout = std::chrono::seconds(1);
    Security::SetUp();
  }
  // Sends `bytes` one at a time, pausing on the socket between them (a poll
  // that also notices the server closing). True if the server closed it
  // before `limit`; every other client is served meanwhile (checked once per
  // second).
  bool dribble_until_closed(int fd, const std::string& bytes, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    auto next_check = std::chrono::steady_clock::now();
    for (std::size_t i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
      const char ch = bytes[i % bytes.size()];
      if (::send(fd, &ch, 1, MSG_NOSIGNAL) != 1) return true;  // the server closed it
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 100) > 0) {
        char buf[512];
        if (::recv(fd, buf, sizeof buf, 0) <= 0) return true;
      }
      if (std::chrono::steady_clock::now() >= next_check) {
        EXPECT_EQ(send("GET", "/healthz").status, 200) << "another client must be served meanwhile";
        next_check += std::chrono::seconds(1);
      }
    }
    return false;
  }
};

TEST_F(SlowClients, AClientDribblingHeaderBytesIsCutOffAndOthersAreServedMeanwhile) {
  int fd = connect_to(port);
  send_all(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
  // A header that never ends, one byte at a time: each read makes progress,
  // but the whole request must arrive within request_timeout (1 s here).
  EXPECT_TRUE(dribble_until_closed(fd, "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n", std::chrono::seconds(20)));
  ::close(fd);
}

TEST_F(SlowClients, AClientDribblingItsBodyIsCutOff) {
  Signed eva = sign_in("eva");
  int fd = connect_to(port);
  send_all(fd, "PUT /api/v1/campaigns/c/evaluations/org-a HTTP/1.1\r\nHost: x\r\nCookie: kunren_session=" + eva.cookie +
                   "\r\nX-CSRF-Token: " + eva.csrf + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
  EXPECT_TRUE(dribble_until_closed(fd, R"({"answers":[)", std::chrono::seconds(20)));
  ::close(fd);
  EXPECT_TRUE(db->revision_history("c", "org-a").value().empty());
}

TEST_F(SlowClients, ManySilentOrSlowConnectionsAreAllClosedAndDoNotStarveOthers) {
  std::vector<int> idle;
  for (int i = 0; i < 64; ++i) {
    int fd = connect_to(port);
    if (i % 2 == 0) send_all(fd, "GET / HTTP/1.1\r\nHost: x\r\nX-Part");  // half a request
    idle.push_back(fd);
  }
  EXPECT_EQ(send("GET", "/healthz").status, 200);
  for (int fd : idle) {
    EXPECT_TRUE(closed_within(fd, std::chrono::seconds(20)));
    ::close(fd);
  }
  EXPECT_EQ(send("GET", "/healthz").status, 200);
}

TEST_F(SlowClients, AnIdleKeepAliveConnectionIsClosed) {
  int fd = connect_to(port);
  send_all(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string answer;
  ASSERT_TRUE(read_until(fd, answer, "\"ok\""));
  EXPECT_TRUE(closed_within(fd, std::chrono::seconds(20)));
  ::close(fd);
}

// ---- login throttling ------------------------------------------------------------------

TEST_F(Security, FiveWrongPasswordsLockTheAccountEvenForTheRightOne) {
  const std::size_t throttled_before = [&] {
    std::size_t n = 0;
    for (const auto& e : db->list_audit().value()) n += e.action == "auth.throttled";
    return n;
  }();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(sign_in_raw("eva", "guess " + std::to_string(i)).status, 401);
  Answer locked = sign_in_raw("eva", "guess 6");
  ASSERT_EQ(locked.status, 429) << locked.body;
  const std::string retry = header_value(locked.head, "Retry-After");
  ASSERT_FALSE(retry.empty());
  EXPECT_GE(std::stoi(retry), 1);
  EXPECT_LE(std::stoi(retry), 60) << "the first lock lasts a minute";
  Answer right = sign_in_raw("eva", "correct horse battery");
  EXPECT_EQ(right.status, 429) << "the right password during the lock is refused too";
  EXPECT_TRUE(session_cookie_of(right).empty());
  // Per account: another account from the same address still signs in.
  EXPECT_EQ(sign_in_raw("eve", "correct horse battery").status, 200);
  std::size_t throttled = 0;
  for (const auto& e : db->list_audit().value()) throttled += e.action == "auth.throttled";
  EXPECT_EQ(throttled, throttled_before + 2);
}

TEST_F(Security, TwentyFailuresFromOneAddressAcrossLoginsLockTheAddress) {
  // Spraying: one guess per login, so no account reaches its own limit.
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(sign_in_raw("sprayed" + std::to_string(i), "guess").status, 401) << i;
  }
  Answer a = sign_in_raw("coco", "correct horse battery");
  ASSERT_EQ(a.status, 429) << "the address is locked, even for a right password";
  EXPECT_GE(std::stoi(header_value(a.head, "Retry-After")), 1);
  EXPECT_TRUE(session_cookie_of(a).empty());
}

// ---- headers and cookies ----------------------------------------------------------------

void expect_security_headers(const Answer& a, const std::string& what) {
  SCOPED_TRACE(what);
  const std::string csp = header_value(a.head, "Content-Security-Policy");
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << a.head;
  EXPECT_NE(csp.find("default-src"), std::string::npos);
  EXPECT_EQ(csp.find("'unsafe-eval'"), std::string::npos);
  if (csp.find("script-src") != std::string::npos) {
    EXPECT_EQ(csp.find("script-src 'self' 'unsafe-inline'"), std::string::npos);
  }
  EXPECT_EQ(header_value(a.head, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header_value(a.head, "X-Frame-Options"), "DENY");
  EXPECT_EQ(header_value(a.head, "Referrer-Policy"), "no-referrer");
}

TEST_F(Security, EveryKindOfResponseCarriesTheSecurityHeaders) {
  Signed coco = sign_in("coco");
  expect_security_headers(send("GET", "/login"), "a public page");
  expect_security_headers(send("GET", "/campaigns", &coco), "a signed-in page");
  expect_security_headers(send("GET", "/api/v1/me", &coco), "the API");
  expect_security_headers(send("GET", "/api/v1/me"), "a 401");
  expect_security_headers(send("GET", "/nowhere"), "a 404");
  expect_security_headers(send("GET", "/static/app.css"), "a static file");
  expect_security_headers(send("GET", "/static/app.js?v=1"), "a versioned static file");
  expect_security_headers(send("GET", "/healthz"), "the health check");
  expect_security_headers(parse(kunren::testing::http_exchange(port, "GARBAGE\r\n\r\n")), "a 400 for bad HTTP");
  expect_security_headers(
      parse(kunren::testing::http_exchange(port, "GET / HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n")),
      "a 431");
  // An event stream: the head only.
  int fd = connect_to(port);
  send_all(fd, "GET /api/v1/campaigns/c/events HTTP/1.1\r\nHost: x\r\nCookie: kunren_session=" + coco.cookie + "\r\n\r\n");
  std::string head;
  ASSERT_TRUE(read_until(fd, head, "\r\n\r\n"));
  ::close(fd);
  Answer stream = parse(head);
  EXPECT_EQ(stream.status, 200);
  expect_security_headers(stream, "an event stream");
  EXPECT_NE(header_value(stream.head, "Cache-Control").find("no-store"), std::string::npos);
}

TEST_F(Security, AuthenticatedAnswersAreNotStoredByCaches) {
  // Every GET route as the coordinator, the organisation's evaluator and a
  // facilitator: whatever is answered with a body must not be stored.
  // Static files are public; the results API alone revalidates with an ETag
  // (private, no-cache: the browser may keep the pooled results but must ask
  // the server, which checks access before it ever answers 304).
  std::map<std::string, Signed> who = {{"coco", sign_in("coco")}, {"eva", sign_in("eva")}};
  add_user("fac", store::Role::kFacilitator, {"org-a"});
  who["fac"] = sign_in("fac");
  const std::set<std::string> streams = {"campaign.events", "exercise.events"};
  int checked = 0;
  for (const Route& route : router.routes()) {
    if (route.method != "GET" || route.name == "page.static" || streams.count(route.name)) continue;
    for (const auto& [name, s] : who) {
      Answer a = send("GET", fill(route.pattern), &s);
      if (a.status != 200) continue;
      const std::string cc = header_value(a.head, "Cache-Control");
      if (route.name == "campaign.results") {
        EXPECT_NE(cc.find("private"), std::string::npos) << route.name;
        EXPECT_NE(cc.find("no-cache"), std::string::npos) << route.name;
      } else if (route.name != "service.health" && route.name != "service.version") {
        EXPECT_NE(cc.find("no-store"), std::string::npos) << route.name << " as " << name << ": " << cc;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 30);
  // No 304 for someone the results are refused to, whatever they claim to hold.
  Signed eve = sign_in("eve");
  EXPECT_EQ(send("GET", "/api/v1/campaigns/c/results", &eve, {}, {"If-None-Match: *"}).status, 403);
}

TEST_F(Security, TheSessionCookieIsHttpOnlyLaxAndNotSecureOverPlainHttp) {
  Answer a = sign_in_raw("eva", "correct horse battery");
  const std::string cookie = header_value(a.head, "Set-Cookie");
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; SameSite=Lax"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain HTTP: a Secure cookie would never come back";
  EXPECT_EQ(cookie.find("Domain="), std::string::npos) << "host-only";
  EXPECT_TRUE(header_value(a.head, "Strict-Transport-Security").empty());
  // The CSRF token is in the body for the script, never in a cookie.
  EXPECT_EQ(a.head.find(a.body.at("csrf_token").get<std::string>()), std::string::npos);
}

class BehindTls : public Security {
 protected:
  void SetUp() override {
    server_options.secure_cookies = true;
    context.secure_cookies = true;
    Security::SetUp();
  }
};

TEST_F(BehindTls, CookiesAreSecureAndResponsesSayHsts) {
  Answer a = sign_in_raw("eva", "correct horse battery");
  ASSERT_EQ(a.status, 200);
  const std::string cookie = header_value(a.head, "Set-Cookie");
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(header_value(a.head, "Strict-Transport-Security").find("max-age="), std::string::npos);
  Signed s{session_cookie_of(a), a.body.at("csrf_token").get<std::string>()};
  Answer out = send("DELETE", "/api/v1/session", &s);
  ASSERT_EQ(out.status, 204);
  const std::string cleared = header_value(out.head, "Set-Cookie");
  EXPECT_NE(cleared.find("Max-Age=0"), std::string::npos);
  EXPECT_NE(cleared.find("; Secure"), std::string::npos);
  EXPECT_NE(header_value(send("GET", "/login").head, "Strict-Transport-Security").find("max-age="), std::string::npos);
}

}  // namespace
}  // namespace kunren::server
