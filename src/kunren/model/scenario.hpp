// Scenario: a drill's master scenario events list (MSEL) — the plant it is
// set in, the roles that play, the phases and objectives, the decision points
// it must reach and the injects (状況付与) that drive it, as defined by the
// scenario file format (docs/formats.md "Scenario file", §3.5 of the shared
// architecture). Reading and validation live in io/scenario_io.hpp; this is
// the validated, in-memory form the exercise engine runs.
//
// Scenario time is seconds from the start of the drill ("+01:30" = 5,400 s).
//
// Invariants once loaded (io::parse_scenario checks them):
//   - ids are unique within their kind (roles, phases, objectives, decision
//     points, injects, plant lines/zones/systems) and match [A-Za-z0-9._-]+;
//   - every role, phase, objective, decision point and inject named anywhere
//     exists; every checklist item named in `links` exists in the checklist
//     the scenario names (when that checklist is known to the loader);
//   - injects are sorted by (at, file order) after loading; times within a
//     phase may be out of order in the file;
//   - option ids are unique within their decision point.
// Thread safety: immutable after loading; share freely by const reference.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <kunren/model/text.hpp>

namespace kunren::model {

// Scenario seconds as "+HH:MM" (or "+HH:MM:SS" when seconds are not zero).
std::string format_scenario_time(std::int64_t seconds);
// Parses "+HH:MM" or "+HH:MM:SS" (the "+" optional): hours 0..99, minutes
// and seconds 0..59, two digits each (hours one or two). nullopt otherwise.
std::optional<std::int64_t> parse_scenario_time(std::string_view text);

// What participants do; the kinds of participant events in the log.
enum class ActionKind { kReport, kDecision, kContact, kEvidence, kNote };
const char* to_string(ActionKind k);  // "report" | "decision" | "contact" | "evidence" | "note"
std::optional<ActionKind> parse_action_kind(std::string_view s);

enum class DecisionKind {
  kClassify, kEscalate, kStop, kContinue, kContain, kEvidence, kExternal, kHealth, kRestart, kDisclose
};
const char* to_string(DecisionKind k);  // "classify" | "escalate" | … | "disclose"
std::optional<DecisionKind> parse_decision_kind(std::string_view s);

enum class Delivery { kPhone, kMail, kAlarm, kVerbal, kSystem };
const char* to_string(Delivery d);  // "phone" | "mail" | "alarm" | "verbal" | "system"
std::optional<Delivery> parse_delivery(std::string_view s);

// Whom a contact event reaches. "role" = another drill role (then
// Contact::role names it); the others are outside the team.
// kinds: role | poc | vendor | national-cert | authority | police | customer |
// security-firm | other
std::optional<std::string> normalize_contact_target(std::string_view s);
const std::vector<std::string>& contact_targets();

struct PlantLine {
  std::string id;
  LocalizedText name;
};
struct PlantZone {
  std::string id;
  LocalizedText name;
  std::string level;  // free text such as "IT", "DMZ", "OT L2", "SIS"
};
struct PlantSystem {
  std::string id;
  std::string kind;  // DCS | SCADA | PLC | HMI | EWS | historian | SIS | MES | ERP | network | server | other
  LocalizedText name;
  std::string zone;  // PlantZone::id (may be empty)
  std::string line;  // PlantLine::id (may be empty)
};
struct Plant {
  LocalizedText name;
  LocalizedText description;  // may be empty
  std::vector<PlantLine> lines;
  std::vector<PlantZone> zones;
  std::vector<PlantSystem> systems;
};

struct ScenarioRole {
  std::string id;
  LocalizedText title;
  LocalizedText description;  // may be empty
  // May merge and link reports and set their status on the situation board
  // (the team lead; the facilitator always may).
  bool lead = false;
};

struct ScenarioPhase {
  std::string id;
  LocalizedText title;
  std::string section;  // the checklist section this phase exercises (may be empty)
};

struct Objective {
  std::string id;
  LocalizedText title;
  std::vector<std::string> links;  // checklist item ids
};

struct DecisionOption {
  std::string id;
  LocalizedText label;
};

struct DecisionPoint {
  std::string id;  // DP1 … DP10 in the built-in scenario
  DecisionKind kind = DecisionKind::kClassify;
  LocalizedText prompt;
  std::vector<DecisionOption> options;  // at least two
  std::vector<std::string> roles;       // who may decide (role ids); empty = any role
  std::string objective;                // Objective::id (may be empty)
  std::vector<std::string> links;       // checklist item ids
};

// An action the scenario expects after an inject. Matching (exercise engine):
// an event of `kind`, logged at or after the inject's delivery; for a
// decision, at `decision_point` when set; for a contact, to `contact` when
// set (a contact target); by `role` when set.
struct Expectation {
  ActionKind kind = ActionKind::kNote;
  std::string decision_point;  // for kDecision: DecisionPoint::id (may be empty)
  std::string contact;         // for kContact: a contact target (may be empty)
  std::string role;            // who should act (may be empty = anyone)
  LocalizedText text;          // what a good response looks like, for the facilitator
  std::int64_t within = 0;     // seconds after delivery; 0 = no deadline
};

// A contingency inject fires only when the expectations of inject `unless`
// are not all met by scenario time `at` of the contingency itself.
struct Contingency {
  std::string unless;  // Inject::id of the inject whose expectations are checked
};

struct Inject {
  std::string id;
  std::int64_t at = 0;  // scenario seconds
  std::string phase;    // ScenarioPhase::id
  std::string from;     // free text: who the message appears to come from (a role id or e.g. "vendor")
  std::vector<std::string> to;  // role ids; empty = everyone (a broadcast)
  LocalizedText title;
  LocalizedText body;
  Delivery delivery = Delivery::kVerbal;
  std::vector<Expectation> expects;
  std::vector<std::string> links;            // checklist item ids
  std::vector<std::string> decision_points;  // DecisionPoint ids this inject brings up
  std::optional<Contingency> contingency;
  LocalizedText notes;  // for the facilitator only (may be empty)
  bool broadcast() const { return to.empty(); }
};

// Targets for the timing metrics, in scenario seconds from the first inject;
// 0 = none set. Keys as in exercise::Metric ids.
struct Targets {
  std::int64_t first_report = 0;
  std::int64_t classified = 0;       // DP1 decided
  std::int64_t poc_informed = 0;     // a contact to the PoC
  std::int64_t stop_decision = 0;    // DP of kind stop or continue decided
  std::int64_t first_evidence = 0;
  std::int64_t cert_contact = 0;     // a contact to the national CERT
  std::int64_t restart_decision = 0;
};

class Scenario {
 public:
  std::string id;
  std::string version;
  LocalizedText title;
  LocalizedText narrative;
  std::string checklist;          // checklist id the links refer to (e.g. "factory-ir"); may be empty
  std::int64_t duration = 0;      // planned length in scenario seconds; 0 = until the last inject
  Plant plant;
  std::vector<ScenarioRole> roles;
  std::vector<ScenarioPhase> phases;
  std::vector<Objective> objectives;
  std::vector<DecisionPoint> decision_points;
  std::vector<Inject> injects;    // sorted by (at, file order)
  Targets targets;

  // Rebuilds the lookup indexes; call after filling the vectors.
  void reindex();
  const ScenarioRole* find_role(std::string_view id) const;
  const ScenarioPhase* find_phase(std::string_view id) const;
  const Objective* find_objective(std::string_view id) const;
  const DecisionPoint* find_decision_point(std::string_view id) const;
  const Inject* find_inject(std::string_view id) const;
  // True if `role` receives `inject` (a broadcast, or addressed to it).
  static bool addressed_to(const Inject& inject, std::string_view role);

 private:
  std::unordered_map<std::string, std::size_t> m_roles, m_phases, m_objectives, m_dps, m_injects;
};

}  // namespace kunren::model
