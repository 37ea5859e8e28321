// The coordinator's campaign page, its live fragment and the published
// results page, over real HTTP: who is sent where, what each one sees, in
// both languages.
#include <gtest/gtest.h>

#include "campaign_fixture.hpp"

namespace kunren::server {
namespace {

using CampaignPage = CoordinatorTest;
using ResultsPage = CoordinatorTest;

TEST_F(CampaignPage, SignedOutVisitorsAreSentToSignInAndBackAfterwards) {
  for (const std::string path : {"/campaigns/c", "/campaigns/c/results", "/campaigns/c?lang=en"}) {
    Answer a = anonymous_get(path);
    EXPECT_EQ(a.status, 303) << path;
    const std::string location = header(a, "Location");
    EXPECT_EQ(location.rfind("/login?next=", 0), 0u) << location;
    EXPECT_TRUE(contains(location, "%2Fcampaigns%2Fc")) << location;
  }
  EXPECT_EQ(header(anonymous_get("/campaigns/c/results"), "Location"), "/login?next=%2Fcampaigns%2Fc%2Fresults");
  EXPECT_EQ(anonymous_get("/campaigns/c/live").status, 401) << "the fragment is for scripts: no redirect";
}

TEST_F(CampaignPage, TheCoordinatorSeesStateActionsStatusAndLiveResultsInJapanese) {
  submit("eva", "org-a", 1, 2, "連絡網を整備した");
  Signed coco = sign_in("coco");
  Answer a = call(coco, "GET", "/campaigns/c");
  ASSERT_EQ(a.status, 200) << a.text.substr(0, 500);
  EXPECT_TRUE(contains(header(a, "Content-Type"), "text/html"));
  const std::string& page = a.text;
  EXPECT_TRUE(contains(page, "<html lang=\"ja\">"));
  EXPECT_TRUE(contains(page, "<p class=\"eyebrow\">取りまとめ画面 <span class=\"id-tag\">c</span>"));
  EXPECT_TRUE(contains(page, "state state-open"));
  EXPECT_TRUE(contains(page, "回答受付中"));
  EXPECT_TRUE(contains(page, "data-dialog=\"dialog-close\">回答を締め切る</button>")) << "the close action";
  EXPECT_TRUE(contains(page, "id=\"dialog-close\"")) << "behind a confirmation dialog";
  EXPECT_TRUE(contains(page, "<p class=\"why-not\" id=\"why-publish\">公表する前に、回答の受付を締め切ってください。</p>"))
      << "publish disabled, with its reason";
  // Submission status: org-a submitted, org-b not started.
  EXPECT_TRUE(contains(page, "<h2 id=\"status-h\">提出状況</h2>"));
  EXPECT_TRUE(contains(page, "data-status=\"submitted\" data-name=\"A\""));
  EXPECT_TRUE(contains(page, "data-status=\"not_started\" data-name=\"B\""));
  // Live results: the report's own charts, drawn on the server.
  EXPECT_TRUE(contains(page, "id=\"item-Q1\""));
  EXPECT_TRUE(contains(page, "role=\"img\""));
  EXPECT_TRUE(contains(page, "<svg class=\"swatch\""));
  EXPECT_TRUE(contains(page, "<span class=\"chip chip-prelim\">速報・未公表</span>"));
  EXPECT_TRUE(contains(page, "Q-")) << "comments under quote ids";
  EXPECT_FALSE(contains(page, "組織A") || contains(page, "組織B")) << "never under a pseudonym";
  EXPECT_TRUE(contains(page, "/api/v1/campaigns/c/report?format=csv&amp;lang=en")) << "downloads";
  EXPECT_TRUE(contains(page, "data-events-url=\"/api/v1/campaigns/c/events\""));
  EXPECT_TRUE(contains(page, "/static/campaign.js?v="));
  EXPECT_FALSE(contains(page, " style=\"")) << "no inline style attribute (the CSP blocks them)";
  EXPECT_FALSE(contains(page, "<script>")) << "no inline script";
}

TEST_F(CampaignPage, TheSamePageInEnglish) {
  submit("eva", "org-a", 1, 2);
  Answer a = call(sign_in("coco"), "GET", "/campaigns/c?lang=en");
  ASSERT_EQ(a.status, 200);
  EXPECT_TRUE(contains(a.text, "<html lang=\"en\">"));
  EXPECT_TRUE(contains(a.text, "<p class=\"eyebrow\">Campaign dashboard"));
  EXPECT_TRUE(contains(a.text, "<h2 id=\"status-h\">Submissions</h2>"));
  EXPECT_TRUE(contains(a.text, "data-dialog=\"dialog-close\">Close answers</button>"));
  EXPECT_TRUE(contains(a.text, "<span class=\"status status-not_started\">Not started</span>"));
  EXPECT_TRUE(contains(a.text, "<span class=\"chip chip-prelim\">Preliminary</span>"));
  EXPECT_FALSE(contains(a.text, "提出状況"));
}

TEST_F(CampaignPage, BelowMinGroupTheResultsSaySoAndPublishingIsDisabledWithTheReason) {
  store::CampaignRecord k3 = db->get_campaign("c").value();
  k3.id = "k3";
  k3.title = "三社以上";
  k3.min_group = 3;
  k3.state = store::CampaignState::kDraft;
  ASSERT_TRUE(db->create_campaign(k3, store::Actor{"test"}).is_ok());
  move("k3", store::CampaignState::kOpen);
  ASSERT_TRUE(db->append_revisions("k3", {{"org-a", store::RevisionState::kSubmitted, {{"Q1", 1, "", false}}}}, nullptr,
                                   store::Actor{"test"})
                  .is_ok());
  move("k3", store::CampaignState::kClosed);
  Answer a = call(sign_in("coco"), "GET", "/campaigns/k3");
  ASSERT_EQ(a.status, 200);
  EXPECT_TRUE(contains(a.text, "<strong>まだ公表できません。</strong>"));
  EXPECT_TRUE(contains(a.text, "提出済みの組織は 1 組織です。公表には 3 組織以上の提出が必要です。"));
  EXPECT_TRUE(contains(a.text, "id=\"action-publish\" data-dialog=\"dialog-publish\" disabled"));
  EXPECT_FALSE(contains(a.text, "id=\"dialog-publish\"")) << "no dialog for an action that cannot happen";
  EXPECT_TRUE(contains(a.text, "id=\"dialog-reopen\""));
  Answer en = call(sign_in("coco"), "GET", "/campaigns/k3?lang=en");
  EXPECT_TRUE(contains(en.text, "<strong>Not publishable yet.</strong>"));
  EXPECT_TRUE(contains(en.text, "1 organisations have submitted; publishing needs at least 3."));
}

TEST_F(CampaignPage, EvaluatorsAreSentToTheirEvaluationOrOnceItIsPublishedToTheResults) {
  Signed eva = sign_in("eva");
  Answer a = call(eva, "GET", "/campaigns/c");
  EXPECT_EQ(a.status, 303);
  EXPECT_EQ(header(a, "Location"), "/campaigns/c/evaluations/org-a");
  submit("eva", "org-a", 1, 1);
  publish_c();
  a = call(eva, "GET", "/campaigns/c");
  EXPECT_EQ(a.status, 303);
  EXPECT_EQ(header(a, "Location"), "/campaigns/c/results");
}

TEST_F(CampaignPage, OthersGetAnAudited403PageInTheirLanguage) {
  const std::size_t before = refusals();
  Answer a = call(sign_in("olga"), "GET", "/campaigns/c");
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.text, "このページを表示する権限がありません"));
  a = call(sign_in("fred"), "GET", "/campaigns/c?lang=en");
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.text, "You may not see this page"));
  ASSERT_TRUE(db->set_campaign_coordinators("c", {"cleo"}, store::Actor{"test"}).is_ok());
  EXPECT_EQ(call(sign_in("coco"), "GET", "/campaigns/c").status, 403) << "not one of its coordinators";
  EXPECT_EQ(refusals(), before + 3);
  EXPECT_EQ(call(sign_in("cleo"), "GET", "/campaigns/c").status, 200);
  EXPECT_EQ(call(sign_in("cleo"), "GET", "/campaigns/nope").status, 404);
}

