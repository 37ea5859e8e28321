// Importing injects from a spreadsheet: the CSV form of a scenario's
// `injects` (an MSEL as exercise controllers keep it in Excel; §3.5 of the
// shared architecture, docs/formats.md "Inject spreadsheet (MSEL CSV)").
//
// One row per inject; the header names the columns, in English or Japanese
// (case-insensitive), or as the caller maps them (MselOptions::columns).
// The result is the base scenario — its plant, roles, phases, objectives and
// decision points — with its injects replaced by the rows, validated exactly
// like a scenario file (io::check_scenario); every message names the CSV
// file, the line and the column header. Nothing half done: on any problem
// there is no scenario.
//
// Cells (surrounding blanks, including U+3000, ignored):
//   id, at ("+HH:MM", "HH:MM" or "+HH:MM:SS"), phase, from, contingency (the
//   id of the inject whose expected actions it depends on): one value.
//   to, links, decision_points: ids separated by ';', ',', '、' or blanks;
//   an empty `to` means everyone.
//   title, body, notes: text in MselOptions::lang; or title_ja / title_en /
//   body_ja / body_en / notes_ja / notes_en for one language each.
//   delivery: phone | mail | alarm | verbal | system (also 電話, メール, 警報,
//   口頭, システム); empty = verbal.
//   expects: "kind[:target]" separated by ';' or line breaks, e.g.
//   "report; decision:DP1; contact:national-cert; evidence"; the target of a
//   decision is a decision point, of a contact a contact target, of report,
//   evidence and note the role that should act.
// Columns that name no field are ignored with one warning; missing required
// columns (id, at, title) are an error naming them. Encodings as for
// responses: UTF-8 with or without BOM, or CP932, detected or forced.
// Thread safety: pure functions of their inputs.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <kunren/io/encoding.hpp>
#include <kunren/model/checklist.hpp>
#include <kunren/model/scenario.hpp>
#include <kunren/util/status.hpp>

namespace kunren::io {

struct MselOptions {
  Encoding encoding = Encoding::kAuto;
  // Our field → the header of the column that gives it, e.g. {"title",
  // "見出し"}; overrides the default header names for that field. Fields:
  // msel_fields().
  std::map<std::string, std::string> columns;
  // The language of plain text columns (title, body, notes). Default "ja".
  std::string lang = "ja";
  // The checklist `links` refer to, as ScenarioLoadOptions::checklist (not
  // owned; default: the built-in checklist the base scenario names, if any).
  const model::Checklist* checklist = nullptr;
};

// The field names a column can give, in the order of docs/formats.md.
const std::vector<std::string>& msel_fields();

// Parses one "--map" argument "field=Header" (the header may contain '=').
Result<std::pair<std::string, std::string>> parse_msel_mapping(std::string_view text);

// `base` must be a valid scenario (e.g. from parse_scenario). `warnings`
// receives the ignored columns; `problems`, if given, every problem found
// (sorted by line), the first of which is also the returned error.
Result<model::Scenario> import_msel_csv(std::string_view bytes, std::string_view filename,
                                        const model::Scenario& base, const MselOptions& options = {},
                                        Warnings* warnings = nullptr, std::vector<Status>* problems = nullptr);

// Reads `path` ("-" is standard input) and imports it as above.
Result<model::Scenario> load_msel_csv(const std::string& path, const model::Scenario& base,
                                      const MselOptions& options = {}, Warnings* warnings = nullptr,
                                      std::vector<Status>* problems = nullptr);

}  // namespace kunren::io
