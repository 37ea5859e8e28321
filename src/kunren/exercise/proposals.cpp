// Evidence-linked proposals (proposals.hpp): the rules file reader, the eight
// rule types, the contradictions and the JSON forms.
//
// Which items a drill exercised — the choice made here: an item counts when
// the drill actually reached something that links it, that is
//   - a scenario inject that was delivered (not one still to come, nor a
//     contingency that was skipped),
//   - a decision point that was raised by a delivered inject or decided,
//   - an objective that the facilitator rated, or whose decision point was
//     raised or decided.
// A drill stopped half way therefore gets proposals only for what it went
// through; an item linked only from injects never delivered gets none.
//
// Time references. `within` of a decision or contact rule counts from the
// first delivered inject that raised the rule's decision point (or from the
// rule's `inject`); a decision rule without `within` uses the scenario's
// timing target for its kind (classify → classified, stop/continue →
// stop_decision, restart → restart_decision), which like every metric counts
// from the drill's first inject. A contact made before its decision point
// was raised counts as on time. Citation times are scenario time, to the
// minute ("+00:42").
//
// The fallback for an exercised item no rule names: the latest P/S/M/U
// rating of each objective linking the item; of several objectives, the
// worst rating counts (a proposal should not claim more than the weakest
// observation).
//
// Parameters beyond the header's list (docs/formats.md "Proposal rules" has
// them all): `decision` takes `require` (rationale, decided_by, information,
// criteria; default rationale); `contact` takes `inject` instead of
// `decision_point` as its reference, and `target` may be a list; `evidence`
// takes `min_records`; `prepared` takes `require`, checks per record kind
// (contact-tree: fresh — the default —, external, escalation; criteria:
// decision point ids; restart-checklist: approver, minimum_production,
// second-opinion; poc-sheet: reporter, deputy, systems, components,
// collection, timekeeping; evidence-plan: without_stopping;
// improvement-plan: owners, on-track).
//
// Thread safety: pure functions.
#include <kunren/exercise/proposals.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <kunren/io/builtin.hpp>
#include <kunren/io/embedded.hpp>
#include <kunren/io/text_rules.hpp>
#include <kunren/io/yaml_document.hpp>
#include <kunren/model/exercise.hpp>
#include <kunren/model/preparedness.hpp>

namespace kunren::exercise {
namespace {

using model::Level;
using model::LocalizedText;
using nlohmann::json;

// --- the rule types and their parameters -----------------------------------------

struct TypeSpec {
  std::string_view type;
  std::vector<std::string_view> params;
};

const std::vector<TypeSpec>& type_specs() {
  static const std::vector<TypeSpec> specs = {
      {"decision", {"decision_point", "decision_kind", "within", "require"}},
      {"criteria", {"decision_points"}},
      {"contact", {"target", "decision_point", "inject", "within"}},
      {"report", {"min_reports"}},
      {"evidence", {"require", "types", "min_records"}},
      {"metric", {"metric"}},
      {"observation", {"objective"}},
      {"prepared", {"record", "min_entries", "require"}},
  };
  return specs;
}

const TypeSpec* find_spec(std::string_view type) {
  for (const auto& s : type_specs())
    if (s.type == type) return &s;
  return nullptr;
}

constexpr std::array<std::string_view, 4> k_decision_fields = {"rationale", "decided_by", "information", "criteria"};
constexpr std::array<std::string_view, 6> k_evidence_fields = {"asset",   "method",  "collector",
                                                               "sha256",  "storage", "custody"};
constexpr std::array<std::string_view, 7> k_metric_ids = {"first_report",   "classified",   "poc_informed",
                                                          "stop_decision",  "first_evidence", "cert_contact",
                                                          "restart_decision"};
constexpr std::array<std::string_view, 6> k_prep_kinds = {"contact-tree",      "criteria",  "evidence-plan",
                                                          "restart-checklist", "poc-sheet", "improvement-plan"};

// What `require` may list for a `prepared` rule, per record kind; criteria
// takes decision point ids instead (checked as ids).
std::vector<std::string_view> prepared_checks(std::string_view record) {
  if (record == "contact-tree") return {"fresh", "external", "escalation"};
  if (record == "evidence-plan") return {"without_stopping"};
  if (record == "restart-checklist") return {"approver", "minimum_production", "second-opinion"};
  if (record == "poc-sheet") return {"reporter", "deputy", "systems", "components", "collection", "timekeeping"};
  if (record == "improvement-plan") return {"owners", "on-track"};
  return {};
}

template <class Range>
std::string join(const Range& words, std::string_view sep = ", ") {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += sep;
    out += w;
  }
  return out;
}

template <class Range, class V>
bool contains(const Range& r, const V& v) {
  return std::find(std::begin(r), std::end(r), v) != std::end(r);
}

// --- the reader -------------------------------------------------------------------

// Thrown inside the reader only, caught in parse_proposal_rules.
struct ParseError {
  Status status;
};

class RulesReader {
 public:
  RulesReader(const io::YamlDocument& doc, const model::Checklist* checklist) : m_doc(doc), m_checklist(checklist) {}

  ProposalRules read() {
    const YAML::Node& root = m_doc.root();
    if (!root.IsMap()) fail(root, "", "a rules file must be a mapping with 'checklist' and 'rules'");
    ProposalRules out;
    const auto top = fields(root, "", "the rules file", {"checklist", "rules"});
    const Field* checklist = require(top, root, "", "checklist", "the rules file");
    out.checklist = id_of(*checklist, "checklist");
    if (m_checklist != nullptr && out.checklist != m_checklist->id)
      fail(at(*checklist), "checklist",
           fmt::format("the rules are for checklist '{}', not '{}'", out.checklist, m_checklist->id));
    const Field* rules = require(top, root, "", "rules", "the rules file");
    if (!rules->value.IsSequence()) fail(at(*rules), "rules", "rules must be a list of rules");
    std::map<std::string, YAML::Mark> seen;
    std::size_t index = 0;
    for (const auto& node : rules->value) {
      ProposalRule rule = read_rule(node, index++);
      if (auto [it, inserted] = seen.emplace(rule.item, node.Mark()); !inserted) {
        fail(node, path_of(rule.item, index - 1) + ".item",
             fmt::format("a second rule for item {} (the first is at line {}); at most one rule per item", rule.item,
                         m_doc.locate(it->second).line));
      }
      out.rules.push_back(std::move(rule));
    }
    return out;
  }

 private:
  struct Field {
    YAML::Node key, value;
  };
  using Fields = std::vector<std::pair<std::string, Field>>;

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& field, std::string message) const {
    throw ParseError{Status::bad_input(std::move(message), m_doc.locate(mark, field))};
  }
  [[noreturn]] void fail(const YAML::Node& node, const std::string& field, std::string message) const {
    fail(node.Mark(), field, std::move(message));
  }
  // yaml-cpp marks an empty value at the token after it: point at the key.
  static YAML::Mark at(const Field& f) { return f.value.IsNull() ? f.key.Mark() : f.value.Mark(); }

  static std::string path_of(const std::string& item, std::size_t index) {
    return item.empty() ? fmt::format("rules[#{}]", index + 1) : fmt::format("rules[{}]", item);
  }

  Fields fields(const YAML::Node& map, const std::string& path, const std::string& what,
                const std::vector<std::string_view>& allowed, std::string_view hint = {}) const {
    Fields out;
    for (const auto& pair : map) {
      const YAML::Node key = pair.first;
      if (!key.IsScalar()) fail(key, path, fmt::format("keys in {} must be strings", what));
      const std::string& name = key.Scalar();
      const std::string field = path.empty() ? name : path + "." + name;
      for (const auto& [n, f] : out)
        if (n == name)
          fail(key, field, fmt::format("duplicate key '{}' in {} (first at line {})", name, what,
                                       m_doc.locate(f.key.Mark()).line));
      if (!contains(allowed, name))
        fail(key, field, fmt::format("unknown key '{}' in {}{}; allowed: {}", name, what, hint, join(allowed)));
      out.emplace_back(name, Field{key, pair.second});
    }
    return out;
  }
  static const Field* get(const Fields& f, std::string_view name) {
    for (const auto& [n, field] : f)
      if (n == name) return &field;
    return nullptr;
  }
  const Field* require(const Fields& f, const YAML::Node& map, const std::string& path, std::string_view name,
                       const std::string& what) const {
    const Field* field = get(f, name);
    if (field == nullptr)
      fail(map, path.empty() ? std::string(name) : path + "." + std::string(name),
           fmt::format("missing required key '{}' in {}", name, what));
    return field;
  }

