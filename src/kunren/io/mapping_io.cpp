#include <kunren/io/mapping_io.hpp>

#include <charconv>
#include <set>

#include <fmt/format.h>

#include <kunren/io/yaml_document.hpp>
#include <kunren/util/file.hpp>

namespace kunren::io {

namespace {

class Reader {
 public:
  explicit Reader(const YamlDocument& doc) : m_doc(doc) {}

  Status error(const YAML::Node& at, const std::string& field, const std::string& message) const {
    return Status::bad_input(message, m_doc.locate(at.Mark(), field));
  }

  // The keys of a mapping, each checked against `allowed` and for repeats.
  Status keys(const YAML::Node& map, const std::string& what, std::initializer_list<std::string_view> allowed) const {
    if (!map.IsMap()) return error(map, what, fmt::format("{} must be a mapping", what));
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar()) return error(it->first, what, fmt::format("{}: keys must be text", what));
      const std::string key = it->first.Scalar();
      bool ok = false;
      for (auto a : allowed) ok = ok || a == key;
      if (!ok) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return error(it->first, what + "." + key,
                     fmt::format("unknown key '{}' in {}; allowed keys: {}", key, what, list));
      }
      if (!seen.insert(key).second) return error(it->first, what + "." + key, fmt::format("'{}' given twice", key));
    }
    return Status::ok();
  }

  Result<std::string> text(const YAML::Node& map, const std::string& key, const std::string& what) const {
    const YAML::Node n = map[key];
    if (!n) return error(map, what, fmt::format("{}: '{}' is missing", what, key));
    if (!n.IsScalar() || n.Scalar().empty()) {
      return error(n.IsNull() ? map : n, what + "." + key, fmt::format("{}.{} must be non-empty text", what, key));
    }
    return n.Scalar();
  }

  Result<model::ChecklistMapping> read(const YAML::Node& root) const {
    if (!root || root.IsNull()) return Status::bad_input("the file is empty; expected a mapping file", m_doc.locate({}));
    KUNREN_RETURN_IF_ERROR(keys(root, "mapping", {"format", "from", "to", "items"}));
    model::ChecklistMapping m;
    auto format = text(root, "format", "mapping");
    if (!format) return format.status();
    if (*format != "kunren.mapping/1") {
      return error(root["format"], "format", fmt::format("unknown format '{}'; expected kunren.mapping/1", *format));
    }
    for (const char* side : {"from", "to"}) {
      const YAML::Node s = root[side];
      if (!s) return error(root, side, fmt::format("mapping: '{}' is missing", side));
      KUNREN_RETURN_IF_ERROR(keys(s, side, {"checklist", "version"}));
      auto id = text(s, "checklist", side);
      if (!id) return id.status();
      auto version = text(s, "version", side);
      if (!version) return version.status();
      (std::string_view(side) == "from" ? m.from_checklist : m.to_checklist) = *id;
      (std::string_view(side) == "from" ? m.from_version : m.to_version) = *version;
    }
    const YAML::Node items = root["items"];
    if (!items) return error(root, "items", "mapping: 'items' is missing");
    if (!items.IsSequence()) return error(items, "items", "items must be a sequence");
    for (std::size_t i = 0; i < items.size(); ++i) {
      const YAML::Node e = items[i];
      const std::string what = fmt::format("items[{}]", i);
      KUNREN_RETURN_IF_ERROR(keys(e, what, {"from", "to", "choices"}));
      model::ItemMapping im;
      const Location where = m_doc.locate(e.Mark());
      im.line = where.line;
      im.column = where.column;
      auto from = text(e, "from", what);
      if (!from) return from.status();
      im.from = *from;
      const YAML::Node to = e["to"];
      if (!to) return error(e, what, fmt::format("{}: 'to' is missing (null when the item was dropped)", what));
      if (!to.IsNull()) {
        auto t = text(e, "to", what);
        if (!t) return t.status();
        im.to = *t;
      }
      if (const YAML::Node ch = e["choices"]) {
        if (!ch.IsMap()) return error(ch, what + ".choices", "choices must be a mapping of choice numbers");
        for (auto it = ch.begin(); it != ch.end(); ++it) {
          auto number = [&](const YAML::Node& n, bool allow_null) -> Result<int> {
            if (allow_null && n.IsNull()) return 0;
            int v = 0;
            const std::string s = n.IsScalar() ? n.Scalar() : std::string();
            auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < 1 || v > 255) {
              return error(n, what + ".choices", fmt::format("{}.choices: '{}' is not a choice number (1–255)", what, s));
            }
            return v;
          };
          auto s = number(it->first, false);
          if (!s) return s.status();
          auto d = number(it->second, true);
          if (!d) return d.status();
          if (!im.choices.emplace(*s, *d).second) {
            return error(it->first, what + ".choices", fmt::format("{}.choices: choice {} given twice", what, *s));
          }
        }
        if (!im.to && !im.choices.empty()) {
          return error(ch, what + ".choices", fmt::format("{}: a dropped item (to: null) has no choices", what));
        }
      }
      m.items.push_back(std::move(im));
    }
    return m;
  }

 private:
  const YamlDocument& m_doc;
};

}  // namespace

