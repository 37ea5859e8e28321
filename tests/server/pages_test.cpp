// The base pages over real HTTP: sign-in page, redirects of signed-out
// visitors, the language switch, static files with ETags, the campaign list
// per role, the account page and the password change API; and the rule
// every page obeys: no inline script (the CSP forbids it), the CSRF token
// in a meta tag, the texts in Japanese by default.
#include <gtest/gtest.h>

#include <regex>

#include "api_fixture.hpp"

namespace kunren::server {
namespace {

class Pages : public CampaignApiTest {
 protected:
  Answer get(const std::string& path, const std::string& cookie = {}, const std::string& extra = {}) {
    return parse(roundtrip(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\n" +
                                     (cookie.empty() ? "" : "Cookie: kunren_session=" + cookie + "\r\n") + extra +
                                     "Connection: close\r\n\r\n"));
  }
  static std::string header(const Answer& a, const std::string& name) {
    auto p = a.head.find("\r\n" + name + ": ");
    if (p == std::string::npos) return {};
    p += name.size() + 4;
    return a.head.substr(p, a.head.find("\r\n", p) - p);
  }
};

// Every <script> has a src, except JSON data blocks.
void expect_no_inline_script(const std::string& html) {
  std::regex tag("<script([^>]*)>");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator(); ++it) {
    const std::string attrs = (*it)[1];
    EXPECT_TRUE(attrs.find(" src=") != std::string::npos || attrs.find("application/json") != std::string::npos)
        << "inline script: " << it->str();
  }
  EXPECT_EQ(html.find(" onclick="), std::string::npos);
  EXPECT_EQ(html.find(" style=\""), std::string::npos) << "the CSP blocks style attributes";
}

TEST_F(Pages, ASignedOutVisitorIsSentToTheSignInPageAndBack) {
  Answer a = get("/campaigns?x=1");
  ASSERT_EQ(a.status, 303);
  EXPECT_EQ(header(a, "Location"), "/login?next=%2Fcampaigns%3Fx%3D1");
  Answer login = get("/login?next=%2Fcampaigns%3Fx%3D1");
  ASSERT_EQ(login.status, 200);
  EXPECT_NE(login.text.find("<html lang=\"ja\">"), std::string::npos);
  EXPECT_NE(login.text.find("サインイン"), std::string::npos);
  EXPECT_NE(login.text.find("data-next=\"/campaigns?x=1\""), std::string::npos);
  EXPECT_NE(header(login, "Content-Type").find("text/html"), std::string::npos);
  expect_no_inline_script(login.text);
  // An open redirect is not possible through next=.
  EXPECT_NE(get("/login?next=https%3A%2F%2Fevil.example%2F").text.find("data-next=\"/\""), std::string::npos);
  EXPECT_NE(get("/login?next=%2F%2Fevil.example").text.find("data-next=\"/\""), std::string::npos);
  // Signed in, the sign-in page goes straight on.
  Signed eva = sign_in("eva");
  Answer again = get("/login?next=%2Fcampaigns", eva.cookie);
  ASSERT_EQ(again.status, 303);
  EXPECT_EQ(header(again, "Location"), "/campaigns");
  Answer home = get("/", eva.cookie);
  ASSERT_EQ(home.status, 303);
  EXPECT_EQ(header(home, "Location"), "/campaigns");
}

TEST_F(Pages, TheLanguageSwitchIsRememberedInACookie) {
  Answer en = get("/login?lang=en");
  ASSERT_EQ(en.status, 200);
  EXPECT_NE(en.text.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(en.text.find("Sign in"), std::string::npos);
  EXPECT_EQ(en.text.find("サインイン"), std::string::npos);
  EXPECT_NE(header(en, "Set-Cookie").find("kunren_lang=en"), std::string::npos);
  EXPECT_NE(en.text.find("href=\"/login?lang=ja\""), std::string::npos) << "the switch leads back";
  Answer remembered = get("/login", {}, "Cookie: kunren_lang=en\r\n");
  EXPECT_NE(remembered.text.find("<html lang=\"en\">"), std::string::npos);
}

TEST_F(Pages, StaticFilesAreServedWithEtagsAndRevalidated) {
  Answer css = get("/static/app.css");
  ASSERT_EQ(css.status, 200);
  EXPECT_EQ(header(css, "Content-Type"), "text/css; charset=utf-8");
  const std::string etag = header(css, "ETag");
  ASSERT_EQ(etag.size(), 18u);
  EXPECT_EQ(header(css, "Cache-Control"), "no-cache");
  EXPECT_NE(css.text.find("--accent"), std::string::npos);
  Answer versioned = get("/static/app.css?v=" + etag.substr(1, 16));
  EXPECT_EQ(header(versioned, "Cache-Control"), "public, max-age=31536000, immutable");
  Answer same = get("/static/app.css", {}, "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.text.empty());
  for (const char* bad : {"/static/nope.css", "/static/..%2Fdata%2Fchecklists%2Ffactory-ir.yaml",
                          "/static/%2E%2E%2Fapp.css", "/static/../../etc/passwd"}) {
    EXPECT_EQ(get(bad).status, 404) << bad;
  }
}

TEST_F(Pages, TheCampaignListShowsEachRoleWhatItMayDo) {
  Signed eva = sign_in("eva");
  Answer list = get("/campaigns", eva.cookie);
  ASSERT_EQ(list.status, 200) << list.text;
  expect_no_inline_script(list.text);
  EXPECT_NE(list.text.find("<meta name=\"csrf-token\" content=\"" + eva.csrf + "\">"), std::string::npos);
  EXPECT_NE(list.text.find("/campaigns/c/evaluations/org-a"), std::string::npos);
  EXPECT_EQ(list.text.find("/campaigns/c/evaluations/org-b"), std::string::npos) << "never another organisation";
  EXPECT_NE(list.text.find("未着手"), std::string::npos) << "org-a has not started";
  EXPECT_EQ(list.text.find("href=\"/campaigns/later\""), std::string::npos) << "a draft campaign is not shown to evaluators";
  // After saving a draft the status changes.
  ASSERT_EQ(call(eva, "PUT", "/api/v1/campaigns/c/evaluations/org-a", R"({"answers":[{"item":"Q1","choice":1}]})").status, 200);
  EXPECT_NE(get("/campaigns", eva.cookie).text.find("下書き"), std::string::npos);

  Signed coco = sign_in("coco");
  Answer coord = get("/campaigns?lang=en", coco.cookie);
  ASSERT_EQ(coord.status, 200);
  EXPECT_NE(coord.text.find("href=\"/campaigns/c\""), std::string::npos);
  EXPECT_NE(coord.text.find("href=\"/campaigns/later\""), std::string::npos) << "coordinators see draft campaigns";
  EXPECT_NE(coord.text.find("Campaign dashboard"), std::string::npos);
  EXPECT_EQ(coord.text.find("/evaluations/"), std::string::npos);
}

TEST_F(Pages, TheAccountPageShowsTheUserAndNoSecrets) {
  Signed eva = sign_in("eva");
  Answer page = get("/account", eva.cookie);
  ASSERT_EQ(page.status, 200);
  expect_no_inline_script(page.text);
  EXPECT_NE(page.text.find("eva"), std::string::npos);
  EXPECT_NE(page.text.find("評価担当"), std::string::npos);
  EXPECT_EQ(page.text.find("$argon2id$"), std::string::npos);
  EXPECT_EQ(get("/account").status, 303);
}

TEST_F(Pages, ChangingThePasswordEndsEverySessionAndKeepsThisBrowserSignedIn) {
  Signed first = sign_in("eva");
  Signed second = sign_in("eva");
  const std::string path = "/api/v1/me/password";
  EXPECT_EQ(call(first, "PUT", path, R"({"current_password":"correct horse battery","new_password":"a much longer one"})",
                 false).status, 403) << "CSRF";
  Answer wrong = call(first, "PUT", path, R"({"current_password":"not it at all","new_password":"a much longer one"})");
  ASSERT_EQ(wrong.status, 422);
  EXPECT_EQ(wrong.body["error"]["field"], "current_password");
  Answer short_one = call(first, "PUT", path, R"({"current_password":"correct horse battery","new_password":"short"})");
  ASSERT_EQ(short_one.status, 422);
  EXPECT_EQ(short_one.body["error"]["field"], "new_password");
  EXPECT_EQ(call(first, "PUT", path, R"({"current_password":"correct horse battery"})").status, 422);

  Answer ok = call(first, "PUT", path, R"({"current_password":"correct horse battery","new_password":"a much longer one"})");
  ASSERT_EQ(ok.status, 200) << ok.text;
  auto p = ok.head.find("kunren_session=") + 15;
  Signed renewed{ok.head.substr(p, ok.head.find(';', p) - p), ok.body.value("csrf_token", "")};
  EXPECT_EQ(get("/api/v1/me", first.cookie).status, 401);
  EXPECT_EQ(get("/api/v1/me", second.cookie).status, 401) << "the other session ended too";
  EXPECT_EQ(get("/api/v1/me", renewed.cookie).status, 200);
  // The old password no longer signs in; the new one does.
  EXPECT_EQ(post("/api/v1/session", R"({"login":"eva","password":"correct horse battery"})").status, 401);
  EXPECT_EQ(post("/api/v1/session", R"({"login":"eva","password":"a much longer one"})").status, 200);
}

TEST_F(Pages, ErrorPagesAreHtmlForPagesAndJsonForTheApi) {
  Signed eva = sign_in("eva");
  Answer missing = get("/no/such/page", eva.cookie);
  EXPECT_EQ(missing.status, 404);
  Answer api = get("/api/v1/nothing", eva.cookie);
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.body["error"]["code"], "not_found");
}

}  // namespace
}  // namespace kunren::server
