// The coordinator's API over real HTTP: campaign state changes, the
// submission status, report downloads and the live event stream.
#include <gtest/gtest.h>

#include "campaign_fixture.hpp"

namespace kunren::server {
namespace {

using CampaignStateApi = CoordinatorTest;
using CampaignStatusApi = CoordinatorTest;
using CampaignReportApi = CoordinatorTest;
using CampaignEventsApi = CoordinatorTest;

// --- POST /api/v1/campaigns/{id}/state ----------------------------------------------

TEST_F(CampaignStateApi, ACoordinatorClosesReopensAndPublishesAndEachChangeIsAudited) {
  submit("eva", "org-a", 1, 1);
  Signed coco = sign_in("coco");
  const std::size_t audited = audit_count("campaign.state");

  Answer closed = call(coco, "POST", "/api/v1/campaigns/c/state", R"({"state":"closed"})");
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.body.at("campaign").at("state"), "closed");
  EXPECT_EQ(state_of("c"), "closed");

  Answer reopened = call(coco, "POST", "/api/v1/campaigns/c/state", R"({"state":"open"})");
  ASSERT_EQ(reopened.status, 200) << reopened.body;
  EXPECT_EQ(state_of("c"), "open");

  ASSERT_EQ(call(coco, "POST", "/api/v1/campaigns/c/state", R"({"state":"closed"})").status, 200);
  Answer published = call(coco, "POST", "/api/v1/campaigns/c/state", R"({"state":"published"})");
  ASSERT_EQ(published.status, 200) << published.body;
  EXPECT_EQ(published.body.at("campaign").at("state"), "published");
  EXPECT_EQ(state_of("c"), "published");
  EXPECT_EQ(audit_count("campaign.state"), audited + 4);
  bool by_coco = false;
  for (const auto& e : db->list_audit().value()) by_coco = by_coco || (e.action == "campaign.state" && e.actor == "user:coco");
  EXPECT_TRUE(by_coco) << "the store audits the change under the signed-in user";
}

TEST_F(CampaignStateApi, TransitionsTheStoreForbidsAre409WithItsMessageAndChangeNothing) {
  Signed coco = sign_in("coco");
  // open → published skips closing; open → open is no change; draft → closed skips opening.
  Answer skip = call(coco, "POST", "/api/v1/campaigns/c/state", R"({"state":"published"})");
  EXPECT_EQ(skip.status, 409);
  EXPECT_EQ(skip.body.at("error").at("code"), "conflict");
  EXPECT_TRUE(contains(skip.body.at("error").at("message").get<std::string>(), "open")) << skip.body;
  EXPECT_EQ(call(coco, "POST", "/api/v1/campaigns/c/state", R"({"state":"open"})").status, 409);
  EXPECT_EQ(call(coco, "POST", "/api/v1/campaigns/later/state", R"({"state":"closed"})").status, 409);
  EXPECT_EQ(state_of("c"), "open");
  EXPECT_EQ(state_of("later"), "draft");

  // Once published, nothing moves it any more.
  submit("eva", "org-a", 1, 1);
  publish_c();
  EXPECT_EQ(call(coco, "POST", "/api/v1/campaigns/c/state", R"({"state":"open"})").status, 409);
  EXPECT_EQ(state_of("c"), "published");
}

TEST_F(CampaignStateApi, PublishingWithFewerThanMinGroupSubmittedOrganisationsIs409) {
  store::CampaignRecord k3 = db->get_campaign("c").value();
  k3.id = "k3";
  k3.min_group = 3;
  k3.state = store::CampaignState::kDraft;
  k3.coordinators.clear();
  ASSERT_TRUE(db->create_campaign(k3, store::Actor{"test"}).is_ok());
  move("k3", store::CampaignState::kOpen);
  ASSERT_TRUE(db->append_revisions("k3", {{"org-a", store::RevisionState::kSubmitted, {{"Q1", 1, "", false}}},
                                          {"org-b", store::RevisionState::kSubmitted, {{"Q1", 2, "", false}}}},
                                   nullptr, store::Actor{"test"})
                  .is_ok());
  move("k3", store::CampaignState::kClosed);
  Signed coco = sign_in("coco");
  Answer a = call(coco, "POST", "/api/v1/campaigns/k3/state", R"({"state":"published"})");
  ASSERT_EQ(a.status, 409) << a.body;
  const std::string message = a.body.at("error").at("message");
  EXPECT_TRUE(contains(message, "2 organisations")) << message;
  EXPECT_TRUE(contains(message, "at least 3")) << message;
  EXPECT_EQ(state_of("k3"), "closed");
}

TEST_F(CampaignStateApi, EvaluatorsObserversAndCoordinatorsNotListedAreRefusedAndAudited) {
  const std::size_t before = refusals();
  for (const char* login : {"eva", "olga", "fred"}) {
    Answer a = call(sign_in(login), "POST", "/api/v1/campaigns/c/state", R"({"state":"closed"})");
    EXPECT_EQ(a.status, 403) << login;
    EXPECT_EQ(a.body.at("error").at("code"), "forbidden") << login;
  }
  // A campaign with its coordinators listed is changed by them only.
  ASSERT_TRUE(db->set_campaign_coordinators("c", {"cleo"}, store::Actor{"test"}).is_ok());
  EXPECT_EQ(call(sign_in("coco"), "POST", "/api/v1/campaigns/c/state", R"({"state":"closed"})").status, 403);
  EXPECT_EQ(refusals(), before + 4);
  EXPECT_EQ(state_of("c"), "open");
  EXPECT_EQ(call(sign_in("cleo"), "POST", "/api/v1/campaigns/c/state", R"({"state":"closed"})").status, 200);
  EXPECT_EQ(state_of("c"), "closed");
}

TEST_F(CampaignStateApi, WithoutTheCsrfTokenItIs403AndNothingChanges) {
  Signed coco = sign_in("coco");
  const std::size_t audited = audit_count("campaign.state");
  Answer a = call(coco, "POST", "/api/v1/campaigns/c/state", R"({"state":"closed"})", false);
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.body.at("error").at("code"), "csrf");
  EXPECT_EQ(state_of("c"), "open");
  EXPECT_EQ(audit_count("campaign.state"), audited);
  EXPECT_EQ(anonymous_get("/api/v1/campaigns/c/status").status, 401);
}

