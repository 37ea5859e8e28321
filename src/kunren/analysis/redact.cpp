// Redaction: the fold table, the term trie, the pattern scanners and the word
// list reader. See redact.hpp for the rules.
//
// Everything works on the text decoded into code points, each remembering
// the bytes it came from, so that every replacement covers exactly the
// original bytes of what it matched (separators inside a name included).
// The patterns are hand-written scanners rather than std::regex: they run
// over up to a million comments, and they need lookbehind-style boundary
// rules that std::regex (ECMAScript) lacks.
#include <kunren/analysis/redact.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <kunren/io/encoding.hpp>
#include <kunren/util/utf8.hpp>

namespace kunren::analysis {

namespace {

// A byte that is not valid UTF-8: outside Unicode, so it matches nothing.
constexpr char32_t k_invalid = 0x110000;
// The trie edge for "a separator between two Latin letters or digits".
constexpr char32_t k_sep_edge = 0x1;

struct CodePoint {
  char32_t c = 0;
  std::uint32_t b = 0;  // byte offset in the text
  std::uint32_t e = 0;  // one past its last byte
};

std::vector<CodePoint> decode(std::string_view s) {
  std::vector<CodePoint> out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t c = 0;
    std::size_t n = util::utf8_sequence_length(s, i, &c);
    if (n == 0) {
      c = k_invalid;
      n = 1;
    }
    out.push_back({c, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + n)});
    i += n;
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// --- the fold table ------------------------------------------------------------

// Ignored between the characters of a name: white space, hyphens and dashes,
// the long-vowel mark, middle dots, and the invisible characters copying
// from other programs leaves behind (zero-width space, soft hyphen).
// clang-format off
bool is_separator(char32_t c) {
  switch (c) {
    case ' ': case '\t': case '\n': case '\r': case '\f': case '\v':
    case 0x00A0: case 0x3000:                                  // no-break, ideographic space
    case '-': case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
    case 0x2212: case 0xFE63: case 0xFF0D:                     // minus, small and full-width hyphen-minus
    case 0x30FC: case 0xFF70:                                  // ー ｰ
    case 0x30FB: case 0xFF65: case 0x00B7: case 0x2027:        // ・ ･ · ‧
    case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF: case 0x00AD:  // invisible, soft hyphen
      return true;
    default:
      return false;
  }
}

// Hyphens, dashes, minus signs and the long-vowel mark, as people type them
// in phone numbers (full-width '－' is folded with the rest of ASCII).
bool is_dash(char32_t c) {
  switch (c) {
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
    case 0x2212: case 0xFE63: case 0x30FC: case 0xFF70:
      return true;
    default:
      return false;
  }
}
// clang-format on

// Half-width katakana U+FF61..U+FF9D → full-width (sound marks are composed
// separately).
// clang-format off
constexpr std::array<char32_t, 0xFF9D - 0xFF61 + 1> k_half_kana = {
    0x3002, 0x300C, 0x300D, 0x3001, 0x30FB,                  // ｡ ｢ ｣ ､ ･
    0x30F2,                                                  // ｦ
    0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9,                  // ｧ ｨ ｩ ｪ ｫ
    0x30E3, 0x30E5, 0x30E7, 0x30C3,                          // ｬ ｭ ｮ ｯ
    0x30FC,                                                  // ｰ
    0x30A2, 0x30A4, 0x30A6, 0x30A8, 0x30AA,                  // ｱ ｲ ｳ ｴ ｵ
    0x30AB, 0x30AD, 0x30AF, 0x30B1, 0x30B3,                  // ｶ ｷ ｸ ｹ ｺ
    0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD,                  // ｻ ｼ ｽ ｾ ｿ
    0x30BF, 0x30C1, 0x30C4, 0x30C6, 0x30C8,                  // ﾀ ﾁ ﾂ ﾃ ﾄ
    0x30CA, 0x30CB, 0x30CC, 0x30CD, 0x30CE,                  // ﾅ ﾆ ﾇ ﾈ ﾉ
    0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB,                  // ﾊ ﾋ ﾌ ﾍ ﾎ
    0x30DE, 0x30DF, 0x30E0, 0x30E1, 0x30E2,                  // ﾏ ﾐ ﾑ ﾒ ﾓ
    0x30E4, 0x30E6, 0x30E8,                                  // ﾔ ﾕ ﾖ
    0x30E9, 0x30EA, 0x30EB, 0x30EC, 0x30ED,                  // ﾗ ﾘ ﾙ ﾚ ﾛ
    0x30EF, 0x30F3,                                          // ﾜ ﾝ
};
// clang-format on

// Latin-1 Supplement and Latin Extended-A letters → their base letter
// (lower case); 0 = leave as is.
// clang-format off
char32_t latin_base(char32_t c) {
  static constexpr char k_latin1[] =  // U+00C0..U+00FF (0 = not a letter)
      "aaaaaaaceeeeiiii"
      "dnooooo\0ouuuuyts"
      "aaaaaaaceeeeiiii"
      "dnooooo\0ouuuuyty";
  if (c >= 0xC0 && c <= 0xFF) {
    char b = k_latin1[c - 0xC0];
    return b ? static_cast<char32_t>(b) : 0;
  }
  switch (c) {  // macrons and the few others romanised Japanese uses
    case 0x0100: case 0x0101: return 'a';
    case 0x0112: case 0x0113: return 'e';
    case 0x012A: case 0x012B: return 'i';
    case 0x014C: case 0x014D: return 'o';
    case 0x016A: case 0x016B: return 'u';
    case 0x0106: case 0x0107: case 0x010C: case 0x010D: return 'c';
    case 0x0141: case 0x0142: return 'l';
    case 0x015A: case 0x015B: case 0x0160: case 0x0161: return 's';
    case 0x017B: case 0x017C: case 0x017D: case 0x017E: return 'z';
    default: return 0;
  }
}
// clang-format on

char32_t fold_char(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0x80) return c;
  if (c >= 0xFF01 && c <= 0xFF5E) return fold_char(c - 0xFEE0);  // full-width ASCII
  if (c >= 0xFF61 && c <= 0xFF9D) return k_half_kana[c - 0xFF61];
  if (c >= 0x3041 && c <= 0x3096) return c + 0x60;  // hiragana → katakana
  if (c == 0x309D || c == 0x309E) return c + 0x60;  // ゝゞ → ヽヾ
  if (char32_t b = latin_base(c)) return b;
  return c;
}

bool is_voiced_mark(char32_t c) { return c == 0xFF9E || c == 0x3099 || c == 0x309B; }
bool is_semi_voiced_mark(char32_t c) { return c == 0xFF9F || c == 0x309A || c == 0x309C; }

// The katakana `base` with a sound mark, or 0 if it takes none.
char32_t compose(char32_t base, bool semi) {
  if (!semi && ((base >= 0x30AB && base <= 0x30C2 && (base - 0x30AB) % 2 == 0) ||  // カ..ヂ: カキクケコサシスセソタチ
                base == 0x30C4 || base == 0x30C6 || base == 0x30C8))               // ツ テ ト
    return base + 1;
  if (base == 0x30CF || base == 0x30D2 || base == 0x30D5 || base == 0x30D8 || base == 0x30DB)  // ハ行
    return base + (semi ? 2 : 1);
  if (!semi && base == 0x30A6) return 0x30F4;  // ウ → ヴ
  return 0;
}

// A Latin letter or digit after folding: where names need word boundaries.
bool is_latin(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}

// Folded text: the significant characters, where each came from (code point
// indexes [first, last)), and whether separators stood before it.
struct Folded {
  std::vector<char32_t> c;
  std::vector<std::uint32_t> first;
  std::vector<std::uint32_t> last;
  std::vector<std::uint8_t> sep_before;
};

Folded fold(const std::vector<CodePoint>& cps, std::size_t from, std::size_t to) {
  Folded f;
  f.c.reserve(to - from);
  f.first.reserve(to - from);
  f.last.reserve(to - from);
  f.sep_before.reserve(to - from);
  bool pending_sep = false;
  for (std::size_t i = from; i < to; ++i) {
    char32_t c = cps[i].c;
    if (is_separator(c)) {
      pending_sep = true;
      continue;
    }
    const bool voiced = is_voiced_mark(c), semi = is_semi_voiced_mark(c);
    if (voiced || semi) {
      if (!f.c.empty() && !pending_sep) {
        if (char32_t composed = compose(f.c.back(), semi)) {
          f.c.back() = composed;
          f.last.back() = static_cast<std::uint32_t>(i + 1);
          continue;
        }
      }
      c = semi ? 0x309C : 0x309B;
    } else {
      c = fold_char(c);
    }
    f.c.push_back(c);
    f.first.push_back(static_cast<std::uint32_t>(i));
    f.last.push_back(static_cast<std::uint32_t>(i + 1));
    f.sep_before.push_back(pending_sep ? 1 : 0);
    pending_sep = false;
  }
  return f;
}

// --- kinds -----------------------------------------------------------------------

// Term kinds in order of precedence when two terms fold alike.
constexpr std::array<std::string_view, 4> k_term_kinds = {"organization", "person", "site", "word"};

int term_kind_index(std::string_view kind) {
  for (std::size_t i = 0; i < k_term_kinds.size(); ++i)
    if (k_term_kinds[i] == kind) return static_cast<int>(i);
  return 3;
}

// --- legal forms of organisation names ------------------------------------------

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

// `s` without spaces and commas (ASCII, ideographic, 、 ，) at either end.
std::string_view trim_name(std::string_view s) {
  static constexpr std::string_view k_trimmed[] = {" ", "\t", ",", "\xE3\x80\x80", "\xE3\x80\x81", "\xEF\xBC\x8C"};
  for (bool hit = true; hit && !s.empty();) {
    hit = false;
    for (auto w : k_trimmed) {
      if (s.starts_with(w)) {
        s.remove_prefix(w.size());
        hit = true;
      }
      if (s.ends_with(w)) {
        s.remove_suffix(w.size());
        hit = true;
      }
    }
  }
  return s;
}

// The name without its legal form (株式会社, Co., Ltd., …), or "" if it has none.
std::string strip_legal_forms(std::string_view name) {
  static constexpr std::string_view k_japanese[] = {"株式会社",
                                                    "有限会社",
                                                    "合同会社",
                                                    "合資会社",
                                                    "合名会社",
                                                    "一般社団法人",
                                                    "公益社団法人",
                                                    "一般財団法人",
                                                    "公益財団法人",
                                                    "独立行政法人",
                                                    "国立研究開発法人",
                                                    "(株)",
                                                    "（株）",
                                                    "㈱",
                                                    "(有)",
                                                    "（有）",
                                                    "㈲"};
  static constexpr std::string_view k_latin[] = {// suffixes, longest first
                                                 "co., ltd.",   "co.,ltd.", "co. ltd.", "co., ltd", "co.,ltd", "co ltd",
                                                 "corporation", "limited",  "ltd.",     "ltd",      "inc.",    "inc",
                                                 "corp.",       "corp",     "k.k.",     "g.k.",     "llc",     "co."};
  std::string_view s = trim_name(name);
  const std::string_view original = s;
  for (bool changed = true; changed && !s.empty();) {
    changed = false;
    for (auto form : k_japanese) {
      if (s.starts_with(form)) {
        s = trim_name(s.substr(form.size()));
        changed = true;
      }
      if (s.ends_with(form)) {
        s = trim_name(s.substr(0, s.size() - form.size()));
        changed = true;
      }
    }
    for (auto form : k_latin) {
      if (s.size() > form.size() && iequals_ascii(s.substr(s.size() - form.size()), form)) {
        char before = s[s.size() - form.size() - 1];
        if (before == ' ' || before == ',') {
          s = trim_name(s.substr(0, s.size() - form.size()));
          changed = true;
        }
      }
    }
  }
  if (s == original || s.empty()) return {};
  return std::string(s);
}

}  // namespace

