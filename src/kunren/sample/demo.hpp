// The demonstration data of `kunren serve --demo`: what a new user needs to
// try every page at once, on a fresh database.
//
// Organisations: the 40 sample organisations (sample_organizations, seed
// 2026). Campaigns, on the built-in checklist factory-ir:
//   demo-2025  published: last year's round, all 40 submitted — so an
//              organisation's users can read pooled results and compare.
//   demo-2026  open: 33 submitted, 3 with a draft, 4 not started — among
//              them the two evaluators' organisations (ORG-0001 not started,
//              ORG-0002 with a draft), so the evaluation form and the
//              coordinator's live page have something to show.
// Users (password k_demo_password): admin, coordinator, evaluator (member of
// ORG-0001), evaluator2 (ORG-0002), facilitator (ORG-0001), and the
// participants participant, production and maintenance (ORG-0001).
// Drill: demo-drill, ORG-0001's run of the built-in scenario
// factory-ransomware, planned — the facilitator starts it from the console;
// participant plays the ICS-SIRT (sirt, the team lead), production and
// maintenance the roles of those names; decision criteria are set for DP1,
// DP3, DP4 and DP9.
//
// Idempotent and careful: campaigns are created only in a database with no
// campaign at all, the drill only in one with no drill at all; a user that
// exists already is left exactly as it is (and plays in the drill only if it
// holds the participant role).
// Thread safety: uses the Store given, on the calling thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <kunren/store/store.hpp>
#include <kunren/util/status.hpp>

namespace kunren::sample {

inline constexpr const char* k_demo_password = "kunren-demo";

struct DemoUser {
  const char* login;
  store::Role role;
  int org_index;  // index into the sample organisations, -1 for none
  const char* display_name;
  const char* drill_role = nullptr;  // the scenario role played in demo-drill, if any
};

inline constexpr const char* k_demo_drill = "demo-drill";

// The demo users, in the order they are listed to the user.
const std::vector<DemoUser>& demo_users();

struct DemoSeed {
  bool created_campaigns = false;      // false: the database already had campaigns
  bool created_drill = false;          // demo-drill created now (false: the database had drills)
  std::vector<std::string> created_users;   // logins created now
  std::vector<std::string> existing_users;  // demo logins that existed already (untouched)
  std::map<std::string, std::string> user_org;  // demo login → "ORG-0001 name" of its organisation, if any
};

// Seeds `db` as described above.
Result<DemoSeed> seed_demo(store::Store& db);

}  // namespace kunren::sample
