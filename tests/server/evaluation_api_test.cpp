// The evaluation API over real HTTP (docs/api.md "Campaigns and evaluations"):
// saving a draft against the revision it was based on (a stale base is 409
// and writes nothing, also under concurrent saves), the "mark for review"
// flag, submitting with and without unanswered items, the revision history
// and single revisions per role, the live events of saves and submissions,
// and every bad request answered with the field it concerns and nothing
// written.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include <kunren/server/events.hpp>

#include "api_fixture.hpp"

namespace kunren::server {
namespace {

using nlohmann::json;

class EvaluationApi : public CampaignApiTest {
 protected:
  const std::string path = "/api/v1/campaigns/c/evaluations/org-a";

  std::size_t revisions(const std::string& org = "org-a") { return db->revision_history("c", org).value().size(); }
  Answer save(const Signed& who, const std::string& answers, const std::string& base) {
    return call(who, "PUT", path, R"({"answers":)" + answers + R"(,"base_revision":)" + base + "}");
  }
  void add_evaluator(const std::string& login, const std::string& org) {
    store::User u;
    u.login = login;
    u.display_name = login;
    u.password_hash = util::hash_password("correct horse battery").value();
    u.roles = {store::Role::kEvaluator};
    u.orgs = {org};
    ASSERT_TRUE(db->create_user(u, store::Actor{"test"}).is_ok());
  }
};

TEST_F(EvaluationApi, ASaveBasedOnTheLatestRevisionIsKeptAndAStaleOneIs409WithNothingWritten) {
  Signed eva = sign_in("eva");
  Answer first = save(eva, R"([{"item":"Q1","choice":1}])", "null");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.body["revision"]["no"], 1);
  EXPECT_EQ(first.body["status"], "draft");

  // A second evaluator of the same plant opened the form before that save.
  add_evaluator("eva2", "org-a");
  Signed eva2 = sign_in("eva2");
  Answer stale = save(eva2, R"([{"item":"Q1","choice":3}])", "0");
  ASSERT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(stale.body["error"]["code"], "stale");
  EXPECT_EQ(stale.body["error"]["field"], "base_revision");
  EXPECT_EQ(stale.body["latest_revision"], 1);
  EXPECT_NE(stale.body["error"]["message"].get<std::string>().find("someone else saved"), std::string::npos);
  EXPECT_EQ(revisions(), 1u);
  EXPECT_EQ(db->revision_history("c", "org-a").value().back().answers.at(0).choice, 1) << "not overwritten";

  // Reloaded, the second evaluator saves on top of revision 1.
  Answer next = save(eva2, R"([{"item":"Q1","choice":3}])", "1");
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_EQ(next.body["revision"]["no"], 2);
  EXPECT_EQ(next.body["revision"]["author"], "user:eva2");
  // And the first one's next autosave, still based on 1, is refused.
  EXPECT_EQ(save(eva, R"([{"item":"Q1","choice":2}])", "1").status, 409);
  EXPECT_EQ(revisions(), 2u);
}

TEST_F(EvaluationApi, ConcurrentSavesOnTheSameBaseLetExactlyOneThrough) {
  Signed eva = sign_in("eva");
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":1}])", "null").status, 200);
  std::atomic<int> ok{0}, stale{0}, other{0};
  std::vector<std::thread> tabs;
  for (int i = 0; i < 8; ++i) {
    tabs.emplace_back([&, i] {
      // Every tab changes something different, so none is skipped as unchanged.
      Answer a = save(eva, R"([{"item":"Q1","choice":2,"comment":"tab )" + std::to_string(i) + R"("}])", "1");
      (a.status == 200 ? ok : a.status == 409 ? stale : other)++;
    });
  }
  for (auto& t : tabs) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(stale.load(), 7);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(revisions(), 2u);
}

