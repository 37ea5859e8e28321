#include <kunren/io/prep_io.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include <kunren/io/csv.hpp>
#include <kunren/io/yaml_document.hpp>
#include <kunren/io/yaml_write.hpp>
#include <kunren/util/file.hpp>

namespace kunren::io {

namespace {

using json = nlohmann::json;

std::string key_path(const std::string& base, std::string_view key) {
  return base.empty() ? std::string(key) : base + "." + std::string(key);
}

// The enclosing part of a path: "a.b[2].c" → "a.b[2]" → "a.b" → "a" → "".
std::string parent_path(const std::string& path) {
  const auto cut = path.find_last_of(".[");
  if (cut == std::string::npos) return {};
  return path.substr(0, cut);
}

// --- YAML / JSON → JSON with positions ------------------------------------------------

bool wants_number(std::string_view key) {
  return key == "stale_after_days" || key == "escalation" || key == "source_events";
}
bool wants_bool(std::string_view key) { return key == "external" || key == "required"; }

bool is_integer_text(std::string_view s) {
  std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i >= s.size() || s.size() - i > 15) return false;
  return std::all_of(s.begin() + static_cast<std::ptrdiff_t>(i), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class Converter {
 public:
  explicit Converter(const YamlDocument& doc) : m_doc(doc) {}

  Result<json> run() {
    json out;
    m_marks.emplace("", m_doc.root().Mark());
    KUNREN_RETURN_IF_ERROR(convert(m_doc.root(), "", "", out));
    return out;
  }

  // Where the model's `field` is in the file: its value (or, with
  // `key_first`, its key).
  Location locate(const std::string& field, bool key_first) const {
    if (key_first) {
      if (auto it = m_key_marks.find(field); it != m_key_marks.end()) return m_doc.locate(it->second, field);
    }
    std::string p = field;
    for (;;) {
      if (auto it = m_marks.find(p); it != m_marks.end()) return m_doc.locate(it->second, field);
      if (p.empty()) return m_doc.locate(YAML::Mark::null_mark(), field);
      p = parent_path(p);
    }
  }

 private:
  Status fail(const YAML::Mark& mark, const std::string& field, std::string message) const {
    return Status::bad_input(std::move(message), m_doc.locate(mark, field));
  }

  Status convert(const YAML::Node& n, const std::string& path, std::string_view key, json& out) {
    // Aliases let a small file name a huge tree ("billion laughs"): count what is expanded.
    if (++m_nodes > k_max_nodes)
      return fail(n.Mark(), path, fmt::format("the document has more than {} values (aliases?)", k_max_nodes));
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out = nullptr;
        return Status::ok();
      case YAML::NodeType::Scalar:
        out = scalar(n, key);
        return Status::ok();
      case YAML::NodeType::Sequence: {
        out = json::array();
        std::size_t i = 0;
        for (const auto& element : n) {
          const std::string child = fmt::format("{}[{}]", path, i++);
          m_marks.emplace(child, element.Mark());
          json v;
          KUNREN_RETURN_IF_ERROR(convert(element, child, key, v));
          out.push_back(std::move(v));
        }
        return Status::ok();
      }
      case YAML::NodeType::Map: {
        out = json::object();
        std::unordered_map<std::string, YAML::Mark> seen;
        for (const auto& pair : n) {
          const YAML::Node& k = pair.first;
          const YAML::Node& v = pair.second;
          if (!k.IsScalar())
            return fail(k.Mark(), path, fmt::format("keys must be texts{}", path.empty() ? "" : " in '" + path + "'"));
          const std::string& name = k.Scalar();
          const std::string child = key_path(path, name);
          if (auto it = seen.find(name); it != seen.end()) {
            return fail(k.Mark(), child,
                        fmt::format("duplicate key '{}' (first at line {})", name, m_doc.locate(it->second).line));
          }
          seen.emplace(name, k.Mark());
          m_key_marks.emplace(child, k.Mark());
          m_marks.emplace(child, v.IsScalar() ? v.Mark() : k.Mark());
          json value;
          KUNREN_RETURN_IF_ERROR(convert(v, child, name, value));
          out[name] = std::move(value);
        }
        return Status::ok();
      }
    }
    return Status::ok();
  }

  json scalar(const YAML::Node& n, std::string_view key) const {
    const std::string& s = n.Scalar();
    const bool quoted = n.Tag() == "!";
    if (quoted) return s;
    if (m_doc.json()) {
      if (s == "true") return true;
      if (s == "false") return false;
      if (is_integer_text(s)) return std::stoll(s);
      return json::parse(s, nullptr, false).is_number() ? json::parse(s) : json(s);
    }
    if (wants_number(key) && is_integer_text(s)) return std::stoll(s);
    if (wants_bool(key)) {
      if (s == "true" || s == "True" || s == "TRUE") return true;
      if (s == "false" || s == "False" || s == "FALSE") return false;
    }
    return s;
  }

  static constexpr std::size_t k_max_nodes = 500000;
  const YamlDocument& m_doc;
  std::size_t m_nodes = 0;
  std::unordered_map<std::string, YAML::Mark> m_marks;
  std::unordered_map<std::string, YAML::Mark> m_key_marks;
};

// --- writing -----------------------------------------------------------------------------

// Readable order of keys (the stored JSON is sorted; files read better this
// way): one order for the top level of a document, one for everything inside.
int key_rank(std::string_view key, bool top) {
  static const std::vector<std::string_view> k_top{
      "stale_after_days", "entries", "points", "rows", "steps", "items", "minimum_production", "approver",
      "reporter", "deputy", "industry", "plant", "systems", "components", "timekeeping", "collection", "withhold"};
  static const std::vector<std::string_view> k_inner{
      "id", "decision_point", "type", "kind", "stage", "name", "function", "external", "organisation", "department",
      "vendor", "product", "version", "placement", "line", "value", "email", "phone", "channels", "backup",
      "escalation", "last_confirmed", "who", "deputy", "conditions", "assets", "what", "method", "without_stopping",
      "stored_at", "text", "owner", "required", "issue", "action", "element", "objective", "item", "owner_org",
      "start", "due", "status", "completed", "source_exercise", "source_events", "checked_in", "note", "notes"};
  const auto& order = top ? k_top : k_inner;
  return static_cast<int>(std::find(order.begin(), order.end(), key) - order.begin());
}

std::vector<std::string> ordered_keys(const json& obj, bool top) {
  std::vector<std::string> keys;
  for (auto it = obj.begin(); it != obj.end(); ++it) keys.push_back(it.key());
  std::stable_sort(keys.begin(), keys.end(), [top](const std::string& a, const std::string& b) {
    return key_rank(a, top) < key_rank(b, top);
  });
  return keys;
}

nlohmann::ordered_json ordered(const json& j, bool top) {
  if (j.is_object()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& k : ordered_keys(j, top)) out[k] = ordered(j.at(k), false);
    return out;
  }
  if (j.is_array()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& e : j) out.push_back(ordered(e, false));
    return out;
  }
  return nlohmann::ordered_json::parse(j.dump());
}

