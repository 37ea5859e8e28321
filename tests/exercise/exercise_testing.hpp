// Shared by the exercise tests: a small scenario built in code, and a log
// that stores an engine's pending events the way a Store does (numbering,
// chaining), so engine tests need no database.
#pragma once

#include <gtest/gtest.h>

#include <kunren/exercise/engine.hpp>
#include <kunren/model/exercise.hpp>
#include <kunren/model/scenario.hpp>

namespace kunren::exercise::testing {

// Roles lead (team lead), production, maintenance; DP1 classify (lead only),
// DP2 escalate; injects INJ-1 +00:00 (to everyone, expects a report within 5
// minutes and a DP1 decision), INJ-2 +00:10 (to production), INJ-3 +00:15
// (to maintenance, raises DP2), CONT-1 +00:20 (contingency unless INJ-1),
// INJ-4 +00:40. Targets: first report 10 min, classified 10 min, PoC 15 min.
inline model::Scenario small_scenario() {
  using model::LocalizedText;
  model::Scenario s;
  s.id = "small";
  s.version = "1";
  s.title = LocalizedText{{"ja", "小さな訓練"}, {"en", "Small drill"}};
  s.narrative = LocalizedText{{"ja", "試験用の短い筋書き"}, {"en", "A short story for tests"}};
  s.plant.name = LocalizedText{{"ja", "試験工場"}, {"en", "Test plant"}};
  s.roles = {{"lead", LocalizedText("Lead"), {}, true},
             {"production", LocalizedText("Production"), {}, false},
             {"maintenance", LocalizedText("Maintenance"), {}, false}};
  s.phases = {{"detect", LocalizedText("Detect"), "p2-detect"}};
  s.objectives = {{"OBJ-1", LocalizedText("Classify quickly"), {"IMP-P2-01"}}};
  model::DecisionPoint dp1;
  dp1.id = "DP1";
  dp1.kind = model::DecisionKind::kClassify;
  dp1.prompt = LocalizedText("Equipment or cyber?");
  dp1.options = {{"equipment", LocalizedText("Equipment")}, {"cyber", LocalizedText("Cyber")}};
  dp1.roles = {"lead"};
  model::DecisionPoint dp2;
  dp2.id = "DP2";
  dp2.kind = model::DecisionKind::kEscalate;
  dp2.prompt = LocalizedText("Escalate now?");
  dp2.options = {{"now", LocalizedText("Now")}, {"later", LocalizedText("Later")}};
  s.decision_points = {dp1, dp2};
  auto inject = [](std::string id, std::int64_t at, std::vector<std::string> to) {
    model::Inject i;
    i.id = std::move(id);
    i.at = at;
    i.phase = "detect";
    i.to = std::move(to);
    i.title = LocalizedText{{"ja", i.id + " 件名"}, {"en", i.id + " title"}};
    i.body = LocalizedText{{"ja", "本文"}, {"en", "Body"}};
    return i;
  };
  auto i1 = inject("INJ-1", 0, {});
  i1.decision_points = {"DP1"};
  model::Expectation report;
  report.kind = model::ActionKind::kReport;
  report.within = 300;
  model::Expectation decide;
  decide.kind = model::ActionKind::kDecision;
  decide.decision_point = "DP1";
  i1.expects = {report, decide};
  auto i3 = inject("INJ-3", 900, {"maintenance"});
  i3.decision_points = {"DP2"};
  auto c1 = inject("CONT-1", 1200, {"lead"});
  c1.contingency = model::Contingency{"INJ-1"};
  // Out of order on purpose: reindex() sorts by time.
  s.injects = {inject("INJ-4", 2400, {}), i1, inject("INJ-2", 600, {"production"}), i3, c1};
  s.targets.first_report = 600;
  s.targets.classified = 600;
  s.targets.poc_informed = 900;
  s.reindex();
  return s;
}

// Numbers and chains events as a Store would, then commits them.
struct TestLog {
  std::vector<model::ExerciseEvent> events;
  std::int64_t micros = 0;

  std::vector<model::ExerciseEvent> store(Engine& engine, const Pending& pending) {
    std::vector<model::ExerciseEvent> stored;
    for (const auto& n : pending.events) {
      model::ExerciseEvent e;
      e.seq = static_cast<std::int64_t>(events.size()) + 1;
      e.at = "2026-11-26T10:00:00." + std::to_string(100000 + ++micros) + "Z";
      e.scenario_ms = n.scenario_ms;
      e.actor = n.actor;
      e.role = n.role;
      e.kind = n.kind;
      e.payload = n.payload;
      e.prev_hash = events.empty() ? std::string(model::k_genesis_hash) : events.back().hash;
      e.hash = model::event_hash(e.prev_hash, e);
      events.push_back(e);
      stored.push_back(e);
    }
    auto status = engine.commit(stored);
    EXPECT_TRUE(status.is_ok()) << status.to_string();
    return stored;
  }
};

}  // namespace kunren::exercise::testing
