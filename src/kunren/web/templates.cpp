#include <kunren/web/templates.hpp>

#include <map>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <kainjow/mustache.hpp>

#include <kunren/web/assets.hpp>

namespace kunren::web {

namespace mstch = kainjow::mustache;

namespace {

mstch::data to_data(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::object: {
      mstch::data d{mstch::data::type::object};
      for (const auto& [k, sub] : v.items()) d.set(k, to_data(sub));
      return d;
    }
    case nlohmann::json::value_t::array: {
      mstch::data d{mstch::data::type::list};
      for (const auto& sub : v) d.push_back(to_data(sub));
      return d;
    }
    case nlohmann::json::value_t::string: return mstch::data(v.get_ref<const std::string&>());
    case nlohmann::json::value_t::boolean: return mstch::data(v.get<bool>());
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded: return mstch::data(false);
    default: return mstch::data(v.dump());
  }
}

constexpr std::string_view k_partials = "partials/";

mstch::mustache& parsed(std::string_view name) {
  thread_local std::map<std::string, std::unique_ptr<mstch::mustache>, std::less<>> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    auto text = template_text(name);
    if (!text) throw std::runtime_error(fmt::format("no template '{}'", name));
    auto m = std::make_unique<mstch::mustache>(std::string(*text));
    if (!m->is_valid()) throw std::runtime_error(fmt::format("template '{}': {}", name, m->error_message()));
    it = cache.emplace(std::string(name), std::move(m)).first;
  }
  return *it->second;
}

}  // namespace

std::string render_template(std::string_view name, const nlohmann::json& data) {
  mstch::data root = data.is_object() ? to_data(data) : mstch::data{mstch::data::type::object};
  for (const std::string& t : template_names()) {
    if (t.substr(0, k_partials.size()) != k_partials) continue;
    const std::string partial_name = t.substr(k_partials.size());
    const std::string text(*template_text(t));
    root.set(partial_name, mstch::data(mstch::partial([text] { return text; })));
  }
  mstch::mustache& m = parsed(name);
  std::string out = m.render(root);
  if (!m.is_valid()) throw std::runtime_error(fmt::format("template '{}': {}", name, m.error_message()));
  return out;
}

Status check_templates() {
  for (const std::string& name : template_names()) {
    mstch::mustache m{std::string(*template_text(name))};
    if (!m.is_valid()) {
      return Status::bad_input(m.error_message(), Location{"web/templates/" + name + ".mustache", 0, 0, {}});
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