Result<model::ChecklistMapping> parse_mapping(std::string_view text, std::string_view filename) {
  YamlDocumentOptions options;
  options.what = "mapping file";
  options.max_bytes = std::size_t{8} << 20;
  auto doc = parse_yaml_document(text, filename, options);
  if (!doc) return doc.status();
  try {
    auto m = Reader(*doc).read(doc->root());
    if (m) m->source = std::string(filename);
    return m;
  } catch (const YAML::Exception& e) {
    return Status::bad_input(e.msg, doc->locate(e.mark));
  }
}

Result<model::ChecklistMapping> load_mapping_file(const std::string& path) {
  auto file = util::MappedFile::open(path);
  if (!file) return file.status();
  return parse_mapping(file->data(), path == "-" ? "<stdin>" : path);
}

Status check_mapping(const model::ChecklistMapping& m, const model::Checklist& from, const model::Checklist& to) {
  auto at = [&](const model::ItemMapping& im, const std::string& field) {
    return Location{m.source, im.line, im.column, field};
  };
  if (m.from_checklist != from.id || m.from_version != from.version) {
    return Status::bad_input(fmt::format("the mapping is from {} version {}, but the answers are to {} version {}",
                                         m.from_checklist, m.from_version, from.id, from.version),
                             Location{m.source, 0, 0, "from"});
  }
  if (m.to_checklist != to.id || m.to_version != to.version) {
    return Status::bad_input(fmt::format("the mapping is to {} version {}, but the comparison is in {} version {}",
                                         m.to_checklist, m.to_version, to.id, to.version),
                             Location{m.source, 0, 0, "to"});
  }
  std::set<std::string> sources;
  std::set<std::size_t> targets;
  auto same_levels = [](const model::Item& a, const model::Item& b) {
    if (a.choices.size() != b.choices.size()) return false;
    for (std::size_t i = 0; i < a.choices.size(); ++i) {
      if (a.choices[i].level != b.choices[i].level) return false;
    }
    return true;
  };
  for (const auto& im : m.items) {
    const auto f = from.find_item(im.from);
    if (!f) {
      return Status::bad_input(fmt::format("item '{}' is not in {} version {}", im.from, from.id, from.version),
                               at(im, "from"));
    }
    if (!sources.insert(im.from).second) {
      return Status::bad_input(fmt::format("item '{}' is mapped twice", im.from), at(im, "from"));
    }
    if (!im.to) continue;
    const auto t = to.find_item(*im.to);
    if (!t) {
      return Status::bad_input(fmt::format("item '{}' is not in {} version {}", *im.to, to.id, to.version),
                               at(im, "to"));
    }
    if (!targets.insert(*t).second) {
      return Status::bad_input(fmt::format("item '{}' of version {} is the target of two items", *im.to, to.version),
                               at(im, "to"));
    }
    const model::Item& a = from.items[*f];
    const model::Item& b = to.items[*t];
    if (im.choices.empty()) {
      if (!same_levels(a, b)) {
        return Status::bad_input(fmt::format("{} → {}: the choices differ in number or levels; give 'choices'", a.id,
                                             b.id),
                                 at(im, "choices"));
      }
      continue;
    }
    for (std::size_t c = 1; c <= a.choices.size(); ++c) {
      if (!im.choices.count(static_cast<int>(c))) {
        return Status::bad_input(fmt::format("{} → {}: choice {} of {} is not mapped (map it, or to null)", a.id, b.id,
                                             c, a.id),
                                 at(im, "choices"));
      }
    }
    for (const auto& [s, d] : im.choices) {
      if (static_cast<std::size_t>(s) > a.choices.size()) {
        return Status::bad_input(fmt::format("{} has no choice {} (it has {})", a.id, s, a.choices.size()),
                                 at(im, "choices"));
      }
      if (static_cast<std::size_t>(d) > b.choices.size()) {
        return Status::bad_input(fmt::format("{} has no choice {} (it has {})", b.id, d, b.choices.size()),
                                 at(im, "choices"));
      }
    }
  }
  // Items not listed map to the same id: check those too.
  for (const auto& item : from.items) {
    if (sources.count(item.id)) continue;
    const auto t = to.find_item(item.id);
    if (!t) continue;
    if (!targets.insert(*t).second) {
      return Status::bad_input(fmt::format("item '{}' of version {} is the target of another item and of itself; map "
                                           "'{}' explicitly",
                                           item.id, to.version, item.id),
                               Location{m.source, 0, 0, "items"});
    }
    if (!same_levels(item, to.items[*t])) {
      return Status::bad_input(fmt::format("item '{}' is not listed and its choices differ between versions {} and {}; "
                                           "list it with 'choices'",
                                           item.id, from.version, to.version),
                               Location{m.source, 0, 0, "items"});
    }
  }
  return Status::ok();
}

}  // namespace kunren::io