TEST_F(CampaignStateApi, BadBodiesGetTheRightStatusNamingTheFieldAndChangeNothing) {
  Signed coco = sign_in("coco");
  const std::string path = "/api/v1/campaigns/c/state";
  Answer a = raw_call(coco, "POST", path, "text/plain", "state=closed");
  EXPECT_EQ(a.status, 415);
  a = raw_call(coco, "POST", path, "application/json", R"({"state":"closed")");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body.at("error").at("code"), "bad_json");
  for (const char* body : {R"({})", R"({"state":3})", R"({"state":"draft"})", R"({"state":"Closed"})", R"({"state":null})"}) {
    a = call(coco, "POST", path, body);
    EXPECT_EQ(a.status, 422) << body;
    EXPECT_EQ(a.body.at("error").at("field"), "state") << body;
  }
  a = call(coco, "POST", path, R"(["closed"])");
  EXPECT_EQ(a.status, 422);
  EXPECT_EQ(call(coco, "POST", "/api/v1/campaigns/nope/state", R"({"state":"closed"})").status, 404);
  EXPECT_EQ(state_of("c"), "open");
}

// --- GET /api/v1/campaigns/{id}/status ---------------------------------------------------

TEST_F(CampaignStatusApi, EachOrganisationMovesFromNotStartedThroughDraftToSubmittedAndBack) {
  Signed coco = sign_in("coco");
  Answer a = call(coco, "GET", "/api/v1/campaigns/c/status");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body.at("totals").at("organizations"), 2);
  EXPECT_EQ(a.body.at("totals").at("not_started"), 2);
  EXPECT_EQ(a.body.at("min_group"), 1);
  EXPECT_EQ(a.body.at("min_group_reached"), false);
  ASSERT_EQ(a.body.at("organizations").size(), 2u);
  EXPECT_EQ(a.body.at("organizations").at(0).at("id"), "org-a");
  EXPECT_EQ(a.body.at("organizations").at(0).at("status"), "not_started");
  EXPECT_TRUE(a.body.at("organizations").at(0).at("last_activity").is_null());
  EXPECT_TRUE(a.body.at("organizations").at(0).at("latest_revision").is_null());

  Signed eva = sign_in("eva");
  const std::string form = "/api/v1/campaigns/c/evaluations/org-a";
  ASSERT_EQ(call(eva, "PUT", form, R"({"answers":[{"item":"Q1","choice":1},{"item":"Q2","choice":1}]})").status, 200);
  a = call(coco, "GET", "/api/v1/campaigns/c/status");
  EXPECT_EQ(a.body.at("organizations").at(0).at("status"), "draft");
  EXPECT_EQ(a.body.at("organizations").at(0).at("latest_revision"), 1);
  EXPECT_EQ(a.body.at("organizations").at(0).at("submissions"), 0);
  EXPECT_TRUE(a.body.at("organizations").at(0).at("last_activity").is_string());
  EXPECT_EQ(a.body.at("totals").at("draft"), 1);

  ASSERT_EQ(call(eva, "POST", "/api/v1/campaigns/c/evaluations/org-a/submit").status, 200);
  a = call(coco, "GET", "/api/v1/campaigns/c/status");
  EXPECT_EQ(a.body.at("organizations").at(0).at("status"), "submitted");
  EXPECT_EQ(a.body.at("organizations").at(0).at("latest_revision"), 2);
  EXPECT_EQ(a.body.at("organizations").at(0).at("submissions"), 1);
  EXPECT_EQ(a.body.at("totals").at("submitted"), 1);
  EXPECT_EQ(a.body.at("totals").at("submitted_orgs"), 1);
  EXPECT_EQ(a.body.at("min_group_reached"), true);

  ASSERT_EQ(call(eva, "PUT", form, R"({"answers":[{"item":"Q1","choice":2},{"item":"Q2","choice":1}]})").status, 200);
  ASSERT_EQ(call(eva, "POST", form + "/submit").status, 200);
  ASSERT_EQ(call(eva, "PUT", form, R"({"answers":[{"item":"Q1","choice":3}]})").status, 200);
  a = call(coco, "GET", "/api/v1/campaigns/c/status");
  const auto& org_a = a.body.at("organizations").at(0);
  EXPECT_EQ(org_a.at("status"), "draft_after_submit");
  EXPECT_EQ(org_a.at("latest_revision"), 5);
  EXPECT_EQ(org_a.at("submissions"), 2);
  EXPECT_EQ(a.body.at("totals").at("draft_after_submit"), 1);
  EXPECT_EQ(a.body.at("totals").at("submitted_orgs"), 1);
  EXPECT_EQ(a.body.at("organizations").at(1).at("status"), "not_started");
  EXPECT_EQ(a.body.at("totals").at("not_started"), 1);
}