std::string yaml_scalar(const json& v) {
  if (v.is_string()) return yaml::scalar(v.get<std::string>());
  if (v.is_null()) return "~";
  if (v.is_array()) return "[]";
  if (v.is_object()) return "{}";
  return v.dump();
}

void emit_map(std::string& out, const json& obj, std::size_t indent, bool top = false);

void emit_seq(std::string& out, const json& arr, std::size_t indent) {
  const std::string pad(indent, ' ');
  for (const auto& e : arr) {
    if (e.is_object() && !e.empty()) {
      std::string inner;
      emit_map(inner, e, indent + 2);
      out += pad + "- " + inner.substr(indent + 2);
    } else if (e.is_array() && !e.empty()) {
      out += pad + "-\n";
      emit_seq(out, e, indent + 2);
    } else {
      out += pad + "- " + yaml_scalar(e) + "\n";
    }
  }
}

void emit_map(std::string& out, const json& obj, std::size_t indent, bool top) {
  const std::string pad(indent, ' ');
  for (const auto& k : ordered_keys(obj, top)) {
    const json& v = obj.at(k);
    if (v.is_object() && !v.empty()) {
      out += pad + yaml::scalar(k) + ":\n";
      emit_map(out, v, indent + 2);
    } else if (v.is_array() && !v.empty()) {
      out += pad + yaml::scalar(k) + ":\n";
      emit_seq(out, v, indent + 2);
    } else {
      out += pad + yaml::scalar(k) + ": " + yaml_scalar(v) + "\n";
    }
  }
}

