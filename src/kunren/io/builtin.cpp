#include <kunren/io/builtin.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include <kunren/io/embedded.hpp>

namespace kunren::io {
namespace {

constexpr std::string_view k_dir = "data/checklists/";
constexpr std::string_view k_extensions[] = {".yaml", ".json"};

// The embedded path of built-in `id`, e.g. "data/checklists/factory-ir.yaml".
std::optional<std::pair<std::string_view, std::string_view>> find_builtin(std::string_view id) {
  if (id.empty() || id.find('/') != std::string_view::npos) return std::nullopt;
  const auto& files = embedded_files();
  for (std::string_view ext : k_extensions) {
    auto it = files.find(fmt::format("{}{}{}", k_dir, id, ext));
    if (it != files.end()) return *it;
  }
  return std::nullopt;
}

std::string builtin_list() {
  auto ids = builtin_checklist_ids();
  if (ids.empty()) return "there are no built-in checklists";
  std::string out = "built-in checklists: ";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i > 0 ? ", " : "") + ids[i];
  return out;
}

}  // namespace

std::vector<std::string> builtin_checklist_ids() {
  std::vector<std::string> ids;
  for (const auto& [path, content] : embedded_files()) {
    if (!path.starts_with(k_dir)) continue;
    std::string_view name = path.substr(k_dir.size());
    if (name.find('/') != std::string_view::npos) continue;
    for (std::string_view ext : k_extensions) {
      if (name.size() > ext.size() && name.ends_with(ext)) {
        ids.emplace_back(name.substr(0, name.size() - ext.size()));
      }
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

Result<model::Checklist> load_builtin_checklist(std::string_view id) {
  auto found = find_builtin(id);
  if (!found) return Status::not_found(fmt::format("no built-in checklist '{}'; {}", id, builtin_list()));
  ChecklistLoadOptions options;
  options.trusted = true;
  return parse_checklist(found->second, found->first, options);
}

Result<model::Checklist> resolve_checklist(const std::string& id_or_path, const ChecklistLoadOptions& options) {
  if (auto found = find_builtin(id_or_path)) {
    ChecklistLoadOptions trusted = options;
    trusted.trusted = true;
    return parse_checklist(found->second, found->first, trusted);
  }
  std::error_code ec;
  if (id_or_path == "-" || std::filesystem::exists(id_or_path, ec)) return load_checklist_file(id_or_path, options);
  return Status::not_found(
      fmt::format("'{}' is neither a built-in checklist nor an existing file; {}", id_or_path, builtin_list()));
}

// --- scenarios ---------------------------------------------------------------

namespace {

constexpr std::string_view k_scenario_dir = "data/scenarios/";

std::optional<std::pair<std::string_view, std::string_view>> find_builtin_scenario(std::string_view id) {
  if (id.empty() || id.find('/') != std::string_view::npos) return std::nullopt;
  const auto& files = embedded_files();
  for (std::string_view ext : k_extensions) {
    auto it = files.find(fmt::format("{}{}{}", k_scenario_dir, id, ext));
    if (it != files.end()) return *it;
  }
  return std::nullopt;
}

std::string builtin_scenario_list() {
  auto ids = builtin_scenario_ids();
  if (ids.empty()) return "there are no built-in scenarios";
  std::string out = "built-in scenarios: ";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i > 0 ? ", " : "") + ids[i];
  return out;
}

}  // namespace

std::vector<std::string> builtin_scenario_ids() {
  std::vector<std::string> ids;
  for (const auto& [path, content] : embedded_files()) {
    if (!path.starts_with(k_scenario_dir)) continue;
    std::string_view name = path.substr(k_scenario_dir.size());
    if (name.find('/') != std::string_view::npos) continue;
    for (std::string_view ext : k_extensions) {
      if (name.size() > ext.size() && name.ends_with(ext)) {
        ids.emplace_back(name.substr(0, name.size() - ext.size()));
      }
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

Result<model::Scenario> load_builtin_scenario(std::string_view id) {
  auto found = find_builtin_scenario(id);
  if (!found) return Status::not_found(fmt::format("no built-in scenario '{}'; {}", id, builtin_scenario_list()));
  ScenarioLoadOptions options;
  options.trusted = true;
  return parse_scenario(found->second, found->first, options);
}

Result<model::Scenario> resolve_scenario(const std::string& id_or_path, const ScenarioLoadOptions& options) {
  if (auto found = find_builtin_scenario(id_or_path)) {
    ScenarioLoadOptions trusted = options;
    trusted.trusted = true;
    return parse_scenario(found->second, found->first, trusted);
  }
  std::error_code ec;
  if (id_or_path == "-" || std::filesystem::exists(id_or_path, ec)) return load_scenario_file(id_or_path, options);
  return Status::not_found(fmt::format("'{}' is neither a built-in scenario nor an existing file; {}", id_or_path,
                                       builtin_scenario_list()));
}

}  // namespace kunren::io
