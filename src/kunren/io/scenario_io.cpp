#include <kunren/io/scenario_io.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <iterator>
#include <map>
#include <set>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include <kunren/io/builtin.hpp>
#include <kunren/io/yaml_document.hpp>
#include <kunren/io/text_rules.hpp>
#include <kunren/io/yaml_write.hpp>
#include <kunren/util/file.hpp>
#include <kunren/util/sha256.hpp>

namespace kunren::io {
namespace {

using model::DecisionOption;
using model::DecisionPoint;
using model::Expectation;
using model::Inject;
using model::LocalizedText;
using model::Objective;
using model::PlantLine;
using model::PlantSystem;
using model::PlantZone;
using model::Scenario;
using model::ScenarioPhase;
using model::ScenarioRole;

constexpr std::array<std::string_view, 13> k_top_keys = {
    "id",      "version", "title",  "narrative",  "checklist",       "duration", "targets",
    "plant",   "roles",   "phases", "objectives", "decision_points", "injects"};
constexpr std::array<std::string_view, 7> k_target_keys = {"first_report",   "classified",   "poc_informed",
                                                           "stop_decision",  "first_evidence", "cert_contact",
                                                           "restart_decision"};
constexpr std::array<std::string_view, 5> k_plant_keys = {"name", "description", "lines", "zones", "systems"};
constexpr std::array<std::string_view, 2> k_line_keys = {"id", "name"};
constexpr std::array<std::string_view, 3> k_zone_keys = {"id", "name", "level"};
constexpr std::array<std::string_view, 5> k_system_keys = {"id", "kind", "name", "zone", "line"};
constexpr std::array<std::string_view, 4> k_role_keys = {"id", "title", "description", "lead"};
constexpr std::array<std::string_view, 3> k_phase_keys = {"id", "title", "section"};
constexpr std::array<std::string_view, 3> k_objective_keys = {"id", "title", "links"};
constexpr std::array<std::string_view, 7> k_dp_keys = {"id", "kind", "prompt", "options", "roles", "objective", "links"};
constexpr std::array<std::string_view, 2> k_option_keys = {"id", "label"};
constexpr std::array<std::string_view, 13> k_inject_keys = {
    "id",       "at",      "phase", "from",  "to",        "title",       "body",
    "delivery", "expects", "links", "decision_points", "contingency", "notes"};
constexpr std::array<std::string_view, 6> k_expect_keys = {"kind", "decision_point", "contact", "role", "text", "within"};
constexpr std::array<std::string_view, 1> k_contingency_keys = {"unless"};
constexpr std::array<std::string_view, 12> k_system_kinds = {"DCS", "SCADA", "PLC",     "HMI",     "EWS",    "historian",
                                                             "SIS", "MES",   "ERP",     "network", "server", "other"};

// ---------------------------------------------------------------------------
// Shared helpers

template <class Range>
std::string join(const Range& words, std::string_view sep = ", ") {
  std::string out;
  bool first = true;
  for (const auto& w : words) {
    if (!first) out += sep;
    first = false;
    out += w;
  }
  return out;
}

// " (did you mean 'x'?)" for the nearest candidate within two edits, else
// "". Of equally near candidates, the one sharing the longest prefix with
// `name`; no hint if that does not single one out (IMP-P2-99 is as near to
// IMP-P2-01 as to IMP-P2-06).
template <class Range>
std::string suggestion(std::string_view name, const Range& candidates) {
  std::size_t best = 3;
  std::size_t best_prefix = 0;
  std::string_view pick;
  bool unique = false;
  for (const auto& c : candidates) {
    const std::string_view cv(c);
    const std::size_t d = edit_distance(name, cv);
    if (d > best || d >= std::max(cv.size(), name.size())) continue;
    std::size_t prefix = 0;
    while (prefix < cv.size() && prefix < name.size() && cv[prefix] == name[prefix]) ++prefix;
    if (d < best || prefix > best_prefix) {
      best = d;
      best_prefix = prefix;
      pick = cv;
      unique = true;
    } else if (prefix == best_prefix && cv != pick) {
      unique = false;
    }
  }
  return unique ? fmt::format(" (did you mean '{}'?)", pick) : std::string();
}

std::string path_join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}
std::string key_join(const std::string& key, std::string_view name) {
  return key.empty() ? std::string(name) : fmt::format("{}/{}", key, name);
}

// One part of the scenario: its position key (ScenarioSource), its display
// path (Location::field) and how messages name it ("inject INJ-001").
struct Part {
  std::string key;
  std::string path;
  std::string what;
  // A field of this part: messages name it "<what> <name>".
  Part field(std::string_view name) const { return {key_join(key, name), path_join(path, name), what}; }
};

std::string element_name(const std::string& id, std::size_t index) {
  return id.empty() ? fmt::format("#{}", index + 1) : id;
}

// Element `index` (0-based) of list `list` (a Part for the list itself).
Part element(const Part& list, std::size_t index, const std::string& id, std::string_view thing) {
  const std::string name = element_name(id, index);
  return {fmt::format("{}/{}", list.key, index), fmt::format("{}[{}]", list.path, name),
          fmt::format("{} {}", thing, name)};
}

std::string time_hint() { return "expected +HH:MM or +HH:MM:SS (hours 0-99)"; }

// ---------------------------------------------------------------------------
// Checks on the model (shared by every reader)

class Checker {
 public:
  Checker(const Scenario& s, const model::Checklist* checklist, const ScenarioSource& source)
      : m_s(s), m_checklist(checklist), m_source(source) {}

  std::vector<Status> run() {
    const Part top{"", "", "the scenario"};
    check_id(top.field("id"), m_s.id, "scenario", "scenario id");
    plant();
    roles();
    phases();
    objectives();
    decision_points();
    injects();
    return std::move(m_problems);
  }

 private:
  void problem(const Part& at, std::string message) {
    m_problems.push_back(Status::bad_input(std::move(message), m_source.locate(at.key, at.path)));
  }
  std::uint64_t line_of(const std::string& key) const { return m_source.locate(key, {}).line; }
  std::string first_at(const std::string& key) const {
    const std::uint64_t line = line_of(key);
    return line == 0 ? "" : fmt::format(" (first at line {})", line);
  }

  // An id: present, well formed. Returns false if it is missing.
  bool check_id(const Part& at, const std::string& id, std::string_view thing, std::string_view what) {
    if (id.empty()) {
      if (!m_source.failed(at.key)) problem(at, fmt::format("{} has no id", what));
      return false;
    }
    if (!is_id(id)) {
      problem(at, fmt::format("bad {} id '{}'; ids may contain only letters, digits, '.', '_' and '-'", thing, id));
    }
    return true;
  }

