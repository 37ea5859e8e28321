// The drill pages (issue "Live drills"):
//
//   GET /exercises               the drills the user may see, each with its state
//                                and the user's part; for facilitators, the form
//                                that plans a new drill (POST /api/v1/exercises)
//   GET /exercises/{id}          the facilitator's console (facilitator; observers
//                                read-only) or the participant's view (a role);
//                                "record" readers are sent to the review
//   GET /exercises/{id}/review   after the drill: overview, timeline chart,
//                                metrics, decisions, board, evidence, observations,
//                                the log and its verification (prints on A4)
//
// Access is the API's: server::exercise_call decides the part a user plays;
// no part is the audited 403 page. The live pages are rendered with the
// drill's state as the API gives it to the same user (exercise_state_json in
// the user's view, so a participant's page never holds an inject that is not
// addressed to their role), handed to the scripts in a JSON block; the
// scripts (exercise.js and the page's own) draw the live regions from it and
// from GET …/state after each event of the stream. The review is rendered
// here entirely, its timeline chart by report::render_timeline_svg.
#include <kunren/web/pages.hpp>

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include <kunren/exercise/live.hpp>
#include <kunren/io/builtin.hpp>
#include <kunren/report/timeline_svg.hpp>
#include <kunren/server/authorize.hpp>
#include <kunren/server/exercise_support.hpp>
#include <kunren/server/prep_support.hpp>
#include <kunren/web/i18n.hpp>
#include <kunren/web/templates.hpp>

