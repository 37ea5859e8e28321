// Reading and writing scenario files (an MSEL, §3.5 of the shared
// architecture; docs/formats.md "Scenario file"): the same structure in YAML
// or JSON, parsed into a validated model::Scenario and written back out so
// that the output re-parses to an equal scenario. The canonical JSON form
// (scenario_content_json) is what an exercise stores, so that a drill can be
// replayed against exactly the scenario it ran.
//
// The functions are pure: they return values the caller owns and keep no
// state, so any thread may call them at any time.
//
// Format notes (the contract this file enforces):
//   - JSON if the first character after blanks (and a UTF-8 BOM) is '{',
//     otherwise YAML; UTF-8 only; one document (see yaml_document.hpp).
//   - Top level: id, version, title, narrative, plant, roles, injects
//     (required); checklist, duration, targets, phases, objectives,
//     decision_points (optional). The keys of every mapping are fixed: any
//     other key is an error, and so is the same key twice.
//   - A text field is a non-empty string or a {language: text} map, as in
//     checklists; with require_langs, a map holding each of those languages.
//     Times are "+HH:MM" or "+HH:MM:SS" strings (model::parse_scenario_time).
//   - Ids match [A-Za-z0-9._-]+ and are unique within their kind; every role,
//     phase, objective, decision point, plant line and zone, and inject named
//     anywhere exists; a contingency's `unless` names another, earlier inject
//     that expects something; `decision_point` appears only on decision
//     expectations and `contact` only on contact expectations. Checklist item
//     ids in `links` (and phase sections) are checked against the checklist
//     when it is known: ScenarioLoadOptions::checklist, else the built-in
//     checklist the scenario names; otherwise only their syntax is checked.
//   - Every problem is a Status::bad_input whose Location names the file, the
//     1-based line and character column, and as `field` a path such as
//     "injects[INJ-012].expects[1].decision_point" (positions 1-based).
//   - Injects may be in any order in the file; the result is sorted by time
//     (model::Scenario::reindex, stable, so file order breaks ties).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <kunren/model/checklist.hpp>
#include <kunren/model/scenario.hpp>
#include <kunren/util/status.hpp>

namespace kunren::io {

// Larger inputs are rejected before parsing.
inline constexpr std::size_t k_max_scenario_bytes = 32u << 20;

struct ScenarioLoadOptions {
  // Every text field must be a {language: text} map with these languages
  // (default: none). A plain string does not count as any language here.
  std::vector<std::string> require_langs;
  // Built-in data only (default false): see YamlDocumentOptions::trusted.
  bool trusted = false;
  // The checklist the `links` refer to (not owned; default none). When null
  // and the scenario names a built-in checklist (`checklist: factory-ir`),
  // that one is loaded; when null and it names another, or none, links are
  // only checked for id syntax.
  const model::Checklist* checklist = nullptr;
};

// Parses a scenario from YAML or JSON text. `filename` is used in messages.
// On failure returns the first problem in file order; if `problems` is given,
// it receives all problems found, sorted by position (validation continues
// past the first where it sensibly can; a syntax error stops it). On success
// the scenario has been reindex()ed and `problems` is empty.
Result<model::Scenario> parse_scenario(std::string_view text, std::string_view filename,
                                       const ScenarioLoadOptions& options = {},
                                       std::vector<Status>* problems = nullptr);

// Reads `path` ("-" is standard input) and parses it as above.
Result<model::Scenario> load_scenario_file(const std::string& path, const ScenarioLoadOptions& options = {},
                                           std::vector<Status>* problems = nullptr);

enum class ScenarioFormat { kYaml, kJson };

// Writes the scenario in the file format. With `lang`, every text field is
// written as a plain string in that language (LocalizedText::text's
// fallback); without, as {lang: text} maps (a plain LocalizedText stays a
// plain string). Optional fields that are empty (and times that are 0) are
// left out; `delivery` is always written. YAML writes multi-line texts as
// literal blocks where that reads back exactly. The output ends with a
// newline and re-parses to an equal scenario (injects in their sorted order).
std::string write_scenario(const model::Scenario& s, ScenarioFormat format,
                           std::optional<std::string> lang = std::nullopt);

// The canonical form stored with an exercise: write_scenario kJson without lang.
std::string scenario_content_json(const model::Scenario& s);
// Lower-case SHA-256 hex of scenario_content_json.
std::string scenario_content_hash(const model::Scenario& s);

// --- Checking a scenario built by another reader (msel_csv) or in code ------

// Where the parts of a scenario came from, for check_scenario's messages.
// A part is named by a key of positions, not ids (ids may be missing or
// repeated): list elements by 0-based index in the vectors as read (before
// reindex() sorts the injects), fields by their file key, e.g.
// "injects/3/expects/0/decision_point", "injects/3/to/1", "decision_points/0",
// "plant/systems/2/zone", "phases/1/section".
class ScenarioSource {
 public:
  virtual ~ScenarioSource() = default;
  // Where part `key` is; `field` (a display path such as
  // "injects[INJ-004].expects[1].decision_point") goes into the Location
  // unless the source has a better name for it (a CSV column header). An
  // implementation should fall back to the nearest enclosing part it knows.
  virtual Location locate(std::string_view key, std::string field) const = 0;
  // True if the reader already reported a problem with the value at `key`
  // (so it holds a default): checks that depend on it are skipped.
  virtual bool failed(std::string_view /*key*/) const { return false; }
};

// Every rule above that can be checked on the model (ids, uniqueness,
// references, contingency rules, options, expectations, duration, links and
// sections against `checklist` when not null), in file order, as
// Status::bad_input located through `source`. Empty if the scenario is valid.
// Call it before reindex() so that the indexes in keys match.
std::vector<Status> check_scenario(const model::Scenario& s, const model::Checklist* checklist,
                                   const ScenarioSource& source);

// The checklist that `links` of `s` are checked against, as described for
// ScenarioLoadOptions::checklist: `given` if not null, else the built-in one
// the scenario names (loaded into `storage`), else null. Fails only if a
// built-in checklist does not load.
Result<const model::Checklist*> links_checklist(const model::Scenario& s, const model::Checklist* given,
                                                std::optional<model::Checklist>& storage);

}  // namespace kunren::io