TEST_F(EvaluationApi, TheReviewMarkIsSavedReturnedAndChangingItAloneIsANewRevision) {
  Signed eva = sign_in("eva");
  Answer a = save(eva, R"([{"item":"Q1","choice":null,"comment":"","review":true},{"item":"Q2","choice":2,"review":false}])",
                  "null");
  ASSERT_EQ(a.status, 200) << a.body;
  const json answers = a.body["revision"]["answers"];
  ASSERT_EQ(answers.size(), 2u) << "an item marked for review is kept without an answer";
  EXPECT_EQ(answers[0]["item"], "Q1");
  EXPECT_EQ(answers[0]["review"], true);
  EXPECT_TRUE(answers[0]["choice"].is_null());
  EXPECT_FALSE(answers[1].contains("review"));

  Answer read = call(eva, "GET", path);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.body["revision"]["answers"][0]["review"], true);
  EXPECT_TRUE(db->revision_history("c", "org-a").value().back().answers.at(0).review);

  Answer unmarked = save(eva, R"([{"item":"Q1","review":false},{"item":"Q2","choice":2}])", "1");
  ASSERT_EQ(unmarked.status, 200);
  EXPECT_EQ(unmarked.body["revision"]["no"], 2) << "only the mark changed, still a new revision";
  EXPECT_EQ(unmarked.body["revision"]["answers"].size(), 1u);
  // The same again changes nothing.
  Answer same = save(eva, R"([{"item":"Q2","choice":2}])", "2");
  ASSERT_EQ(same.status, 200);
  EXPECT_EQ(same.body["revision"]["no"], 2);
  EXPECT_EQ(revisions(), 2u);
}

TEST_F(EvaluationApi, SubmittingWithUnansweredItemsNeedsLeaveUnanswered) {
  Signed eva = sign_in("eva");
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":2,"comment":"手順書はある","review":true}])", "null").status, 200);
  Answer refused = call(eva, "POST", path + "/submit", R"({"base_revision":1})");
  ASSERT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(refused.body["error"]["code"], "unanswered");
  EXPECT_EQ(refused.body["error"]["field"], "answers");
  EXPECT_EQ(refused.body["unanswered"], json::array({"Q2"}));
  EXPECT_EQ(revisions(), 1u) << "nothing written";
  EXPECT_EQ(call(eva, "POST", path + "/submit", R"({"base_revision":1,"leave_unanswered":false})").status, 422);
  EXPECT_EQ(revisions(), 1u);

  Answer ok = call(eva, "POST", path + "/submit", R"({"base_revision":1,"leave_unanswered":true})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body["status"], "submitted");
  EXPECT_EQ(ok.body["revision"]["state"], "submitted");
  EXPECT_EQ(ok.body["revision"]["no"], 2);
  const auto history = db->revision_history("c", "org-a").value();
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].state, store::RevisionState::kSubmitted);
  EXPECT_EQ(history[1].answers, history[0].answers) << "the draft's answers, comment and mark included";

  // Submitted already: a second submission is a conflict, not a new revision.
  Answer again = call(eva, "POST", path + "/submit", R"({"base_revision":2,"leave_unanswered":true})");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body["error"]["code"], "conflict");
  EXPECT_EQ(revisions(), 2u);
}

TEST_F(EvaluationApi, AFullyAnsweredDraftIsSubmittedWithoutTheFlagAndAStaleSubmissionIsRefused) {
  Signed eva = sign_in("eva");
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":1},{"item":"Q2","choice":3}])", "null").status, 200);
  Answer stale = call(eva, "POST", path + "/submit", R"({"base_revision":0})");
  ASSERT_EQ(stale.status, 409);
  EXPECT_EQ(stale.body["error"]["code"], "stale");
  EXPECT_EQ(revisions(), 1u);
  Answer ok = call(eva, "POST", path + "/submit", R"({"base_revision":1})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body["revision"]["state"], "submitted");

  // Editing after submission: a draft again, and saving exactly what was
  // submitted (an undone change) makes no new draft.
  Answer same = save(eva, R"([{"item":"Q2","choice":3},{"item":"Q1","choice":1}])", "2");
  ASSERT_EQ(same.status, 200);
  EXPECT_EQ(same.body["status"], "submitted");
  EXPECT_EQ(revisions(), 2u);
  Answer edited = save(eva, R"([{"item":"Q1","choice":2},{"item":"Q2","choice":3}])", "2");
  ASSERT_EQ(edited.status, 200);
  EXPECT_EQ(edited.body["status"], "draft_after_submit");
  EXPECT_EQ(edited.body["revision"]["no"], 3);
}

