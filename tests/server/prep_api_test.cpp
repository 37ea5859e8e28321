// The preparedness API over HTTP (docs/api.md "Preparedness records"): the
// template of every kind before anything is saved, a save as revision 1, the
// 422 that names the document's field, the 409 when someone saved in
// between, the history, who may read and who may write (an evaluator of
// another organisation, a coordinator and an observer who may only read),
// the overview's stale contacts and overdue plan items, and the drill
// integration: criteria copied into a drill planned without any, and the
// contact tree in a participant's state.
#include <gtest/gtest.h>

#include <kunren/model/preparedness.hpp>

#include "api_fixture.hpp"

namespace kunren::server {
namespace {

using nlohmann::json;

class PrepApi : public CampaignApiTest {
 protected:
  void SetUp() override {
    CampaignApiTest::SetUp();
    if (HasFatalFailure()) return;
    add_user("fac", store::Role::kFacilitator, {"org-a"});
    add_user("obs", store::Role::kObserver, {"org-a"});
    add_user("par", store::Role::kParticipant, {"org-a"});
    eva = sign_in("eva");
  }

  Answer put(const Signed& who, const std::string& kind, int base_no, const json& document, bool csrf = true) {
    return call(who, "PUT", "/api/v1/orgs/org-a/prepare/" + kind, json{{"base_no", base_no}, {"document", document}}.dump(),
                csrf);
  }

  static json tree(const std::string& confirmed_a, const std::string& confirmed_b) {
    return {{"stale_after_days", 180},
            {"entries",
             {{{"id", "plant-manager"},
               {"name", "工場長 架空太郎"},
               {"function", "plant-manager"},
               {"channels", {{{"kind", "mobile"}, {"value", "090-0000-0001"}}}},
               {"backup", "deputy"},
               {"escalation", 2},
               {"last_confirmed", confirmed_a}},
              {{"id", "deputy"},
               {"name", "製造課長 架空花子"},
               {"channels", {{{"kind", "phone"}, {"value", "0X0-XXXX-0002"}}}},
               {"escalation", 1},
               {"last_confirmed", confirmed_b}},
              {{"id", "cert"},
               {"name", "ナショナルCERT 窓口"},
               {"function", "national-cert"},
               {"external", true},
               {"channels", {{{"kind", "email"}, {"value", "ir@example.invalid"}}}}}}}};
  }

  Signed eva;
};

TEST_F(PrepApi, EveryKindStartsFromItsTemplateWhenNothingIsSaved) {
  for (model::PrepKind kind : model::all_prep_kinds()) {
    const std::string name = model::to_string(kind);
    SCOPED_TRACE(name);
    Answer a = call(eva, "GET", "/api/v1/orgs/org-a/prepare/" + name + "?lang=en");
    ASSERT_EQ(a.status, 200) << a.text;
    EXPECT_EQ(a.body["no"], 0);
    EXPECT_TRUE(a.body["document"].is_null());
    EXPECT_EQ(a.body["template"], model::prep_template(kind, "en"));
    // The template is a valid document: saved as it is, it becomes revision 1.
    Answer saved = put(eva, name, 0, a.body["template"]);
    EXPECT_EQ(saved.status, 200) << saved.text;
    EXPECT_EQ(saved.body["no"], 1);
  }
  Answer unknown = call(eva, "GET", "/api/v1/orgs/org-a/prepare/budget");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body["error"]["field"], "kind");
}

TEST_F(PrepApi, AValidSaveIsRevisionOneInCanonicalFormAndTheAuditSaysWhoSavedIt) {
  Answer saved = put(eva, "contact-tree", 0, tree("2026-10-01", "2026-10-01"));
  ASSERT_EQ(saved.status, 200) << saved.text;
  EXPECT_EQ(saved.body["no"], 1);
  EXPECT_EQ(saved.body["author"], "user:eva");
  EXPECT_EQ(saved.body["document"], model::to_json(model::parse_contact_tree(tree("2026-10-01", "2026-10-01")).value()));
  Answer got = call(eva, "GET", "/api/v1/orgs/org-a/prepare/contact-tree");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body["no"], 1);
  EXPECT_EQ(got.body["document"]["entries"][0]["name"], "工場長 架空太郎");
  EXPECT_FALSE(got.body.contains("template"));
  std::size_t audited = 0;
  for (const auto& e : db->list_audit().value())
    audited += e.action == "document.save" && e.object_id == "org-a/contact-tree" ? 1 : 0;
  EXPECT_EQ(audited, 1u);
}

