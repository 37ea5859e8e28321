// The after-action report and improvement plan of one drill (DOMAIN.md §10,
// HSEEP AAR/IP): HTML (print-ready, A4, Japanese or English), JSON (schema
// "kunren.aar/1", docs/formats.md "After-action report") and the plan as CSV
// (UTF-8 with BOM, CRLF: opens in Japanese Excel).
//
// Contents, in order: overview (drill, organisation, dates, scenario,
// objectives, participants by role, the PoC); the timeline chart
// (report/timeline_svg); metrics against the scenario's targets; per
// objective the facilitator's P/S/M/U ratings with their observations, its
// strengths and areas for improvement (from the ratings, the metrics and
// the proposals: report/aar.cpp states the rule); decisions with the
// criteria ticked; contradictions between the self-evaluation and the
// drill; the improvement plan — the items this drill raised and those
// carried over from earlier drills, overdue ones marked; and the evidence
// register.
//
// Pure functions of their inputs: the caller gathers everything (server,
// CLI) and decides visibility. Deterministic output (golden files in
// tests/golden/aar/).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <kunren/exercise/engine.hpp>
#include <kunren/exercise/proposals.hpp>
#include <kunren/model/preparedness.hpp>
#include <kunren/model/scenario.hpp>

namespace kunren::report {

struct AarParticipant {
  std::string login, display_name, role;
};

struct AarInput {
  // The drill.
  std::string exercise_id, title;
  std::string org_id, org_name;
  std::string campaign;           // may be empty
  std::string started_at, ended_at;  // wall times (store format) of the start and end events, may be empty
  const model::Scenario* scenario = nullptr;
  const exercise::Projection* state = nullptr;  // the whole log folded
  std::vector<AarParticipant> participants;
  // Evaluation links.
  const exercise::ProposalSet* proposals = nullptr;                 // may be null
  std::vector<exercise::Contradiction> contradictions;
  // Preparedness.
  const model::ImprovementPlan* plan = nullptr;  // the organisation's plan (may be null)
  const model::PocSheet* poc = nullptr;          // may be null
  std::string today;  // "YYYY-MM-DD", for overdue marks
  std::string generated_at;  // shown in the footer; tests pin it
};

// "ja" or "en" (anything else: Japanese).
nlohmann::json aar_json(const AarInput& input, std::string_view lang);
std::string aar_html(const AarInput& input, std::string_view lang);

// Strengths and areas for improvement of one objective, derived as
// aar.cpp documents (used by the JSON, the HTML and the web page alike).
struct ObjectiveAnalysis {
  const model::Objective* objective = nullptr;
  std::optional<std::string> rating;  // latest P/S/M/U, if rated
  std::vector<const exercise::ObservationRecord*> observations;
  std::vector<model::LocalizedText> strengths, improvements;
};
std::vector<ObjectiveAnalysis> analyse_objectives(const AarInput& input);

// Draft plan items for the areas for improvement of this drill that no item
// of the plan covers yet (same objective and item, or same source event):
// status "open", element guessed from the rule type, ids continuing the plan.
std::vector<model::PlanItem> suggested_plan_items(const AarInput& input);

// The plan as CSV: id, issue, action, element, objective, item, owner_org,
// owner, start, due, status, completed, overdue (yes/empty), source_exercise,
// checked_in, notes. Headers in `lang`.
std::string plan_csv(const model::ImprovementPlan& plan, std::string_view today, std::string_view lang);

}  // namespace kunren::report
