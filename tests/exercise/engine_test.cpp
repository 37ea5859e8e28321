// The exercise engine with a fake clock: the scenario clock (speed, pause,
// resume), inject delivery and ordering, "trigger now", ad-hoc injects,
// contingencies, every kind of action with its validation, the situation
// board, metrics and replay. Events are "stored" by a small in-test log that
// numbers and chains them exactly as a Store does.
#include <gtest/gtest.h>

#include <kunren/exercise/engine.hpp>
#include <kunren/model/exercise.hpp>

#include "exercise_testing.hpp"

namespace kunren::exercise {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::TestLog;
using testing::small_scenario;

class EngineTest : public ::testing::Test {
 protected:
  FakeClock clock;
  std::shared_ptr<const model::Scenario> scenario = std::make_shared<const model::Scenario>(small_scenario());
  Engine engine{scenario, clock};
  TestLog log;

  // Runs a command and stores what it produced; fails the test on error.
  std::vector<model::ExerciseEvent> ok(Result<Pending> pending) {
    EXPECT_TRUE(pending.is_ok()) << pending.status().to_string();
    if (!pending.is_ok()) return {};
    return log.store(engine, *pending);
  }
  std::vector<model::ExerciseEvent> tick() { return log.store(engine, engine.tick()); }
  std::vector<std::string> delivered_ids() const {
    std::vector<std::string> out;
    for (const auto& d : engine.state().delivered) out.push_back(d.inject);
    return out;
  }
  void start(int speed = 1) { ok(engine.control("user:fac", {{"action", "start"}, {"speed", speed}})); }
};

TEST_F(EngineTest, ClockStandsStillUntilStartedThenRunsAtSpeed) {
  clock.advance(minutes(5));
  EXPECT_EQ(engine.now_ms(), 0);
  EXPECT_TRUE(engine.tick().empty());
  start(10);
  clock.advance(seconds(6));
  EXPECT_EQ(engine.now_ms(), 60'000);  // 6 s at ×10
}

TEST_F(EngineTest, PauseStopsTheClockAndResumeContinuesFromThere) {
  start(2);
  clock.advance(seconds(30));
  ok(engine.control("user:fac", {{"action", "pause"}}));
  EXPECT_EQ(engine.now_ms(), 60'000);
  clock.advance(minutes(10));
  EXPECT_EQ(engine.now_ms(), 60'000);
  EXPECT_TRUE(engine.tick().empty());
  ok(engine.control("user:fac", {{"action", "resume"}}));
  clock.advance(seconds(1));
  EXPECT_EQ(engine.now_ms(), 62'000);
}

TEST_F(EngineTest, SpeedChangeKeepsScenarioTimeContinuous) {
  start(1);
  clock.advance(seconds(10));
  ok(engine.control("user:fac", {{"action", "speed"}, {"speed", 5}}));
  EXPECT_EQ(engine.now_ms(), 10'000);
  clock.advance(seconds(2));
  EXPECT_EQ(engine.now_ms(), 20'000);
}

TEST_F(EngineTest, RefusesControlsTheStateDoesNotAllow) {
  EXPECT_EQ(engine.control("u", {{"action", "pause"}}).status().kind(), ErrorKind::kConflict);
  EXPECT_EQ(engine.control("u", {{"action", "resume"}}).status().kind(), ErrorKind::kConflict);
  EXPECT_EQ(engine.control("u", {{"action", "end"}}).status().kind(), ErrorKind::kConflict);
  auto bad_speed = engine.control("u", {{"action", "start"}, {"speed", 3}});
  EXPECT_EQ(bad_speed.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(bad_speed.status().where().field, "speed");
  EXPECT_EQ(engine.control("u", {{"action", "explode"}}).status().where().field, "action");
  start();
  EXPECT_EQ(engine.control("u", {{"action", "start"}}).status().kind(), ErrorKind::kConflict);
  ok(engine.control("u", {{"action", "end"}}));
  EXPECT_EQ(engine.state().state, model::ExerciseState::kEnded);
  EXPECT_TRUE(engine.tick().empty());
  EXPECT_EQ(engine.act("u", "production", "note", {{"text", "late"}}).status().kind(), ErrorKind::kConflict);
}

TEST_F(EngineTest, DeliversDueInjectsInScenarioOrderOnce) {
  start(10);
  tick();
  EXPECT_EQ(delivered_ids(), (std::vector<std::string>{"INJ-1"}));  // at +00:00
  clock.advance(seconds(59));                                         // +09:50
  tick();
  EXPECT_EQ(delivered_ids().size(), 1u);
  clock.advance(seconds(31));  // +15:00: INJ-2 (+00:10) and INJ-3 (+00:15) both due
  auto events = tick();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(delivered_ids(), (std::vector<std::string>{"INJ-1", "INJ-2", "INJ-3"}));
  EXPECT_EQ(json::parse(events[0].payload)["trigger"], "schedule");
  EXPECT_TRUE(tick().empty());
  EXPECT_EQ(engine.next_due_ms(), 20 * 60'000);  // the contingency at +00:20
}

TEST_F(EngineTest, TriggerNowDeliversEarlyAndNeverTwice) {
  start();
  tick();
  ok(engine.trigger("user:fac", "INJ-3"));
  EXPECT_EQ(delivered_ids(), (std::vector<std::string>{"INJ-1", "INJ-3"}));
  EXPECT_EQ(engine.state().delivered.back().trigger, "facilitator");
  EXPECT_EQ(engine.trigger("user:fac", "INJ-3").status().kind(), ErrorKind::kConflict);
  EXPECT_EQ(engine.trigger("user:fac", "NOPE").status().kind(), ErrorKind::kNotFound);
  clock.advance(minutes(16));
  tick();
  EXPECT_EQ(delivered_ids(), (std::vector<std::string>{"INJ-1", "INJ-3", "INJ-2"}));
}

TEST_F(EngineTest, AdhocInjectsAreNumberedAndAddressed) {
  start();
  ok(engine.adhoc("user:fac", {{"title", "Fire alarm"}, {"body", "Hall B"}, {"to", {"production"}}}));
  ok(engine.adhoc("user:fac", {{"title", "Second"}, {"body", "x"}}));
  const auto& d = engine.state().delivered;
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].inject, "ADHOC-1");
  EXPECT_EQ(d[1].inject, "ADHOC-2");
  EXPECT_EQ(d[0].payload["to"], json({"production"}));
  EXPECT_EQ(engine.adhoc("u", {{"title", "x"}, {"body", "y"}, {"to", {"ghost"}}}).status().where().field, "to");
  EXPECT_EQ(engine.adhoc("u", {{"body", "y"}}).status().where().field, "title");
}

TEST_F(EngineTest, ContingencyFiresWhenTheExpectedActionIsMissing) {
  start(10);
  tick();                       // INJ-1 expects a report and a DP1 decision
  clock.advance(seconds(120));  // +20:00
  auto events = tick();
  EXPECT_EQ(engine.state().delivered.back().inject, "CONT-1");
  EXPECT_EQ(engine.state().delivered.back().trigger, "contingency");
}

TEST_F(EngineTest, ContingencyIsSkippedWhenTheExpectationsWereMet) {
  start(10);
  tick();
  ok(engine.act("user:p", "production", "report", {{"what", "HMI frozen on line 1"}}));
  ok(engine.act("user:l", "lead", "decision", {{"decision_point", "DP1"}, {"option", "cyber"}}));
  clock.advance(seconds(120));
  tick();
  EXPECT_EQ(engine.state().find_delivered("CONT-1"), nullptr);
  EXPECT_TRUE(engine.state().skipped.count("CONT-1"));
  EXPECT_EQ(json::parse(log.events.back().payload)["action"], "contingency-skipped");
}

TEST_F(EngineTest, ExpectationsMatchKindDecisionPointAndContactTarget) {
  start();
  tick();
  const auto& inj1 = engine.state().delivered.front();
  ok(engine.act("user:l", "lead", "decision", {{"decision_point", "DP2"}, {"option", "now"}}));
  auto st = engine.expectations(inj1);
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0].met_seq, 0);  // no report yet
  EXPECT_EQ(st[1].met_seq, 0);  // a DP2 decision does not meet the DP1 expectation
  ok(engine.act("user:l", "lead", "decision", {{"decision_point", "DP1"}, {"option", "cyber"}}));
  st = engine.expectations(inj1);
  EXPECT_NE(st[1].met_seq, 0);
  EXPECT_EQ(st[0].deadline_ms, 5 * 60'000);
  clock.advance(minutes(6));
  EXPECT_TRUE(st[0].overdue(engine.now_ms()));
}

TEST_F(EngineTest, ValidatesEveryActionNamingTheField) {
  start();
  auto field = [&](const std::string& role, const std::string& kind, json p) {
    auto r = engine.act("user:x", role, kind, p);
    EXPECT_FALSE(r.is_ok()) << kind << " " << p.dump();
    return r.is_ok() ? std::string("(accepted)") : r.status().where().field;
  };
  EXPECT_EQ(field("production", "report", json::object()), "what");
  EXPECT_EQ(field("production", "report", {{"what", 3}}), "what");
  EXPECT_EQ(field("production", "report", {{"what", std::string(4001, 'x')}}), "what");
  EXPECT_EQ(field("production", "decision", {{"decision_point", "DP9"}, {"option", "x"}}), "decision_point");
  EXPECT_EQ(field("lead", "decision", {{"decision_point", "DP1"}, {"option", "maybe"}}), "option");
  EXPECT_EQ(field("lead", "decision", {{"decision_point", "DP1"}, {"option", "cyber"}, {"criteria", {{{"text", "a"}}}}}),
            "criteria[0]");
  EXPECT_EQ(field("production", "contact", {{"to", "mars"}, {"summary", "x"}}), "to");
  EXPECT_EQ(field("production", "contact", {{"to", "role"}, {"summary", "x"}}), "role");
  EXPECT_EQ(field("production", "contact", {{"to", "poc"}, {"summary", "x"}, {"channel", "pigeon"}}), "channel");
  EXPECT_EQ(field("production", "evidence", {{"asset", "PLC-1"}, {"type", "dna"}}), "type");
  EXPECT_EQ(field("production", "evidence", {{"asset", "PLC-1"}, {"type", "controller-memory"}, {"file", "a.bin"},
                                            {"sha256", "abc"}}),
            "sha256");
  EXPECT_EQ(field("production", "note", {{"text", ""}}), "text");
  EXPECT_EQ(field("ghost", "note", {{"text", "x"}}), "role");
  EXPECT_EQ(field("production", "dance", {{"text", "x"}}), "kind");
  EXPECT_EQ(field("facilitator", "observation", {{"objective", "OBJ-1"}, {"rating", "Q"}}), "rating");
  EXPECT_EQ(field("facilitator", "observation", {{"objective", "OBJ-9"}, {"rating", "P"}}), "objective");
  // Only the facilitator observes; only listed roles decide.
  EXPECT_EQ(engine.act("u", "production", "observation", {{"rating", "P"}}).status().kind(), ErrorKind::kConflict);
  EXPECT_EQ(engine.act("u", "production", "decision", {{"decision_point", "DP1"}, {"option", "cyber"}}).status().kind(),
            ErrorKind::kConflict);
  EXPECT_TRUE(log.events.size() == 1);  // only the start: nothing refused was logged
}

TEST_F(EngineTest, StoredPayloadKeepsOnlyKnownFieldsCanonically) {
  start();
  auto events = ok(engine.act("user:p", "production", "report",
                              {{"what", "  odd setpoint  "}, {"line", "L1"}, {"secret", "dropped"}}));
  ASSERT_EQ(events.size(), 1u);
  const auto p = json::parse(events[0].payload);
  EXPECT_EQ(p["what"], "odd setpoint");
  EXPECT_FALSE(p.contains("secret"));
  EXPECT_EQ(events[0].payload, model::canonical_json(p));
}

TEST_F(EngineTest, BoardMergesLinksAndSetsStatusForLeadsOnly) {
  start();
  auto a = ok(engine.act("user:p", "production", "report", {{"what", "HMI frozen"}}))[0].seq;
  auto b = ok(engine.act("user:m", "maintenance", "report", {{"what", "HMI stuck on L1"}}))[0].seq;
  auto c = ok(engine.act("user:m", "maintenance", "report", {{"what", "historian gap"}}))[0].seq;
  EXPECT_EQ(engine.act("user:p", "production", "report", {{"op", "merge"}, {"report", b}, {"into", a}}).status().kind(),
            ErrorKind::kConflict);
  ok(engine.act("user:l", "lead", "report", {{"op", "merge"}, {"report", b}, {"into", a}}));
  ok(engine.act("user:f", "facilitator", "report", {{"op", "link"}, {"report", c}, {"thread", a}}));
  ok(engine.act("user:l", "lead", "report", {{"op", "status"}, {"report", a}, {"status", "confirmed"}}));
  const auto& r = engine.state().reports;
  EXPECT_EQ(r.at(b).duplicate_of, a);
  EXPECT_EQ(r.at(a).duplicates, std::vector<std::int64_t>{b});
  EXPECT_EQ(r.at(c).thread, a);
  EXPECT_EQ(r.at(a).status, "confirmed");
  // Merging into a merged report goes to the survivor; a report cannot merge twice.
  auto d = ok(engine.act("user:m", "maintenance", "report", {{"what", "HMI again"}}))[0].seq;
  ok(engine.act("user:l", "lead", "report", {{"op", "merge"}, {"report", d}, {"into", b}}));
  EXPECT_EQ(engine.state().reports.at(d).duplicate_of, a);
  EXPECT_EQ(engine.act("user:l", "lead", "report", {{"op", "merge"}, {"report", d}, {"into", c}}).status().kind(),
            ErrorKind::kConflict);
  EXPECT_EQ(engine.act("user:l", "lead", "report", {{"op", "status"}, {"report", 999}, {"status", "resolved"}})
                .status()
                .kind(),
            ErrorKind::kNotFound);
}

TEST_F(EngineTest, EvidenceCustodyHandovers) {
  start();
  auto rec = ok(engine.act("user:m", "maintenance", "evidence",
                           {{"asset", "PLC-1"}, {"type", "controller-memory"}, {"method", "vendor tool dump"},
                            {"file", "plc1.bin"}, {"sha256", std::string(64, 'A')}}))[0]
                 .seq;
  ok(engine.act("user:m", "maintenance", "evidence",
                {{"op", "handover"}, {"record", rec}, {"from", "Sato"}, {"to", "ICS-SIRT locker"}}));
  const auto& e = engine.state().evidence.at(rec);
  EXPECT_EQ(e.sha256, std::string(64, 'a'));
  ASSERT_EQ(e.custody.size(), 1u);
  EXPECT_EQ(e.custody[0].to, "ICS-SIRT locker");
}

TEST_F(EngineTest, MetricsMeasureFromTheFirstInjectAgainstTargets) {
  start(10);
  clock.advance(seconds(3));  // the first inject is delivered at +00:30
  tick();
  clock.advance(seconds(30));  // +05:30 → 5 min after the first inject
  ok(engine.act("user:p", "production", "report", {{"what", "HMI frozen"}}));
  clock.advance(seconds(60));  // +15:30 → 15 min
  ok(engine.act("user:l", "lead", "decision", {{"decision_point", "DP1"}, {"option", "cyber"}}));
  ok(engine.act("user:l", "lead", "contact", {{"to", "national-cert"}, {"summary", "consult"}}));
  auto metrics = compute_metrics(*scenario, engine.state());
  auto find = [&](const std::string& id) {
    for (const auto& m : metrics)
      if (m.id == id) return m;
    ADD_FAILURE() << id;
    return Metric{};
  };
  EXPECT_EQ(find("first_report").value_ms, 5 * 60'000);
  EXPECT_EQ(find("first_report").verdict(0), "met");  // target 10 min
  EXPECT_EQ(find("classified").value_ms, 15 * 60'000);
  EXPECT_EQ(find("classified").verdict(0), "missed");  // target 10 min
  EXPECT_EQ(find("cert_contact").value_ms, 15 * 60'000);
  EXPECT_EQ(find("cert_contact").verdict(0), "none");
  EXPECT_FALSE(find("first_evidence").value_ms);
  EXPECT_EQ(find("poc_informed").verdict(20 * 60'000), "missed");  // target 15 min passed
  EXPECT_EQ(find("poc_informed").verdict(10 * 60'000), "pending");
}

TEST_F(EngineTest, DecisionPointStatusShowsRaisedAndLatest) {
  start();
  tick();
  ok(engine.act("user:l", "lead", "decision", {{"decision_point", "DP1"}, {"option", "equipment"}}));
  ok(engine.act("user:l", "lead", "decision", {{"decision_point", "DP1"}, {"option", "cyber"}}));
  auto st = decision_point_status(*scenario, engine.state());
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0].raised_ms, 0);
  ASSERT_NE(st[0].latest, nullptr);
  EXPECT_EQ(st[0].latest->option, "cyber");
  EXPECT_EQ(st[0].decisions, 2u);
  EXPECT_EQ(st[1].raised_ms, -1);
}

TEST_F(EngineTest, ReplayRebuildsTheSamePicture) {
  start(10);
  tick();
  ok(engine.act("user:p", "production", "report", {{"what", "HMI frozen"}}));
  clock.advance(seconds(100));
  tick();
  ok(engine.control("u", {{"action", "pause"}}));
  Engine again(scenario, clock);
  ASSERT_TRUE(again.commit(log.events).is_ok());
  EXPECT_EQ(again.state().delivered.size(), engine.state().delivered.size());
  EXPECT_EQ(again.state().reports.size(), 1u);
  EXPECT_EQ(again.state().state, model::ExerciseState::kPaused);
  EXPECT_EQ(again.now_ms(), engine.now_ms());
  EXPECT_EQ(again.state().last_hash, log.events.back().hash);
  EXPECT_FALSE(model::verify_chain(log.events));
  // A log that does not follow is refused.
  Engine other(scenario, clock);
  EXPECT_EQ(other.commit({log.events[1]}).kind(), ErrorKind::kInternal);
}

TEST_F(EngineTest, ObservationsAfterTheEndAreAccepted) {
  start();
  ok(engine.control("u", {{"action", "end"}}));
  ok(engine.act("user:f", "facilitator", "observation", {{"objective", "OBJ-1"}, {"rating", "S"}, {"text", "slow"}}));
  EXPECT_EQ(engine.state().observations.size(), 1u);
}

}  // namespace
}  // namespace kunren::exercise
