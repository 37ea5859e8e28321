// The JSON API over real HTTP on a free port, on an SQLite store: sign in
// (cookie attributes, CSRF token, same answer for wrong and unknown),
// who-am-I, sign out with and without the CSRF token, content type and body
// checks, throttling answered 429 with Retry-After; then campaigns, results,
// drafts and submissions, with every refusal audited.
#include <kunren/server/api.hpp>

#include <gtest/gtest.h>

#include <thread>

#include <nlohmann/json.hpp>

#include <kunren/server/http_server.hpp>
#include <kunren/store/campaign_data.hpp>
#include <kunren/util/password.hpp>

#include "../test_support.hpp"
#include "api_fixture.hpp"

namespace kunren::server {
namespace {

class SessionApi : public ApiServerTest {
 protected:
  void SetUp() override {
    auto db = open_fresh_store();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->put_orgs({store::OrgRecord{"org-a", "A", "", "", {}, {}}}, store::Actor{"test"}).is_ok());
    store::User u;
    u.login = "hanako";
    u.display_name = "山田 花子";
    u.password_hash = util::hash_password("correct horse battery").value();
    u.roles = {store::Role::kEvaluator};
    u.orgs = {"org-a"};
    ASSERT_TRUE(db->create_user(u, store::Actor{"test"}).is_ok());
    serve();
  }

  Answer post_session(const std::string& body, const std::string& type = "application/json",
                      const std::string& cookie = {}) {
    return post("/api/v1/session", body, type, cookie);
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

namespace kunren::server {
namespace {

using CampaignApi = CampaignApiTest;

TEST_F(CampaignApi, AnEvaluatorSavesADraftOfTheirOrganisationThenSubmitsIt) {
  Signed eva = sign_in("eva");
  Answer saved = call(eva, "PUT", "/api/v1/campaigns/c/evaluations/org-a",
                      R"({"answers":[{"item":"Q1","choice":2,"comment":"手順書はある"},{"item":"Q2","choice":null}]})");
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(saved.body.at("revision").at("state"), "draft");
  EXPECT_EQ(saved.body.at("revision").at("no"), 1);
  EXPECT_EQ(saved.body.at("revision").at("answers").size(), 1u) << "an item with neither answer nor comment is not kept";
  EXPECT_EQ(saved.body.at("revision").at("author"), "user:eva");

  Answer read = call(eva, "GET", "/api/v1/campaigns/c/evaluations/org-a");
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.body.at("revision").at("answers").at(0).at("comment"), "手順書はある");

  Answer submitted = call(eva, "POST", "/api/v1/campaigns/c/evaluations/org-a/submit", R"({"leave_unanswered":true})");
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  EXPECT_EQ(submitted.body.at("revision").at("state"), "submitted");
  EXPECT_EQ(submitted.body.at("revision").at("no"), 2);
  EXPECT_EQ(call(eva, "POST", "/api/v1/campaigns/c/evaluations/org-a/submit", R"({"leave_unanswered":true})").status, 409);
  // Both revisions are kept.
  EXPECT_EQ(db->revision_history("c", "org-a").value().size(), 2u);
}

TEST_F(CampaignApi, AnEvaluatorCannotReadOrWriteAnotherOrganisationAndEachRefusalIsAudited) {
  Signed eva = sign_in("eva");
  const std::size_t before = refusals();
  EXPECT_EQ(call(eva, "GET", "/api/v1/campaigns/c/evaluations/org-b").status, 403);
  Answer put = call(eva, "PUT", "/api/v1/campaigns/c/evaluations/org-b", R"({"answers":[{"item":"Q1","choice":1}]})");
  EXPECT_EQ(put.status, 403);
  EXPECT_EQ(put.body.at("error").at("code"), "forbidden");
  EXPECT_EQ(call(eva, "POST", "/api/v1/campaigns/c/evaluations/org-b/submit").status, 403);
  EXPECT_EQ(refusals(), before + 3);
  EXPECT_TRUE(db->revision_history("c", "org-b").value().empty());
}

TEST_F(CampaignApi, AStateChangeWithoutTheCsrfTokenIsRefusedAndWritesNothing) {
  Signed eva = sign_in("eva");
  Answer a = call(eva, "PUT", "/api/v1/campaigns/c/evaluations/org-a", R"({"answers":[{"item":"Q1","choice":1}]})",
                  false);
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.body.at("error").at("code"), "csrf");
  EXPECT_TRUE(db->revision_history("c", "org-a").value().empty());
}

TEST_F(CampaignApi, BadAnswersAre422NamingTheFieldAndUnknownCampaigns404) {
  Signed eva = sign_in("eva");
  Answer a = call(eva, "PUT", "/api/v1/campaigns/c/evaluations/org-a", R"({"answers":[{"item":"Q1","choice":"two"}]})");
  ASSERT_EQ(a.status, 422);
  EXPECT_EQ(a.body.at("error").at("field"), "answers[0].choice");
  a = call(eva, "PUT", "/api/v1/campaigns/c/evaluations/org-a", R"({"answers":[{"item":"Q9","choice":1}]})");
  ASSERT_EQ(a.status, 422);
  EXPECT_NE(a.body.at("error").at("message").get<std::string>().find("Q9"), std::string::npos);
  a = call(eva, "PUT", "/api/v1/campaigns/c/evaluations/org-a", R"({"answers":[{"item":"Q1","choice":7}]})");
  EXPECT_EQ(a.status, 422);
  EXPECT_EQ(call(eva, "GET", "/api/v1/campaigns/nope/evaluations/org-a").status, 404);
  EXPECT_TRUE(db->revision_history("c", "org-a").value().empty());
}

TEST_F(CampaignApi, ACoordinatorSeesLiveResultsAndAnEvaluatorOnlyPublishedOnes) {
  Signed eva = sign_in("eva");
  Signed coco = sign_in("coco");
  ASSERT_EQ(call(eva, "PUT", "/api/v1/campaigns/c/evaluations/org-a", R"({"answers":[{"item":"Q1","choice":1}]})").status,
            200);
  ASSERT_EQ(call(eva, "POST", "/api/v1/campaigns/c/evaluations/org-a/submit", R"({"leave_unanswered":true})").status, 200);
  Answer live = call(coco, "GET", "/api/v1/campaigns/c/results");
  ASSERT_EQ(live.status, 200) << live.body;
  EXPECT_EQ(live.body.at("schema"), "kunren.analysis/1");
  EXPECT_EQ(live.body.at("organizations"), 1);
  EXPECT_EQ(call(eva, "GET", "/api/v1/campaigns/c/results").status, 403) << "not published yet";
  ASSERT_TRUE(db->set_campaign_state("c", store::CampaignState::kClosed, store::Actor{"test"}).is_ok());
  ASSERT_TRUE(db->set_campaign_state("c", store::CampaignState::kPublished, store::Actor{"test"}).is_ok());
  EXPECT_EQ(call(eva, "GET", "/api/v1/campaigns/c/results").status, 200) << "published, and org-a took part";
  EXPECT_EQ(call(sign_in("eve"), "GET", "/api/v1/campaigns/c/results").status, 403) << "org-b did not take part";

  Answer list = call(eva, "GET", "/api/v1/campaigns");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body.at("campaigns").size(), 1u) << "a draft campaign is not shown to evaluators";
  EXPECT_EQ(list.body.at("campaigns").at(0).at("id"), "c");
  EXPECT_EQ(call(coco, "GET", "/api/v1/campaigns").body.at("campaigns").size(), 2u);
}

}  // namespace
}  // namespace kunren::server
