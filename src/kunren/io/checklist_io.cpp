#include <kunren/io/checklist_io.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <map>
#include <set>
#include <span>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include <kunren/io/yaml_document.hpp>
#include <kunren/io/text_rules.hpp>
#include <kunren/io/yaml_write.hpp>
#include <kunren/util/file.hpp>
#include <kunren/util/sha256.hpp>

namespace kunren::io {
namespace {

using model::Checklist;
using model::Choice;
using model::Item;
using model::LocalizedText;
using model::Section;

constexpr std::size_t k_max_choices = 255;

constexpr std::array<std::string_view, 5> k_top_keys = {"id", "version", "title", "sections", "items"};
constexpr std::array<std::string_view, 3> k_section_keys = {"id", "category", "title"};
constexpr std::array<std::string_view, 5> k_item_keys = {"id", "section", "text", "help", "choices"};
constexpr std::array<std::string_view, 3> k_choice_keys = {"label", "level", "no"};

// ---------------------------------------------------------------------------
// Validation

std::string join(std::span<const std::string_view> words, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += sep;
    out += words[i];
  }
  return out;
}

std::string path_join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

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

class Validator {
 public:
  Validator(const YamlDocument& doc, const ChecklistLoadOptions& options)
      : m_doc(doc), m_json(doc.json()), m_options(options) {}

  std::vector<Status>& problems() { return m_problems; }

  Location locate(const YAML::Mark& mark, std::string field = {}) const { return m_doc.locate(mark, std::move(field)); }

  void problem(const YAML::Mark& mark, std::string field, std::string message) {
    m_problems.push_back(Status::bad_input(std::move(message), locate(mark, std::move(field))));
  }
  void problem(const YAML::Node& at, std::string field, std::string message) {
    problem(at.Mark(), std::move(field), std::move(message));
  }

  std::uint64_t line_of(const YAML::Node& n) const { return locate(n.Mark()).line; }

  // Where to report a problem with a key's value: yaml-cpp marks an empty
  // (null) value at the token after it, often on the next line, so use the key.
  static YAML::Mark at(const Field& f) { return f.value.IsNull() ? f.key.Mark() : f.value.Mark(); }

  std::optional<Checklist> checklist(const YAML::Node& root);

 private:
  std::string_view mapping_word() const { return m_json ? "an object" : "a mapping"; }
  std::string_view sequence_word() const { return m_json ? "an array" : "a sequence"; }

  // "a mapping", "a sequence", "a number", "null", "a string"…
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

  Fields fields(const YAML::Node& map, std::string_view what, const std::string& path,
                std::span<const std::string_view> allowed);
  const Field* require(const Fields& f, const YAML::Node& map, std::string_view key, std::string_view what,
                       const std::string& path);
  // The value of `f`, which must be a non-blank string (in JSON: quoted).
  std::optional<std::string> string_of(const Field& f, std::string_view what, const std::string& path,
                                       bool number_ok = false);
  std::optional<LocalizedText> text_of(const Field& f, std::string_view what, const std::string& path);
  void check_id(const YAML::Node& n, const std::string& id, std::string_view thing, const std::string& path);
  // A non-empty scalar "id" value, to name the thing in messages before it is validated.
  static std::optional<std::string> raw_id(const YAML::Node& map);

  void sections(const Field& f, Checklist& c);
  void items(const Field& f, Checklist& c);
  void choices(const Field& f, const std::string& item_what, const std::string& item_path, Item& item);

  const YamlDocument& m_doc;
  bool m_json;
  const ChecklistLoadOptions& m_options;
  std::vector<Status> m_problems;

