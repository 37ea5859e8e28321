// Planning a drill: the checks shared by `kunren exercise create` and
// POST /api/v1/exercises, then one Store::create_exercise. Problems are
// BadInput naming the field as the API does ("title", "participants[1].role",
// "criteria.DP9").
// Thread safety: as the Store given (one thread at a time).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <kunren/model/scenario.hpp>
#include <kunren/store/store.hpp>

namespace kunren::exercise {

struct Plan {
  std::string id;  // empty: made up ("ex-" and 8 hex digits)
  std::string title;
  std::string org;
  std::string campaign;  // may be empty
  model::Scenario scenario;
  std::vector<store::ExerciseParticipant> participants;
  // {"DP3": {"who": "…", "conditions": ["…"]}, …} or null: null takes the
  // organisation's latest criteria record (model::exercise_criteria_json, the
  // scenario's decision points only) — a snapshot kept with the drill, which
  // later edits of the record do not change.
  nlohmann::json criteria;
};

// Every participant exists, holds the participant role, appears once and
// plays a role of the scenario; sorted by login.
Result<std::vector<store::ExerciseParticipant>> check_participants(store::Store& db, const model::Scenario& scenario,
                                                                   std::vector<store::ExerciseParticipant> list);

// Checks the plan and creates the exercise (planned, empty log); returns it
// as stored.
Result<store::ExerciseRecord> create_exercise(store::Store& db, Plan plan, const store::Actor& actor);

}  // namespace kunren::exercise
