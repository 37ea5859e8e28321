#include <kunren/web/i18n.hpp>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <kunren/io/embedded.hpp>

namespace kunren::web {

namespace {

constexpr std::string_view k_prefix = "web/i18n/";

struct Loaded {
  Status status = Status::ok();
  nlohmann::json ja = nlohmann::json::object();
  nlohmann::json en = nlohmann::json::object();
};

Status merge(const YAML::Node& node, const std::string& file, const std::string& key, nlohmann::json& ja,
             nlohmann::json& en) {
  if (!node.IsMap()) {
    return Status::bad_input(fmt::format("'{}' must be a mapping or {{ja, en}}", key), Location(file, node.Mark().line + 1, 0, key));
  }
  const bool leaf = node["ja"] || node["en"];
  if (leaf) {
    for (const char* lang : {"ja", "en"}) {
      const YAML::Node v = node[lang];
      if (!v || !v.IsScalar() || v.Scalar().empty()) {
        return Status::bad_input(fmt::format("'{}' has no '{}' text", key, lang),
                                 Location(file, node.Mark().line + 1, 0, key + "." + lang));
      }
    }
    if (node.size() != 2) {
      return Status::bad_input(fmt::format("'{}' must have exactly 'ja' and 'en'", key), Location(file, node.Mark().line + 1, 0, key));
    }
    ja = node["ja"].Scalar();
    en = node["en"].Scalar();
    return Status::ok();
  }
  for (const auto& kv : node) {
    const std::string name = kv.first.Scalar();
    const std::string sub = key.empty() ? name : key + "." + name;
    if (ja.contains(name) && !kv.second.IsMap()) {
      return Status::bad_input(fmt::format("'{}' is defined twice", sub), Location(file, kv.first.Mark().line + 1, 0, sub));
    }
    if (ja.contains(name) && ja[name].is_string()) {
      return Status::bad_input(fmt::format("'{}' is defined twice", sub), Location(file, kv.first.Mark().line + 1, 0, sub));
    }
    nlohmann::json& ja_sub = ja[name];
    nlohmann::json& en_sub = en[name];
    if (ja_sub.is_null()) ja_sub = nlohmann::json::object();
    if (en_sub.is_null()) en_sub = nlohmann::json::object();
    const bool child_leaf = kv.second.IsMap() && (kv.second["ja"] || kv.second["en"]);
    if (child_leaf && !ja_sub.empty()) {
      return Status::bad_input(fmt::format("'{}' is defined twice", sub), Location(file, kv.first.Mark().line + 1, 0, sub));
    }
    KUNREN_RETURN_IF_ERROR(merge(kv.second, file, sub, ja_sub, en_sub));
  }
  return Status::ok();
}

const Loaded& loaded() {
  static const Loaded k_loaded = [] {
    Loaded out;
    for (const auto& [path, bytes] : io::embedded_files()) {
      if (path.substr(0, k_prefix.size()) != k_prefix) continue;
      const std::string file(path);
      try {
        YAML::Node root = YAML::Load(std::string(bytes));
        if (!root.IsMap()) {
          out.status = Status::bad_input("the file must be a mapping", Location{file, 1, 0, {}});
          return out;
        }
        Status s = merge(root, file, "", out.ja, out.en);
        if (!s.is_ok()) {
          out.status = s;
          return out;
        }
      } catch (const YAML::Exception& e) {
        out.status = Status::bad_input(e.msg, Location{file, static_cast<std::size_t>(e.mark.line + 1), 0, {}});
        return out;
      }
    }
    return out;
  }();
  return k_loaded;
}

}  // namespace

std::string normalize_lang(std::string_view lang) { return lang.substr(0, 2) == "en" ? "en" : "ja"; }

const nlohmann::json& strings(std::string_view lang) {
  static const nlohmann::json k_empty = nlohmann::json::object();
  const Loaded& l = loaded();
  if (!l.status.is_ok()) return k_empty;
  return normalize_lang(lang) == "en" ? l.en : l.ja;
}

std::string text(std::string_view lang, std::string_view dotted_key) {
  const nlohmann::json* node = &strings(lang);
  std::size_t start = 0;
  while (start <= dotted_key.size()) {
    std::size_t dot = dotted_key.find('.', start);
    if (dot == std::string_view::npos) dot = dotted_key.size();
    const std::string part(dotted_key.substr(start, dot - start));
    if (!node->is_object() || !node->contains(part)) return std::string(dotted_key);
    node = &(*node)[part];
    start = dot + 1;
  }
  return node->is_string() ? node->get<std::string>() : std::string(dotted_key);
}

Status check_strings() { return loaded().status; }

}  // namespace kunren::web