TEST_F(CampaignPage, TheLiveFragmentCarriesTheRegionsAndIsRefusedLikeTheApi) {
  Signed coco = sign_in("coco");
  Answer a = call(coco, "GET", "/campaigns/c/live");
  ASSERT_EQ(a.status, 200);
  EXPECT_TRUE(contains(header(a, "Content-Type"), "text/html"));
  EXPECT_TRUE(contains(a.text, "data-live-region=\"state\""));
  EXPECT_TRUE(contains(a.text, "data-live-region=\"status\""));
  EXPECT_TRUE(contains(a.text, "data-live-region=\"results\""));
  EXPECT_FALSE(contains(a.text, "<html")) << "a fragment, not a page";
  EXPECT_TRUE(contains(a.text, "<p class=\"panel muted\">まだ提出された評価はありません。"));
  submit("eva", "org-a", 2, 1);
  Answer status_only = call(coco, "GET", "/campaigns/c/live?parts=status");
  ASSERT_EQ(status_only.status, 200);
  EXPECT_TRUE(contains(status_only.text, "data-live-region=\"status\""));
  EXPECT_TRUE(contains(status_only.text, "data-status=\"submitted\" data-name=\"A\""));
  EXPECT_FALSE(contains(status_only.text, "data-live-region=\"results\"")) << "a saved draft changes no result";
  a = call(coco, "GET", "/campaigns/c/live?lang=en");
  EXPECT_TRUE(contains(a.text, "id=\"item-Q1\"")) << "the new submission is in";
  EXPECT_TRUE(contains(a.text, "<span class=\"status status-submitted\">Submitted</span>"));
  const std::size_t before = refusals();
  Answer refused = call(sign_in("eva"), "GET", "/campaigns/c/live");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body.at("error").at("code"), "forbidden");
  EXPECT_EQ(refusals(), before + 1);
}

