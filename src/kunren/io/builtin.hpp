// The checklists and scenarios compiled into the binary
// (data/checklists/<id>.yaml or .json, data/scenarios/<id>.yaml or .json,
// through embedded_files()), and the one place that turns a user-given
// "checklist" or "scenario" argument — a built-in id or a file path — into a
// loaded checklist or scenario.
//
// Messages about a built-in name its embedded path, e.g.
// "data/checklists/factory-ir.yaml". Results are owned by the caller.
// Thread safety: pure functions over immutable embedded data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <kunren/io/checklist_io.hpp>
#include <kunren/io/scenario_io.hpp>
#include <kunren/model/checklist.hpp>
#include <kunren/model/scenario.hpp>
#include <kunren/util/status.hpp>

namespace kunren::io {

// Ids of the built-in checklists (file names without extension), sorted.
std::vector<std::string> builtin_checklist_ids();

// The built-in checklist `id`; NotFound (listing the built-ins) if unknown.
Result<model::Checklist> load_builtin_checklist(std::string_view id);

// A built-in id if there is one of that name, else a file path ("-" is
// standard input). NotFound naming both possibilities if it is neither.
Result<model::Checklist> resolve_checklist(const std::string& id_or_path, const ChecklistLoadOptions& options = {});

// --- Built-in scenarios (data/scenarios/<id>.yaml or .json) ------------------
// The same three functions for scenarios. A built-in scenario's links are
// checked against the built-in checklist it names.

// Ids of the built-in scenarios (file names without extension), sorted.
std::vector<std::string> builtin_scenario_ids();

// The built-in scenario `id`; NotFound (listing the built-ins) if unknown.
Result<model::Scenario> load_builtin_scenario(std::string_view id);

// A built-in scenario id if there is one of that name, else a file path ("-"
// is standard input). NotFound naming both possibilities if it is neither.
Result<model::Scenario> resolve_scenario(const std::string& id_or_path, const ScenarioLoadOptions& options = {});

}  // namespace kunren::io
