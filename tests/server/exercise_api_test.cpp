// The drill API over HTTP (docs/api.md "Drills"): planning, the facilitator's
// controls, actions in a role, what each role sees (state and live stream),
// Last-Event-ID replay without loss or doubling, the drill clock, the log
// download and its verification — on the real server with SQLite.
#include <sqlite3.h>

#include <regex>
#include <set>

#include <gtest/gtest.h>

#include <kunren/exercise/live.hpp>
#include <kunren/io/builtin.hpp>

#include "api_fixture.hpp"

namespace kunren::server {
namespace {

using nlohmann::json;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

class ExerciseApi : public CampaignApiTest {
 protected:
  void SetUp() override {
    CampaignApiTest::SetUp();
    add_user("fac", store::Role::kFacilitator, {"org-a"});
    add_user("fab", store::Role::kFacilitator, {"org-b"});
    add_user("prod", store::Role::kParticipant, {"org-a"});
    add_user("maint", store::Role::kParticipant, {"org-a"});
    add_user("lead", store::Role::kParticipant, {"org-a"});
    add_user("spare", store::Role::kParticipant, {"org-a"});
    fac = sign_in("fac");
  }

  // Creates drill "d1" of the built-in scenario with three participants.
  void create_drill() {
    Answer a = call(fac, "POST", "/api/v1/exercises",
                    R"({"id":"d1","title":"Drill","org":"org-a","scenario":"factory-ransomware",
                        "criteria":{"DP3":{"who":"plant manager","conditions":["safety at risk","spread to L2"]}},
                        "participants":[{"login":"prod","role":"production"},{"login":"maint","role":"maintenance"},
                                        {"login":"lead","role":"sirt"}]})");
    ASSERT_EQ(a.status, 201) << a.text;
  }
  json state(const Signed& who) {
    Answer a = call(who, "GET", "/api/v1/exercises/d1/state");
    EXPECT_EQ(a.status, 200) << a.text;
    return a.body;
  }
  std::set<std::string> inject_ids(const json& st) {
    std::set<std::string> out;
    for (const auto& i : st["injects"]) out.insert(i["inject"]);
    return out;
  }
  void tick() { tick_exercises(context, *context.exercises); }
  Answer act(const Signed& who, const std::string& kind, const json& payload) {
    return call(who, "POST", "/api/v1/exercises/d1/actions", json{{"kind", kind}, {"payload", payload}}.dump());
  }

  // An open SSE stream of the drill.
  struct Stream {
    int fd = -1;
    std::string received;
    ~Stream() {
      if (fd >= 0) ::close(fd);
    }
    // The seq of every drill event received (not the opening `hello`).
    std::vector<std::int64_t> ids() const {
      std::vector<std::int64_t> out;
      static const std::regex id_line("id: ([0-9]+)\nevent: ([a-z]+)\n");
      for (std::sregex_iterator it(received.begin(), received.end(), id_line), end; it != end; ++it)
        if ((*it)[2] != "hello") out.push_back(std::stoll((*it)[1]));
      return out;
    }
  };
  void open_stream(Stream& s, const Signed& who, const std::string& last_event_id = {}) {
    s.fd = kunren::testing::connect_to(port);
    kunren::testing::send_all(s.fd, "GET /api/v1/exercises/d1/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n" +
                                        (last_event_id.empty() ? "" : "Last-Event-ID: " + last_event_id + "\r\n") +
                                        "Cookie: kunren_session=" + who.cookie + "\r\n\r\n");
    ASSERT_TRUE(kunren::testing::read_until(s.fd, s.received, "event: hello")) << s.received;
  }

