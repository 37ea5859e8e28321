// LocalizedText: a text field that is either one plain string or a map from
// language code ("ja", "en", …) to text, as in every Kunren data file.
//
// Japanese is the first language of Kunren's users: when a requested language
// is missing, text() falls back to Japanese, then English, then whatever the
// field has. Thread safety: a value type.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kunren::model {

class LocalizedText {
 public:
  LocalizedText() = default;
  // A plain string: the same text for every language.
  explicit LocalizedText(std::string plain) { m_variants.emplace_back("", std::move(plain)); }
  LocalizedText(std::initializer_list<std::pair<std::string, std::string>> variants)
      : m_variants(variants) {}

  void set(std::string lang, std::string text);
  bool empty() const { return m_variants.empty(); }
  bool is_plain() const { return m_variants.size() == 1 && m_variants[0].first.empty(); }
  // True if the field has a variant for `lang` (a plain string has every language).
  bool has(std::string_view lang) const;
  // The text in `lang`, falling back to ja, en, then the first variant; "" if empty.
  const std::string& text(std::string_view lang = "ja") const;
  // (language, text) pairs in file order; a plain string has language "".
  const std::vector<std::pair<std::string, std::string>>& variants() const { return m_variants; }
  bool operator==(const LocalizedText&) const = default;

 private:
  std::vector<std::pair<std::string, std::string>> m_variants;
};

}  // namespace kunren::model
