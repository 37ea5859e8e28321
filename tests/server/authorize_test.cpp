#include <kunren/server/authorize.hpp>

#include <set>

#include <gtest/gtest.h>

namespace kunren::server {
namespace {

using store::CampaignState;
using store::Role;

// The expected rules, written independently of authorize.cpp. A grant holds
// for one role (or every signed-in user) in the campaign states listed as
// letters (d)raft (o)pen (c)losed (p)ublished, "" = the action concerns no
// campaign, with the organisation condition given.
enum class Org { kAny, kOwn, kOwnParticipated, kExerciseRole };
struct Grant {
  std::optional<Role> role;  // nullopt: everyone signed in
  const char* states;
  Org org;
};

// A new Action without a case here does not compile.
#pragma GCC diagnostic push
#pragma GCC diagnostic error "-Wswitch"
std::vector<Grant> expected_grants(Action a) {
  const auto C = Role::kCoordinator, E = Role::kEvaluator, O = Role::kObserver, A = Role::kAdmin;
  const auto F = Role::kFacilitator, P = Role::kParticipant;
  switch (a) {
    case Action::kListCampaigns: return {{C, "", Org::kAny}, {E, "", Org::kAny}, {O, "", Org::kAny}};
    case Action::kViewCampaign: return {{C, "docp", Org::kAny}, {E, "ocp", Org::kAny}, {O, "p", Org::kAny}};
    case Action::kViewDraft: return {{E, "ocp", Org::kOwn}};
    case Action::kEditDraft: return {{E, "o", Org::kOwn}};
    case Action::kSubmitEvaluation: return {{E, "o", Org::kOwn}};
    case Action::kViewSubmissions: return {{C, "docp", Org::kAny}, {E, "ocp", Org::kOwn}};
    case Action::kViewSubmissionStatus: return {{C, "docp", Org::kAny}};
    case Action::kViewLiveResults: return {{C, "docp", Org::kAny}};
    case Action::kViewPublishedResults:
      return {{C, "p", Org::kAny}, {E, "p", Org::kOwnParticipated}, {O, "p", Org::kAny}};
    case Action::kDownloadReport:
      return {{C, "docp", Org::kAny}, {E, "p", Org::kOwnParticipated}, {O, "p", Org::kAny}};
    case Action::kChangeCampaignState: return {{C, "docp", Org::kAny}};
    case Action::kManageUsers: return {{A, "", Org::kAny}};
    case Action::kManageOrgs: return {{A, "", Org::kAny}};
    case Action::kViewAuditLog: return {{A, "", Org::kAny}};
    case Action::kListExercises: return {{F, "", Org::kAny}, {P, "", Org::kAny}, {O, "", Org::kAny}, {E, "", Org::kAny}};
    case Action::kCreateExercise: return {{F, "", Org::kOwn}};
    case Action::kRunExercise: return {{F, "", Org::kOwn}};
    case Action::kViewExerciseConsole: return {{F, "", Org::kOwn}, {O, "", Org::kOwn}};
    case Action::kTakePart: return {{P, "", Org::kExerciseRole}};
    case Action::kViewExerciseRecord:
      return {{F, "", Org::kOwn}, {O, "", Org::kOwn}, {E, "", Org::kOwn}, {P, "", Org::kExerciseRole}};
    case Action::kViewPreparedness: return {{E, "", Org::kOwn}, {F, "", Org::kOwn}, {O, "", Org::kOwn}};
    case Action::kEditPreparedness: return {{E, "", Org::kOwn}, {F, "", Org::kOwn}};
    case Action::kReviewExercise: return {{F, "", Org::kOwn}, {E, "", Org::kOwn}, {O, "", Org::kOwn}};
    case Action::kImportPackage: return {{C, "docp", Org::kAny}, {A, "docp", Org::kAny}};
    case Action::kManagePublication: return {{C, "docp", Org::kAny}};
    case Action::kViewSelf: return {{std::nullopt, "", Org::kAny}};
    case Action::kChangeOwnPassword: return {{std::nullopt, "", Org::kAny}};
  }
  return {};
}
#pragma GCC diagnostic pop

char letter(CampaignState s) { return store::to_string(s)[0]; }

bool expected(Role role, Action action, CampaignState state, const std::string& org, bool participated,
              bool has_exercise_role = false) {
  for (const Grant& g : expected_grants(action)) {
    if (g.role && *g.role != role) continue;
    if (g.org == Org::kExerciseRole) {
      if (has_exercise_role) return true;
      continue;
    }
    if (*g.states != '\0' && std::string(g.states).find(letter(state)) == std::string::npos) continue;
    if (g.org != Org::kAny && org != "own") continue;
    if (g.org == Org::kOwnParticipated && !participated) continue;
    return true;
  }
  return false;
}

TEST(AuthorizationTable, EveryActionIsListedOnceAndNamed) {
  ASSERT_EQ(all_actions().size(), k_action_count);
  std::set<std::string> names;
  for (std::size_t i = 0; i < k_action_count; ++i) {
    EXPECT_EQ(static_cast<std::size_t>(all_actions()[i]), i);
    std::string name = to_string(all_actions()[i]);
    EXPECT_NE(name, "?");
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_FALSE(expected_grants(all_actions()[i]).empty()) << name << " has no row in the test's table";
  }
}

TEST(AuthorizationTable, EveryActionRoleOrganisationAndStateDecidesAsTheTableSays) {
  std::size_t cases = 0;
  for (Action action : all_actions()) {
    for (Role role : store::all_roles()) {
      Principal who{"u", {role}, {"own"}, false};
      for (const std::string org : {"own", "other", ""}) {
        for (CampaignState state :
             {CampaignState::kDraft, CampaignState::kOpen, CampaignState::kClosed, CampaignState::kPublished}) {
          for (int variant = 0; variant < 3; ++variant) {
            const bool participated = variant == 1;
            const bool drill_role = variant == 2;  // an exercise where the user plays a role
            Resource what;
            what.campaign = "c1";
            what.campaign_state = state;
            what.org = org;
            what.org_participated = participated;
            if (drill_role) {
              what.exercise = "ex1";
              what.exercise_role = "production";
            }
            Decision d = authorize(who, action, what);
            EXPECT_EQ(d.allowed, expected(role, action, state, org, participated, drill_role))
                << to_string(action) << " by " << store::to_string(role) << " on org '" << org << "' in a "
                << store::to_string(state) << " campaign, participated=" << participated
                << ", exercise role=" << drill_role << ": " << d.reason;
            EXPECT_FALSE(d.reason.empty());
            ++cases;
          }
        }
      }
    }
  }
  EXPECT_EQ(cases, k_action_count * store::all_roles().size() * 3 * 4 * 3);
}

TEST(Authorization, FacilitatorsAndParticipantsHaveNoChecklistRights) {
  for (Role role : {Role::kFacilitator, Role::kParticipant}) {
    Principal who{"u", {role}, {"own"}, false};
    Resource what{"c1", CampaignState::kPublished, "own", true, {}};
    for (Action a : all_actions()) {
      if (expected_grants(a).front().states[0] == '\0' && a != Action::kListCampaigns &&
          a != Action::kManageUsers && a != Action::kManageOrgs && a != Action::kViewAuditLog)
        continue;  // not a checklist action
      EXPECT_FALSE(authorize(who, a, what).allowed) << to_string(a);
    }
  }
}

TEST(Authorization, SeveralRolesGrantWhatAnyOfThemGrants) {
  Principal who{"u", {Role::kAdmin, Role::kEvaluator}, {"own"}, false};
  Resource open{"c1", CampaignState::kOpen, "own", false, {}};
  EXPECT_TRUE(authorize(who, Action::kEditDraft, open));
  EXPECT_TRUE(authorize(who, Action::kManageUsers, {}));
  EXPECT_FALSE(authorize(who, Action::kViewLiveResults, open));
}

TEST(Authorization, AnEvaluatorOfTwoOrganisationsEditsBothButNoOther) {
  Principal who{"u", {Role::kEvaluator}, {"a", "b"}, false};
  EXPECT_TRUE(authorize(who, Action::kEditDraft, {"c1", CampaignState::kOpen, "a", false, {}}));
  EXPECT_TRUE(authorize(who, Action::kEditDraft, {"c1", CampaignState::kOpen, "b", false, {}}));
  Decision other = authorize(who, Action::kEditDraft, {"c1", CampaignState::kOpen, "c", false, {}});
  EXPECT_FALSE(other);
  EXPECT_NE(other.reason.find("own organisation"), std::string::npos) << other.reason;
}

TEST(Authorization, ListedCoordinatorsAloneCoordinateTheCampaign) {
  Principal alice{"alice", {Role::kCoordinator}, {}, false};
  Principal bob{"bob", {Role::kCoordinator}, {}, false};
  Resource what{"c1", CampaignState::kOpen, "", false, {"alice"}};
  EXPECT_TRUE(authorize(alice, Action::kViewLiveResults, what));
  Decision d = authorize(bob, Action::kViewLiveResults, what);
  EXPECT_FALSE(d);
  EXPECT_NE(d.reason.find("coordinate"), std::string::npos) << d.reason;
  what.coordinators.clear();
  EXPECT_TRUE(authorize(bob, Action::kViewLiveResults, what)) << "no list: every coordinator coordinates";
}

// Resource::of carries the stored list, so every coordinator action of a
// campaign follows it: listed, not listed, and no list at all.
TEST(Authorization, ResourceOfACampaignCarriesItsCoordinators) {
  store::CampaignRecord c;
  c.id = "c1";
  c.state = CampaignState::kClosed;
  c.coordinators = {"alice", "carol"};
  Resource what = Resource::of(c);
  EXPECT_EQ(what.coordinators, c.coordinators);
  EXPECT_EQ(what.campaign, "c1");
  EXPECT_EQ(what.campaign_state, CampaignState::kClosed);

  Principal alice{"alice", {Role::kCoordinator}, {}, false};
  Principal bob{"bob", {Role::kCoordinator}, {}, false};
  std::size_t coordinator_actions = 0;
  for (Action a : all_actions()) {
    if (!authorize(alice, a, what)) continue;  // not a coordinator action on a closed campaign
    if (a == Action::kListCampaigns || a == Action::kViewSelf || a == Action::kChangeOwnPassword) continue;
    ++coordinator_actions;
    Decision d = authorize(bob, a, what);
    EXPECT_FALSE(d) << to_string(a) << " granted to a coordinator not listed";
    EXPECT_NE(d.reason.find("do not coordinate campaign 'c1'"), std::string::npos) << d.reason;
  }
  EXPECT_EQ(coordinator_actions, 8u) << "view_campaign, view_submissions, view_submission_status, "
                                        "view_live_results, download_report, change_campaign_state, "
                                        "import_package, manage_publication";

  c.coordinators.clear();
  for (Action a : all_actions()) {
    EXPECT_EQ(authorize(bob, a, Resource::of(c)).allowed, authorize(alice, a, Resource::of(c)).allowed)
        << to_string(a) << ": with no list every coordinator coordinates";
  }
  EXPECT_TRUE(authorize(bob, Action::kChangeCampaignState, Resource::of(c)));
}

TEST(Authorization, BeingListedWithoutTheCoordinatorRoleGrantsNothing) {
  store::CampaignRecord c;
  c.id = "c1";
  c.state = CampaignState::kOpen;
  c.coordinators = {"carol"};
  Principal carol{"carol", {Role::kEvaluator}, {"own"}, false};
  Decision d = authorize(carol, Action::kViewLiveResults, Resource::of(c));
  EXPECT_FALSE(d);
  EXPECT_NE(d.reason.find("evaluator"), std::string::npos) << d.reason;
  EXPECT_TRUE(authorize(carol, Action::kEditDraft, Resource::of(c, "own"))) << "her evaluator rights stay";
}

TEST(Authorization, ACoordinatorNotListedKeepsTheRightsOfTheirOtherRoles) {
  store::CampaignRecord c;
  c.id = "c1";
  c.state = CampaignState::kOpen;
  c.coordinators = {"alice"};
  Principal dave{"dave", {Role::kCoordinator, Role::kEvaluator}, {"own"}, false};
  EXPECT_FALSE(authorize(dave, Action::kViewLiveResults, Resource::of(c)));
  EXPECT_TRUE(authorize(dave, Action::kViewCampaign, Resource::of(c))) << "as an evaluator, the campaign is open";
  EXPECT_TRUE(authorize(dave, Action::kSubmitEvaluation, Resource::of(c, "own")));
  EXPECT_FALSE(authorize(dave, Action::kViewSubmissions, Resource::of(c, "other")));
}

TEST(Authorization, CampaignActionsWithoutACampaignAreRefused) {
  Principal who{"u", {Role::kCoordinator}, {}, false};
  EXPECT_FALSE(authorize(who, Action::kViewLiveResults, {}));
  EXPECT_TRUE(authorize(who, Action::kListCampaigns, {}));
}

TEST(Authorization, ADisabledOrAnonymousPrincipalIsRefusedEverything) {
  Resource what{"c1", CampaignState::kPublished, "own", true, {}};
  for (Action a : all_actions()) {
    EXPECT_FALSE(authorize(Principal{"u", {Role::kAdmin, Role::kCoordinator}, {"own"}, true}, a, what));
    EXPECT_FALSE(authorize(Principal{"", {Role::kAdmin}, {}, false}, a, what));
  }
}

TEST(Authorization, PrincipalComesFromTheStoredUser) {
  store::User u;
  u.login = "eve";
  u.roles = {Role::kEvaluator};
  u.orgs = {"p1"};
  u.disabled = true;
  Principal p = principal_of(u);
  EXPECT_EQ(p.login, "eve");
  EXPECT_EQ(p.roles, u.roles);
  EXPECT_EQ(p.orgs, u.orgs);
  EXPECT_TRUE(p.disabled);
}

TEST(Authorization, RefusalsAreAuditedWithActionAndReason) {
  auto db = store::open_store("memory:").value();
  Principal who{"eve", {Role::kEvaluator}, {"own"}, false};
  Resource what{"c1", CampaignState::kOpen, "other", false, {}};
  Decision d = authorize(who, Action::kEditDraft, what);
  ASSERT_FALSE(d);
  ASSERT_TRUE(audit_refusal(*db, who, Action::kEditDraft, what, d));
  auto entries = db->list_audit().value();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].action, "auth.refused");
  EXPECT_EQ(entries[0].actor, "user:eve");
  EXPECT_EQ(entries[0].object_type, "evaluation");
  EXPECT_EQ(entries[0].object_id, "c1/other");
  EXPECT_NE(entries[0].detail.find("edit_draft"), std::string::npos) << entries[0].detail;
  EXPECT_NE(entries[0].detail.find("reason"), std::string::npos) << entries[0].detail;
}

}  // namespace
}  // namespace kunren::server
