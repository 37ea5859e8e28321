#include <kunren/exercise/engine.hpp>

#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include <kunren/util/utf8.hpp>

namespace kunren::exercise {

using nlohmann::json;
using model::EventKind;
using model::ExerciseState;

namespace {

constexpr std::size_t k_max_text = 4000;

Status field_error(std::string field, std::string message) {
  return Status::bad_input(std::move(message), Location({}, 0, 0, std::move(field)));
}

// Reads an optional text field: absent or null → ""; a string of at most
// k_max_text characters otherwise.
Result<std::string> text_field(const json& p, const char* name, bool required = false,
                               std::size_t max = k_max_text) {
  auto it = p.find(name);
  if (it == p.end() || it->is_null()) {
    if (required) return field_error(name, fmt::format("'{}' is required", name));
    return std::string();
  }
  if (!it->is_string()) return field_error(name, fmt::format("'{}' must be text", name));
  std::string value = it->get<std::string>();
  // Trim blanks at both ends.
  auto first = value.find_first_not_of(" \t\r\n");
  value = first == std::string::npos ? std::string() : value.substr(first, value.find_last_not_of(" \t\r\n") - first + 1);
  if (required && value.empty()) return field_error(name, fmt::format("'{}' is required", name));
  if (util::utf8_length(value) > max)
    return field_error(name, fmt::format("'{}' is longer than {} characters", name, max));
  for (unsigned char c : value)
    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
      return field_error(name, fmt::format("'{}' contains a control character", name));
  return value;
}

Result<std::int64_t> seq_field(const json& p, const char* name) {
  auto it = p.find(name);
  if (it == p.end() || !it->is_number_integer() || it->get<std::int64_t>() <= 0)
    return field_error(name, fmt::format("'{}' must name a record by its number", name));
  return it->get<std::int64_t>();
}

std::int64_t unix_ms(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

json localized(const model::LocalizedText& text) {
  json j = json::object();
  for (const auto& [lang, value] : text.variants()) j[lang.empty() ? "ja" : lang] = value;
  return j;
}

bool is_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Status wrong_state(ExerciseState s, std::string_view what) {
  return Status::conflict(fmt::format("the exercise is {}: cannot {}", model::to_string(s), what));
}

}  // namespace

bool valid_speed(int speed) { return speed == 1 || speed == 2 || speed == 5 || speed == 10; }

const DeliveredInject* Projection::find_delivered(std::string_view inject) const {
  for (const auto& d : delivered)
    if (d.inject == inject) return &d;
  return nullptr;
}

std::int64_t Projection::scenario_ms_at(std::int64_t clock_ms) const {
  if (state != ExerciseState::kRunning) return anchor_ms;
  return anchor_ms + std::max<std::int64_t>(0, clock_ms - anchor_clock_ms) * speed;
}

Engine::Engine(std::shared_ptr<const model::Scenario> scenario, const Clock& clock)
    : m_scenario(std::move(scenario)), m_clock(clock) {}

std::int64_t Engine::clock_ms() const { return unix_ms(m_clock.now()); }
std::int64_t Engine::now_ms() const { return m_state.scenario_ms_at(clock_ms()); }

model::NewExerciseEvent Engine::make(const std::string& actor, const std::string& role, EventKind kind,
                                     const json& payload, std::int64_t scenario_ms) const {
  return {scenario_ms, actor, role, model::to_string(kind), model::canonical_json(payload)};
}

model::NewExerciseEvent Engine::inject_event(const model::Inject& inject, const std::string& trigger,
                                             const std::string& actor, std::int64_t scenario_ms) const {
  json p = {{"inject", inject.id},
            {"title", localized(inject.title)},
            {"body", localized(inject.body)},
            {"to", inject.to},
            {"from", inject.from},
            {"delivery", model::to_string(inject.delivery)},
            {"phase", inject.phase},
            {"decision_points", inject.decision_points},
            {"scheduled_ms", inject.at * 1000},
            {"trigger", trigger}};
  return make(actor, actor == "system" ? "" : std::string(k_facilitator_role), EventKind::kInject, p, scenario_ms);
}

// --- controls -------------------------------------------------------------------

Result<Pending> Engine::control(const std::string& actor, const json& command) {
  if (!command.is_object()) return field_error("action", "the command must be a JSON object");
  auto action = text_field(command, "action", true, 40);
  if (!action) return action.status();
  const auto state = m_state.state;
  const std::int64_t clock = clock_ms();
  const std::int64_t now = m_state.scenario_ms_at(clock);
  json p = {{"action", *action}, {"clock_ms", clock}};
  Pending out;
  const std::string role(k_facilitator_role);
  if (*action == "start") {
    if (state != ExerciseState::kPlanned) return wrong_state(state, "start it");
    int speed = 1;
    if (command.contains("speed")) {
      if (!command["speed"].is_number_integer() || !valid_speed(command["speed"].get<int>()))
        return field_error("speed", "speed must be 1, 2, 5 or 10");
      speed = command["speed"].get<int>();
    }
    p["speed"] = speed;
    out.new_state = ExerciseState::kRunning;
  } else if (*action == "pause") {
    if (state != ExerciseState::kRunning) return wrong_state(state, "pause it");
    out.new_state = ExerciseState::kPaused;
  } else if (*action == "resume") {
    if (state != ExerciseState::kPaused) return wrong_state(state, "resume it");
    out.new_state = ExerciseState::kRunning;
  } else if (*action == "speed") {
    if (state != ExerciseState::kRunning && state != ExerciseState::kPaused && state != ExerciseState::kPlanned)
      return wrong_state(state, "change its speed");
    if (!command.contains("speed") || !command["speed"].is_number_integer() ||
        !valid_speed(command["speed"].get<int>()))
      return field_error("speed", "speed must be 1, 2, 5 or 10");
    p["speed"] = command["speed"].get<int>();
  } else if (*action == "end") {
    if (state != ExerciseState::kRunning && state != ExerciseState::kPaused) return wrong_state(state, "end it");
    out.new_state = ExerciseState::kEnded;
  } else {
    return field_error("action", fmt::format("unknown action '{}' (start, pause, resume, speed or end)", *action));
  }
  out.events.push_back(make(actor, role, EventKind::kControl, p, now));
  return out;
}

Result<Pending> Engine::trigger(const std::string& actor, const std::string& inject_id) {
  const auto state = m_state.state;
  if (state != ExerciseState::kRunning && state != ExerciseState::kPaused)
    return wrong_state(state, "deliver an inject");
  const model::Inject* inject = m_scenario->find_inject(inject_id);
  if (!inject) return Status::not_found(fmt::format("no inject '{}' in the scenario", inject_id), Location({}, 0, 0, "inject"));
  if (m_state.done.count(inject_id))
    return Status::conflict(fmt::format("inject '{}' was already {}", inject_id,
                                        m_state.skipped.count(inject_id) ? "skipped" : "delivered"));
  Pending out;
  out.events.push_back(inject_event(*inject, "facilitator", actor, now_ms()));
  return out;
}

Result<Pending> Engine::adhoc(const std::string& actor, const json& in) {
  const auto state = m_state.state;
  if (state != ExerciseState::kRunning && state != ExerciseState::kPaused)
    return wrong_state(state, "deliver an inject");
  if (!in.is_object()) return field_error("title", "the inject must be a JSON object");
  auto title = text_field(in, "title", true, 200);
  if (!title) return title.status();
  auto body = text_field(in, "body", true);
  if (!body) return body.status();
  std::vector<std::string> to;
  if (in.contains("to") && !in["to"].is_null()) {
    if (!in["to"].is_array()) return field_error("to", "'to' must be a list of roles");
    for (const auto& r : in["to"]) {
      if (!r.is_string() || !m_scenario->find_role(r.get<std::string>()))
        return field_error("to", fmt::format("unknown role {}", r.dump()));
      to.push_back(r.get<std::string>());
    }
  }
  std::string delivery = "verbal";
  if (in.contains("delivery") && !in["delivery"].is_null()) {
    if (!in["delivery"].is_string() || !model::parse_delivery(in["delivery"].get<std::string>()))
      return field_error("delivery", "delivery must be phone, mail, alarm, verbal or system");
    delivery = in["delivery"].get<std::string>();
  }
  const std::int64_t now = now_ms();
  json p = {{"inject", fmt::format("ADHOC-{}", m_state.adhoc_count + 1)},
            {"title", json{{"ja", *title}, {"en", *title}}},
            {"body", json{{"ja", *body}, {"en", *body}}},
            {"to", to},
            {"from", "facilitator"},
            {"delivery", delivery},
            {"phase", ""},
            {"decision_points", json::array()},
            {"scheduled_ms", now},
            {"trigger", "adhoc"}};
  Pending out;
  out.events.push_back(make(actor, std::string(k_facilitator_role), EventKind::kInject, p, now));
  return out;
}

// --- actions ---------------------------------------------------------------------

bool Engine::may_edit_board(std::string_view role) const {
  if (role == k_facilitator_role) return true;
  const auto* r = m_scenario->find_role(role);
  return r && r->lead;
}

Result<Pending> Engine::act(const std::string& actor, const std::string& role, const std::string& kind,
                            const json& payload) {
  auto k = model::parse_event_kind(kind);
  if (!k || *k == EventKind::kInject || *k == EventKind::kControl)
    return field_error("kind", fmt::format("unknown action '{}' (report, decision, contact, evidence, note, observation)", kind));
  if (!payload.is_object()) return field_error("payload", "the action must be a JSON object");
  if (role != k_facilitator_role && !m_scenario->find_role(role))
    return field_error("role", fmt::format("unknown role '{}'", role));
  const auto state = m_state.state;
  const bool live = state == ExerciseState::kRunning || state == ExerciseState::kPaused;
  if (*k == EventKind::kObservation) {
    if (role != k_facilitator_role) return Status::conflict("only the facilitator records observations");
    if (state == ExerciseState::kPlanned) return wrong_state(state, "record an observation");
    auto objective = text_field(payload, "objective", false, 100);
    if (!objective) return objective.status();
    if (!objective->empty() && !m_scenario->find_objective(*objective))
      return field_error("objective", fmt::format("unknown objective '{}'", *objective));
    auto rating = text_field(payload, "rating", true, 1);
    if (!rating) return rating.status();
    if (!model::valid_rating(*rating)) return field_error("rating", "rating must be P, S, M or U");
    auto text = text_field(payload, "text");
    if (!text) return text.status();
    Pending out;
    out.events.push_back(make(actor, role, EventKind::kObservation,
                              {{"objective", *objective}, {"rating", *rating}, {"text", *text}},
                              live ? now_ms() : m_state.anchor_ms));
    return out;
  }
  if (!live) return wrong_state(state, fmt::format("record a {}", kind));
  switch (*k) {
    case EventKind::kReport: return act_report(actor, role, payload);
    case EventKind::kDecision: return act_decision(actor, role, payload);
    case EventKind::kContact: return act_contact(actor, role, payload);
    case EventKind::kEvidence: return act_evidence(actor, role, payload);
    case EventKind::kNote: {
      auto text = text_field(payload, "text", true);
      if (!text) return text.status();
      Pending out;
      out.events.push_back(make(actor, role, EventKind::kNote, {{"text", *text}}, now_ms()));
      return out;
    }
    default: return Status::internal("unreachable action kind");
  }
}

Result<Pending> Engine::act_report(const std::string& actor, const std::string& role, const json& p) {
  auto op = text_field(p, "op", false, 20);
  if (!op) return op.status();
  if (op->empty()) *op = "file";
  json out_payload;
  if (*op == "file") {
    out_payload = {{"op", "file"}};
    for (const char* f : {"what", "line", "asset", "seen_at", "impact", "source"}) {
      auto v = text_field(p, f, std::string_view(f) == "what", std::string_view(f) == "what" || std::string_view(f) == "impact" ? k_max_text : 200);
      if (!v) return v.status();
      out_payload[f] = *v;
    }
  } else {
    if (!may_edit_board(role))
      return Status::conflict("only the team lead or the facilitator may change the situation board");
    auto report = seq_field(p, "report");
    if (!report) return report.status();
    if (!m_state.reports.count(*report))
      return Status::not_found(fmt::format("no report {} on the board", *report), Location({}, 0, 0, "report"));
    out_payload = {{"op", *op}, {"report", *report}};
    if (*op == "merge" || *op == "link") {
      const char* target_field = *op == "merge" ? "into" : "thread";
      auto target = seq_field(p, target_field);
      if (!target) return target.status();
      if (!m_state.reports.count(*target))
        return Status::not_found(fmt::format("no report {} on the board", *target), Location({}, 0, 0, target_field));
      if (*target == *report) return field_error(target_field, "a report cannot be merged or linked with itself");
      if (*op == "merge") {
        // Merge into the report that survives: follow merges to the end.
        std::int64_t root = *target;
        while (m_state.reports.at(root).duplicate_of) root = m_state.reports.at(root).duplicate_of;
        if (root == *report) return field_error("into", "that report was merged into this one");
        if (m_state.reports.at(*report).duplicate_of)
          return Status::conflict(fmt::format("report {} is already merged", *report));
        out_payload["into"] = root;
      } else {
        out_payload["thread"] = m_state.reports.at(*target).thread;
      }
    } else if (*op == "status") {
      auto status = text_field(p, "status", true, 20);
      if (!status) return status.status();
      if (*status != "unconfirmed" && *status != "confirmed" && *status != "resolved")
        return field_error("status", "status must be unconfirmed, confirmed or resolved");
      out_payload["status"] = *status;
    } else {
      return field_error("op", fmt::format("unknown board operation '{}' (file, merge, link, status)", *op));
    }
  }
  Pending out;
  out.events.push_back(make(actor, role, EventKind::kReport, out_payload, now_ms()));
  return out;
}

Result<Pending> Engine::act_decision(const std::string& actor, const std::string& role, const json& p) {
  auto dp_id = text_field(p, "decision_point", true, 100);
  if (!dp_id) return dp_id.status();
  const auto* dp = m_scenario->find_decision_point(*dp_id);
  if (!dp) return field_error("decision_point", fmt::format("unknown decision point '{}'", *dp_id));
  if (role != k_facilitator_role && !dp->roles.empty() &&
      std::find(dp->roles.begin(), dp->roles.end(), role) == dp->roles.end())
    return Status::conflict(fmt::format("the role '{}' may not decide {}", role, *dp_id));
  auto option = text_field(p, "option", true, 100);
  if (!option) return option.status();
  if (std::none_of(dp->options.begin(), dp->options.end(), [&](const auto& o) { return o.id == *option; }))
    return field_error("option", fmt::format("'{}' is not an option of {}", *option, *dp_id));
  json payload = {{"decision_point", *dp_id}, {"option", *option}};
  for (const char* f : {"rationale", "information", "decided_by"}) {
    auto v = text_field(p, f, false, std::string_view(f) == "decided_by" ? 200 : k_max_text);
    if (!v) return v.status();
    payload[f] = *v;
  }
  json criteria = json::array();
  if (p.contains("criteria") && !p["criteria"].is_null()) {
    if (!p["criteria"].is_array() || p["criteria"].size() > 50)
      return field_error("criteria", "criteria must be a list of {text, met}");
    for (std::size_t i = 0; i < p["criteria"].size(); ++i) {
      const auto& c = p["criteria"][i];
      const std::string field = fmt::format("criteria[{}]", i);
      if (!c.is_object() || !c.contains("met") || !c["met"].is_boolean())
        return field_error(field, "each criterion needs 'text' and 'met' (true or false)");
      auto text = text_field(c, "text", true, 500);
      if (!text) return field_error(field + ".text", text.status().message());
      criteria.push_back({{"text", *text}, {"met", c["met"].get<bool>()}});
    }
  }
  payload["criteria"] = criteria;
  Pending out;
  out.events.push_back(make(actor, role, EventKind::kDecision, payload, now_ms()));
  return out;
}

Result<Pending> Engine::act_contact(const std::string& actor, const std::string& role, const json& p) {
  auto to = text_field(p, "to", true, 40);
  if (!to) return to.status();
  auto target = model::normalize_contact_target(*to);
  if (!target)
    return field_error("to", fmt::format("unknown contact '{}' (role, poc, vendor, national-cert, authority, police, "
                                         "customer, security-firm, other)", *to));
  json payload = {{"to", *target}};
  auto to_role = text_field(p, "role", false, 100);
  if (!to_role) return to_role.status();
  if (*target == "role") {
    if (to_role->empty() || !m_scenario->find_role(*to_role))
      return field_error("role", "a contact to a role must name one of the scenario's roles");
  } else if (!to_role->empty()) {
    return field_error("role", "'role' is only for a contact to a role");
  }
  payload["role"] = *to_role;
  auto channel = text_field(p, "channel", false, 20);
  if (!channel) return channel.status();
  static const std::vector<std::string> channels{"phone", "mail", "meeting", "chat", "fax", "radio", "other"};
  if (channel->empty()) *channel = "phone";
  if (std::find(channels.begin(), channels.end(), *channel) == channels.end())
    return field_error("channel", "channel must be phone, mail, meeting, chat, fax, radio or other");
  payload["channel"] = *channel;
  for (const char* f : {"name", "summary", "decision_point"}) {
    auto v = text_field(p, f, std::string_view(f) == "summary", std::string_view(f) == "summary" ? k_max_text : 200);
    if (!v) return v.status();
    payload[f] = *v;
  }
  const std::string dp = payload["decision_point"];
  if (!dp.empty() && !m_scenario->find_decision_point(dp))
    return field_error("decision_point", fmt::format("unknown decision point '{}'", dp));
  Pending out;
  out.events.push_back(make(actor, role, EventKind::kContact, payload, now_ms()));
  return out;
}

Result<Pending> Engine::act_evidence(const std::string& actor, const std::string& role, const json& p) {
  auto op = text_field(p, "op", false, 20);
  if (!op) return op.status();
  if (op->empty()) *op = "record";
  json payload = {{"op", *op}};
  if (*op == "record") {
    for (const char* f : {"asset", "type", "method", "collected_by", "file", "sha256", "stored_at", "note"}) {
      const std::string_view name(f);
      auto v = text_field(p, f, name == "asset" || name == "type", name == "note" || name == "method" ? k_max_text : 300);
      if (!v) return v.status();
      payload[f] = *v;
    }
    if (!model::find_evidence_type(payload["type"].get<std::string>()))
      return field_error("type", fmt::format("unknown evidence type '{}'", payload["type"].get<std::string>()));
    std::string sha = payload["sha256"];
    std::transform(sha.begin(), sha.end(), sha.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!sha.empty() && !is_hex64(sha)) return field_error("sha256", "sha256 must be 64 hexadecimal characters");
    if (!sha.empty() && payload["file"].get<std::string>().empty())
      return field_error("file", "name the file the SHA-256 belongs to");
    payload["sha256"] = sha;
  } else if (*op == "handover") {
    auto record = seq_field(p, "record");
    if (!record) return record.status();
    if (!m_state.evidence.count(*record))
      return Status::not_found(fmt::format("no evidence record {}", *record), Location({}, 0, 0, "record"));
    payload["record"] = *record;
    for (const char* f : {"from", "to", "note"}) {
      auto v = text_field(p, f, std::string_view(f) != "note", std::string_view(f) == "note" ? k_max_text : 200);
      if (!v) return v.status();
      payload[f] = *v;
    }
  } else {
    return field_error("op", fmt::format("unknown evidence operation '{}' (record, handover)", *op));
  }
  Pending out;
  out.events.push_back(make(actor, role, EventKind::kEvidence, payload, now_ms()));
  return out;
}

// --- time -------------------------------------------------------------------------

std::vector<ExpectationStatus> Engine::expectations(const DeliveredInject& delivered) const {
  std::vector<ExpectationStatus> out;
  const auto* inject = m_scenario->find_inject(delivered.inject);
  if (!inject) return out;
  for (const auto& e : inject->expects) {
    ExpectationStatus s;
    s.expectation = &e;
    if (e.within > 0) s.deadline_ms = delivered.scenario_ms + e.within * 1000;
    for (const auto& ev : m_state.events) {
      if (ev.seq <= delivered.seq) continue;
      if (!e.role.empty() && ev.role != e.role) continue;
      if (ev.kind != model::to_string(e.kind)) continue;
      const json p = json::parse(ev.payload);
      bool match = true;
      switch (e.kind) {
        case model::ActionKind::kReport: match = p.value("op", "") == "file"; break;
        case model::ActionKind::kEvidence: match = p.value("op", "") == "record"; break;
        case model::ActionKind::kDecision:
          match = e.decision_point.empty() || p.value("decision_point", "") == e.decision_point;
          break;
        case model::ActionKind::kContact: match = e.contact.empty() || p.value("to", "") == e.contact; break;
        case model::ActionKind::kNote: break;
      }
      if (match) {
        s.met_seq = ev.seq;
        s.met_ms = ev.scenario_ms;
        break;
      }
    }
    out.push_back(s);
  }
  return out;
}

Pending Engine::tick() {
  Pending out;
  if (m_state.state != ExerciseState::kRunning) return out;
  const std::int64_t clock = clock_ms();
  const std::int64_t now = m_state.scenario_ms_at(clock);
  for (const auto& inject : m_scenario->injects) {
    if (inject.at * 1000 > now) break;  // sorted by time
    if (m_state.done.count(inject.id)) continue;
    if (inject.contingency) {
      const auto* parent = m_state.find_delivered(inject.contingency->unless);
      std::string reason;
      if (!parent) {
        reason = "parent-not-delivered";
      } else {
        auto statuses = expectations(*parent);
        if (std::all_of(statuses.begin(), statuses.end(), [](const auto& s) { return s.met_seq != 0; }))
          reason = "expectations-met";
      }
      if (!reason.empty()) {
        out.events.push_back(make("system", "", EventKind::kControl,
                                  {{"action", "contingency-skipped"}, {"inject", inject.id}, {"reason", reason},
                                   {"clock_ms", clock}},
                                  now));
        continue;
      }
      out.events.push_back(inject_event(inject, "contingency", "system", now));
      continue;
    }
    out.events.push_back(inject_event(inject, "schedule", "system", now));
  }
  return out;
}

std::optional<std::int64_t> Engine::next_due_ms() const {
  for (const auto& inject : m_scenario->injects)
    if (!m_state.done.count(inject.id)) return inject.at * 1000;
  return std::nullopt;
}

// --- folding ------------------------------------------------------------------------

Status Engine::commit(const std::vector<model::ExerciseEvent>& stored) {
  for (const auto& e : stored) KUNREN_RETURN_IF_ERROR(apply(e));
  return Status::ok();
}

Status Engine::apply(const model::ExerciseEvent& e) {
  if (e.seq != m_state.last_seq + 1)
    return Status::internal(fmt::format("event {} does not follow event {}", e.seq, m_state.last_seq));
  json p;
  try {
    p = json::parse(e.payload);
  } catch (const json::exception& ex) {
    return Status::internal(fmt::format("event {}: payload is not JSON: {}", e.seq, ex.what()));
  }
  auto kind = model::parse_event_kind(e.kind);
  if (!kind) return Status::internal(fmt::format("event {}: unknown kind '{}'", e.seq, e.kind));
  auto& s = m_state;
  try {
    switch (*kind) {
      case EventKind::kControl: {
        const std::string action = p.value("action", "");
        const std::int64_t clock = p.value("clock_ms", std::int64_t{0});
        if (action == "contingency-skipped") {
          s.done.insert(p.value("inject", ""));
          s.skipped.insert(p.value("inject", ""));
          break;
        }
        // Every clock change re-anchors at the event's scenario time.
        s.anchor_ms = e.scenario_ms;
        s.anchor_clock_ms = clock;
        if (action == "start") {
          s.state = ExerciseState::kRunning;
          s.speed = p.value("speed", 1);
          s.started_seq = e.seq;
        } else if (action == "pause") {
          s.state = ExerciseState::kPaused;
        } else if (action == "resume") {
          s.state = ExerciseState::kRunning;
        } else if (action == "speed") {
          s.speed = p.value("speed", 1);
        } else if (action == "end") {
          s.state = ExerciseState::kEnded;
          s.ended_ms = e.scenario_ms;
        }
        break;
      }
      case EventKind::kInject: {
        DeliveredInject d;
        d.inject = p.value("inject", "");
        d.seq = e.seq;
        d.scenario_ms = e.scenario_ms;
        d.scheduled_ms = p.value("scheduled_ms", e.scenario_ms);
        d.trigger = p.value("trigger", "");
        d.payload = p;
        if (d.trigger == "adhoc") ++s.adhoc_count;
        s.done.insert(d.inject);
        s.delivered.push_back(std::move(d));
        break;
      }
      case EventKind::kReport: {
        const std::string op = p.value("op", "file");
        if (op == "file") {
          BoardReport r;
          r.id = e.seq;
          r.thread = e.seq;
          r.scenario_ms = e.scenario_ms;
          r.actor = e.actor;
          r.role = e.role;
          r.what = p.value("what", "");
          r.line = p.value("line", "");
          r.asset = p.value("asset", "");
          r.seen_at = p.value("seen_at", "");
          r.impact = p.value("impact", "");
          r.source = p.value("source", "");
          s.reports.emplace(r.id, std::move(r));
          break;
        }
        auto it = s.reports.find(p.value("report", std::int64_t{0}));
        if (it == s.reports.end()) break;
        if (op == "merge") {
          const std::int64_t into = p.value("into", std::int64_t{0});
          it->second.duplicate_of = into;
          if (auto t = s.reports.find(into); t != s.reports.end()) {
            t->second.duplicates.push_back(it->first);
            // The surviving report takes over the merged one's duplicates.
            for (auto d : it->second.duplicates) {
              t->second.duplicates.push_back(d);
              s.reports.at(d).duplicate_of = into;
            }
            it->second.duplicates.clear();
            it->second.thread = t->second.thread;
          }
        } else if (op == "link") {
          const std::int64_t old_thread = it->first;
          const std::int64_t thread = p.value("thread", std::int64_t{0});
          // The report joins the thread, with every report that had joined it.
          for (auto& [id, r] : s.reports)
            if (r.thread == old_thread || id == it->first) r.thread = thread;
        } else if (op == "status") {
          it->second.status = p.value("status", "unconfirmed");
        }
        break;
      }
      case EventKind::kDecision: {
        DecisionRecord d;
        d.seq = e.seq;
        d.scenario_ms = e.scenario_ms;
        d.actor = e.actor;
        d.role = e.role;
        d.decision_point = p.value("decision_point", "");
        d.option = p.value("option", "");
        d.rationale = p.value("rationale", "");
        d.information = p.value("information", "");
        d.decided_by = p.value("decided_by", "");
        d.criteria = p.value("criteria", json::array());
        s.decisions.push_back(std::move(d));
        break;
      }
      case EventKind::kContact: {
        ContactRecord c;
        c.seq = e.seq;
        c.scenario_ms = e.scenario_ms;
        c.actor = e.actor;
        c.role = e.role;
        c.to = p.value("to", "");
        c.to_role = p.value("role", "");
        c.name = p.value("name", "");
        c.channel = p.value("channel", "");
        c.summary = p.value("summary", "");
        c.decision_point = p.value("decision_point", "");
        s.contacts.push_back(std::move(c));
        break;
      }
      case EventKind::kEvidence: {
        const std::string op = p.value("op", "record");
        if (op == "record") {
          EvidenceRecord r;
          r.id = e.seq;
          r.scenario_ms = e.scenario_ms;
          r.actor = e.actor;
          r.role = e.role;
          r.asset = p.value("asset", "");
          r.type = p.value("type", "");
          r.method = p.value("method", "");
          r.collected_by = p.value("collected_by", "");
          r.file = p.value("file", "");
          r.sha256 = p.value("sha256", "");
          r.stored_at = p.value("stored_at", "");
          r.note = p.value("note", "");
          s.evidence.emplace(r.id, std::move(r));
        } else if (auto it = s.evidence.find(p.value("record", std::int64_t{0})); it != s.evidence.end()) {
          it->second.custody.push_back(
              {e.seq, e.scenario_ms, p.value("from", ""), p.value("to", ""), p.value("note", ""), e.actor});
        }
        break;
      }
      case EventKind::kNote:
        s.notes.push_back({e.seq, e.scenario_ms, e.actor, e.role, p.value("text", "")});
        break;
      case EventKind::kObservation:
        s.observations.push_back(
            {e.seq, e.scenario_ms, e.actor, p.value("objective", ""), p.value("rating", ""), p.value("text", "")});
        break;
    }
  } catch (const json::exception& ex) {
    return Status::internal(fmt::format("event {}: unexpected payload: {}", e.seq, ex.what()));
  }
  s.last_seq = e.seq;
  s.last_hash = e.hash;
  s.events.push_back(e);
  return Status::ok();
}

// --- metrics ------------------------------------------------------------------------

std::optional<std::int64_t> first_inject_ms(const Projection& state) {
  if (state.delivered.empty()) return std::nullopt;
  return state.delivered.front().scenario_ms;
}

std::string Metric::verdict(std::int64_t now_since_first) const {
  if (target_ms <= 0) return "none";
  if (value_ms) return *value_ms <= target_ms ? "met" : "missed";
  return now_since_first > target_ms ? "missed" : "pending";
}

std::vector<Metric> compute_metrics(const model::Scenario& scenario, const Projection& state) {
  using model::DecisionKind;
  const auto& t = scenario.targets;
  std::vector<Metric> metrics{
      {"first_report", {{"ja", "最初の報告まで"}, {"en", "To the first report"}}, {}, 0, t.first_report * 1000},
      {"classified", {{"ja", "事象の判別（DP1）まで"}, {"en", "To classification (DP1)"}}, {}, 0, t.classified * 1000},
      {"poc_informed", {{"ja", "窓口（PoC）への連絡まで"}, {"en", "To the PoC informed"}}, {}, 0, t.poc_informed * 1000},
      {"stop_decision", {{"ja", "生産停止／継続の判断まで"}, {"en", "To the stop/continue decision"}}, {}, 0,
       t.stop_decision * 1000},
      {"first_evidence", {{"ja", "最初の証拠保全記録まで"}, {"en", "To the first evidence record"}}, {}, 0,
       t.first_evidence * 1000},
      {"cert_contact", {{"ja", "ナショナルCERTへの連絡まで"}, {"en", "To contacting the national CERT"}}, {}, 0,
       t.cert_contact * 1000},
      {"restart_decision", {{"ja", "生産再開の判断まで"}, {"en", "To the restart decision"}}, {}, 0,
       t.restart_decision * 1000},
  };
  auto first = first_inject_ms(state);
  if (!first) return metrics;
  auto set = [&](const char* id, std::int64_t seq, std::int64_t ms) {
    for (auto& m : metrics)
      if (m.id == id && !m.value_ms) {
        m.value_ms = std::max<std::int64_t>(0, ms - *first);
        m.seq = seq;
      }
  };
  auto dp_kind = [&](const std::string& id) -> std::optional<DecisionKind> {
    const auto* dp = scenario.find_decision_point(id);
    return dp ? std::optional(dp->kind) : std::nullopt;
  };
  for (const auto& e : state.events) {
    if (e.kind == "report") {
      if (auto it = state.reports.find(e.seq); it != state.reports.end()) set("first_report", e.seq, e.scenario_ms);
    } else if (e.kind == "evidence") {
      if (state.evidence.count(e.seq)) set("first_evidence", e.seq, e.scenario_ms);
    }
  }
  for (const auto& d : state.decisions) {
    auto k = dp_kind(d.decision_point);
    if (!k) continue;
    if (*k == DecisionKind::kClassify) set("classified", d.seq, d.scenario_ms);
    if (*k == DecisionKind::kStop || *k == DecisionKind::kContinue) set("stop_decision", d.seq, d.scenario_ms);
    if (*k == DecisionKind::kRestart) set("restart_decision", d.seq, d.scenario_ms);
  }
  for (const auto& c : state.contacts) {
    if (c.to == "poc" || (c.to == "role" && c.to_role == "poc")) set("poc_informed", c.seq, c.scenario_ms);
    if (c.to == "national-cert") set("cert_contact", c.seq, c.scenario_ms);
  }
  return metrics;
}

std::vector<DecisionPointStatus> decision_point_status(const model::Scenario& scenario, const Projection& state) {
  std::vector<DecisionPointStatus> out;
  for (const auto& dp : scenario.decision_points) {
    DecisionPointStatus st;
    st.point = &dp;
    for (const auto& d : state.delivered) {
      const auto& dps = d.payload.value("decision_points", nlohmann::json::array());
      if (std::any_of(dps.begin(), dps.end(), [&](const auto& x) { return x == dp.id; })) {
        st.raised_ms = d.scenario_ms;
        break;
      }
    }
    for (const auto& d : state.decisions)
      if (d.decision_point == dp.id) {
        st.latest = &d;
        ++st.decisions;
      }
    for (const auto& c : state.contacts)
      if (c.decision_point == dp.id) ++st.contacts;
    out.push_back(st);
  }
  return out;
}

}  // namespace kunren::exercise