  std::string string_of(const Field& f, const std::string& field) const {
    if (f.value.IsNull() || (f.value.IsScalar() && io::is_blank(f.value.Scalar())))
      fail(at(f), field, fmt::format("{} is empty", field));
    if (!f.value.IsScalar()) fail(f.value, field, fmt::format("{} must be a single value", field));
    return f.value.Scalar();
  }
  std::string id_of(const Field& f, const std::string& field) const {
    std::string s = string_of(f, field);
    if (!io::is_id(s))
      fail(f.value, field, fmt::format("bad id '{}' in {}; ids may contain only letters, digits, '.', '_' and '-'",
                                       s, field));
    return s;
  }
  std::int64_t int_of(const Field& f, const std::string& field, std::int64_t min) const {
    const std::string s = string_of(f, field);
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < min)
      fail(f.value, field, fmt::format("{} must be a whole number of at least {}, not '{}'", field, min, s));
    return v;
  }
  // Seconds, or a scenario time "+HH:MM[:SS]".
  std::int64_t seconds_of(const Field& f, const std::string& field) const {
    const std::string s = string_of(f, field);
    if (!s.empty() && (s.front() == '+' || s.find(':') != std::string::npos)) {
      auto t = model::parse_scenario_time(s);
      if (!t) fail(f.value, field, fmt::format("{}: '{}' is not a time; expected seconds or +HH:MM", field, s));
      return *t;
    }
    return int_of(f, field, 0);
  }
  // A list of strings (a single string is a list of one).
  std::vector<std::pair<std::string, YAML::Node>> list_of(const Field& f, const std::string& field) const {
    std::vector<std::pair<std::string, YAML::Node>> out;
    if (f.value.IsScalar()) {
      out.emplace_back(string_of(f, field), f.value);
      return out;
    }
    if (!f.value.IsSequence() || f.value.size() == 0)
      fail(at(f), field, fmt::format("{} must be a non-empty list", field));
    std::size_t i = 0;
    for (const auto& n : f.value) {
      const std::string ef = fmt::format("{}[{}]", field, i++);
      if (!n.IsScalar() || io::is_blank(n.Scalar())) fail(n, ef, fmt::format("{} must be a non-empty string", ef));
      out.emplace_back(n.Scalar(), n);
    }
    return out;
  }
  json words_of(const Field& f, const std::string& field, const std::vector<std::string_view>& allowed,
                std::string_view what) const {
    json out = json::array();
    for (const auto& [word, node] : list_of(f, field)) {
      if (!contains(allowed, word))
        fail(node, field, fmt::format("unknown {} '{}' in {}; allowed: {}", what, word, field, join(allowed)));
      if (!contains(out, word)) out.push_back(word);
    }
    return out;
  }

  ProposalRule read_rule(const YAML::Node& node, std::size_t index) {
    ProposalRule rule;
    std::string path = path_of("", index);
    if (!node.IsMap()) fail(node, path, fmt::format("{} must be a mapping with item, type and parameters", path));
    // The item first, so that messages can name the rule by it.
    for (const auto& pair : node)
      if (pair.first.IsScalar() && pair.first.Scalar() == "item" && pair.second.IsScalar() &&
          io::is_id(pair.second.Scalar()))
        path = path_of(pair.second.Scalar(), index);
    std::vector<std::string_view> allowed = {"item", "type"};
    std::string type;
    const TypeSpec* spec = nullptr;
    for (const auto& pair : node)
      if (pair.first.IsScalar() && pair.first.Scalar() == "type" && pair.second.IsScalar()) {
        type = pair.second.Scalar();
        spec = find_spec(type);
        if (spec == nullptr) {
          std::vector<std::string_view> types;
          for (const auto& s : type_specs()) types.push_back(s.type);
          fail(pair.second, path + ".type", fmt::format("unknown rule type '{}'; types: {}", type, join(types)));
        }
        allowed.insert(allowed.end(), spec->params.begin(), spec->params.end());
      }
    const std::string what = fmt::format("rule {}", path);
    const auto f = fields(node, path, what, allowed,
                          spec ? fmt::format(" (a {} rule)", type) : std::string(" (give 'type' first)"));
    rule.item = id_of(*require(f, node, path, "item", what), path + ".item");
    if (m_checklist != nullptr && !m_checklist->find_item(rule.item)) {
      fail(at(*get(f, "item")), path + ".item",
           fmt::format("checklist {} has no item '{}'", m_checklist->id, rule.item));
    }
    rule.type = string_of(*require(f, node, path, "type", what), path + ".type");
    rule.params = json::object();
    auto p = [&](std::string_view name) { return get(f, name); };
    auto field = [&](std::string_view name) { return fmt::format("{}.{}", path, name); };
    auto need = [&](std::string_view name) { return require(f, node, path, name, what); };

    if (const Field* x = p("within")) rule.params["within"] = seconds_of(*x, field("within"));
    if (const Field* x = p("decision_point")) rule.params["decision_point"] = id_of(*x, field("decision_point"));
    if (const Field* x = p("inject")) rule.params["inject"] = id_of(*x, field("inject"));
    if (const Field* x = p("objective")) rule.params["objective"] = id_of(*x, field("objective"));

    if (rule.type == "decision") {
      const Field* dp = p("decision_point");
      const Field* kind = p("decision_kind");
      if ((dp == nullptr) == (kind == nullptr))
        fail(node, path, fmt::format("{} needs exactly one of decision_point and decision_kind", what));
      if (kind != nullptr) {
        const std::string k = string_of(*kind, field("decision_kind"));
        if (!model::parse_decision_kind(k))
          fail(kind->value, field("decision_kind"),
               fmt::format("unknown decision kind '{}' (classify, escalate, stop, continue, contain, evidence, "
                           "external, health, restart, disclose)",
                           k));
        rule.params["decision_kind"] = k;
      }
      rule.params["require"] = json::array({"rationale"});
      if (const Field* x = p("require"))
        rule.params["require"] = words_of(*x, field("require"), {k_decision_fields.begin(), k_decision_fields.end()},
                                          "decision field");
    } else if (rule.type == "criteria") {
      json dps = json::array();
      for (const auto& [id, n] : list_of(*need("decision_points"), field("decision_points"))) {
        if (!io::is_id(id)) fail(n, field("decision_points"), fmt::format("bad decision point id '{}'", id));
        if (!contains(dps, id)) dps.push_back(id);
      }
      rule.params["decision_points"] = dps;
    } else if (rule.type == "contact") {
      json targets = json::array();
      for (const auto& [t, n] : list_of(*need("target"), field("target"))) {
        auto norm = model::normalize_contact_target(t);
        if (!norm)
          fail(n, field("target"),
               fmt::format("unknown contact target '{}'; targets: {}", t, join(model::contact_targets())));
        if (!contains(targets, *norm)) targets.push_back(*norm);
      }
      rule.params["target"] = targets;
      if (p("decision_point") != nullptr && p("inject") != nullptr)
        fail(p("inject")->key, field("inject"), fmt::format("{} may name decision_point or inject, not both", what));
    } else if (rule.type == "report") {
      rule.params["min_reports"] = 1;
      if (const Field* x = p("min_reports")) rule.params["min_reports"] = int_of(*x, field("min_reports"), 1);
    } else if (rule.type == "evidence") {
      rule.params["require"] = json(std::vector<std::string>(k_evidence_fields.begin(), k_evidence_fields.end()));
      if (const Field* x = p("require"))
        rule.params["require"] = words_of(*x, field("require"), {k_evidence_fields.begin(), k_evidence_fields.end()},
                                          "evidence field");
      if (const Field* x = p("types")) {
        std::vector<std::string_view> ids;
        for (const auto& t : model::evidence_catalogue()) ids.push_back(t.id);
        rule.params["types"] = words_of(*x, field("types"), ids, "evidence type");
      }
      rule.params["min_records"] = 1;
      if (const Field* x = p("min_records")) rule.params["min_records"] = int_of(*x, field("min_records"), 1);
    } else if (rule.type == "metric") {
      const Field* x = need("metric");
      const std::string m = string_of(*x, field("metric"));
      if (!contains(k_metric_ids, m))
        fail(x->value, field("metric"), fmt::format("unknown metric '{}'; metrics: {}", m, join(k_metric_ids)));
      rule.params["metric"] = m;
    } else if (rule.type == "observation") {
      need("objective");
    } else if (rule.type == "prepared") {
      const Field* x = need("record");
      const std::string record = string_of(*x, field("record"));
      if (!contains(k_prep_kinds, record))
        fail(x->value, field("record"),
             fmt::format("unknown preparedness record '{}'; records: {}", record, join(k_prep_kinds)));
      rule.params["record"] = record;
      rule.params["min_entries"] = 1;
      if (const Field* m = p("min_entries")) rule.params["min_entries"] = int_of(*m, field("min_entries"), 0);
      json checks = json::array();
      if (record == "contact-tree") checks.push_back("fresh");
      if (const Field* r = p("require")) {
        checks = json::array();
        for (const auto& [c, n] : list_of(*r, field("require"))) {
          const auto allowed_checks = prepared_checks(record);
          const bool ok = record == "criteria" ? io::is_id(c) : contains(allowed_checks, c);
          if (!ok)
            fail(n, field("require"),
                 record == "criteria"
                     ? fmt::format("'{}' is not a decision point id", c)
                     : fmt::format("a {} rule cannot require '{}'; allowed: {}", record, c, join(allowed_checks)));
          if (!contains(checks, c)) checks.push_back(c);
        }
      }
      rule.params["require"] = checks;
    }
    return rule;
  }

  const io::YamlDocument& m_doc;
  const model::Checklist* m_checklist;
};