// --- the term trie -------------------------------------------------------------------

struct Redactor::Trie {
  std::unordered_map<std::uint64_t, std::uint32_t> edges;  // (node << 32 | code point) → child
  std::vector<int> terminal{-1};                           // per node: kind index, -1 = none
  std::size_t terms = 0;

  std::uint32_t child(std::uint32_t node, char32_t c) const {
    auto it = edges.find((static_cast<std::uint64_t>(node) << 32) | c);
    return it == edges.end() ? 0 : it->second;  // 0 (the root) = no edge
  }
  std::uint32_t add_child(std::uint32_t node, char32_t c) {
    auto [it, inserted] =
        edges.try_emplace((static_cast<std::uint64_t>(node) << 32) | c, static_cast<std::uint32_t>(terminal.size()));
    if (inserted) terminal.push_back(-1);
    return it->second;
  }

  void insert(std::string_view text, int kind) {
    auto cps = decode(text);
    Folded f = fold(cps, 0, cps.size());
    if (f.c.size() < 2) return;
    std::uint32_t node = 0;
    for (std::size_t k = 0; k < f.c.size(); ++k) {
      if (k > 0 && f.sep_before[k] && is_latin(f.c[k - 1]) && is_latin(f.c[k])) node = add_child(node, k_sep_edge);
      node = add_child(node, f.c[k]);
    }
    if (terminal[node] < 0) ++terms;
    if (terminal[node] < 0 || kind < terminal[node]) terminal[node] = kind;
  }

