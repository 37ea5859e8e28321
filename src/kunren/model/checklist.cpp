#include <kunren/model/checklist.hpp>

namespace kunren::model {

const char* to_string(Level level) {
  switch (level) {
    case Level::kGood: return "good";
    case Level::kPartial: return "partial";
    case Level::kPoor: return "poor";
    case Level::kNa: return "na";
  }
  return "poor";
}

const char* to_string(Category category) {
  return category == Category::kOverall ? "overall" : "implementation";
}

std::optional<Level> parse_level(std::string_view s) {
  if (s == "good") return Level::kGood;
  if (s == "partial") return Level::kPartial;
  if (s == "poor") return Level::kPoor;
  if (s == "na") return Level::kNa;
  return std::nullopt;
}

std::optional<Category> parse_category(std::string_view s) {
  if (s == "implementation") return Category::kImplementation;
  if (s == "overall") return Category::kOverall;
  return std::nullopt;
}

void Checklist::reindex() {
  m_item_by_id.clear();
  m_item_by_text.clear();
  m_section_by_id.clear();
  for (std::size_t i = 0; i < sections.size(); ++i) m_section_by_id.emplace(sections[i].id, i);
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto& item = items[i];
    m_item_by_id.emplace(item.id, i);
    for (const auto& [lang, text] : item.text.variants()) m_item_by_text.emplace(text, i);
    if (auto s = find_section(item.section)) item.section_index = *s;
  }
}

std::optional<std::size_t> Checklist::find_item(std::string_view item_id) const {
  auto it = m_item_by_id.find(std::string(item_id));
  if (it == m_item_by_id.end()) return std::nullopt;
  return it->second;
}

std::optional<std::size_t> Checklist::find_section(std::string_view section_id) const {
  auto it = m_section_by_id.find(std::string(section_id));
  if (it == m_section_by_id.end()) return std::nullopt;
  return it->second;
}

std::optional<std::size_t> Checklist::find_item_by_text(std::string_view text) const {
  auto it = m_item_by_text.find(std::string(text));
  if (it == m_item_by_text.end()) return std::nullopt;
  return it->second;
}

}  // namespace kunren::model
