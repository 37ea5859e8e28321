#include <kunren/io/builtin.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include <kunren/io/embedded.hpp>

namespace kunren::io {
namespace {

constexpr std::string_view k_extensions[] = {".yaml", ".json"};

// One kind of built-in data: the files data/<dir>/<id>.yaml|.json.
struct Kind {
  std::string_view dir;   // "data/checklists/"
  std::string_view noun;  // "checklist"
};
constexpr Kind k_checklists{"data/checklists/", "checklist"};
constexpr Kind k_scenarios{"data/scenarios/", "scenario"};

// The embedded path and content of built-in `id`, e.g. "data/checklists/factory-ir.yaml".
std::optional<std::pair<std::string_view, std::string_view>> find_builtin(const Kind& kind, std::string_view id) {
  if (id.empty() || id.find('/') != std::string_view::npos) return std::nullopt;
  const auto& files = embedded_files();
  for (std::string_view ext : k_extensions) {
    auto it = files.find(fmt::format("{}{}{}", kind.dir, id, ext));
    if (it != files.end()) return *it;
  }
  return std::nullopt;
}

std::vector<std::string> builtin_ids(const Kind& kind) {
  std::vector<std::string> ids;
  for (const auto& [path, content] : embedded_files()) {
    if (!path.starts_with(kind.dir)) continue;
    std::string_view name = path.substr(kind.dir.size());
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

// "built-in checklists: a, b" for messages.
std::string builtin_list(const Kind& kind) {
  auto ids = builtin_ids(kind);
  if (ids.empty()) return fmt::format("there are no built-in {}s", kind.noun);
  std::string out = fmt::format("built-in {}s: ", kind.noun);
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i > 0 ? ", " : "") + ids[i];
  return out;
}

// A built-in by id (parsed as trusted data), else a file, else NotFound
// naming both possibilities.
template <class T, class Options, class Parse, class Load>
Result<T> resolve(const Kind& kind, const std::string& id_or_path, const Options& options, Parse parse, Load load) {
  if (auto found = find_builtin(kind, id_or_path)) {
    Options trusted = options;
    trusted.trusted = true;
    return parse(found->second, found->first, trusted);
  }
  std::error_code ec;
  if (id_or_path == "-" || std::filesystem::exists(id_or_path, ec)) return load(id_or_path, options);
  return Status::not_found(fmt::format("'{}' is neither a built-in {} nor an existing file; {}", id_or_path, kind.noun,
                                       builtin_list(kind)));
}

}  // namespace

std::vector<std::string> builtin_checklist_ids() { return builtin_ids(k_checklists); }

Result<model::Checklist> load_builtin_checklist(std::string_view id) {
  auto found = find_builtin(k_checklists, id);
  if (!found) return Status::not_found(fmt::format("no built-in checklist '{}'; {}", id, builtin_list(k_checklists)));
  ChecklistLoadOptions options;
  options.trusted = true;
  return parse_checklist(found->second, found->first, options);
}

Result<model::Checklist> resolve_checklist(const std::string& id_or_path, const ChecklistLoadOptions& options) {
  return resolve<model::Checklist>(
      k_checklists, id_or_path, options,
      [](std::string_view text, std::string_view name, const ChecklistLoadOptions& o) {
        return parse_checklist(text, name, o);
      },
      [](const std::string& path, const ChecklistLoadOptions& o) { return load_checklist_file(path, o); });
}

std::vector<std::string> builtin_scenario_ids() { return builtin_ids(k_scenarios); }

Result<model::Scenario> load_builtin_scenario(std::string_view id) {
  auto found = find_builtin(k_scenarios, id);
  if (!found) return Status::not_found(fmt::format("no built-in scenario '{}'; {}", id, builtin_list(k_scenarios)));
  ScenarioLoadOptions options;
  options.trusted = true;
  return parse_scenario(found->second, found->first, options);
}

Result<model::Scenario> resolve_scenario(const std::string& id_or_path, const ScenarioLoadOptions& options) {
  return resolve<model::Scenario>(
      k_scenarios, id_or_path, options,
      [](std::string_view text, std::string_view name, const ScenarioLoadOptions& o) {
        return parse_scenario(text, name, o);
      },
      [](const std::string& path, const ScenarioLoadOptions& o) { return load_scenario_file(path, o); });
}

}  // namespace kunren::io
