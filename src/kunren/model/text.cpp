#include <kunren/model/text.hpp>

namespace kunren::model {

void LocalizedText::set(std::string lang, std::string text) {
  for (auto& [l, t] : m_variants) {
    if (l == lang) {
      t = std::move(text);
      return;
    }
  }
  m_variants.emplace_back(std::move(lang), std::move(text));
}

bool LocalizedText::has(std::string_view lang) const {
  if (is_plain()) return true;
  for (const auto& [l, t] : m_variants) {
    if (l == lang) return true;
  }
  return false;
}

const std::string& LocalizedText::text(std::string_view lang) const {
  static const std::string k_empty;
  if (m_variants.empty()) return k_empty;
  for (std::string_view want : {lang, std::string_view("ja"), std::string_view("en")}) {
    for (const auto& [l, t] : m_variants) {
      if (l == want) return t;
    }
  }
  return m_variants.front().second;
}

}  // namespace kunren::model
