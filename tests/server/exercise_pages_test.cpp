// The drill pages over real HTTP: the list with each user's part and the
// facilitator's planning form, the facilitator's console and the observers'
// read-only copy, the participant's view (never an inject addressed to
// another role, not even in the data handed to its scripts), the review with
// its timeline chart and log verification, and the audited 403 page for
// everyone else.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>

#include "campaign_fixture.hpp"

namespace kunren::server {
namespace {

class ExercisePages : public CoordinatorTest {
 protected:
  void SetUp() override {
    CoordinatorTest::SetUp();
    if (HasFatalFailure()) return;
    add_user("fac", store::Role::kFacilitator, {"org-a"});
    add_user("fab", store::Role::kFacilitator, {"org-b"});
    add_user("obs", store::Role::kObserver, {"org-a"});
    add_user("par", store::Role::kParticipant, {"org-a"});
    add_user("pam", store::Role::kParticipant, {"org-a"});
    add_user("pax", store::Role::kParticipant, {"org-a"});  // in no drill
    fac = sign_in("fac");
    const std::string body = R"({"id": "d1", "title": "春の訓練", "org": "org-a", "scenario": "factory-ransomware",
      "participants": [{"login": "par", "role": "production"}, {"login": "pam", "role": "maintenance"}],
      "criteria": {"DP4": {"who": "工場長", "conditions": ["反応器を安全に監視できる", "品質に異常がない"]}}})";
    Answer created = call(fac, "POST", "/api/v1/exercises", body);
    ASSERT_EQ(created.status, 201) << created.body;
  }

  // Starts d1 at ×10 and runs the clock to +00:10 (INJ-001 … INJ-005 delivered).
  void start_and_run_ten_minutes() {
    Answer started = call(fac, "POST", "/api/v1/exercises/d1/control", R"({"action": "start", "speed": 10})");
    ASSERT_EQ(started.status, 200) << started.body;
    drill_clock.advance(std::chrono::seconds(61));
    tick_exercises(context, *context.exercises);
  }

  static void expect_no_inline_code(const std::string& html) {
    EXPECT_FALSE(contains(html, "<script>")) << "no inline script";
    EXPECT_FALSE(contains(html, " style=\"")) << "no style attribute (the CSP blocks them)";
    EXPECT_FALSE(contains(html, " onclick=")) << "no inline handler";
  }

  // The inject ids in the JSON block handed to the page's scripts.
  static std::set<std::string> inject_ids(const std::string& html) {
    std::set<std::string> out;
    const std::regex id(R"re("inject":"(INJ-[0-9]+|ADHOC-[0-9]+)")re");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), id); it != std::sregex_iterator(); ++it) out.insert((*it)[1]);
    return out;
  }

  // The JSON block of the drill's state handed to the page's scripts.
  static std::string state_block(const std::string& html) {
    const std::string open = "<script type=\"application/json\" id=\"drill-state\">";
    const auto start = html.find(open);
    if (start == std::string::npos) return {};
    const auto end = html.find("</script>", start);
    return html.substr(start + open.size(), end - start - open.size());
  }

  Signed fac;
};