TEST_F(PrepApi, AnInvalidDocumentIs422NamingTheFieldAndNothingIsStored) {
  json doc = tree("2026-10-01", "2026-10-01");
  doc["entries"][2]["last_confirmed"] = "2026-02-30";
  Answer a = put(eva, "contact-tree", 0, doc);
  EXPECT_EQ(a.status, 422) << a.text;
  EXPECT_EQ(a.body["error"]["code"], "bad_input");
  EXPECT_EQ(a.body["error"]["field"], "document.entries[2].last_confirmed");

  Answer no_base = call(eva, "PUT", "/api/v1/orgs/org-a/prepare/criteria", R"({"document": {"points": []}})");
  EXPECT_EQ(no_base.status, 422);
  EXPECT_EQ(no_base.body["error"]["field"], "base_no");
  Answer no_doc = call(eva, "PUT", "/api/v1/orgs/org-a/prepare/criteria", R"({"base_no": 0, "document": []})");
  EXPECT_EQ(no_doc.status, 422);
  EXPECT_EQ(no_doc.body["error"]["field"], "document");
  EXPECT_FALSE(db->latest_org_document("org-a", "contact-tree").value().has_value());
}

TEST_F(PrepApi, ASaveBasedOnAnOlderRevisionIs409StaleAndKeepsTheOtherSave) {
  ASSERT_EQ(put(eva, "contact-tree", 0, tree("2026-10-01", "2026-10-01")).status, 200);
  Signed fac = sign_in("fac");
  ASSERT_EQ(put(fac, "contact-tree", 1, tree("2026-11-01", "2026-11-01")).status, 200);
  Answer late = put(eva, "contact-tree", 1, tree("2026-09-01", "2026-09-01"));
  EXPECT_EQ(late.status, 409) << late.text;
  EXPECT_EQ(late.body["error"]["code"], "stale");
  EXPECT_EQ(late.body["latest_no"], 2);
  Answer got = call(eva, "GET", "/api/v1/orgs/org-a/prepare/contact-tree");
  EXPECT_EQ(got.body["document"]["entries"][0]["last_confirmed"], "2026-11-01");
  EXPECT_EQ(got.body["author"], "user:fac");
}

TEST_F(PrepApi, TheHistoryListsEveryRevisionNewestFirstAndEachCanBeRead) {
  ASSERT_EQ(put(eva, "contact-tree", 0, tree("2026-10-01", "2026-10-01")).status, 200);
  ASSERT_EQ(put(eva, "contact-tree", 1, tree("2026-11-01", "2026-11-01")).status, 200);
  Answer list = call(eva, "GET", "/api/v1/orgs/org-a/prepare/contact-tree/revisions");
  ASSERT_EQ(list.status, 200) << list.text;
  ASSERT_EQ(list.body["revisions"].size(), 2u);
  EXPECT_EQ(list.body["revisions"][0]["no"], 2);
  EXPECT_EQ(list.body["revisions"][1]["no"], 1);
  Answer first = call(eva, "GET", "/api/v1/orgs/org-a/prepare/contact-tree/revisions/1");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.body["document"]["entries"][0]["last_confirmed"], "2026-10-01");
  EXPECT_EQ(call(eva, "GET", "/api/v1/orgs/org-a/prepare/contact-tree/revisions/3").status, 404);
  EXPECT_EQ(call(eva, "GET", "/api/v1/orgs/org-a/prepare/contact-tree/revisions/x").status, 404);
}