  // Checks the ids of a list of things and fills `index` (id → first index).
  template <class T>
  void unique_ids(const std::vector<T>& list, const Part& list_part, std::string_view thing,
                  std::map<std::string, std::size_t, std::less<>>& index, std::vector<std::string>* order = nullptr) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      const Part p = element(list_part, i, list[i].id, thing);
      const Part id_part = p.field("id");
      if (!check_id(id_part, list[i].id, thing, p.what)) continue;
      auto [first, inserted] = index.emplace(list[i].id, i);
      if (!inserted) {
        problem(id_part, fmt::format("duplicate {} id '{}'{}", thing, list[i].id,
                                     first_at(fmt::format("{}/{}/id", list_part.key, first->second))));
      } else if (order != nullptr) {
        order->push_back(list[i].id);
      }
    }
  }

  // A reference to a thing of `kind` (plural `kinds`) that must exist.
  void reference(const Part& at, const std::string& name, std::string_view kind, std::string_view kinds,
                 const std::map<std::string, std::size_t, std::less<>>& index, const std::vector<std::string>& order,
                 bool list_all = true) {
    if (name.empty() || m_source.failed(at.key) || index.count(name) > 0) return;
    std::string tail;
    if (order.empty()) {
      tail = fmt::format("; the scenario has no {}", kinds);
    } else if (list_all && order.size() <= 20) {
      tail = fmt::format("; {} are: {}", kinds, join(order));
    } else {
      tail = suggestion(name, order);
    }
    problem(at, fmt::format("{}: unknown {} '{}'{}", at.what, kind, name, tail));
  }

  void role_refs(const Part& list_part, const std::vector<std::string>& ids) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      reference(Part{fmt::format("{}/{}", list_part.key, i), list_part.path, list_part.what}, ids[i], "role", "roles",
                m_roles, m_role_order);
    }
  }

  void links(const Part& list_part, const std::vector<std::string>& ids) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const Part at{fmt::format("{}/{}", list_part.key, i), list_part.path, list_part.what};
      const std::string& id = ids[i];
      if (id.empty() || m_source.failed(at.key)) continue;
      if (!is_id(id)) {
        problem(at, fmt::format("{}: bad checklist item id '{}'; ids may contain only letters, digits, '.', '_' and '-'",
                                at.what, id));
        continue;
      }
      if (m_checklist == nullptr || m_checklist->find_item(id)) continue;
      std::vector<std::string_view> items;
      items.reserve(m_checklist->items.size());
      for (const auto& item : m_checklist->items) items.push_back(item.id);
      problem(at, fmt::format("{}: unknown checklist item '{}' (checklist {}){}", at.what, id, m_checklist->id,
                              suggestion(id, items)));
    }
  }

  void plant() {
    const Part plant{"plant", "plant", "the plant"};
    const auto& p = m_s.plant;
    unique_ids(p.lines, plant.field("lines"), "plant line", m_lines, &m_line_order);
    unique_ids(p.zones, plant.field("zones"), "plant zone", m_zones, &m_zone_order);
    std::map<std::string, std::size_t, std::less<>> systems;
    unique_ids(p.systems, plant.field("systems"), "plant system", systems);
    for (std::size_t i = 0; i < p.systems.size(); ++i) {
      const Part sp = element(plant.field("systems"), i, p.systems[i].id, "plant system");
      reference(sp.field("zone"), p.systems[i].zone, "zone", "zones", m_zones, m_zone_order);
      reference(sp.field("line"), p.systems[i].line, "line", "lines", m_lines, m_line_order);
    }
  }

  void roles() { unique_ids(m_s.roles, Part{"roles", "roles", "roles"}, "role", m_roles, &m_role_order); }

  void phases() {
    const Part list{"phases", "phases", "phases"};
    unique_ids(m_s.phases, list, "phase", m_phases, &m_phase_order);
    if (m_checklist == nullptr) return;
    for (std::size_t i = 0; i < m_s.phases.size(); ++i) {
      const auto& ph = m_s.phases[i];
      const Part at = element(list, i, ph.id, "phase").field("section");
      if (ph.section.empty() || m_source.failed(at.key) || m_checklist->find_section(ph.section)) continue;
      std::vector<std::string_view> sections;
      for (const auto& s : m_checklist->sections) sections.push_back(s.id);
      problem(at, fmt::format("{}: unknown checklist section '{}' (checklist {}); sections are: {}", at.what,
                              ph.section, m_checklist->id, join(sections)));
    }
  }

  void objectives() {
    const Part list{"objectives", "objectives", "objectives"};
    unique_ids(m_s.objectives, list, "objective", m_objectives, &m_objective_order);
    for (std::size_t i = 0; i < m_s.objectives.size(); ++i) {
      links(element(list, i, m_s.objectives[i].id, "objective").field("links"), m_s.objectives[i].links);
    }
  }

  void decision_points() {
    const Part list{"decision_points", "decision_points", "decision points"};
    unique_ids(m_s.decision_points, list, "decision point", m_dps, &m_dp_order);
    for (std::size_t i = 0; i < m_s.decision_points.size(); ++i) {
      const auto& dp = m_s.decision_points[i];
      const Part p = element(list, i, dp.id, "decision point");
      const Part options = p.field("options");
      if (dp.options.size() < 2 && !m_source.failed(options.key)) {
        problem(options, fmt::format("{} has {} option{}; a decision point needs at least 2", p.what,
                                     dp.options.size(), dp.options.size() == 1 ? "" : "s"));
      }
      std::map<std::string, std::size_t, std::less<>> option_ids;
      unique_ids(dp.options, Part{options.key, options.path, p.what}, "option", option_ids);
      role_refs(p.field("roles"), dp.roles);
      reference(p.field("objective"), dp.objective, "objective", "objectives", m_objectives, m_objective_order);
      links(p.field("links"), dp.links);
    }
  }

  void injects() {
    const Part list{"injects", "injects", "injects"};
    std::vector<std::string> order;
    unique_ids(m_s.injects, list, "inject", m_injects, &order);
    const auto time_failed = [&](std::size_t i) { return m_source.failed(fmt::format("injects/{}/at", i)); };
    for (std::size_t i = 0; i < m_s.injects.size(); ++i) {
      const Inject& inj = m_s.injects[i];
      const Part p = element(list, i, inj.id, "inject");
      if (m_s.duration > 0 && inj.at > m_s.duration && !time_failed(i)) {
        problem(p.field("at"), fmt::format("{} at {} is after the end of the scenario (duration {})", p.what,
                                           model::format_scenario_time(inj.at),
                                           model::format_scenario_time(m_s.duration)));
      }
      reference(p.field("phase"), inj.phase, "phase", "phases", m_phases, m_phase_order);
      role_refs(p.field("to"), inj.to);
      const Part expects = p.field("expects");
      for (std::size_t e = 0; e < inj.expects.size(); ++e) {
        const Expectation& x = inj.expects[e];
        const Part ep{fmt::format("{}/{}", expects.key, e), fmt::format("{}[{}]", expects.path, e + 1),
                      fmt::format("{} expectation {}", p.what, e + 1)};
        const char* kind = model::to_string(x.kind);
        if (!x.decision_point.empty()) {
          if (x.kind != model::ActionKind::kDecision) {
            if (!m_source.failed(ep.field("kind").key)) {
              problem(ep.field("decision_point"),
                      fmt::format("{}: decision_point is only for kind decision (this one is {})", ep.what, kind));
            }
          } else {
            reference(ep.field("decision_point"), x.decision_point, "decision point", "decision points", m_dps,
                      m_dp_order);
          }
        }
        if (!x.contact.empty() && x.kind != model::ActionKind::kContact && !m_source.failed(ep.field("kind").key)) {
          problem(ep.field("contact"), fmt::format("{}: contact is only for kind contact (this one is {})", ep.what, kind));
        }
        reference(ep.field("role"), x.role, "role", "roles", m_roles, m_role_order);
      }
      links(p.field("links"), inj.links);
      const Part dps = p.field("decision_points");
      for (std::size_t d = 0; d < inj.decision_points.size(); ++d) {
        reference(Part{fmt::format("{}/{}", dps.key, d), dps.path, p.what}, inj.decision_points[d], "decision point",
                  "decision points", m_dps, m_dp_order);
      }
      if (inj.contingency) contingency(p, i);
    }
  }

  void contingency(const Part& p, std::size_t i) {
    const Inject& inj = m_s.injects[i];
    const std::string& unless = inj.contingency->unless;
    const Part at = p.field("contingency").field("unless");
    if (unless.empty() || m_source.failed(at.key)) return;
    if (unless == inj.id) {
      problem(at, fmt::format("{}: a contingency cannot depend on the inject itself", p.what));
      return;
    }
    auto found = m_injects.find(unless);
    if (found == m_injects.end()) {
      std::vector<std::string> ids;
      for (const auto& other : m_s.injects) ids.push_back(other.id);
      problem(at, fmt::format("{}: unknown inject '{}' in contingency.unless{}", p.what, unless, suggestion(unless, ids)));
      return;
    }
    const Inject& base = m_s.injects[found->second];
    const bool times_known = !m_source.failed(fmt::format("injects/{}/at", i)) &&
                             !m_source.failed(fmt::format("injects/{}/at", found->second));
    if (times_known && !(base.at < inj.at)) {
      problem(at, fmt::format("{} (at {}): contingency.unless must name an earlier inject; {} is at {}", p.what,
                              model::format_scenario_time(inj.at), unless, model::format_scenario_time(base.at)));
    }
    if (base.expects.empty() && !m_source.failed(fmt::format("injects/{}/expects", found->second))) {
      problem(at, fmt::format("{}: contingency.unless names {}, which expects nothing; a contingency fires when the "
                              "expected actions of that inject are missing",
                              p.what, unless));
    }
  }

  const Scenario& m_s;
  const model::Checklist* m_checklist;
  const ScenarioSource& m_source;
  std::vector<Status> m_problems;
  std::map<std::string, std::size_t, std::less<>> m_lines, m_zones, m_roles, m_phases, m_objectives, m_dps, m_injects;
  std::vector<std::string> m_line_order, m_zone_order, m_role_order, m_phase_order, m_objective_order, m_dp_order;
};

