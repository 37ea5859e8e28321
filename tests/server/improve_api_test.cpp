// The after-drill API over HTTP (docs/api.md "After the drill"): proposed
// answers for a finished drill, accepting them into a draft or a submitted
// revision that keeps the evidence links, the checks on the campaign and the
// caller, the report in JSON and HTML, the CERT draft, and the
// organisation's plan CSV, trend and contradictions — on the real server
// with SQLite.
#include <gtest/gtest.h>

#include <set>

#include "improve_fixture.hpp"

namespace kunren::server {
namespace {

using nlohmann::json;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

class ImproveApi : public AfterDrillTest {
 protected:
  // The proposals that carry a choice, as accept answers.
  json accepted_answers(const json& proposals) {
    json out = json::array();
    for (const auto& p : proposals["proposals"])
      if (p["choice"].is_number_integer() && p["choice"].get<int>() > 0) out.push_back({{"item", p["item"]}, {"choice", p["choice"]}, {"comment", "from the drill"}});
    return out;
  }
  std::optional<store::Revision> latest(const std::string& campaign, const std::string& org = "org-a") {
    store::LatestQuery q;
    q.state = std::nullopt;
    q.org = org;
    auto got = db->latest_revisions(campaign, q);
    EXPECT_TRUE(got.is_ok()) << got.status().to_string();
    if (!got || got->empty()) return std::nullopt;
    return got->front();
  }
  // A submitted self-evaluation of org-a in "ir" answering every item with
  // its first "good" choice.
  void submit_all_good() {
    std::vector<store::Answer> answers;
    for (const auto& item : ir.items)
      for (const auto& c : item.choices)
        if (c.level == model::Level::kGood) {
          answers.push_back({item.id, static_cast<std::uint8_t>(c.no), "", false, ""});
          break;
        }
    ASSERT_TRUE(db->append_revisions("ir", {{"org-a", store::RevisionState::kSubmitted, answers}}, nullptr,
                                     store::Actor{"test"})
                    .is_ok());
  }
};

TEST_F(ImproveApi, AFinishedDrillProposesAnswersCitingItsLog) {
  run_drill();
  Answer got = call(sign_in("eva"), "GET", "/api/v1/exercises/d1/proposals");
  ASSERT_EQ(got.status, 200) << got.text;
  EXPECT_EQ(got.body["campaign"], "ir");
  EXPECT_EQ(got.body["ended"], true);
  ASSERT_TRUE(got.body["proposals"].is_array());
  ASSERT_FALSE(got.body["proposals"].empty());
  const std::int64_t last = db->get_exercise("d1").value().last_seq;
  std::size_t with_choice = 0, cited = 0;
  for (const auto& p : got.body["proposals"]) {
    EXPECT_TRUE(ir.find_item(p["item"].get<std::string>())) << p;
    with_choice += p["choice"].is_number_integer() ? 1 : 0;
    for (const auto& c : p.value("citations", json::array())) {
      const std::int64_t seq = c["seq"].is_number_integer() ? c["seq"].get<std::int64_t>() : 0;
      EXPECT_LE(seq, last) << "a citation names an event of the log";
      cited += seq > 0 ? 1 : 0;
    }
  }
  EXPECT_GT(with_choice, 0u);
  EXPECT_GT(cited, 0u) << "some proposals cite events";
  EXPECT_TRUE(got.body["contradictions"].empty()) << "org-a has not submitted in ir";
  // The same as the facilitator and the observer; not for others.
  EXPECT_EQ(call(fac, "GET", "/api/v1/exercises/d1/proposals").status, 200);
  EXPECT_EQ(call(sign_in("obs"), "GET", "/api/v1/exercises/d1/proposals").status, 200);
}

TEST_F(ImproveApi, AcceptingWritesADraftWithEvidenceLinksAndSubmitting) {
  run_drill();
  Signed eva = sign_in("eva");
  const json proposals = call(eva, "GET", "/api/v1/exercises/d1/proposals").body;
  json answers = accepted_answers(proposals);
  ASSERT_FALSE(answers.empty());
  Answer saved = call(eva, "POST", "/api/v1/exercises/d1/proposals/accept",
                      json{{"campaign", "ir"}, {"answers", answers}, {"submit", false}, {"base_revision", 0}}.dump());
  ASSERT_EQ(saved.status, 200) << saved.text;
  EXPECT_EQ(saved.body["href"], "/campaigns/ir/evaluations/org-a");
  auto draft = latest("ir");
  ASSERT_TRUE(draft);
  EXPECT_EQ(draft->no, 1);
  EXPECT_EQ(draft->state, store::RevisionState::kDraft);
  ASSERT_EQ(draft->answers.size(), answers.size());
  for (const auto& a : draft->answers) {
    const json links = json::parse(a.evidence, nullptr, false);
    ASSERT_TRUE(links.is_array() && links.size() == 1) << a.item << ": " << a.evidence;
    EXPECT_EQ(links[0]["exercise"], "d1");
    EXPECT_TRUE(links[0].contains("events"));
    EXPECT_EQ(a.comment, "from the drill");
  }
  // Submitting with the rest of the checklist unanswered needs saying so.
  Answer refused = call(eva, "POST", "/api/v1/exercises/d1/proposals/accept",
                        json{{"campaign", "ir"}, {"answers", answers}, {"submit", true}}.dump());
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(refused.body["error"]["code"], "unanswered");
  EXPECT_EQ(latest("ir")->no, 1) << "nothing written";
  // A changed choice for one item, submitted: the other answers stay.
  json changed = json::array({answers[0]});
  changed[0]["choice"] = 1;
  Answer submitted = call(eva, "POST", "/api/v1/exercises/d1/proposals/accept",
                          json{{"campaign", "ir"}, {"answers", changed}, {"submit", true}, {"leave_unanswered", true},
                               {"base_revision", 1}}
                              .dump());
  ASSERT_EQ(submitted.status, 200) << submitted.text;
  auto after = latest("ir");
  EXPECT_EQ(after->no, 2);
  EXPECT_EQ(after->state, store::RevisionState::kSubmitted);
  EXPECT_EQ(after->answers.size(), answers.size());
  for (const auto& a : after->answers) {
    EXPECT_FALSE(a.evidence.empty()) << a.item;
    if (a.item == answers[0]["item"]) {
      EXPECT_EQ(a.choice, 1);
      EXPECT_EQ(json::parse(a.evidence).size(), 1u) << "one link per drill, replaced";
    }
  }
  // A stale base is refused.
  Answer stale = call(eva, "POST", "/api/v1/exercises/d1/proposals/accept",
                      json{{"campaign", "ir"}, {"answers", changed}, {"base_revision", 1}}.dump());
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.body["error"]["code"], "stale");
}

TEST_F(ImproveApi, AcceptingIsRefusedForClosedCampaignsOtherChecklistsAndBadItems) {
  run_drill();
  Signed eva = sign_in("eva");
  const json answers = accepted_answers(call(eva, "GET", "/api/v1/exercises/d1/proposals").body);
  ASSERT_FALSE(answers.empty());
  Answer closed = call(eva, "POST", "/api/v1/exercises/d1/proposals/accept",
                       json{{"campaign", "ir-closed"}, {"answers", answers}}.dump());
  EXPECT_EQ(closed.status, 409) << closed.text;
  EXPECT_FALSE(latest("ir-closed"));
  Answer other = call(eva, "POST", "/api/v1/exercises/d1/proposals/accept",
                      json{{"campaign", "c"}, {"answers", answers}}.dump());
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(other.body["error"]["field"], "campaign");
  EXPECT_EQ(call(eva, "GET", "/api/v1/exercises/d1/proposals?campaign=c").status, 400);
  EXPECT_EQ(call(eva, "GET", "/api/v1/exercises/d1/proposals?campaign=nope").status, 404);
  Answer bad = call(eva, "POST", "/api/v1/exercises/d1/proposals/accept",
                    json{{"campaign", "ir"}, {"answers", {{{"item", "NOPE"}, {"choice", 1}}}}}.dump());
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.body["error"]["field"], "answers[0].item");
  json too_big = answers;
  too_big[0]["choice"] = 99;
  EXPECT_EQ(call(eva, "POST", "/api/v1/exercises/d1/proposals/accept", json{{"campaign", "ir"}, {"answers", too_big}}.dump())
                .body["error"]["field"],
            "answers[0].choice");
  EXPECT_FALSE(latest("ir"));
  // The facilitator reviews the drill but does not evaluate: refused at the campaign.
  const std::size_t before = refusals();
  EXPECT_EQ(call(fac, "POST", "/api/v1/exercises/d1/proposals/accept", json{{"campaign", "ir"}, {"answers", answers}}.dump())
                .status,
            403);
  EXPECT_EQ(refusals(), before + 1);
  EXPECT_FALSE(latest("ir"));
}