// --- texts ----------------------------------------------------------------------

LocalizedText lt(std::string ja, std::string en) { return LocalizedText{{"ja", std::move(ja)}, {"en", std::move(en)}}; }

// Scenario time to the minute: "+00:42".
std::string tm(std::int64_t ms) { return model::format_scenario_time(std::max<std::int64_t>(ms, 0) / 60000 * 60); }

std::string dur_ja(std::int64_t ms) {
  const std::int64_t s = std::max<std::int64_t>(ms, 0) / 1000;
  if (s < 60) return fmt::format("{}秒", s);
  if (s < 3600) return fmt::format("{}分", s / 60);
  return s % 3600 / 60 == 0 ? fmt::format("{}時間", s / 3600) : fmt::format("{}時間{}分", s / 3600, s % 3600 / 60);
}
std::string dur_en(std::int64_t ms) {
  const std::int64_t s = std::max<std::int64_t>(ms, 0) / 1000;
  if (s < 60) return fmt::format("{} s", s);
  if (s < 3600) return fmt::format("{} min", s / 60);
  return s % 3600 / 60 == 0 ? fmt::format("{} h", s / 3600) : fmt::format("{} h {} min", s / 3600, s % 3600 / 60);
}

LocalizedText target_label(std::string_view t) {
  if (t == "national-cert") return lt("ナショナルCERT", "the national CERT");
  if (t == "vendor") return lt("ベンダー・保守業者", "the vendor");
  if (t == "security-firm") return lt("外部セキュリティ機関", "an outside security firm");
  if (t == "police") return lt("警察", "the police");
  if (t == "authority") return lt("監督官庁", "the regulator");
  if (t == "customer") return lt("顧客", "customers");
  if (t == "poc") return lt("窓口（PoC）", "the PoC");
  if (t == "role") return lt("訓練内の役割", "a drill role");
  return lt("その他の相手", "another party");
}

LocalizedText targets_label(const json& targets) {
  std::string ja, en;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const auto l = target_label(targets[i].get<std::string>());
    ja += (i > 0 ? "・" : "") + l.text("ja");
    en += (i > 0 ? (i + 1 == targets.size() ? " or " : ", ") : "") + l.text("en");
  }
  return lt(ja, en);
}

LocalizedText record_label(std::string_view r) {
  if (r == "contact-tree") return lt("連絡網", "contact tree");
  if (r == "criteria") return lt("判断基準", "decision criteria");
  if (r == "evidence-plan") return lt("証拠保全計画", "evidence plan");
  if (r == "restart-checklist") return lt("再稼働チェックリスト", "restart readiness checklist");
  if (r == "poc-sheet") return lt("窓口情報シート", "PoC information sheet");
  return lt("改善計画", "improvement plan");
}

LocalizedText decision_field_label(std::string_view f) {
  if (f == "rationale") return lt("根拠", "rationale");
  if (f == "decided_by") return lt("判断者", "who decided");
  if (f == "information") return lt("使った情報", "information used");
  return lt("判断基準の確認", "criteria check");
}

LocalizedText rating_label(std::string_view r) {
  if (r == "P") return lt("P（課題なく実施）", "P (performed without challenges)");
  if (r == "S") return lt("S（一部に課題）", "S (some challenges)");
  if (r == "M") return lt("M（大きな課題）", "M (major challenges)");
  return lt("U（実施できず）", "U (unable to perform)");
}

// Joins localized labels: "根拠・判断者" / "rationale and who decided".
LocalizedText join_labels(const std::vector<LocalizedText>& labels) {
  std::string ja, en;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    ja += (i > 0 ? "・" : "") + labels[i].text("ja");
    en += (i > 0 ? (i + 1 == labels.size() ? " and " : ", ") : "") + labels[i].text("en");
  }
  return lt(ja, en);
}

std::optional<std::string> text_in(const json& j, std::string_view lang) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_object()) {
    for (std::string_view l : {lang, std::string_view("ja"), std::string_view("en")})
      if (auto it = j.find(std::string(l)); it != j.end() && it->is_string()) return it->get<std::string>();
  }
  return std::nullopt;
}

// --- what the log holds ------------------------------------------------------------

struct Outcome {
  std::optional<Level> level;
  LocalizedText reason;
  std::vector<Citation> citations;
};

class Judge {
 public:
  Judge(const model::Scenario& scenario, const Projection& state, const json& criteria,
        const PreparedContext& prepared)
      : m_sc(scenario), m_st(state), m_criteria(criteria), m_prep(prepared),
        m_metrics(compute_metrics(scenario, state)), m_first(first_inject_ms(state)) {
    for (const auto& e : state.events) {
      if (e.kind != "control") continue;
      json p = json::parse(e.payload, nullptr, false);
      if (p.is_object() && p.value("action", "") == "end") m_end = &e;
    }
    m_now = state.ended_ms >= 0 ? state.ended_ms : (state.events.empty() ? 0 : state.events.back().scenario_ms);
  }

  Outcome apply(const ProposalRule& rule) const {
    const json& p = rule.params;
    if (rule.type == "decision") return decision(p);
    if (rule.type == "criteria") return criteria(p);
    if (rule.type == "contact") return contact(p);
    if (rule.type == "report") return report(p);
    if (rule.type == "evidence") return evidence(p);
    if (rule.type == "metric") return metric(p);
    if (rule.type == "observation") return observation({p.value("objective", "")});
    if (rule.type == "prepared") return prepared(p);
    return {std::nullopt, lt("未知の規則の種類: " + rule.type, "unknown rule type: " + rule.type), {}};
  }

  // The worst latest rating among `objectives`.
  Outcome observation(const std::vector<std::string>& objectives) const {
    for (const auto& id : objectives)
      if (m_sc.find_objective(id) == nullptr)
        return {std::nullopt,
                lt(fmt::format("規則の目標 {} はこのシナリオにない", id),
                   fmt::format("the rule's objective {} is not in this scenario", id)),
                {}};
    const ObservationRecord* worst = nullptr;
    auto rank = [](const std::string& r) { return r == "P" ? 0 : r == "S" ? 1 : r == "M" ? 2 : 3; };
    for (const auto& id : objectives) {
      const ObservationRecord* latest = nullptr;
      for (const auto& o : m_st.observations)
        if (o.objective == id) latest = &o;
      if (latest != nullptr && (worst == nullptr || rank(latest->rating) > rank(worst->rating))) worst = latest;
    }
    if (worst == nullptr)
      return {std::nullopt,
              lt(fmt::format("目標 {} は訓練統制者にまだ評価されていない", join(objectives)),
                 fmt::format("the facilitator has not rated {} yet", join(objectives, " or "))),
              {}};
    const Level level = worst->rating == "P" ? Level::kGood : worst->rating == "S" ? Level::kPartial : Level::kPoor;
    const auto r = rating_label(worst->rating);
    Outcome out{level,
                lt(fmt::format("訓練統制者は目標 {} を {} と評価した（{}、seq {}）。", worst->objective, r.text("ja"),
                               tm(worst->scenario_ms), worst->seq),
                   fmt::format("The facilitator rated {} {} at {} (seq {}).", worst->objective, r.text("en"),
                               tm(worst->scenario_ms), worst->seq)),
                {}};
    out.citations.push_back({worst->seq, worst->scenario_ms,
                             lt(fmt::format("{} 目標 {} の評価 {}: {}", tm(worst->scenario_ms), worst->objective,
                                            worst->rating, worst->text),
                                fmt::format("{} {} rated {}: {}", tm(worst->scenario_ms), worst->objective,
                                            worst->rating, worst->text))});
    return out;
  }

 private:
  // --- shared pieces ---
  static Outcome none(LocalizedText why) { return {std::nullopt, std::move(why), {}}; }
  static Outcome not_in_scenario(std::string_view what_ja, std::string_view what_en, const std::string& id) {
    return none(lt(fmt::format("規則の{} {} はこのシナリオにない", what_ja, id),
                   fmt::format("the rule's {} {} is not in this scenario", what_en, id)));
  }

  // The first delivered inject that raised any of `dps`.
  const DeliveredInject* raised_by(const std::vector<std::string>& dps) const {
    for (const auto& d : m_st.delivered) {
      const auto& list = d.payload.value("decision_points", json::array());
      for (const auto& x : list)
        if (x.is_string() && contains(dps, x.get<std::string>())) return &d;
    }
    return nullptr;
  }

