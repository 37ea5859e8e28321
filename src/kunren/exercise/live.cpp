#include <kunren/exercise/live.hpp>

#include <algorithm>

#include <fmt/format.h>

namespace kunren::exercise {

bool visible_to(const model::ExerciseEvent& event, std::string_view role) {
  if (role == k_facilitator_role) return true;
  if (event.kind == "observation") return false;
  if (event.kind == "inject") {
    const auto p = nlohmann::json::parse(event.payload, nullptr, false);
    if (p.is_discarded()) return false;
    const auto& to = p.value("to", nlohmann::json::array());
    return to.empty() || std::any_of(to.begin(), to.end(), [&](const auto& r) { return r == role; });
  }
  if (event.kind == "control") {
    const auto p = nlohmann::json::parse(event.payload, nullptr, false);
    return !p.is_discarded() && p.value("action", "") != "contingency-skipped";
  }
  return true;
}

LiveExercise::LiveExercise(store::ExerciseRecord record, std::shared_ptr<const model::Scenario> scenario,
                           const Clock& clock)
    : m_record(std::move(record)), m_engine(std::move(scenario), clock) {}

void LiveExercise::set_listener(Listener listener) {
  std::lock_guard lock(m_mutex);
  m_listener = std::move(listener);
}

void LiveExercise::with_state(const std::function<void(const Engine&)>& read) const {
  std::lock_guard lock(m_mutex);
  read(m_engine);
}

Status LiveExercise::replay(const std::vector<model::ExerciseEvent>& events) {
  std::lock_guard lock(m_mutex);
  return m_engine.commit(events);
}

Status LiveExercise::catch_up(store::Store& store) {
  std::lock_guard lock(m_mutex);
  auto missed = store.list_exercise_events(m_record.id, m_engine.state().last_seq);
  if (!missed) return missed.status();
  KUNREN_RETURN_IF_ERROR(m_engine.commit(*missed));
  if (m_listener && !missed->empty()) m_listener(*this, m_engine, *missed);
  return Status::ok();
}

Result<std::vector<model::ExerciseEvent>> LiveExercise::run(store::Store& store, const Command& command) {
  std::lock_guard lock(m_mutex);
  for (int attempt = 0;; ++attempt) {
    auto pending = command(m_engine);
    if (!pending) {
      // Refused on this engine's picture; another writer (a second server
      // on the same database) may have moved the drill on. Look once.
      if (attempt > 0 || pending.status().kind() == ErrorKind::kInternal) return pending.status();
      auto missed = store.list_exercise_events(m_record.id, m_engine.state().last_seq);
      if (!missed) return missed.status();
      if (missed->empty()) return pending.status();
      KUNREN_RETURN_IF_ERROR(m_engine.commit(*missed));
      if (m_listener) m_listener(*this, m_engine, *missed);
      continue;
    }
    if (pending->empty()) return std::vector<model::ExerciseEvent>{};
    auto stored = store.append_exercise_events(m_record.id, m_engine.state().last_seq, pending->events,
                                               pending->new_state);
    if (!stored) {
      const bool stale = stored.status().kind() == ErrorKind::kConflict &&
                         stored.status().message().find("stale") != std::string::npos;
      if (!stale || attempt > 0) return stored.status();
      // Another writer came first: fold what it wrote, then try again.
      auto missed = store.list_exercise_events(m_record.id, m_engine.state().last_seq);
      if (!missed) return missed.status();
      KUNREN_RETURN_IF_ERROR(m_engine.commit(*missed));
      if (m_listener && !missed->empty()) m_listener(*this, m_engine, *missed);
      continue;
    }
    KUNREN_RETURN_IF_ERROR(m_engine.commit(*stored));
    if (pending->new_state) m_record.state = *pending->new_state;
    if (m_listener) m_listener(*this, m_engine, *stored);
    return stored;
  }
}

ExerciseRegistry::ExerciseRegistry(const Clock& clock, ScenarioParser parse, LiveExercise::Listener listener)
    : m_clock(clock), m_parse(std::move(parse)), m_listener(std::move(listener)) {}

Result<std::shared_ptr<LiveExercise>> ExerciseRegistry::get(store::Store& store, const std::string& id) {
  {
    std::lock_guard lock(m_mutex);
    if (auto it = m_live.find(id); it != m_live.end()) return it->second;
  }
  auto record = store.get_exercise(id);
  if (!record) return record.status();
  auto scenario = m_parse(record->scenario_content, fmt::format("exercise {} scenario", id));
  if (!scenario) return scenario.status();
  auto events = store.list_exercise_events(id);
  if (!events) return events.status();
  auto live = std::make_shared<LiveExercise>(std::move(*record),
                                             std::make_shared<const model::Scenario>(std::move(*scenario)), m_clock);
  KUNREN_RETURN_IF_ERROR(live->replay(*events));
  live->set_listener(m_listener);
  std::lock_guard lock(m_mutex);
  // Another thread may have loaded it meanwhile: keep the first.
  auto [it, inserted] = m_live.emplace(id, live);
  return it->second;
}

void ExerciseRegistry::forget(const std::string& id) {
  std::lock_guard lock(m_mutex);
  m_live.erase(id);
}

std::size_t ExerciseRegistry::tick_running(store::Store& store,
                                           const std::function<void(const std::string&, const Status&)>& on_error) {
  std::vector<std::shared_ptr<LiveExercise>> live;
  {
    std::lock_guard lock(m_mutex);
    for (const auto& [id, ex] : m_live) live.push_back(ex);
  }
  std::size_t stored = 0;
  for (const auto& ex : live) {
    bool running = false;
    ex->with_state([&](const Engine& e) { running = e.state().state == model::ExerciseState::kRunning; });
    if (!running) continue;
    auto result = ex->run(store, [](Engine& e) -> Result<Pending> { return e.tick(); });
    if (!result) {
      if (on_error) on_error(ex->id(), result.status());
      continue;
    }
    stored += result->size();
  }
  return stored;
}

}  // namespace kunren::exercise
