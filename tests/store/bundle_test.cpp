// The campaign bundle file (store/bundle.hpp): what is written reads back the
// same, and a bundle that was damaged or edited is refused with the place.
#include <kunren/store/bundle.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <kunren/store/campaign_data.hpp>

#include "../test_support.hpp"

namespace kunren::store {
namespace {

using json = nlohmann::ordered_json;

CampaignBundle sample_bundle() {
  CampaignBundle b;
  b.checklist = checklist_record(kunren::testing::make_checklist({"A=good,poor", "B=good,partial,poor,na"}), false);
  b.checklist.registered_at = "2026-10-01T00:00:00.000000Z";
  b.campaign = CampaignRecord{"c1", "秋季演習", b.checklist.id, b.checklist.version, "2026-10-01", "", 3,
                              CampaignState::kClosed, "2026-10-01T01:00:00.000000Z", "2026-11-01T01:00:00.000000Z"};
  b.orgs = {OrgRecord{"東邦化成 鹿島工場", "東邦化成株式会社", "化学", "1000〜4999人", "B", "2026-10-01T02:00:00.000000Z"},
            OrgRecord{"o2", "Org Two", "", "", "A", "2026-10-01T02:00:00.000000Z"}};
  b.imports = {ImportRecord{7, "c1", "answers.csv", std::string(64, 'a'), "cli:root", "2026-10-02T00:00:00.000000Z", 2, 0}};
  b.revisions = {
      Revision{0, "c1", "東邦化成 鹿島工場", 1, RevisionState::kSubmitted, "cli:root", "2026-10-02T00:00:00.000000Z", 7,
               {Answer{"A", 1, "タブ\tと改行\nと\"引用\""}, Answer{"B", 0, "答えずにコメントだけ"}}},
      Revision{0, "c1", "東邦化成 鹿島工場", 2, RevisionState::kDraft, "user:alice", "2026-10-03T00:00:00.000000Z", 0,
               {Answer{"B", 4, ""}}},
      Revision{0, "c1", "o2", 1, RevisionState::kSubmitted, "cli:root", "2026-10-02T00:00:00.000000Z", 7,
               {Answer{"A", 2, ""}}}};
  return b;
}

TEST(Bundle, WhatIsWrittenReadsBackTheSame) {
  const CampaignBundle b = sample_bundle();
  const std::string text = write_bundle(b, "2026-11-26T00:00:00.000000Z");
  auto back = read_bundle(text, "b.json");
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->campaign.title, "秋季演習");
  EXPECT_EQ(back->campaign.state, CampaignState::kClosed);
  EXPECT_EQ(back->checklist.sha256, b.checklist.sha256);
  EXPECT_EQ(back->checklist.content, b.checklist.content);
  ASSERT_EQ(back->orgs.size(), 2u);
  EXPECT_EQ(back->orgs[0].pseudonym, "B");
  ASSERT_EQ(back->revisions.size(), 3u);
  EXPECT_EQ(back->revisions[0].answers, b.revisions[0].answers);
  EXPECT_EQ(back->revisions[1].state, RevisionState::kDraft);
  EXPECT_EQ(back->revisions[1].import_id, 0);
  EXPECT_EQ(back->revisions[2].import_id, 7);
  EXPECT_EQ(back->imports.at(0).revisions, 2);
  // Writing what was read gives the same bytes: nothing is lost on the way.
  EXPECT_EQ(write_bundle(*back, "2026-11-26T00:00:00.000000Z"), text);
}

// Applies `edit` to the JSON of the sample bundle and reads it back.
Result<CampaignBundle> read_edited(const std::function<void(json&)>& edit) {
  json j = json::parse(write_bundle(sample_bundle(), "2026-11-26T00:00:00.000000Z"));
  edit(j);
  return read_bundle(j.dump(1), "edited.json");
}

void expect_refused(const Result<CampaignBundle>& r, const std::string& field, const std::string& words) {
  ASSERT_FALSE(r.is_ok()) << "accepted a bundle with a bad " << field;
  EXPECT_EQ(r.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(r.status().where().file, "edited.json");
  EXPECT_EQ(r.status().where().field, field) << r.status().to_string();
  EXPECT_NE(r.status().message().find(words), std::string::npos) << r.status().to_string();
}

TEST(Bundle, AChangedChecklistNoLongerMatchesItsHash) {
  expect_refused(read_edited([](json& j) { j["checklist"]["content"]["items"][0]["choices"][0]["level"] = "poor"; }),
                 "checklist.sha256", "does not match");
}

TEST(Bundle, RevisionsMustNameOrganisationsAndImportsOfTheBundle) {
  expect_refused(read_edited([](json& j) { j["revisions"][2]["org"] = "o9"; }), "revisions[2].org", "o9");
  expect_refused(read_edited([](json& j) { j["revisions"][0]["import"] = 8; }), "revisions[0].import", "8");
  expect_refused(read_edited([](json& j) { j["revisions"][1]["no"] = 1; }), "revisions[1].no", "twice");
}

TEST(Bundle, FieldsOfTheWrongTypeOrRangeAreNamedByPath) {
  expect_refused(read_edited([](json& j) { j["schema"] = "kunren.bundle/2"; }), "schema", "kunren.bundle/1");
  expect_refused(read_edited([](json& j) { j["campaign"]["state"] = "archived"; }), "campaign.state", "archived");
  expect_refused(read_edited([](json& j) { j["campaign"]["min_group"] = 0; }), "campaign.min_group", "range");
  expect_refused(read_edited([](json& j) { j["revisions"][0]["answers"][0]["choice"] = "1"; }),
                 "revisions[0].answers[0].choice", "whole number");
  expect_refused(read_edited([](json& j) { j["revisions"][0]["created_at"] = "2026-10-02"; }),
                 "revisions[0].created_at", "not a time");
  expect_refused(read_edited([](json& j) { j.erase("imports"); }), "imports", "array");
}

TEST(Bundle, TheReviewFlagIsWrittenOnlyWhenSetAndCoordinatorsAlways) {
  CampaignBundle b = sample_bundle();
  b.revisions[1].answers[0].review = true;
  b.revisions[2].answers.push_back(Answer{"B", 0, "", true});  // marked only
  b.campaign.coordinators = {"alice", "bob"};
  const std::string text = write_bundle(b, "2026-11-26T00:00:00.000000Z");
  const json j = json::parse(text);
  EXPECT_EQ(j["revisions"][1]["answers"][0]["review"], true);
  EXPECT_FALSE(j["revisions"][0]["answers"][0].contains("review")) << "absent when not marked";
  EXPECT_EQ(j["revisions"][2]["answers"][1]["choice"], nullptr);
  EXPECT_EQ(j["campaign"]["coordinators"], json::array({"alice", "bob"}));
  EXPECT_EQ(json::parse(write_bundle(sample_bundle(), "2026-11-26T00:00:00.000000Z"))["campaign"]["coordinators"],
            json::array());
  auto back = read_bundle(text, "b.json");
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->campaign.coordinators, b.campaign.coordinators);
  for (std::size_t i = 0; i < b.revisions.size(); ++i) EXPECT_EQ(back->revisions[i].answers, b.revisions[i].answers);
  EXPECT_EQ(write_bundle(*back, "2026-11-26T00:00:00.000000Z"), text);
}

// Bundles written before the review flag and the coordinators existed.
TEST(Bundle, ABundleWithoutReviewFlagsOrCoordinatorsStillReads) {
  auto r = read_edited([](json& j) {
    j["campaign"].erase("coordinators");
    for (auto& rev : j["revisions"]) {
      for (auto& a : rev["answers"]) a.erase("review");
    }
  });
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(r->campaign.coordinators.empty());
  for (const auto& rev : r->revisions) {
    for (const auto& a : rev.answers) EXPECT_FALSE(a.review) << a.item;
  }
}

TEST(Bundle, AMalformedReviewFlagOrCoordinatorListIsNamedByPath) {
  expect_refused(read_edited([](json& j) { j["revisions"][0]["answers"][1]["review"] = "yes"; }),
                 "revisions[0].answers[1].review", "true or false");
  expect_refused(read_edited([](json& j) { j["campaign"]["coordinators"] = "alice"; }), "campaign.coordinators",
                 "array");
  auto not_text = [](json& j) { j["campaign"]["coordinators"] = json::array({"alice", 3}); };
  expect_refused(read_edited(not_text), "campaign.coordinators[1]", "string");
}

// Drill links of an answer (Answer::evidence, canonical JSON text) travel as
// a JSON array, written only when there are any.
TEST(Bundle, AnswerEvidenceIsWrittenAsAnArrayOnlyWhenThereIsSomeAndReadsBack) {
  const std::string links = R"([{"events":[12,40],"exercise":"drill-1","proposed":3,"rule":"contact"}])";
  CampaignBundle b = sample_bundle();
  b.revisions[2].answers[0].evidence = links;
  const std::string text = write_bundle(b, "2026-11-26T00:00:00.000000Z");
  const json j = json::parse(text);
  ASSERT_TRUE(j["revisions"][2]["answers"][0]["evidence"].is_array());
  EXPECT_EQ(j["revisions"][2]["answers"][0]["evidence"][0]["events"], json::array({12, 40}));
  EXPECT_EQ(j["revisions"][2]["answers"][0]["evidence"][0]["rule"], "contact");
  EXPECT_FALSE(j["revisions"][0]["answers"][0].contains("evidence")) << "absent when there is none";
  auto back = read_bundle(text, "b.json");
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->revisions[2].answers[0].evidence, links);
  for (std::size_t i = 0; i < b.revisions.size(); ++i) EXPECT_EQ(back->revisions[i].answers, b.revisions[i].answers);
  EXPECT_EQ(write_bundle(*back, "2026-11-26T00:00:00.000000Z"), text);
  // revision_json (the evaluation API, `campaign revisions --format json`) says the same.
  EXPECT_EQ(revision_json(b.revisions[2])["answers"][0]["evidence"], j["revisions"][2]["answers"][0]["evidence"]);
}

