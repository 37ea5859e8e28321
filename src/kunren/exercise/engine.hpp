// The exercise engine: runs one drill of one scenario. No HTTP and no store
// in here — the engine turns commands (start, pause, a participant's report,
// the clock passing an inject's time…) into events for the log, and folds
// stored events into the drill's current picture (the Projection). The log is
// the only truth: replaying an exercise's events into a fresh engine gives the
// same picture, which is how a restarted server picks a drill up again.
//
// The cycle (exercise/live.hpp does it for the server and the CLI):
//   1. a command  → Result<Pending>: the new events (not yet stored) or a
//      BadInput naming the field / a Conflict naming the state;
//   2. the caller appends Pending::events to the store in one transaction
//      (Store::append_exercise_events, with Pending::new_state);
//   3. commit(stored events) folds them into the projection.
// Between 1 and 3 the engine must not be used by anyone else (LiveExercise
// holds a mutex across the cycle).
//
// Scenario time. The clock runs at `speed` × wall time while the exercise is
// running, and stands still while planned, paused or ended. Each control
// event carries the engine clock's wall time ("clock_ms", Unix milliseconds)
// with its scenario time, so replay rebuilds the same clock whatever the
// store's timestamps say (and tests can use a FakeClock).
//
// Injects. tick() delivers every inject whose time has come, in scenario
// order, as `inject` events; an inject already delivered early ("trigger
// now") is not delivered again. A contingency inject is delivered only if
// the expectations of the inject it depends on are not all met when its own
// time comes; otherwise a `control` event {"action": "contingency-skipped"}
// records that it was not needed.
//
// Event payloads (canonical JSON objects; docs/formats.md "Exercise event
// log" lists every field):
//   control      {"action": "start"|"pause"|"resume"|"speed"|"end"|
//                 "contingency-skipped", "clock_ms", "speed", "inject", "reason"}
//   inject       {"inject", "title", "body", "to", "from", "delivery", "phase",
//                 "decision_points", "scheduled_ms", "trigger":
//                 "schedule"|"facilitator"|"contingency"|"adhoc"}
//   report       {"op": "file", "what", "line", "asset", "seen_at", "impact",
//                 "source"} | {"op": "merge", "report", "into"} |
//                 {"op": "link", "report", "thread"} |
//                 {"op": "status", "report", "status"}
//   decision     {"decision_point", "option", "rationale", "criteria":
//                 [{"text", "met"}], "information", "decided_by"}
//   contact      {"to", "role", "name", "channel", "summary", "decision_point"}
//   evidence     {"op": "record", "asset", "type", "method", "collected_by",
//                 "file", "sha256", "stored_at", "note"} |
//                 {"op": "handover", "record", "from", "to", "note"}
//   note         {"text"}
//   observation  {"objective", "rating": "P"|"S"|"M"|"U", "text"}
// Reports and evidence records are named by the seq of the event that filed
// them.
//
// Thread safety: none; one thread at a time (LiveExercise serialises).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <kunren/model/exercise.hpp>
#include <kunren/model/scenario.hpp>
#include <kunren/util/status.hpp>

namespace kunren::exercise {

using WallTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual WallTime now() const = 0;
};

class SystemClock final : public Clock {
 public:
  WallTime now() const override { return std::chrono::system_clock::now(); }
};

// For tests: time moves only when told.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(WallTime start = WallTime{} + std::chrono::hours(24 * 365 * 56)) : m_now(start) {}
  WallTime now() const override { return m_now; }
  void advance(std::chrono::milliseconds d) { m_now += d; }
  void set(WallTime t) { m_now = t; }

 private:
  WallTime m_now;
};

// Speeds the facilitator may choose.
bool valid_speed(int speed);  // 1, 2, 5 or 10

// The role name of the facilitator (not a scenario role).
inline constexpr std::string_view k_facilitator_role = "facilitator";

// --- the picture ---------------------------------------------------------------

struct DeliveredInject {
  std::string inject;            // scenario inject id, or "ADHOC-n"
  std::int64_t seq = 0;
  std::int64_t scenario_ms = 0;  // when delivered
  std::int64_t scheduled_ms = 0;
  std::string trigger;           // schedule | facilitator | contingency | adhoc
  nlohmann::json payload;        // the inject event's payload
};

