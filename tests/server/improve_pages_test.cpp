// The pages after a drill and the organisation page, rendered by the real
// server: what each shows for a finished drill (sections, proposals with
// their citations, the CERT draft's unknown fields, overdue plan items in
// red), in Japanese and English, and the 403 page for other organisations.
#include <gtest/gtest.h>

#include "improve_fixture.hpp"

namespace kunren::server {
namespace {

using nlohmann::json;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

class ImprovePages : public AfterDrillTest {
 protected:
  void SetUp() override {
    AfterDrillTest::SetUp();
    run_drill();
    eva = sign_in("eva");
  }
  void save_plan(const std::string& due, const std::string& source) {
    model::ImprovementPlan plan;
    model::PlanItem item;
    item.id = "IP-001";
    item.issue = "Nobody called the CERT";
    item.action = "Put the CERT in the contact tree";
    item.element = "planning";
    item.due = due;
    item.source_exercise = source;
    plan.items.push_back(item);
    ASSERT_TRUE(db->append_org_document("org-a", "improvement-plan", 0, model::to_json(plan).dump(), store::Actor{"test"})
                    .is_ok());
  }
  Signed eva;
};

TEST_F(ImprovePages, TheReportPageShowsEverySectionAndTheEditablePlan) {
  save_plan("2020-01-01", "earlier-drill");
  Answer page = call(eva, "GET", "/exercises/d1/aar");
  ASSERT_EQ(page.status, 200) << page.text;
  for (const char* id : {"aar-overview", "aar-timeline", "aar-metrics", "aar-objectives", "aar-decisions",
                         "aar-contradictions", "aar-plan", "aar-evidence"})
    EXPECT_TRUE(contains(page.text, std::string("id=\"") + id + "\"")) << id;
  EXPECT_TRUE(contains(page.text, "<svg")) << "the timeline chart";
  EXPECT_TRUE(contains(page.text, "the HMI is not reliable")) << "the decision";
  EXPECT_TRUE(contains(page.text, "slow to call outside")) << "the observation";
  // The carried-over item is overdue: red, with its days.
  EXPECT_TRUE(contains(page.text, "plan-row is-overdue"));
  EXPECT_TRUE(contains(page.text, "日超過"));
  EXPECT_TRUE(contains(page.text, "Nobody called the CERT"));
  EXPECT_TRUE(contains(page.text, "id=\"plan-save\"")) << "evaluators edit the plan";
  EXPECT_TRUE(contains(page.text, "/api/v1/orgs/org-a/prepare/improvement-plan"));
  EXPECT_TRUE(contains(page.text, "/api/v1/orgs/org-a/plan.csv"));
  Answer en = call(eva, "GET", "/exercises/d1/aar?lang=en");
  EXPECT_TRUE(contains(en.text, "days overdue"));
  EXPECT_TRUE(contains(en.text, "Improvement plan"));
  // Observers read it without editing.
  Answer obs = call(sign_in("obs"), "GET", "/exercises/d1/aar");
  ASSERT_EQ(obs.status, 200);
  EXPECT_FALSE(contains(obs.text, "id=\"plan-save\""));
}

TEST_F(ImprovePages, TheProposalsPageListsEachItemWithItsReasonAndCitations) {
  Answer page = call(eva, "GET", "/exercises/d1/proposals");
  ASSERT_EQ(page.status, 200) << page.text;
  EXPECT_TRUE(contains(page.text, "id=\"campaign-select\""));
  EXPECT_TRUE(contains(page.text, "<option value=\"ir\" selected>")) << "the drill's open campaign";
  EXPECT_FALSE(contains(page.text, "value=\"ir-closed\"")) << "closed campaigns are not offered";
  EXPECT_FALSE(contains(page.text, "value=\"c\"")) << "campaigns on other checklists are not offered";
  EXPECT_TRUE(contains(page.text, "class=\"proposal-row"));
  EXPECT_TRUE(contains(page.text, "/exercises/d1/review#ev-")) << "citations link to the log";
  EXPECT_TRUE(contains(page.text, "id=\"submit-answers\"")) << "evaluators may submit";
  EXPECT_TRUE(contains(page.text, "/campaigns/ir/evaluations/org-a"));
  // The facilitator sees the proposals but saves nothing.
  Answer fac_page = call(fac, "GET", "/exercises/d1/proposals");
  ASSERT_EQ(fac_page.status, 200);
  EXPECT_FALSE(contains(fac_page.text, "id=\"save-draft\""));
}

TEST_F(ImprovePages, TheCertDraftPageListsTheUnknownFields) {
  Answer page = call(eva, "GET", "/exercises/d1/cert-draft");
  ASSERT_EQ(page.status, 200) << page.text;
  EXPECT_TRUE(contains(page.text, "class=\"cert-text\""));
  EXPECT_TRUE(contains(page.text, "id=\"cert-unknown\""));
  EXPECT_TRUE(contains(page.text, "<mark class=\"cert-unknown\">"));
  EXPECT_TRUE(contains(page.text, "/orgs/org-a/prepare/poc-sheet"));
  EXPECT_TRUE(contains(page.text, "cert-draft?download=1"));
}

TEST_F(ImprovePages, TheCertDraftPageEscapesWhatThePocSheetSays) {
  model::PocSheet sheet;
  sheet.reporter.name = "<script>alert(1)</script>";
  ASSERT_TRUE(db->append_org_document("org-a", "poc-sheet", 0, model::to_json(sheet).dump(), store::Actor{"test"}).is_ok());
  Answer page = call(eva, "GET", "/exercises/d1/cert-draft");
  ASSERT_EQ(page.status, 200);
  EXPECT_FALSE(contains(page.text, "<script>alert(1)")) << "no markup from the sheet reaches the page";
  EXPECT_TRUE(contains(page.text, "&lt;script&gt;alert(1)"));
}

TEST_F(ImprovePages, TheOrganisationPageShowsDrillsPlanAndTrend) {
  save_plan("2020-01-01", "d1");
  Answer page = call(eva, "GET", "/orgs/org-a");
  ASSERT_EQ(page.status, 200) << page.text;
  EXPECT_TRUE(contains(page.text, "data-exercise=\"d1\""));
  EXPECT_TRUE(contains(page.text, "/exercises/d1/aar"));
  EXPECT_TRUE(contains(page.text, "Nobody called the CERT")) << "the overdue item";
  EXPECT_TRUE(contains(page.text, "id=\"org-trend\""));
  EXPECT_TRUE(contains(page.text, "/orgs/org-a/prepare"));
  EXPECT_TRUE(contains(page.text, "<table")) << "the trend table";
}

TEST_F(ImprovePages, OtherOrganisationsGetTheForbiddenPage) {
  Signed eve = sign_in("eve");
  for (const char* path : {"/exercises/d1/aar", "/exercises/d1/proposals", "/exercises/d1/cert-draft", "/orgs/org-a"}) {
    Answer a = call(eve, "GET", path);
    EXPECT_EQ(a.status, 403) << path;
    EXPECT_TRUE(contains(a.head, "text/html")) << path;
    EXPECT_EQ(call(sign_in("coco"), "GET", path).status, 403) << path;
  }
  EXPECT_EQ(call(sign_in("prod"), "GET", "/exercises/d1/aar").status, 403);
  // The review page links to the after-drill pages for those who may open them.
  Answer review = call(eva, "GET", "/exercises/d1/review");
  EXPECT_TRUE(contains(review.text, "href=\"/exercises/d1/aar\""));
  EXPECT_TRUE(contains(review.text, "id=\"ev-1\""));
}

}  // namespace
}  // namespace kunren::server