  // Every term starting at f.c[p]: (end index, kind).
  void walk(const Folded& f, std::size_t p, std::uint32_t node, std::size_t i,
            std::vector<std::pair<std::size_t, int>>& found) const {
    if (terminal[node] >= 0) found.emplace_back(i, terminal[node]);
    if (i == f.c.size()) return;
    const char32_t c = f.c[i];
    const bool latin_pair = i > p && is_latin(f.c[i - 1]) && is_latin(c);
    if (latin_pair && f.sep_before[i]) {  // "Yamada Taro": the term must have a space here too
      if (std::uint32_t s = child(node, k_sep_edge))
        if (std::uint32_t n = child(s, c)) walk(f, p, n, i + 1, found);
      return;
    }
    if (std::uint32_t n = child(node, c)) walk(f, p, n, i + 1, found);
    if (latin_pair)  // "YamadaTaro" still matches "Yamada Taro"
      if (std::uint32_t s = child(node, k_sep_edge))
        if (std::uint32_t n = child(s, c)) walk(f, p, n, i + 1, found);
  }
};

namespace {

struct Span {
  std::size_t first = 0;  // code point indexes [first, last)
  std::size_t last = 0;
  std::string_view kind;
};

// Appends the term matches in code points [from, to) to `out`.
void find_terms(const Redactor::Trie& trie, const std::vector<CodePoint>& cps, std::size_t from, std::size_t to,
                std::vector<Span>& out) {
  if (trie.terms == 0 || from >= to) return;
  Folded f = fold(cps, from, to);
  std::vector<std::pair<std::size_t, int>> found;
  std::size_t p = 0;
  while (p < f.c.size()) {
    // A term starting with a Latin letter needs a boundary before it.
    if (p > 0 && !f.sep_before[p] && is_latin(f.c[p]) && is_latin(f.c[p - 1])) {
      ++p;
      continue;
    }
    found.clear();
    if (std::uint32_t n = trie.child(0, f.c[p])) trie.walk(f, p, n, p + 1, found);
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    bool matched = false;
    for (auto [end, kind] : found) {
      if (end < f.c.size() && !f.sep_before[end] && is_latin(f.c[end - 1]) && is_latin(f.c[end])) continue;
      out.push_back({f.first[p], f.last[end - 1], k_term_kinds[static_cast<std::size_t>(kind)]});
      p = end;
      matched = true;
      break;
    }
    if (!matched) ++p;
  }
}

// --- the patterns ------------------------------------------------------------------

// The text as ASCII for the scanners: full-width ASCII folded, every dash
// and the long-vowel mark as '-', ideographic space as ' ', anything else
// non-ASCII as 0x01 (a boundary that matches nothing).
struct PatternText {
  const std::vector<CodePoint>& cps;
  std::string pc;