TEST_F(ExercisePages, TheListShowsEachUserTheirDrillsWithTheirPartAndFacilitatorsCanPlanOne) {
  Answer list = call(fac, "GET", "/exercises");
  ASSERT_EQ(list.status, 200) << list.text.substr(0, 400);
  expect_no_inline_code(list.text);
  EXPECT_TRUE(contains(list.text, "<h1>演習</h1>"));
  EXPECT_TRUE(contains(list.text, "<span class=\"id-tag\">d1</span> 春の訓練"));
  EXPECT_TRUE(contains(list.text, "drill-state drill-state-planned\">計画中</span>"));
  EXPECT_TRUE(contains(list.text, "part-facilitator\">進行役</span>"));
  EXPECT_TRUE(contains(list.text, "href=\"/exercises/d1\">進行役コンソールを開く</a>"));
  EXPECT_TRUE(contains(list.text, "工場ランサムウェア対応訓練")) << "the scenario's title";
  // Planning: own organisation, built-in scenarios, participant rows (script).
  EXPECT_TRUE(contains(list.text, "id=\"plan-form\""));
  EXPECT_TRUE(contains(list.text, "<option value=\"org-a\">A（org-a）</option>"));
  EXPECT_FALSE(contains(list.text, "<option value=\"org-b\"")) << "only the facilitator's own organisation";
  EXPECT_TRUE(contains(list.text, "<option value=\"factory-ransomware\">"));
  EXPECT_TRUE(contains(list.text, "id=\"scenario-roles\""));
  EXPECT_TRUE(contains(list.text, "/static/exercises.js?v="));
  EXPECT_TRUE(contains(list.text, "<a href=\"/exercises\" aria-current=\"page\">演習</a>")) << "in the navigation";

  Answer par = call(sign_in("par"), "GET", "/exercises");
  ASSERT_EQ(par.status, 200);
  EXPECT_TRUE(contains(par.text, "参加者：生産部門"));
  EXPECT_TRUE(contains(par.text, "href=\"/exercises/d1\">参加者画面を開く</a>"));
  EXPECT_FALSE(contains(par.text, "id=\"plan-form\""));

  Answer eva = call(sign_in("eva"), "GET", "/exercises");
  ASSERT_EQ(eva.status, 200);
  EXPECT_TRUE(contains(eva.text, "記録の閲覧"));
  EXPECT_TRUE(contains(eva.text, "href=\"/exercises/d1/review\""));
  EXPECT_FALSE(contains(eva.text, "href=\"/exercises/d1\">")) << "no live page for the record's readers";

  Answer eve = call(sign_in("eve"), "GET", "/exercises?lang=en");
  ASSERT_EQ(eve.status, 200);
  EXPECT_TRUE(contains(eve.text, "There is no drill you can see."));
  EXPECT_FALSE(contains(eve.text, "d1"));

  const std::size_t before = refusals();
  EXPECT_EQ(call(sign_in("coco"), "GET", "/exercises").status, 403) << "coordinators have no drills";
  EXPECT_EQ(refusals(), before + 1);
  // Those whose only way in is the drills land there.
  Answer home = call(fac, "GET", "/");
  EXPECT_EQ(home.status, 303);
  EXPECT_EQ(header(home, "Location"), "/exercises");
}

TEST_F(ExercisePages, TheFacilitatorGetsTheConsoleAndObserversAReadOnlyCopy) {
  start_and_run_ten_minutes();
  Answer a = call(fac, "GET", "/exercises/d1");
  ASSERT_EQ(a.status, 200) << a.text.substr(0, 400);
  const std::string& page = a.text;
  expect_no_inline_code(page);
  EXPECT_TRUE(contains(page, "<p class=\"eyebrow\">進行役コンソール <span class=\"id-tag\">d1</span></p>"));
  EXPECT_TRUE(contains(page, "<h1>春の訓練</h1>"));
  EXPECT_TRUE(contains(page, "id=\"clock-time\""));
  EXPECT_TRUE(contains(page, "drill-state drill-state-running\" id=\"clock-state\">実施中</span>"));
  EXPECT_TRUE(contains(page, "id=\"ctl-start\"") && contains(page, "id=\"ctl-pause\"") && contains(page, "id=\"ctl-end\""));
  EXPECT_TRUE(contains(page, "<input type=\"radio\" name=\"speed\" value=\"10\" checked>")) << "the speed it runs at";
  EXPECT_TRUE(contains(page, "id=\"end-dialog\"")) << "ending asks first";
  for (const char* region : {"delivered-list", "upcoming-list", "board", "decision-points", "metrics", "feed",
                             "contacts", "evidence", "observations", "observation-form", "adhoc-form", "board-form"})
    EXPECT_TRUE(contains(page, std::string("id=\"") + region + "\"")) << region;
  EXPECT_TRUE(contains(page, "data-events-url=\"/api/v1/exercises/d1/events\""));
  EXPECT_TRUE(contains(page, "/static/exercise_console.js?v="));
  // The state for the scripts: every delivered inject, the upcoming ones, the criteria.
  const auto ids = inject_ids(page);
  for (const char* id : {"INJ-001", "INJ-002", "INJ-003", "INJ-005", "INJ-006", "INJ-054"})
    EXPECT_TRUE(ids.count(id)) << id;
  EXPECT_TRUE(contains(page, "反応器を安全に監視できる"));
  EXPECT_TRUE(contains(page, "<option value=\"OBJ-1\">")) << "observations by objective";

  Answer en = call(fac, "GET", "/exercises/d1?lang=en");
  EXPECT_TRUE(contains(en.text, "Facilitator console"));
  EXPECT_TRUE(contains(en.text, "Inject timeline"));

  Answer obs = call(sign_in("obs"), "GET", "/exercises/d1");
  ASSERT_EQ(obs.status, 200);
  EXPECT_TRUE(contains(obs.text, "演習の観察（閲覧のみ）"));
  EXPECT_TRUE(contains(obs.text, "観察者として閲覧しています。"));
  EXPECT_TRUE(contains(obs.text, "id=\"feed\""));
  for (const char* control : {"ctl-start", "end-dialog", "adhoc-form", "observation-form", "board-form"})
    EXPECT_FALSE(contains(obs.text, std::string("id=\"") + control + "\"")) << control;
  EXPECT_TRUE(inject_ids(obs.text).count("INJ-002")) << "observers see the whole drill";
}

