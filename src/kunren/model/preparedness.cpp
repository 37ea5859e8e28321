// Preparedness records: readers, writers, templates and the small queries
// (see preparedness.hpp for the contract).
//
// Rules the header leaves open, decided here (docs/formats.md "Preparedness
// records" restates them):
//   - Field paths in errors are JSON paths with 0-based list positions, e.g.
//     "entries[2].channels[0].value" (the same style as the drill's payload
//     errors); the key itself for an unknown key.
//   - A key given as null (YAML `key:` with nothing after it) is the same as
//     a key left out: an optional field is then empty, a required one missing.
//   - Contact channels: `kind` is always required, `value` may be empty so
//     that a template (or a half-finished tree) can name the channel the
//     organisation still has to fill in; but an entry that carries a
//     `last_confirmed` date must have every channel value filled in — a
//     confirmed entry with an empty number would be a lie. An entry never
//     confirmed counts as stale, so the placeholders show up as reminders.
//   - Single-line texts reject every control character; `notes`, `conditions`
//     and the PoC sheet's `collection` may hold line breaks (LF; CR LF is
//     accepted as written). Texts must be valid UTF-8.
//   - Improvement plan: `completed` only with status "done"; a due date before
//     the start date is an error; `status` defaults to "open".
//   - Canonical JSON: nlohmann::json keeps keys sorted, so the stored text
//     (dump()) has one form; empty optional strings and lists, false,
//     escalation 0 and required=true are left out; the main list of each kind
//     and `stale_after_days`, `status` are always written.
#include <kunren/model/preparedness.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>

#include <fmt/format.h>

#include <kunren/model/exercise.hpp>
#include <kunren/util/utf8.hpp>