  Citation cite(const DeliveredInject& d) const {
    std::string ja = d.inject, en = d.inject;
    if (const auto* inj = m_sc.find_inject(d.inject)) {
      ja = fmt::format("{}「{}」", d.inject, inj->title.text("ja"));
      en = fmt::format("{} “{}”", d.inject, inj->title.text("en"));
    } else if (auto t = text_in(d.payload.value("title", json()), "ja")) {
      ja = fmt::format("{}「{}」", d.inject, *t);
      en = fmt::format("{} “{}”", d.inject, text_in(d.payload["title"], "en").value_or(*t));
    }
    std::string dps;
    for (const auto& x : d.payload.value("decision_points", json::array()))
      if (x.is_string()) dps += (dps.empty() ? "" : ", ") + x.get<std::string>();
    const std::string suffix = dps.empty() ? "" : " (" + dps + ")";
    return {d.seq, d.scenario_ms,
            lt(fmt::format("{} 状況付与 {}{}", tm(d.scenario_ms), ja, suffix),
               fmt::format("{} inject {}{}", tm(d.scenario_ms), en, suffix))};
  }
  Citation cite(const DecisionRecord& d) const {
    std::string ja = d.option, en = d.option;
    if (const auto* dp = m_sc.find_decision_point(d.decision_point))
      for (const auto& o : dp->options)
        if (o.id == d.option) {
          ja = o.label.text("ja");
          en = o.label.text("en");
        }
    const std::string who = d.decided_by.empty() ? d.role : d.decided_by;
    return {d.seq, d.scenario_ms,
            lt(fmt::format("{} {} の判断「{}」（{}）", tm(d.scenario_ms), d.decision_point, ja, who),
               fmt::format("{} {} decided “{}” ({})", tm(d.scenario_ms), d.decision_point, en, who))};
  }
  Citation cite(const ContactRecord& c) const {
    auto label = target_label(c.to);
    if (c.to == "role") label = lt("役割 " + c.to_role, "role " + c.to_role);
    const std::string by = c.role.empty() ? c.actor : c.role;
    return {c.seq, c.scenario_ms,
            lt(fmt::format("{} {}への連絡（{}）", tm(c.scenario_ms), label.text("ja"), by),
               fmt::format("{} contact to {} ({})", tm(c.scenario_ms), label.text("en"), by))};
  }
  // Any event of the log by seq, described by its kind.
  Citation cite_event(std::int64_t seq) const {
    for (const auto& d : m_st.decisions)
      if (d.seq == seq) return cite(d);
    for (const auto& c : m_st.contacts)
      if (c.seq == seq) return cite(c);
    if (auto r = m_st.reports.find(seq); r != m_st.reports.end())
      return {seq, r->second.scenario_ms,
              lt(fmt::format("{} 状況ボードへの報告 #{}（{}）", tm(r->second.scenario_ms), seq, r->second.role),
                 fmt::format("{} report #{} on the situation board ({})", tm(r->second.scenario_ms), seq,
                             r->second.role))};
    if (auto r = m_st.evidence.find(seq); r != m_st.evidence.end())
      return {seq, r->second.scenario_ms,
              lt(fmt::format("{} 証拠保全記録 #{}: {} {}", tm(r->second.scenario_ms), seq, r->second.asset,
                             r->second.type),
                 fmt::format("{} evidence record #{}: {} {}", tm(r->second.scenario_ms), seq, r->second.asset,
                             r->second.type))};
    for (const auto& e : m_st.events)
      if (e.seq == seq)
        return {seq, e.scenario_ms,
                lt(fmt::format("{} {}（{}）", tm(e.scenario_ms), e.kind, e.role),
                   fmt::format("{} {} ({})", tm(e.scenario_ms), e.kind, e.role))};
    return {seq, 0, lt(fmt::format("seq {}", seq), fmt::format("seq {}", seq))};
  }
  std::optional<Citation> cite_end() const {
    if (m_end == nullptr) return std::nullopt;
    return Citation{m_end->seq, m_end->scenario_ms,
                    lt(fmt::format("{} 訓練終了", tm(m_end->scenario_ms)),
                       fmt::format("{} the drill ended", tm(m_end->scenario_ms)))};
  }
  // "訓練終了まで連絡はなかった" / "the drill ended without a contact".
  LocalizedText without(const LocalizedText& what) const {
    if (m_end != nullptr)
      return lt(fmt::format("訓練終了まで{}はなかった", what.text("ja")),
                fmt::format("the drill ended without {}", what.text("en")));
    return lt(fmt::format("{}までに{}はない", tm(m_now), what.text("ja")),
              fmt::format("there has been no {} up to {}", what.text("en"), tm(m_now)));
  }
  void add_end(Outcome& out) const {
    if (auto e = cite_end()) out.citations.push_back(*e);
  }

  // --- decision ---
  Outcome decision(const json& p) const {
    std::vector<std::string> ids;
    std::string name;
    if (p.contains("decision_point")) {
      name = p["decision_point"].get<std::string>();
      if (m_sc.find_decision_point(name) == nullptr) return not_in_scenario("判断ポイント", "decision point", name);
      ids.push_back(name);
    } else {
      const std::string kind = p.value("decision_kind", "");
      for (const auto& dp : m_sc.decision_points)
        if (model::to_string(dp.kind) == kind) ids.push_back(dp.id);
      if (ids.empty())
        return none(lt(fmt::format("このシナリオに種類 {} の判断ポイントはない", kind),
                       fmt::format("this scenario has no decision point of kind {}", kind)));
      name = join(ids, "/");
    }
    const DeliveredInject* raised = raised_by(ids);
    const DecisionRecord* first = nullptr;
    for (const auto& d : m_st.decisions)
      if (contains(ids, d.decision_point)) {
        first = &d;
        break;
      }
    if (first == nullptr) {
      if (raised == nullptr)
        return none(lt(fmt::format("{} はこの訓練で提起されなかった", name),
                       fmt::format("{} was not raised in this drill", name)));
      const auto w = without(lt("判断の記録", "a decision"));
      Outcome out{Level::kPoor,
                  lt(fmt::format("{} は {}（seq {}）に提起されたが、{}。", name, tm(raised->scenario_ms), raised->seq,
                                 w.text("ja")),
                     fmt::format("{} was raised at {} (seq {}) and {}.", name, tm(raised->scenario_ms), raised->seq,
                                 w.text("en"))),
                  {cite(*raised)}};
      add_end(out);
      return out;
    }
    // The deadline.
    std::optional<std::int64_t> elapsed, limit;
    bool from_raise = false;
    if (p.contains("within")) {
      const std::int64_t ref = raised ? raised->scenario_ms : m_first.value_or(first->scenario_ms);
      elapsed = std::max<std::int64_t>(0, first->scenario_ms - ref);
      limit = p["within"].get<std::int64_t>() * 1000;
      from_raise = raised != nullptr;
    } else if (const auto* dp = m_sc.find_decision_point(first->decision_point)) {
      std::int64_t target = 0;
      using model::DecisionKind;
      if (dp->kind == DecisionKind::kClassify) target = m_sc.targets.classified;
      if (dp->kind == DecisionKind::kStop || dp->kind == DecisionKind::kContinue) target = m_sc.targets.stop_decision;
      if (dp->kind == DecisionKind::kRestart) target = m_sc.targets.restart_decision;
      if (target > 0 && m_first) {
        elapsed = std::max<std::int64_t>(0, first->scenario_ms - *m_first);
        limit = target * 1000;
      }
    }
    const bool late = elapsed && limit && *elapsed > *limit;
    std::vector<LocalizedText> missing, present;
    for (const auto& f : p.value("require", json::array())) {
      const std::string name_f = f.get<std::string>();
      bool has = false;
      if (name_f == "rationale") has = !io::is_blank(first->rationale);
      if (name_f == "decided_by") has = !io::is_blank(first->decided_by);
      if (name_f == "information") has = !io::is_blank(first->information);
      if (name_f == "criteria")
        has = std::any_of(first->criteria.begin(), first->criteria.end(),
                          [](const json& c) { return c.is_object() && c.value("met", false); });
      (has ? present : missing).push_back(decision_field_label(name_f));
    }
    const Citation c = cite(*first);
    std::string ja = fmt::format("{} は {}（seq {}）に判断された", name, tm(first->scenario_ms), first->seq);
    std::string en = fmt::format("{} was decided at {} (seq {})", name, tm(first->scenario_ms), first->seq);
    if (elapsed && limit) {
      ja += fmt::format("（{}{}、目標 {} {}）", from_raise ? "提起から" : "開始から", dur_ja(*elapsed), dur_ja(*limit),
                        late ? "を超過" : "以内");
      en += fmt::format(" ({} {}, {} the target of {})", dur_en(*elapsed),
                        from_raise ? "after it was raised" : "from the first inject", late ? "over" : "within",
                        dur_en(*limit));
    }
    if (!missing.empty()) {
      const auto m = join_labels(missing);
      ja += fmt::format("が、{}の記録がない", m.text("ja"));
      en += fmt::format(", with no {} recorded", m.text("en"));
    } else if (!present.empty()) {
      const auto m = join_labels(present);
      ja += fmt::format("。{}の記録あり", m.text("ja"));
      en += fmt::format(", with {} recorded", m.text("en"));
    }
    Outcome out{late || !missing.empty() ? Level::kPartial : Level::kGood, lt(ja + "。", en + "."), {}};
    if (raised != nullptr) out.citations.push_back(cite(*raised));
    out.citations.push_back(c);
    return out;
  }