// Drill evidence (exercise/proposals.hpp evidence_link): shown as an array
// per answer, kept when the form saves an answer without "evidence", removed
// only by an explicit [] (or null), and carried into the submission.
TEST_F(EvaluationApi, DrillEvidenceIsShownKeptWhenTheFormOmitsItAndClearedOnlyOnPurpose) {
  Signed eva = sign_in("eva");
  const json link = {{"exercise", "drill-1"}, {"rule", "contact"}, {"proposed", 3}, {"events", {12, 40}}};
  // Accepting the drill's proposals saves the answers with their links.
  Answer accepted = save(eva, R"([{"item":"Q1","choice":3,"evidence":[)" + link.dump() + R"(]}])", "null");
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(accepted.body["revision"]["answers"][0]["evidence"], json::array({link}));
  Answer read = call(eva, "GET", path);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.body["revision"]["answers"][0]["evidence"], json::array({link}));
  EXPECT_EQ(db->revision_history("c", "org-a").value().back().answers.at(0).evidence, json::array({link}).dump());

  // The form sends answers without "evidence": the links stay on Q1 though
  // its choice changed; Q2, new, has none.
  Answer edited = save(eva, R"([{"item":"Q1","choice":2,"comment":"訓練では連絡が遅れた"},{"item":"Q2","choice":1}])", "1");
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(edited.body["revision"]["no"], 2);
  const json answers = edited.body["revision"]["answers"];
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0]["choice"], 2);
  EXPECT_EQ(answers[0]["evidence"], json::array({link})) << "kept from revision 1";
  EXPECT_FALSE(answers[1].contains("evidence"));
  // Saving the same answers again, still without "evidence", is no change.
  Answer same = save(eva, R"([{"item":"Q1","choice":2,"comment":"訓練では連絡が遅れた"},{"item":"Q2","choice":1}])", "2");
  ASSERT_EQ(same.status, 200);
  EXPECT_EQ(same.body["revision"]["no"], 2);

  // Submitting carries the links.
  Answer submitted = call(eva, "POST", path + "/submit", R"({"base_revision":2})");
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  EXPECT_EQ(submitted.body["revision"]["state"], "submitted");
  EXPECT_EQ(submitted.body["revision"]["answers"][0]["evidence"], json::array({link}));
  EXPECT_EQ(db->revision_history("c", "org-a").value().back().answers.at(0).evidence, json::array({link}).dump());

  // An explicit [] removes them: a new draft without links.
  Answer cleared = save(eva, R"([{"item":"Q1","choice":2,"comment":"訓練では連絡が遅れた","evidence":[]},{"item":"Q2","choice":1}])", "3");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_EQ(cleared.body["revision"]["no"], 4);
  EXPECT_EQ(cleared.body["status"], "draft_after_submit");
  EXPECT_FALSE(cleared.body["revision"]["answers"][0].contains("evidence"));
  EXPECT_EQ(db->revision_history("c", "org-a").value().back().answers.at(0).evidence, "");
  // Once gone, omitting "evidence" keeps nothing; an item dropped and
  // answered again starts without links too.
  Answer later = save(eva, R"([{"item":"Q1","choice":1}])", "4");
  ASSERT_EQ(later.status, 200) << later.body;
  EXPECT_FALSE(later.body["revision"]["answers"][0].contains("evidence"));
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":1,"evidence":[)" + link.dump() + R"(]}])", "5").status, 200);
  ASSERT_EQ(save(eva, R"([{"item":"Q2","choice":1}])", "6").status, 200);
  Answer back = save(eva, R"([{"item":"Q1","choice":1},{"item":"Q2","choice":1}])", "7");
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_FALSE(back.body["revision"]["answers"][0].contains("evidence")) << "revision 7 had no Q1 to keep links of";
  // The revision list and single revisions show the links of their own revision.
  Answer one = call(eva, "GET", path + "/revisions/3");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.body["revision"]["answers"][0]["evidence"], json::array({link}));
}

