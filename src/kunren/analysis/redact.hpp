// Redaction of comment excerpts before they are published (DOMAIN.md §11):
// names of organisations, sites and people, a coordinator's own withheld
// words, e-mail addresses, phone numbers, IP addresses and host names are
// replaced by placeholders such as ［人名］ / [person].
//
// Terms are matched on a folded form of the text, so that the ways people
// actually write a name still match it:
//   - Latin letters in any case, full-width ASCII (Ｙａｍａｄａ) as ASCII,
//     Latin-1 accents and macrons (ō, é) as the bare letter;
//   - half-width katakana as full-width, its sound marks composed (ﾀﾞ = ダ),
//     hiragana as katakana (やまだ = ヤマダ), combining marks composed;
//   - spaces (ASCII, U+3000), middle dots (・ ･ ·), hyphens and dashes and the
//     long-vowel mark (ー ｰ) between the characters of a name are ignored:
//     "山田 太郎", "山田　太郎", "ヤマダ・タロウ" all match 山田太郎 / ヤマダタロウ.
//     Between two Latin letters or digits a space is ignored only where the
//     term itself has one ("Yamada  Taro" matches "Yamada Taro"; "I to" does
//     not match "Ito");
//   - a term whose first (last) character is a Latin letter or digit needs a
//     non-letter/digit before (after) it: "Ito" is not found inside "Itochu".
// The longest term wins at each position, leftmost first; terms of fewer
// than two characters after folding are ignored. A replacement covers
// exactly the original bytes of the match, spaces inside it included.
// Organisation terms also match without their legal form (株式会社, ㈱,
// Co., Ltd., Inc. …). The fold table is written here (no ICU): it covers the
// characters above and nothing else.
//
// Patterns (found first, so that an address is replaced whole): e-mail
// addresses; Japanese phone numbers (domestic and +81, with - ( ) or spaces,
// full-width digits and dashes, an optional 内線/ext extension); IPv4 with an
// optional /prefix or :port; IPv6 (full and :: compressed); dotted host names
// ending in a TLD-like label (a country code, a common generic TLD or an
// internal one such as local, corp, lan) — never dates, times, versions,
// decimals, standards numbers or file names (report.pdf, setup.exe).
//
// Invalid UTF-8 never stops redaction: each stray byte becomes U+FFFD in the
// output. Thread safety: a Redactor is immutable after construction and may
// be used from several threads at once; the functions are pure.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <kunren/util/status.hpp>

namespace kunren::analysis {

struct RedactTerm {
  std::string text;
  std::string kind;  // "organization" | "site" | "person" | "word"
  bool operator==(const RedactTerm&) const = default;
};

struct RedactResult {
  std::string text;                             // the redacted text (valid UTF-8)
  std::map<std::string, std::uint32_t> counts;  // kind → replacements made
};

// Reads a word list file. UTF-8 (with or without BOM) or CP932, detected.
// One group of variants per line, separated by `,` `|` or a tab (also
// full-width ， ｜); an optional prefix `org:` (or organization: /
// organisation:), `site:`, `person:`, `word:` sets the kind of the whole line
// (default word); `#` starts a comment line; blank lines are skipped.
//   person: 山田太郎 | ヤマダタロウ | Yamada Taro | Taro Yamada
// Errors (BadInput) name file:line:column: an unknown prefix, an empty
// variant, a line with a prefix and no variants, an undecodable file.
// Terms come back in file order, one per variant.
Result<std::vector<RedactTerm>> parse_word_list(std::string_view bytes, const std::string& file);

// The placeholder of a kind ("organization", "site", "person", "word",
// "email", "phone", "ip", "host") in `lang` ("en", anything else is ja).
std::string redaction_placeholder(std::string_view kind, std::string_view lang);

class Redactor {
 public:
  // Terms with an unknown kind count as "word". When two terms fold to the
  // same text the kind first in organization, person, site, word wins.
  explicit Redactor(std::vector<RedactTerm> terms, std::string lang = "ja");
  ~Redactor();
  Redactor(Redactor&&) noexcept;
  Redactor& operator=(Redactor&&) noexcept;
  Redactor(const Redactor&) = delete;
  Redactor& operator=(const Redactor&) = delete;

  RedactResult redact(std::string_view text) const;

  // Terms kept after folding (two characters or more, duplicates merged).
  std::size_t term_count() const;
  const std::string& lang() const { return m_lang; }

  struct Trie;  // defined in redact.cpp

 private:
  std::unique_ptr<Trie> m_trie;
  std::string m_lang;
};

// Only the patterns (e-mail, phone, IP, host), as a Redactor without terms.
RedactResult redact_patterns(std::string_view text, std::string_view lang = "ja");

// "Q-" + 8 Crockford base32 characters of HMAC-SHA256(key, item ‖ 0 ‖ org ‖
// 0 ‖ original_text): stable for the same inputs, and unguessable without
// the key (an empty key gives stable but guessable ids).
std::string quote_id(std::string_view key, std::string_view item_id, std::string_view org,
                     std::string_view original_text);

}  // namespace kunren::analysis