  // --- criteria ---
  json criteria_json() const {
    if (m_criteria.is_object() && !m_criteria.empty()) return m_criteria;
    if (auto it = m_prep.records.find("criteria"); it != m_prep.records.end()) {
      auto parsed = model::parse_decision_criteria(it->second);
      if (parsed) return model::exercise_criteria_json(*parsed);
    }
    return json::object();
  }

  Outcome criteria(const json& p) const {
    std::vector<std::string> ids;
    for (const auto& x : p.value("decision_points", json::array())) {
      ids.push_back(x.get<std::string>());
      if (m_sc.find_decision_point(ids.back()) == nullptr)
        return not_in_scenario("判断ポイント", "decision point", ids.back());
    }
    const std::string name = join(ids, "/");
    const DeliveredInject* raised = raised_by(ids);
    std::vector<const DecisionRecord*> decisions;
    for (const auto& d : m_st.decisions)
      if (contains(ids, d.decision_point)) decisions.push_back(&d);
    if (raised == nullptr && decisions.empty())
      return none(lt(fmt::format("{} はこの訓練で提起されなかった", name),
                     fmt::format("{} was not raised in this drill", name)));
    const json set = criteria_json();
    std::vector<std::string> with_criteria;
    for (const auto& id : ids) {
      auto it = set.find(id);
      if (it != set.end() && it->is_object() && it->contains("conditions") && (*it)["conditions"].is_array() &&
          !(*it)["conditions"].empty())
        with_criteria.push_back(id);
    }
    Outcome out;
    if (raised != nullptr) out.citations.push_back(cite(*raised));
    if (with_criteria.empty()) {
      out.level = Level::kPoor;
      out.reason = lt(fmt::format("{} について事前の判断基準が設定されていなかった。", name),
                      fmt::format("No criteria had been set beforehand for {}.", name));
      for (const auto* d : decisions) out.citations.push_back(cite(*d));
      return out;
    }
    if (decisions.empty()) {
      const auto w = without(lt("判断の記録", "a decision"));
      out.level = Level::kPoor;
      out.reason = lt(fmt::format("{} は {}（seq {}）に提起されたが、{}。", name, tm(raised->scenario_ms),
                                  raised->seq, w.text("ja")),
                      fmt::format("{} was raised at {} (seq {}) and {}.", name, tm(raised->scenario_ms), raised->seq,
                                  w.text("en")));
      add_end(out);
      return out;
    }
    std::size_t ticked = 0;
    for (const auto* d : decisions) {
      const bool t = std::any_of(d->criteria.begin(), d->criteria.end(),
                                 [](const json& c) { return c.is_object() && c.value("met", false); });
      if (t) ++ticked;
      Citation c = cite(*d);
      const auto mark = t ? lt("基準を確認", "criteria ticked") : lt("基準の確認なし", "no criterion ticked");
      c.text = lt(c.text.text("ja") + "、" + mark.text("ja"), c.text.text("en") + ", " + mark.text("en"));
      out.citations.push_back(std::move(c));
    }
    out.level = ticked == decisions.size() ? Level::kGood : ticked > 0 ? Level::kPartial : Level::kPoor;
    out.reason = lt(fmt::format("{} の判断 {} 件のうち {} 件で事前の判断基準を確認した。", name, decisions.size(), ticked),
                    fmt::format("{} of {} decisions on {} ticked the criteria set beforehand.", ticked,
                                decisions.size(), name));
    return out;
  }

  // --- contact ---
  static bool matches(const ContactRecord& c, const json& targets) {
    for (const auto& t : targets) {
      const std::string s = t.get<std::string>();
      if (c.to == s) return true;
      if (s == "poc" && c.to == "role" && c.to_role == "poc") return true;
    }
    return false;
  }

  Outcome contact(const json& p) const {
    const json& targets = p["target"];
    const auto who = targets_label(targets);
    const ContactRecord* first = nullptr;
    for (const auto& c : m_st.contacts)
      if (matches(c, targets)) {
        first = &c;
        break;
      }
    // The reference point.
    const DeliveredInject* anchor = nullptr;
    std::string anchor_name;
    if (p.contains("decision_point")) {
      anchor_name = p["decision_point"].get<std::string>();
      if (m_sc.find_decision_point(anchor_name) == nullptr)
        return not_in_scenario("判断ポイント", "decision point", anchor_name);
      anchor = raised_by({anchor_name});
    } else if (p.contains("inject")) {
      anchor_name = p["inject"].get<std::string>();
      if (m_sc.find_inject(anchor_name) == nullptr) return not_in_scenario("状況付与", "inject", anchor_name);
      anchor = m_st.find_delivered(anchor_name);
    } else if (!m_st.delivered.empty()) {
      anchor = &m_st.delivered.front();
      anchor_name = anchor->inject;
    }
    if (first == nullptr) {
      if (anchor == nullptr) {
        if (anchor_name.empty())
          return none(lt("状況付与がまだ一つも行われていない", "no inject has been delivered yet"));
        return p.contains("inject")
                   ? none(lt(fmt::format("状況付与 {} はこの訓練で届かなかった", anchor_name),
                             fmt::format("inject {} was not delivered in this drill", anchor_name)))
                   : none(lt(fmt::format("{} はこの訓練で提起されなかった", anchor_name),
                             fmt::format("{} was not raised in this drill", anchor_name)));
      }
      const auto w = without(lt(who.text("ja") + "への連絡", "a contact to " + who.text("en")));
      const std::string what_ja = p.contains("decision_point") ? anchor_name + " は" : "状況付与 " + anchor->inject + " が";
      const std::string what_en =
          p.contains("decision_point") ? anchor_name + " was raised" : "inject " + anchor->inject + " was delivered";
      Outcome out{Level::kPoor,
                  lt(fmt::format("{} {}（seq {}）に{}が、{}。", what_ja, tm(anchor->scenario_ms), anchor->seq,
                                 p.contains("decision_point") ? "提起された" : "届いた", w.text("ja")),
                     fmt::format("{} at {} (seq {}) and {}.", what_en, tm(anchor->scenario_ms), anchor->seq,
                                 w.text("en"))),
                  {cite(*anchor)}};
      add_end(out);
      return out;
    }
    // A point never reached: count from the drill's first inject instead.
    bool named = anchor != nullptr && !anchor_name.empty();
    if (anchor == nullptr && !m_st.delivered.empty()) {
      anchor = &m_st.delivered.front();
      named = false;
    }
    const bool by_dp = named && p.contains("decision_point");
    Outcome out{Level::kGood, {}, {}};
    std::string ja = fmt::format("{}への最初の連絡は {}（seq {}）", who.text("ja"), tm(first->scenario_ms), first->seq);
    std::string en = fmt::format("The first contact to {} was at {} (seq {})", who.text("en"), tm(first->scenario_ms),
                                 first->seq);
    if (p.contains("within") && anchor != nullptr) {
      const std::int64_t elapsed = std::max<std::int64_t>(0, first->scenario_ms - anchor->scenario_ms);
      const std::int64_t limit = p["within"].get<std::int64_t>() * 1000;
      const bool late = elapsed > limit;
      if (late) out.level = Level::kPartial;
      const std::string from_ja = by_dp ? anchor_name + " の提起から" : "状況付与 " + anchor->inject + " から";
      const std::string from_en = by_dp ? anchor_name + " was raised" : "inject " + anchor->inject;
      ja += fmt::format("、{}{}（目標 {} {}）", from_ja, dur_ja(elapsed), dur_ja(limit), late ? "を超過" : "以内");
      en += fmt::format(", {} after {} ({} the target of {})", dur_en(elapsed), from_en, late ? "over" : "within",
                        dur_en(limit));
    }
    out.reason = lt(ja + "。", en + ".");
    if (anchor != nullptr && anchor->seq < first->seq) out.citations.push_back(cite(*anchor));
    out.citations.push_back(cite(*first));
    return out;
  }