namespace kunren::model {

namespace {

using json = nlohmann::json;

constexpr std::array<const char*, 6> k_kind_names{"contact-tree",      "criteria",  "evidence-plan",
                                                  "restart-checklist", "poc-sheet", "improvement-plan"};

const std::vector<std::string> k_channel_kinds{"phone", "mobile", "email", "radio", "chat", "fax", "other"};
const std::vector<std::string> k_restart_stages{"network-controls", "access-control", "plc-logic", "hmi",
                                                "scada",            "historian",      "mes-erp",   "baseline",
                                                "backup",           "second-opinion", "monitoring", "approval",
                                                "other"};
const std::vector<std::string> k_plan_elements{"planning", "organisation", "equipment", "training", "exercises"};
const std::vector<std::string> k_plan_statuses{"open", "in-progress", "done", "dropped"};
const std::vector<std::string> k_system_types{"DCS", "SCADA", "PLC", "HMI", "EWS", "historian", "SIS", "MES", "other"};
const std::vector<std::string> k_component_kinds{"os", "software", "hardware"};

constexpr std::size_t k_max_text_bytes = 4000;      // one line of text
constexpr std::size_t k_max_long_text_bytes = 64000;  // notes, conditions
constexpr std::size_t k_max_list = 10000;            // entries, items, …

Status bad(const std::string& field, std::string message) {
  return Status::bad_input(std::move(message), Location("", 0, 0, field));
}

std::string key_path(const std::string& base, std::string_view key) {
  return base.empty() ? std::string(key) : base + "." + std::string(key);
}
std::string index_path(const std::string& base, std::size_t i) { return fmt::format("{}[{}]", base, i); }

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool is_id(std::string_view s) {
  if (s.empty() || s.size() > 200) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// " (did you mean 'x'?)" for the closest of `known` within two edits, else "".
std::string did_you_mean(std::string_view s, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_d = 3;
  for (const auto& k : known) {
    const std::size_t d = edit_distance(s, k);
    if (d < best_d) best_d = d, best = k;
  }
  return best.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", best);
}

bool contains(const std::vector<std::string>& v, std::string_view s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// --- reading helpers ---------------------------------------------------------------

enum class TextMode { kLine, kMultiline };

// `j` must be an object whose keys are all in `keys`.
Status check_object(const json& j, const std::string& path, const std::vector<std::string>& keys) {
  if (!j.is_object())
    return bad(path, path.empty() ? std::string("the document must be a mapping (a JSON object)")
                                  : fmt::format("'{}' must be a mapping (a JSON object)", path));
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!contains(keys, it.key()))
      return bad(key_path(path, it.key()), fmt::format("unknown key '{}'{}; expected one of: {}", it.key(),
                                                       did_you_mean(it.key(), keys), join(keys)));
  }
  return Status::ok();
}

const json* member(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

Status check_text(std::string_view s, const std::string& field, TextMode mode) {
  const std::size_t limit = mode == TextMode::kLine ? k_max_text_bytes : k_max_long_text_bytes;
  if (s.size() > limit) return bad(field, fmt::format("'{}' is too long ({} bytes; at most {})", field, s.size(), limit));
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = util::utf8_sequence_length(s, i);
    if (n == 0) return bad(field, fmt::format("'{}' is not valid UTF-8", field));
    const auto c = static_cast<unsigned char>(s[i]);
    if (n == 1 && (c < 0x20 || c == 0x7f)) {
      const bool line_break = c == '\n' || (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n');
      if (!(mode == TextMode::kMultiline && line_break)) {
        return bad(field, c == '\n' ? fmt::format("'{}' must be one line", field)
                                    : fmt::format("'{}' holds a control character (code {})", field, int(c)));
      }
    }
    i += n;
  }
  return Status::ok();
}

Status get_text(const json& obj, const char* key, const std::string& path, std::string& out, bool required,
                TextMode mode = TextMode::kLine) {
  const std::string field = key_path(path, key);
  const json* v = member(obj, key);
  if (v == nullptr) {
    if (required) return bad(field, fmt::format("'{}' is required", field));
    out.clear();
    return Status::ok();
  }
  if (!v->is_string()) return bad(field, fmt::format("'{}' must be a text (string)", field));
  out = v->get<std::string>();
  KUNREN_RETURN_IF_ERROR(check_text(out, field, mode));
  if (required && is_blank(out)) return bad(field, fmt::format("'{}' must not be empty", field));
  return Status::ok();
}

Status get_id(const json& obj, const char* key, const std::string& path, std::string& out, bool required) {
  KUNREN_RETURN_IF_ERROR(get_text(obj, key, path, out, required));
  if (!out.empty() && !is_id(out))
    return bad(key_path(path, key),
               fmt::format("'{}' is not a valid id: '{}' (letters, digits, '.', '_' and '-' only)", key_path(path, key),
                           out));
  return Status::ok();
}

Status get_date(const json& obj, const char* key, const std::string& path, std::string& out) {
  KUNREN_RETURN_IF_ERROR(get_text(obj, key, path, out, false));
  if (!out.empty() && !valid_date(out))
    return bad(key_path(path, key), fmt::format("'{}' is not a date: '{}' (expected YYYY-MM-DD, a real day)",
                                                key_path(path, key), out));
  return Status::ok();
}

Status get_enum(const json& obj, const char* key, const std::string& path, std::string& out, bool required,
                const std::vector<std::string>& allowed) {
  KUNREN_RETURN_IF_ERROR(get_text(obj, key, path, out, required));
  if (!out.empty() && !contains(allowed, out))
    return bad(key_path(path, key), fmt::format("'{}' is '{}'{}; expected one of: {}", key_path(path, key), out,
                                                did_you_mean(out, allowed), join(allowed)));
  return Status::ok();
}

Status get_bool(const json& obj, const char* key, const std::string& path, bool& out, bool fallback) {
  const json* v = member(obj, key);
  if (v == nullptr) {
    out = fallback;
    return Status::ok();
  }
  if (!v->is_boolean()) return bad(key_path(path, key), fmt::format("'{}' must be true or false", key_path(path, key)));
  out = v->get<bool>();
  return Status::ok();
}

Status get_int(const json& obj, const char* key, const std::string& path, int& out, int fallback, int min, int max) {
  const json* v = member(obj, key);
  if (v == nullptr) {
    out = fallback;
    return Status::ok();
  }
  const std::string field = key_path(path, key);
  if (!v->is_number_integer())
    return bad(field, fmt::format("'{}' must be a whole number from {} to {}", field, min, max));
  const auto n = v->get<std::int64_t>();
  if (n < min || n > max) return bad(field, fmt::format("'{}' is {}; expected {} to {}", field, n, min, max));
  out = static_cast<int>(n);
  return Status::ok();
}

// The array at `key` (required: must be present; may be empty unless
// `non_empty`). Null when absent and not required.
Result<const json*> get_array(const json& obj, const char* key, const std::string& path, bool required,
                              bool non_empty = false) {
  const std::string field = key_path(path, key);
  const json* v = member(obj, key);
  if (v == nullptr) {
    if (required || non_empty) return bad(field, fmt::format("'{}' is required", field));
    return static_cast<const json*>(nullptr);
  }
  if (!v->is_array()) return bad(field, fmt::format("'{}' must be a list", field));
  if (v->size() > k_max_list) return bad(field, fmt::format("'{}' has too many elements (at most {})", field, k_max_list));
  if (non_empty && v->empty()) return bad(field, fmt::format("'{}' needs at least one element", field));
  return v;
}

Status get_text_list(const json& obj, const char* key, const std::string& path, std::vector<std::string>& out,
                     bool non_empty, TextMode mode) {
  auto arr = get_array(obj, key, path, false, non_empty);
  if (!arr) return arr.status();
  out.clear();
  if (*arr == nullptr) return Status::ok();
  const std::string base = key_path(path, key);
  for (std::size_t i = 0; i < (*arr)->size(); ++i) {
    const std::string field = index_path(base, i);
    const json& v = (**arr)[i];
    if (!v.is_string()) return bad(field, fmt::format("'{}' must be a text (string)", field));
    std::string s = v.get<std::string>();
    KUNREN_RETURN_IF_ERROR(check_text(s, field, mode));
    if (is_blank(s)) return bad(field, fmt::format("'{}' must not be empty", field));
    out.push_back(std::move(s));
  }
  return Status::ok();
}

// --- writing helpers ---------------------------------------------------------------

void put(json& j, const char* key, const std::string& s) {
  if (!s.empty()) j[key] = s;
}
void put(json& j, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) j[key] = v;
}

// --- date arithmetic -----------------------------------------------------------------

// Days since 1970-01-01 (proleptic Gregorian), for a valid date.
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<std::int64_t> day_number(std::string_view s) {
  if (!valid_date(s)) return std::nullopt;
  const int y = std::stoi(std::string(s.substr(0, 4)));
  const auto m = static_cast<unsigned>(std::stoi(std::string(s.substr(5, 2))));
  const auto d = static_cast<unsigned>(std::stoi(std::string(s.substr(8, 2))));
  return days_from_civil(y, m, d);
}

}  // namespace

// --- kinds ---------------------------------------------------------------------------

const char* to_string(PrepKind k) { return k_kind_names.at(static_cast<std::size_t>(k)); }

std::optional<PrepKind> parse_prep_kind(std::string_view s) {
  for (std::size_t i = 0; i < k_kind_names.size(); ++i)
    if (s == k_kind_names[i]) return static_cast<PrepKind>(i);
  return std::nullopt;
}

const std::vector<PrepKind>& all_prep_kinds() {
  static const std::vector<PrepKind> kinds{PrepKind::kContactTree,      PrepKind::kCriteria,
                                           PrepKind::kEvidencePlan,     PrepKind::kRestartChecklist,
                                           PrepKind::kPocSheet,         PrepKind::kImprovementPlan};
  return kinds;
}

bool valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  const int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  const int m = (s[5] - '0') * 10 + (s[6] - '0');
  const int d = (s[8] - '0') * 10 + (s[9] - '0');
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  static constexpr std::array<int, 12> k_days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int max = m == 2 && leap ? 29 : k_days[static_cast<std::size_t>(m - 1)];
  return d <= max;
}

// --- contact tree ----------------------------------------------------------------------

std::vector<const ContactEntry*> stale_entries(const ContactTree& tree, std::string_view today) {
  std::vector<const ContactEntry*> out;
  const auto now = day_number(today);
  for (const auto& e : tree.entries) {
    const auto confirmed = day_number(e.last_confirmed);
    if (!confirmed || (now && *now - *confirmed > tree.stale_after_days)) out.push_back(&e);
  }
  return out;
}

std::vector<const ContactEntry*> escalation_order(const ContactTree& tree) {
  std::vector<const ContactEntry*> out;
  for (const auto& e : tree.entries)
    if (e.escalation > 0) out.push_back(&e);
  std::stable_sort(out.begin(), out.end(),
                   [](const ContactEntry* a, const ContactEntry* b) { return a->escalation < b->escalation; });
  return out;
}

const ContactEntry* find_entry(const ContactTree& tree, std::string_view id) {
  for (const auto& e : tree.entries)
    if (e.id == id) return &e;
  return nullptr;
}

