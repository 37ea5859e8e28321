// Drill routes under /api/v1/exercises (docs/api.md "Drills"): planning a
// drill (create, participants), the facilitator's controls (clock, injects),
// everyone's actions in their role, the live picture and its event stream
// (with Last-Event-ID replay), and the log (download, verification).
#include <kunren/server/api.hpp>

#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <kunren/exercise/live.hpp>
#include <kunren/exercise/plan.hpp>
#include <kunren/io/builtin.hpp>
#include <kunren/exercise/log_export.hpp>
#include <kunren/io/scenario_io.hpp>
#include <kunren/server/events.hpp>
#include <kunren/server/exercise_support.hpp>
#include <kunren/server/prep_support.hpp>
#include <kunren/util/utf8.hpp>

namespace kunren::server {

using nlohmann::json;

// --- shared (exercise_support.hpp) ------------------------------------------------

std::string exercise_part(const Principal& who, const store::ExerciseRecord& record) {
  const Resource what = Resource::of(record, who.login);
  if (authorize(who, Action::kRunExercise, what)) return "facilitator";
  if (authorize(who, Action::kViewExerciseConsole, what)) return "observer";
  if (authorize(who, Action::kTakePart, what)) return what.exercise_role;
  if (authorize(who, Action::kViewExerciseRecord, what)) return "record";
  return {};
}

std::variant<ExerciseCall, HttpResponse> exercise_call(ApiContext& c, const HttpRequest& r, const std::string& id,
                                                       bool changes_state) {
  auto got = caller(c, r, changes_state);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  Caller& who = std::get<Caller>(got);
  if (!c.exercises) return HttpResponse::error(503, "unavailable", "drills are not enabled on this server");
  auto live = c.exercises->get(*who.db, id);
  if (!live) return HttpResponse::from_status(live.status());
  ExerciseCall call{std::move(who), std::move(live).value(), {}};
  call.part = exercise_part(call.who.who, call.live->record());
  return call;
}

json event_json(const model::ExerciseEvent& e) {
  return {{"seq", e.seq},
          {"at", e.at},
          {"scenario_ms", e.scenario_ms},
          {"time", model::format_scenario_time(e.scenario_ms / 1000)},
          {"actor", e.actor},
          {"role", e.role},
          {"kind", e.kind},
          {"payload", json::parse(e.payload, nullptr, false)}};
}

json exercise_summary_json(const store::ExerciseRecord& r) {
  json participants = json::array();
  for (const auto& p : r.participants) participants.push_back({{"login", p.login}, {"role", p.role}});
  return {{"id", r.id},
          {"title", r.title},
          {"org", r.org},
          {"campaign", r.campaign},
          {"state", model::to_string(r.state)},
          {"scenario", {{"id", r.scenario_id}, {"version", r.scenario_version}, {"sha256", r.scenario_sha256}}},
          {"participants", participants},
          {"created_at", r.created_at},
          {"updated_at", r.updated_at}};
}

namespace {

std::string time_text(std::int64_t ms) { return model::format_scenario_time(ms / 1000); }

json text_in(const json& localized, const std::string& lang) {
  if (localized.is_string()) return localized;
  if (!localized.is_object()) return "";
  for (const std::string& l : {lang, std::string("ja"), std::string("en")})
    if (localized.contains(l)) return localized[l];
  return localized.empty() ? json("") : localized.begin().value();
}

}  // namespace

json exercise_state_json(const exercise::LiveExercise& live, const exercise::Engine& engine,
                         const std::string& view_role, const std::string& lang) {
  const auto& s = engine.scenario();
  const auto& st = engine.state();
  const bool all = view_role == exercise::k_facilitator_role;
  const std::int64_t now = engine.now_ms();
  const auto first = exercise::first_inject_ms(st);
  const auto& rec = live.record();

  json out;
  out["exercise"] = exercise_summary_json(rec);
  out["exercise"]["state"] = model::to_string(st.state);
  out["scenario"] = {{"id", s.id}, {"version", s.version}, {"title", s.title.text(lang)}};
  if (all) out["scenario"]["narrative"] = s.narrative.text(lang);
  out["clock"] = {{"state", model::to_string(st.state)},
                  {"speed", st.speed},
                  {"scenario_ms", now},
                  {"time", time_text(now)},
                  {"anchor_ms", st.anchor_ms},
                  {"anchor_clock_ms", st.anchor_clock_ms},
                  {"clock_ms", engine.clock_ms()}};
  out["last_seq"] = st.last_seq;
  out["last_hash"] = st.last_hash;
  out["view"] = view_role;

  json roles = json::array();
  for (const auto& r : s.roles) roles.push_back({{"id", r.id}, {"title", r.title.text(lang)}, {"lead", r.lead}});
  out["roles"] = roles;

  json injects = json::array();
  for (const auto& d : st.delivered) {
    const auto& p = d.payload;
    const auto& to = p.value("to", json::array());
    const bool mine = to.empty() || std::any_of(to.begin(), to.end(), [&](const auto& r) { return r == view_role; });
    if (!all && !mine) continue;
    json j = {{"seq", d.seq},
              {"inject", d.inject},
              {"scenario_ms", d.scenario_ms},
              {"time", time_text(d.scenario_ms)},
              {"title", text_in(p.value("title", json()), lang)},
              {"body", text_in(p.value("body", json()), lang)},
              {"to", to},
              {"from", p.value("from", "")},
              {"delivery", p.value("delivery", "")},
              {"decision_points", p.value("decision_points", json::array())},
              {"trigger", d.trigger}};
    if (all) {
      json ex = json::array();
      for (const auto& e : engine.expectations(d)) {
        ex.push_back({{"kind", model::to_string(e.expectation->kind)},
                      {"decision_point", e.expectation->decision_point},
                      {"contact", e.expectation->contact},
                      {"role", e.expectation->role},
                      {"text", e.expectation->text.text(lang)},
                      {"met_seq", e.met_seq},
                      {"met_time", e.met_seq ? time_text(e.met_ms) : ""},
                      {"deadline_time", e.deadline_ms >= 0 ? time_text(e.deadline_ms) : ""},
                      {"deadline_ms", e.deadline_ms >= 0 ? json(e.deadline_ms) : json(nullptr)},
                      {"overdue", e.overdue(now)}});
      }
      j["expects"] = ex;
    }
    injects.push_back(j);
  }
  out["injects"] = injects;

  if (all) {
    json upcoming = json::array();
    for (const auto& i : s.injects) {
      if (st.done.count(i.id)) continue;
      upcoming.push_back({{"inject", i.id},
                          {"at_ms", i.at * 1000},
                          {"time", model::format_scenario_time(i.at)},
                          {"title", i.title.text(lang)},
                          {"to", i.to},
                          {"contingency", i.contingency ? json(i.contingency->unless) : json(nullptr)}});
    }
    out["upcoming"] = upcoming;
    json skipped = json::array();
    for (const auto& id : st.skipped) skipped.push_back(id);
    out["skipped"] = skipped;
    json objectives = json::array();
    for (const auto& o : s.objectives) objectives.push_back({{"id", o.id}, {"title", o.title.text(lang)}});
    out["objectives"] = objectives;
    json observations = json::array();
    for (const auto& o : st.observations)
      observations.push_back({{"seq", o.seq}, {"time", time_text(o.scenario_ms)}, {"actor", o.actor},
                              {"objective", o.objective}, {"rating", o.rating}, {"text", o.text}});
    out["observations"] = observations;
  }

  json board = json::array();
  for (const auto& [id, r] : st.reports) {
    board.push_back({{"id", id},
                     {"time", time_text(r.scenario_ms)},
                     {"scenario_ms", r.scenario_ms},
                     {"actor", r.actor},
                     {"role", r.role},
                     {"what", r.what},
                     {"line", r.line},
                     {"asset", r.asset},
                     {"seen_at", r.seen_at},
                     {"impact", r.impact},
                     {"source", r.source},
                     {"status", r.status},
                     {"duplicate_of", r.duplicate_of},
                     {"thread", r.thread},
                     {"duplicates", r.duplicates}});
  }
  out["board"] = board;
  out["may_edit_board"] = engine.may_edit_board(view_role);

  json criteria = rec.criteria.empty() ? json::object() : json::parse(rec.criteria, nullptr, false);
  if (!criteria.is_object()) criteria = json::object();
  json dps = json::array();
  for (const auto& d : exercise::decision_point_status(s, st)) {
    json options = json::array();
    for (const auto& o : d.point->options) options.push_back({{"id", o.id}, {"label", o.label.text(lang)}});
    json j = {{"id", d.point->id},
              {"kind", model::to_string(d.point->kind)},
              {"prompt", d.point->prompt.text(lang)},
              {"options", options},
              {"roles", d.point->roles},
              {"raised", d.raised_ms >= 0},
              {"raised_time", d.raised_ms >= 0 ? time_text(d.raised_ms) : ""},
              {"decisions", d.decisions},
              {"contacts", d.contacts},
              {"criteria", criteria.value(d.point->id, json::object())},
              {"may_decide", all || d.point->roles.empty() ||
                                 std::find(d.point->roles.begin(), d.point->roles.end(), view_role) !=
                                     d.point->roles.end()}};
    if (d.latest) {
      std::string label;
      for (const auto& o : d.point->options)
        if (o.id == d.latest->option) label = o.label.text(lang);
      j["latest"] = {{"seq", d.latest->seq},           {"time", time_text(d.latest->scenario_ms)},
                     {"option", d.latest->option},     {"label", label},
                     {"rationale", d.latest->rationale}, {"decided_by", d.latest->decided_by},
                     {"role", d.latest->role},         {"criteria", d.latest->criteria}};
    }
    if (!all && d.raised_ms < 0 && !d.latest) continue;  // participants: raised or decided only
    dps.push_back(j);
  }
  out["decision_points"] = dps;

  json contacts = json::array();
  for (const auto& c : st.contacts)
    contacts.push_back({{"seq", c.seq}, {"time", time_text(c.scenario_ms)}, {"role", c.role}, {"to", c.to},
                        {"to_role", c.to_role}, {"name", c.name}, {"channel", c.channel}, {"summary", c.summary},
                        {"decision_point", c.decision_point}});
  out["contacts"] = contacts;
  json evidence = json::array();
  for (const auto& [id, e] : st.evidence) {
    json custody = json::array();
    for (const auto& c : e.custody)
      custody.push_back({{"seq", c.seq}, {"time", time_text(c.scenario_ms)}, {"from", c.from}, {"to", c.to},
                         {"note", c.note}});
    evidence.push_back({{"id", id}, {"time", time_text(e.scenario_ms)}, {"role", e.role}, {"asset", e.asset},
                        {"type", e.type}, {"method", e.method}, {"collected_by", e.collected_by}, {"file", e.file},
                        {"sha256", e.sha256}, {"stored_at", e.stored_at}, {"note", e.note}, {"custody", custody}});
  }
  out["evidence"] = evidence;
  json notes = json::array();
  for (const auto& n : st.notes)
    notes.push_back({{"seq", n.seq}, {"time", time_text(n.scenario_ms)}, {"role", n.role}, {"text", n.text}});
  out["notes"] = notes;

  json metrics = json::array();
  const std::int64_t since_first = first ? now - *first : 0;
  for (const auto& m : exercise::compute_metrics(s, st)) {
    metrics.push_back({{"id", m.id},
                       {"label", m.label.text(lang)},
                       {"value_ms", m.value_ms ? json(*m.value_ms) : json(nullptr)},
                       {"value", m.value_ms ? time_text(*m.value_ms) : ""},
                       {"target_ms", m.target_ms},
                       {"target", m.target_ms ? time_text(m.target_ms) : ""},
                       {"seq", m.seq},
                       {"verdict", m.verdict(since_first)}});
  }
  out["metrics"] = metrics;
  out["first_inject_ms"] = first ? json(*first) : json(nullptr);

  json types = json::array();
  for (const auto& t : model::evidence_catalogue()) types.push_back({{"id", t.id}, {"name", t.name.text(lang)}});
  out["evidence_types"] = types;
  out["contact_targets"] = model::contact_targets();
  return out;
}

exercise::LiveExercise::Listener exercise_announcer(EventHub& hub) {
  return [&hub](const exercise::LiveExercise& live, const exercise::Engine& engine,
                const std::vector<model::ExerciseEvent>& events) {
    std::vector<std::string> roles;
    for (const auto& r : engine.scenario().roles) roles.push_back(r.id);
    for (const auto& e : events) {
      Event out{static_cast<std::uint64_t>(e.seq), e.kind,
                event_json(e).dump(-1, ' ', false, json::error_handler_t::replace)};
      hub.publish_as("exercise:" + live.id() + ":all", out);
      for (const auto& role : roles)
        if (exercise::visible_to(e, role)) hub.publish_as("exercise:" + live.id() + ":role:" + role, out);
    }
  };
}

exercise::ExerciseRegistry::ScenarioParser stored_scenario_parser() {
  return [](const std::string& content, const std::string& name) {
    io::ScenarioLoadOptions options;
    options.trusted = true;  // written by this program, checked when the exercise was created
    return io::parse_scenario(content, name, options);
  };
}

void tick_exercises(ApiContext& context, exercise::ExerciseRegistry& registry) {
  auto db = thread_store(context.db_url);
  if (!db) {
    spdlog::error("drill clock: {}", db.status().to_string());
    return;
  }
  registry.tick_running(**db, [](const std::string& id, const Status& status) {
    spdlog::error("drill clock: exercise {}: {}", id, status.to_string());
  });
}

namespace {

std::string lang_of(const HttpRequest& r) { return r.query_param("lang") == "en" ? "en" : "ja"; }

Status bad(std::string field, std::string message) {
  return Status::bad_input(std::move(message), Location({}, 0, 0, std::move(field)));
}

// Participants from a JSON list [{login, role}], checked (exercise/plan.hpp).
Result<std::vector<store::ExerciseParticipant>> read_participants(store::Store& db, const model::Scenario& s,
                                                                  const json& list) {
  std::vector<store::ExerciseParticipant> out;
  if (list.is_null()) return out;
  if (!list.is_array()) return bad("participants", "'participants' must be a list of {login, role}");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& p = list[i];
    if (!p.is_object() || !p.contains("login") || !p["login"].is_string() || !p.contains("role") ||
        !p["role"].is_string())
      return bad(fmt::format("participants[{}]", i), "each participant needs 'login' and 'role'");
    out.push_back({p["login"].get<std::string>(), p["role"].get<std::string>()});
  }
  return exercise::check_participants(db, s, std::move(out));
}

HttpResponse list_exercises(ApiContext& c, const HttpRequest& r) {
  auto got = caller(c, r, false);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  Caller& who = std::get<Caller>(got);
  if (auto refusal = refuse_unless(who, Action::kListExercises, Resource{})) return *refusal;
  auto all = who.db->list_exercises();
  if (!all) return HttpResponse::from_status(all.status());
  json out = json::array();
  for (const auto& e : *all) {
    const std::string part = exercise_part(who.who, e);
    if (part.empty()) continue;
    json j = exercise_summary_json(e);
    j["part"] = part;
    out.push_back(j);
  }
  return HttpResponse::json(200, {{"exercises", out}});
}

// POST /api/v1/exercises {id?, title, org, scenario | scenario_text, campaign?, participants?, criteria?}
// Without criteria, exercise::create_exercise takes the organisation's
// latest criteria record (a snapshot: later edits do not change this drill).
HttpResponse create_exercise(ApiContext& c, const HttpRequest& r) {
  auto got = caller(c, r, true);
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;
  Caller& who = std::get<Caller>(got);
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  const json& body = std::get<json>(parsed);
  auto text = [&](const char* name) {
    const json v = body.value(name, json());
    return v.is_string() ? v.get<std::string>() : std::string();
  };
  store::ExerciseRecord rec;
  rec.org = text("org");
  // Only facilitators, and for their own organisations: first whether the
  // caller may plan drills at all (for one of theirs), then for this one.
  Resource any_own;
  for (const auto& org : who.who.orgs)
    if (authorize(who.who, Action::kCreateExercise, Resource{.org = org})) any_own.org = org;
  if (auto refusal = refuse_unless(who, Action::kCreateExercise, any_own)) return *refusal;
  if (rec.org.empty()) return HttpResponse::error(422, "bad_input", "'org' is required", "org");
  if (auto refusal = refuse_unless(who, Action::kCreateExercise, Resource{.org = rec.org})) return *refusal;
  rec.title = text("title");
  if (rec.title.empty()) return HttpResponse::error(422, "bad_input", "'title' is required", "title");
  rec.campaign = text("campaign");
  rec.id = text("id");
  Result<model::Scenario> scenario = Status::bad_input("no scenario");
  if (!text("scenario_text").empty()) {
    scenario = io::parse_scenario(text("scenario_text"), "scenario_text");
    if (!scenario) {
      const auto& st = scenario.status();
      return HttpResponse::error(422, "bad_input", st.to_string(), "scenario_text");
    }
  } else {
    scenario = io::load_builtin_scenario(text("scenario"));
    if (!scenario) return HttpResponse::error(422, "bad_input", scenario.status().message(), "scenario");
  }
  if (body.contains("participants") && !body["participants"].is_null() && !body["participants"].is_array())
    return HttpResponse::error(422, "bad_input", "'participants' must be a list of {login, role}", "participants");
  exercise::Plan plan;
  plan.id = rec.id;
  plan.title = rec.title;
  plan.org = rec.org;
  plan.campaign = rec.campaign;
  plan.scenario = std::move(*scenario);
  plan.criteria = body.value("criteria", json());
  for (std::size_t i = 0; body.contains("participants") && body["participants"].is_array() &&
                          i < body["participants"].size();
       ++i) {
    const auto& p = body["participants"][i];
    if (!p.is_object() || !p.value("login", json()).is_string() || !p.value("role", json()).is_string())
      return HttpResponse::error(422, "bad_input", "each participant needs 'login' and 'role'",
                                 fmt::format("participants[{}]", i));
    plan.participants.push_back({p["login"].get<std::string>(), p["role"].get<std::string>()});
  }
  auto stored = exercise::create_exercise(*who.db, std::move(plan), store::Actor{"user:" + who.who.login});
  if (!stored) return HttpResponse::from_status(stored.status());
  HttpResponse res = HttpResponse::json(201, exercise_summary_json(*stored));
  res.headers.emplace_back("Location", "/api/v1/exercises/" + stored->id);
  return res;
}

#define KUNREN_EXERCISE_CALL(changes)                                              \
  auto got = exercise_call(c, r, p.at("id"), changes);                             \
  if (auto* refusal = std::get_if<HttpResponse>(&got)) return *refusal;            \
  ExerciseCall& call = std::get<ExerciseCall>(got);

// The audited 403 unless the caller may do `action` on this exercise.
std::optional<HttpResponse> refuse_exercise_unless(const ExerciseCall& call, Action action) {
  return refuse_unless(call.who, action, Resource::of(call.live->record(), call.who.who.login));
}

HttpResponse show_exercise(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_EXERCISE_CALL(false)
  if (call.part.empty()) return *refuse_exercise_unless(call, Action::kViewExerciseRecord);
  json out = exercise_summary_json(call.live->record());
  out["part"] = call.part;
  call.live->with_state([&](const exercise::Engine& e) { out["state"] = model::to_string(e.state().state); });
  return HttpResponse::json(200, out);
}

HttpResponse exercise_state(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_EXERCISE_CALL(false)
  if (call.part.empty()) return *refuse_exercise_unless(call, Action::kViewExerciseRecord);
  json out;
  const std::string lang = lang_of(r);
  call.live->with_state(
      [&](const exercise::Engine& e) { out = exercise_state_json(*call.live, e, call.view_role(), lang); });
  out["part"] = call.part;
  // The organisation's contact tree as it is now (not a snapshot): whoever
  // takes part may reach for it, though they may not open the record itself.
  auto tree = drill_contact_tree_json(*call.who.db, call.live->record().org, today_utc());
  if (!tree) return HttpResponse::from_status(tree.status());
  out["contact_tree"] = *tree;
  return HttpResponse::json(200, out);
}

HttpResponse set_participants(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_EXERCISE_CALL(true)
  if (auto refusal = refuse_exercise_unless(call, Action::kRunExercise)) return *refusal;
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  std::shared_ptr<const model::Scenario> scenario;
  call.live->with_state([&](const exercise::Engine& e) { scenario = e.scenario_ptr(); });
  const json& body = std::get<json>(parsed);
  if (!body.contains("participants") || !body["participants"].is_array())
    return HttpResponse::error(422, "bad_input", "'participants' must be a list of {login, role}", "participants");
  auto participants = read_participants(*call.who.db, *scenario, body["participants"]);
  if (!participants) return HttpResponse::from_status(participants.status());
  Status done = call.who.db->set_exercise_participants(call.live->id(), *participants,
                                                       store::Actor{"user:" + call.who.who.login});
  if (!done.is_ok()) return HttpResponse::from_status(done);
  c.exercises->forget(call.live->id());  // reloaded with its new participants on next use
  auto stored = call.who.db->get_exercise(call.live->id());
  if (!stored) return HttpResponse::from_status(stored.status());
  return HttpResponse::json(200, exercise_summary_json(*stored));
}

HttpResponse stored_answer(const Result<std::vector<model::ExerciseEvent>>& stored) {
  if (!stored) return HttpResponse::from_status(stored.status());
  json events = json::array();
  for (const auto& e : *stored) events.push_back(event_json(e));
  return HttpResponse::json(200, {{"events", events}});
}

// POST /api/v1/exercises/{id}/control {"action": …, "speed": …}
HttpResponse control(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_EXERCISE_CALL(true)
  if (auto refusal = refuse_exercise_unless(call, Action::kRunExercise)) return *refusal;
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  const json body = std::get<json>(parsed);
  const std::string actor = "user:" + call.who.who.login;
  auto stored = call.live->run(*call.who.db, [&](exercise::Engine& e) { return e.control(actor, body); });
  if (stored && (body.value("action", "") == "start" || body.value("action", "") == "resume")) {
    // What is due now (the first inject at +00:00) arrives at once, not at the next tick.
    auto due = call.live->run(*call.who.db, [](exercise::Engine& e) -> Result<exercise::Pending> { return e.tick(); });
    if (due) stored->insert(stored->end(), due->begin(), due->end());
  }
  return stored_answer(stored);
}

// POST /api/v1/exercises/{id}/injects {"inject": id} (deliver now) or
// {"title", "body", "to", "delivery"} (an ad-hoc inject).
HttpResponse post_inject(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_EXERCISE_CALL(true)
  if (auto refusal = refuse_exercise_unless(call, Action::kRunExercise)) return *refusal;
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  const json body = std::get<json>(parsed);
  const std::string actor = "user:" + call.who.who.login;
  if (body.contains("inject")) {
    if (!body["inject"].is_string()) return HttpResponse::error(422, "bad_input", "'inject' must be an inject id", "inject");
    const std::string id = body["inject"];
    return stored_answer(call.live->run(*call.who.db, [&](exercise::Engine& e) { return e.trigger(actor, id); }));
  }
  return stored_answer(call.live->run(*call.who.db, [&](exercise::Engine& e) { return e.adhoc(actor, body); }));
}

// POST /api/v1/exercises/{id}/actions {"kind": …, "payload": {…}}
HttpResponse post_action(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_EXERCISE_CALL(true)
  std::string role;
  if (call.runs()) {
    role = std::string(exercise::k_facilitator_role);
  } else if (auto refusal = refuse_exercise_unless(call, Action::kTakePart)) {
    return *refusal;
  } else {
    role = call.part;
  }
  auto parsed = json_body(r);
  if (auto* refusal = std::get_if<HttpResponse>(&parsed)) return *refusal;
  const json body = std::get<json>(parsed);
  const json kind = body.value("kind", json());
  if (!kind.is_string()) return HttpResponse::error(422, "bad_input", "'kind' is required", "kind");
  const json payload = body.value("payload", json::object());
  const std::string actor = "user:" + call.who.who.login;
  auto stored = call.live->run(*call.who.db, [&](exercise::Engine& e) {
    return e.act(actor, role, kind.get<std::string>(), payload);
  });
  if (!stored) {
    // Name the payload's field as the request field.
    Status st = stored.status();
    if (st.kind() == ErrorKind::kBadInput && !st.where().field.empty() && st.where().field != "kind" &&
        st.where().field != "role")
      return HttpResponse::error(422, "bad_input", st.message(), "payload." + st.where().field);
  }
  return stored_answer(stored);
}

// GET /api/v1/exercises/{id}/events: the drill's live stream for the
// caller's view; Last-Event-ID (a seq) replays what came after it.
HttpResponse exercise_events(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_EXERCISE_CALL(false)
  if (call.part.empty() || call.part == "record") {
    return *refuse_exercise_unless(call, call.part.empty() ? Action::kTakePart : Action::kViewExerciseConsole);
  }
  if (!c.events) return HttpResponse::error(503, "unavailable", "live events are not enabled on this server");
  std::int64_t after = 0;
  const std::string_view last = r.header("last-event-id");
  if (!last.empty()) {
    try {
      after = std::stoll(std::string(last));
    } catch (const std::exception&) {
      after = 0;
    }
  }
  const std::string role = call.view_role();
  const std::string topic =
      "exercise:" + call.live->id() + (role == exercise::k_facilitator_role ? ":all" : ":role:" + role);
  std::shared_ptr<EventStream> stream;
  // Under the exercise's lock, which announcements also hold: the backlog and
  // the stream meet without a gap or an overlap.
  call.live->with_state([&](const exercise::Engine& e) {
    std::vector<Event> backlog;
    for (const auto& ev : e.state().events) {
      if (ev.seq <= after || !exercise::visible_to(ev, role)) continue;
      backlog.push_back(Event{static_cast<std::uint64_t>(ev.seq), ev.kind,
                              event_json(ev).dump(-1, ' ', false, json::error_handler_t::replace)});
    }
    stream = c.events->subscribe_from(topic, static_cast<std::uint64_t>(after), std::move(backlog));
  });
  return HttpResponse::event_stream(stream);
}

HttpResponse exercise_log(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_EXERCISE_CALL(false)
  if (!call.sees_all()) return *refuse_exercise_unless(call, Action::kViewExerciseConsole);
  std::vector<model::ExerciseEvent> events;
  call.live->with_state([&](const exercise::Engine& e) { events = e.state().events; });
  const bool csv = r.query_param("format") == "csv";
  HttpResponse res;
  res.body = csv ? exercise::log_csv(events) : exercise::log_jsonl(events);
  res.content_type = csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
  res.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}-log.{}\"", call.live->id(),
                                                              csv ? "csv" : "jsonl"));
  return res;
}

