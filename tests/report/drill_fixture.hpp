// Shared by the after-action report, CERT draft and trend tests: one whole
// drill played through the engine with a fake clock (so every event is what
// the engine really writes), and the organisation's records around it.
//
// The drill (scenario time, speed ×10): INJ-1 at +00:00; reports at +00:04
// (HMI) and +00:05 (PLC, merged into the first, which the lead confirms);
// DP1 "cyber" at +00:06 with one of two criteria met; the PoC informed at
// +00:08; INJ-2 at +00:10 raises DP3; DP3 "stop" at +00:12; evidence at
// +00:14 (process state, file and hash, one handover) and +00:16 (a config
// image with neither file nor hash); the rest of the injects until +00:40;
// end at +00:42; then the facilitator rates OBJ-1 P and OBJ-2 M. No contact
// with the national CERT ever: cert_contact is missed.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include <kunren/exercise/engine.hpp>
#include <kunren/model/preparedness.hpp>

#include "../exercise/exercise_testing.hpp"

namespace kunren::report::testing {

// small_scenario() plus DP3 (stop, objective OBJ-2), DP7 (external,
// objective OBJ-2) and OBJ-2; INJ-2 raises DP3. Targets: first report,
// classification and stop decision 10 min, PoC 15 min, CERT 30 min.
inline model::Scenario drill_scenario() {
  using model::LocalizedText;
  model::Scenario s = exercise::testing::small_scenario();
  s.objectives[0].title = LocalizedText{{"ja", "事象を素早く判別する"}, {"en", "Classify the event quickly"}};
  s.objectives.push_back({"OBJ-2", LocalizedText{{"ja", "生産への影響を判断する"}, {"en", "Decide on production"}},
                          {"IMP-P4-01"}});
  s.decision_points[0].objective = "OBJ-1";
  s.decision_points[0].prompt = LocalizedText{{"ja", "設備故障かサイバー攻撃か"}, {"en", "Equipment fault or cyber attack?"}};
  s.decision_points[0].options = {{"equipment", LocalizedText{{"ja", "設備故障"}, {"en", "Equipment fault"}}},
                                  {"cyber", LocalizedText{{"ja", "サイバー攻撃"}, {"en", "Cyber attack"}}}};
  s.decision_points[1].objective = "OBJ-1";
  model::DecisionPoint dp3;
  dp3.id = "DP3";
  dp3.kind = model::DecisionKind::kStop;
  dp3.prompt = LocalizedText{{"ja", "生産を止めるか"}, {"en", "Stop production?"}};
  dp3.options = {{"stop", LocalizedText{{"ja", "停止する"}, {"en", "Stop"}}},
                 {"continue", LocalizedText{{"ja", "継続する"}, {"en", "Continue"}}}};
  dp3.objective = "OBJ-2";
  dp3.links = {"IMP-P4-01"};
  model::DecisionPoint dp7;
  dp7.id = "DP7";
  dp7.kind = model::DecisionKind::kExternal;
  dp7.prompt = LocalizedText{{"ja", "外部に相談するか"}, {"en", "Consult outside?"}};
  dp7.options = {{"cert", LocalizedText("CERT")}, {"none", LocalizedText("None")}};
  dp7.objective = "OBJ-2";
  s.decision_points.push_back(dp3);
  s.decision_points.push_back(dp7);
  for (auto& i : s.injects)
    if (i.id == "INJ-2") i.decision_points = {"DP3"};
  s.roles[0].title = LocalizedText{{"ja", "対策本部長"}, {"en", "Incident lead"}};
  s.roles[1].title = LocalizedText{{"ja", "生産部門"}, {"en", "Production"}};
  s.roles[2].title = LocalizedText{{"ja", "設備保全"}, {"en", "Maintenance"}};
  s.targets.stop_decision = 600;
  s.targets.cert_contact = 1800;
  s.reindex();
  return s;
}

// An engine, its clock and log; the drill is played by play().
class Drill {
 public:
  explicit Drill(model::Scenario s = drill_scenario())
      : scenario(std::make_shared<const model::Scenario>(std::move(s))), engine(scenario, clock) {}
  Drill(const Drill&) = delete;
  Drill& operator=(const Drill&) = delete;

  exercise::FakeClock clock;
  std::shared_ptr<const model::Scenario> scenario;
  exercise::Engine engine;
  exercise::testing::TestLog log;