TEST_F(ExercisePages, ParticipantsSeeOnlyTheInjectsAddressedToTheirRoleOrToEveryone) {
  start_and_run_ten_minutes();
  Answer par = call(sign_in("par"), "GET", "/exercises/d1");
  ASSERT_EQ(par.status, 200) << par.text.substr(0, 400);
  expect_no_inline_code(par.text);
  EXPECT_TRUE(contains(par.text, "<p class=\"eyebrow\">参加者画面"));
  EXPECT_TRUE(contains(par.text, "あなたの役割: <strong>生産部門</strong>"));
  for (const char* form : {"report-form", "decision-form", "contact-form", "evidence-form", "note-form"})
    EXPECT_TRUE(contains(par.text, std::string("id=\"") + form + "\"")) << form;
  EXPECT_TRUE(contains(par.text, "id=\"sound-toggle\"")) << "the mute toggle";
  EXPECT_TRUE(contains(par.text, "id=\"inject-banner\""));
  EXPECT_FALSE(contains(par.text, "id=\"board-form\"")) << "production does not lead: the board is read-only";
  EXPECT_FALSE(contains(par.text, "id=\"ctl-start\""));
  EXPECT_EQ(inject_ids(par.text), (std::set<std::string>{"INJ-001", "INJ-003", "INJ-004"}))
      << "INJ-001 to everyone, INJ-003/004 to production; not INJ-002 (sirt, plant manager), INJ-005 (maintenance)";
  EXPECT_FALSE(contains(par.text, "INJ-002"));
  const std::string state = state_block(par.text);
  ASSERT_FALSE(state.empty());
  EXPECT_TRUE(contains(state, "\"view\":\"production\""));
  EXPECT_FALSE(contains(state, "\"upcoming\"")) << "no look ahead";
  EXPECT_FALSE(contains(state, "\"observations\""));
  EXPECT_FALSE(contains(state, "\"narrative\""));
  EXPECT_FALSE(contains(state, "\"expects\"")) << "what the facilitator expects stays with the facilitator";

  Answer pam = call(sign_in("pam"), "GET", "/exercises/d1?lang=en");
  ASSERT_EQ(pam.status, 200);
  EXPECT_TRUE(contains(pam.text, "Your role: <strong>Maintenance</strong>"));
  EXPECT_EQ(inject_ids(pam.text), (std::set<std::string>{"INJ-001", "INJ-005"}));
  EXPECT_FALSE(contains(pam.text, "INJ-003"));
}