namespace kunren::web {

using nlohmann::json;
using server::Action;
using server::ExerciseCall;
using server::Resource;

namespace {

// The built-in scenarios, read once: id, title and role names.
struct ScenarioInfo {
  std::string id;
  model::LocalizedText title;
  std::vector<std::pair<std::string, model::LocalizedText>> roles;
};

const std::vector<ScenarioInfo>& builtin_scenarios() {
  static const std::vector<ScenarioInfo> k_all = [] {
    std::vector<ScenarioInfo> out;
    for (const std::string& id : io::builtin_scenario_ids()) {
      auto s = io::load_builtin_scenario(id);
      if (!s) continue;
      ScenarioInfo info{s->id, s->title, {}};
      for (const auto& r : s->roles) info.roles.emplace_back(r.id, r.title);
      out.push_back(std::move(info));
    }
    return out;
  }();
  return k_all;
}

const ScenarioInfo* builtin_scenario(const std::string& id) {
  for (const auto& s : builtin_scenarios())
    if (s.id == id) return &s;
  return nullptr;
}

std::string state_label(const std::string& lang, const std::string& state) {
  return text(lang, "exercise.state." + state);
}

// The user's part in words; `role_title` names a participant's role.
std::string part_label(const std::string& lang, const std::string& part, const std::string& role_title) {
  if (part == "facilitator" || part == "observer" || part == "record") return text(lang, "exercise.part." + part);
  return fill(text(lang, "exercise.part.role"), {{"role", role_title.empty() ? part : role_title}});
}

std::string role_title(const model::Scenario& s, const std::string& role, const std::string& lang) {
  if (role == exercise::k_facilitator_role) return text(lang, "exercise.part.facilitator");
  if (role.empty()) return text(lang, "exercise.system");
  if (const auto* r = s.find_role(role)) return r->title.text(lang);
  return role;
}

// The JSON error message of an API refusal, for the HTML page that replaces it.
std::string refusal_message(const HttpResponse& res) {
  const json body = json::parse(res.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object())
    return body["error"].value("message", std::string());
  return {};
}

// The caller's exercise for a page: a redirect to sign in, an HTML error
// page (404, 503) or the audited 403 page when the user has no part in it.
std::variant<ExerciseCall, HttpResponse> page_exercise(ApiContext& c, const HttpRequest& r, const std::string& id) {
  auto got = page_caller(c, r);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  auto call = server::exercise_call(c, r, id, false);
  if (auto* res = std::get_if<HttpResponse>(&call)) return error_page(r, &who, res->status, refusal_message(*res));
  ExerciseCall& ec = std::get<ExerciseCall>(call);
  if (ec.part.empty()) {
    if (auto refused = refuse_page_unless(r, ec.who, Action::kViewExerciseRecord,
                                          Resource::of(ec.live->record(), ec.who.who.login)))
      return *refused;
    return error_page(r, &who, 403, text(request_lang(r), "error.forbidden"));
  }
  return std::move(ec);
}

// Mustache takes an empty string for true: blanks become false (render as nothing).
void blank_to_false(json& v) {
  if (v.is_string() && v.get_ref<const std::string&>().empty()) {
    v = false;
  } else if (v.is_object() || v.is_array()) {
    for (auto& sub : v) blank_to_false(sub);
  }
}

// A timeline text without the scenario time it starts with (the log table
// has its own column for it).
std::string without_time(const std::string& text, std::int64_t scenario_ms) {
  const std::string prefix = model::format_scenario_time(scenario_ms / 1000) + " ";
  return text.rfind(prefix, 0) == 0 ? text.substr(prefix.size()) : text;
}

std::string org_name(store::Store& db, const std::string& id) {
  auto org = db.get_org(id);
  return org && !org->name.empty() ? org->name : id;
}

// --- /exercises ------------------------------------------------------------------

int state_rank(model::ExerciseState s) {
  switch (s) {
    case model::ExerciseState::kRunning: return 0;
    case model::ExerciseState::kPaused: return 1;
    case model::ExerciseState::kPlanned: return 2;
    case model::ExerciseState::kEnded: return 3;
  }
  return 4;
}

HttpResponse exercises_page(ApiContext& c, const HttpRequest& r) {
  auto got = page_caller(c, r);
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  Caller& who = std::get<Caller>(got);
  if (auto refused = refuse_page_unless(r, who, Action::kListExercises, {})) return *refused;
  const std::string lang = request_lang(r);
  auto all = who.db->list_exercises();
  if (!all) return status_page(r, &who, all.status());
  std::vector<store::ExerciseRecord> mine;
  for (auto& e : *all)
    if (!server::exercise_part(who.who, e).empty()) mine.push_back(std::move(e));
  std::stable_sort(mine.begin(), mine.end(), [](const auto& a, const auto& b) {
    if (state_rank(a.state) != state_rank(b.state)) return state_rank(a.state) < state_rank(b.state);
    return a.updated_at > b.updated_at;
  });
  std::map<std::string, std::string> org_names;
  json rows = json::array();
  for (const auto& e : mine) {
    const std::string part = server::exercise_part(who.who, e);
    const ScenarioInfo* info = builtin_scenario(e.scenario_id);
    std::string role;
    if (info)
      for (const auto& [id, title] : info->roles)
        if (id == part) role = title.text(lang);
    if (!org_names.count(e.org)) org_names[e.org] = org_name(*who.db, e.org);
    const std::string state = model::to_string(e.state);
    const bool live_page = part != "record";
    json row = {{"id", e.id},
                {"title", e.title},
                {"org", e.org},
                {"org_name", org_names[e.org]},
                {"state", state},
                {"state_label", state_label(lang, state)},
                {"scenario", info ? info->title.text(lang) : e.scenario_id},
                {"scenario_id", e.scenario_id},
                {"part", part},
                {"part_label", part_label(lang, part, role)},
                {"participants", e.participants.size()},
                {"updated_at", wall_time(e.updated_at)},
                {"href", exercise_href(e.id)},
                {"review_href", exercise_href(e.id) + "/review"},
                {"live_page", live_page},
                {"console", part == "facilitator" || part == "observer"},
                {"ended", e.state == model::ExerciseState::kEnded}};
    rows.push_back(std::move(row));
  }

  // Planning: the organisations the user may plan drills for, the built-in scenarios.
  json orgs = json::array();
  for (const std::string& org : who.who.orgs) {
    Resource own;
    own.org = org;
    if (!server::authorize(who.who, Action::kCreateExercise, own)) continue;
    orgs.push_back({{"id", org}, {"name", org_names.count(org) ? org_names[org] : org_name(*who.db, org)}});
  }
  json scenarios = json::array();
  json scenario_roles = json::object();
  for (const auto& s : builtin_scenarios()) {
    scenarios.push_back({{"id", s.id}, {"title", s.title.text(lang)}});
    json roles = json::array();
    for (const auto& [id, title] : s.roles) roles.push_back({{"id", id}, {"title", title.text(lang)}});
    scenario_roles[s.id] = roles;
  }

  Page page;
  page.name = "exercises";
  page.title = text(lang, "exercise.list.title");
  page.data = {{"exercises", rows},
               {"empty", rows.empty()},
               {"can_plan", !orgs.empty() && !scenarios.empty()},
               {"orgs", orgs},
               {"one_org", orgs.size() == 1},
               {"scenarios", scenarios},
               {"roles_json", script_json(scenario_roles)}};
  page.scripts = {"exercises.js"};
  page.styles = {"exercise.css"};
  page.script_texts = {"exercise"};
  blank_to_false(page.data);
  return render_page(r, &who, page);
}

// --- the live pages ----------------------------------------------------------------

json options_of(const std::string& lang, const std::string& prefix, const std::vector<std::string>& ids) {
  json out = json::array();
  for (const auto& id : ids) out.push_back({{"id", id}, {"label", text(lang, prefix + id)}});
  return out;
}

const std::vector<std::string>& channels() {
  static const std::vector<std::string> k = {"phone", "mail", "meeting", "chat", "fax", "radio", "other"};
  return k;
}
const std::vector<std::string>& deliveries() {
  static const std::vector<std::string> k = {"verbal", "phone", "mail", "alarm", "system"};
  return k;
}

// The organisation's contact tree for the "連絡網" panel of both live pages
// (server::drill_contact_tree_json, `tree`), with the labels the page shows.
json contact_tree_view(const json& tree, const model::Scenario& scenario, const std::string& lang) {
  if (!tree.is_object()) return {{"present", false}};
  json entries = json::array();
  for (const auto& e : tree["entries"]) {
    json j = e;
    const std::string function = e["function"];
    std::string label = function;
    if (const auto* role = scenario.find_role(function)) {
      label = role->title.text(lang);
    } else {
      const auto& targets = model::contact_targets();
      if (std::find(targets.begin(), targets.end(), function) != targets.end())
        label = text(lang, "exercise.target." + function);
    }
    j["function_label"] = label;
    if (e["escalation"].get<int>() <= 0) j["escalation"] = "";
    for (auto& c : j["channels"]) c["kind_label"] = text(lang, "prepare.contact.kind." + c["kind"].get<std::string>());
    entries.push_back(std::move(j));
  }
  const std::size_t stale = tree["stale_count"].get<std::size_t>();
  return {{"present", true},
          {"entries", entries},
          {"lead", fill(text(lang, "prepare.drill.lead"), {{"no", std::to_string(tree["no"].get<int>())}})},
          {"stale_text", stale ? fill(text(lang, "prepare.drill.stale_count"), {{"n", std::to_string(stale)}}) : ""}};
}

// What both live pages show: the drill, its state for the scripts, the clock.
json live_page_data(const ExerciseCall& call, const json& state, const model::Scenario& scenario,
                    const std::string& lang) {
  const auto& rec = call.live->record();
  const std::string st = state["clock"]["state"];
  json roles = json::array();
  for (const auto& r : scenario.roles) roles.push_back({{"id", r.id}, {"title", r.title.text(lang)}, {"lead", r.lead}});
  return {{"exercise", {{"id", rec.id}, {"title", rec.title}, {"org", rec.org}}},
          {"scenario_title", scenario.title.text(lang)},
          {"state", st},
          {"state_label", state_label(lang, st)},
          {"time", state["clock"]["time"]},
          {"speed", state["clock"]["speed"]},
          {"state_json", script_json(state)},
          {"api", api_href(rec.id)},
          {"events_url", api_href(rec.id) + "/events"},
          {"review_href", exercise_href(rec.id) + "/review"},
          {"roles", roles},
          {"contact_tree", contact_tree_view(state.value("contact_tree", json()), scenario, lang)}};
}

HttpResponse console_page(const HttpRequest& r, ExerciseCall& call, json state, const model::Scenario& scenario,
                          const std::string& lang) {
  json data = live_page_data(call, state, scenario, lang);
  data["eyebrow"] = text(lang, call.runs() ? "exercise.console.eyebrow" : "exercise.console.eyebrow_observer");
  data["runs"] = call.runs();
  data["observer"] = !call.runs();
  data["board_editable"] = call.runs();
  json speeds = json::array();
  for (int s : {1, 2, 5, 10}) speeds.push_back({{"value", s}, {"selected", state["clock"]["speed"] == s}});
  data["speeds"] = speeds;
  data["deliveries"] = options_of(lang, "exercise.delivery.", deliveries());
  json objectives = json::array();
  for (const auto& o : scenario.objectives) objectives.push_back({{"id", o.id}, {"title", o.title.text(lang)}});
  data["objectives"] = objectives;
  data["ratings"] = options_of(lang, "exercise.rating.", {"P", "S", "M", "U"});
  data["board_statuses"] = options_of(lang, "exercise.board.status.", {"unconfirmed", "confirmed", "resolved"});
  Page page;
  page.name = "exercise_console";
  page.title = call.live->record().title + " — " + text(lang, "exercise.console.eyebrow");
  page.data = data;
  page.scripts = {"exercise.js", "exercise_console.js"};
  page.styles = {"exercise.css", "prepare.css"};
  page.script_texts = {"exercise"};
  page.wide = true;
  blank_to_false(page.data);
  return render_page(r, &call.who, page);
}

HttpResponse participant_page(const HttpRequest& r, ExerciseCall& call, json state, const model::Scenario& scenario,
                              const std::string& lang) {
  json data = live_page_data(call, state, scenario, lang);
  const auto* role = scenario.find_role(call.part);
  data["role"] = {{"id", call.part},
                  {"title", role ? role->title.text(lang) : call.part},
                  {"description", role ? role->description.text(lang) : ""},
                  {"lead", role && role->lead}};
  data["eyebrow"] = text(lang, "exercise.participant.eyebrow");
  data["board_editable"] = role && role->lead;
  data["channels"] = options_of(lang, "exercise.channel.", channels());
  data["targets"] = options_of(lang, "exercise.target.", model::contact_targets());
  json types = json::array();
  for (const auto& t : model::evidence_catalogue())
    types.push_back({{"id", t.id}, {"label", t.name.text(lang)}, {"examples", t.examples.text(lang)}});
  data["evidence_types"] = types;
  json lines = json::array();
  for (const auto& l : scenario.plant.lines) lines.push_back({{"label", l.name.text(lang)}});
  json assets = json::array();
  for (const auto& s : scenario.plant.systems) assets.push_back({{"label", s.name.text(lang)}});
  data["lines"] = lines;
  data["assets"] = assets;
  data["board_statuses"] = options_of(lang, "exercise.board.status.", {"unconfirmed", "confirmed", "resolved"});
  Page page;
  page.name = "exercise_participant";
  page.title = call.live->record().title + " — " + (role ? role->title.text(lang) : call.part);
  page.data = data;
  page.scripts = {"exercise.js", "exercise_participant.js"};
  page.styles = {"exercise.css", "prepare.css"};
  page.script_texts = {"exercise", "prepare"};
  page.wide = true;
  blank_to_false(page.data);
  return render_page(r, &call.who, page);
}

HttpResponse exercise_page(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = page_exercise(c, r, p.at("id"));
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  ExerciseCall& call = std::get<ExerciseCall>(got);
  if (call.part == "record") return redirect(exercise_href(call.live->id()) + "/review");
  const std::string lang = request_lang(r);
  json state;
  std::shared_ptr<const model::Scenario> scenario;
  call.live->with_state([&](const exercise::Engine& e) {
    state = server::exercise_state_json(*call.live, e, call.view_role(), lang);
    scenario = e.scenario_ptr();
  });
  state["part"] = call.part;
  auto tree = server::drill_contact_tree_json(*call.who.db, call.live->record().org, server::today_utc());
  if (!tree) return status_page(r, &call.who, tree.status());
  state["contact_tree"] = *tree;
  if (call.sees_all()) return console_page(r, call, std::move(state), *scenario, lang);
  return participant_page(r, call, std::move(state), *scenario, lang);
}

// --- the review ----------------------------------------------------------------------

// Reports grouped by incident thread, each with the reports merged into it.
json board_groups(const json& board, const model::Scenario& scenario, const std::string& lang) {
  std::map<std::int64_t, json> by_id;
  for (const auto& b : board) by_id[b["id"].get<std::int64_t>()] = b;
  auto root_of = [&](std::int64_t id) {
    for (int guard = 0; guard < 1000 && by_id.count(id) && by_id[id]["duplicate_of"].get<std::int64_t>() != 0; ++guard)
      id = by_id[id]["duplicate_of"].get<std::int64_t>();
    return id;
  };
  auto row = [&](const json& b) {
    json out = b;
    const std::string status = b["status"];
    out["status_label"] = text(lang, "exercise.board.status." + status);
    out["role_title"] = role_title(scenario, b["role"], lang);
    out["duplicates"] = json::array();
    return out;
  };
  std::map<std::int64_t, json> tops;  // id → row
  for (const auto& [id, b] : by_id)
    if (b["duplicate_of"].get<std::int64_t>() == 0) tops[id] = row(b);
  for (const auto& [id, b] : by_id) {
    if (b["duplicate_of"].get<std::int64_t>() == 0) continue;
    const std::int64_t root = root_of(id);
    if (tops.count(root)) tops[root]["duplicates"].push_back(row(b));
  }
  std::map<std::int64_t, json> threads;  // thread → group
  for (auto& [id, t] : tops) {
    t["has_duplicates"] = !t["duplicates"].empty();
    t["duplicate_count"] = t["duplicates"].size();
    const std::int64_t thread = t["thread"].get<std::int64_t>() ? t["thread"].get<std::int64_t>() : id;
    if (!threads.count(thread)) threads[thread] = {{"thread", thread}, {"reports", json::array()}};
    threads[thread]["reports"].push_back(t);
  }
  json out = json::array();
  for (auto& [thread, g] : threads) {
    g["label"] = fill(text(lang, "exercise.board.thread"), {{"n", std::to_string(thread)}});
    g["count"] = fill(text(lang, "exercise.board.count"), {{"n", std::to_string(g["reports"].size())}});
    out.push_back(g);
  }
  return out;
}

HttpResponse review_page(ApiContext& c, const HttpRequest& r, const RouteParams& p) {
  auto got = page_exercise(c, r, p.at("id"));
  if (auto* res = std::get_if<HttpResponse>(&got)) return *res;
  ExerciseCall& call = std::get<ExerciseCall>(got);
  const std::string lang = request_lang(r);
  const std::string view = call.view_role();
  const auto& rec = call.live->record();
  json state;
  std::shared_ptr<const model::Scenario> scenario;
  std::vector<model::ExerciseEvent> events;
  std::vector<exercise::DecisionRecord> decisions;
  call.live->with_state([&](const exercise::Engine& e) {
    state = server::exercise_state_json(*call.live, e, view, lang);
    scenario = e.scenario_ptr();
    for (const auto& ev : e.state().events)
      if (exercise::visible_to(ev, view)) events.push_back(ev);
    decisions = e.state().decisions;
  });
  const model::Scenario& s = *scenario;

  // Overview.
  std::string started_at, ended_at;
  for (const auto& ev : events) {
    if (ev.kind != "control") continue;
    const json pl = json::parse(ev.payload, nullptr, false);
    if (pl.is_discarded()) continue;
    if (pl.value("action", "") == "start" && started_at.empty()) started_at = wall_time(ev.at);
    if (pl.value("action", "") == "end") ended_at = wall_time(ev.at);
  }
  json participants = json::array();
  for (const auto& part : rec.participants)
    participants.push_back({{"login", part.login}, {"role", role_title(s, part.role, lang)}});
  const std::string st = state["clock"]["state"];

  // Decisions, every one, under their decision point.
  json dps = json::array();
  for (const auto& d : state["decision_points"]) {
    json j = d;
    j["kind_label"] = text(lang, "exercise.dp.kind." + d["kind"].get<std::string>());
    const json& crit = d["criteria"];
    j["has_criteria"] = crit.is_object() && !crit.empty();
    j["criteria_who"] = crit.is_object() ? crit.value("who", "") : "";
    json conditions = json::array();
    if (crit.is_object() && crit.contains("conditions")) {
      if (crit["conditions"].is_array()) {
        for (const auto& c2 : crit["conditions"])
          if (c2.is_string()) conditions.push_back(c2);
      } else if (crit["conditions"].is_string()) {
        conditions.push_back(crit["conditions"]);
      }
    }
    j["criteria_conditions"] = conditions;
    json list = json::array();
    for (const auto& dr : decisions) {
      if (dr.decision_point != d["id"]) continue;
      std::string label = dr.option;
      if (const auto* point = s.find_decision_point(dr.decision_point))
        for (const auto& o : point->options)
          if (o.id == dr.option) label = o.label.text(lang);
      json ticks = json::array();
      for (const auto& c2 : dr.criteria)
        ticks.push_back({{"text", c2.value("text", "")}, {"met", c2.value("met", false)}});
      list.push_back({{"time", model::format_scenario_time(dr.scenario_ms / 1000)},
                      {"role", role_title(s, dr.role, lang)},
                      {"option", label},
                      {"rationale", dr.rationale},
                      {"information", dr.information},
                      {"decided_by", dr.decided_by},
                      {"criteria", ticks},
                      {"has_criteria", !ticks.empty()}});
    }
    j["decisions"] = list;
    j["decided"] = !list.empty();
    dps.push_back(j);
  }

  json metrics = json::array();
  for (const auto& m : state["metrics"]) {
    json j = m;
    j["verdict_label"] = text(lang, "exercise.metric.verdict." + m["verdict"].get<std::string>());
    metrics.push_back(j);
  }

  json contacts = json::array();
  for (const auto& ct : state["contacts"]) {
    json j = ct;
    j["role_title"] = role_title(s, ct["role"], lang);
    const std::string to = ct["to"];
    j["to_label"] = to == "role" ? role_title(s, ct["to_role"], lang) : text(lang, "exercise.target." + to);
    j["channel_label"] = text(lang, "exercise.channel." + ct["channel"].get<std::string>());
    contacts.push_back(j);
  }
  json evidence = json::array();
  for (const auto& ev : state["evidence"]) {
    json j = ev;
    j["role_title"] = role_title(s, ev["role"], lang);
    const auto* type = model::find_evidence_type(ev["type"].get<std::string>());
    j["type_label"] = type ? json(type->name.text(lang)) : ev["type"];
    j["has_custody"] = !ev["custody"].empty();
    evidence.push_back(j);
  }

  // Observations by objective (those who see everything).
  json objectives = json::array();
  if (call.sees_all()) {
    std::vector<std::pair<std::string, std::string>> order;
    for (const auto& o : s.objectives) order.emplace_back(o.id, o.title.text(lang));
    order.emplace_back("", text(lang, "exercise.review.no_objective"));
    for (const auto& [id, title] : order) {
      json list = json::array();
      for (const auto& o : state["observations"])
        if (o["objective"] == id)
          list.push_back({{"time", o["time"]}, {"rating", o["rating"]},
                          {"rating_label", text(lang, "exercise.rating." + o["rating"].get<std::string>())},
                          {"text", o["text"]}, {"actor", o["actor"]}});
      if (list.empty() && id.empty()) continue;
      objectives.push_back({{"id", id}, {"title", title}, {"observations", list}, {"has_observations", !list.empty()}});
    }
  }

  // The log, as the reader may see it, and its verification (from the store).
  json log = json::array();
  for (const auto& ev : events) {
    log.push_back({{"seq", ev.seq},
                   {"time", model::format_scenario_time(ev.scenario_ms / 1000)},
                   {"at", wall_time(ev.at)},
                   {"kind", ev.kind},
                   {"kind_label", text(lang, "exercise.kind." + ev.kind)},
                   {"role", role_title(s, ev.role, lang)},
                   {"actor", ev.actor},
                   {"text", without_time(report::timeline_event_text(ev, s, lang), ev.scenario_ms)}});
  }
  json verification = nullptr;
  if (call.sees_all()) {
    auto stored = call.who.db->list_exercise_events(rec.id);
    if (!stored) return status_page(r, &call.who, stored.status());
    auto broken = model::verify_chain(*stored);
    if (broken) {
      verification = {{"ok", false},
                      {"text", fill(text(lang, "exercise.review.verify_broken"),
                                    {{"seq", std::to_string(broken->seq)}, {"reason", broken->reason}})}};
    } else {
      verification = {{"ok", true},
                      {"text", fill(text(lang, "exercise.review.verify_ok"), {{"n", std::to_string(stored->size())}})}};
    }
  }

  json data = {{"exercise", {{"id", rec.id}, {"title", rec.title}, {"org", rec.org}, {"org_name", org_name(*call.who.db, rec.org)}}},
               {"scenario_title", s.title.text(lang)},
               {"scenario_id", s.id},
               {"scenario_version", s.version},
               {"state", st},
               {"state_label", state_label(lang, st)},
               {"ended", st == "ended"},
               {"part_label", part_label(lang, call.part, role_title(s, call.part, lang))},
               {"time", state["clock"]["time"]},
               {"started_at", started_at},
               {"ended_at", ended_at},
               {"participants", participants},
               {"has_participants", !participants.empty()},
               {"injects_delivered", state["injects"].size()},
               {"timeline_svg", report::render_timeline_svg(events, s, lang)},
               {"metrics", metrics},
               {"decision_points", dps},
               {"board", board_groups(state["board"], s, lang)},
               {"board_empty", state["board"].empty()},
               {"contacts", contacts},
               {"has_contacts", !contacts.empty()},
               {"evidence", evidence},
               {"has_evidence", !evidence.empty()},
               {"sees_all", call.sees_all()},
               {"objectives", objectives},
               {"has_observations", call.sees_all() && !state["observations"].empty()},
               {"log", log},
               {"log_count", log.size()},
               {"verification", verification},
               {"jsonl_href", api_href(rec.id) + "/log?format=jsonl"},
               {"csv_href", api_href(rec.id) + "/log?format=csv"},
               {"verify_href", api_href(rec.id) + "/verify"},
               {"live_href", call.part == "record" ? "" : exercise_href(rec.id)}};
  Page page;
  page.name = "exercise_review";
  page.title = rec.title + " — " + text(lang, "exercise.review.eyebrow");
  page.data = data;
  page.scripts = {"exercise_review.js"};
  page.styles = {"exercise.css"};
  page.wide = true;
  blank_to_false(page.data);
  return render_page(r, &call.who, page);
}

}  // namespace

void add_exercise_pages(Router& router, ApiContext& context) {
  router.add("GET", "/exercises", "page.exercises",
             [&context](const HttpRequest& r, const RouteParams&) { return exercises_page(context, r); });
  router.add("GET", "/exercises/{id}", "page.exercise",
             [&context](const HttpRequest& r, const RouteParams& p) { return exercise_page(context, r, p); });
  router.add("GET", "/exercises/{id}/review", "page.exercise_review",
             [&context](const HttpRequest& r, const RouteParams& p) { return review_page(context, r, p); });
}

}  // namespace kunren::web