TEST_F(CampaignPage, FiltersGivenInTheQueryAreAppliedOnTheServer) {
  submit("eva", "org-a", 1, 1);
  Signed coco = sign_in("coco");
  Answer a = call(coco, "GET", "/campaigns/c?status=not_started&view=bars");
  ASSERT_EQ(a.status, 200);
  EXPECT_TRUE(contains(a.text, "<option value=\"not_started\" selected>"));
  EXPECT_TRUE(contains(a.text, "data-status=\"not_started\""));
  EXPECT_FALSE(contains(a.text, "data-status=\"submitted\"")) << "the status filter";
  EXPECT_TRUE(contains(a.text, "data-view=\"bars\""));
  a = call(coco, "GET", "/campaigns/c?highlight=challenge");
  EXPECT_TRUE(contains(a.text, "id=\"item-Q1\" data-highlight=\"strength\" aria-labelledby=\"item-Q1-h\" hidden"));
}

// --- the published results ------------------------------------------------------------------

TEST_F(ResultsPage, BeforePublicationItExplainsWhenResultsAppearAndAuditsTheRefusal) {
  submit("eva", "org-a", 1, 1);
  const std::size_t before = refusals();
  Answer a = call(sign_in("eva"), "GET", "/campaigns/c/results");
  EXPECT_EQ(a.status, 409);
  EXPECT_TRUE(contains(a.text, "<h1>集計結果はまだ公表されていません</h1>"));
  EXPECT_FALSE(contains(a.text, "id=\"item-Q1\""));
  a = call(sign_in("eva"), "GET", "/campaigns/c/results?lang=en");
  EXPECT_TRUE(contains(a.text, "<h1>The results are not published yet</h1>"));
  Answer coco = call(sign_in("coco"), "GET", "/campaigns/c/results");
  EXPECT_EQ(coco.status, 409);
  EXPECT_TRUE(contains(coco.text, "href=\"/campaigns/c\"")) << "the coordinator is pointed to the dashboard";
  EXPECT_EQ(call(sign_in("olga"), "GET", "/campaigns/c/results").status, 409) << "observers see it once published";
  EXPECT_EQ(call(sign_in("fred"), "GET", "/campaigns/c/results").status, 403) << "a facilitator never will";
  EXPECT_EQ(refusals(), before + 5);
}

TEST_F(ResultsPage, AnOrganisationThatTookPartSeesThePoolAndItsOwnAnswersMarked) {
  ASSERT_TRUE(db->put_orgs({{"org-a", "Alpha Kagaku", "chemicals", "", {}, {}},
                            {"org-b", "Beta Seiko", "steel", "", {}, {}}},
                           store::Actor{"test"})
                  .is_ok());
  submit("eva", "org-a", 1, 3, "手順書を見直した");
  submit("eve", "org-b", 3, 2, "停止判断の基準がない");
  publish_c();
  Answer a = call(sign_in("eva"), "GET", "/campaigns/c/results");
  ASSERT_EQ(a.status, 200) << a.text.substr(0, 400);
  const std::string& page = a.text;
  EXPECT_TRUE(contains(page, "<h3 id=\"mine-h\">自組織の回答と全体の比較</h3>"));
  EXPECT_TRUE(contains(page, "Alpha Kagaku が提出した回答")) << "the own organisation, named to its own users";
  // Q1: org-a chose 1, org-b chose 3. Only choice 1 is marked as "mine".
  const auto q1 = page.find("id=\"item-Q1\"");
  const auto q2 = page.find("id=\"item-Q2\"");
  ASSERT_NE(q1, std::string::npos);
  ASSERT_NE(q2, std::string::npos);
  const std::string item1 = page.substr(q1, q2 - q1);
  EXPECT_TRUE(contains(item1, "<tr class=\" is-mine\"><td class=\"no\">")) << item1;
  const auto mine_row = item1.find("is-mine");
  EXPECT_TRUE(contains(item1.substr(mine_row, 400), "</svg>1</td>")) << "choice 1 is the marked one";
  std::size_t marked = 0;
  for (auto at = page.find("class=\" is-mine\""); at != std::string::npos; at = page.find("class=\" is-mine\"", at + 1)) ++marked;
  EXPECT_EQ(marked, 2u) << "one marked choice per item, the own organisation's";
  // Never another organisation's identity; comments only under quote ids.
  EXPECT_FALSE(contains(page, "Beta Seiko"));
  EXPECT_FALSE(contains(page, "org-b"));
  EXPECT_TRUE(contains(page, "停止判断の基準がない")) << "the pooled comments, as the report shows them";
  EXPECT_TRUE(contains(page, "Q-"));
  EXPECT_FALSE(contains(page, "組織A") || contains(page, "組織B")) << "never a pseudonym: it could be recomputed";
  EXPECT_TRUE(contains(page, "/api/v1/campaigns/c/report?format=html&amp;lang=ja")) << "downloads";

  Answer en = call(sign_in("eva"), "GET", "/campaigns/c/results?lang=en");
  ASSERT_EQ(en.status, 200);
  EXPECT_TRUE(contains(en.text, "<h3 id=\"mine-h\">Your answers against everyone&apos;s</h3>"));
  EXPECT_TRUE(contains(en.text, "<span class=\"chip chip-mine\">Your answer</span>"));
}

