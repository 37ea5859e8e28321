// The CERT incident report draft (report/cert_draft.hpp).
//
// Sources a form field may name (anything else is rejected by
// parse_cert_form, so a typo in the form file is caught when it is read):
//
//   poc.reporter.{name,organisation,department,email,phone}
//                          the PoC sheet's reporter
//   poc.industry, poc.plant, poc.timekeeping
//                          the PoC sheet's fields of those names
//   poc.systems            one line per affected system of the sheet:
//                          "PLC — vendor product version / placement / line"
//   poc.components         one line per related OS, software or hardware
//   purpose                the purpose given (information | question |
//                          coordination), else the field's first option
//   drill.discovered_at    wall time (UTC) of the first situation-board report
//   drill.occurred_at      wall time of the first inject (input.started_at
//                          when given)
//   drill.description      the board reports confirmed or resolved (merged
//                          duplicates left out), one a line
//   drill.impact           the decisions on stop / continue decision points
//   drill.status           whether the drill got as far as a restart
//                          decision, the latest decision of each decision
//                          point, and the board's counts
//   drill.actions          decisions, contacts and evidence records, in log
//                          order (the timeline's wording)
//   evidence.attachments   every evidence record: file, SHA-256, type,
//                          disclosure; a missing file name or hash is named
//
// Marks: a field the PoC sheet lists in `withhold` is "withheld" whatever its
// value; otherwise a field with no value (no source, no PoC sheet, nothing in
// the log) is "unknown".
//
// Disclosure of an attachment: "withhold" when the PoC sheet's `withhold`
// names "attachments.<evidence type>" (e.g. attachments.config-image);
// "redact" for the types that usually carry the plant's know-how or
// addresses and accounts (controller-memory, ews, network-capture,
// config-image); "ok" for the rest (safety and process state, malware
// samples, which the CERT needs as they are).
#include <kunren/report/cert_draft.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/io/embedded.hpp>
#include <kunren/io/text_rules.hpp>
#include <kunren/io/yaml_document.hpp>
#include <kunren/report/timeline_svg.hpp>

namespace kunren::report {

namespace {

using nlohmann::json;

constexpr std::string_view k_builtin_path = "data/cert/ics-incident-report.yaml";

const std::set<std::string, std::less<>>& known_sources() {
  static const std::set<std::string, std::less<>> k = {
      "poc.reporter.name", "poc.reporter.organisation", "poc.reporter.department", "poc.reporter.email",
      "poc.reporter.phone", "poc.industry", "poc.plant", "poc.timekeeping", "poc.systems", "poc.components",
      "purpose", "drill.discovered_at", "drill.occurred_at", "drill.description", "drill.impact", "drill.status",
      "drill.actions", "evidence.attachments"};
  return k;
}

// --- the form file ----------------------------------------------------------------

class FormReader {
 public:
  explicit FormReader(const io::YamlDocument& doc) : m_doc(doc) {}