  explicit PatternText(const std::vector<CodePoint>& cps_) : cps(cps_) {
    pc.reserve(cps.size());
    for (const auto& cp : cps) {
      char32_t c = cp.c;
      if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
      if (is_dash(c))
        c = '-';
      else if (c == 0x3000 || c == 0x00A0)
        c = ' ';
      pc += c < 0x80 ? static_cast<char>(c) : '\x01';
    }
  }
  char at(std::size_t i) const { return i < pc.size() ? pc[i] : '\0'; }
  char32_t cp(std::size_t i) const { return i < cps.size() ? cps[i].c : 0; }
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

constexpr std::size_t k_none = static_cast<std::size_t>(-1);

// Digits [i, j) with at most `max` of them, as a number; k_none if none or more.
std::size_t read_number(const PatternText& t, std::size_t i, std::size_t max, std::size_t& j) {
  j = i;
  std::size_t v = 0;
  while (is_digit(t.at(j)) && j - i <= max) v = v * 10 + static_cast<std::size_t>(t.at(j++) - '0');
  if (j == i || j - i > max) return k_none;
  return v;
}

// An e-mail address around the '@' at `at`.
std::optional<Span> scan_email(const PatternText& t, std::size_t at) {
  auto local = [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; };
  std::size_t b = at;
  while (b > 0 && local(t.at(b - 1))) --b;
  while (b < at && t.at(b) == '.') ++b;
  if (b == at) return std::nullopt;
  std::size_t j = at + 1, labels = 0, last_start = j;
  for (;;) {
    std::size_t s = j;
    while (is_alnum(t.at(j)) || t.at(j) == '-') ++j;
    if (j == s) break;
    ++labels;
    last_start = s;
    if (t.at(j) == '.' && is_alnum(t.at(j + 1))) {
      ++j;
      continue;
    }
    break;
  }
  if (labels < 2 || j - last_start < 2) return std::nullopt;
  for (std::size_t k = last_start; k < j; ++k)
    if (!is_alpha(t.at(k))) return std::nullopt;
  return Span{b, j, "email"};
}

// An IPv4 address (optionally /prefix or :port) starting at i; the end or k_none.
std::size_t parse_ipv4(const PatternText& t, std::size_t i) {
  std::size_t j = i;
  for (int k = 0; k < 4; ++k) {
    if (k > 0) {
      if (t.at(j) != '.') return k_none;
      ++j;
    }
    std::size_t e = 0;
    std::size_t v = read_number(t, j, 3, e);
    if (v == k_none || v > 255) return k_none;
    j = e;
  }
  if (is_alnum(t.at(j)) || t.at(j) == '_' || (t.at(j) == '.' && is_digit(t.at(j + 1)))) return k_none;
  std::size_t e = 0;
  if (t.at(j) == '/') {
    std::size_t v = read_number(t, j + 1, 2, e);
    if (v != k_none && v <= 32 && !is_alnum(t.at(e))) j = e;
  } else if (t.at(j) == ':') {
    std::size_t v = read_number(t, j + 1, 5, e);
    if (v != k_none && v <= 65535 && !is_alnum(t.at(e)) && t.at(e) != ':') j = e;
  }
  return j;
}

// An IPv6 address starting at i: eight groups, or fewer with one "::".
std::size_t parse_ipv6(const PatternText& t, std::size_t i) {
  std::size_t j = i, groups = 0, hex_digits = 0;
  bool compressed = false, leading = false;
  if (t.at(j) == ':' && t.at(j + 1) == ':') {
    compressed = leading = true;
    j += 2;
  }
  while (is_hex(t.at(j))) {
    std::size_t s = j;
    while (is_hex(t.at(j))) ++j;
    if (t.at(j) == '.') {  // an IPv4 tail (::ffff:192.0.2.1)
      std::size_t e = parse_ipv4(t, s);
      if (e == k_none || groups > 6) return k_none;
      groups += 2;
      j = e;
      break;
    }
    if (j - s > 4) return k_none;
    ++groups;
    hex_digits += j - s;
    if (t.at(j) != ':') break;
    if (t.at(j + 1) == ':') {
      if (compressed) break;  // a second "::" ends the address before it
      compressed = true;
      j += 2;
      continue;
    }
    if (!is_hex(t.at(j + 1))) break;
    ++j;
  }
  if (is_alnum(t.at(j)) || t.at(j) == '_') return k_none;
  // "a::b" in prose is not an address: a compressed one not starting with
  // "::" needs two groups and four hex digits (fe80::1).
  if (compressed ? (groups == 0 || groups > 7 || (!leading && (groups < 2 || hex_digits < 4))) : groups != 8)
    return k_none;
  std::size_t e = 0;
  if (t.at(j) == '/') {
    std::size_t v = read_number(t, j + 1, 3, e);
    if (v != k_none && v <= 128 && !is_alnum(t.at(e))) j = e;
  }
  return j;
}

// A Japanese phone number starting at i (domestic 0…, or +81), with an
// optional extension; the end or k_none.
std::size_t parse_phone(const PatternText& t, std::size_t i) {
  std::size_t j = i;
  bool international = false;
  if (t.at(j) == '+') {
    if (t.at(j + 1) != '8' || t.at(j + 2) != '1') return k_none;
    international = true;
    j += 3;
    if (t.at(j) == ' ' || t.at(j) == '-') ++j;
    if (t.at(j) == '(' && t.at(j + 1) == '0' && t.at(j + 2) == ')') j += 3;
  }
  std::string digits;
  std::size_t groups = 0, first_len = 0, last_len = 0, best = k_none;
  auto acceptable = [&] {
    const std::size_t n = digits.size();
    if (last_len < 3 && groups > 1) return false;
    if (international) {
      if (digits[0] == '0' || n < 9 || n > 10) return false;
      return groups == 1 || (first_len >= 1 && first_len <= 4);
    }
    if (digits[0] != '0' || digits[1] == '0' || (n != 10 && n != 11)) return false;
    // 090, 080, 070, 050 and 0800 numbers have 11 digits, others 10.
    const bool eleven = digits[1] >= '5' && digits[2] == '0' && digits[1] != '6';
    if ((n == 11) != eleven) return false;
    return groups == 1 || (first_len >= 2 && first_len <= 5);
  };
  while (groups < 5) {
    bool paren = false;
    if (t.at(j) == '(') {
      paren = true;
      ++j;
    }
    std::size_t s = j;
    while (is_digit(t.at(j))) digits += t.at(j++);
    const std::size_t len = j - s;
    if (len == 0 || (len > 5 && !(groups == 0 && len >= 9))) break;
    if (paren) {
      if (t.at(j) != ')') break;
      ++j;
    }
    ++groups;
    if (groups == 1) first_len = len;
    last_len = len;
    if (digits.size() > 11) break;
    if (digits.size() >= 2 && acceptable() && !is_digit(t.at(j))) best = j;
    if (paren && is_digit(t.at(j))) continue;               // 03(1234)5678
    if (t.at(j) == '(' && is_digit(t.at(j + 1))) continue;  // 03(1234)
    if ((t.at(j) == '-' || t.at(j) == ' ') && (is_digit(t.at(j + 1)) || t.at(j + 1) == '(')) {
      ++j;
      continue;
    }
    break;
  }
  if (best == k_none) return k_none;
  // An extension: 内線 123, ext. 123, x123, also in parentheses.
  std::size_t k = best;
  while (t.at(k) == ' ') ++k;
  bool paren = false;
  if (t.at(k) == '(') {
    paren = true;
    ++k;
  }
  std::size_t after = k_none;
  if (t.cp(k) == 0x5185 && t.cp(k + 1) == 0x7DDA) {  // 内線
    after = k + 2;
  } else if (lower(t.at(k)) == 'e' && lower(t.at(k + 1)) == 'x' && lower(t.at(k + 2)) == 't') {
    after = k + 3;
    if (t.at(after) == '.') ++after;
  } else if (lower(t.at(k)) == 'x' && is_digit(t.at(k + 1))) {
    after = k + 1;
  }
  if (after != k_none) {
    while (t.at(after) == ' ' || t.at(after) == ':' || t.at(after) == '.') ++after;
    std::size_t e = 0;
    if (read_number(t, after, 6, e) != k_none && !is_digit(t.at(e))) {
      if (paren && t.at(e) == ')') ++e;
      best = e;
    }
  }
  return best;
}

bool is_file_extension(std::string_view ext) {
  static constexpr std::string_view k_ext[] = {
      "pdf",  "exe",    "txt",  "csv",  "tsv",  "xls", "xlsx", "xlsm", "doc", "docx", "ppt",  "pptx",  "zip",
      "lzh",  "log",    "json", "xml",  "yaml", "yml", "html", "htm",  "png", "jpg",  "jpeg", "gif",   "bmp",
      "svg",  "bak",    "cfg",  "conf", "ini",  "dll", "sys",  "bat",  "cmd", "ps1",  "sh",   "py",    "js",
      "ts",   "md",     "rtf",  "tar",  "gz",   "tgz", "bz2",  "xz",   "msi", "iso",  "img",  "bin",   "hex",
      "pcap", "pcapng", "evtx", "db",   "sql",  "mp4", "mov",  "wav",  "mp3", "vbs",  "jar",  "cab",   "tmp",
      "dat",  "old",    "pl",   "rb",   "go",   "rs",  "cpp",  "hpp",  "h",   "c",    "java", "class", "so",
      "ko",   "efi",    "rom",  "ova",  "vmdk", "vhd", "vhdx", "key",  "pem", "crt",  "cer",  "der",   "pfx",
      "p12",  "csr",    "apk",  "dmg",  "pkg",  "deb", "rpm",  "eml",  "msg"};
  for (auto e : k_ext)
    if (e == ext) return true;
  return false;
}

// The ISO 3166 country-code TLDs (and eu, su, uk, ac).
constexpr std::string_view k_country_codes =
    "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz "
    "ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fk "
    "fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq "
    "ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh "
    "mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk "
    "pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su sv sx sy sz "
    "tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm "
    "zw";

bool is_tld_like(std::string_view label) {
  if (label.size() == 2) {
    for (std::size_t k = 0; k + 1 < k_country_codes.size(); k += 3)
      if (k_country_codes.substr(k, 2) == label) return !is_file_extension(label);
    return false;
  }
  static constexpr std::string_view k_tld[] = {
      // generic and common new ones
      "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "aero", "coop", "asia", "jobs",
      "mobi", "tel", "travel", "app", "dev", "cloud", "site", "online", "tech", "xyz", "top", "shop", "store", "global",
      "group", "ltd", "inc", "company", "systems", "network", "email", "digital", "solutions", "services", "center",
      "works", "energy", "industries", "engineering", "institute", "technology", "academy",
      // Japanese city and brand TLDs
      "tokyo", "osaka", "nagoya", "yokohama", "kyoto", "okinawa", "ryukyu", "kobe", "jprs",
      // internal names
      "local", "localdomain", "localhost", "lan", "corp", "internal", "intranet", "intra", "home", "private", "priv",
      "test", "example", "invalid", "arpa", "ad"};
  for (auto t : k_tld)
    if (t == label) return true;
  return false;
}

// A dotted host name starting at i.
std::size_t parse_host(const PatternText& t, std::size_t i) {
  std::size_t j = i, labels = 0, longest = 0, last_start = i;
  for (;;) {
    std::size_t s = j;
    while (is_alnum(t.at(j)) || t.at(j) == '-' || t.at(j) == '_') ++j;
    if (j == s || j - s > 63 || !is_alnum(t.at(j - 1)) || !is_alnum(t.at(s))) return k_none;
    ++labels;
    longest = std::max(longest, j - s);
    last_start = s;
    if (t.at(j) == '.' && is_alnum(t.at(j + 1))) {
      ++j;
      continue;
    }
    break;
  }
  if (labels < 2 || longest < 2) return k_none;
  std::string last;
  for (std::size_t k = last_start; k < j; ++k) {
    if (!is_alpha(t.at(k))) return k_none;
    last += lower(t.at(k));
  }
  if (is_file_extension(last) || !is_tld_like(last)) return k_none;
  std::string name;
  for (std::size_t k = i; k < j; ++k) name += lower(t.at(k));
  static constexpr std::string_view k_not_hosts[] = {"asp.net", "vb.net", "ado.net", "node.js", "vue.js"};
  for (auto n : k_not_hosts)
    if (n == name) return k_none;
  return j;
}

// Every pattern match, leftmost first, longest on a tie, none overlapping.
std::vector<Span> find_patterns(const PatternText& t) {
  std::vector<Span> found;
  const std::size_t n = t.pc.size();
  auto prev = [&](std::size_t i) { return i == 0 ? '\0' : t.pc[i - 1]; };
  for (std::size_t i = 0; i < n; ++i) {
    const char c = t.pc[i];
    if (c == '@') {
      if (auto s = scan_email(t, i)) found.push_back(*s);
      continue;
    }
    const char p = prev(i);
    if (is_digit(c) && !is_alnum(p) && p != '.' && p != '_') {
      std::size_t e = parse_ipv4(t, i);
      if (e != k_none) found.push_back({i, e, "ip"});
    }
    if ((is_hex(c) || (c == ':' && t.at(i + 1) == ':')) && !is_alnum(p) && p != ':' && p != '.' && p != '_') {
      std::size_t e = parse_ipv6(t, i);
      if (e != k_none) found.push_back({i, e, "ip"});
    }
    if ((c == '0' || c == '+' || c == '(') && !is_digit(p) && p != '.' && p != '+' &&
        !(p == '-' && i >= 2 && is_digit(t.pc[i - 2]))) {
      std::size_t e = parse_phone(t, i);
      if (e != k_none) found.push_back({i, e, "phone"});
    }
    if (is_alnum(c) && !is_alnum(p) && p != '-' && p != '_' && p != '.' && p != '@') {
      std::size_t e = parse_host(t, i);
      if (e != k_none) found.push_back({i, e, "host"});
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const Span& a, const Span& b) {
    if (a.first != b.first) return a.first < b.first;
    return a.last - a.first > b.last - b.first;
  });
  std::vector<Span> chosen;
  for (const auto& s : found)
    if (chosen.empty() || s.first >= chosen.back().last) chosen.push_back(s);
  return chosen;
}

RedactResult redact_with(const Redactor::Trie* trie, std::string_view text, std::string_view lang) {
  RedactResult r;
  auto cps = decode(text);
  PatternText pt(cps);
  std::vector<Span> spans = find_patterns(pt);
  if (trie && trie->terms > 0) {
    std::vector<Span> terms;
    std::size_t from = 0;
    for (const auto& s : spans) {
      find_terms(*trie, cps, from, s.first, terms);
      from = s.last;
    }
    find_terms(*trie, cps, from, cps.size(), terms);
    spans.insert(spans.end(), terms.begin(), terms.end());
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.first < b.first; });
  }
  r.text.reserve(text.size());
  std::size_t i = 0;
  auto copy_until = [&](std::size_t end) {
    for (; i < end; ++i) {
      if (cps[i].c == k_invalid)
        r.text += "\xEF\xBF\xBD";
      else
        r.text.append(text.substr(cps[i].b, cps[i].e - cps[i].b));
    }
  };
  for (const auto& s : spans) {
    copy_until(s.first);
    r.text += redaction_placeholder(s.kind, lang);
    ++r.counts[std::string(s.kind)];
    i = s.last;
  }
  copy_until(cps.size());
  return r;
}

}  // namespace

