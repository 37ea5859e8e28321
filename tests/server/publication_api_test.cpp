// Publishing a campaign (server/publication_api.cpp, store/publication.hpp):
// the coordinator's settings with their stale check, the review of every
// excerpt as written and as published, and what every published output then
// carries — k, redacted excerpts under quote ids, exclusions, the TLP.
#include <gtest/gtest.h>

#include "campaign_fixture.hpp"

namespace kunren::server {
namespace {

using nlohmann::json;

class PublicationApiTest : public CoordinatorTest {
 protected:
  json settings(const Signed& who) {
    Answer a = call(who, "GET", "/api/v1/campaigns/c/publication");
    EXPECT_EQ(a.status, 200) << a.text;
    return a.body.value("publication", json());
  }
};

TEST_F(PublicationApiTest, TheFirstReadMakesRevisionOneAndNeverShowsTheKey) {
  Signed coco = sign_in("coco");
  json s = settings(coco);
  EXPECT_EQ(s["no"], 1);
  EXPECT_EQ(s["tlp"], "");
  EXPECT_EQ(s["min_group"], 1);
  EXPECT_FALSE(s.contains("key"));
  EXPECT_EQ(audit_count("campaign.document"), 1u);
  // A second read writes nothing more.
  EXPECT_EQ(settings(coco)["no"], 1);
  EXPECT_EQ(audit_count("campaign.document"), 1u);
}

TEST_F(PublicationApiTest, OnlyTheCampaignsCoordinatorsManagePublication) {
  for (const char* login : {"eva", "olga", "fred"}) {
    Signed who = sign_in(login);
    EXPECT_EQ(call(who, "GET", "/api/v1/campaigns/c/publication").status, 403) << login;
    EXPECT_EQ(call(who, "GET", "/api/v1/campaigns/c/publication/review").status, 403) << login;
    EXPECT_EQ(call(who, "PUT", "/api/v1/campaigns/c/publication", R"({"base_no":0,"tlp":"RED"})").status, 403)
        << login;
  }
  // A campaign that lists its coordinators: cleo is not one of them.
  ASSERT_TRUE(db->set_campaign_coordinators("c", {"coco"}, store::Actor{"test"}).is_ok());
  EXPECT_EQ(call(sign_in("cleo"), "GET", "/api/v1/campaigns/c/publication").status, 403);
  EXPECT_EQ(call(sign_in("coco"), "GET", "/api/v1/campaigns/c/publication").status, 200);
  EXPECT_EQ(anonymous_get("/api/v1/campaigns/c/publication").status, 401);
}

TEST_F(PublicationApiTest, SavingIsARevisionWithAStaleCheckAndFieldErrors) {
  Signed coco = sign_in("coco");
  ASSERT_EQ(settings(coco)["no"], 1);
  Answer saved = call(coco, "PUT", "/api/v1/campaigns/c/publication",
                      R"({"base_no":1,"tlp":"AMBER","words":"person: 山田太郎 | ヤマダタロウ\n","excluded":[]})");
  ASSERT_EQ(saved.status, 200) << saved.text;
  EXPECT_EQ(saved.body["publication"]["no"], 2);
  EXPECT_EQ(saved.body["publication"]["tlp"], "AMBER");
  EXPECT_EQ(saved.body["publication"]["author"], "user:coco");

  Answer stale = call(coco, "PUT", "/api/v1/campaigns/c/publication", R"({"base_no":1,"tlp":"RED"})");
  EXPECT_EQ(stale.status, 409) << stale.text;
  EXPECT_EQ(stale.body["error"]["field"], "expected_no");
  Answer bad_tlp = call(coco, "PUT", "/api/v1/campaigns/c/publication", R"({"base_no":2,"tlp":"ORANGE"})");
  EXPECT_EQ(bad_tlp.status, 422);
  EXPECT_EQ(bad_tlp.body["error"]["field"], "tlp");
  Answer bad_words =
      call(coco, "PUT", "/api/v1/campaigns/c/publication", R"({"base_no":2,"words":"person: 山田\nname: 鈴木\n"})");
  EXPECT_EQ(bad_words.status, 422) << bad_words.text;
  EXPECT_EQ(bad_words.body["error"]["field"], "words");
  EXPECT_NE(bad_words.body["error"]["message"].get<std::string>().find("2"), std::string::npos)
      << "names the line: " << bad_words.text;
  Answer bad_ids = call(coco, "PUT", "/api/v1/campaigns/c/publication", R"({"base_no":2,"excluded":["abc"]})");
  EXPECT_EQ(bad_ids.status, 422);
  EXPECT_EQ(bad_ids.body["error"]["field"], "excluded");
  Answer unknown = call(coco, "PUT", "/api/v1/campaigns/c/publication", R"({"base_no":2,"secret":"x"})");
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(unknown.body["error"]["field"], "secret");
  // None of the refused saves wrote anything.
  EXPECT_EQ(settings(coco)["no"], 2);
  EXPECT_EQ(settings(coco)["tlp"], "AMBER");
}

TEST_F(PublicationApiTest, PublishedResultsCarryRedactedExcerptsUnderQuoteIdsAndTheMarking) {
  submit("eva", "org-a", 1, 1, "山田 太郎さん（090-1234-5678）と yamada@example.co.jp に連絡した");
  submit("eve", "org-b", 2, 2, "PLC は 192.168.10.5 で停止");
  Signed coco = sign_in("coco");
  ASSERT_EQ(call(coco, "PUT", "/api/v1/campaigns/c/publication",
                 R"({"base_no":1,"tlp":"AMBER","words":"person: 山田太郎 | ヤマダタロウ\n"})")
                .status,
            200);

  Answer review = call(coco, "GET", "/api/v1/campaigns/c/publication/review");
  ASSERT_EQ(review.status, 200) << review.text;
  EXPECT_TRUE(review.body["publishable"].get<bool>());
  ASSERT_EQ(review.body["quotes"].size(), 2u);
  std::string yamada_id;
  for (const auto& q : review.body["quotes"]) {
    const std::string redacted = q["redacted"];
    EXPECT_EQ(q["id"].get<std::string>().rfind("Q-", 0), 0u);
    if (q["original"].get<std::string>().find("山田") != std::string::npos) {
      yamada_id = q["id"];
      EXPECT_EQ(redacted.find("山田"), std::string::npos) << redacted;
      EXPECT_EQ(redacted.find("090"), std::string::npos) << redacted;
      EXPECT_EQ(redacted.find("yamada@"), std::string::npos) << redacted;
      EXPECT_NE(redacted.find("［人名］"), std::string::npos) << redacted;
      EXPECT_EQ(q["redactions"]["phone"], 1);
    } else {
      EXPECT_EQ(redacted.find("192.168"), std::string::npos) << redacted;
    }
  }
  ASSERT_FALSE(yamada_id.empty());
  EXPECT_EQ(header(review, "cache-control"), "no-store");

  // What the results API publishes: the same redacted text, the id and no pseudonym.
  Answer results = call(coco, "GET", "/api/v1/campaigns/c/results");
  ASSERT_EQ(results.status, 200) << results.text;
  EXPECT_EQ(results.body["disclosure"]["tlp"], "AMBER");
  EXPECT_EQ(results.body["disclosure"]["quotes"]["published"], 2);
  EXPECT_EQ(results.text.find("山田"), std::string::npos);
  EXPECT_EQ(results.text.find("090-1234"), std::string::npos);
  bool found = false;
  for (const auto& item : results.body["items"]) {
    for (const auto& q : item["comments"]) {
      EXPECT_FALSE(q.contains("org")) << q.dump();
      found = found || q["id"] == yamada_id;
    }
  }
  EXPECT_TRUE(found);

  // Leaving the excerpt out takes it out of every published output.
  json put = {{"base_no", 2}, {"tlp", "AMBER"}, {"words", "person: 山田太郎 | ヤマダタロウ\n"}, {"excluded", {yamada_id}}};
  ASSERT_EQ(call(coco, "PUT", "/api/v1/campaigns/c/publication", put.dump()).status, 200);
  results = call(coco, "GET", "/api/v1/campaigns/c/results");
  ASSERT_EQ(results.status, 200);
  for (const auto& item : results.body["items"]) {
    for (const auto& q : item["comments"]) EXPECT_NE(q["id"], yamada_id) << "left out";
  }
  EXPECT_EQ(results.body["disclosure"]["quotes"]["excluded"], 1);
  Answer csv = call(coco, "GET", "/api/v1/campaigns/c/report?format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.text.find(",TLP:AMBER\r\n"), std::string::npos) << "the marking on every row";
  Answer html = call(coco, "GET", "/api/v1/campaigns/c/report?format=html");
  ASSERT_EQ(html.status, 200);
  EXPECT_NE(html.text.find("tlp-running"), std::string::npos);
  EXPECT_EQ(html.text.find("— " + yamada_id), std::string::npos) << "no excerpt under that id";
  review = call(coco, "GET", "/api/v1/campaigns/c/publication/review");
  for (const auto& q : review.body["quotes"]) EXPECT_EQ(q["excluded"].get<bool>(), q["id"] == yamada_id);
}

TEST_F(PublicationApiTest, ACampaignBelowKPublishesNothing) {
  store::CampaignRecord k3 = db->get_campaign("c").value();
  k3.id = "k3";
  k3.min_group = 3;
  k3.state = store::CampaignState::kDraft;
  k3.coordinators.clear();
  ASSERT_TRUE(db->create_campaign(k3, store::Actor{"test"}).is_ok());
  move("k3", store::CampaignState::kOpen);
  ASSERT_TRUE(db->append_revisions("k3", {{"org-a", store::RevisionState::kSubmitted, {{"Q1", 1, "ok"}}},
                                          {"org-b", store::RevisionState::kSubmitted, {{"Q1", 2, {}}}}},
                                   nullptr, store::Actor{"test"})
                  .is_ok());
  Signed coco = sign_in("coco");
  Answer results = call(coco, "GET", "/api/v1/campaigns/k3/results");
  EXPECT_EQ(results.status, 409) << results.text;
  EXPECT_NE(results.body["error"]["message"].get<std::string>().find("fewer than the minimum group size 3"),
            std::string::npos)
      << results.text;
  for (const char* format : {"html", "csv", "json", "xlsx"}) {
    EXPECT_EQ(call(coco, "GET", std::string("/api/v1/campaigns/k3/report?format=") + format).status, 409) << format;
  }
  Answer review = call(coco, "GET", "/api/v1/campaigns/k3/publication/review");
  ASSERT_EQ(review.status, 200);
  EXPECT_FALSE(review.body["publishable"].get<bool>());
  EXPECT_TRUE(review.body["quotes"].empty());
  EXPECT_EQ(review.text.find("\"ok\""), std::string::npos) << "no comment leaves below k, not even here";
  // The dashboard says so instead of showing figures.
  Answer page = call(coco, "GET", "/campaigns/k3");
  EXPECT_EQ(page.status, 200);
}

TEST_F(PublicationApiTest, TheReviewPageShowsBothTextsAndTheSettings) {
  submit("eva", "org-a", 1, 1, "担当は yamada@example.co.jp");
  Signed coco = sign_in("coco");
  Answer page = call(coco, "GET", "/campaigns/c/publish");
  ASSERT_EQ(page.status, 200) << page.text;
  EXPECT_NE(page.text.find("yamada@example.co.jp"), std::string::npos) << "the text as written";
  EXPECT_NE(page.text.find("<mark>［メール］</mark>"), std::string::npos) << "the placeholder marked";
  EXPECT_NE(page.text.find("name=\"excluded\""), std::string::npos);
  EXPECT_NE(page.text.find("publish.js"), std::string::npos);
  EXPECT_EQ(call(sign_in("eva"), "GET", "/campaigns/c/publish").status, 403);
  Answer dashboard = call(coco, "GET", "/campaigns/c");
  EXPECT_NE(dashboard.text.find("/campaigns/c/publish"), std::string::npos) << "linked from the dashboard";
}

}  // namespace
}  // namespace kunren::server