TEST_F(ExercisePages, TheReviewShowsTimelineMetricsDecisionsAndTheVerifiedLog) {
  start_and_run_ten_minutes();
  Signed par = sign_in("par");
  ASSERT_EQ(call(par, "POST", "/api/v1/exercises/d1/actions",
                 R"({"kind": "report", "payload": {"what": "押出機の温度が乱れている", "line": "ライン2"}})")
                .status,
            200);
  ASSERT_EQ(call(par, "POST", "/api/v1/exercises/d1/actions",
                 R"({"kind": "decision", "payload": {"decision_point": "DP4", "option": "reduced", "rationale": "監視できる",
                    "criteria": [{"text": "反応器を安全に監視できる", "met": true}, {"text": "品質に異常がない", "met": false}]}})")
                .status,
            200);
  ASSERT_EQ(call(fac, "POST", "/api/v1/exercises/d1/actions",
                 R"({"kind": "observation", "payload": {"objective": "OBJ-1", "rating": "S", "text": "第一報が遅い"}})")
                .status,
            200);
  ASSERT_EQ(call(fac, "POST", "/api/v1/exercises/d1/control", R"({"action": "end"})").status, 200);

  Answer a = call(fac, "GET", "/exercises/d1/review");
  ASSERT_EQ(a.status, 200) << a.text.substr(0, 400);
  const std::string& page = a.text;
  expect_no_inline_code(page);
  EXPECT_TRUE(contains(page, "<p class=\"eyebrow\">演習の振り返り"));
  EXPECT_TRUE(contains(page, "drill-state drill-state-ended\">終了</span>"));
  EXPECT_TRUE(contains(page, "<svg class=\"timeline-chart\""));
  EXPECT_TRUE(contains(page, "class=\"tl-mark tl-report\"")) << "the report on the timeline";
  EXPECT_TRUE(contains(page, "class=\"tl-mark tl-decision\""));
  EXPECT_TRUE(contains(page, "最初の報告まで")) << "the metrics";
  EXPECT_TRUE(contains(page, "<strong>減産または手動運転で続ける</strong>")) << "the decision under DP4";
  EXPECT_TRUE(contains(page, "tick-unmet")) << "the criteria as ticked";
  EXPECT_TRUE(contains(page, "押出機の温度が乱れている")) << "the board as it ended";
  EXPECT_TRUE(contains(page, "第一報が遅い")) << "observations by objective";
  EXPECT_TRUE(std::regex_search(page, std::regex("検証済み：[0-9]+ 件のイベント")));
  EXPECT_TRUE(contains(page, "href=\"/api/v1/exercises/d1/log?format=jsonl\""));
  EXPECT_TRUE(contains(page, "href=\"/api/v1/exercises/d1/log?format=csv\""));
  EXPECT_TRUE(contains(page, "/static/exercise.css?v="));

  Answer mine = call(par, "GET", "/exercises/d1/review");
  ASSERT_EQ(mine.status, 200);
  EXPECT_TRUE(contains(mine.text, "<svg class=\"timeline-chart\""));
  EXPECT_TRUE(contains(mine.text, "押出機の温度が乱れている"));
  EXPECT_FALSE(contains(mine.text, "INJ-002")) << "not even in the timeline";
  EXPECT_FALSE(contains(mine.text, "第一報が遅い")) << "observations are the facilitator's";
  EXPECT_FALSE(contains(mine.text, "検証済み"));
  EXPECT_FALSE(contains(mine.text, "format=jsonl")) << "the full log is for those who see everything";

  // Record readers are sent to the review; the review is theirs.
  Signed eva = sign_in("eva");
  Answer live = call(eva, "GET", "/exercises/d1");
  EXPECT_EQ(live.status, 303);
  EXPECT_EQ(header(live, "Location"), "/exercises/d1/review");
  Answer record = call(eva, "GET", "/exercises/d1/review?lang=en");
  ASSERT_EQ(record.status, 200);
  EXPECT_TRUE(contains(record.text, "Drill review"));
  EXPECT_TRUE(contains(record.text, "Verified: "));
}

TEST_F(ExercisePages, EveryoneElseGetsAnAudited403AndSignedOutVisitorsAreSentToSignIn) {
  const std::size_t before = refusals();
  for (const char* login : {"eve", "pax", "fab", "olga"}) {
    Answer a = call(sign_in(login), "GET", "/exercises/d1");
    EXPECT_EQ(a.status, 403) << login;
    EXPECT_TRUE(contains(a.text, "このページを表示する権限がありません")) << login;
    EXPECT_EQ(call(sign_in(login), "GET", "/exercises/d1/review").status, 403) << login;
  }
  EXPECT_EQ(refusals(), before + 8);
  Answer none = call(fac, "GET", "/exercises/nope");
  EXPECT_EQ(none.status, 404);
  EXPECT_TRUE(contains(none.text, "ページが見つかりません"));
  for (const std::string path : {"/exercises", "/exercises/d1", "/exercises/d1/review"}) {
    Answer a = anonymous_get(path);
    EXPECT_EQ(a.status, 303) << path;
    EXPECT_EQ(header(a, "Location").rfind("/login?next=%2Fexercises", 0), 0u) << header(a, "Location");
  }
}

}  // namespace
}  // namespace kunren::server
