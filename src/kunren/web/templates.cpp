#include <kunren/web/templates.hpp>

#include <cctype>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>
#include <kainjow/mustache.hpp>

#include <kunren/web/assets.hpp>
#include <kunren/web/i18n.hpp>

namespace kunren::web {

namespace mstch = kainjow::mustache;

namespace {

// --- partials, expanded once ---------------------------------------------------

constexpr std::string_view k_partials = "partials/";
constexpr int k_max_partial_depth = 8;

// As kainjow trims a tag's contents.
std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

using PartialLookup = std::function<std::optional<std::string>(std::string_view)>;

// `text` (of template `name`) with every {{> partial}} replaced by the
// partial's own text, expanded in turn. Tags are found as kainjow finds
// them (from each "{{" to the next "}}", or "}}}" after "{{{"), so a tag
// inside another tag's text is never taken for a partial. kainjow renders a
// partial in its caller's context and line, so the expanded text renders
// exactly as the partial did. `chain` holds the partials being expanded
// (cycle check). Throws std::runtime_error naming the template.
std::string expand(std::string_view name, std::string_view text, const PartialLookup& lookup,
                   std::vector<std::string>& chain) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const bool triple = text.compare(open, 3, "{{{") == 0;
    const std::size_t content = open + (triple ? 3 : 2);
    const std::size_t close = text.find(triple ? "}}}" : "}}", content);
    if (close == std::string_view::npos) break;  // unclosed: kainjow reports it when parsing
    const std::size_t end = close + (triple ? 3 : 2);
    const std::string_view tag = trim(text.substr(content, close - content));
    if (!triple && !tag.empty() && tag.front() == '=') {
      // A changed delimiter would hide the tags that follow from this scan.
      throw std::runtime_error(fmt::format("template '{}': set-delimiter tags are not supported", name));
    }
    if (triple || tag.empty() || tag.front() != '>') {
      out.append(text, pos, end - pos);
      pos = end;
      continue;
    }
    std::string partial(trim(tag.substr(1)));
    out.append(text, pos, open - pos);
    pos = end;
    for (const std::string& outer : chain) {
      if (outer != partial) continue;
      std::string path;
      for (const std::string& c : chain) path += c + " > ";
      throw std::runtime_error(fmt::format("template '{}': partials include each other: {}{}", name, path, partial));
    }
    if (static_cast<int>(chain.size()) >= k_max_partial_depth) {
      throw std::runtime_error(
          fmt::format("template '{}': partials nested more than {} deep at '{}'", name, k_max_partial_depth, partial));
    }
    const std::optional<std::string> partial_text = lookup(partial);
    if (!partial_text) {
      throw std::runtime_error(fmt::format("template '{}': no partial '{}' (web/templates/{}{}.mustache)", name,
                                           partial, k_partials, partial));
    }
    chain.push_back(std::move(partial));
    out += expand(name, *partial_text, lookup, chain);
    chain.pop_back();
  }
  out.append(text, pos);
  return out;
}

// kainjow's html_escape (the same five characters, the same entities),
// without building the text again character by character when, as for most
// values, there is nothing to escape.
bool needs_escape(char c) { return c == '&' || c == '<' || c == '>' || c == '"' || c == '\''; }

std::string escape_html(const std::string& s) {
  std::size_t at = 0;
  while (at < s.size() && !needs_escape(s[at])) ++at;
  if (at == s.size()) return s;
  std::string out;
  out.reserve(s.size() + 16);
  out.append(s, 0, at);
  for (; at < s.size(); ++at) {
    switch (s[at]) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += s[at];
    }
  }
  return out;
}

// Template `name` with its partials expanded, parsed.
std::unique_ptr<mstch::mustache> parse_template(std::string_view name) {
  auto text = template_text(name);
  if (!text) throw std::runtime_error(fmt::format("no template '{}'", name));
  const PartialLookup embedded = [](std::string_view partial) -> std::optional<std::string> {
    auto t = template_text(std::string(k_partials) + std::string(partial));
    if (!t) return std::nullopt;
    return std::string(*t);
  };
  std::vector<std::string> chain;
  auto m = std::make_unique<mstch::mustache>(expand(name, *text, embedded, chain));
  if (!m->is_valid()) throw std::runtime_error(fmt::format("template '{}': {}", name, m->error_message()));
  m->set_custom_escape(escape_html);
  return m;
}

// Parsed once per thread: a kainjow template is not safe to render from two
// threads at once (rendering records errors in it). `last_size` is the
// length of its last output, to reserve the next one at once.
struct Parsed {
  std::unique_ptr<mstch::mustache> m;
  std::size_t last_size = 0;
};
Parsed& parsed(std::string_view name) {
  thread_local std::map<std::string, Parsed, std::less<>> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(std::string(name), Parsed{parse_template(name)}).first;
  return it->second;
}

// --- data ----------------------------------------------------------------------

// kainjow's data has no moving push_back and its set() copies the value
// (and so every subtree again at every level); these move instead. The
// const_cast is sound: `d` itself is not const.
void append(mstch::data& list, mstch::data&& item) {
  const_cast<mstch::list&>(list.list_value()).push_back(std::move(item));
}