// --- public ------------------------------------------------------------------------

std::string redaction_placeholder(std::string_view kind, std::string_view lang) {
  struct Names {
    std::string_view kind, ja, en;
  };
  static constexpr Names k_names[] = {{"organization", "［組織名］", "[organisation]"},
                                      {"site", "［拠点名］", "[site]"},
                                      {"person", "［人名］", "[person]"},
                                      {"word", "［非公開語］", "[withheld]"},
                                      {"email", "［メール］", "[e-mail]"},
                                      {"phone", "［電話番号］", "[phone]"},
                                      {"ip", "［IPアドレス］", "[IP address]"},
                                      {"host", "［ホスト名］", "[host]"}};
  const Names* hit = &k_names[3];
  for (const auto& n : k_names)
    if (n.kind == kind) hit = &n;
  return std::string(lang == "en" ? hit->en : hit->ja);
}

Redactor::Redactor(std::vector<RedactTerm> terms, std::string lang)
    : m_trie(std::make_unique<Trie>()), m_lang(std::move(lang)) {
  for (const auto& term : terms) {
    const int kind = term_kind_index(term.kind);
    m_trie->insert(term.text, kind);
    if (kind == 0)
      if (auto bare = strip_legal_forms(term.text); !bare.empty()) m_trie->insert(bare, kind);
  }
}