  Result<CertForm> read() {
    const YAML::Node& root = m_doc.root();
    if (!root.IsMap()) return fail(root, "", "the form must be a mapping with id, version, title and groups");
    KUNREN_RETURN_IF_ERROR(only_keys(root, "", {"id", "version", "title", "groups"}));
    CertForm form;
    auto id = id_of(root, "id", "id");
    if (!id) return id.status();
    form.id = *id;
    auto version = scalar(root, "version", "version", true);
    if (!version) return version.status();
    form.version = *version;
    auto title = text(root, "title", "title");
    if (!title) return title.status();
    form.title = *title;
    const YAML::Node groups = root["groups"];
    if (!groups || !groups.IsSequence() || groups.size() == 0)
      return fail(groups ? groups : root, "groups", "groups must be a non-empty list");
    std::set<std::string> group_ids, field_ids;
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
      const YAML::Node g = groups[gi];
      const std::string gpath = fmt::format("groups[{}]", gi);
      if (!g.IsMap()) return fail(g, gpath, "a group must be a mapping with id, title and fields");
      KUNREN_RETURN_IF_ERROR(only_keys(g, gpath, {"id", "title", "fields"}));
      CertGroup group;
      auto gid = id_of(g, "id", gpath + ".id");
      if (!gid) return gid.status();
      if (!group_ids.insert(*gid).second) return fail(g["id"], gpath + ".id", fmt::format("group '{}' appears twice", *gid));
      group.id = *gid;
      auto gtitle = text(g, "title", gpath + ".title");
      if (!gtitle) return gtitle.status();
      group.title = *gtitle;
      const YAML::Node fields = g["fields"];
      if (!fields || !fields.IsSequence() || fields.size() == 0)
        return fail(fields ? fields : g, gpath + ".fields", "fields must be a non-empty list");
      for (std::size_t fi = 0; fi < fields.size(); ++fi) {
        const YAML::Node f = fields[fi];
        const std::string fpath = fmt::format("{}.fields[{}]", gpath, fi);
        if (!f.IsMap()) return fail(f, fpath, "a field must be a mapping with id, label and source");
        KUNREN_RETURN_IF_ERROR(only_keys(f, fpath, {"id", "label", "source", "multiline", "options"}));
        CertField field;
        auto fid = id_of(f, "id", fpath + ".id");
        if (!fid) return fid.status();
        if (!field_ids.insert(*fid).second)
          return fail(f["id"], fpath + ".id", fmt::format("field '{}' appears twice", *fid));
        field.id = *fid;
        auto label = text(f, "label", fpath + ".label");
        if (!label) return label.status();
        field.label = *label;
        auto source = scalar(f, "source", fpath + ".source", false);
        if (!source) return source.status();
        if (!source->empty() && !known_sources().count(*source)) {
          std::string list;
          for (const auto& s : known_sources()) list += (list.empty() ? "" : ", ") + s;
          return fail(f["source"], fpath + ".source", fmt::format("unknown source '{}' (known: {})", *source, list));
        }
        field.source = *source;
        if (const YAML::Node m = f["multiline"]) {
          const std::string v = m.IsScalar() ? m.Scalar() : "";
          if (v != "true" && v != "false") return fail(m, fpath + ".multiline", "multiline must be true or false");
          field.multiline = v == "true";
        }
        if (const YAML::Node o = f["options"]) {
          if (!o.IsSequence() || o.size() == 0) return fail(o, fpath + ".options", "options must be a non-empty list of ids");
          for (std::size_t oi = 0; oi < o.size(); ++oi) {
            if (!o[oi].IsScalar() || !io::is_id(o[oi].Scalar()))
              return fail(o[oi], fmt::format("{}.options[{}]", fpath, oi), "an option must be an id ([A-Za-z0-9._-]+)");
            field.options.push_back(o[oi].Scalar());
          }
        }
        group.fields.push_back(std::move(field));
      }
      form.groups.push_back(std::move(group));
    }
    return form;
  }

 private:
  Status fail(const YAML::Node& node, const std::string& field, const std::string& message) const {
    return Status::bad_input(message, m_doc.locate(node.Mark(), field));
  }

  Status only_keys(const YAML::Node& map, const std::string& path, std::initializer_list<std::string_view> allowed) const {
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string list;
      for (auto a : allowed) list += fmt::format("{}{}", list.empty() ? "" : ", ", a);
      return Status::bad_input(fmt::format("unknown key '{}' (allowed: {})", key, list),
                               m_doc.locate(it->first.Mark(), path.empty() ? key : path + "." + key));
    }
    return Status::ok();
  }

  Result<std::string> scalar(const YAML::Node& map, const char* key, const std::string& path, bool required) const {
    const YAML::Node n = map[key];
    if (!n || n.IsNull()) {
      if (required) return fail(map, path, fmt::format("'{}' is required", key));
      return std::string();
    }
    if (!n.IsScalar()) return fail(n, path, fmt::format("'{}' must be a text", key));
    if (required && io::is_blank(n.Scalar())) return fail(n, path, fmt::format("'{}' must not be blank", key));
    return n.Scalar();
  }

  Result<std::string> id_of(const YAML::Node& map, const char* key, const std::string& path) const {
    auto s = scalar(map, key, path, true);
    if (!s) return s;
    if (!io::is_id(*s)) return fail(map[key], path, fmt::format("'{}' is not an id ([A-Za-z0-9._-]+)", *s));
    return s;
  }