  Signed fac;
};

TEST_F(ExerciseApi, AFacilitatorPlansADrillForTheirOwnOrganisation) {
  create_drill();
  Answer shown = call(fac, "GET", "/api/v1/exercises/d1");
  EXPECT_EQ(shown.body["state"], "planned");
  EXPECT_EQ(shown.body["part"], "facilitator");
  EXPECT_EQ(shown.body["scenario"]["id"], "factory-ransomware");
  EXPECT_EQ(shown.body["participants"].size(), 3u);
  // Another organisation's facilitator may not plan for org-a; nor may a participant.
  Answer other = call(sign_in("fab"), "POST", "/api/v1/exercises",
                      R"({"title":"x","org":"org-a","scenario":"factory-ransomware"})");
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(call(sign_in("prod"), "POST", "/api/v1/exercises", R"({"title":"x","org":"org-a"})").status, 403);
  EXPECT_FALSE(db->get_exercise("x").is_ok());
}

TEST_F(ExerciseApi, BadPlansNameTheFieldAndStoreNothing) {
  auto field = [&](const std::string& body) {
    Answer a = call(fac, "POST", "/api/v1/exercises", body);
    EXPECT_EQ(a.status, 422) << body << " " << a.text;
    return a.body["error"].value("field", "");
  };
  EXPECT_EQ(field(R"({"org":"org-a","scenario":"factory-ransomware"})"), "title");
  EXPECT_EQ(field(R"({"title":"t","org":"org-a","scenario":"nope"})"), "scenario");
  EXPECT_EQ(field(R"({"title":"t","org":"org-a","scenario_text":"id: x\nversion: 1\nbogus: 3\n"})"), "scenario_text");
  EXPECT_EQ(field(R"({"title":"t","org":"org-a","scenario":"factory-ransomware","participants":[{"login":"prod","role":"pilot"}]})"),
            "participants[0].role");
  EXPECT_EQ(field(R"({"title":"t","org":"org-a","scenario":"factory-ransomware","participants":[{"login":"eva","role":"production"}]})"),
            "participants[0].login");
  EXPECT_EQ(field(R"({"title":"t","org":"org-a","scenario":"factory-ransomware","criteria":{"DP99":{}}})"),
            "criteria.DP99");
  EXPECT_TRUE(db->list_exercises().value().empty());
}

TEST_F(ExerciseApi, StartingDeliversTheFirstInjectsAndEachRoleSeesOnlyItsOwn) {
  create_drill();
  Answer started = call(fac, "POST", "/api/v1/exercises/d1/control", R"({"action":"start","speed":10})");
  ASSERT_EQ(started.status, 200) << started.text;
  // Run the scenario clock 40 minutes (4 minutes of wall time at ×10).
  for (int i = 0; i < 8; ++i) {
    drill_clock.advance(std::chrono::seconds(30));
    tick();
  }
  json all = state(fac);
  ASSERT_GE(all["injects"].size(), 4u);
  EXPECT_EQ(all["clock"]["state"], "running");
  EXPECT_EQ(all["clock"]["speed"], 10);
  std::map<std::string, std::set<std::string>> expected;  // role → injects addressed to it
  for (const auto& i : all["injects"]) {
    for (const char* role : {"production", "maintenance", "sirt"}) {
      const auto& to = i["to"];
      if (to.empty() || std::find(to.begin(), to.end(), role) != to.end()) expected[role].insert(i["inject"]);
    }
  }
  EXPECT_EQ(inject_ids(state(sign_in("prod"))), expected["production"]);
  EXPECT_EQ(inject_ids(state(sign_in("maint"))), expected["maintenance"]);
  EXPECT_EQ(inject_ids(state(sign_in("lead"))), expected["sirt"]);
  EXPECT_NE(expected["production"], expected["maintenance"]) << "the scenario addresses roles differently";
  // Participants do not see the facilitator's parts of the picture.
  json prod = state(sign_in("prod"));
  EXPECT_FALSE(prod.contains("upcoming"));
  EXPECT_FALSE(prod.contains("observations"));
  EXPECT_FALSE(prod["injects"][0].contains("expects"));
  EXPECT_TRUE(all.contains("upcoming"));
}

TEST_F(ExerciseApi, ParticipantsActInTheirRoleAndBadActionsNameThePayloadField) {
  create_drill();
  ASSERT_EQ(call(fac, "POST", "/api/v1/exercises/d1/control", R"({"action":"start"})").status, 200);
  Signed prod = sign_in("prod");
  Answer ok = act(prod, "report", {{"what", "HMI on line 2 froze"}, {"line", "L2"}, {"impact", "line stopped"}});
  ASSERT_EQ(ok.status, 200) << ok.text;
  EXPECT_EQ(ok.body["events"][0]["role"], "production");
  EXPECT_EQ(ok.body["events"][0]["actor"], "user:prod");
  Answer bad = act(prod, "report", {{"line", "L2"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.body["error"]["field"], "payload.what");
  // The stop decision, once an inject brings it up.
  Signed lead = sign_in("lead");
  EXPECT_TRUE(state(lead)["decision_points"].empty() || state(lead)["decision_points"][0]["raised"] == true);
  const auto scenario = io::load_builtin_scenario("factory-ransomware").value();
  std::string raises_dp3;
  for (const auto& i : scenario.injects)
    if (raises_dp3.empty() && std::count(i.decision_points.begin(), i.decision_points.end(), "DP3")) raises_dp3 = i.id;
  ASSERT_EQ(call(fac, "POST", "/api/v1/exercises/d1/injects", json{{"inject", raises_dp3}}.dump()).status, 200);
  json st = state(lead);
  json dp3;
  for (const auto& d : st["decision_points"])
    if (d["id"] == "DP3") dp3 = d;
  ASSERT_FALSE(dp3.is_null()) << "the lead sees DP3";
  EXPECT_EQ(dp3["criteria"]["who"], "plant manager");
  std::string option = dp3["options"][0]["id"];
  Answer decided = act(lead, "decision", {{"decision_point", "DP3"}, {"option", option}, {"rationale", "spread"},
                                          {"criteria", {{{"text", "safety at risk"}, {"met", true}}}}});
  EXPECT_EQ(decided.status, dp3["may_decide"].get<bool>() ? 200 : 409) << decided.text;
  // An observation is the facilitator's.
  EXPECT_EQ(act(prod, "observation", {{"rating", "P"}}).status, 409);
  EXPECT_EQ(act(fac, "observation", {{"rating", "S"}, {"text", "slow start"}}).status, 200);
  // Someone with no role in the drill may not act.
  EXPECT_EQ(act(sign_in("spare"), "note", {{"text", "hi"}}).status, 403);
  EXPECT_EQ(act(sign_in("eva"), "note", {{"text", "hi"}}).status, 403);
  // The board: production files, only the lead (or the facilitator) merges.
  std::int64_t first = ok.body["events"][0]["seq"];
  std::int64_t second = act(prod, "report", {{"what", "line 2 HMI stuck"}}).body["events"][0]["seq"];
  EXPECT_EQ(act(prod, "report", {{"op", "merge"}, {"report", second}, {"into", first}}).status, 409);
  EXPECT_EQ(act(lead, "report", {{"op", "merge"}, {"report", second}, {"into", first}}).status, 200);
  json board = state(prod)["board"];
  for (const auto& r : board)
    if (r["id"] == second) EXPECT_EQ(r["duplicate_of"], first);
}

TEST_F(ExerciseApi, StreamsCarryOnlyWhatTheRoleMaySeeAndReplayFromLastEventId) {
  create_drill();
  Signed prod = sign_in("prod");
  Stream live;
  open_stream(live, prod);
  ASSERT_EQ(call(fac, "POST", "/api/v1/exercises/d1/control", R"({"action":"start","speed":10})").status, 200);
  for (int i = 0; i < 6; ++i) {
    drill_clock.advance(std::chrono::seconds(30));
    tick();
  }
  ASSERT_EQ(act(prod, "report", {{"what", "odd setpoint"}}).status, 200);
  const json all = state(fac);
  const std::int64_t last = all["last_seq"];
  // Everything production may see, by seq (from the log, with the rule the server uses).
  std::vector<std::int64_t> visible;
  for (const auto& e : db->list_exercise_events("d1").value())
    if (exercise::visible_to(e, "production")) visible.push_back(e.seq);
  ASSERT_TRUE(kunren::testing::read_until(live.fd, live.received,
                                          [&](const std::string&) { return !live.ids().empty() && live.ids().back() == visible.back(); }))
      << live.received;
  EXPECT_EQ(live.ids(), visible) << "every visible event once, in order, nothing else";
  EXPECT_LT(visible.size(), static_cast<std::size_t>(last)) << "some events were not for production";

  // A reconnect after the first visible inject gets exactly the rest.
  Stream again;
  open_stream(again, prod, std::to_string(visible[0]));
  ASSERT_TRUE(kunren::testing::read_until(again.fd, again.received, [&](const std::string&) {
    return !again.ids().empty() && again.ids().back() == visible.back();
  })) << again.received;
  EXPECT_EQ(again.ids(), std::vector<std::int64_t>(visible.begin() + 1, visible.end()));

  // The facilitator's stream carries every event.
  Stream everything;
  open_stream(everything, fac);
  ASSERT_TRUE(kunren::testing::read_until(everything.fd, everything.received, [&](const std::string&) {
    return !everything.ids().empty() && everything.ids().back() == last;
  })) << everything.received;
  EXPECT_EQ(everything.ids().size(), static_cast<std::size_t>(last));
  // New events reach the open stream live.
  ASSERT_EQ(act(prod, "note", {{"text", "called the vendor"}}).status, 200);
  EXPECT_TRUE(kunren::testing::read_until(live.fd, live.received, "called the vendor"));
}

TEST_F(ExerciseApi, TheFacilitatorTriggersAndWritesInjectsAndControlsTheClock) {
  create_drill();
  EXPECT_EQ(call(fac, "POST", "/api/v1/exercises/d1/injects", R"({"inject":"INJ-010"})").status, 409)
      << "not running yet";
  ASSERT_EQ(call(fac, "POST", "/api/v1/exercises/d1/control", R"({"action":"start"})").status, 200);
  json up = state(fac)["upcoming"];
  ASSERT_FALSE(up.empty());
  const std::string next = up.back()["inject"];
  Answer now = call(fac, "POST", "/api/v1/exercises/d1/injects", json{{"inject", next}}.dump());
  ASSERT_EQ(now.status, 200) << now.text;
  EXPECT_EQ(now.body["events"][0]["payload"]["trigger"], "facilitator");
  EXPECT_EQ(call(fac, "POST", "/api/v1/exercises/d1/injects", json{{"inject", next}}.dump()).status, 409);
  EXPECT_EQ(call(fac, "POST", "/api/v1/exercises/d1/injects", R"({"inject":"NOPE"})").status, 404);
  Answer adhoc = call(fac, "POST", "/api/v1/exercises/d1/injects",
                      R"({"title":"Fire alarm in hall B","body":"Evacuate hall B","to":["production"]})");
  ASSERT_EQ(adhoc.status, 200) << adhoc.text;
  EXPECT_TRUE(inject_ids(state(sign_in("prod"))).count("ADHOC-1"));
  EXPECT_FALSE(inject_ids(state(sign_in("maint"))).count("ADHOC-1"));
  EXPECT_EQ(call(fac, "POST", "/api/v1/exercises/d1/control", R"({"action":"pause"})").status, 200);
  EXPECT_EQ(call(fac, "POST", "/api/v1/exercises/d1/control", R"({"action":"pause"})").status, 409);
  Answer speed = call(fac, "POST", "/api/v1/exercises/d1/control", R"({"action":"speed","speed":3})");
  EXPECT_EQ(speed.status, 422);
  EXPECT_EQ(speed.body["error"]["field"], "speed");
  EXPECT_EQ(call(fac, "POST", "/api/v1/exercises/d1/control", R"({"action":"end"})").status, 200);
  EXPECT_EQ(state(fac)["clock"]["state"], "ended");
  EXPECT_EQ(db->get_exercise("d1").value().state, model::ExerciseState::kEnded);
  // Participants may not drive the clock.
  EXPECT_EQ(call(sign_in("lead"), "POST", "/api/v1/exercises/d1/control", R"({"action":"resume"})").status, 403);
}

TEST_F(ExerciseApi, ParticipantsCanBeChangedAndTakeEffectAtOnce) {
  create_drill();
  Signed spare = sign_in("spare");
  EXPECT_EQ(call(spare, "GET", "/api/v1/exercises/d1/state").status, 403);
  Answer changed = call(fac, "PUT", "/api/v1/exercises/d1/participants",
                        R"({"participants":[{"login":"spare","role":"poc"},{"login":"prod","role":"production"}]})");
  ASSERT_EQ(changed.status, 200) << changed.text;
  EXPECT_EQ(call(spare, "GET", "/api/v1/exercises/d1/state").body["view"], "poc");
  EXPECT_EQ(call(sign_in("maint"), "GET", "/api/v1/exercises/d1/state").status, 403);
  EXPECT_EQ(call(fac, "PUT", "/api/v1/exercises/d1/participants", "{}").status, 422);
}

TEST_F(ExerciseApi, TheLogDownloadsAndVerifiesAndATamperedEventIsNamed) {
  create_drill();
  ASSERT_EQ(call(fac, "POST", "/api/v1/exercises/d1/control", R"({"action":"start"})").status, 200);
  Signed prod = sign_in("prod");
  for (int i = 0; i < 5; ++i) ASSERT_EQ(act(prod, "note", {{"text", "note " + std::to_string(i)}}).status, 200);
  const std::int64_t last = state(fac)["last_seq"];
  Answer jsonl = call(fac, "GET", "/api/v1/exercises/d1/log?format=jsonl");
  ASSERT_EQ(jsonl.status, 200);
  EXPECT_EQ(std::count(jsonl.text.begin(), jsonl.text.end(), '\n'), last);
  EXPECT_TRUE(contains(jsonl.head, "attachment; filename=\"d1-log.jsonl\""));
  Answer csv = call(fac, "GET", "/api/v1/exercises/d1/log?format=csv");
  EXPECT_EQ(csv.text.rfind("\xEF\xBB\xBFseq,at,", 0), 0u);
  EXPECT_EQ(call(prod, "GET", "/api/v1/exercises/d1/log").status, 403) << "participants do not get the full log";

  Answer verified = call(fac, "GET", "/api/v1/exercises/d1/verify");
  EXPECT_EQ(verified.body["verified"], true);
  EXPECT_EQ(verified.body["events"], last);

  // Change one byte of the event holding "note 1" behind the program's back.
  std::int64_t target = 0;
  for (const auto& e : db->list_exercise_events("d1").value())
    if (contains(e.payload, "note 1")) target = e.seq;
  ASSERT_GT(target, 1);
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(dir.path("kunren.db").c_str(), &raw), SQLITE_OK);
  std::vector<std::string> triggers;
  sqlite3_exec(
      raw, "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='exercise_event'",
      [](void* out, int, char** values, char**) {
        static_cast<std::vector<std::string>*>(out)->push_back(values[0]);
        return 0;
      },
      &triggers, nullptr);
  for (const auto& t : triggers) sqlite3_exec(raw, ("DROP TRIGGER " + t).c_str(), nullptr, nullptr, nullptr);
  ASSERT_EQ(sqlite3_exec(raw, (std::string("UPDATE exercise_event SET payload = replace(payload, 'note 1', 'note 7') ") +
                              "WHERE exercise_id = 'd1' AND seq = " + std::to_string(target)).c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_EQ(sqlite3_changes(raw), 1);
  sqlite3_close(raw);
  Answer broken = call(fac, "GET", "/api/v1/exercises/d1/verify");
  EXPECT_EQ(broken.body["verified"], false);
  EXPECT_EQ(broken.body["broken_at"], target) << broken.text;
}

TEST_F(ExerciseApi, ListShowsEachUserTheDrillsTheyHaveAPartIn) {
  create_drill();
  auto ids = [&](const std::string& login) {
    std::set<std::string> out;
    const Answer list = call(sign_in(login), "GET", "/api/v1/exercises");
    for (const auto& e : list.body["exercises"]) out.insert(e["id"]);
    return out;
  };
  EXPECT_EQ(ids("fac"), std::set<std::string>{"d1"});
  EXPECT_EQ(ids("prod"), std::set<std::string>{"d1"});
  EXPECT_EQ(ids("eva"), std::set<std::string>{"d1"}) << "org-a's evaluator reads the record";
  EXPECT_TRUE(ids("spare").empty());
  EXPECT_TRUE(ids("fab").empty());
  EXPECT_TRUE(ids("eve").empty());
  EXPECT_EQ(call(sign_in("coco"), "GET", "/api/v1/exercises").status, 403);
}

}  // namespace
}  // namespace kunren::server