  bool m_have_sections = false;
  std::map<std::string, YAML::Node, std::less<>> m_section_ids;
  std::vector<std::string_view> m_section_order;
};

Fields Validator::fields(const YAML::Node& map, std::string_view what, const std::string& path,
                         std::span<const std::string_view> allowed) {
  Fields out;
  // yaml-cpp iterators hand out temporaries: copy the nodes (cheap handles).
  for (const auto& pair : map) {
    const YAML::Node key = pair.first;
    if (!key.IsScalar()) {
      problem(key, path, fmt::format("keys in {} must be strings, found {}", what, kind(key)));
      continue;
    }
    const std::string& name = key.Scalar();
    if (const Field* first = out.get(name)) {
      problem(key, path_join(path, name),
              fmt::format("duplicate key '{}' in {} (first at line {})", name, what, line_of(first->key)));
      continue;
    }
    out.list.emplace_back(name, Field{key, pair.second});
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    std::string hint;
    std::size_t best = 3;
    for (std::string_view a : allowed) {
      std::size_t d = edit_distance(name, a);
      if (d < best && d < std::max(a.size(), name.size())) {
        best = d;
        hint = fmt::format(" (did you mean '{}'?)", a);
      }
    }
    problem(key, path_join(path, name),
            fmt::format("unknown key '{}' in {}{}; allowed keys: {}", name, what, hint, join(allowed, ", ")));
  }
  return out;
}

const Field* Validator::require(const Fields& f, const YAML::Node& map, std::string_view key, std::string_view what,
                                const std::string& path) {
  const Field* field = f.get(key);
  if (field == nullptr) problem(map, path_join(path, key), fmt::format("missing required key '{}' in {}", key, what));
  return field;
}

std::optional<std::string> Validator::string_of(const Field& f, std::string_view what, const std::string& path,
                                                bool number_ok) {
  const YAML::Node& n = f.value;
  if (n.IsNull()) {
    problem(at(f), path, fmt::format("{} is empty", what));
    return std::nullopt;
  }
  if (!n.IsScalar()) {
    problem(n, path, fmt::format("{}: expected a string, found {}", what, kind(n)));
    return std::nullopt;
  }
  if (m_json && n.Tag() != "!") {
    const bool is_bool = n.Scalar() == "true" || n.Scalar() == "false";
    if (!number_ok || is_bool) {
      problem(n, path, fmt::format("{}: expected a string, found {} ({})", what, kind(n), n.Scalar()));
      return std::nullopt;
    }
  }
  if (is_blank(n.Scalar())) {
    problem(n, path, fmt::format("{} is empty", what));
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<LocalizedText> Validator::text_of(const Field& f, std::string_view what, const std::string& path) {
  const YAML::Node& n = f.value;
  std::optional<LocalizedText> text;
  if (n.IsMap()) {
    LocalizedText t;
    std::map<std::string, YAML::Node, std::less<>> seen;
    bool ok = true;
    for (const auto& pair : n) {
      const YAML::Node key = pair.first;
      if (!key.IsScalar() || is_blank(key.Scalar())) {
        problem(key, path,
                key.IsScalar() || key.IsNull()
                    ? fmt::format("{}: empty language key", what)
                    : fmt::format("{}: language keys must be strings, found {}", what, kind(key)));
        ok = false;
        continue;
      }
      const std::string& lang = key.Scalar();
      std::string lang_path = path_join(path, lang);
      if (auto first = seen.find(lang); first != seen.end()) {
        problem(key, lang_path,
                fmt::format("duplicate key '{}' in {} (first at line {})", lang, what, line_of(first->second)));
        ok = false;
        continue;
      }
      seen.emplace(lang, key);
      const YAML::Node value = pair.second;
      if (!value.IsScalar() && !value.IsNull()) {
        problem(value, lang_path, fmt::format("{}: the '{}' text must be a string, found {}", what, lang, kind(value)));
        ok = false;
        continue;
      }
      auto s = string_of(Field{key, value}, fmt::format("{} '{}'", what, lang), lang_path);
      if (!s) {
        ok = false;
        continue;
      }
      t.set(lang, std::move(*s));
    }
    if (seen.empty() && ok) {
      problem(n, path, fmt::format("{} is empty", what));
      ok = false;
    }
    if (ok) text = std::move(t);
  } else if (n.IsSequence()) {
    problem(n, path,
            fmt::format("{}: expected a string or a {{language: text}} {}, found {}", what,
                        m_json ? "object" : "mapping", kind(n)));
  } else if (auto s = string_of(f, what, path)) {
    text = LocalizedText(std::move(*s));
  }
  if (text && !m_options.require_langs.empty()) {
    // LocalizedText::has() counts a plain string as every language, which is
    // right for display but not for a file that claims translations.
    if (text->is_plain()) {
      std::vector<std::string_view> langs(m_options.require_langs.begin(), m_options.require_langs.end());
      problem(
          at(f), path,
          fmt::format("{}: a plain string has no language variants; --require-lang needs {}", what, join(langs, ", ")));
    } else {
      for (const auto& lang : m_options.require_langs) {
        if (!text->has(lang)) problem(at(f), path, fmt::format("missing language '{}' in {}", lang, what));
      }
    }
  }
  return text;
}

void Validator::check_id(const YAML::Node& n, const std::string& id, std::string_view thing, const std::string& path) {
  if (!is_id(id)) {
    problem(n, path, fmt::format("bad {} id '{}'; ids may contain only letters, digits, '.', '_' and '-'", thing, id));
  }
}

std::optional<std::string> Validator::raw_id(const YAML::Node& map) {
  for (const auto& pair : map) {
    if (pair.first.IsScalar() && pair.first.Scalar() == "id") {
      if (pair.second.IsScalar() && !is_blank(pair.second.Scalar())) return pair.second.Scalar();
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<Checklist> Validator::checklist(const YAML::Node& root) {
  if (root.IsNull()) {
    problem(root, "", "the checklist is empty (a null document)");
    return std::nullopt;
  }
  if (!root.IsMap()) {
    problem(root, "", fmt::format("a checklist must be {}, found {}", mapping_word(), kind(root)));
    return std::nullopt;
  }
  const std::string what = "the checklist";
  Fields f = fields(root, what, "", k_top_keys);
  Checklist c;
  if (const Field* id = require(f, root, "id", what, "")) {
    if (auto s = string_of(*id, "checklist id", "id")) {
      check_id(id->value, *s, "checklist", "id");
      c.id = std::move(*s);
    }
  }
  if (const Field* version = require(f, root, "version", what, "")) {
    if (auto s = string_of(*version, "checklist version", "version", /*number_ok=*/true)) {
      c.version = std::move(*s);
    }
  }
  if (const Field* title = require(f, root, "title", what, "")) {
    if (auto t = text_of(*title, "checklist title", "title")) c.title = std::move(*t);
  }
  if (const Field* s = require(f, root, "sections", what, "")) sections(*s, c);
  if (const Field* i = require(f, root, "items", what, "")) items(*i, c);
  return c;
}

void Validator::sections(const Field& field, Checklist& c) {
  const YAML::Node& n = field.value;
  if (n.IsNull() || (n.IsSequence() && n.size() == 0)) {
    problem(at(field), "sections", "the checklist has no sections");
    return;
  }
  if (!n.IsSequence()) {
    problem(n, "sections", fmt::format("sections: expected {}, found {}", sequence_word(), kind(n)));
    return;
  }
  m_have_sections = true;
  std::size_t index = 0;
  for (const auto& node : n) {
    ++index;
    auto raw = node.IsMap() ? raw_id(node) : std::nullopt;
    const std::string what = raw ? fmt::format("section {}", *raw) : fmt::format("section #{}", index);
    const std::string path = fmt::format("sections[{}]", raw ? *raw : fmt::format("#{}", index));
    if (!node.IsMap()) {
      problem(node, path, fmt::format("{}: expected {}, found {}", what, mapping_word(), kind(node)));
      continue;
    }
    Fields f = fields(node, what, path, k_section_keys);
    Section section;
    if (const Field* id = require(f, node, "id", what, path)) {
      if (auto s = string_of(*id, fmt::format("{} id", what), path_join(path, "id"))) {
        check_id(id->value, *s, "section", path_join(path, "id"));
        auto [first, inserted] = m_section_ids.emplace(*s, id->value);
        if (inserted) {
          m_section_order.push_back(first->first);
        } else {
          problem(id->value, path_join(path, "id"),
                  fmt::format("duplicate section id '{}' (first at line {})", *s, line_of(first->second)));
        }
        section.id = std::move(*s);
      }
    }
    if (const Field* cat = require(f, node, "category", what, path)) {
      const std::string cat_path = path_join(path, "category");
      if (auto s = string_of(*cat, fmt::format("{} category", what), cat_path)) {
        if (auto parsed = model::parse_category(*s)) {
          section.category = *parsed;
        } else {
          problem(cat->value, cat_path,
                  fmt::format("{}: bad category '{}'; expected implementation or overall", what, *s));
        }
      }
    }
    if (const Field* title = require(f, node, "title", what, path)) {
      if (auto t = text_of(*title, fmt::format("{} title", what), path_join(path, "title"))) {
        section.title = std::move(*t);
      }
    }
    c.sections.push_back(std::move(section));
  }
}

void Validator::items(const Field& field, Checklist& c) {
  const YAML::Node& n = field.value;
  if (n.IsNull() || (n.IsSequence() && n.size() == 0)) {
    problem(at(field), "items", "the checklist has no items");
    return;
  }
  if (!n.IsSequence()) {
    problem(n, "items", fmt::format("items: expected {}, found {}", sequence_word(), kind(n)));
    return;
  }
  std::map<std::string, YAML::Node, std::less<>> item_ids;
  std::size_t index = 0;
  for (const auto& node : n) {
    ++index;
    auto raw = node.IsMap() ? raw_id(node) : std::nullopt;
    const std::string what = raw ? fmt::format("item {}", *raw) : fmt::format("item #{}", index);
    const std::string path = fmt::format("items[{}]", raw ? *raw : fmt::format("#{}", index));
    if (!node.IsMap()) {
      problem(node, path, fmt::format("{}: expected {}, found {}", what, mapping_word(), kind(node)));
      continue;
    }
    Fields f = fields(node, what, path, k_item_keys);
    Item item;
    if (const Field* id = require(f, node, "id", what, path)) {
      if (auto s = string_of(*id, fmt::format("{} id", what), path_join(path, "id"))) {
        check_id(id->value, *s, "item", path_join(path, "id"));
        auto [first, inserted] = item_ids.emplace(*s, id->value);
        if (!inserted) {
          problem(id->value, path_join(path, "id"),
                  fmt::format("duplicate item id '{}' (first at line {})", *s, line_of(first->second)));
        }
        item.id = std::move(*s);
      }
    }
    if (const Field* sec = require(f, node, "section", what, path)) {
      const std::string sec_path = path_join(path, "section");
      if (auto s = string_of(*sec, fmt::format("{} section", what), sec_path)) {
        if (m_have_sections && m_section_ids.find(*s) == m_section_ids.end()) {
          problem(sec->value, sec_path,
                  fmt::format("{}: unknown section '{}'; sections are: {}", what, *s, join(m_section_order, ", ")));
        }
        item.section = std::move(*s);
      }
    }
    if (const Field* text = require(f, node, "text", what, path)) {
      if (auto t = text_of(*text, fmt::format("{} text", what), path_join(path, "text"))) {
        item.text = std::move(*t);
      }
    }
    if (const Field* help = f.get("help")) {
      if (auto t = text_of(*help, fmt::format("{} help", what), path_join(path, "help"))) {
        item.help = std::move(*t);
      }
    }
    if (const Field* ch = f.get("choices")) {
      choices(*ch, what, path, item);
    } else {
      problem(node, path_join(path, "choices"), fmt::format("{} has no choices", what));
    }
    c.items.push_back(std::move(item));
  }
}

void Validator::choices(const Field& field, const std::string& item_what, const std::string& item_path, Item& item) {
  const YAML::Node& n = field.value;
  const std::string path = path_join(item_path, "choices");
  if (n.IsNull() || (n.IsSequence() && n.size() == 0)) {
    problem(at(field), path, fmt::format("{} has no choices", item_what));
    return;
  }
  if (!n.IsSequence()) {
    problem(n, path, fmt::format("{} choices: expected {}, found {}", item_what, sequence_word(), kind(n)));
    return;
  }
  if (n.size() > k_max_choices) {
    problem(n, path, fmt::format("{} has {} choices; at most {} are allowed", item_what, n.size(), k_max_choices));
  }
  int no = 0;
  for (const auto& node : n) {
    ++no;
    const std::string what = fmt::format("{} choice {}", item_what, no);
    const std::string choice_path = fmt::format("{}[{}]", path, no);
    if (!node.IsMap()) {
      problem(node, choice_path, fmt::format("{}: expected {}, found {}", what, mapping_word(), kind(node)));
      continue;
    }
    Fields f = fields(node, what, choice_path, k_choice_keys);
    Choice choice;
    choice.no = no;
    if (const Field* given = f.get("no")) {
      const YAML::Node& v = given->value;
      const std::string no_path = path_join(choice_path, "no");
      if (!v.IsScalar() || v.Scalar().empty() || v.Scalar().size() > 9 ||
          v.Scalar().find_first_not_of("0123456789") != std::string::npos) {
        problem(
            at(*given), no_path,
            fmt::format("{}: no: {} is not a choice number", what, v.IsScalar() ? "'" + v.Scalar() + "'" : kind(v)));
      } else if (std::stol(v.Scalar()) != no) {
        problem(v, no_path, fmt::format("{}: choice no: {} out of order; expected {}", item_what, v.Scalar(), no));
      }
    }
    if (const Field* label = require(f, node, "label", what, choice_path)) {
      if (auto t = text_of(*label, fmt::format("{} label", what), path_join(choice_path, "label"))) {
        choice.label = std::move(*t);
      }
    }
    if (const Field* level = require(f, node, "level", what, choice_path)) {
      const std::string level_path = path_join(choice_path, "level");
      if (auto s = string_of(*level, fmt::format("{} level", what), level_path)) {
        if (auto parsed = model::parse_level(*s)) {
          choice.level = *parsed;
        } else {
          problem(level->value, level_path,
                  fmt::format("{}: bad level '{}'; expected good, partial, poor or na", what, *s));
        }
      }
    }
    if (item.choices.size() < k_max_choices) item.choices.push_back(std::move(choice));
  }
}

// ---------------------------------------------------------------------------
// Writing

using yaml::double_quoted;
using yaml::plain_safe;
std::string yaml_scalar(std::string_view s) { return yaml::scalar(s); }
std::string yaml_text(const LocalizedText& t, const std::optional<std::string>& lang) { return yaml::flow_text(t, lang); }

std::string write_yaml(const Checklist& c, const std::optional<std::string>& lang) {
  std::string out;
  out += fmt::format("id: {}\n", yaml_scalar(c.id));
  out += fmt::format("version: {}\n", double_quoted(c.version));
  out += fmt::format("title: {}\n", yaml_text(c.title, lang));
  out += "sections:\n";
  for (const auto& s : c.sections) {
    out += fmt::format("  - id: {}\n", yaml_scalar(s.id));
    out += fmt::format("    category: {}\n", model::to_string(s.category));
    out += fmt::format("    title: {}\n", yaml_text(s.title, lang));
  }
  out += "items:\n";
  for (const auto& item : c.items) {
    out += fmt::format("  - id: {}\n", yaml_scalar(item.id));
    out += fmt::format("    section: {}\n", yaml_scalar(item.section));
    out += fmt::format("    text: {}\n", yaml_text(item.text, lang));
    if (!item.help.empty()) out += fmt::format("    help: {}\n", yaml_text(item.help, lang));
    out += "    choices:\n";
    for (const auto& choice : item.choices) {
      out += fmt::format("      - {{label: {}, level: {}}}\n", yaml_text(choice.label, lang),
                         model::to_string(choice.level));
    }
  }
  return out;
}

nlohmann::ordered_json json_text(const LocalizedText& t, const std::optional<std::string>& lang) {
  if (lang) return t.text(*lang);
  if (t.is_plain()) return t.variants().front().second;
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [l, text] : t.variants()) out[l] = text;
  return out;
}

std::string write_json(const Checklist& c, const std::optional<std::string>& lang) {
  using json = nlohmann::ordered_json;
  json out = json::object();
  out["id"] = c.id;
  out["version"] = c.version;
  out["title"] = json_text(c.title, lang);
  json sections = json::array();
  for (const auto& s : c.sections) {
    json js = json::object();
    js["id"] = s.id;
    js["category"] = model::to_string(s.category);
    js["title"] = json_text(s.title, lang);
    sections.push_back(std::move(js));
  }
  out["sections"] = std::move(sections);
  json items = json::array();
  for (const auto& item : c.items) {
    json ji = json::object();
    ji["id"] = item.id;
    ji["section"] = item.section;
    ji["text"] = json_text(item.text, lang);
    if (!item.help.empty()) ji["help"] = json_text(item.help, lang);
    json choices = json::array();
    for (const auto& choice : item.choices) {
      json jc = json::object();
      jc["label"] = json_text(choice.label, lang);
      jc["level"] = model::to_string(choice.level);
      choices.push_back(std::move(jc));
    }
    ji["choices"] = std::move(choices);
    items.push_back(std::move(ji));
  }
  out["items"] = std::move(items);
  // Invalid UTF-8 can only come from a checklist built in code; replace it
  // rather than throw.
  std::string text = out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  // nlohmann writes DEL as is, but the reader rejects it (yaml-cpp drops it).
  // It can only occur inside strings, where "\u007f" means the same.
  for (std::size_t at = text.find('\x7F'); at != std::string::npos; at = text.find('\x7F', at)) {
    text.replace(at, 1, "\\u007f");
  }
  return text + "\n";
}

Result<Checklist> finish(std::vector<Status> found, std::optional<Checklist> checklist, std::vector<Status>* problems) {
  std::stable_sort(found.begin(), found.end(), [](const Status& a, const Status& b) {
    auto key = [](const Status& s) {
      // Problems without a position sort last.
      return std::pair(s.where().line == 0 ? UINT64_MAX : s.where().line, s.where().column);
    };
    return key(a) < key(b);
  });
  if (found.empty() && !checklist) found.push_back(Status::internal("checklist parser returned nothing"));
  if (!found.empty()) {
    Status first = found.front();
    if (problems != nullptr) *problems = std::move(found);
    return first;
  }
  if (problems != nullptr) problems->clear();
  checklist->reindex();
  return std::move(*checklist);
}

}  // namespace

Result<model::Checklist> parse_checklist(std::string_view text, std::string_view filename,
                                         const ChecklistLoadOptions& options, std::vector<Status>* problems) {
  std::vector<Status> found;
  YamlDocumentOptions doc_options;
  doc_options.what = "checklist";
  doc_options.max_bytes = k_max_checklist_bytes;
  doc_options.trusted = options.trusted;
  auto doc = parse_yaml_document(text, filename, doc_options, &found);
  if (!doc) return finish({doc.status()}, std::nullopt, problems);

  Validator validator(*doc, options);
  std::optional<Checklist> checklist;
  try {
    checklist = validator.checklist(doc->root());
  } catch (const YAML::Exception& e) {
    // Not expected from reading nodes; never let it escape.
    validator.problem(e.mark, "", fmt::format("cannot read the checklist: {}", e.msg));
  }
  auto& more = validator.problems();
  found.insert(found.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  return finish(std::move(found), std::move(checklist), problems);
}

Result<model::Checklist> load_checklist_file(const std::string& path, const ChecklistLoadOptions& options,
                                             std::vector<Status>* problems) {
  auto file = util::MappedFile::open(path);
  if (!file) {
    if (problems != nullptr) *problems = {file.status()};
    return file.status();
  }
  return parse_checklist(file->data(), path == "-" ? "<stdin>" : path, options, problems);
}

std::string write_checklist(const model::Checklist& c, ChecklistFormat format, std::optional<std::string> lang) {
  return format == ChecklistFormat::kJson ? write_json(c, lang) : write_yaml(c, lang);
}

std::string checklist_content_hash(const model::Checklist& c) {
  return util::sha256_hex(write_checklist(c, ChecklistFormat::kJson));
}

}  // namespace kunren::io
