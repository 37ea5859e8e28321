// Live exercises: an Engine bound to its stored exercise, used by the server
// (and the CLI) to run commands through the whole cycle of engine.hpp —
// command → one store transaction → fold → announce — one at a time.
//
// LiveExercise holds a mutex across the cycle, so the events of one exercise
// are stored, folded and announced in seq order, and a reader that takes the
// same lock (with_state) sees a picture that matches what has been announced.
// When the store says another writer came first (Conflict "stale": another
// process appended to the same log), or the engine refuses a command, the
// events stored since the last one known are read back and folded, and the
// command is tried once more (a refusal stands if nothing was missed).
//
// ExerciseRegistry keeps one LiveExercise per exercise id, loaded from the
// store on first use (the record, the scenario stored with it, and every
// event, replayed). forget() drops one, so the next use reloads it (after its
// participants or criteria changed). tick_running() runs the clock for every
// loaded exercise that is running.
//
// Thread safety: LiveExercise and ExerciseRegistry are thread-safe. The
// Store passed to each call is the caller's (one per thread).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <kunren/exercise/engine.hpp>
#include <kunren/store/store.hpp>

namespace kunren::exercise {

// Who sees an event in the drill: the facilitator (and observers) see
// everything; a participant in `role` sees the injects addressed to the role
// or to everyone, the clock's start/pause/resume/speed/end, and the team's
// reports, decisions, contacts, evidence and notes — never observations or
// which contingencies were skipped.
bool visible_to(const model::ExerciseEvent& event, std::string_view role);

class LiveExercise {
 public:
  // Called with each batch of stored events, in seq order, under the
  // exercise's lock (announce them; do not call back into this object).
  using Listener =
      std::function<void(const LiveExercise&, const Engine&, const std::vector<model::ExerciseEvent>&)>;

  LiveExercise(store::ExerciseRecord record, std::shared_ptr<const model::Scenario> scenario, const Clock& clock);

  const std::string& id() const { return m_record.id; }
  // The record as loaded (participants, criteria, org, campaign).
  const store::ExerciseRecord& record() const { return m_record; }

  // Runs `command` against the engine and stores what it produces. Returns
  // the stored events (none if the command produced none).
  using Command = std::function<Result<Pending>(Engine&)>;
  Result<std::vector<model::ExerciseEvent>> run(store::Store& store, const Command& command);
  // Calls `read` with the engine under the lock.
  void with_state(const std::function<void(const Engine&)>& read) const;

  void set_listener(Listener listener);

  // Folds the events stored by others since the last one known.
  Status catch_up(store::Store& store);
  Status replay(const std::vector<model::ExerciseEvent>& events);

 private:
  store::ExerciseRecord m_record;
  mutable std::mutex m_mutex;
  Engine m_engine;
  Listener m_listener;
};

class ExerciseRegistry {
 public:
  // `parse` turns a stored scenario (canonical JSON) into a Scenario.
  using ScenarioParser = std::function<Result<model::Scenario>(const std::string& content, const std::string& name)>;
  ExerciseRegistry(const Clock& clock, ScenarioParser parse, LiveExercise::Listener listener = {});

  // The live exercise `id`, loaded from `store` if it is not loaded yet.
  // NotFound for an unknown id.
  Result<std::shared_ptr<LiveExercise>> get(store::Store& store, const std::string& id);
  void forget(const std::string& id);
  // Runs Engine::tick for every loaded running exercise. Returns the number
  // of events stored. Errors are reported through `on_error` and do not stop
  // the other exercises.
  std::size_t tick_running(store::Store& store, const std::function<void(const std::string&, const Status&)>& on_error);

  const Clock& clock() const { return m_clock; }

 private:
  const Clock& m_clock;
  ScenarioParser m_parse;
  LiveExercise::Listener m_listener;
  std::mutex m_mutex;  // guards m_live
  std::map<std::string, std::shared_ptr<LiveExercise>> m_live;
};

}  // namespace kunren::exercise
