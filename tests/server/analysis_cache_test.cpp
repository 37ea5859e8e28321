// The cache of pooled results (server/analysis_cache.hpp): the same stored
// state is computed once, any new submission — through this Store, another
// Store on the same file or the HTTP API — is seen by the next call without
// anything being invalidated by hand, and what it returns is exactly what
// the uncached computation gives. The results route answers with an ETag
// and 304 for a client that has the state already.
#include <kunren/server/analysis_cache.hpp>

#include <gtest/gtest.h>

#include <kunren/report/json_report.hpp>
#include <kunren/store/campaign_data.hpp>
#include <kunren/store/publication.hpp>

#include "../test_support.hpp"
#include "campaign_fixture.hpp"

namespace kunren::server {
namespace {

const store::Actor k_actor{"test"};

class AnalysisCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url = "sqlite:" + dir.path("kunren.db");
    store::OpenOptions options;
    options.create = options.migrate = true;
    db = open(options);
    ASSERT_NE(db, nullptr);
    checklist = kunren::testing::make_checklist({"Q1=good,partial,poor", "Q2=good,poor,na"});
    ASSERT_TRUE(store::register_checklist(*db, checklist, false, k_actor).is_ok());
    ASSERT_TRUE(
        db->put_orgs({{"o1", "One", "", "", {}, {}}, {"o2", "Two", "", "", {}, {}}, {"o3", "Three", "", "", {}, {}}},
                     k_actor)
            .is_ok());
    for (const char* id : {"c", "d", "e"}) {
      store::CampaignRecord c;
      c.id = id;
      c.title = id;
      c.checklist_id = checklist.id;
      c.checklist_version = checklist.version;
      c.min_group = 1;  // k is the subject of the publication tests
      ASSERT_TRUE(db->create_campaign(c, k_actor).is_ok());
      ASSERT_TRUE(db->set_campaign_state(id, store::CampaignState::kOpen, k_actor).is_ok());
    }
    submit(*db, "c", "o1", 1, 1);
    submit(*db, "c", "o2", 2, 3, "a comment");
  }

  std::unique_ptr<store::Store> open(const store::OpenOptions& options = {}) {
    auto s = store::open_store(url, options);
    EXPECT_TRUE(s.is_ok()) << s.status().to_string();
    return s ? std::move(s).value() : nullptr;
  }

  static void submit(store::Store& on, const std::string& campaign, const std::string& org, int q1, int q2,
                     const std::string& comment = {}, store::RevisionState state = store::RevisionState::kSubmitted) {
    store::NewRevision r;
    r.org = org;
    r.state = state;
    r.answers = {store::Answer{"Q1", static_cast<std::uint8_t>(q1), comment},
                 store::Answer{"Q2", static_cast<std::uint8_t>(q2), {}}};
    auto appended = on.append_revisions(campaign, {r}, nullptr, k_actor);
    ASSERT_TRUE(appended.is_ok()) << appended.status().to_string();
  }

  store::CampaignRecord campaign(const std::string& id) { return db->get_campaign(id).value(); }

  // What campaign_results computes without the cache: the campaign's
  // analysis, published with its settings.
  std::string uncached(store::Store& on, const std::string& id, const std::string& lang) {
    auto c = on.get_campaign(id).value();
    auto list = store::campaign_checklist(on, c).value();
    auto responses = store::submitted_responses(on, id, *list).value();
    analysis::AnalysisOptions options;
    options.lang = lang;
    analysis::Analysis a = analysis::analyze(*list, std::move(responses), options);
    auto settings = store::publication_settings(on, id, k_actor);
    EXPECT_TRUE(settings.is_ok());
    EXPECT_TRUE(store::publish_campaign(on, c, settings.value(), a, lang).is_ok());
    return report::render_json(a);
  }

  kunren::testing::TempDir dir;
  std::string url;
  std::unique_ptr<store::Store> db;
  model::Checklist checklist;
  AnalysisCache cache;
};

TEST_F(AnalysisCacheTest, TheSameStateIsComputedOnceAndIsWhatTheUncachedComputationGives) {
  auto first = cache.results_json(*db, campaign("c"), "ja");
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_EQ(*first->body, uncached(*db, "c", "ja"));
  EXPECT_EQ(nlohmann::json::parse(*first->body)["organizations"], 2);
  ASSERT_FALSE(first->etag.empty());
  EXPECT_EQ(first->etag.front(), '"');
  EXPECT_EQ(first->etag.back(), '"');

  auto again = cache.results_json(*db, campaign("c"), "ja");
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(again->body, first->body) << "the very same bytes, not computed again";
  EXPECT_EQ(again->etag, first->etag);

  auto analysis = cache.analysis(*db, campaign("c"), "ja");
  ASSERT_TRUE(analysis.is_ok());
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(analysis->analysis->organizations, 2u);
  EXPECT_EQ(analysis->etag, first->etag);
}

