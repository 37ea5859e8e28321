// Evidence-linked evaluation: after a drill, proposed answers for the
// checklist items the drill exercised, each citing the log events that
// support it, and the contradictions between an organisation's submitted
// self-evaluation and what its drill showed.
//
// Which items a drill exercised: the checklist item ids linked from the
// scenario's injects, decision points and objectives. How each item is
// judged: a rule from a rules file (data/rules/<checklist>.yaml, built in;
// docs/formats.md "Proposal rules"). A rule names a type and its
// parameters; the types:
//
//   decision     a decision on decision point `decision_point` (or any of
//                kind `decision_kind`): good if decided within the target
//                (`within`, or the scenario's metric target) with a
//                rationale; partial if late or without a rationale; poor if
//                the point was raised and never decided
//   criteria     the decisions on `decision_points` ticked at least one of
//                the organisation's criteria: good if all did; partial if
//                some; poor if none did or no criteria were set
//   contact      a contact to `target` (a contact target such as
//                national-cert, vendor, poc): good within `within` seconds
//                of the first inject that raised `decision_point` (or of the
//                drill's first inject), partial if later, poor if none — the
//                citation then names the decision point that passed without it
//   report       situation-board use: good if `min_reports` reports were
//                filed and at least one was merged, linked or confirmed;
//                partial if reports were filed but never sorted; poor if none
//   evidence     evidence records: good if every record has asset, method,
//                collector, SHA-256, storage and a custody step where
//                `require` lists them; partial if some do; poor if none
//                were filed; `types` optionally limits the evidence types
//   metric       a timing metric (exercise::compute_metrics id): good if met,
//                partial if late, poor if it never happened
//   observation  the facilitator's P/S/M/U rating of `objective` (the
//                latest): P → good, S → partial, M and U → poor
//   prepared     a preparedness record of the organisation (`record`, a
//                model::PrepKind name) exists and is complete enough
//                (`min_entries`; for contact-tree, none stale): good / partial
//                (exists but stale or short) / poor (none)
//
// A proposal's choice is the item's first choice of the proposed level
// (model::Level); an item with no choice of that level, or whose rule found
// nothing to go on (e.g. the decision point was never raised), gets no
// choice and says why: the evaluator decides. Items the drill exercised but
// the rules file does not name fall back to the `observation` rule of the
// objectives linking them, if any were rated, else no proposal.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <kunren/exercise/engine.hpp>
#include <kunren/model/checklist.hpp>
#include <kunren/model/scenario.hpp>
#include <kunren/model/text.hpp>
#include <kunren/util/status.hpp>

namespace kunren::exercise {

// One rule of the rules file, as read.
struct ProposalRule {
  std::string item;        // checklist item id
  std::string type;        // decision | criteria | contact | report | evidence | metric | observation | prepared
  nlohmann::json params;   // the rule's other keys, checked by the reader per type
};

struct ProposalRules {
  std::string checklist;   // checklist id the items belong to
  std::vector<ProposalRule> rules;  // at most one per item
  const ProposalRule* find(std::string_view item) const;
};

// Reads a rules file (YAML or JSON); every error names file:line:column and
// the field. `checklist`, when given, is used to check the item ids.
Result<ProposalRules> parse_proposal_rules(std::string_view text, const std::string& filename,
                                           const model::Checklist* checklist = nullptr);
// The built-in rules for a checklist id (data/rules/<id>.yaml); NotFound
// when there are none.
Result<ProposalRules> builtin_proposal_rules(std::string_view checklist_id);

// An event of the drill's log that supports a proposal.
struct Citation {
  std::int64_t seq = 0;          // 0: nothing happened (see `text`)
  std::int64_t scenario_ms = 0;
  model::LocalizedText text;     // e.g. "+00:42 DP3 生産停止: 停止 (plant-manager)"
};

struct Proposal {
  std::string item;                  // checklist item id
  std::string rule;                  // the rule type applied ("observation" for the fallback)
  std::optional<model::Level> level; // nullopt: no proposal
  std::uint8_t choice = 0;           // 1..k; 0 with no proposal
  model::LocalizedText reason;       // one sentence: why this level (or why none)
  std::vector<Citation> citations;   // in log order
  std::vector<std::string> sources;  // "inject:I-07", "decision_point:DP7", "objective:OBJ-2"
};

// What the organisation had prepared when the proposals were made: the
// latest preparedness records present (kind name → canonical JSON), for the
// `prepared` and `criteria` rules, and `today` for staleness.
struct PreparedContext {
  std::map<std::string, nlohmann::json> records;
  std::string today;  // "YYYY-MM-DD"
};

struct ProposalSet {
  std::string exercise;               // exercise id
  std::string checklist_id, checklist_version;
  std::vector<Proposal> proposals;    // one per exercised item, in checklist order
  const Proposal* find(std::string_view item) const;
};

// The proposals for a drill. `state` is the projection of its whole log
// (normally of an ended drill); `criteria` the exercise's criteria JSON
// (store::ExerciseRecord::criteria, parsed; may be null).
ProposalSet propose(const std::string& exercise_id, const model::Scenario& scenario, const Projection& state,
                    const model::Checklist& checklist, const ProposalRules& rules,
                    const nlohmann::json& criteria, const PreparedContext& prepared);

// The link an accepted proposal leaves on the answer (store::Answer::evidence
// holds an array of these): {"exercise", "rule", "proposed" (choice or 0),
// "events": [seq…]}.
nlohmann::json evidence_link(const ProposalSet& set, const Proposal& proposal);

// Where a submitted self-evaluation claims more than the drill showed: the
// answer's level is good (or partial) and the proposal's is poor (or, for a
// good answer, partial: severity "minor").
struct Contradiction {
  std::string item;
  std::uint8_t claimed_choice = 0;
  model::Level claimed = model::Level::kGood;
  Proposal shown;                 // the proposal that disagrees
  std::string severity;           // "major" (claimed good or partial, shown poor) | "minor" (good vs partial)
  model::LocalizedText message;   // e.g. "自己評価は「窓口を定めている」だが、訓練中に窓口への連絡はなかった"
};

// `answers`: item id → choice number of the organisation's latest submitted
// revision (items without an answer left out). In checklist order.
std::vector<Contradiction> find_contradictions(const ProposalSet& set, const model::Checklist& checklist,
                                               const std::map<std::string, std::uint8_t>& answers);

nlohmann::json to_json(const ProposalSet& set, std::string_view lang);
nlohmann::json to_json(const Contradiction& c, std::string_view lang);

}  // namespace kunren::exercise