Result<ContactTree> parse_contact_tree(const nlohmann::json& j) {
  KUNREN_RETURN_IF_ERROR(check_object(j, "", {"entries", "stale_after_days"}));
  ContactTree tree;
  KUNREN_RETURN_IF_ERROR(get_int(j, "stale_after_days", "", tree.stale_after_days, 180, 1, 3650));
  auto entries = get_array(j, "entries", "", true);
  if (!entries) return entries.status();
  std::set<std::string> ids;
  for (std::size_t i = 0; i < (*entries)->size(); ++i) {
    const json& ej = (**entries)[i];
    const std::string path = index_path("entries", i);
    KUNREN_RETURN_IF_ERROR(check_object(ej, path,
                                        {"id", "name", "function", "external", "organisation", "channels", "backup",
                                         "escalation", "last_confirmed", "notes"}));
    ContactEntry e;
    KUNREN_RETURN_IF_ERROR(get_id(ej, "id", path, e.id, true));
    if (!ids.insert(e.id).second)
      return bad(key_path(path, "id"), fmt::format("the id '{}' is used by an earlier entry", e.id));
    KUNREN_RETURN_IF_ERROR(get_text(ej, "name", path, e.name, true));
    KUNREN_RETURN_IF_ERROR(get_text(ej, "function", path, e.function, false));
    KUNREN_RETURN_IF_ERROR(get_bool(ej, "external", path, e.external, false));
    KUNREN_RETURN_IF_ERROR(get_text(ej, "organisation", path, e.organisation, false));
    KUNREN_RETURN_IF_ERROR(get_date(ej, "last_confirmed", path, e.last_confirmed));
    auto channels = get_array(ej, "channels", path, true, true);
    if (!channels) return channels.status();
    for (std::size_t c = 0; c < (*channels)->size(); ++c) {
      const json& cj = (**channels)[c];
      const std::string cpath = index_path(key_path(path, "channels"), c);
      KUNREN_RETURN_IF_ERROR(check_object(cj, cpath, {"kind", "value", "note"}));
      ContactChannel ch;
      KUNREN_RETURN_IF_ERROR(get_enum(cj, "kind", cpath, ch.kind, true, k_channel_kinds));
      KUNREN_RETURN_IF_ERROR(get_text(cj, "value", cpath, ch.value, false));
      KUNREN_RETURN_IF_ERROR(get_text(cj, "note", cpath, ch.note, false));
      if (!e.last_confirmed.empty() && is_blank(ch.value))
        return bad(key_path(cpath, "value"),
                   fmt::format("'{}' is empty but the entry was confirmed on {}: fill it in or remove the channel",
                               key_path(cpath, "value"), e.last_confirmed));
      e.channels.push_back(std::move(ch));
    }
    KUNREN_RETURN_IF_ERROR(get_id(ej, "backup", path, e.backup, false));
    if (!e.backup.empty() && e.backup == e.id)
      return bad(key_path(path, "backup"), fmt::format("entry '{}' cannot be its own backup", e.id));
    KUNREN_RETURN_IF_ERROR(get_int(ej, "escalation", path, e.escalation, 0, 0, 999));
    KUNREN_RETURN_IF_ERROR(get_text(ej, "notes", path, e.notes, false, TextMode::kMultiline));
    tree.entries.push_back(std::move(e));
  }
  for (std::size_t i = 0; i < tree.entries.size(); ++i) {
    const auto& e = tree.entries[i];
    if (!e.backup.empty() && ids.count(e.backup) == 0)
      return bad(key_path(index_path("entries", i), "backup"),
                 fmt::format("backup '{}' of entry '{}' is not an entry of the contact tree", e.backup, e.id));
  }
  return tree;
}

nlohmann::json to_json(const ContactTree& x) {
  json entries = json::array();
  for (const auto& e : x.entries) {
    json ej;
    ej["id"] = e.id;
    ej["name"] = e.name;
    put(ej, "function", e.function);
    if (e.external) ej["external"] = true;
    put(ej, "organisation", e.organisation);
    json channels = json::array();
    for (const auto& c : e.channels) {
      json cj;
      cj["kind"] = c.kind;
      put(cj, "value", c.value);
      put(cj, "note", c.note);
      channels.push_back(std::move(cj));
    }
    ej["channels"] = std::move(channels);
    put(ej, "backup", e.backup);
    if (e.escalation != 0) ej["escalation"] = e.escalation;
    put(ej, "last_confirmed", e.last_confirmed);
    put(ej, "notes", e.notes);
    entries.push_back(std::move(ej));
  }
  return json{{"entries", std::move(entries)}, {"stale_after_days", x.stale_after_days}};
}

// --- decision criteria -----------------------------------------------------------------

const DecisionCriterion* find_criterion(const DecisionCriteria& criteria, std::string_view decision_point) {
  for (const auto& p : criteria.points)
    if (p.decision_point == decision_point) return &p;
  return nullptr;
}

nlohmann::json exercise_criteria_json(const DecisionCriteria& criteria) {
  json out = json::object();
  for (const auto& p : criteria.points) {
    json one{{"who", p.who}, {"conditions", p.conditions}};
    if (!p.deputy.empty()) one["deputy"] = p.deputy;
    out[p.decision_point] = std::move(one);
  }
  return out;
}

Result<DecisionCriteria> parse_decision_criteria(const nlohmann::json& j) {
  KUNREN_RETURN_IF_ERROR(check_object(j, "", {"points"}));
  DecisionCriteria out;
  auto points = get_array(j, "points", "", true);
  if (!points) return points.status();
  std::set<std::string> seen;
  for (std::size_t i = 0; i < (*points)->size(); ++i) {
    const json& pj = (**points)[i];
    const std::string path = index_path("points", i);
    KUNREN_RETURN_IF_ERROR(check_object(pj, path, {"decision_point", "who", "deputy", "conditions", "notes"}));
    DecisionCriterion p;
    KUNREN_RETURN_IF_ERROR(get_id(pj, "decision_point", path, p.decision_point, true));
    if (!seen.insert(p.decision_point).second)
      return bad(key_path(path, "decision_point"),
                 fmt::format("decision point '{}' already has criteria above; merge the two", p.decision_point));
    KUNREN_RETURN_IF_ERROR(get_text(pj, "who", path, p.who, true));
    KUNREN_RETURN_IF_ERROR(get_text(pj, "deputy", path, p.deputy, false));
    KUNREN_RETURN_IF_ERROR(get_text_list(pj, "conditions", path, p.conditions, true, TextMode::kMultiline));
    KUNREN_RETURN_IF_ERROR(get_text(pj, "notes", path, p.notes, false, TextMode::kMultiline));
    out.points.push_back(std::move(p));
  }
  return out;
}

