// A checklist version mapping (issue 7): how the items and choices of one
// checklist version correspond to another's, so that answers given to
// version 1 can be compared with answers given to version 2. Read and
// checked by io/mapping_io.hpp (file format kunren.mapping/1); applied by
// map_responses().
//
// Meaning of an item entry:
//   - to = nullopt: the item was dropped in the target version;
//   - choices empty: choices map by position (the reader checks that both
//     items have the same levels in the same order);
//   - choices given: every source choice number → a target choice number, or
//     0 when that answer has no counterpart (it becomes "no answer").
// A source item not listed maps to the target item with the same id if there
// is one (by position, with the same check), else it is dropped. Target items
// nothing maps to are unanswered.
// Thread safety: a value type.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <kunren/model/checklist.hpp>
#include <kunren/model/responses.hpp>

namespace kunren::model {

struct ItemMapping {
  std::string from;
  std::optional<std::string> to;
  std::map<int, int> choices;  // source no → target no (0 = no counterpart); empty = by position
  std::uint64_t line = 0;      // where it was written, for messages
  std::uint64_t column = 0;
};

struct ChecklistMapping {
  std::string from_checklist, from_version;
  std::string to_checklist, to_version;
  std::vector<ItemMapping> items;
  std::string source;  // file name, for messages
};

// Answers of `in` (in `from`'s item space) in `to`'s item space: each
// organisation kept with its details, each answer mapped, comments carried
// to the mapped item (dropped with a dropped item). REQUIRES: the mapping was
// checked against both checklists (io::check_mapping).
ResponseSet map_responses(const Checklist& from, const Checklist& to, const ChecklistMapping& mapping,
                          const ResponseSet& in);

// The choice map of every source item that has a target, after applying the
// "not listed → same id" rule: per source item index, the target item index
// (or nullopt) and the choice map (index = source choice number, value =
// target number or 0). REQUIRES: the mapping was checked.
struct ResolvedItem {
  std::optional<std::size_t> to;
  std::vector<std::uint8_t> choices;  // [source no] → target no; [0] = 0
};
std::vector<ResolvedItem> resolve_mapping(const Checklist& from, const Checklist& to, const ChecklistMapping& mapping);

}  // namespace kunren::model