TEST_F(ImproveApi, OtherOrganisationsCoordinatorsAndParticipantsAreRefused) {
  run_drill();
  Signed eve = sign_in("eve"), coco = sign_in("coco"), prod = sign_in("prod");
  const std::size_t before = refusals();
  for (const char* path : {"/api/v1/exercises/d1/proposals", "/api/v1/exercises/d1/aar", "/api/v1/exercises/d1/cert-draft"}) {
    EXPECT_EQ(call(eve, "GET", path).status, 403) << path;
    EXPECT_EQ(call(coco, "GET", path).status, 403) << path;
    EXPECT_EQ(call(prod, "GET", path).status, 403) << path;
  }
  EXPECT_EQ(call(eve, "POST", "/api/v1/exercises/d1/proposals/accept",
                 R"({"campaign":"ir","answers":[{"item":"x","choice":1}]})").status,
            403);
  for (const char* path : {"/api/v1/orgs/org-a/plan.csv", "/api/v1/orgs/org-a/trend", "/api/v1/orgs/org-a/contradictions"}) {
    EXPECT_EQ(call(eve, "GET", path).status, 403) << path;
    EXPECT_EQ(call(coco, "GET", path).status, 403) << path;
  }
  EXPECT_EQ(refusals(), before + 16);
  EXPECT_FALSE(latest("ir"));
}