// --- contact tree CSV ------------------------------------------------------------------------

struct CsvColumn {
  const char* field;
  std::vector<std::string> headers;  // first English, then Japanese; compared case-insensitively
};

const std::vector<CsvColumn>& csv_columns() {
  static const std::vector<CsvColumn> k_csv_columns{
      {"id", {"id", "識別子", "ID", "ＩＤ"}},
      {"name", {"name", "氏名", "名前", "名称", "氏名・名称"}},
      {"function", {"function", "役割", "機能"}},
      {"external", {"external", "外部", "社外"}},
      {"organisation", {"organisation", "organization", "所属", "組織", "部署"}},
      {"phone", {"phone", "電話", "電話番号"}},
      {"mobile", {"mobile", "携帯", "携帯電話"}},
      {"email", {"email", "e-mail", "mail", "メール", "電子メール", "メールアドレス"}},
      {"backup", {"backup", "代行", "代行者", "代理", "バックアップ"}},
      {"escalation", {"escalation", "連絡順", "連絡順位", "エスカレーション"}},
      {"last_confirmed", {"last_confirmed", "last confirmed", "最終確認日", "確認日"}},
      {"notes", {"notes", "備考", "メモ"}},
  };
  return k_csv_columns;
}

std::string trim_cell(std::string_view s) {
  auto blank_at_front = [&](std::string_view t) -> std::size_t {
    if (t.empty()) return 0;
    if (t[0] == ' ' || t[0] == '\t' || t[0] == '\r' || t[0] == '\n') return 1;
    if (t.substr(0, 3) == "\xE3\x80\x80") return 3;
    return 0;
  };
  auto blank_at_back = [&](std::string_view t) -> std::size_t {
    if (t.empty()) return 0;
    const char c = t.back();
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return 1;
    if (t.size() >= 3 && t.substr(t.size() - 3) == "\xE3\x80\x80") return 3;
    return 0;
  };
  while (std::size_t n = blank_at_front(s)) s.remove_prefix(n);
  while (std::size_t n = blank_at_back(s)) s.remove_suffix(n);
  return std::string(s);
}

std::string lower_ascii(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const char* field_of_header(const std::string& header) {
  const std::string h = lower_ascii(trim_cell(header));
  for (const auto& c : csv_columns())
    for (const auto& name : c.headers)
      if (lower_ascii(name) == h) return c.field;
  return nullptr;
}

std::vector<std::string> split_values(const std::string& cell) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto semi = cell.find(';', start);
    std::string v = trim_cell(std::string_view(cell).substr(start, semi == std::string::npos ? std::string::npos
                                                                                              : semi - start));
    if (!v.empty()) out.push_back(std::move(v));
    if (semi == std::string::npos) break;
    start = semi + 1;
  }
  return out;
}

std::optional<bool> parse_external(const std::string& cell) {
  const std::string v = lower_ascii(cell);
  if (v.empty() || v == "false" || v == "no" || v == "0" || v == "内部" || v == "社内" || v == "×" || v == "-")
    return false;
  if (v == "true" || v == "yes" || v == "1" || v == "○" || v == "〇" || v == "外部" || v == "社外") return true;
  return std::nullopt;
}

}  // namespace

// --- public ------------------------------------------------------------------------------------

Result<json> parse_prep_document(model::PrepKind kind, std::string_view text, std::string_view filename) {
  YamlDocumentOptions options;
  options.what = std::string(model::to_string(kind)) + " document";
  options.max_bytes = k_max_prep_bytes;
  auto doc = parse_yaml_document(text, filename, options);
  if (!doc) return doc.status();
  Converter converter(*doc);
  auto j = converter.run();
  if (!j) return j.status();
  if (j->is_null())
    return Status::bad_input(fmt::format("the file is empty; expected a {} document", model::to_string(kind)),
                             Location(std::string(filename)));
  auto canonical = model::canonical_prep_document(kind, *j);
  if (!canonical) {
    const Status& s = canonical.status();
    // An unknown key is shown at the key; anything else at the value.
    const bool key_first = s.message().rfind("unknown key", 0) == 0;
    return Status::bad_input(s.message(), converter.locate(s.where().field, key_first));
  }
  return canonical;
}

