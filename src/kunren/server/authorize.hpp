// Authorisation for `kunren serve`: the one function that decides every
// request, from who asks (Principal: login, roles, organisations), what they
// want to do (Action) and on what (Resource: campaign, organisation). No HTTP
// here; every handler calls authorize() before touching the store and, on a
// refusal, audit_refusal() and a 403 carrying Decision::reason.
//
// The rules (authorize.cpp holds them as one table; a user holding several
// roles may do what any of them may). Deny by default: an action no row
// grants is refused.
//
//   action                   role         campaign state   organisation
//   list_campaigns           coordinator  —                —
//                            evaluator    —                —
//                            observer     —                —
//   view_campaign            coordinator  any              —
//                            evaluator    open/closed/pub. —
//                            observer     published        —
//   view_draft               evaluator    open/closed/pub. own
//   edit_draft               evaluator    open             own
//   submit_evaluation        evaluator    open             own
//   view_submissions         coordinator  any              any
//                            evaluator    open/closed/pub. own
//   view_submission_status   coordinator  any              —
//   view_live_results        coordinator  any              —
//   view_published_results   coordinator  published        —
//                            evaluator    published        own, participated
//                            observer     published        —
//   download_report          coordinator  any              —
//                            evaluator    published        own, participated
//                            observer     published        —
//   change_campaign_state    coordinator  any              —
//   manage_users             admin        —                —
//   manage_orgs              admin        —                —
//   view_audit_log           admin        —                —
//   list_exercises           facilitator, participant, observer, evaluator
//   create_exercise          facilitator  —                own
//   run_exercise             facilitator  —                own (the exercise's)
//   view_exercise_console    facilitator  —                own
//                            observer     —                own
//   take_part                participant  —                assigned a role in the exercise
//   view_exercise_record     facilitator  —                own
//                            observer     —                own
//                            evaluator    —                own
//                            participant  —                assigned a role in the exercise
//   view_preparedness        evaluator    —                own
//                            facilitator  —                own
//                            observer     —                own
//   edit_preparedness        evaluator    —                own
//                            facilitator  —                own
//   review_exercise          facilitator  —                own
//                            evaluator    —                own
//                            observer     —                own
//   import_package           coordinator  any              —
//   manage_publication       coordinator  any              —
//                            admin        any              —
//   view_self                every signed-in user
//   change_own_password      every signed-in user
//
// Preparedness records and after-action reports belong to one organisation
// and are never shown to coordinators (raw, per-company facts). Participants
// see the contact tree and criteria only inside a drill they take part in
// (take_part), not the records themselves.
//
// Facilitators and participants have no checklist rights. Drills belong to
// one organisation: its facilitators run them and its observers watch; a
// participant sees a drill only when assigned a role in it (Resource::
// exercise_role, from the exercise's participant list). A disabled principal
// is refused everything.
//
// Coordinators: a campaign's coordinators are listed in the store
// (CampaignRecord::coordinators, set with Store::set_campaign_coordinators or
// `kunren campaign coordinators`), and Resource::of copies the list. A
// campaign with coordinators listed is coordinated only by them: every
// coordinator row of the table that concerns a campaign (all but
// list_campaigns) grants nothing to a coordinator not listed. An empty
// list means "every coordinator coordinates it": a documented choice
// for small deployments with one or two coordinators, and what campaigns
// created before the lists existed get. Either way the principal must hold
// the coordinator role; being listed alone grants nothing.
//
// Participation: published pooled results go to organisations that took part
// (a submitted revision in the campaign). The caller computes this for the
// organisation in Resource::org — for a results page, for each of the
// viewer's organisations until one is allowed.
//
// Thread safety: pure functions over values; audit_refusal uses the Store
// given, on the calling thread.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <kunren/store/store.hpp>
#include <kunren/util/status.hpp>

