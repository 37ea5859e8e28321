// Reading checklist version mapping files (format kunren.mapping/1, YAML or
// JSON, parsed with io/yaml_document so every message names file:line:column):
//
//   format: kunren.mapping/1
//   from: {checklist: factory-ir, version: "1"}
//   to:   {checklist: factory-ir, version: "2"}
//   items:
//     - {from: IMP-P0-01, to: IMP-P0-01}          # choices by position (same levels in order)
//     - {from: IMP-P0-02, to: IMP-P0-03, choices: {1: 1, 2: 2, 3: 2, 4: 4}}
//     - {from: IMP-P0-09, to: null}               # dropped in the target version
//
// Every key is required except `choices`; any other key is an error, and so
// is a key given twice. A `choices` map lists every source choice number; a
// value null means that answer has no counterpart. check_mapping() then
// checks the mapping against both checklists (ids, versions, choice numbers,
// levels when mapped by position, one source item listed once, one target
// item reached from one source item only), naming the line of the entry.
// Meaning: model/mapping.hpp. Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <kunren/model/checklist.hpp>
#include <kunren/model/mapping.hpp>
#include <kunren/util/status.hpp>

namespace kunren::io {

Result<model::ChecklistMapping> parse_mapping(std::string_view text, std::string_view filename);
Result<model::ChecklistMapping> load_mapping_file(const std::string& path);

Status check_mapping(const model::ChecklistMapping& mapping, const model::Checklist& from, const model::Checklist& to);

}  // namespace kunren::io