struct BoardReport {
  std::int64_t id = 0;  // seq of the filing event
  std::int64_t scenario_ms = 0;
  std::string actor, role;
  std::string what, line, asset, seen_at, impact, source;
  std::string status = "unconfirmed";  // unconfirmed | confirmed | resolved
  std::int64_t duplicate_of = 0;       // a report this one was merged into (0: none)
  std::int64_t thread = 0;             // the first report of its incident thread (itself if it started one)
  std::vector<std::int64_t> duplicates;  // reports merged into this one
};

struct DecisionRecord {
  std::int64_t seq = 0;
  std::int64_t scenario_ms = 0;
  std::string actor, role;
  std::string decision_point, option, rationale, information, decided_by;
  nlohmann::json criteria = nlohmann::json::array();
};

struct ContactRecord {
  std::int64_t seq = 0;
  std::int64_t scenario_ms = 0;
  std::string actor, role;
  std::string to, to_role, name, channel, summary, decision_point;
};

struct CustodyStep {
  std::int64_t seq = 0;
  std::int64_t scenario_ms = 0;
  std::string from, to, note, actor;
};

struct EvidenceRecord {
  std::int64_t id = 0;  // seq of the filing event
  std::int64_t scenario_ms = 0;
  std::string actor, role;
  std::string asset, type, method, collected_by, file, sha256, stored_at, note;
  std::vector<CustodyStep> custody;
};

struct NoteRecord {
  std::int64_t seq = 0;
  std::int64_t scenario_ms = 0;
  std::string actor, role, text;
};

struct ObservationRecord {
  std::int64_t seq = 0;
  std::int64_t scenario_ms = 0;
  std::string actor, objective, rating, text;
};

struct Projection {
  model::ExerciseState state = model::ExerciseState::kPlanned;
  int speed = 1;
  // The clock: scenario time `anchor_ms` at wall time `anchor_clock_ms`
  // (Unix ms), advancing at `speed` while running.
  std::int64_t anchor_ms = 0;
  std::int64_t anchor_clock_ms = 0;
  std::int64_t last_seq = 0;
  std::string last_hash = std::string(model::k_genesis_hash);
  std::int64_t started_seq = 0;  // the start event (0: not started)
  std::int64_t ended_ms = -1;    // scenario time it ended (-1: not ended)

  std::vector<DeliveredInject> delivered;   // in delivery order
  std::set<std::string> done;               // inject ids delivered or skipped
  std::set<std::string> skipped;            // contingencies not needed
  int adhoc_count = 0;
  std::map<std::int64_t, BoardReport> reports;
  std::vector<DecisionRecord> decisions;
  std::vector<ContactRecord> contacts;
  std::map<std::int64_t, EvidenceRecord> evidence;
  std::vector<NoteRecord> notes;
  std::vector<ObservationRecord> observations;
  std::vector<model::ExerciseEvent> events;  // the whole log, in order

  const DeliveredInject* find_delivered(std::string_view inject) const;
  // The scenario time at wall time `clock_ms` (Unix ms).
  std::int64_t scenario_ms_at(std::int64_t clock_ms) const;
};

// What a command produced, to be stored in one transaction.
struct Pending {
  std::vector<model::NewExerciseEvent> events;
  std::optional<model::ExerciseState> new_state;
  bool empty() const { return events.empty(); }
};

// Whether the expectations after a delivered inject were met.
struct ExpectationStatus {
  const model::Expectation* expectation = nullptr;
  std::int64_t met_seq = 0;       // the first event that met it (0: not met)
  std::int64_t met_ms = -1;
  std::int64_t deadline_ms = -1;  // delivery + within (-1: none)
  bool overdue(std::int64_t now_ms) const { return met_seq == 0 && deadline_ms >= 0 && now_ms > deadline_ms; }
};

class Engine {
 public:
  Engine(std::shared_ptr<const model::Scenario> scenario, const Clock& clock);

  const model::Scenario& scenario() const { return *m_scenario; }
  std::shared_ptr<const model::Scenario> scenario_ptr() const { return m_scenario; }
  const Projection& state() const { return m_state; }
  // Scenario time now.
  std::int64_t now_ms() const;
  std::int64_t clock_ms() const;