  Result<model::LocalizedText> text(const YAML::Node& map, const char* key, const std::string& path) const {
    const YAML::Node n = map[key];
    if (!n || n.IsNull()) return fail(map, path, fmt::format("'{}' is required", key));
    if (n.IsScalar()) {
      if (io::is_blank(n.Scalar())) return fail(n, path, fmt::format("'{}' must not be blank", key));
      return model::LocalizedText(n.Scalar());
    }
    if (!n.IsMap() || n.size() == 0) return fail(n, path, fmt::format("'{}' must be a text or a {{ja: …, en: …}} map", key));
    model::LocalizedText t;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string lang = it->first.IsScalar() ? it->first.Scalar() : "";
      if (lang.empty() || !io::is_id(lang)) return fail(it->first, path, "a language must be a code such as ja or en");
      if (!it->second.IsScalar() || io::is_blank(it->second.Scalar()))
        return fail(it->second, path + "." + lang, "the text must not be blank");
      t.set(lang, it->second.Scalar());
    }
    return t;
  }

  const io::YamlDocument& m_doc;
};

// --- the draft --------------------------------------------------------------------

struct Words {
  const char* draft;
  const char* form;
  const char* version;
  const char* exercise;
  const char* org;
  const char* generated;
  const char* unknown;
  const char* withheld;
  const char* no_file;
  const char* file;
  const char* type;
  const char* disclosure;
  const char* ok;
  const char* redact;
  const char* withhold;
  const char* scenario_time;
  const char* report_no;
  const char* resolved;
  const char* ongoing;
  const char* board;  // {n} {u} {c} {r}
  const char* footer1;
  const char* footer2;
  const char* information;
  const char* question;
  const char* coordination;
};

constexpr Words k_ja = {
    "（下書き）",
    "様式",
    "版",
    "訓練",
    "組織",
    "作成日時",
    "（不明）",
    "（非開示）",
    "（ファイル名なし）",
    "ファイル",
    "種別",
    "開示",
    "ok（そのまま開示可）",
    "redact（一部を伏せて開示）",
    "withhold（非開示）",
    "訓練時間",
    "報告",
    "収束: 生産再開の判断まで済んでいる",
    "対応中: 生産再開の判断はまだない",
    "状況ボード: 報告 {n} 件（未確認 {u}・確認済み {c}・解決済み {r}）",
    "この文書は Kunren が訓練の記録から自動で作成した報告の下書きです。",
    "送付の前に、すべての項目を担当者が確認し、（不明）と（非開示）の扱いを決めてください。",
    "情報提供",
    "質問・相談",
    "調整の依頼",
};

constexpr Words k_en = {
    " (draft)",
    "Form",
    "version",
    "Drill",
    "Organisation",
    "Generated",
    "(unknown)",
    "(withheld)",
    "(no file name)",
    "File",
    "Type",
    "Disclosure",
    "ok (may be shared as is)",
    "redact (share with parts masked)",
    "withhold (not shared)",
    "drill time",
    "report",
    "Resolved: the drill reached the restart decision",
    "Ongoing: no restart decision yet",
    "Situation board: {n} reports ({u} unconfirmed, {c} confirmed, {r} resolved)",
    "This is a draft report generated by Kunren from the drill's records.",
    "Before sending it, have the responsible person check every field and decide on each (unknown) and (withheld).",
    "Information sharing",
    "Question or consultation",
    "Request for coordination",
};

const Words& words_for(std::string_view lang) { return lang == "en" ? k_en : k_ja; }

std::string replace_all(std::string s, std::string_view from, const std::string& to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
  return s;
}

// "2026-11-26T10:04:00.123456Z" → "2026-11-26 10:04:00 UTC"; other text as is.
std::string wall_text(const std::string& at) {
  if (at.size() >= 19 && at[10] == 'T') return at.substr(0, 10) + " " + at.substr(11, 8) + " UTC";
  return at;
}

std::string scenario_time(std::int64_t ms) { return model::format_scenario_time(ms / 1000); }

const model::ExerciseEvent* event_of(const exercise::Projection& state, std::int64_t seq) {
  auto it = std::lower_bound(state.events.begin(), state.events.end(), seq,
                             [](const model::ExerciseEvent& e, std::int64_t s) { return e.seq < s; });
  return it != state.events.end() && it->seq == seq ? &*it : nullptr;
}