// Bundles written before migration 5 have no "evidence"; null and [] also mean none.
TEST(Bundle, ABundleWithoutEvidenceOrWithAnEmptyOneReadsAsNone) {
  auto r = read_edited([](json& j) {
    j["revisions"][0]["answers"][0]["evidence"] = nullptr;
    j["revisions"][0]["answers"][1]["evidence"] = json::array();
  });
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  for (const auto& rev : r->revisions) {
    for (const auto& a : rev.answers) EXPECT_EQ(a.evidence, "") << a.item;
  }
}

TEST(Bundle, EvidenceThatIsNotAnArrayIsNamedByPath) {
  expect_refused(read_edited([](json& j) { j["revisions"][0]["answers"][1]["evidence"] = "drill-1"; }),
                 "revisions[0].answers[1].evidence", "array");
  expect_refused(read_edited([](json& j) { j["revisions"][2]["answers"][0]["evidence"] = {{"rule", "contact"}}; }),
                 "revisions[2].answers[0].evidence", "array");
}

TEST(Bundle, ASyntaxErrorGivesLineAndCharacterColumn) {
  auto r = read_bundle("{\"schema\": \"kunren.bundle/1\",\n \"campaign\": 「}", "b.json");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().where().line, 2u);
  EXPECT_EQ(r.status().where().column, 14u) << r.status().to_string();
  EXPECT_NE(r.status().message().find("not valid JSON"), std::string::npos);
}

TEST(Bundle, NeverCarriesUsersOrPasswordHashes) {
  const std::string text = write_bundle(sample_bundle(), "2026-11-26T00:00:00.000000Z");
  EXPECT_EQ(text.find("argon2"), std::string::npos);
  EXPECT_EQ(text.find("password"), std::string::npos);
  EXPECT_EQ(json::parse(text).contains("users"), false);
}

}  // namespace
}  // namespace kunren::store