  // --- report ---
  Outcome report(const json& p) const {
    if (m_st.delivered.empty()) return none(lt("状況付与がまだ一つも行われていない", "no inject has been delivered yet"));
    const std::int64_t min = p.value("min_reports", std::int64_t{1});
    std::vector<const BoardReport*> filed;
    for (const auto& [id, r] : m_st.reports) filed.push_back(&r);
    if (filed.empty()) {
      // The first inject that asked for a report, else the first inject.
      const DeliveredInject* asked = &m_st.delivered.front();
      for (const auto& d : m_st.delivered)
        if (const auto* inj = m_sc.find_inject(d.inject))
          if (std::any_of(inj->expects.begin(), inj->expects.end(),
                          [](const model::Expectation& x) { return x.kind == model::ActionKind::kReport; })) {
            asked = &d;
            break;
          }
      const auto w = without(lt("状況ボードへの報告", "a report on the situation board"));
      Outcome out{Level::kPoor,
                  lt(fmt::format("状況付与 {} が {}（seq {}）に届いたが、{}。", asked->inject, tm(asked->scenario_ms),
                                 asked->seq, w.text("ja")),
                     fmt::format("Inject {} arrived at {} (seq {}) and {}.", asked->inject, tm(asked->scenario_ms),
                                 asked->seq, w.text("en"))),
                  {cite(*asked)}};
      add_end(out);
      return out;
    }
    // Sorting: merges, links and status changes on the board.
    std::vector<Citation> sorted;
    for (const auto& e : m_st.events) {
      if (e.kind != "report") continue;
      json pl = json::parse(e.payload, nullptr, false);
      if (!pl.is_object()) continue;
      const std::string op = pl.value("op", "file");
      if (op == "file") continue;
      const std::int64_t r = pl.value("report", std::int64_t{0});
      Citation c{e.seq, e.scenario_ms, {}};
      if (op == "merge") {
        const std::int64_t into = pl.value("into", std::int64_t{0});
        c.text = lt(fmt::format("{} 報告 #{} を #{} に統合", tm(e.scenario_ms), r, into),
                    fmt::format("{} report #{} merged into #{}", tm(e.scenario_ms), r, into));
      } else if (op == "link") {
        const std::int64_t th = pl.value("thread", std::int64_t{0});
        c.text = lt(fmt::format("{} 報告 #{} を事象 #{} に関連付け", tm(e.scenario_ms), r, th),
                    fmt::format("{} report #{} linked to thread #{}", tm(e.scenario_ms), r, th));
      } else {
        const std::string st = pl.value("status", "");
        c.text = lt(fmt::format("{} 報告 #{} を {} に", tm(e.scenario_ms), r, st),
                    fmt::format("{} report #{} set to {}", tm(e.scenario_ms), r, st));
      }
      sorted.push_back(std::move(c));
    }
    const auto& r0 = *filed.front();
    Outcome out;
    out.citations.push_back({r0.id, r0.scenario_ms,
                             lt(fmt::format("{} 状況ボードへの最初の報告 #{}（{}）", tm(r0.scenario_ms), r0.id, r0.role),
                                fmt::format("{} first report #{} on the situation board ({})", tm(r0.scenario_ms),
                                            r0.id, r0.role))});
    if (!sorted.empty()) out.citations.push_back(sorted.front());
    const auto n = static_cast<std::int64_t>(filed.size());
    out.level = n >= min && !sorted.empty() ? Level::kGood : Level::kPartial;
    std::string ja = fmt::format("状況ボードに報告 {} 件、統合・関連付け・確認による整理 {} 件", n, sorted.size());
    std::string en = fmt::format("{} reports on the situation board, {} sorted by merging, linking or confirming", n,
                                 sorted.size());
    if (sorted.empty()) {
      ja += "（整理されなかった）";
      en += " (never sorted)";
    }
    if (n < min) {
      ja += fmt::format("（目安 {} 件に届かない）", min);
      en += fmt::format(" (fewer than the {} expected)", min);
    }
    out.reason = lt(ja + "。", en + ".");
    return out;
  }

  // --- evidence ---
  Outcome evidence(const json& p) const {
    if (m_st.delivered.empty()) return none(lt("状況付与がまだ一つも行われていない", "no inject has been delivered yet"));
    const json types = p.value("types", json::array());
    const std::int64_t min = p.value("min_records", std::int64_t{1});
    std::vector<const EvidenceRecord*> records;
    for (const auto& [id, r] : m_st.evidence)
      if (types.empty() || contains(types, r.type)) records.push_back(&r);
    const std::string kinds = types.empty() ? "" : join(types.get<std::vector<std::string>>());
    const auto what = types.empty() ? lt("証拠保全の記録", "an evidence record")
                                    : lt(fmt::format("証拠保全の記録（{}）", kinds),
                                         fmt::format("an evidence record of {}", join(types.get<std::vector<std::string>>(), " or ")));
    if (records.empty()) {
      const DeliveredInject* asked = &m_st.delivered.front();
      for (const auto& d : m_st.delivered)
        if (const auto* inj = m_sc.find_inject(d.inject))
          if (std::any_of(inj->expects.begin(), inj->expects.end(),
                          [](const model::Expectation& x) { return x.kind == model::ActionKind::kEvidence; })) {
            asked = &d;
            break;
          }
      const auto w = without(what);
      Outcome out{Level::kPoor,
                  lt(fmt::format("状況付与 {} が {}（seq {}）に届いたが、{}。", asked->inject, tm(asked->scenario_ms),
                                 asked->seq, w.text("ja")),
                     fmt::format("Inject {} arrived at {} (seq {}) and {}.", asked->inject, tm(asked->scenario_ms),
                                 asked->seq, w.text("en"))),
                  {cite(*asked)}};
      add_end(out);
      return out;
    }
    Outcome out;
    std::size_t complete = 0;
    for (const auto* r : records) {
      std::vector<std::string> missing;
      for (const auto& f : p.value("require", json::array())) {
        const std::string n = f.get<std::string>();
        const bool has = n == "asset"       ? !r->asset.empty()
                         : n == "method"    ? !r->method.empty()
                         : n == "collector" ? !r->collected_by.empty()
                         : n == "sha256"    ? !r->sha256.empty()
                         : n == "storage"   ? !r->stored_at.empty()
                                            : !r->custody.empty();
        if (!has) missing.push_back(n);
      }
      if (missing.empty()) ++complete;
      if (out.citations.size() < 8) {
        const std::string m = join(missing);
        out.citations.push_back(
            {r->id, r->scenario_ms,
             lt(fmt::format("{} 証拠保全記録 #{}: {} {}{}", tm(r->scenario_ms), r->id, r->asset, r->type,
                            missing.empty() ? "（必要な項目あり）" : "（不足: " + m + "）"),
                fmt::format("{} evidence record #{}: {} {}{}", tm(r->scenario_ms), r->id, r->asset, r->type,
                            missing.empty() ? " (complete)" : " (missing: " + m + ")"))});
      }
    }
    const auto n = static_cast<std::int64_t>(records.size());
    out.level = complete == records.size() && n >= min ? Level::kGood : Level::kPartial;
    std::string ja = fmt::format("証拠保全の記録 {} 件{}のうち、必要な項目がそろうのは {} 件",
                                 n, kinds.empty() ? "" : "（" + kinds + "）", complete);
    std::string en = fmt::format("{} of {} evidence records{} have every required field", complete, n,
                                 kinds.empty() ? "" : " (" + kinds + ")");
    if (n < min) {
      ja += fmt::format("（目安 {} 件に届かない）", min);
      en += fmt::format(" (fewer than the {} expected)", min);
    }
    out.reason = lt(ja + "。", en + ".");
    return out;
  }

