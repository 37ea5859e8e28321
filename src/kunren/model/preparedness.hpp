// Preparedness records of one organisation (DOMAIN.md §§3, 6–10): what a
// plant sets up in daily work so that a drill — and a real incident — has
// something to follow. Six kinds of document, each kept in the store as
// revisions of a canonical JSON object (store::OrgDocument):
//
//   contact-tree       連絡網: people and outside organisations, primary and
//                      backup, channels, escalation order, "last confirmed"
//   criteria           判断基準: per decision point (DP3 stop, DP4 continue,
//                      DP9 restart, any other) the conditions and who decides
//   evidence-plan      証拠保全計画: per evidence type of the OT catalogue
//                      (most volatile first) what, how, who, where
//   restart-checklist  再稼働チェックリスト: steps in dependency order
//                      (DOMAIN.md §9), the minimum production, the approver
//   poc-sheet          窓口情報シート: the reporter and the three information
//                      groups the PoC collects for an ICS incident report
//   improvement-plan   改善計画: issues, corrective actions, owners, dates,
//                      status; carried from drill to drill
//
// Each kind has a struct, a reader from JSON (`parse_*`) that checks every
// field and names it on error (BadInput, Location::field = a JSON path such
// as "entries[2].last_confirmed"), a writer to JSON (`to_json`, the
// canonical form the store keeps: fixed key order, empty optional fields
// left out), and a starting template (`template_*`) for an organisation that
// has none yet. parse(to_json(x)) == x for every valid x.
//
// Dates are "YYYY-MM-DD". Texts are free UTF-8 (the readers reject control
// characters except newline in notes). Ids are [A-Za-z0-9._-]+.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <kunren/util/status.hpp>

