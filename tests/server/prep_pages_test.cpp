// The preparedness pages over real HTTP: the hub for the organisation's
// evaluator with each record's status and the stale-contact warning, the
// editors as real forms (rows, selects, the "confirmed today" button, the
// template when nothing is saved), the observer's disabled form, the
// history, the nav link, the audited 403 page for another organisation's
// evaluator, and the contact-tree panel of the drill pages.
#include <gtest/gtest.h>

#include <kunren/model/preparedness.hpp>

#include "campaign_fixture.hpp"

namespace kunren::server {
namespace {

using nlohmann::json;

class PrepPages : public CoordinatorTest {
 protected:
  void SetUp() override {
    CoordinatorTest::SetUp();
    if (HasFatalFailure()) return;
    add_user("fac", store::Role::kFacilitator, {"org-a"});
    add_user("obs", store::Role::kObserver, {"org-a"});
    add_user("par", store::Role::kParticipant, {"org-a"});
    eva = sign_in("eva");
  }

  void save(const std::string& kind, const json& document) {
    auto latest = db->latest_org_document("org-a", kind).value();
    Answer a = call(eva, "PUT", "/api/v1/orgs/org-a/prepare/" + kind,
                    json{{"base_no", latest ? latest->no : 0}, {"document", document}}.dump());
    ASSERT_EQ(a.status, 200) << a.text;
  }

  static json tree() {
    return {{"entries",
             {{{"id", "manager"},
               {"name", "工場長 架空一郎"},
               {"function", "plant-manager"},
               {"channels", {{{"kind", "mobile"}, {"value", "0X0-XXXX-0001"}, {"note", "夜間・休日"}}}},
               {"backup", "chief"},
               {"escalation", 1},
               {"last_confirmed", "2099-01-01"}},
              {{"id", "chief"},
               {"name", "製造課長 架空二郎"},
               {"channels", {{{"kind", "phone"}, {"value", "0X0-XXXX-0002"}}}},
               {"escalation", 2},
               {"last_confirmed", "2019-05-01"}}}}};
  }

  static void expect_no_inline_code(const std::string& html) {
    EXPECT_FALSE(contains(html, "<script>")) << "no inline script";
    EXPECT_FALSE(contains(html, " style=\"")) << "no style attribute (the CSP blocks them)";
    EXPECT_FALSE(contains(html, " onclick=")) << "no inline handler";
  }

  Signed eva;
};

TEST_F(PrepPages, TheHubListsTheSixRecordsWithTheirStatusAndWarnsOfStaleContacts) {
  save("contact-tree", tree());
  Answer hub = call(eva, "GET", "/orgs/org-a/prepare");
  ASSERT_EQ(hub.status, 200) << hub.text.substr(0, 400);
  expect_no_inline_code(hub.text);
  EXPECT_TRUE(contains(hub.text, "<h1>平時の備え</h1>"));
  for (model::PrepKind kind : model::all_prep_kinds())
    EXPECT_TRUE(contains(hub.text, "href=\"/orgs/org-a/prepare/" + std::string(model::to_string(kind)) + "\""))
        << model::to_string(kind);
  EXPECT_TRUE(contains(hub.text, "第1版")) << "the contact tree's revision";
  EXPECT_TRUE(contains(hub.text, "eva"));
  EXPECT_TRUE(contains(hub.text, "最終確認から180日以上経過している連絡先があります（1件）"));
  EXPECT_TRUE(contains(hub.text, "製造課長 架空二郎"));
  EXPECT_FALSE(contains(hub.text, "工場長 架空一郎")) << "confirmed recently: not in the warning";
  EXPECT_TRUE(contains(hub.text, "未作成")) << "the records not written yet";
  // The nav links to it for those who may see it.
  EXPECT_TRUE(contains(hub.text, "href=\"/orgs/org-a/prepare\" aria-current=\"page\">平時の備え</a>"));
  Answer en = call(eva, "GET", "/orgs/org-a/prepare?lang=en");
  EXPECT_TRUE(contains(en.text, "<h1>Preparedness records</h1>"));
}

TEST_F(PrepPages, TheContactTreeEditorIsARealFormWithTheEntriesRowsAndStaleMarks) {
  save("contact-tree", tree());
  Answer page = call(eva, "GET", "/orgs/org-a/prepare/contact-tree");
  ASSERT_EQ(page.status, 200) << page.text.substr(0, 400);
  expect_no_inline_code(page.text);
  EXPECT_TRUE(contains(page.text, "<h1>連絡網</h1>"));
  EXPECT_TRUE(contains(page.text, "data-field=\"name\" value=\"工場長 架空一郎\""));
  EXPECT_TRUE(contains(page.text, "data-field=\"value\" value=\"0X0-XXXX-0001\""));
  EXPECT_TRUE(contains(page.text, "<option value=\"mobile\" selected>携帯電話</option>"));
  EXPECT_TRUE(contains(page.text, "<option value=\"chief\" selected>製造課長 架空二郎</option>")) << "the backup select";
  EXPECT_TRUE(contains(page.text, "data-confirm-today>今日確認した</button>"));
  EXPECT_TRUE(contains(page.text, "class=\"prep-entry is-stale\"")) << "the entry confirmed in 2019";
  EXPECT_TRUE(contains(page.text, "<template data-row-template=\"entries\">")) << "rows can be added";
  EXPECT_TRUE(contains(page.text, "id=\"prep-save\"")) << "the evaluator may save";
  EXPECT_FALSE(contains(page.text, "<fieldset class=\"prep-fields\" disabled>"));
  EXPECT_TRUE(contains(page.text, "\"base_no\":1")) << "the revision the edit starts from";
  EXPECT_TRUE(contains(page.text, "src=\"/static/prepare.js")) << "the script that saves";
}

TEST_F(PrepPages, EveryEditorRendersItsTemplateWhenNothingIsSaved) {
  for (model::PrepKind kind : model::all_prep_kinds()) {
    const std::string name = model::to_string(kind);
    SCOPED_TRACE(name);
    Answer page = call(eva, "GET", "/orgs/org-a/prepare/" + name);
    ASSERT_EQ(page.status, 200) << page.text.substr(0, 600);
    expect_no_inline_code(page.text);
    EXPECT_TRUE(contains(page.text, "ひな形")) << "says it starts from the template";
    EXPECT_TRUE(contains(page.text, "\"base_no\":0"));
  }
  Answer criteria = call(eva, "GET", "/orgs/org-a/prepare/criteria");
  EXPECT_TRUE(contains(criteria.text, "data-field=\"decision_point\" value=\"DP3\"")) << "the template's DP3";
  EXPECT_TRUE(contains(criteria.text, "<option value=\"DP10\"")) << "any decision point of the scenario can be added";
  Answer evidence = call(eva, "GET", "/orgs/org-a/prepare/evidence-plan");
  std::size_t rows = 0;
  for (std::size_t at = evidence.text.find("data-field=\"type\" data-keep"); at != std::string::npos;
       at = evidence.text.find("data-field=\"type\" data-keep", at + 1))
    ++rows;
  EXPECT_EQ(rows, model::evidence_catalogue().size()) << "one row per evidence type";
  Answer poc = call(eva, "GET", "/orgs/org-a/prepare/poc-sheet");
  EXPECT_TRUE(contains(poc.text, "data-field=\"withhold\" data-type=\"checks\" value=\"reporter.name\""))
      << "the CERT form's fields can be withheld";
  Answer restart = call(eva, "GET", "/orgs/org-a/prepare/restart-checklist");
  EXPECT_TRUE(contains(restart.text, "<option value=\"network-controls\" selected>"));
  EXPECT_EQ(call(eva, "GET", "/orgs/org-a/prepare/budget").status, 404);
}

TEST_F(PrepPages, ObserversGetADisabledFormAndTheHistoryListsRevisions) {
  save("contact-tree", tree());
  json changed = tree();
  changed["entries"][1]["last_confirmed"] = "2099-02-01";
  save("contact-tree", changed);
  Signed obs = sign_in("obs");
  Answer page = call(obs, "GET", "/orgs/org-a/prepare/contact-tree");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.text, "<fieldset class=\"prep-fields\" disabled>"));
  EXPECT_FALSE(contains(page.text, "id=\"prep-save\""));
  Answer history = call(eva, "GET", "/orgs/org-a/prepare/contact-tree/history");
  ASSERT_EQ(history.status, 200);
  EXPECT_TRUE(contains(history.text, "href=\"/orgs/org-a/prepare/contact-tree?no=1\""));
  EXPECT_TRUE(contains(history.text, "href=\"/orgs/org-a/prepare/contact-tree?no=2\""));
  Answer old = call(eva, "GET", "/orgs/org-a/prepare/contact-tree?no=1");
  ASSERT_EQ(old.status, 200);
  EXPECT_TRUE(contains(old.text, "第1版")) << "says which revision is shown";
  EXPECT_TRUE(contains(old.text, "value=\"2019-05-01\""));
  EXPECT_TRUE(contains(old.text, "\"base_no\":2")) << "saving it makes it the latest";
}