TEST_F(EvaluationApi, BadBodiesAreRefusedNamingTheFieldAndWriteNothing) {
  Signed eva = sign_in("eva");
  struct Case {
    std::string body;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {R"({"answers":{},"base_revision":null})", 422, "answers"},
      {R"({"base_revision":null})", 422, "answers"},
      {R"({"answers":[{"item":"Q1","review":"yes"}],"base_revision":null})", 422, "answers[0].review"},
      {R"({"answers":[{"item":"Q1","choice":"two"}],"base_revision":null})", 422, "answers[0].choice"},
      {R"({"answers":[{"item":"Q1","choice":4}],"base_revision":null})", 422, "answers[0].choice"},
      {R"({"answers":[{"item":"Q2","choice":0}],"base_revision":null})", 422, "answers[0].choice"},
      {R"({"answers":[{"item":"Q9","choice":1}],"base_revision":null})", 422, "answers[0].item"},
      {R"({"answers":[{"item":"Q1","choice":1},{"item":"Q1","choice":2}],"base_revision":null})", 422, "answers[1].item"},
      {R"({"answers":[{"choice":1}],"base_revision":null})", 422, "answers[0].item"},
      {R"({"answers":[{"item":"Q1","comment":5}],"base_revision":null})", 422, "answers[0].comment"},
      {R"({"answers":[{"item":"Q1","choice":1,"evidence":"drill-1"}],"base_revision":null})", 422,
       "answers[0].evidence"},
      {R"({"answers":[{"item":"Q1","choice":1,"evidence":{"exercise":"d"}}],"base_revision":null})", 422,
       "answers[0].evidence"},
      {R"({"answers":[{"item":"Q2","choice":1},{"item":"Q1","choice":1,"evidence":[{"exercise":"d"},3]}],"base_revision":null})",
       422, "answers[1].evidence[1]"},
      {R"({"answers":[],"base_revision":"1"})", 422, "base_revision"},
      {R"({"answers":[],"base_revision":-1})", 422, "base_revision"},
      {R"({"answers":[],"base_revision":1.5})", 422, "base_revision"},
      {R"({"answers":[)", 400, ""},
      {R"([1,2])", 422, ""},
  };
  for (const Case& c : cases) {
    Answer a = call(eva, "PUT", path, c.body);
    EXPECT_EQ(a.status, c.status) << c.body << " → " << a.body;
    if (!c.field.empty()) EXPECT_EQ(a.body["error"].value("field", ""), c.field) << c.body;
  }
  // Not JSON at all.
  std::string req = "PUT " + path + " HTTP/1.1\r\nHost: x\r\nCookie: kunren_session=" + eva.cookie +
                    "\r\nX-CSRF-Token: " + eva.csrf + "\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n" +
                    "Connection: close\r\n\r\nhi";
  EXPECT_EQ(parse(kunren::testing::http_exchange(port, req)).status, 415);
  EXPECT_EQ(revisions(), 0u);

  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":1}])", "null").status, 200);
  for (const char* body : {R"({"base_revision":1,"leave_unanswered":"yes"})", R"({"base_revision":"x"})"}) {
    Answer a = call(eva, "POST", path + "/submit", body);
    EXPECT_EQ(a.status, 422) << body;
  }
  EXPECT_EQ(call(eva, "POST", path + "/submit", R"({"base_revision":1,"leave_unanswered":"yes"})").body["error"]["field"],
            "leave_unanswered");
  EXPECT_EQ(call(eva, "POST", path + "/submit", "{oops").status, 400);
  EXPECT_EQ(revisions(), 1u);
}

TEST_F(EvaluationApi, WithoutTheCsrfTokenNeitherSaveNorSubmitWritesAnything) {
  Signed eva = sign_in("eva");
  Answer put = call(eva, "PUT", path, R"({"answers":[{"item":"Q1","choice":1}],"base_revision":null})", false);
  EXPECT_EQ(put.status, 403);
  EXPECT_EQ(put.body["error"]["code"], "csrf");
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":1},{"item":"Q2","choice":1}])", "null").status, 200);
  Answer submit = call(eva, "POST", path + "/submit", R"({"base_revision":1})", false);
  EXPECT_EQ(submit.status, 403);
  EXPECT_EQ(submit.body["error"]["code"], "csrf");
  EXPECT_EQ(revisions(), 1u);
}

TEST_F(EvaluationApi, OnlyTheOrganisationsEvaluatorsWriteAndEveryRefusalIsAudited) {
  Signed eve = sign_in("eve");
  Signed coco = sign_in("coco");
  const std::size_t before = refusals();
  EXPECT_EQ(save(eve, R"([{"item":"Q1","choice":1}])", "null").status, 403) << "another organisation";
  EXPECT_EQ(call(eve, "POST", path + "/submit", R"({"base_revision":null})").status, 403);
  EXPECT_EQ(save(coco, R"([{"item":"Q1","choice":1}])", "null").status, 403) << "coordinators do not answer";
  EXPECT_EQ(call(coco, "GET", path).status, 403) << "nor read drafts";
  EXPECT_EQ(refusals(), before + 4);
  EXPECT_EQ(revisions(), 0u);

  // A closed campaign is read-only for its evaluators.
  Signed eva = sign_in("eva");
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":1}])", "null").status, 200);
  ASSERT_TRUE(db->set_campaign_state("c", store::CampaignState::kClosed, store::Actor{"test"}).is_ok());
  EXPECT_EQ(call(eva, "GET", path).status, 200);
  EXPECT_EQ(save(eva, R"([{"item":"Q1","choice":2}])", "1").status, 403);
  EXPECT_EQ(call(eva, "POST", path + "/submit", R"({"base_revision":1,"leave_unanswered":true})").status, 403);
  EXPECT_EQ(refusals(), before + 6);
  EXPECT_EQ(revisions(), 1u);
  // A draft campaign is not shown to evaluators at all.
  EXPECT_EQ(call(eva, "GET", "/api/v1/campaigns/later/evaluations/org-a").status, 403);
}