namespace kunren::model {

enum class PrepKind { kContactTree, kCriteria, kEvidencePlan, kRestartChecklist, kPocSheet, kImprovementPlan };
// "contact-tree" | "criteria" | "evidence-plan" | "restart-checklist" | "poc-sheet" | "improvement-plan"
const char* to_string(PrepKind k);
std::optional<PrepKind> parse_prep_kind(std::string_view s);
const std::vector<PrepKind>& all_prep_kinds();  // in the order above

// --- contact tree --------------------------------------------------------------

struct ContactChannel {
  std::string kind;   // phone | mobile | email | radio | chat | fax | other
  std::string value;  // the number, address, channel name
  std::string note;   // e.g. "夜間・休日" (may be empty)
  bool operator==(const ContactChannel&) const = default;
};

struct ContactEntry {
  std::string id;            // unique in the tree
  std::string name;          // a person, a desk or an outside organisation
  // What the entry is in a response: a scenario role id (plant-manager,
  // sirt, production, maintenance, it, poc, management, …) or a contact
  // target (model::contact_targets(): national-cert, vendor, …) or free text.
  std::string function;
  bool external = false;     // an outside organisation (CERT, vendor, police…)
  std::string organisation;  // department, or the outside organisation's name
  std::vector<ContactChannel> channels;  // at least one
  std::string backup;        // id of the entry that stands in (empty: none)
  int escalation = 0;        // order in which to reach them, 1 = first; 0 = not in the order
  std::string last_confirmed;  // "YYYY-MM-DD" when the details were last checked (empty: never)
  std::string notes;
  bool operator==(const ContactEntry&) const = default;
};

struct ContactTree {
  std::vector<ContactEntry> entries;  // in the order given
  int stale_after_days = 180;         // an entry not confirmed for longer is stale
  bool operator==(const ContactTree&) const = default;
};

// Entries whose last_confirmed is empty or older than stale_after_days
// before `today` ("YYYY-MM-DD"), in tree order.
std::vector<const ContactEntry*> stale_entries(const ContactTree& tree, std::string_view today);
// The entries with escalation > 0, by escalation then tree order.
std::vector<const ContactEntry*> escalation_order(const ContactTree& tree);
const ContactEntry* find_entry(const ContactTree& tree, std::string_view id);

// --- decision criteria ---------------------------------------------------------

struct DecisionCriterion {
  std::string decision_point;           // "DP3", … (unique in the document)
  std::string who;                      // who may decide (a person or a post)
  std::string deputy;                   // who decides when they cannot (may be empty)
  std::vector<std::string> conditions;  // the organisation's own conditions, at least one
  std::string notes;
  bool operator==(const DecisionCriterion&) const = default;
};

struct DecisionCriteria {
  std::vector<DecisionCriterion> points;  // in the order given
  bool operator==(const DecisionCriteria&) const = default;
};

const DecisionCriterion* find_criterion(const DecisionCriteria& criteria, std::string_view decision_point);
// The form an exercise keeps (store::ExerciseRecord::criteria):
// {"DP3": {"who": "…", "conditions": ["…"]}, …}.
nlohmann::json exercise_criteria_json(const DecisionCriteria& criteria);

// --- evidence plan -------------------------------------------------------------

struct EvidencePlanRow {
  std::string type;        // model::evidence_catalogue() id (unique in the plan)
  std::string assets;      // which assets, e.g. "PLC-1〜3, SIS"
  std::string what;        // what to keep
  std::string method;      // how to collect it
  std::string who;         // who collects it
  std::string without_stopping;  // how to collect it while production runs (may be empty)
  std::string stored_at;   // where it is kept
  std::string notes;
  bool operator==(const EvidencePlanRow&) const = default;
};

struct EvidencePlan {
  std::vector<EvidencePlanRow> rows;  // kept in catalogue order (most volatile first) by parse and to_json
  bool operator==(const EvidencePlan&) const = default;
};

// --- restart readiness ---------------------------------------------------------

struct RestartStep {
  std::string id;      // unique in the checklist
  // network-controls | access-control | plc-logic | hmi | scada | historian |
  // mes-erp | baseline | backup | second-opinion | monitoring | approval | other
  std::string stage;
  std::string text;    // what must hold before restart
  std::string owner;   // who checks it (may be empty)
  bool required = true;
  bool operator==(const RestartStep&) const = default;
};

struct RestartChecklist {
  std::vector<RestartStep> steps;   // in dependency order as given
  std::string minimum_production;   // what production restarts first, e.g. "ライン1 試運転 50%"
  std::string approver;             // who approves the restart
  bool operator==(const RestartChecklist&) const = default;
};

// --- PoC information sheet -----------------------------------------------------

struct PocReporter {
  std::string name, organisation, department, email, phone;
  bool operator==(const PocReporter&) const = default;
};

struct PocSystem {      // group 1: the affected control systems the PoC must be able to describe
  std::string type;     // DCS | SCADA | PLC | HMI | EWS | historian | SIS | MES | other
  std::string vendor, product, version;
  std::string placement;  // network placement, e.g. "OT L2, behind the DMZ firewall"
  std::string line;       // plant / line
  bool operator==(const PocSystem&) const = default;
};

struct PocComponent {   // group 2: related OS, software and hardware
  std::string kind;     // os | software | hardware
  std::string name, version;
  bool operator==(const PocComponent&) const = default;
};

struct PocSheet {
  PocReporter reporter;   // the PoC who reports
  PocReporter deputy;     // the stand-in (may be all empty)
  std::string industry;   // for the report's "industry" field
  std::string plant;      // plant / site name
  std::vector<PocSystem> systems;        // group 1
  std::vector<PocComponent> components;  // group 2
  // Group 3 (when, what, which files) comes from the drill or incident
  // itself; the sheet says how the PoC collects it.
  std::string timekeeping;  // time zone and clock accuracy, e.g. "JST, NTP 同期 (±1 s)"
  std::string collection;   // how reports reach the PoC (channels, form)
  // CERT report field ids (report/cert_draft) the organisation does not
  // disclose: they are marked "withheld" in every draft.
  std::vector<std::string> withhold;
  bool operator==(const PocSheet&) const = default;
};

// --- improvement plan ----------------------------------------------------------

struct PlanItem {
  std::string id;          // "IP-001", unique in the plan
  std::string issue;       // what went wrong or was missing
  std::string action;      // the corrective action
  std::string element;     // planning | organisation | equipment | training | exercises
  std::string objective;   // scenario objective id it came from (may be empty)
  std::string item;        // checklist item id it concerns (may be empty)
  std::string owner_org;   // responsible organisation / department
  std::string owner;       // responsible person
  std::string start;       // "YYYY-MM-DD" or empty
  std::string due;         // "YYYY-MM-DD" or empty
  std::string status = "open";  // open | in-progress | done | dropped
  std::string completed;   // "YYYY-MM-DD" when done (empty otherwise)
  std::string source_exercise;  // the drill that raised it (may be empty)
  std::vector<std::int64_t> source_events;  // event seqs in that drill's log
  std::string checked_in;  // the later drill in which it was checked again (may be empty)
  std::string notes;
  bool operator==(const PlanItem&) const = default;
};

struct ImprovementPlan {
  std::vector<PlanItem> items;  // in the order given
  bool operator==(const ImprovementPlan&) const = default;
};

// Open or in-progress with a due date before `today`.
bool overdue(const PlanItem& item, std::string_view today);
// The next free "IP-nnn" id.
std::string next_plan_item_id(const ImprovementPlan& plan);

// --- JSON ------------------------------------------------------------------------

Result<ContactTree> parse_contact_tree(const nlohmann::json& j);
Result<DecisionCriteria> parse_decision_criteria(const nlohmann::json& j);
Result<EvidencePlan> parse_evidence_plan(const nlohmann::json& j);
Result<RestartChecklist> parse_restart_checklist(const nlohmann::json& j);
Result<PocSheet> parse_poc_sheet(const nlohmann::json& j);
Result<ImprovementPlan> parse_improvement_plan(const nlohmann::json& j);

nlohmann::json to_json(const ContactTree& x);
nlohmann::json to_json(const DecisionCriteria& x);
nlohmann::json to_json(const EvidencePlan& x);
nlohmann::json to_json(const RestartChecklist& x);
nlohmann::json to_json(const PocSheet& x);
nlohmann::json to_json(const ImprovementPlan& x);

// Any kind: checks `j` with that kind's reader and returns its canonical
// JSON (what the store keeps). BadInput naming the field otherwise.
Result<nlohmann::json> canonical_prep_document(PrepKind kind, const nlohmann::json& j);

// Starting points in `lang` ("ja" or "en"): the usual internal posts and
// outside organisations (no phone numbers: the organisation fills them in),
// DP3/DP4/DP9 with typical conditions, every evidence type in catalogue
// order, the restart steps of DOMAIN.md §9, an empty PoC sheet, an empty plan.
nlohmann::json prep_template(PrepKind kind, std::string_view lang);

// True for "YYYY-MM-DD" naming a real date.
bool valid_date(std::string_view s);

}  // namespace kunren::model