nlohmann::json to_json(const DecisionCriteria& x) {
  json points = json::array();
  for (const auto& p : x.points) {
    json pj;
    pj["decision_point"] = p.decision_point;
    pj["who"] = p.who;
    put(pj, "deputy", p.deputy);
    pj["conditions"] = p.conditions;
    put(pj, "notes", p.notes);
    points.push_back(std::move(pj));
  }
  return json{{"points", std::move(points)}};
}

// --- evidence plan -----------------------------------------------------------------------

Result<EvidencePlan> parse_evidence_plan(const nlohmann::json& j) {
  KUNREN_RETURN_IF_ERROR(check_object(j, "", {"rows"}));
  EvidencePlan out;
  auto rows = get_array(j, "rows", "", true);
  if (!rows) return rows.status();
  std::vector<std::string> types;
  for (const auto& t : evidence_catalogue()) types.push_back(t.id);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < (*rows)->size(); ++i) {
    const json& rj = (**rows)[i];
    const std::string path = index_path("rows", i);
    KUNREN_RETURN_IF_ERROR(check_object(
        rj, path, {"type", "assets", "what", "method", "who", "without_stopping", "stored_at", "notes"}));
    EvidencePlanRow r;
    KUNREN_RETURN_IF_ERROR(get_enum(rj, "type", path, r.type, true, types));
    if (!seen.insert(r.type).second)
      return bad(key_path(path, "type"), fmt::format("evidence type '{}' already has a row above", r.type));
    KUNREN_RETURN_IF_ERROR(get_text(rj, "assets", path, r.assets, false));
    KUNREN_RETURN_IF_ERROR(get_text(rj, "what", path, r.what, false, TextMode::kMultiline));
    KUNREN_RETURN_IF_ERROR(get_text(rj, "method", path, r.method, false, TextMode::kMultiline));
    KUNREN_RETURN_IF_ERROR(get_text(rj, "who", path, r.who, false));
    KUNREN_RETURN_IF_ERROR(get_text(rj, "without_stopping", path, r.without_stopping, false, TextMode::kMultiline));
    KUNREN_RETURN_IF_ERROR(get_text(rj, "stored_at", path, r.stored_at, false));
    KUNREN_RETURN_IF_ERROR(get_text(rj, "notes", path, r.notes, false, TextMode::kMultiline));
    out.rows.push_back(std::move(r));
  }
  auto rank = [&types](const std::string& t) { return std::find(types.begin(), types.end(), t) - types.begin(); };
  std::stable_sort(out.rows.begin(), out.rows.end(),
                   [&](const EvidencePlanRow& a, const EvidencePlanRow& b) { return rank(a.type) < rank(b.type); });
  return out;
}

nlohmann::json to_json(const EvidencePlan& x) {
  std::vector<std::string> types;
  for (const auto& t : evidence_catalogue()) types.push_back(t.id);
  std::vector<const EvidencePlanRow*> sorted;
  for (const auto& r : x.rows) sorted.push_back(&r);
  auto rank = [&types](const std::string& t) { return std::find(types.begin(), types.end(), t) - types.begin(); };
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const EvidencePlanRow* a, const EvidencePlanRow* b) { return rank(a->type) < rank(b->type); });
  json rows = json::array();
  for (const auto* r : sorted) {
    json rj;
    rj["type"] = r->type;
    put(rj, "assets", r->assets);
    put(rj, "what", r->what);
    put(rj, "method", r->method);
    put(rj, "who", r->who);
    put(rj, "without_stopping", r->without_stopping);
    put(rj, "stored_at", r->stored_at);
    put(rj, "notes", r->notes);
    rows.push_back(std::move(rj));
  }
  return json{{"rows", std::move(rows)}};
}

// --- restart checklist -------------------------------------------------------------------

Result<RestartChecklist> parse_restart_checklist(const nlohmann::json& j) {
  KUNREN_RETURN_IF_ERROR(check_object(j, "", {"steps", "minimum_production", "approver"}));
  RestartChecklist out;
  KUNREN_RETURN_IF_ERROR(get_text(j, "minimum_production", "", out.minimum_production, false, TextMode::kMultiline));
  KUNREN_RETURN_IF_ERROR(get_text(j, "approver", "", out.approver, false));
  auto steps = get_array(j, "steps", "", true);
  if (!steps) return steps.status();
  std::set<std::string> ids;
  for (std::size_t i = 0; i < (*steps)->size(); ++i) {
    const json& sj = (**steps)[i];
    const std::string path = index_path("steps", i);
    KUNREN_RETURN_IF_ERROR(check_object(sj, path, {"id", "stage", "text", "owner", "required"}));
    RestartStep s;
    KUNREN_RETURN_IF_ERROR(get_id(sj, "id", path, s.id, true));
    if (!ids.insert(s.id).second)
      return bad(key_path(path, "id"), fmt::format("the id '{}' is used by an earlier step", s.id));
    KUNREN_RETURN_IF_ERROR(get_enum(sj, "stage", path, s.stage, true, k_restart_stages));
    KUNREN_RETURN_IF_ERROR(get_text(sj, "text", path, s.text, true, TextMode::kMultiline));
    KUNREN_RETURN_IF_ERROR(get_text(sj, "owner", path, s.owner, false));
    KUNREN_RETURN_IF_ERROR(get_bool(sj, "required", path, s.required, true));
    out.steps.push_back(std::move(s));
  }
  return out;
}

nlohmann::json to_json(const RestartChecklist& x) {
  json steps = json::array();
  for (const auto& s : x.steps) {
    json sj;
    sj["id"] = s.id;
    sj["stage"] = s.stage;
    sj["text"] = s.text;
    put(sj, "owner", s.owner);
    if (!s.required) sj["required"] = false;
    steps.push_back(std::move(sj));
  }
  json out{{"steps", std::move(steps)}};
  put(out, "minimum_production", x.minimum_production);
  put(out, "approver", x.approver);
  return out;
}

// --- PoC sheet ---------------------------------------------------------------------------