  // --- metric ---
  Outcome metric(const json& p) const {
    const std::string id = p.value("metric", "");
    const Metric* m = nullptr;
    for (const auto& x : m_metrics)
      if (x.id == id) m = &x;
    if (m == nullptr) return none(lt("未知の指標 " + id, "unknown metric " + id));
    if (!m_first) return none(lt("状況付与がまだ一つも行われていない", "no inject has been delivered yet"));
    // Decision metrics apply only once a decision point of their kind was raised.
    using model::DecisionKind;
    std::vector<DecisionKind> kinds;
    if (id == "classified") kinds = {DecisionKind::kClassify};
    if (id == "stop_decision") kinds = {DecisionKind::kStop, DecisionKind::kContinue};
    if (id == "restart_decision") kinds = {DecisionKind::kRestart};
    const DeliveredInject* anchor = &m_st.delivered.front();
    if (!kinds.empty()) {
      std::vector<std::string> ids;
      for (const auto& dp : m_sc.decision_points)
        if (std::find(kinds.begin(), kinds.end(), dp.kind) != kinds.end()) ids.push_back(dp.id);
      anchor = raised_by(ids);
      if (anchor == nullptr && !m->value_ms)
        return none(lt(fmt::format("「{}」の判断ポイントはこの訓練で提起されなかった", m->label.text("ja")),
                       fmt::format("no decision point for “{}” was raised in this drill", m->label.text("en"))));
    }
    if (!m->value_ms) {
      const auto w = without(lt("該当する記録", "a matching event"));
      Outcome out{Level::kPoor,
                  lt(fmt::format("「{}」: {}（{}、seq {} から）。", m->label.text("ja"), w.text("ja"),
                                 tm(anchor->scenario_ms), anchor->seq),
                     fmt::format("“{}”: {} (from {}, seq {}).", m->label.text("en"), w.text("en"),
                                 tm(anchor->scenario_ms), anchor->seq)),
                  {cite(*anchor)}};
      add_end(out);
      return out;
    }
    Outcome out{Level::kGood, {}, {}};
    const bool late = m->target_ms > 0 && *m->value_ms > m->target_ms;
    if (late) out.level = Level::kPartial;
    std::string ja = fmt::format("「{}」は開始から {}（seq {}）", m->label.text("ja"), dur_ja(*m->value_ms), m->seq);
    std::string en = fmt::format("“{}”: {} from the first inject (seq {})", m->label.text("en"), dur_en(*m->value_ms),
                                 m->seq);
    if (m->target_ms > 0) {
      ja += fmt::format("、目標 {} {}", dur_ja(m->target_ms), late ? "を超過" : "以内");
      en += fmt::format(", {} the target of {}", late ? "over" : "within", dur_en(m->target_ms));
    }
    out.reason = lt(ja + "。", en + ".");
    out.citations.push_back(cite_event(m->seq));
    return out;
  }

  // --- prepared ---
  Outcome prepared(const json& p) const {
    const std::string record = p.value("record", "");
    const auto label = record_label(record);
    const std::int64_t min = p.value("min_entries", std::int64_t{1});
    auto it = m_prep.records.find(record);
    Outcome out;
    if (it == m_prep.records.end()) {
      out.level = Level::kPoor;
      out.reason = lt(fmt::format("組織の{}が登録されていない。", label.text("ja")),
                      fmt::format("The organisation has no {} on record.", label.text("en")));
      out.citations.push_back({0, 0,
                               lt(fmt::format("{}（{}）: 記録なし", label.text("ja"), record),
                                  fmt::format("{} ({}): none", label.text("en"), record))});
      return out;
    }
    const json& doc = it->second;
    std::int64_t entries = 0;
    std::vector<LocalizedText> gaps;
    auto gap = [&](std::string ja, std::string en) { gaps.push_back(lt(std::move(ja), std::move(en))); };
    auto wants = [&](std::string_view c) { return contains(p.value("require", json::array()), c); };
    auto unreadable = [&](const Status& st) {
      return none(lt(fmt::format("組織の{}を読めない: {}", label.text("ja"), st.message()),
                     fmt::format("the organisation's {} cannot be read: {}", label.text("en"), st.message())));
    };
    if (record == "contact-tree") {
      auto tree = model::parse_contact_tree(doc);
      if (!tree) return unreadable(tree.status());
      entries = static_cast<std::int64_t>(tree->entries.size());
      if (wants("fresh") && !m_prep.today.empty()) {
        const auto stale = model::stale_entries(*tree, m_prep.today);
        if (!stale.empty())
          gap(fmt::format("{} 件が {} 日以上確認されていない", stale.size(), tree->stale_after_days),
              fmt::format("{} entries not confirmed within {} days", stale.size(), tree->stale_after_days));
      }
      if (wants("external") &&
          std::none_of(tree->entries.begin(), tree->entries.end(), [](const auto& e) { return e.external; }))
        gap("外部組織の連絡先がない", "no outside organisation listed");
      if (wants("escalation") && model::escalation_order(*tree).empty()) gap("連絡順が決まっていない", "no escalation order");
    } else if (record == "criteria") {
      auto c = model::parse_decision_criteria(doc);
      if (!c) return unreadable(c.status());
      entries = static_cast<std::int64_t>(c->points.size());
      for (const auto& x : p.value("require", json::array())) {
        const std::string dp = x.get<std::string>();
        if (model::find_criterion(*c, dp) == nullptr)
          gap(fmt::format("{} の基準がない", dp), fmt::format("no criteria for {}", dp));
      }
    } else if (record == "evidence-plan") {
      auto plan = model::parse_evidence_plan(doc);
      if (!plan) return unreadable(plan.status());
      entries = static_cast<std::int64_t>(plan->rows.size());
      if (wants("without_stopping") && std::all_of(plan->rows.begin(), plan->rows.end(), [](const auto& r) {
            return io::is_blank(r.without_stopping);
          }))
        gap("生産を止めずに集める方法が一つもない", "no way of collecting without stopping production");
    } else if (record == "restart-checklist") {
      auto rc = model::parse_restart_checklist(doc);
      if (!rc) return unreadable(rc.status());
      entries = static_cast<std::int64_t>(rc->steps.size());
      if (wants("approver") && io::is_blank(rc->approver)) gap("承認者が未記入", "no approver");
      if (wants("minimum_production") && io::is_blank(rc->minimum_production))
        gap("再開時の生産範囲が未記入", "no minimum production to restart with");
      if (wants("second-opinion") &&
          std::none_of(rc->steps.begin(), rc->steps.end(), [](const auto& s) { return s.stage == "second-opinion"; }))
        gap("外部による確認の手順がない", "no outside second-opinion step");
    } else if (record == "poc-sheet") {
      auto sheet = model::parse_poc_sheet(doc);
      if (!sheet) return unreadable(sheet.status());
      entries = static_cast<std::int64_t>(sheet->systems.size());
      if (wants("reporter") && io::is_blank(sheet->reporter.name)) gap("窓口担当者の氏名がない", "no named PoC");
      if (wants("deputy") && io::is_blank(sheet->deputy.name)) gap("代理がいない", "no deputy");
      if (wants("systems") && sheet->systems.empty())
        gap("第1群（制御システム）が空", "group 1 (control systems) is empty");
      if (wants("components") && sheet->components.empty())
        gap("第2群（関連 OS・ソフト・機器）が空", "group 2 (related OS, software, hardware) is empty");
      if (wants("collection") && io::is_blank(sheet->collection))
        gap("第3群の集め方が未記入", "how group 3 reaches the PoC is not set");
      if (wants("timekeeping") && io::is_blank(sheet->timekeeping)) gap("時刻の扱いが未記入", "time-keeping not set");
    } else if (record == "improvement-plan") {
      auto plan = model::parse_improvement_plan(doc);
      if (!plan) return unreadable(plan.status());
      entries = static_cast<std::int64_t>(plan->items.size());
      std::size_t unowned = 0, late = 0;
      for (const auto& i : plan->items) {
        const bool open = i.status == "open" || i.status == "in-progress";
        if (open && (io::is_blank(i.owner) || i.due.empty())) ++unowned;
        if (!m_prep.today.empty() && model::overdue(i, m_prep.today)) ++late;
      }
      if (wants("owners") && unowned > 0)
        gap(fmt::format("{} 件に担当者か期限がない", unowned), fmt::format("{} items lack an owner or a due date", unowned));
      if (wants("on-track") && late > 0) gap(fmt::format("{} 件が期限切れ", late), fmt::format("{} items overdue", late));
    }
    if (entries < min)
      gap(fmt::format("{} 件で目安 {} 件に届かない", entries, min), fmt::format("{} entries, fewer than {}", entries, min));
    out.level = gaps.empty() ? Level::kGood : Level::kPartial;
    if (gaps.empty()) {
      out.reason = lt(fmt::format("組織の{}があり、{} 件の記載で必要な点がそろっている。", label.text("ja"), entries),
                      fmt::format("The organisation's {} is on record with {} entries and nothing required missing.",
                                  label.text("en"), entries));
    } else {
      const auto g = join_labels(gaps);
      out.reason = lt(fmt::format("組織の{}はあるが、{}。", label.text("ja"), g.text("ja")),
                      fmt::format("The organisation has a {}, but {}.", label.text("en"), g.text("en")));
    }
    out.citations.push_back({0, 0,
                             lt(fmt::format("{}（{}）: {} 件", label.text("ja"), record, entries),
                                fmt::format("{} ({}): {} entries", label.text("en"), record, entries))});
    return out;
  }

  const model::Scenario& m_sc;
  const Projection& m_st;
  json m_criteria;
  const PreparedContext& m_prep;
  std::vector<Metric> m_metrics;
  std::optional<std::int64_t> m_first;
  const model::ExerciseEvent* m_end = nullptr;
  std::int64_t m_now = 0;
};

LocalizedText level_label(Level l) {
  switch (l) {
    case Level::kGood:
      return lt("良好", "good");
    case Level::kPartial:
      return lt("一部", "partial");
    case Level::kPoor:
      return lt("不十分", "poor");
    case Level::kNa:
      break;
  }
  return lt("対象外", "n/a");
}