mstch::data to_data(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::object: {
      mstch::data d{mstch::data::type::object};
      for (const auto& [k, sub] : v.items()) d[k] = to_data(sub);
      return d;
    }
    case nlohmann::json::value_t::array: {
      mstch::data d{mstch::data::type::list};
      const_cast<mstch::list&>(d.list_value()).reserve(v.size());
      for (const auto& sub : v) append(d, to_data(sub));
      return d;
    }
    case nlohmann::json::value_t::string: return mstch::data(v.get_ref<const std::string&>());
    case nlohmann::json::value_t::boolean: return mstch::data(v.get<bool>());
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded: return mstch::data(false);
    default: return mstch::data(v.dump());
  }
}

// {"t": strings(lang)} as kainjow data, built once per language (the texts
// never change while the program runs). Immutable, so shared by all threads.
const mstch::data& texts_data(const std::string& lang) {
  static const mstch::data ja{"t", to_data(strings("ja"))};
  static const mstch::data en{"t", to_data(strings("en"))};
  return lang == "en" ? en : ja;
}

// The language whose texts `t` is (a page hands strings(lang) in as "t"),
// or "" if it is anything else. Checks the page's "lang" first.
std::string texts_lang(const nlohmann::json& data, const nlohmann::json& t) {
  if (!t.is_object()) return {};
  auto lang = data.find("lang");
  std::string first = lang != data.end() && lang->is_string() && *lang == "en" ? "en" : "ja";
  for (const std::string& l : {first, std::string(first == "en" ? "ja" : "en")}) {
    const nlohmann::json& s = strings(l);
    if (t.size() == s.size() && t == s) return l;
  }
  return {};
}

// A context stack like kainjow's own (the same lookup rules: "." is the top,
// a name is looked for from the top down, a dotted name is followed whole in
// each level from the top down), without its costs: push and pop at the back
// instead of inserting at the front, and dotted names followed in place
// instead of split into a new vector of strings at every lookup.
class Context final : public mstch::basic_context<std::string> {
 public:
  void push(const mstch::data* data) override { m_items.push_back(data); }
  void pop() override { m_items.pop_back(); }

  const mstch::data* get(const std::string& name) const override {
    if (name.size() == 1 && name[0] == '.') return m_items.back();
    const std::size_t dot = name.find('.');
    if (dot == std::string::npos) return get_partial(name);
    for (auto it = m_items.rbegin(); it != m_items.rend(); ++it) {
      const mstch::data* var = *it;
      std::size_t start = 0;
      while (var) {
        const std::size_t end = name.find('.', start);
        m_part.assign(name, start, end == std::string::npos ? std::string::npos : end - start);
        var = var->get(m_part);
        if (end == std::string::npos) break;
        start = end + 1;
      }
      if (var) return var;
    }
    return nullptr;
  }

  const mstch::data* get_partial(const std::string& name) const override {
    for (auto it = m_items.rbegin(); it != m_items.rend(); ++it) {
      if (const mstch::data* var = (*it)->get(name)) return var;
    }
    return nullptr;
  }

 private:
  std::vector<const mstch::data*> m_items;  // bottom first
  mutable std::string m_part;               // the current segment of a dotted name
};

// What kainjow's render(context, stream) writes to: straight into a string.
struct Sink {
  std::string& out;
  Sink& operator<<(const std::string& s) {
    out += s;
    return *this;
  }
};

// `m` rendered with `data`: the page's data converted, the shared texts
// under it on the context stack when `data` carries them.
std::string render_parsed(mstch::mustache& m, std::string_view name, const nlohmann::json& data,
                          std::size_t size_hint) {
  Context ctx;
  mstch::data root{mstch::data::type::object};
  if (data.is_object()) {
    // The texts are the same for every page of a language: use the copy
    // converted once instead of converting them again (see texts_data).
    auto t = data.find("t");
    const std::string lang = t == data.end() ? std::string() : texts_lang(data, *t);
    if (!lang.empty()) ctx.push(&texts_data(lang));
    for (const auto& [k, sub] : data.items()) {
      if (!lang.empty() && k == "t") continue;
      root[k] = to_data(sub);
    }
  }
  ctx.push(&root);
  std::string out;
  out.reserve(size_hint + size_hint / 8 + 256);
  Sink sink{out};
  m.render(ctx, sink);
  if (!m.is_valid()) throw std::runtime_error(fmt::format("template '{}': {}", name, m.error_message()));
  return out;
}

}  // namespace

std::string render_template(std::string_view name, const nlohmann::json& data) {
  Parsed& p = parsed(name);
  std::string out = render_parsed(*p.m, name, data, p.last_size);
  p.last_size = out.size();
  return out;
}

std::string expand_partials(std::string_view name, std::string_view text,
                            const std::function<std::optional<std::string>(std::string_view)>& partial) {
  std::vector<std::string> chain;
  return expand(name, text, partial, chain);
}

std::string render_text(std::string_view text, const nlohmann::json& data) {
  mstch::mustache m{std::string(text)};
  if (!m.is_valid()) throw std::runtime_error(fmt::format("template text: {}", m.error_message()));
  m.set_custom_escape(escape_html);
  return render_parsed(m, "text", data, 0);
}

Status check_templates() {
  for (const std::string& name : template_names()) {
    const Location where{"web/templates/" + name + ".mustache", 0, 0, {}};
    mstch::mustache m{std::string(*template_text(name))};
    if (!m.is_valid()) return Status::bad_input(m.error_message(), where);
    try {
      parse_template(name);  // with its partials expanded: they exist, no cycle, still valid
    } catch (const std::runtime_error& e) {
      return Status::bad_input(e.what(), where);
    }
  }
  return Status::ok();
}

std::string script_json(const nlohmann::json& value) {
  const std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace kunren::web