  // Folds stored events into the projection (a replay or step 3 above).
  // Internal if an event does not follow the last one (seq) or cannot be
  // read: the log is not this engine's.
  Status commit(const std::vector<model::ExerciseEvent>& stored);

  // Facilitator controls: {"action": "start"|"pause"|"resume"|"end"} or
  // {"action": "speed", "speed": 1|2|5|10}; a start may carry "speed".
  // Conflict when the state does not allow it (e.g. pause when not running).
  Result<Pending> control(const std::string& actor, const nlohmann::json& command);
  // Delivers a scenario inject now, ahead of its time ("trigger now").
  // NotFound for an unknown inject; Conflict if already delivered or the
  // exercise is not running or paused.
  Result<Pending> trigger(const std::string& actor, const std::string& inject_id);
  // An inject the facilitator writes during the drill:
  // {"title", "body", "to": [roles] (empty: everyone), "delivery"}.
  Result<Pending> adhoc(const std::string& actor, const nlohmann::json& inject);
  // A participant's or the facilitator's action: kind ∈ report | decision |
  // contact | evidence | note | observation (observation: facilitator only).
  // BadInput naming the field for a malformed payload; Conflict unless the
  // exercise is running or paused (observations: also ended). The payload
  // stored is rebuilt from the known fields only.
  Result<Pending> act(const std::string& actor, const std::string& role, const std::string& kind,
                      const nlohmann::json& payload);
  // What the passing of time brings: due injects and contingency decisions.
  // Empty unless running.
  Pending tick();
  // The scenario time of the next inject still to come (nullopt: none).
  std::optional<std::int64_t> next_due_ms() const;

  // Expectations of a delivered inject, each with whether it was met.
  std::vector<ExpectationStatus> expectations(const DeliveredInject& delivered) const;
  // May `role` edit the board (merge, link, status)? The facilitator and
  // lead roles may.
  bool may_edit_board(std::string_view role) const;

 private:
  Result<Pending> act_report(const std::string& actor, const std::string& role, const nlohmann::json& p);
  Result<Pending> act_decision(const std::string& actor, const std::string& role, const nlohmann::json& p);
  Result<Pending> act_contact(const std::string& actor, const std::string& role, const nlohmann::json& p);
  Result<Pending> act_evidence(const std::string& actor, const std::string& role, const nlohmann::json& p);
  Status apply(const model::ExerciseEvent& event);
  model::NewExerciseEvent make(const std::string& actor, const std::string& role, model::EventKind kind,
                               const nlohmann::json& payload, std::int64_t scenario_ms) const;
  model::NewExerciseEvent inject_event(const model::Inject& inject, const std::string& trigger,
                                       const std::string& actor, std::int64_t scenario_ms) const;

  std::shared_ptr<const model::Scenario> m_scenario;
  const Clock& m_clock;
  Projection m_state;
};

// --- metrics --------------------------------------------------------------------

struct Metric {
  std::string id;  // first_report | classified | poc_informed | stop_decision |
                   // first_evidence | cert_contact | restart_decision
  model::LocalizedText label;
  std::optional<std::int64_t> value_ms;  // from the first inject; nullopt: not (yet) happened
  std::int64_t seq = 0;                  // the event that set it
  std::int64_t target_ms = 0;            // 0: no target set
  // "met" | "missed" | "pending" | "none" (no target)
  std::string verdict(std::int64_t now_ms_since_first) const;
};

// The timing metrics of a drill, in a fixed order.
std::vector<Metric> compute_metrics(const model::Scenario& scenario, const Projection& state);
// Scenario time of the first inject delivered (nullopt: none yet).
std::optional<std::int64_t> first_inject_ms(const Projection& state);

// Per decision point: when it was first brought up and decided.
struct DecisionPointStatus {
  const model::DecisionPoint* point = nullptr;
  std::int64_t raised_ms = -1;       // first inject that brought it up
  const DecisionRecord* latest = nullptr;  // the latest decision (nullptr: none)
  std::size_t decisions = 0;
  std::size_t contacts = 0;          // contacts logged for it
};
std::vector<DecisionPointStatus> decision_point_status(const model::Scenario& scenario, const Projection& state);

}  // namespace kunren::exercise
