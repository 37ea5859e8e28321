#include <kunren/server/authorize.hpp>

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace kunren::server {
namespace {

using store::CampaignState;
using store::Role;

// Campaign states a rule allows, one bit per state. 0: the action concerns
// no campaign.
using States = std::uint8_t;
constexpr States bit(CampaignState s) { return static_cast<States>(1u << static_cast<unsigned>(s)); }
constexpr States k_no_campaign = 0;
constexpr States k_open = bit(CampaignState::kOpen);
constexpr States k_published = bit(CampaignState::kPublished);
constexpr States k_not_draft = bit(CampaignState::kOpen) | bit(CampaignState::kClosed) | k_published;
constexpr States k_any_state = bit(CampaignState::kDraft) | k_not_draft;

enum class Org {
  kNone,              // no organisation involved
  kOwn,               // Resource::org must be one of the principal's
  kOwnParticipated,   // … and have taken part in the campaign
  kExerciseRole,      // the principal plays a role in Resource::exercise
};

struct Rule {
  Action action;
  std::optional<Role> role;  // nullopt: every signed-in user
  States states;
  Org org;
  bool coordinates;  // the principal must coordinate the campaign
};

constexpr auto C = Role::kCoordinator;
constexpr auto E = Role::kEvaluator;
constexpr auto O = Role::kObserver;
constexpr auto A = Role::kAdmin;
constexpr auto F = Role::kFacilitator;
constexpr auto P = Role::kParticipant;

// The rules. The header restates them as a table for readers; keep both alike.
constexpr Rule k_rules[] = {
    {Action::kListCampaigns, C, k_no_campaign, Org::kNone, false},
    {Action::kListCampaigns, E, k_no_campaign, Org::kNone, false},
    {Action::kListCampaigns, O, k_no_campaign, Org::kNone, false},

    {Action::kViewCampaign, C, k_any_state, Org::kNone, true},
    {Action::kViewCampaign, E, k_not_draft, Org::kNone, false},
    {Action::kViewCampaign, O, k_published, Org::kNone, false},

    {Action::kViewDraft, E, k_not_draft, Org::kOwn, false},
    {Action::kEditDraft, E, k_open, Org::kOwn, false},
    {Action::kSubmitEvaluation, E, k_open, Org::kOwn, false},

    {Action::kViewSubmissions, C, k_any_state, Org::kNone, true},
    {Action::kViewSubmissions, E, k_not_draft, Org::kOwn, false},

    {Action::kViewSubmissionStatus, C, k_any_state, Org::kNone, true},
    {Action::kViewLiveResults, C, k_any_state, Org::kNone, true},

    {Action::kViewPublishedResults, C, k_published, Org::kNone, true},
    {Action::kViewPublishedResults, E, k_published, Org::kOwnParticipated, false},
    {Action::kViewPublishedResults, O, k_published, Org::kNone, false},

    {Action::kDownloadReport, C, k_any_state, Org::kNone, true},
    {Action::kDownloadReport, E, k_published, Org::kOwnParticipated, false},
    {Action::kDownloadReport, O, k_published, Org::kNone, false},

    {Action::kChangeCampaignState, C, k_any_state, Org::kNone, true},

    {Action::kManageUsers, A, k_no_campaign, Org::kNone, false},
    {Action::kManageOrgs, A, k_no_campaign, Org::kNone, false},
    {Action::kViewAuditLog, A, k_no_campaign, Org::kNone, false},

    {Action::kListExercises, F, k_no_campaign, Org::kNone, false},
    {Action::kListExercises, P, k_no_campaign, Org::kNone, false},
    {Action::kListExercises, O, k_no_campaign, Org::kNone, false},
    {Action::kListExercises, E, k_no_campaign, Org::kNone, false},
    {Action::kCreateExercise, F, k_no_campaign, Org::kOwn, false},
    {Action::kRunExercise, F, k_no_campaign, Org::kOwn, false},
    {Action::kViewExerciseConsole, F, k_no_campaign, Org::kOwn, false},
    {Action::kViewExerciseConsole, O, k_no_campaign, Org::kOwn, false},
    {Action::kTakePart, P, k_no_campaign, Org::kExerciseRole, false},
    {Action::kViewExerciseRecord, F, k_no_campaign, Org::kOwn, false},
    {Action::kViewExerciseRecord, O, k_no_campaign, Org::kOwn, false},
    {Action::kViewExerciseRecord, E, k_no_campaign, Org::kOwn, false},
    {Action::kViewExerciseRecord, P, k_no_campaign, Org::kExerciseRole, false},
    {Action::kViewPreparedness, E, k_no_campaign, Org::kOwn, false},
    {Action::kViewPreparedness, F, k_no_campaign, Org::kOwn, false},
    {Action::kViewPreparedness, O, k_no_campaign, Org::kOwn, false},
    {Action::kEditPreparedness, E, k_no_campaign, Org::kOwn, false},
    {Action::kEditPreparedness, F, k_no_campaign, Org::kOwn, false},
    {Action::kReviewExercise, F, k_no_campaign, Org::kOwn, false},
    {Action::kReviewExercise, E, k_no_campaign, Org::kOwn, false},
    {Action::kReviewExercise, O, k_no_campaign, Org::kOwn, false},

    // Offline packages: the campaign's coordinators and the administrators
    // (who register the organisations' keys). Any state: the store refuses
    // a campaign that is not open with a 409 that says so.
    {Action::kImportPackage, C, k_any_state, Org::kNone, true},
    {Action::kImportPackage, A, k_any_state, Org::kNone, false},

    // What a campaign publishes and the review of the comments as written:
    // the campaign's coordinators only.
    {Action::kManagePublication, C, k_any_state, Org::kNone, true},

    {Action::kViewSelf, std::nullopt, k_no_campaign, Org::kNone, false},
    {Action::kChangeOwnPassword, std::nullopt, k_no_campaign, Org::kNone, false},
};

// Whether the action concerns a campaign: the same for all its rules.
bool needs_campaign(Action a) {
  return std::any_of(std::begin(k_rules), std::end(k_rules),
                     [a](const Rule& r) { return r.action == a && r.states != k_no_campaign; });
}

std::string states_text(States states) {
  std::string out;
  for (auto s : {CampaignState::kDraft, CampaignState::kOpen, CampaignState::kClosed, CampaignState::kPublished}) {
    if (states & bit(s)) out += out.empty() ? store::to_string(s) : std::string(" or ") + store::to_string(s);
  }
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string roles_text(const Principal& who) {
  if (who.roles.empty()) return "no role";
  std::string out;
  for (Role r : who.roles) out += (out.empty() ? "" : ", ") + std::string(store::to_string(r));
  return out;
}

// Why `rule` does not grant the request, or nullopt if it does.
std::optional<std::string> refusal(const Rule& rule, const Principal& who, const Resource& what) {
  const char* role = rule.role ? store::to_string(*rule.role) : "user";
  if (rule.states != k_no_campaign && !(rule.states & bit(*what.campaign_state))) {
    return fmt::format("campaign '{}' is {}; a {} may {} only when it is {}", what.campaign,
                       store::to_string(*what.campaign_state), role, to_string(rule.action), states_text(rule.states));
  }
  if (rule.coordinates && !what.coordinators.empty() && !contains(what.coordinators, who.login)) {
    return fmt::format("you do not coordinate campaign '{}'", what.campaign);
  }
  if (rule.org == Org::kExerciseRole) {
    if (what.exercise.empty()) return fmt::format("{} needs an exercise", to_string(rule.action));
    if (what.exercise_role.empty()) return fmt::format("you have no role in exercise '{}'", what.exercise);
    return std::nullopt;
  }
  if (rule.org != Org::kNone) {
    if (what.org.empty()) return fmt::format("{} needs an organisation", to_string(rule.action));
    if (!contains(who.orgs, what.org)) {
      return fmt::format("a {} may {} only for their own organisation, and '{}' is not theirs", role,
                         to_string(rule.action), what.org);
    }
    if (rule.org == Org::kOwnParticipated && !what.org_participated) {
      return fmt::format("organisation '{}' did not take part in campaign '{}'", what.org, what.campaign);
    }
  }
  return std::nullopt;
}

}  // namespace

Principal principal_of(const store::User& user) {
  return Principal{user.login, user.roles, user.orgs, user.disabled};
}

const char* to_string(Action a) {
  switch (a) {
    case Action::kListCampaigns: return "list_campaigns";
    case Action::kViewCampaign: return "view_campaign";
    case Action::kViewDraft: return "view_draft";
    case Action::kEditDraft: return "edit_draft";
    case Action::kSubmitEvaluation: return "submit_evaluation";
    case Action::kViewSubmissions: return "view_submissions";
    case Action::kViewSubmissionStatus: return "view_submission_status";
    case Action::kViewLiveResults: return "view_live_results";
    case Action::kViewPublishedResults: return "view_published_results";
    case Action::kDownloadReport: return "download_report";
    case Action::kChangeCampaignState: return "change_campaign_state";
    case Action::kManageUsers: return "manage_users";
    case Action::kManageOrgs: return "manage_orgs";
    case Action::kViewAuditLog: return "view_audit_log";
    case Action::kListExercises: return "list_exercises";
    case Action::kCreateExercise: return "create_exercise";
    case Action::kRunExercise: return "run_exercise";
    case Action::kViewExerciseConsole: return "view_exercise_console";
    case Action::kTakePart: return "take_part";
    case Action::kViewExerciseRecord: return "view_exercise_record";
    case Action::kViewPreparedness: return "view_preparedness";
    case Action::kEditPreparedness: return "edit_preparedness";
    case Action::kReviewExercise: return "review_exercise";
    case Action::kImportPackage: return "import_package";
    case Action::kManagePublication: return "manage_publication";
    case Action::kViewSelf: return "view_self";
    case Action::kChangeOwnPassword: return "change_own_password";
  }
  return "?";
}

const std::array<Action, k_action_count>& all_actions() {
  static const auto actions = [] {
    std::array<Action, k_action_count> out{};
    for (std::size_t i = 0; i < k_action_count; ++i) out[i] = static_cast<Action>(i);
    return out;
  }();
  return actions;
}

Resource Resource::of(const store::CampaignRecord& campaign, std::string org, bool org_participated) {
  Resource r;
  r.campaign = campaign.id;
  r.campaign_state = campaign.state;
  r.coordinators = campaign.coordinators;
  r.org = std::move(org);
  r.org_participated = org_participated;
  return r;
}

Resource Resource::of(const store::ExerciseRecord& exercise, const std::string& login) {
  Resource r;
  r.exercise = exercise.id;
  r.org = exercise.org;
  for (const auto& p : exercise.participants)
    if (p.login == login) r.exercise_role = p.role;
  return r;
}

Decision authorize(const Principal& who, Action action, const Resource& what) {
  if (who.disabled || who.login.empty()) return {false, "the account is disabled or not signed in"};
  if (needs_campaign(action) && !what.campaign_state) {
    return {false, fmt::format("{} needs a campaign", to_string(action))};
  }
  std::optional<std::string> first_refusal;
  for (const Rule& rule : k_rules) {
    if (rule.action != action) continue;
    if (rule.role && std::find(who.roles.begin(), who.roles.end(), *rule.role) == who.roles.end()) continue;
    auto why_not = refusal(rule, who, what);
    if (!why_not) {
      return {true, fmt::format("a {} may {}", rule.role ? store::to_string(*rule.role) : "signed-in user",
                                to_string(action))};
    }
    if (!first_refusal) first_refusal = std::move(why_not);
  }
  if (first_refusal) return {false, std::move(*first_refusal)};
  return {false, fmt::format("{} does not allow {}", roles_text(who), to_string(action))};
}

Status audit_refusal(store::Store& store, const Principal& who, Action action, const Resource& what,
                     const Decision& decision) {
  nlohmann::json detail = {{"action", to_string(action)}, {"reason", decision.reason}};
  if (!what.campaign.empty()) detail["campaign"] = what.campaign;
  if (!what.org.empty()) detail["org"] = what.org;
  store::AuditEntry e;
  e.actor = who.login.empty() ? "anonymous" : "user:" + who.login;
  e.action = "auth.refused";
  if (!what.exercise.empty()) detail["exercise"] = what.exercise;
  if (!what.exercise.empty()) {
    e.object_type = "exercise";
    e.object_id = what.exercise;
  } else if (!what.campaign.empty() && !what.org.empty()) {
    e.object_type = "evaluation";
    e.object_id = what.campaign + "/" + what.org;
  } else if (!what.campaign.empty()) {
    e.object_type = "campaign";
    e.object_id = what.campaign;
  } else if (!what.org.empty()) {
    e.object_type = "org";
    e.object_id = what.org;
  }
  e.detail = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return store.append_audit(e);
}

}  // namespace kunren::server