// ---------------------------------------------------------------------------
// The YAML/JSON reader

struct Field {
  YAML::Node key;
  YAML::Node value;
};

// The keys of one mapping, first occurrence of each, in file order.
struct Fields {
  std::vector<std::pair<std::string, Field>> list;
  const Field* get(std::string_view name) const {
    for (const auto& [n, f] : list) {
      if (n == name) return &f;
    }
    return nullptr;
  }
};

class YamlSource : public ScenarioSource {
 public:
  explicit YamlSource(const YamlDocument& doc) : m_doc(doc) {}
  Location locate(std::string_view key, std::string field) const override {
    std::string k(key);
    while (true) {
      if (auto it = m_marks.find(k); it != m_marks.end()) return m_doc.locate(it->second, std::move(field));
      if (k.empty()) return m_doc.locate(YAML::Mark::null_mark(), std::move(field));
      auto slash = k.rfind('/');
      k.resize(slash == std::string::npos ? 0 : slash);
    }
  }
  bool failed(std::string_view key) const override { return m_failed.count(std::string(key)) > 0; }
  void mark(const std::string& key, const YAML::Mark& mark) { m_marks.emplace(key, mark); }
  void fail(const std::string& key) { m_failed.insert(key); }

 private:
  const YamlDocument& m_doc;
  std::unordered_map<std::string, YAML::Mark> m_marks;
  std::unordered_set<std::string> m_failed;
};

class Validator {
 public:
  Validator(const YamlDocument& doc, const ScenarioLoadOptions& options, YamlSource& source)
      : m_doc(doc), m_json(doc.json()), m_options(options), m_source(source) {}

  std::vector<Status>& problems() { return m_problems; }

  void problem(const YAML::Mark& mark, const std::string& field, std::string message) {
    m_problems.push_back(Status::bad_input(std::move(message), m_doc.locate(mark, field)));
  }
  void problem(const YAML::Node& at, const std::string& field, std::string message) {
    problem(at.Mark(), field, std::move(message));
  }

  std::optional<Scenario> scenario(const YAML::Node& root);

 private:
  std::uint64_t line_of(const YAML::Node& n) const { return m_doc.locate(n.Mark()).line; }
  // yaml-cpp marks an empty (null) value at the token after it: use the key.
  static YAML::Mark at(const Field& f) { return f.value.IsNull() ? f.key.Mark() : f.value.Mark(); }

  std::string_view mapping_word() const { return m_json ? "an object" : "a mapping"; }
  std::string_view sequence_word() const { return m_json ? "an array" : "a sequence"; }
  std::string kind(const YAML::Node& n) const {
    switch (n.Type()) {
      case YAML::NodeType::Map:
        return std::string(mapping_word());
      case YAML::NodeType::Sequence:
        return std::string(sequence_word());
      case YAML::NodeType::Null:
        return "null";
      case YAML::NodeType::Undefined:
        return "nothing";
      case YAML::NodeType::Scalar:
        break;
    }
    if (m_json && n.Tag() != "!") return n.Scalar() == "true" || n.Scalar() == "false" ? "a boolean" : "a number";
    return "a string";
  }

  // The fields of mapping `map` (the part `p`); unknown and repeated keys are problems.
  Fields fields(const YAML::Node& map, const Part& p, std::span<const std::string_view> allowed);
  // The field `name` of `f`, or a problem naming it as missing.
  const Field* require(const Fields& f, const YAML::Node& map, std::string_view name, const Part& p);
  void failed(const Part& p) { m_source.fail(p.key); }
  void located(const Part& p, const Field& f) { m_source.mark(p.key, at(f)); }

  // Field values. `p` is the part of the field itself; messages name it "<p.what> <name>".
  std::optional<std::string> string_of(const Field& f, const Part& p, std::string_view name, bool number_ok = false);
  std::optional<LocalizedText> text_of(const Field& f, const Part& p, std::string_view name);
  std::optional<std::int64_t> time_of(const Field& f, const Part& p, std::string_view name, bool positive);
  std::optional<bool> bool_of(const Field& f, const Part& p, std::string_view name);
  // A list of ids: a sequence of strings, or one string; [] and null are empty.
  std::vector<std::string> ids_of(const Field& f, const Part& p, std::string_view name);

  // Optional fields of a mapping straight into a value.
  void opt_string(const Fields& f, const Part& p, std::string_view name, std::string& out) {
    if (const Field* x = f.get(name)) {
      if (auto s = string_of(*x, p.field(name), name)) out = std::move(*s);
    }
  }
  void opt_text(const Fields& f, const Part& p, std::string_view name, LocalizedText& out) {
    if (const Field* x = f.get(name)) {
      if (auto t = text_of(*x, p.field(name), name)) out = std::move(*t);
    }
  }
  void req_text(const Fields& f, const YAML::Node& map, const Part& p, std::string_view name, LocalizedText& out) {
    if (const Field* x = require(f, map, name, p)) {
      if (auto t = text_of(*x, p.field(name), name)) out = std::move(*t);
    }
  }
  void req_id(const Fields& f, const YAML::Node& map, const Part& p, std::string& out) {
    if (const Field* x = require(f, map, "id", p)) {
      if (auto s = string_of(*x, p.field("id"), "id")) out = std::move(*s);
    }
  }
  std::optional<std::string> opt_id(const YAML::Node& map) const;

  // Calls `each(node, part)` for every element of the list in field `f`
  // (the part `list`), each a mapping. `required`: an absent or empty list is
  // a problem ("the scenario has no <plural>").
  template <class Each>
  void list_of(const Field* f, const YAML::Node& parent, const Part& list, std::string_view plural,
               std::string_view thing, bool required, Each&& each);

  void targets(const Field& f, Scenario& s);
  void plant(const Field& f, Scenario& s);
  void injects(const Field& f, Scenario& s);
  void inject(const YAML::Node& node, const Part& p, Inject& inj);
  void expectation(const YAML::Node& node, const Part& p, Expectation& x);

  const YamlDocument& m_doc;
  bool m_json;
  const ScenarioLoadOptions& m_options;
  YamlSource& m_source;
  std::vector<Status> m_problems;
};

Fields Validator::fields(const YAML::Node& map, const Part& p, std::span<const std::string_view> allowed) {
  Fields out;
  m_source.mark(p.key, map.Mark());
  for (const auto& pair : map) {
    const YAML::Node key = pair.first;
    if (!key.IsScalar()) {
      problem(key, p.path, fmt::format("keys in {} must be strings, found {}", p.what, kind(key)));
      continue;
    }
    const std::string& name = key.Scalar();
    if (const Field* first = out.get(name)) {
      problem(key, path_join(p.path, name),
              fmt::format("duplicate key '{}' in {} (first at line {})", name, p.what, line_of(first->key)));
      continue;
    }
    out.list.emplace_back(name, Field{key, pair.second});
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    problem(key, path_join(p.path, name),
            fmt::format("unknown key '{}' in {}{}; allowed keys: {}", name, p.what, suggestion(name, allowed),
                        join(allowed)));
  }
  return out;
}

const Field* Validator::require(const Fields& f, const YAML::Node& map, std::string_view name, const Part& p) {
  const Field* field = f.get(name);
  if (field == nullptr) {
    problem(map, path_join(p.path, name), fmt::format("missing required key '{}' in {}", name, p.what));
    failed(p.field(name));
  }
  return field;
}

std::optional<std::string> Validator::string_of(const Field& f, const Part& p, std::string_view name,
                                                bool number_ok) {
  const YAML::Node& n = f.value;
  const std::string what = fmt::format("{} {}", p.what, name);
  located(p, f);
  if (n.IsNull()) {
    problem(at(f), p.path, fmt::format("{} is empty", what));
  } else if (!n.IsScalar()) {
    problem(n, p.path, fmt::format("{}: expected a string, found {}", what, kind(n)));
  } else if (m_json && n.Tag() != "!" &&
             (!number_ok || n.Scalar() == "true" || n.Scalar() == "false" || n.Scalar() == "null")) {
    problem(n, p.path, fmt::format("{}: expected a string, found {} ({})", what, kind(n), n.Scalar()));
  } else if (is_blank(n.Scalar())) {
    problem(n, p.path, fmt::format("{} is empty", what));
  } else {
    return n.Scalar();
  }
  failed(p);
  return std::nullopt;
}