TEST_F(ImproveApi, ASubmittedClaimTheDrillDidNotBearOutIsAContradiction) {
  run_drill();
  submit_all_good();
  Signed eva = sign_in("eva");
  Answer got = call(eva, "GET", "/api/v1/exercises/d1/proposals");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body["compared_revision"], 1);
  std::set<std::string> poor;
  for (const auto& p : got.body["proposals"])
    if (p.value("level", json()) == "poor") poor.insert(p["item"]);
  ASSERT_FALSE(poor.empty()) << "no contact with the CERT: some item is poor";
  std::set<std::string> found;
  for (const auto& c : got.body["contradictions"]) found.insert(c["item"]);
  for (const auto& item : poor) EXPECT_TRUE(found.count(item)) << item << " claimed good, shown poor";
  Answer org = call(eva, "GET", "/api/v1/orgs/org-a/contradictions");
  ASSERT_EQ(org.status, 200) << org.text;
  ASSERT_EQ(org.body["drills"].size(), 1u);
  EXPECT_EQ(org.body["drills"][0]["exercise"], "d1");
  EXPECT_EQ(org.body["drills"][0]["contradictions"].size(), got.body["contradictions"].size());
}

TEST_F(ImproveApi, TheReportComesAsJsonAndAsADownloadablePage) {
  run_drill();
  Signed eva = sign_in("eva");
  Answer j = call(eva, "GET", "/api/v1/exercises/d1/aar?format=json&lang=en");
  ASSERT_EQ(j.status, 200) << j.text;
  EXPECT_TRUE(contains(j.text, "kunren.aar/1"));
  EXPECT_TRUE(contains(j.text, "\"d1\""));
  EXPECT_TRUE(contains(j.text, "the HMI is not reliable")) << "the decision's rationale is in the report";
  Answer h = call(eva, "GET", "/api/v1/exercises/d1/aar?format=html");
  ASSERT_EQ(h.status, 200);
  EXPECT_TRUE(contains(h.head, "text/html"));
  EXPECT_TRUE(contains(h.head, "attachment; filename=\"d1-aar.html\""));
  EXPECT_TRUE(contains(h.text, "<svg")) << "the timeline chart";
  EXPECT_EQ(call(eva, "GET", "/api/v1/exercises/d1/aar?format=pdf").status, 400);
}