TEST_F(AnalysisCacheTest, ANewSubmissionChangesTheResultWithoutAnyInvalidation) {
  auto before = cache.results_json(*db, campaign("c"), "ja").value();
  submit(*db, "c", "o3", 3, 2);
  auto after = cache.results_json(*db, campaign("c"), "ja");
  ASSERT_TRUE(after.is_ok());
  EXPECT_EQ(cache.misses(), 2u);
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_NE(after->etag, before.etag);
  EXPECT_EQ(nlohmann::json::parse(*after->body)["organizations"], 3);
  EXPECT_EQ(*after->body, uncached(*db, "c", "ja"));

  // A new revision of an organisation that had submitted already counts too.
  submit(*db, "c", "o1", 2, 2);
  auto resubmitted = cache.results_json(*db, campaign("c"), "ja").value();
  EXPECT_EQ(cache.misses(), 3u);
  EXPECT_NE(resubmitted.etag, after->etag);
  EXPECT_EQ(*resubmitted.body, uncached(*db, "c", "ja"));
}

TEST_F(AnalysisCacheTest, ADraftChangesNothingAndStaysACacheHit) {
  auto before = cache.results_json(*db, campaign("c"), "ja").value();
  submit(*db, "c", "o3", 3, 2, {}, store::RevisionState::kDraft);
  auto after = cache.results_json(*db, campaign("c"), "ja").value();
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(after.etag, before.etag);
  EXPECT_EQ(*after.body, uncached(*db, "c", "ja"));
}

TEST_F(AnalysisCacheTest, ASecondStoreOnTheSameFileSeesTheChangeAndSharesTheEntries) {
  auto other = open();
  ASSERT_NE(other, nullptr);
  auto first = cache.results_json(*db, campaign("c"), "en").value();
  auto shared = cache.results_json(*other, campaign("c"), "en").value();
  EXPECT_EQ(cache.hits(), 1u) << "same database, same state: one entry";
  EXPECT_EQ(shared.body, first.body);

  submit(*other, "c", "o3", 1, 3, "from the other store");
  auto seen = cache.results_json(*db, campaign("c"), "en").value();
  EXPECT_EQ(cache.misses(), 2u);
  EXPECT_NE(seen.etag, first.etag);
  EXPECT_NE(seen.body->find("from the other store"), std::string::npos);
  EXPECT_EQ(*seen.body, uncached(*other, "c", "en"));
}

TEST_F(AnalysisCacheTest, EachLanguageIsAnEntryOfItsOwnAndUnknownLanguagesAreJapanese) {
  auto ja = cache.results_json(*db, campaign("c"), "ja").value();
  auto en = cache.results_json(*db, campaign("c"), "en").value();
  EXPECT_EQ(cache.misses(), 2u);
  EXPECT_NE(ja.etag, en.etag);
  EXPECT_EQ(*en.body, uncached(*db, "c", "en"));
  EXPECT_NE(*en.body, *ja.body);
  auto fr = cache.results_json(*db, campaign("c"), "fr").value();
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(fr.body, ja.body);
}

TEST_F(AnalysisCacheTest, CampaignsAreSeparateAndTheLeastRecentlyUsedGoesFirst) {
  AnalysisCache small(2);
  submit(*db, "d", "o1", 3, 3);
  submit(*db, "e", "o1", 1, 1);
  submit(*db, "e", "o2", 1, 2);
  auto c = small.results_json(*db, campaign("c"), "ja").value();
  auto d = small.results_json(*db, campaign("d"), "ja").value();
  EXPECT_NE(c.etag, d.etag);
  EXPECT_EQ(nlohmann::json::parse(*d.body)["organizations"], 1);
  EXPECT_EQ(nlohmann::json::parse(*small.results_json(*db, campaign("e"), "ja").value().body)["organizations"], 2);
  EXPECT_EQ(small.size(), 2u);
  EXPECT_EQ(small.misses(), 3u);
  small.results_json(*db, campaign("e"), "ja").value();
  EXPECT_EQ(small.hits(), 1u);
  small.results_json(*db, campaign("c"), "ja").value();  // evicted by e: computed again
  EXPECT_EQ(small.misses(), 4u);
  small.clear();
  EXPECT_EQ(small.size(), 0u);
}