std::optional<LocalizedText> Validator::text_of(const Field& f, const Part& p, std::string_view name) {
  const YAML::Node& n = f.value;
  const std::string what = fmt::format("{} {}", p.what, name);
  located(p, f);
  std::optional<LocalizedText> text;
  if (n.IsMap()) {
    LocalizedText t;
    std::map<std::string, YAML::Node, std::less<>> seen;
    bool ok = true;
    for (const auto& pair : n) {
      const YAML::Node key = pair.first;
      if (!key.IsScalar() || is_blank(key.Scalar())) {
        problem(key, p.path,
                key.IsScalar() || key.IsNull()
                    ? fmt::format("{}: empty language key", what)
                    : fmt::format("{}: language keys must be strings, found {}", what, kind(key)));
        ok = false;
        continue;
      }
      const std::string& lang = key.Scalar();
      const Part lang_part = p.field(lang);
      if (auto first = seen.find(lang); first != seen.end()) {
        problem(key, lang_part.path,
                fmt::format("duplicate key '{}' in {} (first at line {})", lang, what, line_of(first->second)));
        ok = false;
        continue;
      }
      seen.emplace(lang, key);
      const YAML::Node value = pair.second;
      if (!value.IsScalar() && !value.IsNull()) {
        problem(value, lang_part.path,
                fmt::format("{}: the '{}' text must be a string, found {}", what, lang, kind(value)));
        ok = false;
        continue;
      }
      auto s = string_of(Field{key, value}, Part{lang_part.key, lang_part.path, what}, fmt::format("'{}'", lang));
      if (!s) {
        ok = false;
        continue;
      }
      t.set(lang, std::move(*s));
    }
    if (seen.empty() && ok) {
      problem(n, p.path, fmt::format("{} is empty", what));
      ok = false;
    }
    if (ok) text = std::move(t);
  } else if (n.IsSequence()) {
    problem(n, p.path,
            fmt::format("{}: expected a string or a {{language: text}} {}, found {}", what,
                        m_json ? "object" : "mapping", kind(n)));
  } else if (auto s = string_of(f, p, name)) {
    text = LocalizedText(std::move(*s));
  }
  if (!text) {
    failed(p);
    return text;
  }
  if (!m_options.require_langs.empty()) {
    if (text->is_plain()) {
      problem(at(f), p.path,
              fmt::format("{}: a plain string has no language variants; --require-lang needs {}", what,
                          join(m_options.require_langs)));
    } else {
      for (const auto& lang : m_options.require_langs) {
        if (!text->has(lang)) problem(at(f), p.path, fmt::format("missing language '{}' in {}", lang, what));
      }
    }
  }
  return text;
}

std::optional<std::int64_t> Validator::time_of(const Field& f, const Part& p, std::string_view name, bool positive) {
  auto s = string_of(f, p, name);
  if (!s) return std::nullopt;
  auto t = model::parse_scenario_time(*s);
  if (!t) {
    problem(f.value, p.path, fmt::format("{} {}: bad time '{}'; {}", p.what, name, *s, time_hint()));
  } else if (positive && *t == 0) {
    problem(f.value, p.path, fmt::format("{} {}: must be later than +00:00 (leave it out for none)", p.what, name));
  } else {
    return t;
  }
  failed(p);
  return std::nullopt;
}

std::optional<bool> Validator::bool_of(const Field& f, const Part& p, std::string_view name) {
  const YAML::Node& n = f.value;
  located(p, f);
  if (n.IsScalar() && n.Tag() != "!" && (n.Scalar() == "true" || n.Scalar() == "false")) return n.Scalar() == "true";
  problem(at(f), p.path,
          fmt::format("{} {}: expected true or false, found {}", p.what, name,
                      n.IsScalar() ? "'" + n.Scalar() + "'" : kind(n)));
  failed(p);
  return std::nullopt;
}

std::vector<std::string> Validator::ids_of(const Field& f, const Part& p, std::string_view name) {
  std::vector<std::string> out;
  const YAML::Node& n = f.value;
  located(p, f);
  if (n.IsNull()) return out;
  if (n.IsScalar()) {
    if (auto s = string_of(f, p, name)) {
      m_source.mark(key_join(p.key, "0"), n.Mark());
      out.push_back(std::move(*s));
    }
    return out;
  }
  if (!n.IsSequence()) {
    problem(n, p.path, fmt::format("{} {}: expected {} of ids, found {}", p.what, name, sequence_word(), kind(n)));
    failed(p);
    return out;
  }
  std::size_t j = 0;
  for (const auto& element : n) {
    // Keys index the ids kept, so a rejected element gets a key of its own.
    const Part probe{key_join(p.key, fmt::format("#{}", j++)), p.path, p.what};
    if (!element.IsScalar()) {
      problem(element, p.path, fmt::format("{} {}: expected ids, found {}", p.what, name, kind(element)));
      continue;
    }
    if (auto s = string_of(Field{element, element}, probe, name)) {
      m_source.mark(key_join(p.key, std::to_string(out.size())), element.Mark());
      out.push_back(std::move(*s));
    }
  }
  return out;
}

std::optional<std::string> Validator::opt_id(const YAML::Node& map) const {
  for (const auto& pair : map) {
    if (pair.first.IsScalar() && pair.first.Scalar() == "id") {
      if (pair.second.IsScalar() && !is_blank(pair.second.Scalar())) return pair.second.Scalar();
      return std::nullopt;
    }
  }
  return std::nullopt;
}

template <class Each>
void Validator::list_of(const Field* f, const YAML::Node& parent, const Part& list, std::string_view plural,
                        std::string_view thing, bool required, Each&& each) {
  if (f == nullptr) {
    if (required) {
      problem(parent, list.path, fmt::format("missing required key '{}' in {}", list.path.substr(list.path.rfind('.') + 1), list.what));
      failed(list);
    }
    return;
  }
  const YAML::Node& n = f->value;
  located(list, *f);
  if (n.IsNull() || (n.IsSequence() && n.size() == 0)) {
    if (required) {
      problem(at(*f), list.path, fmt::format("{} has no {}", list.what, plural));
      failed(list);
    }
    return;
  }
  if (!n.IsSequence()) {
    problem(n, list.path, fmt::format("{}: expected {}, found {}", list.path, sequence_word(), kind(n)));
    failed(list);
    return;
  }
  std::size_t index = 0;
  for (const auto& node : n) {
    const auto raw = node.IsMap() ? opt_id(node) : std::nullopt;
    const Part p = element(list, index, raw.value_or(""), thing);
    m_source.mark(p.key, node.Mark());
    if (!node.IsMap()) {
      problem(node, p.path, fmt::format("{}: expected {}, found {}", p.what, mapping_word(), kind(node)));
      failed(p);
      failed(p.field("id"));
    }
    each(node, p, index);
    ++index;
  }
}