json citation_json(const Citation& c, std::string_view lang) {
  return json{{"seq", c.seq},
              {"scenario_ms", c.scenario_ms},
              {"time", c.seq == 0 ? json(nullptr) : json(tm(c.scenario_ms))},
              {"text", c.text.text(lang)}};
}

json proposal_json(const Proposal& p, std::string_view lang) {
  json cites = json::array();
  for (const auto& c : p.citations) cites.push_back(citation_json(c, lang));
  return json{{"item", p.item},
              {"rule", p.rule.empty() ? json(nullptr) : json(p.rule)},
              {"level", p.level ? json(model::to_string(*p.level)) : json(nullptr)},
              {"choice", p.choice == 0 ? json(nullptr) : json(p.choice)},
              {"reason", p.reason.text(lang)},
              {"citations", std::move(cites)},
              {"sources", p.sources}};
}

}  // namespace

// --- public ------------------------------------------------------------------------

const ProposalRule* ProposalRules::find(std::string_view item) const {
  for (const auto& r : rules)
    if (r.item == item) return &r;
  return nullptr;
}

const Proposal* ProposalSet::find(std::string_view item) const {
  for (const auto& p : proposals)
    if (p.item == item) return &p;
  return nullptr;
}

Result<ProposalRules> parse_proposal_rules(std::string_view text, const std::string& filename,
                                           const model::Checklist* checklist) {
  io::YamlDocumentOptions options;
  options.what = "rules file";
  options.max_bytes = std::size_t{4} << 20;
  auto doc = io::parse_yaml_document(text, filename, options);
  if (!doc) return doc.status();
  try {
    return RulesReader(*doc, checklist).read();
  } catch (const ParseError& e) {
    return e.status;
  } catch (const YAML::Exception& e) {
    return Status::bad_input(fmt::format("cannot read the rules file: {}", e.what()), doc->locate(e.mark));
  }
}

Result<ProposalRules> builtin_proposal_rules(std::string_view checklist_id) {
  const auto& files = io::embedded_files();
  for (std::string_view ext : {".yaml", ".json"}) {
    const std::string path = fmt::format("data/rules/{}{}", checklist_id, ext);
    auto it = files.find(path);
    if (it == files.end()) continue;
    std::optional<model::Checklist> checklist;
    if (auto c = io::load_builtin_checklist(checklist_id)) checklist = std::move(*c);
    return parse_proposal_rules(it->second, path, checklist ? &*checklist : nullptr);
  }
  return Status::not_found(fmt::format("there are no built-in proposal rules for checklist '{}'", checklist_id));
}

ProposalSet propose(const std::string& exercise_id, const model::Scenario& scenario, const Projection& state,
                    const model::Checklist& checklist, const ProposalRules& rules, const json& criteria,
                    const PreparedContext& prepared) {
  ProposalSet set;
  set.exercise = exercise_id;
  set.checklist_id = checklist.id;
  set.checklist_version = checklist.version;

  // Which items the drill exercised, and through what.
  std::map<std::string, std::vector<std::string>> sources;
  auto add = [&](const std::vector<std::string>& links, const std::string& source) {
    for (const auto& item : links) {
      auto& s = sources[item];
      if (!contains(s, source)) s.push_back(source);
    }
  };
  std::set<std::string> reached_dps, reached_objectives;
  for (const auto& d : state.delivered) {
    if (const auto* inj = scenario.find_inject(d.inject)) add(inj->links, "inject:" + inj->id);
    for (const auto& x : d.payload.value("decision_points", json::array()))
      if (x.is_string()) reached_dps.insert(x.get<std::string>());
  }
  for (const auto& d : state.decisions) reached_dps.insert(d.decision_point);
  for (const auto& dp : scenario.decision_points) {
    if (!reached_dps.count(dp.id)) continue;
    add(dp.links, "decision_point:" + dp.id);
    if (!dp.objective.empty()) reached_objectives.insert(dp.objective);
  }
  for (const auto& o : state.observations) reached_objectives.insert(o.objective);
  for (const auto& o : scenario.objectives)
    if (reached_objectives.count(o.id)) add(o.links, "objective:" + o.id);

  const Judge judge(scenario, state, criteria.is_null() ? json::object() : criteria, prepared);
  for (const auto& item : checklist.items) {
    auto src = sources.find(item.id);
    if (src == sources.end()) continue;
    Proposal p;
    p.item = item.id;
    p.sources = src->second;
    Outcome out;
    if (const ProposalRule* rule = rules.find(item.id)) {
      p.rule = rule->type;
      out = judge.apply(*rule);
    } else {
      std::vector<std::string> objectives;
      for (const auto& o : scenario.objectives)
        if (contains(o.links, item.id)) objectives.push_back(o.id);
      if (objectives.empty()) {
        out.reason = lt("この項目の規則がなく、項目に結び付いた目標もない: 評価者が判断する",
                        "no rule names this item and no objective links it: the evaluator decides");
      } else {
        out = judge.observation(objectives);
        if (out.level) p.rule = "observation";
      }
    }
    p.level = out.level;
    p.reason = std::move(out.reason);
    p.citations = std::move(out.citations);
    std::stable_sort(p.citations.begin(), p.citations.end(), [](const Citation& a, const Citation& b) {
      auto key = [](const Citation& c) { return c.seq == 0 ? INT64_MAX : c.seq; };
      return key(a) < key(b);
    });
    if (p.level) {
      for (const auto& c : item.choices)
        if (c.level == *p.level) {
          p.choice = static_cast<std::uint8_t>(c.no);
          break;
        }
      if (p.choice == 0) {
        const auto l = level_label(*p.level);
        p.reason = lt(p.reason.text("ja") + fmt::format("（この項目に「{}」の選択肢はない: 評価者が判断する）", l.text("ja")),
                      p.reason.text("en") + fmt::format(" (the item has no {} choice: the evaluator decides)", l.text("en")));
      }
    }
    set.proposals.push_back(std::move(p));
  }
  return set;
}

json evidence_link(const ProposalSet& set, const Proposal& proposal) {
  json events = json::array();
  for (const auto& c : proposal.citations)
    if (c.seq > 0 && !contains(events, c.seq)) events.push_back(c.seq);
  return json{{"exercise", set.exercise}, {"rule", proposal.rule}, {"proposed", proposal.choice}, {"events", events}};
}

std::vector<Contradiction> find_contradictions(const ProposalSet& set, const model::Checklist& checklist,
                                               const std::map<std::string, std::uint8_t>& answers) {
  std::vector<Contradiction> out;
  for (const auto& item : checklist.items) {
    auto a = answers.find(item.id);
    if (a == answers.end() || a->second == 0 || a->second > item.choices.size()) continue;
    const Proposal* p = set.find(item.id);
    if (p == nullptr || !p->level) continue;
    const model::Choice& claimed = item.choices[a->second - 1];
    const Level shown = *p->level;
    std::string severity;
    if ((claimed.level == Level::kGood || claimed.level == Level::kPartial) && shown == Level::kPoor) severity = "major";
    if (claimed.level == Level::kGood && shown == Level::kPartial) severity = "minor";
    if (severity.empty()) continue;
    Contradiction c;
    c.item = item.id;
    c.claimed_choice = a->second;
    c.claimed = claimed.level;
    c.shown = *p;
    c.severity = severity;
    const std::string shown_ja = p->choice > 0 ? item.choices[p->choice - 1].label.text("ja") : level_label(shown).text("ja");
    const std::string shown_en = p->choice > 0 ? item.choices[p->choice - 1].label.text("en") : level_label(shown).text("en");
    c.message = lt(fmt::format("自己評価は「{}」だが、訓練の記録では「{}」にとどまる: {}", claimed.label.text("ja"),
                               shown_ja, p->reason.text("ja")),
                   fmt::format("The self-evaluation says “{}”, but the drill's log shows “{}”: {}",
                               claimed.label.text("en"), shown_en, p->reason.text("en")));
    out.push_back(std::move(c));
  }
  return out;
}

json to_json(const ProposalSet& set, std::string_view lang) {
  json proposals = json::array();
  for (const auto& p : set.proposals) proposals.push_back(proposal_json(p, lang));
  return json{{"exercise", set.exercise},
              {"checklist", {{"id", set.checklist_id}, {"version", set.checklist_version}}},
              {"proposals", std::move(proposals)}};
}

json to_json(const Contradiction& c, std::string_view lang) {
  return json{{"item", c.item},
              {"claimed_choice", c.claimed_choice},
              {"claimed", model::to_string(c.claimed)},
              {"shown", proposal_json(c.shown, lang)},
              {"severity", c.severity},
              {"message", c.message.text(lang)}};
}

}  // namespace kunren::exercise