  std::int64_t ok(Result<exercise::Pending> pending) {
    EXPECT_TRUE(pending.is_ok()) << pending.status().to_string();
    if (!pending.is_ok()) return 0;
    auto stored = log.store(engine, *pending);
    return stored.empty() ? 0 : stored.front().seq;
  }
  // Moves the scenario clock to `minutes` (speed ×10) and delivers what is due.
  void at(int minutes) {
    const std::int64_t target_ms = std::int64_t{minutes} * 60'000;
    const std::int64_t now = engine.now_ms();
    if (target_ms > now) clock.advance(std::chrono::milliseconds((target_ms - now) / 10));
    log.store(engine, engine.tick());
  }
  const exercise::Projection& state() const { return engine.state(); }

  // Plays the whole drill described at the top of this file.
  void play() {
    using nlohmann::json;
    ok(engine.control("user:fac", {{"action", "start"}, {"speed", 10}}));
    at(0);
    at(4);
    const auto a = ok(engine.act("user:prod", "production", "report",
                                 {{"what", "HMI 画面が固まり操作できない"}, {"line", "L1"}, {"asset", "HMI-1"},
                                  {"impact", "L1 の監視ができない"}}));
    at(5);
    const auto b = ok(engine.act("user:mnt", "maintenance", "report", {{"what", "PLC との通信が途切れる"}, {"asset", "PLC-1"}}));
    ok(engine.act("user:lead", "lead", "report", {{"op", "merge"}, {"report", b}, {"into", a}}));
    ok(engine.act("user:lead", "lead", "report", {{"op", "status"}, {"report", a}, {"status", "confirmed"}}));
    at(6);
    ok(engine.act("user:lead", "lead", "decision",
                  {{"decision_point", "DP1"},
                   {"option", "cyber"},
                   {"rationale", "脅迫文が表示された"},
                   {"criteria", json::array({{{"text", "不審な画面表示がある"}, {"met", true}},
                                             {{"text", "複数の端末で同時に起きている"}, {"met", false}}})}}));
    at(8);
    ok(engine.act("user:lead", "lead", "contact", {{"to", "poc"}, {"summary", "第一報"}, {"channel", "phone"}}));
    at(10);
    at(12);
    ok(engine.act("user:lead", "lead", "decision",
                  {{"decision_point", "DP3"},
                   {"option", "stop"},
                   {"rationale", "安全を優先する"},
                   {"criteria", json::array({{{"text", "安全計装に異常の疑い"}, {"met", true}}})}}));
    at(14);
    const auto ev = ok(engine.act("user:mnt", "maintenance", "evidence",
                                  {{"asset", "HMI-1"},
                                   {"type", "process-state"},
                                   {"method", "ヒストリアンから CSV 出力"},
                                   {"collected_by", "佐藤"},
                                   {"file", "hmi1-trend.csv"},
                                   {"sha256", std::string(64, 'a')},
                                   {"stored_at", "保全課ロッカー"}}));
    ok(engine.act("user:mnt", "maintenance", "evidence",
                  {{"op", "handover"}, {"record", ev}, {"from", "佐藤"}, {"to", "ICS-SIRT 鈴木"}}));
    at(16);
    ok(engine.act("user:mnt", "maintenance", "evidence", {{"asset", "SW-1"}, {"type", "config-image"}}));
    at(40);
    at(42);
    ok(engine.control("user:fac", {{"action", "end"}}));
    ok(engine.act("user:fac", "facilitator", "observation",
                  {{"objective", "OBJ-1"}, {"rating", "P"}, {"text", "判別は速く的確だった"}}));
    ok(engine.act("user:fac", "facilitator", "observation",
                  {{"objective", "OBJ-2"}, {"rating", "M"}, {"text", "停止の判断基準が共有されていなかった"}}));
  }
};

inline model::PocSheet full_poc_sheet() {
  model::PocSheet p;
  p.reporter = {"山田 太郎", "サンプル化学株式会社", "生産技術部", "poc@example.jp", "03-0000-0000"};
  p.industry = "化学";
  p.plant = "第一工場 ライン1";
  p.systems = {{"PLC", "VendorA", "PLC-X", "3.2", "OT L1（制御 LAN）", "ライン1"},
               {"HMI", "VendorB", "HMI-Pro", "10", "OT L2", "ライン1"}};
  p.components = {{"os", "Windows 10 IoT", "21H2"}, {"hardware", "産業用 PC", "IPC-200"}};
  p.timekeeping = "JST、NTP 同期（±1 秒）";
  return p;
}

}  // namespace kunren::report::testing