TEST_F(ResultsPage, MyAnswerIsShownOnlyForTheOwnOrganisation) {
  submit("eva", "org-a", 1, 1);
  submit("eve", "org-b", 2, 2);
  publish_c();
  const std::size_t before = refusals();
  Answer a = call(sign_in("eva"), "GET", "/campaigns/c/results?org=org-b");
  EXPECT_EQ(a.status, 403) << "not eva's organisation";
  EXPECT_EQ(refusals(), before + 1);
  Answer coordinator = call(sign_in("coco"), "GET", "/campaigns/c/results");
  ASSERT_EQ(coordinator.status, 200);
  EXPECT_FALSE(contains(coordinator.text, "is-mine")) << "a coordinator has no answer of their own";
  EXPECT_FALSE(contains(coordinator.text, "id=\"mine\"")) << "no comparison panel";
  EXPECT_FALSE(contains(coordinator.text, "<span class=\"chip chip-mine\">"));
  Answer observer = call(sign_in("olga"), "GET", "/campaigns/c/results");
  ASSERT_EQ(observer.status, 200);
  EXPECT_FALSE(contains(observer.text, "is-mine"));
}

TEST_F(ResultsPage, AUserOfSeveralOrganisationsChoosesWhichOneToCompare) {
  submit("eva", "org-a", 1, 1);
  submit("eve", "org-b", 3, 2);
  publish_c();
  store::User duo;
  duo.login = "duo";
  duo.display_name = "duo";
  duo.password_hash = util::hash_password("correct horse battery").value();
  duo.roles = {store::Role::kEvaluator};
  duo.orgs = {"org-a", "org-b"};
  ASSERT_TRUE(db->create_user(duo, store::Actor{"test"}).is_ok());
  Signed who = sign_in("duo");
  Answer a = call(who, "GET", "/campaigns/c/results");
  ASSERT_EQ(a.status, 200);
  EXPECT_TRUE(contains(a.text, "href=\"/campaigns/c/results?org=org-a\" aria-current=\"page\""));
  EXPECT_TRUE(contains(a.text, "href=\"/campaigns/c/results?org=org-b\""));
  auto marked_choice = [&](const Answer& page) {
    const auto q1 = page.text.find("id=\"item-Q1\"");
    const auto mine = page.text.find("is-mine", q1);
    const auto end = page.text.find("</td>", mine);
    return page.text.substr(end - 1, 1);  // the choice number before </td>
  };
  EXPECT_EQ(marked_choice(a), "1") << "org-a chose 1 for Q1";
  Answer b = call(who, "GET", "/campaigns/c/results?org=org-b");
  ASSERT_EQ(b.status, 200);
  EXPECT_EQ(marked_choice(b), "3") << "org-b chose 3 for Q1";
  EXPECT_TRUE(contains(b.text, "href=\"/campaigns/c/results?org=org-b\" aria-current=\"page\""));
}

TEST_F(ResultsPage, AnOrganisationThatDidNotTakePartIsRefused) {
  submit("eva", "org-a", 1, 1);
  publish_c();
  const std::size_t before = refusals();
  Answer a = call(sign_in("eve"), "GET", "/campaigns/c/results");
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.text, "<p>集計結果を見られるのは、このキャンペーンに評価を提出した組織の担当者と閲覧者だけです。</p>"));
  EXPECT_FALSE(contains(a.text, "id=\"item-Q1\""));
  EXPECT_EQ(call(sign_in("fred"), "GET", "/campaigns/c/results?lang=en").status, 403);
  EXPECT_EQ(refusals(), before + 2);
}

}  // namespace
}  // namespace kunren::server
