#include <kunren/web/assets.hpp>

#include <map>
#include <mutex>

#include <kunren/io/embedded.hpp>
#include <kunren/util/sha256.hpp>

namespace kunren::web {

namespace {

constexpr std::string_view k_static_prefix = "web/static/";
constexpr std::string_view k_template_prefix = "web/templates/";
constexpr std::string_view k_template_suffix = ".mustache";

std::string type_of(std::string_view name) {
  auto ends = [&](std::string_view ext) { return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext; };
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".json")) return "application/json; charset=utf-8";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

const std::map<std::string, Asset, std::less<>>& assets() {
  static const std::map<std::string, Asset, std::less<>> k_assets = [] {
    std::map<std::string, Asset, std::less<>> out;
    for (const auto& [path, bytes] : io::embedded_files()) {
      if (path.substr(0, k_static_prefix.size()) != k_static_prefix) continue;
      std::string name(path.substr(k_static_prefix.size()));
      if (name.find('/') != std::string::npos) continue;  // one level only
      Asset a{bytes, type_of(name), "\"" + util::sha256_hex(bytes).substr(0, 16) + "\""};
      out.emplace(std::move(name), std::move(a));
    }
    return out;
  }();
  return k_assets;
}

}  // namespace

std::optional<Asset> static_asset(std::string_view name) {
  auto it = assets().find(name);
  if (it == assets().end()) return std::nullopt;
  return it->second;
}

std::string asset_version(std::string_view name) {
  auto a = static_asset(name);
  if (!a) return {};
  return a->etag.substr(1, a->etag.size() - 2);
}

std::optional<std::string_view> template_text(std::string_view name) {
  std::string path = std::string(k_template_prefix) + std::string(name) + std::string(k_template_suffix);
  auto it = io::embedded_files().find(path);
  if (it == io::embedded_files().end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> template_names() {
  std::vector<std::string> names;
  for (const auto& [path, bytes] : io::embedded_files()) {
    if (path.substr(0, k_template_prefix.size()) != k_template_prefix) continue;
    std::string_view rest = path.substr(k_template_prefix.size());
    if (rest.size() <= k_template_suffix.size() || rest.substr(rest.size() - k_template_suffix.size()) != k_template_suffix) continue;
    names.emplace_back(rest.substr(0, rest.size() - k_template_suffix.size()));
  }
  return names;
}

}  // namespace kunren::web