namespace kunren::server {

struct Principal {
  std::string login;
  std::vector<store::Role> roles;
  std::vector<std::string> orgs;  // organisation memberships
  bool disabled = false;
};

// The principal for a signed-in user, from the store's record.
Principal principal_of(const store::User& user);

// Everything the pages and the API do. Add new actions before the last one
// and give each a row in authorize.cpp's table and in the test's table (the
// test does not compile without it).
enum class Action {
  kListCampaigns,         // the campaign list (each entry then needs kViewCampaign)
  kViewCampaign,          // one campaign's title, state, checklist
  kViewDraft,             // an organisation's working draft in a campaign
  kEditDraft,             // save that draft (autosave, mark for review)
  kSubmitEvaluation,      // submit → an immutable revision
  kViewSubmissions,       // an organisation's submitted revisions and their history
  kViewSubmissionStatus,  // per-organisation status of a campaign (not started / draft / submitted)
  kViewLiveResults,       // the cross-organisation results before publication
  kViewPublishedResults,  // the pooled results of a published campaign, "my answer against everyone's"
  kDownloadReport,        // the report as HTML, CSV or JSON
  kChangeCampaignState,   // open / close / reopen / publish
  kManageUsers,           // create users, set roles, memberships, passwords, disable
  kManageOrgs,            // create and edit organisations
  kViewAuditLog,
  kListExercises,         // the drill list (each entry then needs one of the exercise actions below)
  kCreateExercise,        // plan a drill for an organisation
  kRunExercise,           // the facilitator's controls: clock, injects, participants, observations, the board
  kViewExerciseConsole,   // the facilitator's console: everything in the drill, live
  kTakePart,              // a participant's view and actions, in the role assigned to them
  kViewExerciseRecord,    // after the drill: timeline, metrics, board, the full log
  kViewPreparedness,      // an organisation's preparedness records (contact tree, criteria, plans, PoC sheet), its trend
  kEditPreparedness,      // save a new revision of one of those records (the improvement plan included)
  kReviewExercise,        // after the drill: the after-action report, proposals, the CERT draft
  kImportPackage,         // import an organisation's signed offline submission package into a campaign
  kManagePublication,     // a campaign's publication settings (TLP, word list, excluded quotes) and the
                          // full-text review of what will be published (shows the comments as written)
  kViewSelf,              // GET /me
  kChangeOwnPassword,     // keep last (k_action_count)
};
inline constexpr std::size_t k_action_count = static_cast<std::size_t>(Action::kChangeOwnPassword) + 1;

const char* to_string(Action a);  // "list_campaigns", "view_campaign", …
const std::array<Action, k_action_count>& all_actions();

// What a request acts on. Fields an action does not concern are ignored.
struct Resource {
  std::string campaign;                              // campaign id; empty if none
  std::optional<store::CampaignState> campaign_state;  // required by campaign actions (refused without)
  std::string org;                                   // organisation id; empty if none
  bool org_participated = false;                     // `org` has a submitted revision in the campaign
  std::vector<std::string> coordinators;             // logins; empty = every coordinator (see above)
  std::string exercise;                              // exercise id; empty if none
  std::string exercise_role;                         // the principal's assigned role in it; empty if none

  // A campaign's id, state and coordinators, and the organisation asked about.
  static Resource of(const store::CampaignRecord& campaign, std::string org = {}, bool org_participated = false);
  // An exercise's id and organisation, and the role `login` plays in it.
  static Resource of(const store::ExerciseRecord& exercise, const std::string& login);
};

struct Decision {
  bool allowed = false;
  std::string reason;  // why, for the audit log and the 403 body; names no secret
  explicit operator bool() const { return allowed; }
};

// The one decision. Deny by default.
Decision authorize(const Principal& who, Action action, const Resource& what);

// Appends "auth.refused" for a refused request: actor "user:<login>", the
// campaign (and organisation) as object, action and reason in the detail.
Status audit_refusal(store::Store& store, const Principal& who, Action action, const Resource& what,
                     const Decision& decision);

}  // namespace kunren::server