TEST_F(ImproveApi, TheCertDraftMarksWhatIsUnknownAndIsPlainText) {
  run_drill();
  Signed eva = sign_in("eva");
  Answer draft = call(eva, "GET", "/api/v1/exercises/d1/cert-draft");
  ASSERT_EQ(draft.status, 200) << draft.text;
  EXPECT_TRUE(contains(draft.head, "text/plain; charset=utf-8"));
  EXPECT_FALSE(contains(draft.head, "attachment"));
  EXPECT_TRUE(contains(draft.text, "不明")) << "no PoC sheet: the reporter is unknown";
  Answer en = call(eva, "GET", "/api/v1/exercises/d1/cert-draft?lang=en&download=1&purpose=question");
  ASSERT_EQ(en.status, 200);
  EXPECT_TRUE(contains(en.head, "attachment; filename=\"d1-cert-draft.txt\""));
  EXPECT_NE(en.text, draft.text);
  EXPECT_EQ(call(eva, "GET", "/api/v1/exercises/d1/cert-draft?purpose=gossip").status, 400);
}

TEST_F(ImproveApi, ThePlanCsvOpensInExcelAndTheTrendListsEndedDrills) {
  run_drill();
  model::ImprovementPlan plan;
  model::PlanItem item;
  item.id = "IP-001";
  item.issue = "No call to the CERT";
  item.action = "Add the CERT to the contact tree";
  item.element = "planning";
  item.due = "2020-01-31";
  item.source_exercise = "d1";
  plan.items.push_back(item);
  ASSERT_TRUE(db->append_org_document("org-a", "improvement-plan", 0, model::to_json(plan).dump(), store::Actor{"test"})
                  .is_ok());
  Signed eva = sign_in("eva");
  Answer csv = call(eva, "GET", "/api/v1/orgs/org-a/plan.csv");
  ASSERT_EQ(csv.status, 200) << csv.text;
  EXPECT_EQ(csv.text.rfind("\xEF\xBB\xBF", 0), 0u) << "UTF-8 with BOM";
  EXPECT_TRUE(contains(csv.text, "No call to the CERT"));
  EXPECT_TRUE(contains(csv.text, "\r\n"));
  EXPECT_TRUE(contains(csv.head, "attachment"));
  Answer trend = call(eva, "GET", "/api/v1/orgs/org-a/trend");
  ASSERT_EQ(trend.status, 200) << trend.text;
  EXPECT_TRUE(contains(trend.text, "kunren.trend/1"));
  EXPECT_TRUE(contains(trend.text, "\"d1\""));
  EXPECT_EQ(call(eva, "GET", "/api/v1/orgs/nope/trend").status, 403) << "not eva's organisation";
}

TEST_F(ImproveApi, ADrillStillRunningCannotBeAccepted) {
  Answer created = call(fac, "POST", "/api/v1/exercises",
                        R"({"id":"d1","title":"Drill","org":"org-a","campaign":"ir","scenario":"factory-ransomware"})");
  ASSERT_EQ(created.status, 201);
  ASSERT_EQ(call(fac, "POST", "/api/v1/exercises/d1/control", R"({"action":"start"})").status, 200);
  Signed eva = sign_in("eva");
  Answer got = call(eva, "GET", "/api/v1/exercises/d1/proposals");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body["ended"], false);
  EXPECT_EQ(call(eva, "POST", "/api/v1/exercises/d1/proposals/accept",
                 R"({"campaign":"ir","answers":[{"item":"x","choice":1}]})").status,
            409);
}

}  // namespace
}  // namespace kunren::server