TEST_F(AnalysisCacheTest, TheMemoryBudgetIsKeptAndAnEntryOverItIsAnsweredButNotKept) {
  submit(*db, "d", "o1", 3, 3, "a comment long enough to count");
  auto c = cache.results_json(*db, campaign("c"), "ja").value();
  const std::size_t one = cache.bytes();
  EXPECT_GT(one, c.body->size()) << "the JSON and the analysis are counted";

  AnalysisCache tiny(48, 16);
  for (int i = 0; i < 2; ++i) {
    auto r = tiny.results_json(*db, campaign("c"), "ja").value();
    EXPECT_EQ(*r.body, *c.body);
    EXPECT_EQ(r.etag, c.etag);
  }
  EXPECT_EQ(tiny.size(), 0u);
  EXPECT_EQ(tiny.bytes(), 0u);
  EXPECT_EQ(tiny.misses(), 2u);

  AnalysisCache room_for_one(48, one + one / 2);
  room_for_one.results_json(*db, campaign("c"), "ja").value();
  room_for_one.results_json(*db, campaign("d"), "ja").value();
  EXPECT_EQ(room_for_one.size(), 1u);
  EXPECT_LE(room_for_one.bytes(), one + one / 2);
  room_for_one.results_json(*db, campaign("d"), "ja").value();
  EXPECT_EQ(room_for_one.hits(), 1u) << "the most recent one stays";
  room_for_one.clear();
  EXPECT_EQ(room_for_one.bytes(), 0u);
}

TEST_F(AnalysisCacheTest, TwoInMemoryStoresAreTwoDatabases) {
  auto m1 = store::open_store("memory:").value();
  auto m2 = store::open_store("memory:").value();
  for (store::Store* m : {m1.get(), m2.get()}) {
    ASSERT_TRUE(store::register_checklist(*m, checklist, false, k_actor).is_ok());
    ASSERT_TRUE(m->put_orgs({{"o1", "One", "", "", {}, {}}}, k_actor).is_ok());
    store::CampaignRecord c;
    c.id = "c";
    c.checklist_id = checklist.id;
    c.checklist_version = checklist.version;
    c.min_group = 1;
    ASSERT_TRUE(m->create_campaign(c, k_actor).is_ok());
    ASSERT_TRUE(m->set_campaign_state("c", store::CampaignState::kOpen, k_actor).is_ok());
  }
  submit(*m1, "c", "o1", 1, 1, "in the first");
  submit(*m2, "c", "o1", 1, 1, "in the second");
  auto one = cache.results_json(*m1, m1->get_campaign("c").value(), "ja").value();
  auto two = cache.results_json(*m2, m2->get_campaign("c").value(), "ja").value();
  EXPECT_EQ(cache.misses(), 2u);
  EXPECT_NE(one.body->find("in the first"), std::string::npos);
  EXPECT_NE(two.body->find("in the second"), std::string::npos);
}

TEST_F(AnalysisCacheTest, AnUnknownCampaignIsNotFound) {
  store::CampaignRecord ghost = campaign("c");
  ghost.id = "ghost";
  auto r = cache.results_json(*db, ghost, "ja");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kNotFound);
}

// Through the route: an ETag, 304 for If-None-Match with it, a new tag after
// a submission made through the API (by the server's own Stores).
TEST_F(CoordinatorTest, TheResultsCarryAnETagAndAreNotSentAgainToAClientThatHasThem) {
  submit("eva", "org-a", 1, 1);
  Signed coco = sign_in("coco");
  Answer first = call(coco, "GET", "/api/v1/campaigns/c/results");
  ASSERT_EQ(first.status, 200) << first.text;
  const std::string etag = header(first, "etag");
  ASSERT_FALSE(etag.empty()) << first.head;
  EXPECT_EQ(header(first, "cache-control"), "private, no-cache");
  EXPECT_EQ(first.body["organizations"], 1);

  auto conditional = [&](const std::string& tag) {
    return parse(roundtrip(port, "GET /api/v1/campaigns/c/results HTTP/1.1\r\nHost: x\r\nCookie: kunren_session=" +
                                     coco.cookie + "\r\nIf-None-Match: " + tag + "\r\nConnection: close\r\n\r\n"));
  };
  Answer same = conditional(etag);
  EXPECT_EQ(same.status, 304) << same.head;
  EXPECT_TRUE(same.text.empty());
  EXPECT_EQ(header(same, "etag"), etag);
  EXPECT_EQ(conditional("\"other\", " + etag).status, 304) << "a list of tags";
  EXPECT_EQ(conditional("\"other\"").status, 200);

  submit("eve", "org-b", 2, 2);
  Answer changed = conditional(etag);
  ASSERT_EQ(changed.status, 200) << changed.head;
  EXPECT_NE(header(changed, "etag"), etag);
  EXPECT_EQ(changed.body["organizations"], 2);

  Answer english = call(coco, "GET", "/api/v1/campaigns/c/results?lang=en");
  ASSERT_EQ(english.status, 200);
  EXPECT_NE(header(english, "etag"), header(changed, "etag"));
  EXPECT_EQ(english.body["lang"], "en");

  // Who may not see the results gets no tag and no 304 either.
  Signed eve = sign_in("eve");
  Answer refused = parse(
      roundtrip(port, "GET /api/v1/campaigns/c/results HTTP/1.1\r\nHost: x\r\nCookie: kunren_session=" + eve.cookie +
                          "\r\nIf-None-Match: " + etag + "\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(refused.status, 403);
}

}  // namespace
}  // namespace kunren::server