TEST_F(EvaluationApi, TheRevisionListCountsAnswersCommentsAndMarksAndHidesDraftsFromCoordinators) {
  Signed eva = sign_in("eva");
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":1,"comment":"初回"}])", "null").status, 200);
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":2,"comment":"見直し","review":true},{"item":"Q2","choice":1}])", "1").status,
            200);
  ASSERT_EQ(call(eva, "POST", path + "/submit", R"({"base_revision":2})").status, 200);

  Answer list = call(eva, "GET", path + "/revisions");
  ASSERT_EQ(list.status, 200) << list.body;
  const json& revs = list.body["revisions"];
  ASSERT_EQ(revs.size(), 3u);
  EXPECT_EQ(revs[0], json({{"no", 1}, {"state", "draft"}, {"author", "user:eva"}, {"created_at", revs[0]["created_at"]},
                           {"answered", 1}, {"commented", 1}, {"marked", 0}}));
  EXPECT_EQ(revs[1]["answered"], 2);
  EXPECT_EQ(revs[1]["marked"], 1);
  EXPECT_EQ(revs[2]["state"], "submitted");
  EXPECT_FALSE(revs[0].contains("answers")) << "the list carries no answers";

  Answer one = call(eva, "GET", path + "/revisions/1");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.body["revision"]["answers"][0]["comment"], "初回");
  EXPECT_EQ(call(eva, "GET", path + "/revisions/9").status, 404);
  EXPECT_EQ(call(eva, "GET", path + "/revisions/abc").status, 404);
  EXPECT_EQ(call(eva, "GET", path + "/revisions/0").status, 404);

  // The coordinator sees the submissions, not the drafts.
  Signed coco = sign_in("coco");
  Answer theirs = call(coco, "GET", path + "/revisions");
  ASSERT_EQ(theirs.status, 200);
  ASSERT_EQ(theirs.body["revisions"].size(), 1u);
  EXPECT_EQ(theirs.body["revisions"][0]["no"], 3);
  EXPECT_EQ(call(coco, "GET", path + "/revisions/3").status, 200);
  const std::size_t before = refusals();
  Answer draft = call(coco, "GET", path + "/revisions/2");
  EXPECT_EQ(draft.status, 403) << "a draft is not the coordinator's to read";
  EXPECT_EQ(refusals(), before + 1);

  // Another organisation's evaluator sees nothing of it.
  Signed eve = sign_in("eve");
  EXPECT_EQ(call(eve, "GET", path + "/revisions").status, 403);
  EXPECT_EQ(call(eve, "GET", path + "/revisions/3").status, 403);
  EXPECT_EQ(refusals(), before + 3);
  EXPECT_EQ(call(eve, "GET", "/api/v1/campaigns/c/evaluations/org-b/revisions").body["revisions"].size(), 0u);
}

// With live events on: every save and submission is announced on the campaign's topic.
class EvaluationEvents : public EvaluationApi {
 protected:
  void SetUp() override {
    context.events = &hub;
    EvaluationApi::SetUp();
  }
  EventHub hub;
};

TEST_F(EvaluationEvents, SavesAndSubmissionsArePublishedToTheCampaignTopic) {
  auto stream = hub.subscribe("campaign:c");
  ASSERT_NE(stream, nullptr);
  Signed eva = sign_in("eva");
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":1},{"item":"Q2","choice":1}])", "null").status, 200);
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":1},{"item":"Q2","choice":1}])", "1").status, 200) << "unchanged";
  ASSERT_EQ(save(eva, R"([{"item":"Q1","choice":1}])", "2").status, 409) << "stale";
  ASSERT_EQ(call(eva, "POST", path + "/submit", R"({"base_revision":1})").status, 200);
  std::vector<Event> events = stream->take();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].name, "hello");
  EXPECT_EQ(events[1].name, "revision");
  EXPECT_EQ(json::parse(events[1].data), json({{"org", "org-a"}, {"state", "draft"}, {"revision", 1}}));
  EXPECT_EQ(json::parse(events[2].data), json({{"org", "org-a"}, {"state", "submitted"}, {"revision", 2}}));
}

}  // namespace
}  // namespace kunren::server