TEST_F(PrepApi, OnlyTheOrganisationsOwnEvaluatorsFacilitatorsAndObserversMayRead) {
  ASSERT_EQ(put(eva, "contact-tree", 0, tree("2026-10-01", "2026-10-01")).status, 200);
  const std::size_t before = refusals();
  Signed eve = sign_in("eve");  // org-b's evaluator
  Signed coco = sign_in("coco");
  Signed par = sign_in("par");
  for (const Signed* who : {&eve, &coco, &par}) {
    EXPECT_EQ(call(*who, "GET", "/api/v1/orgs/org-a/prepare").status, 403);
    EXPECT_EQ(call(*who, "GET", "/api/v1/orgs/org-a/prepare/contact-tree").status, 403);
    EXPECT_EQ(call(*who, "GET", "/api/v1/orgs/org-a/prepare/contact-tree/revisions").status, 403);
    EXPECT_EQ(put(*who, "contact-tree", 1, tree("2026-11-01", "2026-11-01")).status, 403);
  }
  EXPECT_EQ(refusals(), before + 12) << "every refusal is audited";
  // The observer reads but does not write.
  Signed obs = sign_in("obs");
  EXPECT_EQ(call(obs, "GET", "/api/v1/orgs/org-a/prepare/contact-tree").status, 200);
  EXPECT_EQ(put(obs, "contact-tree", 1, tree("2026-11-01", "2026-11-01")).status, 403);
  // Without the CSRF token nothing is saved, even by the evaluator.
  Answer no_csrf = put(eva, "contact-tree", 1, tree("2026-11-01", "2026-11-01"), false);
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(db->latest_org_document("org-a", "contact-tree").value()->no, 1);
}

TEST_F(PrepApi, TheOverviewCountsStaleContactsAndOverduePlanItems) {
  ASSERT_EQ(put(eva, "contact-tree", 0, tree("2019-04-01", "2099-01-01")).status, 200);
  json plan = {{"items",
                {{{"id", "IP-001"}, {"issue", "連絡網が古い"}, {"due", "2020-01-31"}, {"status", "open"}},
                 {{"id", "IP-002"}, {"issue", "証拠保全の手順がない"}, {"due", "2099-12-31"}, {"status", "in-progress"}},
                 {{"id", "IP-003"}, {"issue", "済み"}, {"due", "2020-01-31"}, {"status", "done"}, {"completed", "2020-01-30"}}}}};
  ASSERT_EQ(put(eva, "improvement-plan", 0, plan).status, 200);
  Answer a = call(eva, "GET", "/api/v1/orgs/org-a/prepare");
  ASSERT_EQ(a.status, 200) << a.text;
  ASSERT_EQ(a.body["records"].size(), model::all_prep_kinds().size());
  for (const auto& r : a.body["records"]) {
    if (r["kind"] == "contact-tree") {
      EXPECT_EQ(r["no"], 1);
      EXPECT_EQ(r["author"], "user:eva");
      EXPECT_EQ(r["stale_entries"], 2) << "confirmed in 2019, and never confirmed";
      EXPECT_EQ(r["stale"][0]["id"], "plant-manager");
      EXPECT_EQ(r["stale"][1]["id"], "cert");
    } else if (r["kind"] == "improvement-plan") {
      EXPECT_EQ(r["overdue_items"], 1);
      EXPECT_EQ(r["open_items"], 2);
    } else {
      EXPECT_EQ(r["no"], 0) << r["kind"];
    }
  }
}