std::optional<Scenario> Validator::scenario(const YAML::Node& root) {
  if (root.IsNull()) {
    problem(root, "", "the scenario is empty (a null document)");
    return std::nullopt;
  }
  if (!root.IsMap()) {
    problem(root, "", fmt::format("a scenario must be {}, found {}", mapping_word(), kind(root)));
    return std::nullopt;
  }
  const Part top{"", "", "the scenario"};
  Fields f = fields(root, top, k_top_keys);
  Scenario s;
  req_id(f, root, top, s.id);
  if (const Field* v = require(f, root, "version", top)) {
    if (auto str = string_of(*v, top.field("version"), "version", /*number_ok=*/true)) s.version = std::move(*str);
  }
  req_text(f, root, top, "title", s.title);
  req_text(f, root, top, "narrative", s.narrative);
  if (const Field* c = f.get("checklist")) {
    if (auto str = string_of(*c, top.field("checklist"), "checklist")) {
      if (!is_id(*str)) {
        problem(c->value, "checklist",
                fmt::format("bad checklist id '{}'; ids may contain only letters, digits, '.', '_' and '-'", *str));
      }
      s.checklist = std::move(*str);
    }
  }
  if (const Field* d = f.get("duration")) {
    if (auto t = time_of(*d, top.field("duration"), "duration", /*positive=*/true)) s.duration = *t;
  }
  if (const Field* t = f.get("targets")) targets(*t, s);
  if (const Field* p = require(f, root, "plant", top)) plant(*p, s);

  list_of(f.get("roles"), root, top.field("roles"), "roles", "role", true,
          [&](const YAML::Node& node, const Part& p, std::size_t) {
            ScenarioRole r;
            if (node.IsMap()) {
              Fields rf = fields(node, p, k_role_keys);
              req_id(rf, node, p, r.id);
              req_text(rf, node, p, "title", r.title);
              opt_text(rf, p, "description", r.description);
              if (const Field* lead = rf.get("lead")) {
                if (auto b = bool_of(*lead, p.field("lead"), "lead")) r.lead = *b;
              }
            }
            s.roles.push_back(std::move(r));
          });
  list_of(f.get("phases"), root, top.field("phases"), "phases", "phase", false,
          [&](const YAML::Node& node, const Part& p, std::size_t) {
            ScenarioPhase ph;
            if (node.IsMap()) {
              Fields pf = fields(node, p, k_phase_keys);
              req_id(pf, node, p, ph.id);
              req_text(pf, node, p, "title", ph.title);
              opt_string(pf, p, "section", ph.section);
            }
            s.phases.push_back(std::move(ph));
          });
  list_of(f.get("objectives"), root, top.field("objectives"), "objectives", "objective", false,
          [&](const YAML::Node& node, const Part& p, std::size_t) {
            Objective o;
            if (node.IsMap()) {
              Fields of = fields(node, p, k_objective_keys);
              req_id(of, node, p, o.id);
              req_text(of, node, p, "title", o.title);
              if (const Field* l = of.get("links")) o.links = ids_of(*l, p.field("links"), "links");
            }
            s.objectives.push_back(std::move(o));
          });
  list_of(f.get("decision_points"), root, top.field("decision_points"), "decision points", "decision point", false,
          [&](const YAML::Node& node, const Part& p, std::size_t) {
            DecisionPoint dp;
            if (node.IsMap()) {
              Fields df = fields(node, p, k_dp_keys);
              req_id(df, node, p, dp.id);
              if (const Field* k = require(df, node, "kind", p)) {
                if (auto str = string_of(*k, p.field("kind"), "kind")) {
                  if (auto parsed = model::parse_decision_kind(*str)) {
                    dp.kind = *parsed;
                  } else {
                    problem(k->value, p.field("kind").path,
                            fmt::format("{}: bad kind '{}'; expected classify, escalate, stop, continue, contain, "
                                        "evidence, external, health, restart or disclose{}",
                                        p.what, *str,
                                        suggestion(*str, std::array<std::string_view, 10>{
                                                             "classify", "escalate", "stop", "continue", "contain",
                                                             "evidence", "external", "health", "restart", "disclose"})));
                    failed(p.field("kind"));
                  }
                }
              }
              req_text(df, node, p, "prompt", dp.prompt);
              const Part options = p.field("options");
              const Field* of = require(df, node, "options", p);
              list_of(of, node, Part{options.key, options.path, p.what}, "options", "option", false,
                      [&](const YAML::Node& on, const Part& op_raw, std::size_t) {
                        const Part op{op_raw.key, op_raw.path, fmt::format("{} {}", p.what, op_raw.what)};
                        DecisionOption o;
                        if (on.IsMap()) {
                          Fields f2 = fields(on, op, k_option_keys);
                          req_id(f2, on, op, o.id);
                          req_text(f2, on, op, "label", o.label);
                        }
                        dp.options.push_back(std::move(o));
                      });
              if (of != nullptr && !of->value.IsNull() && !of->value.IsSequence()) failed(options);
              if (const Field* r = df.get("roles")) dp.roles = ids_of(*r, p.field("roles"), "roles");
              opt_string(df, p, "objective", dp.objective);
              if (const Field* l = df.get("links")) dp.links = ids_of(*l, p.field("links"), "links");
            }
            s.decision_points.push_back(std::move(dp));
          });
  if (const Field* i = f.get("injects")) {
    injects(*i, s);
  } else {
    problem(root, "injects", "missing required key 'injects' in the scenario");
  }
  return s;
}

void Validator::targets(const Field& field, Scenario& s) {
  const Part p{"targets", "targets", "targets"};
  located(p, field);
  if (!field.value.IsMap()) {
    problem(at(field), p.path, fmt::format("targets: expected {}, found {}", mapping_word(), kind(field.value)));
    return;
  }
  Fields f = fields(field.value, p, k_target_keys);
  std::array<std::int64_t*, 7> slots = {&s.targets.first_report,   &s.targets.classified,
                                        &s.targets.poc_informed,   &s.targets.stop_decision,
                                        &s.targets.first_evidence, &s.targets.cert_contact,
                                        &s.targets.restart_decision};
  for (std::size_t i = 0; i < k_target_keys.size(); ++i) {
    if (const Field* x = f.get(k_target_keys[i])) {
      if (auto t = time_of(*x, p.field(k_target_keys[i]), k_target_keys[i], /*positive=*/true)) *slots[i] = *t;
    }
  }
}

void Validator::plant(const Field& field, Scenario& s) {
  const Part p{"plant", "plant", "the plant"};
  located(p, field);
  const YAML::Node& n = field.value;
  if (!n.IsMap()) {
    problem(at(field), p.path, fmt::format("plant: expected {}, found {}", mapping_word(), kind(n)));
    return;
  }
  Fields f = fields(n, p, k_plant_keys);
  req_text(f, n, p, "name", s.plant.name);
  opt_text(f, p, "description", s.plant.description);
  list_of(f.get("lines"), n, p.field("lines"), "lines", "plant line", false,
          [&](const YAML::Node& node, const Part& lp, std::size_t) {
            PlantLine l;
            if (node.IsMap()) {
              Fields lf = fields(node, lp, k_line_keys);
              req_id(lf, node, lp, l.id);
              req_text(lf, node, lp, "name", l.name);
            }
            s.plant.lines.push_back(std::move(l));
          });
  list_of(f.get("zones"), n, p.field("zones"), "zones", "plant zone", false,
          [&](const YAML::Node& node, const Part& zp, std::size_t) {
            PlantZone z;
            if (node.IsMap()) {
              Fields zf = fields(node, zp, k_zone_keys);
              req_id(zf, node, zp, z.id);
              req_text(zf, node, zp, "name", z.name);
              opt_string(zf, zp, "level", z.level);
            }
            s.plant.zones.push_back(std::move(z));
          });
  list_of(f.get("systems"), n, p.field("systems"), "systems", "plant system", false,
          [&](const YAML::Node& node, const Part& sp, std::size_t) {
            PlantSystem sys;
            if (node.IsMap()) {
              Fields sf = fields(node, sp, k_system_keys);
              req_id(sf, node, sp, sys.id);
              if (const Field* k = require(sf, node, "kind", sp)) {
                if (auto str = string_of(*k, sp.field("kind"), "kind")) {
                  auto it = std::find_if(k_system_kinds.begin(), k_system_kinds.end(), [&](std::string_view kind) {
                    return kind.size() == str->size() &&
                           std::equal(kind.begin(), kind.end(), str->begin(), [](char a, char b) {
                             return std::tolower(static_cast<unsigned char>(a)) ==
                                    std::tolower(static_cast<unsigned char>(b));
                           });
                  });
                  if (it != k_system_kinds.end()) {
                    sys.kind = std::string(*it);
                  } else {
                    problem(k->value, sp.field("kind").path,
                            fmt::format("{}: bad kind '{}'; expected one of {}", sp.what, *str, join(k_system_kinds)));
                  }
                }
              }
              req_text(sf, node, sp, "name", sys.name);
              opt_string(sf, sp, "zone", sys.zone);
              opt_string(sf, sp, "line", sys.line);
            }
            s.plant.systems.push_back(std::move(sys));
          });
}

void Validator::injects(const Field& field, Scenario& s) {
  const Part top{"", "", "the scenario"};
  list_of(&field, YAML::Node(), top.field("injects"), "injects", "inject", true,
          [&](const YAML::Node& node, const Part& p, std::size_t) {
            Inject inj;
            if (node.IsMap()) inject(node, p, inj);
            s.injects.push_back(std::move(inj));
          });
}