Redactor::~Redactor() = default;
Redactor::Redactor(Redactor&&) noexcept = default;
Redactor& Redactor::operator=(Redactor&&) noexcept = default;

std::size_t Redactor::term_count() const { return m_trie ? m_trie->terms : 0; }

RedactResult Redactor::redact(std::string_view text) const { return redact_with(m_trie.get(), text, m_lang); }

RedactResult redact_patterns(std::string_view text, std::string_view lang) { return redact_with(nullptr, text, lang); }

std::string quote_id(std::string_view key, std::string_view item_id, std::string_view org,
                     std::string_view original_text) {
  std::string message;
  message.reserve(item_id.size() + org.size() + original_text.size() + 2);
  message.append(item_id);
  message += '\0';
  message.append(org);
  message += '\0';
  message.append(original_text);
  static const unsigned char k_empty = 0;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  const void* key_data = key.empty() ? static_cast<const void*>(&k_empty) : key.data();
  if (!HMAC(EVP_sha256(), key_data, static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_len) ||
      mac_len < 5)
    throw std::runtime_error("HMAC-SHA256 failed");
  static constexpr char k_crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::uint64_t bits = 0;
  for (int k = 0; k < 5; ++k) bits = (bits << 8) | mac[k];
  std::string id = "Q-";
  for (int k = 7; k >= 0; --k) id += k_crockford[(bits >> (5 * k)) & 31];
  return id;
}