std::string join_nonempty(std::initializer_list<std::string> parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string option_label(const model::Scenario* s, const std::string& dp, const std::string& option,
                         std::string_view lang) {
  if (s)
    if (const auto* point = s->find_decision_point(dp))
      for (const auto& o : point->options)
        if (o.id == option) return o.label.text(lang);
  return option;
}

std::string decision_line(const model::Scenario* s, const exercise::DecisionRecord& d, std::string_view lang) {
  std::string prompt;
  if (s)
    if (const auto* point = s->find_decision_point(d.decision_point)) prompt = point->prompt.text(lang);
  // "…か。: 停止する" reads badly: drop the prompt's closing full stop.
  for (std::string_view stop : {"。", "."})
    if (prompt.size() >= stop.size() && prompt.compare(prompt.size() - stop.size(), stop.size(), stop) == 0)
      prompt.resize(prompt.size() - stop.size());
  std::string line = scenario_time(d.scenario_ms) + " " + d.decision_point;
  if (!prompt.empty()) line += " " + prompt;
  line += ": " + option_label(s, d.decision_point, d.option, lang);
  if (!d.rationale.empty()) line += " — " + d.rationale;
  return line;
}

std::string disclosure_of(const exercise::EvidenceRecord& r, const model::PocSheet* poc) {
  if (poc && std::find(poc->withhold.begin(), poc->withhold.end(), "attachments." + r.type) != poc->withhold.end())
    return "withhold";
  static const std::set<std::string, std::less<>> k_redact = {"controller-memory", "ews", "network-capture",
                                                              "config-image"};
  return k_redact.count(r.type) ? "redact" : "ok";
}

class Filler {
 public:
  Filler(const CertDraftInput& in, std::string_view lang) : m_in(in), m_lang(lang), m_w(words_for(lang)) {}

  std::string value(const CertField& f) const {
    const std::string& src = f.source;
    const model::PocSheet* poc = m_in.poc;
    if (src.rfind("poc.", 0) == 0) {
      if (!poc) return {};
      if (src == "poc.reporter.name") return poc->reporter.name;
      if (src == "poc.reporter.organisation") return poc->reporter.organisation;
      if (src == "poc.reporter.department") return poc->reporter.department;
      if (src == "poc.reporter.email") return poc->reporter.email;
      if (src == "poc.reporter.phone") return poc->reporter.phone;
      if (src == "poc.industry") return poc->industry;
      if (src == "poc.plant") return poc->plant;
      if (src == "poc.timekeeping") return poc->timekeeping;
      if (src == "poc.systems") return systems(*poc);
      if (src == "poc.components") return components(*poc);
      return {};
    }
    if (src == "purpose") return purpose(f);
    if (!m_in.state) return {};
    if (src == "drill.discovered_at") return discovered_at();
    if (src == "drill.occurred_at") return occurred_at();
    if (src == "drill.description") return description();
    if (src == "drill.impact") return impact();
    if (src == "drill.status") return status();
    if (src == "drill.actions") return actions();
    if (src == "evidence.attachments") return attachments();
    return {};
  }

 private:
  static std::string systems(const model::PocSheet& poc) {
    std::string out;
    for (const auto& s : poc.systems) {
      std::string line = join_nonempty({s.type, join_nonempty({s.vendor, s.product, s.version}, " ")}, " — ");
      line = join_nonempty({line, s.placement, s.line}, " / ");
      if (line.empty()) continue;
      out += (out.empty() ? "" : "\n") + line;
    }
    return out;
  }

  static std::string components(const model::PocSheet& poc) {
    std::string out;
    for (const auto& c : poc.components) {
      std::string line = join_nonempty({c.kind, join_nonempty({c.name, c.version}, " ")}, ": ");
      if (line.empty()) continue;
      out += (out.empty() ? "" : "\n") + line;
    }
    return out;
  }

  std::string purpose(const CertField& f) const {
    std::string id = m_in.purpose.empty() ? (f.options.empty() ? std::string() : f.options.front()) : m_in.purpose;
    if (id == "information") return std::string(m_w.information) + " (information)";
    if (id == "question") return std::string(m_w.question) + " (question)";
    if (id == "coordination") return std::string(m_w.coordination) + " (coordination)";
    return id;
  }

  std::string when(const model::ExerciseEvent* e, std::int64_t ms, const std::string& extra = {}) const {
    std::string out = e ? wall_text(e->at) : std::string();
    std::string drill = fmt::format("{} {}", m_w.scenario_time, scenario_time(ms));
    if (!extra.empty()) drill += (m_lang == "en" ? ", " : "、") + extra;
    out += m_lang == "en" ? " (" + drill + ")" : "（" + drill + "）";
    return out;
  }

  std::string discovered_at() const {
    const auto& reports = m_in.state->reports;
    if (reports.empty()) return {};
    const auto& first = reports.begin()->second;  // ids are seqs: the first filed
    return when(event_of(*m_in.state, first.id), first.scenario_ms, fmt::format("{} #{}", m_w.report_no, first.id));
  }

  std::string occurred_at() const {
    const auto& delivered = m_in.state->delivered;
    if (delivered.empty()) return {};
    const auto& first = delivered.front();
    if (!m_in.started_at.empty()) {
      model::ExerciseEvent e;
      e.at = m_in.started_at;
      return when(&e, first.scenario_ms, first.inject);
    }
    return when(event_of(*m_in.state, first.seq), first.scenario_ms, first.inject);
  }

  std::string description() const {
    std::string out;
    for (const auto& [id, r] : m_in.state->reports) {
      if (r.duplicate_of != 0 || (r.status != "confirmed" && r.status != "resolved")) continue;
      std::string where = join_nonempty({r.line, r.asset}, " / ");
      std::string line = scenario_time(r.scenario_ms) + " ";
      if (!where.empty()) line += "[" + where + "] ";
      line += r.what;
      if (!r.impact.empty()) line += (m_lang == "en" ? " — impact: " : " — 影響: ") + r.impact;
      out += (out.empty() ? "" : "\n") + line;
    }
    return out;
  }

  bool is_kind(const std::string& dp, std::initializer_list<model::DecisionKind> kinds) const {
    if (!m_in.scenario) return false;
    const auto* point = m_in.scenario->find_decision_point(dp);
    return point && std::find(kinds.begin(), kinds.end(), point->kind) != kinds.end();
  }

  std::string impact() const {
    std::string out;
    for (const auto& d : m_in.state->decisions) {
      if (!is_kind(d.decision_point, {model::DecisionKind::kStop, model::DecisionKind::kContinue})) continue;
      out += (out.empty() ? "" : "\n") + decision_line(m_in.scenario, d, m_lang);
    }
    return out;
  }

  std::string status() const {
    const auto& st = *m_in.state;
    if (st.decisions.empty() && st.reports.empty()) return {};
    const bool restarted = std::any_of(st.decisions.begin(), st.decisions.end(), [&](const auto& d) {
      return is_kind(d.decision_point, {model::DecisionKind::kRestart});
    });
    std::string out = restarted ? m_w.resolved : m_w.ongoing;
    // The latest decision of each point, in the scenario's order (then any
    // point the scenario does not know, by first appearance).
    std::vector<std::string> order;
    if (m_in.scenario)
      for (const auto& p : m_in.scenario->decision_points) order.push_back(p.id);
    for (const auto& d : st.decisions)
      if (std::find(order.begin(), order.end(), d.decision_point) == order.end()) order.push_back(d.decision_point);
    for (const auto& dp : order) {
      const exercise::DecisionRecord* latest = nullptr;
      for (const auto& d : st.decisions)
        if (d.decision_point == dp) latest = &d;
      if (latest) out += "\n" + decision_line(m_in.scenario, *latest, m_lang);
    }
    int n = 0, u = 0, c = 0, r = 0;
    for (const auto& [id, rep] : st.reports) {
      if (rep.duplicate_of != 0) continue;
      ++n;
      if (rep.status == "resolved") ++r;
      else if (rep.status == "confirmed") ++c;
      else ++u;
    }
    std::string board = m_w.board;
    board = replace_all(board, "{n}", std::to_string(n));
    board = replace_all(board, "{u}", std::to_string(u));
    board = replace_all(board, "{c}", std::to_string(c));
    board = replace_all(board, "{r}", std::to_string(r));
    return out + "\n" + board;
  }

  std::string actions() const {
    if (!m_in.scenario) return {};
    std::string out;
    for (const auto& e : m_in.state->events) {
      if (e.kind != "decision" && e.kind != "contact" && e.kind != "evidence") continue;
      if (e.kind == "evidence" && !m_in.state->evidence.count(e.seq)) continue;  // handovers: see the attachments
      out += (out.empty() ? "" : "\n") + timeline_event_text(e, *m_in.scenario, std::string(m_lang));
    }
    return out;
  }

  std::string attachments() const {
    std::string out;
    int no = 0;
    for (const auto& [id, r] : m_in.state->evidence) {
      std::string type = r.type;
      if (const auto* t = model::find_evidence_type(r.type)) type = t->name.text(m_lang) + " (" + r.type + ")";
      const std::string disclosure = disclosure_of(r, m_in.poc);
      const char* d = disclosure == "withhold" ? m_w.withhold : disclosure == "redact" ? m_w.redact : m_w.ok;
      const std::string indent = "   ";
      out += fmt::format("{}{}. {}: {}\n", out.empty() ? "" : "\n", ++no, m_w.file, r.file.empty() ? m_w.no_file : r.file);
      out += fmt::format("{}SHA-256: {}\n", indent, r.sha256.empty() ? m_w.unknown : r.sha256);
      out += fmt::format("{}{}: {}\n", indent, m_w.type, type);
      if (!r.asset.empty()) out += fmt::format("{}{}: {}\n", indent, m_lang == "en" ? "Asset" : "対象機器", r.asset);
      out += fmt::format("{}{}: {}", indent, m_w.disclosure, d);
    }
    return out;
  }

  const CertDraftInput& m_in;
  std::string_view m_lang;
  const Words& m_w;
};

// Continuation lines of a multiline value, indented under its label.
std::string indent_lines(const std::string& value, const std::string& indent) {
  std::string out;
  std::size_t start = 0;
  while (start <= value.size()) {
    const std::size_t nl = value.find('\n', start);
    const std::string line = value.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    out += indent + line + "\n";
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

}  // namespace

Result<CertForm> parse_cert_form(std::string_view text, const std::string& filename) {
  io::YamlDocumentOptions options;
  options.what = "CERT report form";
  auto doc = io::parse_yaml_document(text, filename, options);
  if (!doc) return doc.status();
  return FormReader(*doc).read();
}

const CertForm& builtin_cert_form() {
  static const CertForm k_form = [] {
    const auto& files = io::embedded_files();
    auto it = files.find(k_builtin_path);
    if (it == files.end()) throw std::logic_error("the built-in CERT report form is not embedded");
    auto form = parse_cert_form(it->second, std::string(k_builtin_path));
    if (!form) throw std::logic_error("the built-in CERT report form is invalid: " + form.status().to_string());
    return std::move(form).value();
  }();
  return k_form;
}

CertDraft cert_draft(const CertForm& form, const CertDraftInput& input, std::string_view lang_in) {
  const std::string_view lang = lang_in == "en" ? "en" : "ja";
  const Words& w = words_for(lang);
  const Filler filler(input, lang);
  CertDraft draft;

  std::string& t = draft.text;
  const std::string title = form.title.text(lang) + w.draft;
  t += title + "\n";
  t += fmt::format("{}: {} {} {}\n", w.form, form.id, w.version, form.version);
  if (!input.exercise_id.empty()) t += fmt::format("{}: {}\n", w.exercise, input.exercise_id);
  if (!input.org_name.empty()) t += fmt::format("{}: {}\n", w.org, input.org_name);
  if (!input.generated_at.empty()) t += fmt::format("{}: {}\n", w.generated, input.generated_at);
  t += std::string(60, '=') + "\n";

  for (const auto& group : form.groups) {
    t += "\n■ " + group.title.text(lang) + "\n";
    for (const auto& field : group.fields) {
      CertFieldValue v;
      v.field = &field;
      const bool withheld = input.poc && std::find(input.poc->withhold.begin(), input.poc->withhold.end(), field.id) !=
                                             input.poc->withhold.end();
      if (withheld) {
        v.mark = "withheld";
        draft.withheld.push_back(field.id);
      } else {
        v.value = field.source.empty() ? std::string() : filler.value(field);
        if (io::is_blank(v.value)) {
          v.value.clear();
          v.mark = "unknown";
          draft.unknown.push_back(field.id);
        }
      }
      const std::string label = field.label.text(lang);
      const std::string shown = v.mark == "withheld" ? w.withheld : v.mark == "unknown" ? w.unknown : v.value;
      if (field.multiline && v.mark.empty()) {
        t += label + ":\n" + indent_lines(v.value, "  ");
      } else {
        t += label + ": " + shown + "\n";
      }
      draft.values.push_back(std::move(v));
    }
  }

  t += "\n" + std::string(60, '-') + "\n";
  t += std::string(w.footer1) + "\n" + w.footer2 + "\n";
  return draft;
}

}  // namespace kunren::report