TEST_F(CampaignStatusApi, OnlyTheCampaignsCoordinatorsSeeItAndEveryRefusalIsAudited) {
  const std::size_t before = refusals();
  for (const char* login : {"eva", "olga", "fred"}) {
    EXPECT_EQ(call(sign_in(login), "GET", "/api/v1/campaigns/c/status").status, 403) << login;
  }
  ASSERT_TRUE(db->set_campaign_coordinators("c", {"cleo"}, store::Actor{"test"}).is_ok());
  EXPECT_EQ(call(sign_in("coco"), "GET", "/api/v1/campaigns/c/status").status, 403);
  EXPECT_EQ(call(sign_in("cleo"), "GET", "/api/v1/campaigns/c/status").status, 200);
  EXPECT_EQ(refusals(), before + 4);
  EXPECT_EQ(call(sign_in("cleo"), "GET", "/api/v1/campaigns/nope/status").status, 404);
  EXPECT_EQ(anonymous_get("/api/v1/campaigns/c/status").status, 401);
}

// --- GET /api/v1/campaigns/{id}/report ----------------------------------------------------

TEST_F(CampaignReportApi, ACoordinatorDownloadsTheLiveReportInThreeFormatsAndBothLanguages) {
  submit("eva", "org-a", 1, 2, "連絡網を更新した");
  submit("eve", "org-b", 2, 3);
  Signed coco = sign_in("coco");

  Answer html = call(coco, "GET", "/api/v1/campaigns/c/report?format=html&lang=en");
  ASSERT_EQ(html.status, 200) << html.text.substr(0, 300);
  EXPECT_TRUE(contains(header(html, "Content-Type"), "text/html"));
  const std::string disposition = header(html, "Content-Disposition");
  EXPECT_TRUE(contains(disposition, "attachment; filename=\"kunren-c-")) << disposition;
  EXPECT_TRUE(contains(disposition, "-en.html\"")) << disposition;
  EXPECT_EQ(header(html, "Content-Security-Policy"),
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'")
      << "the report's inline <style> is allowed, and nothing else";
  EXPECT_TRUE(contains(html.text, "<!DOCTYPE html>"));
  EXPECT_TRUE(contains(html.text, "<html lang=\"en\">"));
  EXPECT_TRUE(contains(html.text, "(preliminary, not published)")) << "a download before publication says so";
  EXPECT_TRUE(contains(html.text, "— Q-")) << "comments under quote ids";
  EXPECT_FALSE(contains(html.text, "Org A") || contains(html.text, "Org B")) << "never under a pseudonym";
  EXPECT_FALSE(contains(html.text, "<script"));

  Answer ja = call(coco, "GET", "/api/v1/campaigns/c/report?format=html");
  ASSERT_EQ(ja.status, 200);
  EXPECT_TRUE(contains(ja.text, "<html lang=\"ja\">")) << "Japanese unless asked otherwise";
  EXPECT_TRUE(contains(ja.text, "（速報・未公表）"));
  EXPECT_TRUE(contains(header(ja, "Content-Disposition"), "-ja.html"));

  Answer csv = call(coco, "GET", "/api/v1/campaigns/c/report?format=csv&lang=ja");
  ASSERT_EQ(csv.status, 200);
  EXPECT_TRUE(contains(header(csv, "Content-Type"), "text/csv"));
  EXPECT_TRUE(contains(header(csv, "Content-Disposition"), "-ja.csv\""));
  ASSERT_GE(csv.text.size(), 3u);
  EXPECT_EQ(csv.text.substr(0, 3), "\xEF\xBB\xBF") << "a byte-order mark, as kunren analyze writes for Excel";
  EXPECT_TRUE(contains(csv.text, "item,choice,label,count,percent,share,n,answered,unanswered,tlp\r\n"));
  EXPECT_TRUE(contains(csv.text, "Q1,1,"));

  Answer js = call(coco, "GET", "/api/v1/campaigns/c/report?format=json&lang=en");
  ASSERT_EQ(js.status, 200);
  EXPECT_TRUE(contains(header(js, "Content-Type"), "application/json"));
  EXPECT_TRUE(contains(header(js, "Content-Disposition"), "-en.json\""));
  EXPECT_EQ(js.body.at("schema"), "kunren.analysis/1");
  EXPECT_EQ(js.body.at("organizations"), 2);
  EXPECT_EQ(js.body.at("items").at(0).at("choices").at(0).at("count"), 1);

  EXPECT_EQ(audit_count("report.download"), 4u) << "every download is in the audit log";
}

TEST_F(CampaignReportApi, TheHandlerSetsItsOwnContentSecurityPolicyForTheHtmlReport) {
  // Straight through the router: what the handler answers, before the server adds anything.
  submit("eva", "org-a", 1, 1);
  Signed coco = sign_in("coco");
  HttpRequest r;
  r.method = "GET";
  r.path = "/api/v1/campaigns/c/report";
  r.query = "format=html";
  r.target = r.path + "?" + r.query;
  r.headers = {{"cookie", "kunren_session=" + coco.cookie}};
  HttpResponse res = router.dispatch(r);
  ASSERT_EQ(res.status, 200) << res.body.substr(0, 200);
  bool found = false;
  for (const auto& [name, value] : res.headers) {
    if (name == "Content-Security-Policy") {
      found = true;
      EXPECT_EQ(value, "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'");
    }
  }
  EXPECT_TRUE(found);
  r.query = "format=csv";
  res = router.dispatch(r);
  for (const auto& [name, value] : res.headers) EXPECT_NE(name, "Content-Security-Policy") << "CSV keeps the server's";
}

TEST_F(CampaignReportApi, OrganisationsThatTookPartDownloadOnlyOncePublishedOthersNever) {
  submit("eva", "org-a", 1, 1);
  Signed eva = sign_in("eva");
  Signed eve = sign_in("eve");
  Signed olga = sign_in("olga");
  const std::size_t before = refusals();
  EXPECT_EQ(call(eva, "GET", "/api/v1/campaigns/c/report?format=csv").status, 403) << "not published yet";
  EXPECT_EQ(call(olga, "GET", "/api/v1/campaigns/c/report?format=csv").status, 403) << "not published yet";
  EXPECT_EQ(refusals(), before + 2);
  publish_c();
  Answer a = call(eva, "GET", "/api/v1/campaigns/c/report?format=html&lang=ja");
  EXPECT_EQ(a.status, 200) << "published, and org-a took part";
  EXPECT_FALSE(contains(a.text, "速報")) << "a published report is not marked preliminary";
  EXPECT_EQ(call(olga, "GET", "/api/v1/campaigns/c/report?format=json").status, 200) << "observers, once published";
  EXPECT_EQ(call(eve, "GET", "/api/v1/campaigns/c/report?format=json").status, 403) << "org-b did not take part";
  EXPECT_EQ(call(sign_in("fred"), "GET", "/api/v1/campaigns/c/report?format=json").status, 403);
  EXPECT_EQ(refusals(), before + 4);
  EXPECT_EQ(anonymous_get("/api/v1/campaigns/c/report?format=json").status, 401);
}

TEST_F(CampaignReportApi, AnUnknownFormatOrLanguageIs422NamingTheParameter) {
  Signed coco = sign_in("coco");
  Answer a = call(coco, "GET", "/api/v1/campaigns/c/report?format=pdf");
  EXPECT_EQ(a.status, 422);
  EXPECT_EQ(a.body.at("error").at("field"), "format");
  a = call(coco, "GET", "/api/v1/campaigns/c/report?format=csv&lang=fr");
  EXPECT_EQ(a.status, 422);
  EXPECT_EQ(a.body.at("error").at("field"), "lang");
  EXPECT_EQ(call(coco, "GET", "/api/v1/campaigns/nope/report?format=csv").status, 404);
  EXPECT_EQ(audit_count("report.download"), 0u);
}

// --- GET /api/v1/campaigns/{id}/events ------------------------------------------------------

// An open event stream of `who` on campaign c: the socket and what was read so far.
struct Stream {
  int fd = -1;
  std::string received;
  ~Stream() {
    if (fd >= 0) ::close(fd);
  }
};

TEST_F(CampaignEventsApi, ACoordinatorSeesARevisionWhenAnEvaluatorSavesAndTheNewStateWhenItChanges) {
  Signed coco = sign_in("coco");
  Stream s;
  s.fd = kunren::testing::connect_to(port);
  ASSERT_GE(s.fd, 0);
  kunren::testing::send_all(s.fd, "GET /api/v1/campaigns/c/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
                                  "Cookie: kunren_session=" + coco.cookie + "\r\n\r\n");
  ASSERT_TRUE(kunren::testing::read_until(s.fd, s.received, "event: hello")) << s.received;
  EXPECT_TRUE(contains(s.received, "200 OK"));
  EXPECT_TRUE(contains(s.received, "text/event-stream"));
  EXPECT_TRUE(contains(s.received, R"({"topic":"campaign:c"})"));

  Signed eva = sign_in("eva");
  ASSERT_EQ(call(eva, "PUT", "/api/v1/campaigns/c/evaluations/org-a", R"({"answers":[{"item":"Q1","choice":1}]})").status, 200);
  EXPECT_GE(hub.last_id(), 1u) << "the save was published";
  ASSERT_TRUE(kunren::testing::read_until(s.fd, s.received, "event: revision")) << s.received;
  const std::string after_revision = s.received.substr(s.received.find("event: revision"));
  EXPECT_TRUE(contains(after_revision, "org-a")) << after_revision;

  ASSERT_EQ(call(coco, "POST", "/api/v1/campaigns/c/state", R"({"state":"closed"})").status, 200);
  ASSERT_TRUE(kunren::testing::read_until(s.fd, s.received, R"({"state":"closed"})")) << s.received;
  EXPECT_TRUE(contains(s.received, "event: campaign\n"));
}

TEST_F(CampaignEventsApi, AReconnectingClientStartsWithResync) {
  Signed coco = sign_in("coco");
  Stream s;
  s.fd = kunren::testing::connect_to(port);
  kunren::testing::send_all(s.fd, "GET /api/v1/campaigns/c/events HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 3\r\n"
                                  "Cookie: kunren_session=" + coco.cookie + "\r\n\r\n");
  ASSERT_TRUE(kunren::testing::read_until(s.fd, s.received, "event: resync")) << s.received;
  EXPECT_TRUE(contains(s.received, R"({"reason":"reconnect"})"));
}

TEST_F(CampaignEventsApi, OnlyThoseWhoReadTheLiveResultsMaySubscribe) {
  const std::size_t before = refusals();
  for (const char* login : {"eva", "olga", "fred"}) {
    Answer a = call(sign_in(login), "GET", "/api/v1/campaigns/c/events");
    EXPECT_EQ(a.status, 403) << login;
  }
  EXPECT_EQ(refusals(), before + 3);
  EXPECT_EQ(anonymous_get("/api/v1/campaigns/c/events").status, 401);
  EXPECT_EQ(call(sign_in("coco"), "GET", "/api/v1/campaigns/nope/events").status, 404);
  EXPECT_EQ(hub.subscriber_count(), 0u);
}

}  // namespace
}  // namespace kunren::server
