// Shared by the after-drill API (improve_api.cpp) and pages
// (web/improve_pages.cpp): gathering what the after-action report, the
// proposed answers, the CERT draft, the organisation's trend and its
// contradictions are computed from — a drill's folded log, the campaign its
// answers go to, the organisation's preparedness records — so the API and
// the pages compute them the same way (docs/api.md "After the drill").
//
// Access is decided by the callers (kReviewExercise for one drill,
// kViewPreparedness for an organisation); these functions only read.
// Thread safety: as api.hpp — call from the I/O thread handling the request,
// with that thread's Store.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <kunren/exercise/live.hpp>
#include <kunren/exercise/proposals.hpp>
#include <kunren/model/checklist.hpp>
#include <kunren/model/preparedness.hpp>
#include <kunren/report/aar.hpp>
#include <kunren/report/trend.hpp>
#include <kunren/server/authorize.hpp>
#include <kunren/server/prep_support.hpp>
#include <kunren/store/store.hpp>

namespace kunren::server {

// One drill as the after-drill views need it: a copy of its picture, taken
// under the live exercise's lock.
struct AfterDrill {
  store::ExerciseRecord record;
  std::shared_ptr<const model::Scenario> scenario;
  exercise::Projection state;       // the whole log folded
  std::string org_name;             // the organisation's name (its id if it has none)
  std::string started_at, ended_at;  // store times of the start and end control events ("" if none)
  bool ended() const { return state.state == model::ExerciseState::kEnded; }
};
AfterDrill after_drill(store::Store& db, const exercise::LiveExercise& live);

// Where a drill's answers are compared or saved, and the checklist that
// judges them.
struct DrillCampaign {
  std::optional<store::CampaignRecord> campaign;         // none: proposals only
  std::shared_ptr<const model::Checklist> checklist;     // null: the scenario names no known checklist
};
// `requested` (a campaign id, may be empty) is that campaign: NotFound if
// unknown, BadInput (field "campaign") if its checklist is not the
// scenario's. Empty: the drill's own campaign; without one, the campaign on
// the scenario's checklist in which the organisation submitted last (so the
// drill is compared with its latest self-evaluation), else none.
Result<DrillCampaign> drill_campaign(store::Store& db, const AfterDrill& drill, const std::string& requested);

// The proposals of a drill, and the contradictions with the organisation's
// latest submitted revision in the campaign (none without a campaign).
struct DrillProposals {
  exercise::ProposalSet set;
  std::vector<exercise::Contradiction> contradictions;
  int compared_revision = 0;  // the submitted revision compared with (0: none)
};
Result<DrillProposals> drill_proposals(store::Store& db, const AfterDrill& drill, const DrillCampaign& campaign);

// The organisation's latest records of every kind (kind name → JSON), as
// the `prepared` and `criteria` rules read them.
Result<exercise::PreparedContext> prepared_context(store::Store& db, const std::string& org, const std::string& today);

// The organisation's improvement plan (empty with no = 0 when none saved yet).
struct OrgPlan {
  model::ImprovementPlan plan;
  int no = 0;  // the stored revision (the base of the next save)
};
Result<OrgPlan> org_plan(store::Store& db, const std::string& org);
// The organisation's PoC sheet, if it saved one.
Result<std::optional<model::PocSheet>> org_poc_sheet(store::Store& db, const std::string& org);

// The report input for one drill. The result points into `drill`,
// `proposals`, `plan` and `poc` (each may be null but drill): keep them alive.
report::AarInput aar_input(store::Store& db, const AfterDrill& drill, const DrillProposals* proposals,
                           const model::ImprovementPlan* plan, const model::PocSheet* poc, const std::string& lang);

// The organisation's ended drills, oldest first (by start), each loaded
// through `registry`. Drills that fail to load are left out (logged).
Result<std::vector<AfterDrill>> ended_drills(store::Store& db, exercise::ExerciseRegistry& registry,
                                             const std::string& org);
std::vector<report::TrendDrill> trend_drills(const std::vector<AfterDrill>& drills, const model::ImprovementPlan& plan);

// The contradictions of one drill with the self-evaluation it is compared with.
struct DrillContradictions {
  std::string exercise, title, campaign;
  int revision = 0;
  std::vector<exercise::Contradiction> items;
};
// Every ended drill of the organisation compared with a campaign
// (drill_campaign with no request), those with contradictions only.
Result<std::vector<DrillContradictions>> org_contradictions(store::Store& db, const std::vector<AfterDrill>& drills);

// The resource of an organisation's own records (kViewPreparedness, kEditPreparedness).
inline Resource org_resource(const std::string& org) {
  Resource r;
  r.org = org;
  return r;
}

// (today_utc(): prep_support.hpp.)
// Days from `from` to `to` (both "YYYY-MM-DD"); 0 if either is not a date.
int days_between(const std::string& from, const std::string& to);

}  // namespace kunren::server