namespace {

Status parse_reporter(const json& j, const char* key, PocReporter& out) {
  const json* v = member(j, key);
  if (v == nullptr) return Status::ok();
  const std::string path = key;
  KUNREN_RETURN_IF_ERROR(check_object(*v, path, {"name", "organisation", "department", "email", "phone"}));
  KUNREN_RETURN_IF_ERROR(get_text(*v, "name", path, out.name, false));
  KUNREN_RETURN_IF_ERROR(get_text(*v, "organisation", path, out.organisation, false));
  KUNREN_RETURN_IF_ERROR(get_text(*v, "department", path, out.department, false));
  KUNREN_RETURN_IF_ERROR(get_text(*v, "email", path, out.email, false));
  if (!out.email.empty()) {
    const auto at = out.email.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == out.email.size() || out.email.find(' ') != std::string::npos)
      return bad(key_path(path, "email"), fmt::format("'{}' is not an e-mail address: '{}'", key_path(path, "email"),
                                                      out.email));
  }
  KUNREN_RETURN_IF_ERROR(get_text(*v, "phone", path, out.phone, false));
  return Status::ok();
}

json reporter_json(const PocReporter& r) {
  json out = json::object();
  put(out, "name", r.name);
  put(out, "organisation", r.organisation);
  put(out, "department", r.department);
  put(out, "email", r.email);
  put(out, "phone", r.phone);
  return out;
}

}  // namespace

Result<PocSheet> parse_poc_sheet(const nlohmann::json& j) {
  KUNREN_RETURN_IF_ERROR(check_object(j, "", {"reporter", "deputy", "industry", "plant", "systems", "components",
                                              "timekeeping", "collection", "withhold"}));
  PocSheet out;
  KUNREN_RETURN_IF_ERROR(parse_reporter(j, "reporter", out.reporter));
  KUNREN_RETURN_IF_ERROR(parse_reporter(j, "deputy", out.deputy));
  KUNREN_RETURN_IF_ERROR(get_text(j, "industry", "", out.industry, false));
  KUNREN_RETURN_IF_ERROR(get_text(j, "plant", "", out.plant, false));
  auto systems = get_array(j, "systems", "", false);
  if (!systems) return systems.status();
  if (*systems != nullptr) {
    for (std::size_t i = 0; i < (*systems)->size(); ++i) {
      const json& sj = (**systems)[i];
      const std::string path = index_path("systems", i);
      KUNREN_RETURN_IF_ERROR(check_object(sj, path, {"type", "vendor", "product", "version", "placement", "line"}));
      PocSystem s;
      KUNREN_RETURN_IF_ERROR(get_enum(sj, "type", path, s.type, true, k_system_types));
      KUNREN_RETURN_IF_ERROR(get_text(sj, "vendor", path, s.vendor, false));
      KUNREN_RETURN_IF_ERROR(get_text(sj, "product", path, s.product, false));
      KUNREN_RETURN_IF_ERROR(get_text(sj, "version", path, s.version, false));
      KUNREN_RETURN_IF_ERROR(get_text(sj, "placement", path, s.placement, false));
      KUNREN_RETURN_IF_ERROR(get_text(sj, "line", path, s.line, false));
      out.systems.push_back(std::move(s));
    }
  }
  auto components = get_array(j, "components", "", false);
  if (!components) return components.status();
  if (*components != nullptr) {
    for (std::size_t i = 0; i < (*components)->size(); ++i) {
      const json& cj = (**components)[i];
      const std::string path = index_path("components", i);
      KUNREN_RETURN_IF_ERROR(check_object(cj, path, {"kind", "name", "version"}));
      PocComponent c;
      KUNREN_RETURN_IF_ERROR(get_enum(cj, "kind", path, c.kind, true, k_component_kinds));
      KUNREN_RETURN_IF_ERROR(get_text(cj, "name", path, c.name, true));
      KUNREN_RETURN_IF_ERROR(get_text(cj, "version", path, c.version, false));
      out.components.push_back(std::move(c));
    }
  }
  KUNREN_RETURN_IF_ERROR(get_text(j, "timekeeping", "", out.timekeeping, false));
  KUNREN_RETURN_IF_ERROR(get_text(j, "collection", "", out.collection, false, TextMode::kMultiline));
  auto withhold = get_array(j, "withhold", "", false);
  if (!withhold) return withhold.status();
  if (*withhold != nullptr) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < (*withhold)->size(); ++i) {
      const std::string field = index_path("withhold", i);
      const json& v = (**withhold)[i];
      if (!v.is_string()) return bad(field, fmt::format("'{}' must be a report field id (string)", field));
      std::string id = v.get<std::string>();
      if (!is_id(id)) return bad(field, fmt::format("'{}' is not a valid field id: '{}'", field, id));
      if (!seen.insert(id).second) return bad(field, fmt::format("field '{}' is listed twice", id));
      out.withhold.push_back(std::move(id));
    }
  }
  return out;
}

nlohmann::json to_json(const PocSheet& x) {
  json out = json::object();
  if (json r = reporter_json(x.reporter); !r.empty()) out["reporter"] = std::move(r);
  if (json d = reporter_json(x.deputy); !d.empty()) out["deputy"] = std::move(d);
  put(out, "industry", x.industry);
  put(out, "plant", x.plant);
  if (!x.systems.empty()) {
    json systems = json::array();
    for (const auto& s : x.systems) {
      json sj;
      sj["type"] = s.type;
      put(sj, "vendor", s.vendor);
      put(sj, "product", s.product);
      put(sj, "version", s.version);
      put(sj, "placement", s.placement);
      put(sj, "line", s.line);
      systems.push_back(std::move(sj));
    }
    out["systems"] = std::move(systems);
  }
  if (!x.components.empty()) {
    json components = json::array();
    for (const auto& c : x.components) {
      json cj;
      cj["kind"] = c.kind;
      cj["name"] = c.name;
      put(cj, "version", c.version);
      components.push_back(std::move(cj));
    }
    out["components"] = std::move(components);
  }
  put(out, "timekeeping", x.timekeeping);
  put(out, "collection", x.collection);
  put(out, "withhold", x.withhold);
  return out;
}

// --- improvement plan -----------------------------------------------------------------------

bool overdue(const PlanItem& item, std::string_view today) {
  if (item.status != "open" && item.status != "in-progress") return false;
  const auto due = day_number(item.due);
  const auto now = day_number(today);
  return due && now && *due < *now;
}