// --- the word list -------------------------------------------------------------------

namespace {

bool is_list_separator(char32_t c) { return c == ',' || c == '|' || c == '\t' || c == 0xFF0C || c == 0xFF5C; }
bool is_blank(char32_t c) { return c == ' ' || c == '\t' || c == '\r' || c == 0x3000 || c == 0xFEFF; }

std::optional<std::string_view> prefix_kind(std::string_view prefix) {
  std::string p;
  for (char ch : prefix) p += lower(ch);
  if (p == "org" || p == "organization" || p == "organisation") return "organization";
  if (p == "site") return "site";
  if (p == "person") return "person";
  if (p == "word") return "word";
  return std::nullopt;
}

}  // namespace

Result<std::vector<RedactTerm>> parse_word_list(std::string_view bytes, const std::string& file) {
  std::string storage;
  auto decoded = io::decode_text(bytes, io::Encoding::kAuto, file, storage);
  if (!decoded) return decoded.status();
  std::string_view text = decoded->text;
  std::vector<RedactTerm> terms;
  std::uint64_t line_no = 0;
  while (!text.empty() || line_no == 0) {
    ++line_no;
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    auto cps = decode(line);
    std::size_t i = 0;
    while (i < cps.size() && is_blank(cps[i].c)) ++i;
    if (i == cps.size() || cps[i].c == '#') {
      if (text.empty()) break;
      continue;
    }
    auto where = [&](std::size_t cp_index, std::string field) {
      return Location{file, line_no, cp_index + 1, std::move(field)};
    };
    // An ASCII word followed by ':' or '：' is a prefix.
    std::string_view kind = "word";
    bool had_prefix = false;
    {
      std::size_t k = i;
      while (k < cps.size() && cps[k].c < 0x80 && is_alpha(static_cast<char>(cps[k].c))) ++k;
      std::size_t colon = k;
      while (colon < cps.size() && is_blank(cps[colon].c)) ++colon;
      if (k > i && colon < cps.size() && (cps[colon].c == ':' || cps[colon].c == 0xFF1A)) {
        std::string_view word = line.substr(cps[i].b, cps[k - 1].e - cps[i].b);
        auto known = prefix_kind(word);
        if (!known)
          return Status::bad_input(fmt::format("unknown prefix \"{}:\" (expected org:, site:, person: or word:)", word),
                                   where(i, "prefix"));
        kind = *known;
        had_prefix = true;
        i = colon + 1;
      }
    }
    std::size_t variants = 0;
    for (;;) {
      std::size_t s = i;
      while (i < cps.size() && !is_list_separator(cps[i].c)) ++i;
      std::size_t b = s, e = i;
      while (b < e && is_blank(cps[b].c)) ++b;
      while (e > b && is_blank(cps[e - 1].c)) --e;
      const bool last = i >= cps.size();
      if (b == e) {
        if (had_prefix && variants == 0 && last)
          return Status::bad_input(fmt::format("\"{}:\" is followed by no words", kind), where(s, "variant"));
        return Status::bad_input(fmt::format("empty variant (two separators in a row, or one at the {} of the line)",
                                             last ? "end" : (variants == 0 ? "start" : "middle")),
                                 where(s, "variant"));
      }
      std::string variant;
      for (std::size_t k = b; k < e; ++k) {
        if (cps[k].c == k_invalid) {
          return Status::bad_input("invalid UTF-8 in a variant", where(k, "variant"));
        }
        append_utf8(variant, cps[k].c);
      }
      terms.push_back({std::move(variant), std::string(kind)});
      ++variants;
      if (last) break;
      ++i;  // past the separator
    }
    if (text.empty()) break;
  }
  return terms;
}

}  // namespace kunren::analysis