void Validator::inject(const YAML::Node& node, const Part& p, Inject& inj) {
  Fields f = fields(node, p, k_inject_keys);
  req_id(f, node, p, inj.id);
  if (const Field* at_field = require(f, node, "at", p)) {
    if (auto t = time_of(*at_field, p.field("at"), "at", /*positive=*/false)) inj.at = *t;
  }
  opt_string(f, p, "phase", inj.phase);
  opt_string(f, p, "from", inj.from);
  if (const Field* to = f.get("to")) inj.to = ids_of(*to, p.field("to"), "to");
  req_text(f, node, p, "title", inj.title);
  opt_text(f, p, "body", inj.body);
  if (const Field* d = f.get("delivery")) {
    if (auto str = string_of(*d, p.field("delivery"), "delivery")) {
      if (auto parsed = model::parse_delivery(*str)) {
        inj.delivery = *parsed;
      } else {
        problem(d->value, p.field("delivery").path,
                fmt::format("{}: bad delivery '{}'; expected phone, mail, alarm, verbal or system{}", p.what, *str,
                            suggestion(*str, std::array<std::string_view, 5>{"phone", "mail", "alarm", "verbal",
                                                                             "system"})));
      }
    }
  }
  const Part expects = p.field("expects");
  if (const Field* e = f.get("expects")) {
    located(expects, *e);
    const YAML::Node& n = e->value;
    if (n.IsSequence()) {
      std::size_t i = 0;
      for (const auto& en : n) {
        const Part ep{key_join(expects.key, std::to_string(i)), fmt::format("{}[{}]", expects.path, i + 1),
                      fmt::format("{} expectation {}", p.what, i + 1)};
        m_source.mark(ep.key, en.Mark());
        Expectation x;
        if (en.IsMap()) {
          expectation(en, ep, x);
        } else {
          problem(en, ep.path, fmt::format("{}: expected {}, found {}", ep.what, mapping_word(), kind(en)));
        }
        inj.expects.push_back(std::move(x));
        ++i;
      }
    } else if (!n.IsNull()) {
      problem(n, expects.path, fmt::format("{} expects: expected {}, found {}", p.what, sequence_word(), kind(n)));
      failed(expects);
    }
  }
  if (const Field* l = f.get("links")) inj.links = ids_of(*l, p.field("links"), "links");
  if (const Field* d = f.get("decision_points")) {
    inj.decision_points = ids_of(*d, p.field("decision_points"), "decision_points");
  }
  if (const Field* c = f.get("contingency")) {
    const Part cp{key_join(p.key, "contingency"), path_join(p.path, "contingency"), p.what + " contingency"};
    located(cp, *c);
    if (c->value.IsMap()) {
      Fields cf = fields(c->value, cp, k_contingency_keys);
      model::Contingency contingency;
      if (const Field* u = require(cf, c->value, "unless", cp)) {
        if (auto str = string_of(*u, cp.field("unless"), "unless")) contingency.unless = std::move(*str);
      }
      inj.contingency = std::move(contingency);
    } else {
      problem(at(*c), cp.path,
              fmt::format("{}: expected {} such as {{unless: INJ-001}}, found {}", cp.what, mapping_word(),
                          kind(c->value)));
    }
  }
  opt_text(f, p, "notes", inj.notes);
}

void Validator::expectation(const YAML::Node& node, const Part& p, Expectation& x) {
  Fields f = fields(node, p, k_expect_keys);
  if (const Field* k = require(f, node, "kind", p)) {
    if (auto str = string_of(*k, p.field("kind"), "kind")) {
      if (auto parsed = model::parse_action_kind(*str)) {
        x.kind = *parsed;
      } else {
        problem(k->value, p.field("kind").path,
                fmt::format("{}: bad kind '{}'; expected report, decision, contact, evidence or note{}", p.what, *str,
                            suggestion(*str, std::array<std::string_view, 5>{"report", "decision", "contact",
                                                                             "evidence", "note"})));
        failed(p.field("kind"));
      }
    }
  }
  opt_string(f, p, "decision_point", x.decision_point);
  if (const Field* c = f.get("contact")) {
    if (auto str = string_of(*c, p.field("contact"), "contact")) {
      if (auto normal = model::normalize_contact_target(*str)) {
        x.contact = std::move(*normal);
      } else {
        problem(c->value, p.field("contact").path,
                fmt::format("{}: bad contact target '{}'; expected one of {}", p.what, *str,
                            join(model::contact_targets())));
        failed(p.field("contact"));
        x.contact = std::move(*str);  // still "given", for the kind check
      }
    }
  }
  opt_string(f, p, "role", x.role);
  opt_text(f, p, "text", x.text);
  if (const Field* w = f.get("within")) {
    if (auto t = time_of(*w, p.field("within"), "within", /*positive=*/true)) x.within = *t;
  }
}

Result<Scenario> finish(std::vector<Status> found, std::optional<Scenario> scenario, std::vector<Status>* problems) {
  std::stable_sort(found.begin(), found.end(), [](const Status& a, const Status& b) {
    auto key = [](const Status& s) {
      return std::pair(s.where().line == 0 ? UINT64_MAX : s.where().line, s.where().column);
    };
    return key(a) < key(b);
  });
  if (found.empty() && !scenario) found.push_back(Status::internal("scenario parser returned nothing"));
  if (!found.empty()) {
    Status first = found.front();
    if (problems != nullptr) *problems = std::move(found);
    return first;
  }
  if (problems != nullptr) problems->clear();
  scenario->reindex();
  return std::move(*scenario);
}

// ---------------------------------------------------------------------------
// Writing

using yaml::double_quoted;
using yaml::plain_safe;
std::string yaml_scalar(std::string_view s) { return yaml::scalar(s); }

// True if `s` reads back exactly from a literal block scalar ("|" or "|-"):
// several lines, no leading blank or break, no line of only blanks, nothing
// a YAML reader could take for a break or drop, at most one final newline.
bool literal_safe(std::string_view s) {
  if (s.find('\n') == std::string_view::npos || s.empty()) return false;
  if (s.front() == ' ' || s.front() == '\t' || s.front() == '\n') return false;
  if (s.size() >= 2 && s.substr(s.size() - 2) == "\n\n") return false;
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) return false;
  }
  for (std::string_view bad : {"\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9", "\xEF\xBB\xBF"}) {
    if (s.find(bad) != std::string_view::npos) return false;
  }
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find('\n', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view line = s.substr(start, end - start);
    if (!line.empty() && line.find_first_not_of(" \t") == std::string_view::npos) return false;
    // A blank line that is not the last keeps its place, but a line starting
    // with a tab after an empty line could be read as indentation: refuse.
    if (!line.empty() && line.front() == '\t') return false;
    start = end + 1;
  }
  return true;
}

std::string yaml_flow_text(const LocalizedText& t, const std::optional<std::string>& lang) {
  return yaml::flow_text(t, lang);
}

std::string yaml_ids(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ", ";
    out += yaml_scalar(ids[i]);
  }
  return out + "]";
}

std::string time_text(std::int64_t t) { return double_quoted(model::format_scenario_time(t)); }

class YamlWriter {
 public:
  explicit YamlWriter(const std::optional<std::string>& lang) : m_lang(lang) {}

  // Starts a mapping line: "<indent>key: " or, for the first key of a list
  // element, "<indent-2>- key: ".
  void key(int indent, std::string_view name, bool first_in_item = false) {
    if (first_in_item) {
      m_out.append(static_cast<std::size_t>(indent - 2), ' ');
      m_out += "- ";
    } else {
      m_out.append(static_cast<std::size_t>(indent), ' ');
    }
    m_out += name;
    m_out += ':';
  }
  void value(int indent, std::string_view name, std::string_view text, bool first_in_item = false) {
    key(indent, name, first_in_item);
    m_out += ' ';
    m_out += text;
    m_out += '\n';
  }
  void scalar(int indent, std::string_view name, std::string_view s, bool first_in_item = false) {
    value(indent, name, yaml_scalar(s), first_in_item);
  }
  void text(int indent, std::string_view name, const LocalizedText& t, bool first_in_item = false) {
    if (m_lang) {
      const std::string& s = t.text(*m_lang);
      if (literal_safe(s)) {
        key(indent, name, first_in_item);
        literal(indent + 2, s);
      } else {
        value(indent, name, yaml_scalar(s), first_in_item);
      }
      return;
    }
    const bool multiline = std::any_of(t.variants().begin(), t.variants().end(),
                                       [](const auto& v) { return literal_safe(v.second); });
    if (!multiline) {
      value(indent, name, yaml_flow_text(t, m_lang), first_in_item);
      return;
    }
    key(indent, name, first_in_item);
    if (t.is_plain()) {
      literal(indent + 2, t.variants().front().second);
      return;
    }
    m_out += '\n';
    for (const auto& [l, s] : t.variants()) {
      m_out.append(static_cast<std::size_t>(indent + 2), ' ');
      m_out += yaml_scalar(l);
      m_out += ':';
      if (literal_safe(s)) {
        literal(indent + 4, s);
      } else {
        m_out += ' ';
        m_out += yaml_scalar(s);
        m_out += '\n';
      }
    }
  }
  void line(std::string_view s) {
    m_out += s;
    m_out += '\n';
  }
  std::string flow(const LocalizedText& t) const { return yaml_flow_text(t, m_lang); }
  std::string take() { return std::move(m_out); }

