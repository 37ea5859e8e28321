// From imported answers to revisions and back (store/campaign_data.hpp): a
// ResponseSet that goes into a campaign comes out of it unchanged, which is
// what makes `analyze --campaign` equal `analyze --responses`.
#include <kunren/store/campaign_data.hpp>

#include <gtest/gtest.h>

#include "../test_support.hpp"

namespace kunren::store {
namespace {

const Actor k_actor{"test"};

model::ResponseSet three_orgs(const model::Checklist& c) {
  model::ResponseSet r;
  r.item_count = c.items.size();
  r.orgs = {model::Organization{"o1", "One", "化学", "S", ""}, model::Organization{"o2", "Two", "", "", ""},
            model::Organization{"o3", "Three (answered nothing)", "", "", ""}};
  r.answers.assign(r.orgs.size() * r.item_count, model::k_no_answer);
  r.answer(0, 0) = 1;
  r.answer(0, 1) = 3;
  r.answer(1, 1) = 4;
  r.comments = {model::Comment{0, 0, "first"}, model::Comment{1, 0, "only a comment"}, model::Comment{0, 0, "second"}};
  return r;
}

class CampaignDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db = std::move(open_store("memory:")).value();
    checklist = kunren::testing::make_checklist({"A=good,poor", "B=good,partial,poor,na"});
    ASSERT_TRUE(register_checklist(*db, checklist, false, k_actor).is_ok());
    std::vector<OrgRecord> orgs;
    for (const auto& o : three_orgs(checklist).orgs) orgs.push_back(OrgRecord{o.id, o.name, o.industry, o.size, {}, {}});
    ASSERT_TRUE(db->put_orgs(orgs, k_actor).is_ok());
    CampaignRecord c;
    c.id = "c";
    c.title = "C";
    c.checklist_id = checklist.id;
    c.checklist_version = checklist.version;
    ASSERT_TRUE(db->create_campaign(c, k_actor).is_ok());
    ASSERT_TRUE(db->set_campaign_state("c", CampaignState::kOpen, k_actor).is_ok());
  }
  std::unique_ptr<Store> db;
  model::Checklist checklist;
};

TEST_F(CampaignDataTest, EveryListedOrganisationGetsARevisionAndCommentsOnOneCellAreJoined) {
  auto revisions = revisions_from_responses(checklist, three_orgs(checklist));
  ASSERT_EQ(revisions.size(), 3u);
  EXPECT_EQ(revisions[2].org, "o3");
  EXPECT_TRUE(revisions[2].answers.empty()) << "listed, answered nothing: an empty submitted revision";
  EXPECT_EQ(revisions[0].org, "o1");
  ASSERT_EQ(revisions[0].answers.size(), 2u);
  EXPECT_EQ(revisions[0].answers[0], (Answer{"A", 1, "first\nsecond"}));
  EXPECT_EQ(revisions[1].answers[0], (Answer{"A", 0, "only a comment"}));
  EXPECT_EQ(revisions[1].answers[1], (Answer{"B", 4, ""}));
}

TEST_F(CampaignDataTest, AnswersComeBackOutOfTheStoreAsTheyWentIn) {
  const auto in = three_orgs(checklist);
  ASSERT_TRUE(db->append_revisions("c", revisions_from_responses(checklist, in), nullptr, k_actor).is_ok());
  auto out = submitted_responses(*db, "c", checklist);
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  ASSERT_EQ(out->orgs.size(), 3u);  // o3 answered nothing but was in the file: counted in n, as from files
  EXPECT_EQ(out->orgs[0].id, "o1");
  EXPECT_EQ(out->answer(2, 0), model::k_no_answer);
  EXPECT_EQ(out->answer(2, 1), model::k_no_answer);
  EXPECT_FALSE(out->orgs[0].pseudonym.empty());
  EXPECT_EQ(out->answer(0, 0), 1);
  EXPECT_EQ(out->answer(0, 1), 3);
  EXPECT_EQ(out->answer(1, 0), model::k_no_answer);
  EXPECT_EQ(out->answer(1, 1), 4);
  ASSERT_EQ(out->comments.size(), 2u);
  EXPECT_EQ(out->comments[0].text, "first\nsecond");
  EXPECT_EQ(out->comments[1].org, 1u);
}

TEST_F(CampaignDataTest, AsOfShowsTheAnswersOfThatMoment) {
  auto first = revisions_from_responses(checklist, three_orgs(checklist));
  ASSERT_TRUE(db->append_revisions("c", first, nullptr, k_actor).is_ok());
  const Timestamp between = now_utc();
  auto changed = first;
  changed[0].answers[1].choice = 1;
  ASSERT_TRUE(db->append_revisions("c", changed, nullptr, k_actor).is_ok());
  EXPECT_EQ(submitted_responses(*db, "c", checklist)->answer(0, 1), 1);
  EXPECT_EQ(submitted_responses(*db, "c", checklist, between)->answer(0, 1), 3);
  EXPECT_EQ(submitted_responses(*db, "c", checklist, "2000-01-01T00:00:00.000000Z")->orgs.size(), 0u);
}

TEST_F(CampaignDataTest, DraftsDoNotCountUntilSubmitted) {
  auto revisions = revisions_from_responses(checklist, three_orgs(checklist));
  revisions[1].state = RevisionState::kDraft;
  revisions[2].state = RevisionState::kDraft;
  ASSERT_TRUE(db->append_revisions("c", revisions, nullptr, k_actor).is_ok());
  auto out = submitted_responses(*db, "c", checklist);
  ASSERT_EQ(out->orgs.size(), 1u);
  EXPECT_EQ(out->orgs[0].id, "o1");
}

}  // namespace
}  // namespace kunren::store
