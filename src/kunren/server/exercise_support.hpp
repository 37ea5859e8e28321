// Shared by the drill API (exercise_api.cpp) and the drill pages
// (web/exercise_pages.cpp): finding the caller's exercise and their part in
// it, and the JSON pictures of a drill that both send (docs/api.md "Drills").
// Thread safety: as api.hpp — call from the I/O thread handling the request.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include <kunren/exercise/live.hpp>
#include <kunren/server/api_support.hpp>

namespace kunren::server {

// The caller's exercise: the caller, the live exercise of {id}, and the part
// the caller plays: "facilitator" (runs it), "observer" (watches the whole
// drill), a scenario role id (a participant), "record" (may read what
// happened afterwards only), or "" (none of these: refused).
struct ExerciseCall {
  Caller who;
  std::shared_ptr<exercise::LiveExercise> live;
  std::string part;
  bool runs() const { return part == "facilitator"; }
  bool sees_all() const { return part == "facilitator" || part == "observer" || part == "record"; }
  // The role whose view the caller gets ("facilitator" for those who see everything).
  std::string view_role() const { return sees_all() ? "facilitator" : part; }
};

// 401 / 403 csrf / 404 / 503 (no drills on this server) or the call.
std::variant<ExerciseCall, HttpResponse> exercise_call(ApiContext& c, const HttpRequest& r, const std::string& id,
                                                       bool changes_state);

// The part `who` plays in `record` (see ExerciseCall::part).
std::string exercise_part(const Principal& who, const store::ExerciseRecord& record);

// One stored event as JSON: {seq, at, scenario_ms, time, actor, role, kind,
// payload (object)}.
nlohmann::json event_json(const model::ExerciseEvent& e);

// The drill as `view_role` sees it now (see docs/api.md "Drill state").
nlohmann::json exercise_state_json(const exercise::LiveExercise& live, const exercise::Engine& engine,
                                   const std::string& view_role, const std::string& lang);

// {"id","title","org","campaign","state","scenario":{"id","version"},"participants":[…]}
nlohmann::json exercise_summary_json(const store::ExerciseRecord& r);

// The listener that announces stored events on the hub: every event on
// "exercise:<id>:all", and each on "exercise:<id>:role:<r>" for every role
// that may see it (exercise::visible_to). SSE event name: the kind; id: seq.
exercise::LiveExercise::Listener exercise_announcer(EventHub& hub);

// Reads the scenario stored with an exercise (canonical JSON).
exercise::ExerciseRegistry::ScenarioParser stored_scenario_parser();

// The periodic job: runs the clock of every running drill, on this thread's
// Store; failures are logged (spdlog) and do not stop other drills.
void tick_exercises(ApiContext& context, exercise::ExerciseRegistry& registry);

}  // namespace kunren::server