TEST_F(PrepPages, AnotherOrganisationsEvaluatorAndCoordinatorsAreRefusedWithTheAuditedPage) {
  const std::size_t before = refusals();
  Signed eve = sign_in("eve");
  Signed coco = sign_in("coco");
  for (const Signed* who : {&eve, &coco}) {
    Answer hub = call(*who, "GET", "/orgs/org-a/prepare");
    EXPECT_EQ(hub.status, 403);
    EXPECT_TRUE(contains(hub.text, "このページを表示する権限がありません"));
    EXPECT_EQ(call(*who, "GET", "/orgs/org-a/prepare/contact-tree").status, 403);
  }
  EXPECT_EQ(refusals(), before + 4);
  Answer own = call(eve, "GET", "/campaigns");
  EXPECT_TRUE(contains(own.text, "href=\"/orgs/org-b/prepare\"")) << "eve's nav links to her own organisation";
  EXPECT_FALSE(contains(call(coco, "GET", "/campaigns").text, "/prepare\"")) << "no link for coordinators";
}

TEST_F(PrepPages, TheDrillPagesShowTheContactTreeInACollapsiblePanel) {
  save("contact-tree", tree());
  Signed fac = sign_in("fac");
  ASSERT_EQ(call(fac, "POST", "/api/v1/exercises",
                 R"({"id": "d1", "title": "訓練", "org": "org-a", "scenario": "factory-ransomware",
                     "participants": [{"login": "par", "role": "production"}]})")
                .status,
            201);
  Signed par = sign_in("par");
  for (const Signed* who : {&par, &fac}) {
    Answer page = call(*who, "GET", "/exercises/d1");
    ASSERT_EQ(page.status, 200) << page.text.substr(0, 400);
    EXPECT_TRUE(contains(page.text, "<details class=\"panel drill-contacts\" id=\"drill-contact-tree\">"));
    EXPECT_TRUE(contains(page.text, "<h2>連絡網</h2>"));
    EXPECT_TRUE(contains(page.text, "要確認 1件"));
    EXPECT_TRUE(contains(page.text, "0X0-XXXX-0001"));
    const auto first = page.text.find("工場長 架空一郎");
    const auto second = page.text.find("製造課長 架空二郎", page.text.find("drill-contact-tree"));
    EXPECT_LT(first, second) << "escalation order";
  }
}

}  // namespace
}  // namespace kunren::server