std::string next_plan_item_id(const ImprovementPlan& plan) {
  int max = 0;
  for (const auto& i : plan.items) {
    if (i.id.size() < 4 || i.id.compare(0, 3, "IP-") != 0) continue;
    const std::string digits = i.id.substr(3);
    if (digits.size() > 6 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    max = std::max(max, std::stoi(digits));
  }
  return fmt::format("IP-{:03}", max + 1);
}

Result<ImprovementPlan> parse_improvement_plan(const nlohmann::json& j) {
  KUNREN_RETURN_IF_ERROR(check_object(j, "", {"items"}));
  ImprovementPlan out;
  auto items = get_array(j, "items", "", true);
  if (!items) return items.status();
  std::set<std::string> ids;
  for (std::size_t i = 0; i < (*items)->size(); ++i) {
    const json& ij = (**items)[i];
    const std::string path = index_path("items", i);
    KUNREN_RETURN_IF_ERROR(check_object(ij, path,
                                        {"id", "issue", "action", "element", "objective", "item", "owner_org", "owner",
                                         "start", "due", "status", "completed", "source_exercise", "source_events",
                                         "checked_in", "notes"}));
    PlanItem p;
    KUNREN_RETURN_IF_ERROR(get_id(ij, "id", path, p.id, true));
    if (!ids.insert(p.id).second)
      return bad(key_path(path, "id"), fmt::format("the id '{}' is used by an earlier item", p.id));
    KUNREN_RETURN_IF_ERROR(get_text(ij, "issue", path, p.issue, true, TextMode::kMultiline));
    KUNREN_RETURN_IF_ERROR(get_text(ij, "action", path, p.action, false, TextMode::kMultiline));
    KUNREN_RETURN_IF_ERROR(get_enum(ij, "element", path, p.element, false, k_plan_elements));
    KUNREN_RETURN_IF_ERROR(get_id(ij, "objective", path, p.objective, false));
    KUNREN_RETURN_IF_ERROR(get_id(ij, "item", path, p.item, false));
    KUNREN_RETURN_IF_ERROR(get_text(ij, "owner_org", path, p.owner_org, false));
    KUNREN_RETURN_IF_ERROR(get_text(ij, "owner", path, p.owner, false));
    KUNREN_RETURN_IF_ERROR(get_date(ij, "start", path, p.start));
    KUNREN_RETURN_IF_ERROR(get_date(ij, "due", path, p.due));
    if (!p.start.empty() && !p.due.empty() && p.due < p.start)
      return bad(key_path(path, "due"), fmt::format("'{}' ({}) is before the start ({})", key_path(path, "due"), p.due,
                                                    p.start));
    KUNREN_RETURN_IF_ERROR(get_enum(ij, "status", path, p.status, false, k_plan_statuses));
    if (p.status.empty()) p.status = "open";
    KUNREN_RETURN_IF_ERROR(get_date(ij, "completed", path, p.completed));
    if (!p.completed.empty() && p.status != "done")
      return bad(key_path(path, "completed"),
                 fmt::format("'{}' is set but the status is '{}': a completion date needs status 'done'",
                             key_path(path, "completed"), p.status));
    KUNREN_RETURN_IF_ERROR(get_id(ij, "source_exercise", path, p.source_exercise, false));
    auto events = get_array(ij, "source_events", path, false);
    if (!events) return events.status();
    if (*events != nullptr) {
      for (std::size_t e = 0; e < (*events)->size(); ++e) {
        const std::string field = index_path(key_path(path, "source_events"), e);
        const json& v = (**events)[e];
        if (!v.is_number_integer() || v.get<std::int64_t>() < 1)
          return bad(field, fmt::format("'{}' must be an event number (1, 2, …)", field));
        p.source_events.push_back(v.get<std::int64_t>());
      }
      if (!p.source_events.empty() && p.source_exercise.empty())
        return bad(key_path(path, "source_events"),
                   fmt::format("'{}' needs 'source_exercise': which drill's log the events are in",
                               key_path(path, "source_events")));
    }
    KUNREN_RETURN_IF_ERROR(get_id(ij, "checked_in", path, p.checked_in, false));
    KUNREN_RETURN_IF_ERROR(get_text(ij, "notes", path, p.notes, false, TextMode::kMultiline));
    out.items.push_back(std::move(p));
  }
  return out;
}

nlohmann::json to_json(const ImprovementPlan& x) {
  json items = json::array();
  for (const auto& p : x.items) {
    json ij;
    ij["id"] = p.id;
    ij["issue"] = p.issue;
    put(ij, "action", p.action);
    put(ij, "element", p.element);
    put(ij, "objective", p.objective);
    put(ij, "item", p.item);
    put(ij, "owner_org", p.owner_org);
    put(ij, "owner", p.owner);
    put(ij, "start", p.start);
    put(ij, "due", p.due);
    ij["status"] = p.status.empty() ? std::string("open") : p.status;
    put(ij, "completed", p.completed);
    put(ij, "source_exercise", p.source_exercise);
    if (!p.source_events.empty()) ij["source_events"] = p.source_events;
    put(ij, "checked_in", p.checked_in);
    put(ij, "notes", p.notes);
    items.push_back(std::move(ij));
  }
  return json{{"items", std::move(items)}};
}

// --- any kind --------------------------------------------------------------------------------

Result<nlohmann::json> canonical_prep_document(PrepKind kind, const nlohmann::json& j) {
  auto canon = [](auto r) -> Result<json> {
    if (!r) return r.status();
    return to_json(*r);
  };
  switch (kind) {
    case PrepKind::kContactTree: return canon(parse_contact_tree(j));
    case PrepKind::kCriteria: return canon(parse_decision_criteria(j));
    case PrepKind::kEvidencePlan: return canon(parse_evidence_plan(j));
    case PrepKind::kRestartChecklist: return canon(parse_restart_checklist(j));
    case PrepKind::kPocSheet: return canon(parse_poc_sheet(j));
    case PrepKind::kImprovementPlan: return canon(parse_improvement_plan(j));
  }
  return Status::internal("unknown preparedness kind");
}

// --- templates -----------------------------------------------------------------------------------

namespace {

struct Both {
  const char* ja;
  const char* en;
  std::string in(bool en_lang) const { return en_lang ? en : ja; }
};

ContactTree template_contact_tree(bool en) {
  struct Row {
    const char* id;
    Both name;
    const char* function;
    bool external;
    Both organisation;
    std::vector<const char*> channels;
    const char* backup;
    int escalation;
  };
  const std::vector<Row> rows{
      {"sirt", {"ICS-SIRT / CSIRT 当番", "ICS-SIRT / CSIRT on duty"}, "sirt", false,
       {"ICS-SIRT", "ICS-SIRT"}, {"phone", "mobile", "email"}, "it", 1},
      {"plant-manager", {"工場長", "Plant manager"}, "plant-manager", false, {"工場", "Plant"},
       {"phone", "mobile"}, "deputy-plant-manager", 2},
      {"deputy-plant-manager", {"副工場長（工場長代行）", "Deputy plant manager"}, "plant-manager", false,
       {"工場", "Plant"}, {"phone", "mobile"}, "", 0},
      {"poc", {"窓口（PoC）", "Point of contact (PoC)"}, "poc", false, {"ICS-SIRT", "ICS-SIRT"},
       {"phone", "email"}, "sirt", 3},
      {"production", {"生産部門 責任者", "Production manager"}, "production", false, {"生産部門", "Production"},
       {"phone", "mobile"}, "", 4},
      {"maintenance", {"保全部門 責任者", "Maintenance manager"}, "maintenance", false,
       {"保全部門", "Maintenance"}, {"phone", "mobile"}, "", 5},
      {"it", {"情報システム部門 責任者", "IT manager"}, "it", false, {"情報システム部門", "IT department"},
       {"phone", "email"}, "", 6},
      {"management", {"経営層（担当役員）", "Management (executive in charge)"}, "management", false,
       {"本社", "Head office"}, {"phone", "mobile"}, "", 7},
      {"national-cert", {"JPCERT/CC（制御システムセキュリティ担当）", "National CERT (e.g. JPCERT/CC, ICS team)"},
       "national-cert", true, {"JPCERT/CC", "JPCERT/CC"}, {"email", "phone"}, "", 0},
      {"vendor", {"制御システムベンダー サポート窓口", "Control system vendor support desk"}, "vendor", true,
       {"（ベンダー名）", "(vendor name)"}, {"phone", "email"}, "", 0},
      {"maintenance-contractor", {"保守委託先", "Maintenance contractor"}, "vendor", true,
       {"（委託先名）", "(contractor name)"}, {"phone", "email"}, "", 0},
      {"security-firm", {"外部セキュリティ事業者（インシデント対応支援）", "Outside security firm (incident response)"},
       "security-firm", true, {"（事業者名）", "(firm name)"}, {"phone", "email"}, "", 0},
      {"police", {"警察（サイバー犯罪相談窓口）", "Police (cybercrime desk)"}, "police", true,
       {"（所轄の都道府県警察）", "(local police)"}, {"phone"}, "", 0},
      {"regulator", {"所管官庁・監督官庁", "Regulator / supervising authority"}, "authority", true,
       {"（所管官庁名）", "(authority name)"}, {"phone", "email"}, "", 0},
  };
  const Both night{"夜間・休日", "nights and holidays"};
  ContactTree tree;
  for (const auto& r : rows) {
    ContactEntry e;
    e.id = r.id;
    e.name = r.name.in(en);
    e.function = r.function;
    e.external = r.external;
    e.organisation = r.organisation.in(en);
    for (const char* k : r.channels) {
      ContactChannel c;
      c.kind = k;
      if (std::string_view(k) == "mobile") c.note = night.in(en);
      e.channels.push_back(std::move(c));
    }
    e.backup = r.backup;
    e.escalation = r.escalation;
    if (e.id == "national-cert")
      e.notes = en ? "Consult early, also with questions; report with the PoC sheet (see the PoC information sheet)."
                   : "質問・相談の段階から早めに連絡する。報告は窓口情報シートをもとに行う。";
    tree.entries.push_back(std::move(e));
  }
  return tree;
}

DecisionCriteria template_criteria(bool en) {
  DecisionCriteria c;
  if (en) {
    c.points = {
        {"DP3", "Plant manager", "Deputy plant manager",
         {"A safety function (SIS, interlocks) is affected or cannot be trusted",
          "The malware may be spreading within the control network or cannot be contained while running",
          "Operators can no longer see or control the process reliably (HMI, SCADA)",
          "Product quality cannot be assured"},
         "Safety first: stopping on a safety condition needs no further approval."},
        {"DP4", "Plant manager", "Production manager",
         {"Safety functions are verified to be working", "The affected area is isolated from the running lines",
          "The process can be monitored and operated (locally if need be)",
          "Supply obligations to customers justify degraded operation"},
         ""},
        {"DP9", "Plant manager (after management approval)", "Deputy plant manager",
         {"Every required step of the restart checklist is done",
          "PLC logic and images match the known-good baselines",
          "The backup used predates the intrusion and was checked",
          "An outside party has reviewed the health check",
          "The minimum production to restart with is agreed, with heightened monitoring"},
         ""},
    };
  } else {
    c.points = {
        {"DP3", "工場長", "副工場長",
         {"安全機能（SIS・インターロック）に影響がある、または信頼できない",
          "制御ネットワーク内で感染が拡大している可能性があり、稼働したままでは封じ込められない",
          "HMI・SCADA でプロセスを確実に監視・操作できない",
          "製品品質を保証できない"},
         "安全を最優先する。安全上の条件に該当する停止は追加の承認を要しない。"},
        {"DP4", "工場長", "生産部門 責任者",
         {"安全機能が正常に動作していることを確認済み",
          "影響範囲を稼働中のラインから隔離済み",
          "プロセスを（必要なら現場で）監視・操作できる",
          "顧客への供給責任から縮退運転に意義がある"},
         ""},
        {"DP9", "工場長（経営層の承認後）", "副工場長",
         {"再稼働チェックリストの必須項目がすべて完了している",
          "PLC ロジック・イメージが正常時のベースラインと一致している",
          "使用したバックアップが侵入以前のものであることを確認済み",
          "外部の第三者が健全性確認の結果を確認した",
          "最小限の再開範囲と強化監視の体制が合意されている"},
         ""},
    };
  }
  return c;
}

EvidencePlan template_evidence_plan(bool en) {
  struct Hint {
    const char* type;
    Both method;
    Both who;
    Both without_stopping;
  };
  const std::vector<Hint> hints{
      {"safety-state",
       {"SIS のエンジニアリングツールでトリップ履歴・バイパス状態を出力し、画面を撮影する",
        "Export trip history and bypass state from the SIS engineering tool; photograph the screens"},
       {"保全部門（計装担当）", "Maintenance (instrumentation)"},
       {"読み取り専用の操作のみで取得する", "Use read-only operations only"}},
      {"process-state",
       {"ヒストリアンから対象期間のデータを書き出し、HMI 画面とアラームログを保存する",
        "Export the period from the historian; save HMI screens and the alarm log"},
       {"生産部門", "Production"},
       {"ヒストリアンのエクスポート機能を使い、運転は継続する", "Use the historian's export while the process runs"}},
      {"controller-memory",
       {"ベンダー手順に従い PLC プログラムと診断バッファをアップロードする（上書き前に最優先）",
        "Upload the PLC program and diagnostic buffers per the vendor's procedure (first, before they are overwritten)"},
       {"保全部門 + ベンダー", "Maintenance with the vendor"},
       {"オンラインでの読み出し可否をベンダーに確認する", "Ask the vendor whether an online read is safe"}},
      {"ews",
       {"プロジェクトファイル・イベントログ・USB 接続履歴を複製し、可能ならメモリを取得する",
        "Copy project files, event logs and USB history; capture memory if possible"},
       {"ICS-SIRT", "ICS-SIRT"},
       {"", ""}},
      {"network-capture",
       {"TAP/SPAN ポートでキャプチャを開始し、FW ログを保存する", "Start a capture on the TAP/SPAN port; save firewall logs"},
       {"情報システム部門 / ICS-SIRT", "IT / ICS-SIRT"},
       {"受動的な取得のため運転に影響しない", "Passive: does not affect production"}},
      {"config-image",
       {"機器設定のバックアップとサーバのディスクイメージを取得し、アカウント一覧を出力する",
        "Back up device configurations, image server disks, list accounts"},
       {"情報システム部門", "IT department"},
       {"冗長系の待機側から取得する", "Take images from the standby side of redundant pairs"}},
      {"malware-sample",
       {"不審ファイルを隔離媒体に複製し SHA-256 を記録する（実行しない）",
        "Copy suspicious files to isolated media and record SHA-256 (never run them)"},
       {"ICS-SIRT", "ICS-SIRT"},
       {"", ""}},
  };
  EvidencePlan plan;
  for (const auto& t : evidence_catalogue()) {
    EvidencePlanRow r;
    r.type = t.id;
    r.what = t.examples.text(en ? "en" : "ja");
    for (const auto& h : hints) {
      if (t.id != h.type) continue;
      r.method = h.method.in(en);
      r.who = h.who.in(en);
      r.without_stopping = h.without_stopping.in(en);
    }
    r.stored_at = en ? "Evidence locker (write-protected media), custody log" : "証拠保管庫（書込み禁止媒体）、保管記録に記入";
    plan.rows.push_back(std::move(r));
  }
  return plan;
}

RestartChecklist template_restart(bool en) {
  struct Row {
    const char* id;
    const char* stage;
    Both text;
    Both owner;
  };
  const std::vector<Row> rows{
      {"R01", "network-controls",
       {"ファイアウォール・ネットワーク分離を復旧し、侵入経路（リモート保守経路など）を遮断・見直した",
        "Firewalls and segmentation restored; the intrusion path (e.g. remote maintenance) closed or rebuilt"},
       {"情報システム部門", "IT department"}},
      {"R02", "access-control",
       {"アカウントとパスワードを見直し、不要なアカウントを削除した",
        "Accounts and passwords reset; unneeded accounts removed"},
       {"情報システム部門", "IT department"}},
      {"R03", "plc-logic",
       {"PLC ロジックを既知の正常なベースラインと比較し、差分がない（または説明できる）",
        "PLC logic compared with the known-good baseline: no difference, or every difference explained"},
       {"保全部門", "Maintenance"}},
      {"R04", "hmi", {"HMI を復旧し、表示と操作が正しいことを確認した", "HMI restored; displays and operations verified"},
       {"生産部門", "Production"}},
      {"R05", "scada", {"SCADA を復旧し、通信と監視が正常である", "SCADA restored; communications and monitoring normal"},
       {"保全部門", "Maintenance"}},
      {"R06", "historian",
       {"ヒストリアンを復旧し、データの欠落期間を記録した", "Historian restored; the gap in data recorded"},
       {"生産部門", "Production"}},
      {"R07", "mes-erp",
       {"MES/ERP との連携を再開し、生産指示データが正しい", "MES/ERP links resumed; production orders correct"},
       {"情報システム部門", "IT department"}},
      {"R08", "baseline",
       {"ディスクイメージ・設定を正常時のベースラインと比較した", "Disk images and configurations compared with baselines"},
       {"ICS-SIRT", "ICS-SIRT"}},
      {"R09", "backup",
       {"復元に使ったバックアップが侵入以前のものであることを確認した（バックアップを盲信しない）",
        "The backup used was checked to predate the intrusion (do not trust backups blindly)"},
       {"ICS-SIRT", "ICS-SIRT"}},
      {"R10", "second-opinion",
       {"外部の第三者（セキュリティ事業者・ベンダー）が見落としがないか確認した",
        "An outside party (security firm, vendor) checked for what the team missed"},
       {"ICS-SIRT", "ICS-SIRT"}},
      {"R11", "monitoring",
       {"再開後の強化監視（ログ・通信の監視、期間）を決めた", "Heightened monitoring after restart (what, how long) agreed"},
       {"ICS-SIRT", "ICS-SIRT"}},
      {"R12", "approval",
       {"再開範囲と判断基準（DP9）を満たすことを承認者が確認した",
        "The approver confirmed the restart scope and the DP9 criteria"},
       {"工場長", "Plant manager"}},
  };
  RestartChecklist c;
  for (const auto& r : rows) c.steps.push_back({r.id, r.stage, r.text.in(en), r.owner.in(en), true});
  c.minimum_production = en ? "(e.g. line 1 trial run at 50 %, under heightened monitoring)"
                            : "（例：ライン1 試運転 50%、強化監視のもとで）";
  c.approver = en ? "Plant manager" : "工場長";
  return c;
}

PocSheet template_poc(bool en) {
  PocSheet s;
  s.timekeeping = en ? "JST (UTC+9); state how clocks are synchronised (e.g. NTP, ±1 s)"
                     : "JST（UTC+9）。時刻同期の方法と精度を記入（例：NTP 同期 ±1 秒）";
  s.collection = en ? "Reports reach the PoC by phone and e-mail; the PoC records (1) the affected control system, "
                      "(2) related OS, software and hardware, (3) when it happened, what happened and related files."
                    : "報告は電話・メールで窓口に集約する。窓口は (1) 被害を受けた制御システム、(2) 関連する OS・ソフトウェア・"
                      "ハードウェア、(3) 発生日時・事象・関連ファイル を記録する。";
  return s;
}

}  // namespace

nlohmann::json prep_template(PrepKind kind, std::string_view lang) {
  const bool en = lang == "en";
  switch (kind) {
    case PrepKind::kContactTree: return to_json(template_contact_tree(en));
    case PrepKind::kCriteria: return to_json(template_criteria(en));
    case PrepKind::kEvidencePlan: return to_json(template_evidence_plan(en));
    case PrepKind::kRestartChecklist: return to_json(template_restart(en));
    case PrepKind::kPocSheet: return to_json(template_poc(en));
    case PrepKind::kImprovementPlan: return to_json(ImprovementPlan{});
  }
  return json::object();
}

}  // namespace kunren::model