 private:
  // " |" or " |-" and the lines of `s`, indented; after "key:".
  void literal(int indent, std::string_view s) {
    const bool final_newline = s.back() == '\n';
    if (final_newline) s.remove_suffix(1);
    m_out += final_newline ? " |\n" : " |-\n";
    std::size_t start = 0;
    while (true) {
      std::size_t end = s.find('\n', start);
      std::string_view line = s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
      if (!line.empty()) m_out.append(static_cast<std::size_t>(indent), ' ');
      m_out += line;
      m_out += '\n';
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
  }

  const std::optional<std::string>& m_lang;
  std::string m_out;
};

std::string write_yaml(const Scenario& s, const std::optional<std::string>& lang) {
  YamlWriter w(lang);
  w.scalar(0, "id", s.id);
  w.value(0, "version", double_quoted(s.version));
  w.text(0, "title", s.title);
  w.text(0, "narrative", s.narrative);
  if (!s.checklist.empty()) w.scalar(0, "checklist", s.checklist);
  if (s.duration > 0) w.value(0, "duration", time_text(s.duration));
  {
    const std::array<std::int64_t, 7> values = {s.targets.first_report,   s.targets.classified,
                                                s.targets.poc_informed,   s.targets.stop_decision,
                                                s.targets.first_evidence, s.targets.cert_contact,
                                                s.targets.restart_decision};
    std::string targets;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values[i] <= 0) continue;
      targets += fmt::format("{}{}: {}", targets.empty() ? "" : ", ", k_target_keys[i], time_text(values[i]));
    }
    if (!targets.empty()) w.value(0, "targets", "{" + targets + "}");
  }
  w.line("plant:");
  w.text(2, "name", s.plant.name);
  if (!s.plant.description.empty()) w.text(2, "description", s.plant.description);
  if (!s.plant.lines.empty()) {
    w.line("  lines:");
    for (const auto& l : s.plant.lines) {
      w.line(fmt::format("    - {{id: {}, name: {}}}", yaml_scalar(l.id), w.flow(l.name)));
    }
  }
  if (!s.plant.zones.empty()) {
    w.line("  zones:");
    for (const auto& z : s.plant.zones) {
      std::string level = z.level.empty() ? "" : fmt::format(", level: {}", yaml_scalar(z.level));
      w.line(fmt::format("    - {{id: {}, name: {}{}}}", yaml_scalar(z.id), w.flow(z.name), level));
    }
  }
  if (!s.plant.systems.empty()) {
    w.line("  systems:");
    for (const auto& sys : s.plant.systems) {
      std::string extra;
      if (!sys.zone.empty()) extra += fmt::format(", zone: {}", yaml_scalar(sys.zone));
      if (!sys.line.empty()) extra += fmt::format(", line: {}", yaml_scalar(sys.line));
      w.line(fmt::format("    - {{id: {}, kind: {}, name: {}{}}}", yaml_scalar(sys.id), yaml_scalar(sys.kind),
                         w.flow(sys.name), extra));
    }
  }
  w.line("roles:");
  for (const auto& r : s.roles) {
    w.scalar(4, "id", r.id, true);
    w.text(4, "title", r.title);
    if (!r.description.empty()) w.text(4, "description", r.description);
    if (r.lead) w.value(4, "lead", "true");
  }
  if (!s.phases.empty()) {
    w.line("phases:");
    for (const auto& p : s.phases) {
      w.scalar(4, "id", p.id, true);
      w.text(4, "title", p.title);
      if (!p.section.empty()) w.scalar(4, "section", p.section);
    }
  }
  if (!s.objectives.empty()) {
    w.line("objectives:");
    for (const auto& o : s.objectives) {
      w.scalar(4, "id", o.id, true);
      w.text(4, "title", o.title);
      if (!o.links.empty()) w.value(4, "links", yaml_ids(o.links));
    }
  }
  if (!s.decision_points.empty()) {
    w.line("decision_points:");
    for (const auto& dp : s.decision_points) {
      w.scalar(4, "id", dp.id, true);
      w.value(4, "kind", model::to_string(dp.kind));
      w.text(4, "prompt", dp.prompt);
      w.line("    options:");
      for (const auto& o : dp.options) {
        w.line(fmt::format("      - {{id: {}, label: {}}}", yaml_scalar(o.id), w.flow(o.label)));
      }
      if (!dp.roles.empty()) w.value(4, "roles", yaml_ids(dp.roles));
      if (!dp.objective.empty()) w.scalar(4, "objective", dp.objective);
      if (!dp.links.empty()) w.value(4, "links", yaml_ids(dp.links));
    }
  }
  w.line("injects:");
  for (const auto& inj : s.injects) {
    w.scalar(4, "id", inj.id, true);
    w.value(4, "at", time_text(inj.at));
    if (!inj.phase.empty()) w.scalar(4, "phase", inj.phase);
    if (!inj.from.empty()) w.scalar(4, "from", inj.from);
    if (!inj.to.empty()) w.value(4, "to", yaml_ids(inj.to));
    w.text(4, "title", inj.title);
    if (!inj.body.empty()) w.text(4, "body", inj.body);
    w.value(4, "delivery", model::to_string(inj.delivery));
    if (!inj.expects.empty()) {
      w.line("    expects:");
      for (const auto& x : inj.expects) {
        std::string e = fmt::format("kind: {}", model::to_string(x.kind));
        if (!x.decision_point.empty()) e += fmt::format(", decision_point: {}", yaml_scalar(x.decision_point));
        if (!x.contact.empty()) e += fmt::format(", contact: {}", yaml_scalar(x.contact));
        if (!x.role.empty()) e += fmt::format(", role: {}", yaml_scalar(x.role));
        if (!x.text.empty()) e += fmt::format(", text: {}", w.flow(x.text));
        if (x.within > 0) e += fmt::format(", within: {}", time_text(x.within));
        w.line("      - {" + e + "}");
      }
    }
    if (!inj.links.empty()) w.value(4, "links", yaml_ids(inj.links));
    if (!inj.decision_points.empty()) w.value(4, "decision_points", yaml_ids(inj.decision_points));
    if (inj.contingency) w.value(4, "contingency", fmt::format("{{unless: {}}}", yaml_scalar(inj.contingency->unless)));
    if (!inj.notes.empty()) w.text(4, "notes", inj.notes);
  }
  return w.take();
}

using ojson = nlohmann::ordered_json;

ojson json_text(const LocalizedText& t, const std::optional<std::string>& lang) {
  if (lang) return t.text(*lang);
  if (t.is_plain()) return t.variants().front().second;
  ojson out = ojson::object();
  for (const auto& [l, text] : t.variants()) out[l] = text;
  return out;
}

ojson json_ids(const std::vector<std::string>& ids) {
  ojson out = ojson::array();
  for (const auto& id : ids) out.push_back(id);
  return out;
}

