// Checklist: the evaluation instrument — sections, items and their numbered
// choices, as defined by the checklist file format (docs/formats.md, §3.1 of
// the shared architecture). Loading and validation live in io/checklist_io.hpp;
// this is the validated, in-memory form.
//
// Invariants once loaded: ids are unique; every item's section exists; every
// item has 1..k choices numbered by position (no = index + 1, at most 255).
// Thread safety: immutable after loading; share freely by const reference.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <kunren/model/text.hpp>

namespace kunren::model {

enum class Level { kGood, kPartial, kPoor, kNa };
enum class Category { kImplementation, kOverall };

const char* to_string(Level level);        // "good" | "partial" | "poor" | "na"
const char* to_string(Category category);  // "implementation" | "overall"
std::optional<Level> parse_level(std::string_view s);
std::optional<Category> parse_category(std::string_view s);

struct Choice {
  int no = 0;  // 1-based position
  LocalizedText label;
  Level level = Level::kPoor;
};

struct Section {
  std::string id;
  Category category = Category::kImplementation;
  LocalizedText title;
};

struct Item {
  std::string id;
  std::string section;          // Section::id
  std::size_t section_index = 0;  // index into Checklist::sections
  LocalizedText text;
  LocalizedText help;           // may be empty
  std::vector<Choice> choices;
};

class Checklist {
 public:
  std::string id;
  std::string version;
  LocalizedText title;
  std::vector<Section> sections;
  std::vector<Item> items;

  // Rebuilds the lookup indexes; call after filling sections and items.
  void reindex();
  // Index of the item with this id, or nullopt.
  std::optional<std::size_t> find_item(std::string_view item_id) const;
  std::optional<std::size_t> find_section(std::string_view section_id) const;
  // Index of the item whose text equals `text` exactly in any language.
  std::optional<std::size_t> find_item_by_text(std::string_view text) const;

 private:
  std::unordered_map<std::string, std::size_t> m_item_by_id;
  std::unordered_map<std::string, std::size_t> m_item_by_text;
  std::unordered_map<std::string, std::size_t> m_section_by_id;
};

}  // namespace kunren::model