TEST_F(PrepApi, ADrillPlannedWithoutCriteriaTakesASnapshotOfTheOrganisationsCriteria) {
  json criteria = {{"points",
                    {{{"decision_point", "DP3"}, {"who", "工場長"}, {"deputy", "製造課長"}, {"conditions", {"SIS の健全性を確認できない"}}},
                     {{"decision_point", "DP9"}, {"who", "工場長"}, {"conditions", {"第三者の確認が済んだ"}}}}}};
  ASSERT_EQ(put(eva, "criteria", 0, criteria).status, 200);
  Signed fac = sign_in("fac");
  Answer created = call(fac, "POST", "/api/v1/exercises",
                        R"({"id": "d1", "title": "訓練", "org": "org-a", "scenario": "factory-ransomware"})");
  ASSERT_EQ(created.status, 201) << created.text;
  const std::string kept = db->get_exercise("d1").value().criteria;
  json snapshot = json::parse(kept);
  EXPECT_EQ(snapshot["DP3"]["who"], "工場長");
  EXPECT_EQ(snapshot["DP3"]["deputy"], "製造課長");
  EXPECT_EQ(snapshot["DP3"]["conditions"][0], "SIS の健全性を確認できない");
  EXPECT_TRUE(snapshot.contains("DP9"));
  // A later edit of the record does not change the drill already planned…
  criteria["points"][0]["who"] = "本社";
  ASSERT_EQ(put(eva, "criteria", 1, criteria).status, 200);
  EXPECT_EQ(db->get_exercise("d1").value().criteria, kept);
  // …and criteria given with the plan win over the record.
  Answer own = call(fac, "POST", "/api/v1/exercises",
                    R"({"id": "d2", "title": "訓練2", "org": "org-a", "scenario": "factory-ransomware",
                        "criteria": {"DP4": {"who": "製造課長", "conditions": ["品質に異常がない"]}}})");
  ASSERT_EQ(own.status, 201) << own.text;
  json given = json::parse(db->get_exercise("d2").value().criteria);
  EXPECT_TRUE(given.contains("DP4"));
  EXPECT_FALSE(given.contains("DP3"));
  // The decision points of the drill's state carry the snapshot.
  Answer state = call(fac, "GET", "/api/v1/exercises/d1/state");
  ASSERT_EQ(state.status, 200);
  bool seen = false;
  for (const auto& d : state.body["decision_points"])
    if (d["id"] == "DP3") {
      seen = true;
      EXPECT_EQ(d["criteria"]["who"], "工場長");
    }
  EXPECT_TRUE(seen);
}

TEST_F(PrepApi, AParticipantsStateCarriesTheContactTreeInEscalationOrderWithStaleEntriesMarked) {
  ASSERT_EQ(put(eva, "contact-tree", 0, tree("2019-04-01", "2099-01-01")).status, 200);
  Signed fac = sign_in("fac");
  ASSERT_EQ(call(fac, "POST", "/api/v1/exercises",
                 R"({"id": "d1", "title": "訓練", "org": "org-a", "scenario": "factory-ransomware",
                     "participants": [{"login": "par", "role": "production"}]})")
                .status,
            201);
  Signed par = sign_in("par");
  Answer state = call(par, "GET", "/api/v1/exercises/d1/state");
  ASSERT_EQ(state.status, 200) << state.text;
  const json& ct = state.body["contact_tree"];
  ASSERT_TRUE(ct.is_object()) << state.body.dump().substr(0, 300);
  EXPECT_EQ(ct["no"], 1);
  ASSERT_EQ(ct["entries"].size(), 3u);
  EXPECT_EQ(ct["entries"][0]["id"], "deputy") << "escalation 1 first";
  EXPECT_EQ(ct["entries"][1]["id"], "plant-manager");
  EXPECT_EQ(ct["entries"][1]["backup_name"], "製造課長 架空花子");
  EXPECT_EQ(ct["entries"][2]["id"], "cert") << "then those outside the order";
  EXPECT_FALSE(ct["entries"][0]["stale"]);
  EXPECT_TRUE(ct["entries"][1]["stale"]);
  EXPECT_EQ(ct["stale_count"], 2);
  // Without a tree, the state says so (null), and the participant still may not open the record.
  EXPECT_EQ(call(par, "GET", "/api/v1/orgs/org-a/prepare/contact-tree").status, 403);
}

}  // namespace
}  // namespace kunren::server