HttpResponse verify_log(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  KUNREN_EXERCISE_CALL(false)
  if (!call.sees_all()) return *refuse_exercise_unless(call, Action::kViewExerciseConsole);
  // From the store, not the memory: the point is to check what is kept.
  auto events = call.who.db->list_exercise_events(call.live->id());
  if (!events) return HttpResponse::from_status(events.status());
  auto broken = model::verify_chain(*events);
  json out = {{"events", events->size()}, {"verified", !broken}};
  if (broken) {
    out["broken_at"] = broken->seq;
    out["reason"] = broken->reason;
  } else {
    out["last_hash"] = events->empty() ? std::string(model::k_genesis_hash) : events->back().hash;
  }
  return HttpResponse::json(200, out);
}

}  // namespace

void add_exercise_routes(Router& router, ApiContext& context) {
  router.add("GET", "/api/v1/exercises", "exercise.list",
             [&context](const HttpRequest& r, const RouteParams&) { return list_exercises(context, r); });
  router.add("POST", "/api/v1/exercises", "exercise.create",
             [&context](const HttpRequest& r, const RouteParams&) { return create_exercise(context, r); });
  router.add("GET", "/api/v1/exercises/{id}", "exercise.show",
             [&context](const HttpRequest& r, const RouteParams& p) { return show_exercise(context, r, p); });
  router.add("GET", "/api/v1/exercises/{id}/state", "exercise.state",
             [&context](const HttpRequest& r, const RouteParams& p) { return exercise_state(context, r, p); });
  router.add("PUT", "/api/v1/exercises/{id}/participants", "exercise.participants",
             [&context](const HttpRequest& r, const RouteParams& p) { return set_participants(context, r, p); });
  router.add("POST", "/api/v1/exercises/{id}/control", "exercise.control",
             [&context](const HttpRequest& r, const RouteParams& p) { return control(context, r, p); });
  router.add("POST", "/api/v1/exercises/{id}/injects", "exercise.inject",
             [&context](const HttpRequest& r, const RouteParams& p) { return post_inject(context, r, p); });
  router.add("POST", "/api/v1/exercises/{id}/actions", "exercise.act",
             [&context](const HttpRequest& r, const RouteParams& p) { return post_action(context, r, p); });
  router.add("GET", "/api/v1/exercises/{id}/events", "exercise.events",
             [&context](const HttpRequest& r, const RouteParams& p) { return exercise_events(context, r, p); });
  router.add("GET", "/api/v1/exercises/{id}/log", "exercise.log",
             [&context](const HttpRequest& r, const RouteParams& p) { return exercise_log(context, r, p); });
  router.add("GET", "/api/v1/exercises/{id}/verify", "exercise.verify",
             [&context](const HttpRequest& r, const RouteParams& p) { return verify_log(context, r, p); });
}

}  // namespace kunren::server