std::string write_json(const Scenario& s, const std::optional<std::string>& lang) {
  auto text = [&](const LocalizedText& t) { return json_text(t, lang); };
  auto time = [](std::int64_t t) { return model::format_scenario_time(t); };
  ojson out = ojson::object();
  out["id"] = s.id;
  out["version"] = s.version;
  out["title"] = text(s.title);
  out["narrative"] = text(s.narrative);
  if (!s.checklist.empty()) out["checklist"] = s.checklist;
  if (s.duration > 0) out["duration"] = time(s.duration);
  {
    const std::array<std::int64_t, 7> values = {s.targets.first_report,   s.targets.classified,
                                                s.targets.poc_informed,   s.targets.stop_decision,
                                                s.targets.first_evidence, s.targets.cert_contact,
                                                s.targets.restart_decision};
    ojson targets = ojson::object();
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values[i] > 0) targets[std::string(k_target_keys[i])] = time(values[i]);
    }
    if (!targets.empty()) out["targets"] = std::move(targets);
  }
  ojson plant = ojson::object();
  plant["name"] = text(s.plant.name);
  if (!s.plant.description.empty()) plant["description"] = text(s.plant.description);
  if (!s.plant.lines.empty()) {
    ojson lines = ojson::array();
    for (const auto& l : s.plant.lines) lines.push_back(ojson{{"id", l.id}, {"name", text(l.name)}});
    plant["lines"] = std::move(lines);
  }
  if (!s.plant.zones.empty()) {
    ojson zones = ojson::array();
    for (const auto& z : s.plant.zones) {
      ojson jz{{"id", z.id}, {"name", text(z.name)}};
      if (!z.level.empty()) jz["level"] = z.level;
      zones.push_back(std::move(jz));
    }
    plant["zones"] = std::move(zones);
  }
  if (!s.plant.systems.empty()) {
    ojson systems = ojson::array();
    for (const auto& sys : s.plant.systems) {
      ojson js{{"id", sys.id}, {"kind", sys.kind}, {"name", text(sys.name)}};
      if (!sys.zone.empty()) js["zone"] = sys.zone;
      if (!sys.line.empty()) js["line"] = sys.line;
      systems.push_back(std::move(js));
    }
    plant["systems"] = std::move(systems);
  }
  out["plant"] = std::move(plant);
  ojson roles = ojson::array();
  for (const auto& r : s.roles) {
    ojson jr{{"id", r.id}, {"title", text(r.title)}};
    if (!r.description.empty()) jr["description"] = text(r.description);
    if (r.lead) jr["lead"] = true;
    roles.push_back(std::move(jr));
  }
  out["roles"] = std::move(roles);
  if (!s.phases.empty()) {
    ojson phases = ojson::array();
    for (const auto& p : s.phases) {
      ojson jp{{"id", p.id}, {"title", text(p.title)}};
      if (!p.section.empty()) jp["section"] = p.section;
      phases.push_back(std::move(jp));
    }
    out["phases"] = std::move(phases);
  }
  if (!s.objectives.empty()) {
    ojson objectives = ojson::array();
    for (const auto& o : s.objectives) {
      ojson jo{{"id", o.id}, {"title", text(o.title)}};
      if (!o.links.empty()) jo["links"] = json_ids(o.links);
      objectives.push_back(std::move(jo));
    }
    out["objectives"] = std::move(objectives);
  }
  if (!s.decision_points.empty()) {
    ojson dps = ojson::array();
    for (const auto& dp : s.decision_points) {
      ojson jd{{"id", dp.id}, {"kind", model::to_string(dp.kind)}, {"prompt", text(dp.prompt)}};
      ojson options = ojson::array();
      for (const auto& o : dp.options) options.push_back(ojson{{"id", o.id}, {"label", text(o.label)}});
      jd["options"] = std::move(options);
      if (!dp.roles.empty()) jd["roles"] = json_ids(dp.roles);
      if (!dp.objective.empty()) jd["objective"] = dp.objective;
      if (!dp.links.empty()) jd["links"] = json_ids(dp.links);
      dps.push_back(std::move(jd));
    }
    out["decision_points"] = std::move(dps);
  }
  ojson injects = ojson::array();
  for (const auto& inj : s.injects) {
    ojson ji{{"id", inj.id}, {"at", time(inj.at)}};
    if (!inj.phase.empty()) ji["phase"] = inj.phase;
    if (!inj.from.empty()) ji["from"] = inj.from;
    if (!inj.to.empty()) ji["to"] = json_ids(inj.to);
    ji["title"] = text(inj.title);
    if (!inj.body.empty()) ji["body"] = text(inj.body);
    ji["delivery"] = model::to_string(inj.delivery);
    if (!inj.expects.empty()) {
      ojson expects = ojson::array();
      for (const auto& x : inj.expects) {
        ojson jx{{"kind", model::to_string(x.kind)}};
        if (!x.decision_point.empty()) jx["decision_point"] = x.decision_point;
        if (!x.contact.empty()) jx["contact"] = x.contact;
        if (!x.role.empty()) jx["role"] = x.role;
        if (!x.text.empty()) jx["text"] = text(x.text);
        if (x.within > 0) jx["within"] = time(x.within);
        expects.push_back(std::move(jx));
      }
      ji["expects"] = std::move(expects);
    }
    if (!inj.links.empty()) ji["links"] = json_ids(inj.links);
    if (!inj.decision_points.empty()) ji["decision_points"] = json_ids(inj.decision_points);
    if (inj.contingency) ji["contingency"] = ojson{{"unless", inj.contingency->unless}};
    if (!inj.notes.empty()) ji["notes"] = text(inj.notes);
    injects.push_back(std::move(ji));
  }
  out["injects"] = std::move(injects);
  std::string result = out.dump(2, ' ', false, ojson::error_handler_t::replace);
  // nlohmann writes DEL as is, but the reader rejects it; inside strings
  // "\u007f" means the same.
  for (std::size_t at = result.find('\x7F'); at != std::string::npos; at = result.find('\x7F', at)) {
    result.replace(at, 1, "\\u007f");
  }
  return result + "\n";
}

}  // namespace

// ---------------------------------------------------------------------------

std::vector<Status> check_scenario(const model::Scenario& s, const model::Checklist* checklist,
                                   const ScenarioSource& source) {
  return Checker(s, checklist, source).run();
}

Result<const model::Checklist*> links_checklist(const model::Scenario& s, const model::Checklist* given,
                                                std::optional<model::Checklist>& storage) {
  if (given != nullptr) return given;
  if (s.checklist.empty()) return static_cast<const model::Checklist*>(nullptr);
  const auto ids = builtin_checklist_ids();
  if (std::find(ids.begin(), ids.end(), s.checklist) == ids.end()) {
    return static_cast<const model::Checklist*>(nullptr);
  }
  auto loaded = load_builtin_checklist(s.checklist);
  if (!loaded) return loaded.status();
  storage = std::move(loaded).value();
  return static_cast<const model::Checklist*>(&*storage);
}

Result<model::Scenario> parse_scenario(std::string_view text, std::string_view filename,
                                       const ScenarioLoadOptions& options, std::vector<Status>* problems) {
  std::vector<Status> found;
  YamlDocumentOptions doc_options;
  doc_options.what = "scenario";
  doc_options.max_bytes = k_max_scenario_bytes;
  doc_options.trusted = options.trusted;
  auto doc = parse_yaml_document(text, filename, doc_options, &found);
  if (!doc) return finish({doc.status()}, std::nullopt, problems);

  YamlSource source(*doc);
  Validator validator(*doc, options, source);
  std::optional<Scenario> scenario;
  try {
    scenario = validator.scenario(doc->root());
  } catch (const YAML::Exception& e) {
    validator.problem(e.mark, "", fmt::format("cannot read the scenario: {}", e.msg));
  }
  auto& more = validator.problems();
  found.insert(found.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  if (scenario) {
    std::optional<model::Checklist> storage;
    auto checklist = links_checklist(*scenario, options.checklist, storage);
    if (!checklist) {
      found.push_back(checklist.status());
    } else {
      auto checked = check_scenario(*scenario, *checklist, source);
      found.insert(found.end(), std::make_move_iterator(checked.begin()), std::make_move_iterator(checked.end()));
    }
  }
  return finish(std::move(found), std::move(scenario), problems);
}

Result<model::Scenario> load_scenario_file(const std::string& path, const ScenarioLoadOptions& options,
                                           std::vector<Status>* problems) {
  auto file = util::MappedFile::open(path);
  if (!file) {
    if (problems != nullptr) *problems = {file.status()};
    return file.status();
  }
  return parse_scenario(file->data(), path == "-" ? "<stdin>" : path, options, problems);
}

std::string write_scenario(const model::Scenario& s, ScenarioFormat format, std::optional<std::string> lang) {
  return format == ScenarioFormat::kJson ? write_json(s, lang) : write_yaml(s, lang);
}

std::string scenario_content_json(const model::Scenario& s) { return write_scenario(s, ScenarioFormat::kJson); }

std::string scenario_content_hash(const model::Scenario& s) { return util::sha256_hex(scenario_content_json(s)); }

}  // namespace kunren::io