Result<json> load_prep_file(model::PrepKind kind, const std::string& path, const PrepLoadOptions& options,
                            Warnings* warnings) {
  auto file = util::MappedFile::open(path);
  if (!file) return file.status();
  const std::string name = path == "-" ? "<stdin>" : path;
  const bool csv = path.size() >= 4 && lower_ascii(path.substr(path.size() - 4)) == ".csv";
  if (csv) {
    if (kind != model::PrepKind::kContactTree)
      return Status::bad_input(
          fmt::format("only the contact tree can be imported from CSV, not '{}' (use YAML or JSON)",
                      model::to_string(kind)),
          Location(name));
    return import_contact_tree_csv(file->data(), name, options, warnings);
  }
  return parse_prep_document(kind, file->data(), name);
}

std::string write_prep_document(model::PrepKind kind, const json& canonical, PrepFormat format) {
  if (format == PrepFormat::kJson) return ordered(canonical, true).dump(2) + "\n";
  std::string out = fmt::format("# kunren {} (preparedness record)\n", model::to_string(kind));
  // Nothing filled in yet (a PoC sheet may be all blank): "{}", or the file would read back as empty.
  if (canonical.is_object() && canonical.empty()) return out + "{}\n";
  emit_map(out, canonical, 0, true);
  return out;
}

Result<json> import_contact_tree_csv(std::string_view bytes, std::string_view filename,
                                     const PrepLoadOptions& options, Warnings* warnings) {
  const std::string file(filename);
  std::string storage;
  auto decoded = decode_text(bytes, options.encoding, filename, storage);
  if (!decoded) return decoded.status();
  CsvReader reader(decoded->text, file);
  std::vector<std::string_view> cells;
  if (!reader.next(cells)) {
    if (!reader.status().is_ok()) return reader.status();
    return Status::bad_input("the CSV file is empty; expected a header row (id, name, phone, …)", Location(file));
  }
  const std::uint64_t header_line = reader.record_line();
  std::vector<std::string> headers;
  std::map<std::string, std::size_t> column_of;  // field → 0-based column
  for (std::size_t c = 0; c < cells.size(); ++c) {
    headers.push_back(trim_cell(cells[c]));
    const char* field = field_of_header(headers.back());
    if (field == nullptr) {
      if (warnings != nullptr && !headers.back().empty())
        warnings->push_back({Location(file, header_line, c + 1, headers.back()),
                             fmt::format("column '{}' is not a contact tree field and is ignored", headers.back())});
      continue;
    }
    if (auto it = column_of.find(field); it != column_of.end())
      return Status::bad_input(fmt::format("columns '{}' and '{}' both give '{}'", headers[it->second], headers.back(),
                                           field),
                               Location(file, header_line, c + 1, headers.back()));
    column_of.emplace(field, c);
  }
  for (const char* required : {"id", "name"}) {
    if (column_of.count(required) == 0)
      return Status::bad_input(fmt::format("the header has no '{}' column (also accepted: {})", required,
                                           fmt::join(csv_columns()[required == std::string_view("id") ? 0 : 1].headers,
                                                     ", ")),
                               Location(file, header_line, 0, required));
  }

  struct RowInfo {
    std::uint64_t line;
    std::vector<std::size_t> channel_columns;  // per channel, the column it came from
  };
  std::vector<RowInfo> rows;
  json entries = json::array();
  while (reader.next(cells)) {
    const std::uint64_t line = reader.record_line();
    auto cell = [&](const char* field) -> std::string {
      auto it = column_of.find(field);
      if (it == column_of.end() || it->second >= cells.size()) return {};
      return trim_cell(cells[it->second]);
    };
    auto where = [&](const char* field) {
      const std::size_t c = column_of.at(field);
      return Location(file, line, c + 1, headers[c]);
    };
    bool all_empty = true;
    for (const auto& c : cells) all_empty = all_empty && trim_cell(c).empty();
    if (all_empty) continue;
    RowInfo info{line, {}};
    json e = json::object();
    for (const char* f : {"id", "name", "function", "organisation", "backup", "last_confirmed", "notes"}) {
      std::string v = cell(f);
      if (!v.empty()) e[f] = std::move(v);
    }
    if (column_of.count("external")) {
      const auto ext = parse_external(cell("external"));
      if (!ext)
        return Status::bad_input(fmt::format("'{}' is not yes or no (use true/false, yes/no, 1/0, ○ or 外部/内部)",
                                             cell("external")),
                                 where("external"));
      if (*ext) e["external"] = true;
    }
    if (column_of.count("escalation")) {
      const std::string v = cell("escalation");
      if (!v.empty()) {
        if (!is_integer_text(v))
          return Status::bad_input(fmt::format("escalation '{}' is not a whole number (1 = reach first)", v),
                                   where("escalation"));
        e["escalation"] = std::stoll(v);
      }
    }
    json channels = json::array();
    for (const char* kind : {"phone", "mobile", "email"}) {
      if (!column_of.count(kind)) continue;
      for (auto& v : split_values(cell(kind))) {
        channels.push_back({{"kind", kind}, {"value", std::move(v)}});
        info.channel_columns.push_back(column_of.at(kind));
      }
    }
    if (channels.empty()) {
      channels.push_back({{"kind", "phone"}});
      info.channel_columns.push_back(column_of.count("phone") ? column_of.at("phone") : column_of.at("id"));
    }
    e["channels"] = std::move(channels);
    entries.push_back(std::move(e));
    rows.push_back(std::move(info));
  }
  if (!reader.status().is_ok()) return reader.status();

  json doc{{"entries", std::move(entries)}, {"stale_after_days", options.stale_after_days}};
  auto canonical = model::canonical_prep_document(model::PrepKind::kContactTree, doc);
  if (canonical) return canonical;
  // Map "entries[i].field" / "entries[i].channels[k].value" to the row and column.
  const Status& s = canonical.status();
  const std::string& field = s.where().field;
  std::size_t index = 0;
  std::string rest;
  if (std::sscanf(field.c_str(), "entries[%zu]", &index) == 1 && index < rows.size()) {
    const auto close = field.find(']');
    rest = close + 1 < field.size() ? field.substr(close + 2) : std::string();
    const RowInfo& row = rows[index];
    std::size_t channel = 0;
    std::optional<std::size_t> column;
    if (std::sscanf(rest.c_str(), "channels[%zu]", &channel) == 1 && channel < row.channel_columns.size()) {
      column = row.channel_columns[channel];
    } else if (auto it = column_of.find(rest.substr(0, rest.find_first_of(".["))); it != column_of.end()) {
      column = it->second;
    }
    if (column) return Status::bad_input(s.message(), Location(file, row.line, *column + 1, headers[*column]));
    return Status::bad_input(s.message(), Location(file, row.line, 0, field));
  }
  return Status::bad_input(s.message(), Location(file, header_line, 0, field));
}

std::string write_contact_tree_csv(const model::ContactTree& tree, std::string_view lang) {
  const bool en = lang == "en";
  std::string out = "\xEF\xBB\xBF";
  const auto& columns = csv_columns();
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (c > 0) out += ',';
    append_csv_field(out, en ? columns[c].headers[0] : columns[c].headers[1]);
  }
  out += "\r\n";
  auto values = [](const model::ContactEntry& e, std::string_view kind) {
    std::string v;
    for (const auto& ch : e.channels)
      if (ch.kind == kind && !ch.value.empty()) v += (v.empty() ? "" : "; ") + ch.value;
    return v;
  };
  for (const auto& e : tree.entries) {
    const std::vector<std::string> cells{e.id,
                                         e.name,
                                         e.function,
                                         e.external ? (en ? "yes" : "外部") : "",
                                         e.organisation,
                                         values(e, "phone"),
                                         values(e, "mobile"),
                                         values(e, "email"),
                                         e.backup,
                                         e.escalation > 0 ? std::to_string(e.escalation) : "",
                                         e.last_confirmed,
                                         e.notes};
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) out += ',';
      append_csv_field(out, cells[c]);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace kunren::io
