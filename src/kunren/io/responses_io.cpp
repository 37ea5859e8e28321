#include <kunren/io/responses_io.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <kunren/io/csv.hpp>
#include <kunren/io/yaml_document.hpp>
#include <kunren/util/file.hpp>

namespace kunren::io {

const char* to_string(ResponseFormat f) {
  switch (f) {
    case ResponseFormat::kAuto: return "auto";
    case ResponseFormat::kLongCsv: return "long-csv";
    case ResponseFormat::kWideCsv: return "wide-csv";
    case ResponseFormat::kJson: return "json";
  }
  return "auto";
}

namespace {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using StringIndex = std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>>;

// Equality of short strings (ids) without a call into memcmp: ids are
// compared once per row, so the call would cost more than the comparison.
inline bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  std::size_t n = a.size();
  for (; n >= 8; x += 8, y += 8, n -= 8) {
    std::uint64_t u;
    std::uint64_t v;
    std::memcpy(&u, x, 8);
    std::memcpy(&v, y, 8);
    if (u != v) return false;
  }
  for (; n > 0; --n) {
    if (*x++ != *y++) return false;
  }
  return true;
}

// Strips spaces and tabs, and the ideographic space U+3000 that Japanese
// input methods leave around cells.
std::string_view trim(std::string_view s) {
  constexpr std::string_view k_ideographic_space = "\xE3\x80\x80";
  for (;;) {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
      s.remove_prefix(1);
    } else if (s.starts_with(k_ideographic_space)) {
      s.remove_prefix(k_ideographic_space.size());
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
      s.remove_suffix(1);
    } else if (s.ends_with(k_ideographic_space)) {
      s.remove_suffix(k_ideographic_space.size());
    } else {
      break;
    }
  }
  return s;
}

// A cell whose leading number is written in full-width digits (０–９,
// U+FF10–FF19, as a Japanese input method types them) rewritten with ASCII
// digits; the rest of the cell (a label may contain such digits) unchanged.
// Returns false, leaving `out` alone, when the cell does not start so.
bool ascii_leading_digits(std::string_view s, std::string& out) {
  std::size_t i = 0;
  std::string digits;
  while (i + 2 < s.size() && s[i] == '\xEF' && s[i + 1] == '\xBC' &&
         static_cast<unsigned char>(s[i + 2]) >= 0x90 && static_cast<unsigned char>(s[i + 2]) <= 0x99) {
    digits.push_back(static_cast<char>('0' + (static_cast<unsigned char>(s[i + 2]) - 0x90)));
    i += 3;
  }
  if (digits.empty()) return false;
  out = digits;
  out.append(s.substr(i));
  return true;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Which standard column a header cell names, if any.
enum class Column { kNone, kOrg, kItem, kChoice, kComment, kName, kIndustry, kSize, kPseudonym };

Column column_of(std::string_view header) {
  std::string h = lower_ascii(trim(header));
  if (h == "org" || h == "organization" || h == "organisation" || h == "org_id" || h == "組織" || h == "組織id" ||
      h == "組織コード")
    return Column::kOrg;
  if (h == "item" || h == "item_id" || h == "設問" || h == "項目" || h == "項目id" || h == "設問id")
    return Column::kItem;
  if (h == "choice" || h == "answer" || h == "回答" || h == "選択肢") return Column::kChoice;
  if (h == "comment" || h == "コメント" || h == "分析コメント") return Column::kComment;
  if (h == "name" || h == "組織名" || h == "名称") return Column::kName;
  if (h == "industry" || h == "業種") return Column::kIndustry;
  if (h == "size" || h == "規模" || h == "従業員規模") return Column::kSize;
  if (h == "pseudonym" || h == "仮名") return Column::kPseudonym;
  return Column::kNone;
}

// Resolves item ids and item texts, and choice cells, for one checklist.
class ChecklistIndex {
 public:
  explicit ChecklistIndex(const model::Checklist& c) : m_checklist(c) {
    for (std::size_t i = 0; i < c.items.size(); ++i) {
      m_items.emplace(c.items[i].id, static_cast<std::uint32_t>(i));
      m_ids.emplace_back(c.items[i].id);
    }
    for (std::size_t i = 0; i < c.items.size(); ++i) {
      for (const auto& [lang, text] : c.items[i].text.variants()) {
        m_items.emplace(std::string(trim(text)), static_cast<std::uint32_t>(i));
      }
    }
    m_labels.resize(c.items.size());
    for (std::size_t i = 0; i < c.items.size(); ++i) {
      for (const auto& ch : c.items[i].choices) {
        for (const auto& [lang, text] : ch.label.variants()) {
          m_labels[i].emplace(std::string(trim(text)), static_cast<std::uint32_t>(ch.no));
        }
      }
    }
  }

  // Item by id or exact text; tries the item after `hint` first (files are
  // usually in checklist order).
  std::optional<std::uint32_t> item(std::string_view key, std::uint32_t hint) const {
    if (hint + 1 < m_ids.size() && same(m_ids[hint + 1], key)) return hint + 1;
    if (hint < m_ids.size() && same(m_ids[hint], key)) return hint;
    auto it = m_items.find(key);
    if (it == m_items.end()) {
      std::string_view t = trim(key);
      if (t.size() != key.size()) it = m_items.find(t);
      if (it == m_items.end()) return std::nullopt;
    }
    return it->second;
  }

  // A wide-CSV header that starts with an item id followed by a separator
  // ("IMP-P0-01 設備トラブルに…", "IMP-P0-01: …", "IMP-P0-01．…"), as
  // survey forms titled with the id produce.
  std::optional<std::uint32_t> item_by_leading_id(std::string_view header) const {
    for (std::uint32_t i = 0; i < m_ids.size(); ++i) {
      const std::string_view id = m_ids[i];
      if (header.size() <= id.size() || !header.starts_with(id)) continue;
      const std::string_view rest = header.substr(id.size());
      for (std::string_view sep : {" ", "\t", ":", ".", "\xE3\x80\x80", "\xEF\xBC\x9A", "\xEF\xBC\x8E"}) {
        if (rest.starts_with(sep)) return i;
      }
    }
    return std::nullopt;
  }

  // Returns the choice number (0 = no answer) or an error message.
  std::variant<std::uint8_t, std::string> choice(std::uint32_t item, std::string_view cell) const {
    const auto& it = m_checklist.items[item];
    const std::size_t k = it.choices.size();
    // Fast path: a single digit.
    if (cell.size() == 1 && cell[0] >= '1' && cell[0] <= '9') {
      std::size_t v = static_cast<std::size_t>(cell[0] - '0');
      if (v <= k) return static_cast<std::uint8_t>(v);
    }
    std::string_view c = trim(cell);
    if (c.empty()) return std::uint8_t{0};
    std::string converted;
    if (m_labels[item].find(c) == m_labels[item].end() && ascii_leading_digits(c, converted)) c = converted;
    std::size_t digits = 0;
    while (digits < c.size() && c[digits] >= '0' && c[digits] <= '9') ++digits;
    std::optional<std::size_t> number;
    if (digits > 0 && digits <= 3) {
      std::size_t v = 0;
      std::from_chars(c.data(), c.data() + digits, v);
      number = v;
    }
    if (number && digits == c.size()) {
      if (*number >= 1 && *number <= k) return static_cast<std::uint8_t>(*number);
      return fmt::format("choice {} is out of range for item {} (1–{})", *number, it.id, k);
    }
    auto by_label = m_labels[item].find(c);
    if (by_label != m_labels[item].end()) return static_cast<std::uint8_t>(by_label->second);
    // "N. label" (also "N.label" and the full-width "N．label").
    if (number) {
      std::string_view rest = c.substr(digits);
      bool dotted = false;
      if (rest.substr(0, 1) == ".") {
        rest.remove_prefix(1);
        dotted = true;
      } else if (rest.substr(0, 3) == "\xEF\xBC\x8E") {  // U+FF0E
        rest.remove_prefix(3);
        dotted = true;
      }
      if (dotted) {
        rest = trim(rest);
        auto label = m_labels[item].find(rest);
        if (*number < 1 || *number > k) {
          return fmt::format("choice '{}' is out of range for item {} (1–{})", c, it.id, k);
        }
        if (label == m_labels[item].end()) {
          return fmt::format("choice '{}': '{}' is not a label of item {} ({})", c, rest, it.id, choices_hint(item));
        }
        if (label->second != *number) {
          return fmt::format("choice '{}': the number says {} but the label is choice {} of item {}", c, *number,
                             label->second, it.id);
        }
        return static_cast<std::uint8_t>(*number);
      }
    }
    return fmt::format("unknown choice '{}' for item {}; expected a number 1–{}, a label or 'N. label' ({})", c,
                       it.id, k, choices_hint(item));
  }

 private:
  std::string choices_hint(std::uint32_t item) const {
    std::string out;
    for (const auto& ch : m_checklist.items[item].choices) {
      if (!out.empty()) out += " / ";
      out += fmt::format("{}. {}", ch.no, ch.label.text("ja"));
    }
    return out;
  }

  const model::Checklist& m_checklist;
  std::vector<std::string_view> m_ids;  // item ids by index, for the in-order fast path
  StringIndex m_items;
  std::vector<StringIndex> m_labels;
};

Location at(const CsvReader& r, std::string field = {}) { return Location{r.filename(), r.record_line(), 0, std::move(field)}; }

struct HeaderInfo {
  std::vector<std::string> names;
  std::vector<Column> columns;
  int find(Column c) const {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i] == c) return static_cast<int>(i);
    }
    return -1;
  }
};

Result<HeaderInfo> read_header(CsvReader& reader, std::vector<std::string_view>& fields) {
  if (!reader.next(fields)) {
    if (!reader.status().is_ok()) return reader.status();
    return Status::bad_input("the file is empty; expected a header line", Location{reader.filename(), 1, 0, {}});
  }
  HeaderInfo h;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    h.names.emplace_back(trim(fields[i]));
    Column c = column_of(fields[i]);
    if (c != Column::kNone) {
      for (std::size_t j = 0; j < i; ++j) {
        if (h.columns[j] == c) {
          return Status::bad_input(fmt::format("column '{}' appears twice (columns {} and {})", h.names[i], j + 1, i + 1),
                                   at(reader, h.names[i]));
        }
      }
    }
    h.columns.push_back(c);
  }
  return h;
}

Status ragged(const CsvReader& reader, std::size_t got, std::size_t want) {
  return Status::bad_input(fmt::format("row has {} fields but the header has {}", got, want), at(reader));
}

// Collects the organisations: fixed by an orgs file, or discovered in order.
class OrgTable {
 public:
  OrgTable(const std::vector<model::Organization>* fixed, std::size_t item_count, std::string orgs_file)
      : m_fixed(fixed != nullptr), m_item_count(item_count), m_orgs_file(std::move(orgs_file)) {
    if (fixed != nullptr) {
      m_orgs = *fixed;
      m_index.reserve(m_orgs.size());
      for (std::size_t i = 0; i < m_orgs.size(); ++i) m_index.emplace(m_orgs[i].id, static_cast<std::uint32_t>(i));
      m_answers.assign(m_orgs.size() * item_count, 0);
      m_seen.assign(m_orgs.size() * item_count, 0);
    }
  }

  // Expects about `orgs` organisations (a hint; saves regrowing large tables).
  void reserve(std::size_t orgs) {
    if (m_fixed) return;
    m_orgs.reserve(orgs);
    m_index.reserve(orgs);
    m_answers.reserve(orgs * m_item_count);
    m_seen.reserve(orgs * m_item_count);
  }

  // Index of the organisation, adding it when the set is not fixed.
  std::variant<std::uint32_t, std::string> find_or_add(std::string_view id) {
    if (m_last < m_orgs.size() && same(m_orgs[m_last].id, id)) return m_last;
    auto it = m_index.find(id);
    if (it != m_index.end()) {
      m_last = it->second;
      return m_last;
    }
    if (m_fixed) return fmt::format("org '{}' is not in the orgs file {}", id, m_orgs_file);
    m_last = add(id);
    return m_last;
  }

  // False if (org, item) was already answered.
  bool mark(std::uint32_t org, std::uint32_t item) {
    std::uint8_t& s = m_seen[static_cast<std::size_t>(org) * m_item_count + item];
    if (s != 0) return false;
    s = 1;
    return true;
  }
  void set(std::uint32_t org, std::uint32_t item, std::uint8_t choice) {
    m_answers[static_cast<std::size_t>(org) * m_item_count + item] = choice;
  }
  model::Organization& org(std::uint32_t i) { return m_orgs[i]; }
  bool fixed() const { return m_fixed; }

  // Folds in a table built from a later part of the same file. Returns the
  // mapping from the other table's org indexes to this table's, or nullopt
  // if an (org, item) was answered in both parts (a duplicate).
  std::optional<std::vector<std::uint32_t>> absorb(const OrgTable& other) {
    std::vector<std::uint32_t> map(other.m_orgs.size());
    for (std::size_t r = 0; r < other.m_orgs.size(); ++r) {
      auto it = m_index.find(other.m_orgs[r].id);
      const std::uint32_t g = it != m_index.end() ? it->second : add(other.m_orgs[r].id);
      map[r] = g;
      const std::uint8_t* seen = &other.m_seen[r * m_item_count];
      const std::uint8_t* ans = &other.m_answers[r * m_item_count];
      std::uint8_t* gseen = &m_seen[static_cast<std::size_t>(g) * m_item_count];
      std::uint8_t* gans = &m_answers[static_cast<std::size_t>(g) * m_item_count];
      for (std::size_t i = 0; i < m_item_count; ++i) {
        if (seen[i] == 0) continue;
        if (gseen[i] != 0) return std::nullopt;
        gseen[i] = 1;
        gans[i] = ans[i];
      }
    }
    return map;
  }

  model::ResponseSet finish() {
    model::ResponseSet r;
    r.orgs = std::move(m_orgs);
    r.item_count = m_item_count;
    r.answers = std::move(m_answers);
    return r;
  }

 private:
  std::uint32_t add(std::string_view id) {
    auto idx = static_cast<std::uint32_t>(m_orgs.size());
    model::Organization o;
    o.id = std::string(id);
    m_orgs.push_back(std::move(o));
    m_index.emplace(std::string(id), idx);
    m_answers.resize(m_answers.size() + m_item_count, 0);
    m_seen.resize(m_seen.size() + m_item_count, 0);
    return idx;
  }

  bool m_fixed;
  std::size_t m_item_count;
  std::string m_orgs_file;
  std::vector<model::Organization> m_orgs;
  StringIndex m_index;
  std::vector<std::uint8_t> m_answers;
  std::vector<std::uint8_t> m_seen;
  std::uint32_t m_last = UINT32_MAX;
};

// The line of the first long-CSV record naming (org, item); used only to
// word the duplicate error, so it may re-read the file.
std::uint64_t first_line_of(std::string_view text, const std::string& filename, int org_col, int item_col,
                            std::string_view org, std::uint32_t item, const ChecklistIndex& index) {
  CsvReader r(text, filename);
  std::vector<std::string_view> f;
  r.next(f);  // header
  while (r.next(f)) {
    if (static_cast<int>(f.size()) <= std::max(org_col, item_col)) continue;
    if (trim(f[static_cast<std::size_t>(org_col)]) != org) continue;
    auto i = index.item(f[static_cast<std::size_t>(item_col)], 0);
    if (i && *i == item) return r.record_line();
  }
  return 0;
}

// What the long-CSV reader needs to know about the file's columns.
struct LongLayout {
  const model::Checklist* checklist;
  const ChecklistIndex* index;
  const HeaderInfo* header;
  std::string_view text;  // the whole decoded file, for error wording
  std::size_t width;
  std::size_t org_col, item_col, choice_col;
  int comment_col;
};

// Reads long-CSV records from `reader` into `orgs` and `comments`.
Status read_long_records(const LongLayout& L, CsvReader& reader, OrgTable& orgs, std::vector<model::Comment>& comments,
                         std::size_t& cells) {
  const auto& names = L.header->names;
  std::vector<std::string_view> f;
  f.reserve(L.width + 1);
  std::uint32_t item_hint = 0;
  while (reader.next(f)) {
    if (f.size() != L.width) return ragged(reader, f.size(), L.width);
    std::string_view org_id = trim(f[L.org_col]);
    if (org_id.empty()) return Status::bad_input("empty org", at(reader, names[L.org_col]));
    auto item = L.index->item(f[L.item_col], item_hint);
    if (!item) {
      return Status::bad_input(fmt::format("unknown item '{}' (not an item id or item text of checklist {})",
                                           trim(f[L.item_col]), L.checklist->id),
                               at(reader, names[L.item_col]));
    }
    item_hint = *item;
    auto org = orgs.find_or_add(org_id);
    if (auto* msg = std::get_if<std::string>(&org)) return Status::bad_input(*msg, at(reader, names[L.org_col]));
    const std::uint32_t o = std::get<std::uint32_t>(org);
    if (!orgs.mark(o, *item)) {
      std::uint64_t first = first_line_of(L.text, reader.filename(), static_cast<int>(L.org_col),
                                          static_cast<int>(L.item_col), org_id, *item, *L.index);
      return Status::bad_input(fmt::format("duplicate answer for org '{}' and item {} (first at line {})", org_id,
                                           L.checklist->items[*item].id, first),
                               at(reader, names[L.item_col]));
    }
    auto choice = L.index->choice(*item, f[L.choice_col]);
    if (auto* msg = std::get_if<std::string>(&choice)) return Status::bad_input(*msg, at(reader, names[L.choice_col]));
    orgs.set(o, *item, std::get<std::uint8_t>(choice));
    if (L.comment_col >= 0) {
      std::string_view comment = trim(f[static_cast<std::size_t>(L.comment_col)]);
      if (!comment.empty()) comments.push_back({o, *item, std::string(comment)});
    }
    ++cells;
  }
  return reader.status();
}

// Large files are read in one chunk per thread, each starting after a line
// break (ResponseReadOptions::parallel_from_bytes). A chunk boundary that
// falls inside a quoted field makes the chunk before it fail (its quote never
// closes), and any failure at all sends the whole file through the sequential
// reader, so results and error messages are exactly those of a sequential read.

// A guess at the number of organisations in `bytes` of long CSV (a row is
// rarely shorter than 20 bytes), so that tables are sized once.
std::size_t expected_orgs(std::size_t bytes, std::size_t item_count) {
  return std::min<std::size_t>(bytes / (20 * std::max<std::size_t>(item_count, 1)) + 16, 4'000'000);
}

struct ChunkResult {
  explicit ChunkResult(OrgTable t) : orgs(std::move(t)) {}
  OrgTable orgs;
  std::vector<model::Comment> comments;
  std::size_t cells = 0;
  Status status;
};

std::optional<ResponseImport> read_long_parallel(const LongLayout& L, std::size_t body_start,
                                                 const std::vector<model::Organization>* fixed,
                                                 const std::string& orgs_file, unsigned threads) {
  const std::string_view body = L.text.substr(body_start);
  std::vector<std::size_t> cuts{0};
  for (unsigned t = 1; t < threads; ++t) {
    std::size_t at_pos = body.find('\n', body.size() * t / threads);
    if (at_pos == std::string_view::npos) break;
    if (at_pos + 1 > cuts.back() && at_pos + 1 < body.size()) cuts.push_back(at_pos + 1);
  }
  cuts.push_back(body.size());
  std::vector<ChunkResult> results;
  for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
    results.emplace_back(OrgTable(fixed, L.checklist->items.size(), orgs_file));
    results.back().orgs.reserve(expected_orgs(cuts[c + 1] - cuts[c], L.checklist->items.size()));
  }
  auto work = [&](std::size_t c) {
    CsvReader reader(body.substr(cuts[c], cuts[c + 1] - cuts[c]), "");
    results[c].status = read_long_records(L, reader, results[c].orgs, results[c].comments, results[c].cells);
  };
  std::vector<std::thread> pool;
  for (std::size_t c = 1; c < results.size(); ++c) pool.emplace_back(work, c);
  work(0);
  for (auto& t : pool) t.join();
  for (const auto& r : results) {
    if (!r.status.is_ok()) return std::nullopt;
  }
  ResponseImport out;
  out.format = ResponseFormat::kLongCsv;
  OrgTable& all = results[0].orgs;
  std::vector<model::Comment> comments = std::move(results[0].comments);
  out.cells = results[0].cells;
  for (std::size_t c = 1; c < results.size(); ++c) {
    auto map = all.absorb(results[c].orgs);
    if (!map) return std::nullopt;
    for (auto& cm : results[c].comments) {
      cm.org = (*map)[cm.org];
      comments.push_back(std::move(cm));
    }
    out.cells += results[c].cells;
  }
  out.responses = all.finish();
  out.responses.comments = std::move(comments);
  return out;
}

Result<ResponseImport> read_long_csv(std::string_view text, const std::string& filename,
                                     const model::Checklist& checklist, const ChecklistIndex& index,
                                     const std::vector<model::Organization>* fixed, const std::string& orgs_file,
                                     CsvReader& reader, const HeaderInfo& header, const ResponseReadOptions& options) {
  LongLayout L{&checklist,
               &index,
               &header,
               text,
               header.names.size(),
               static_cast<std::size_t>(header.find(Column::kOrg)),
               static_cast<std::size_t>(header.find(Column::kItem)),
               static_cast<std::size_t>(header.find(Column::kChoice)),
               header.find(Column::kComment)};
  Warnings warnings;
  std::vector<std::string> ignored;
  for (std::size_t i = 0; i < header.columns.size(); ++i) {
    Column c = header.columns[i];
    if (c != Column::kOrg && c != Column::kItem && c != Column::kChoice && c != Column::kComment) {
      ignored.push_back(header.names[i].empty() ? fmt::format("(column {})", i + 1) : header.names[i]);
    }
  }
  if (!ignored.empty()) {
    warnings.push_back({Location{filename, 1, 0, {}},
                        fmt::format("ignored {} column(s) that are not org, item, choice or comment: {}",
                                    ignored.size(), fmt::join(ignored, ", "))});
  }
  const unsigned threads =
      options.threads != 0 ? options.threads : std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
  // The reader has consumed the header; the body starts where the next record does.
  const std::size_t body_start = reader.position();
  if (threads > 1 && text.size() - body_start >= options.parallel_from_bytes) {
    if (auto out = read_long_parallel(L, body_start, fixed, orgs_file, threads)) {
      out->warnings = std::move(warnings);
      return std::move(*out);
    }
  }
  ResponseImport out;
  out.format = ResponseFormat::kLongCsv;
  out.warnings = std::move(warnings);
  OrgTable orgs(fixed, checklist.items.size(), orgs_file);
  orgs.reserve(expected_orgs(text.size(), checklist.items.size()));
  std::vector<model::Comment> comments;
  KUNREN_RETURN_IF_ERROR(read_long_records(L, reader, orgs, comments, out.cells));
  out.responses = orgs.finish();
  out.responses.comments = std::move(comments);
  return out;
}

Result<ResponseImport> read_wide_csv(const std::string& filename, const model::Checklist& checklist,
                                     const ChecklistIndex& index, OrgTable& orgs, CsvReader& reader,
                                     const HeaderInfo& header) {
  ResponseImport out;
  out.format = ResponseFormat::kWideCsv;
  const auto oc = static_cast<std::size_t>(header.find(Column::kOrg));
  struct ItemColumn {
    std::size_t column;
    std::uint32_t item;
    bool comment;
  };
  std::vector<ItemColumn> item_columns;
  std::vector<int> answer_column_of(checklist.items.size(), -1);
  std::vector<int> comment_column_of(checklist.items.size(), -1);
  std::vector<std::string> ignored;
  for (std::size_t i = 0; i < header.names.size(); ++i) {
    if (i == oc) continue;
    std::string_view name = header.names[i];
    bool comment = false;
    for (std::string_view suffix : {std::string_view("#comment"), std::string_view("#コメント")}) {
      if (name.size() > suffix.size() && lower_ascii(name.substr(name.size() - suffix.size())) == suffix) {
        name = trim(name.substr(0, name.size() - suffix.size()));
        comment = true;
        break;
      }
    }
    auto item = index.item(name, 0);
    if (!item) item = index.item_by_leading_id(name);
    if (!item) {
      ignored.push_back(header.names[i].empty() ? fmt::format("(column {})", i + 1) : header.names[i]);
      continue;
    }
    auto& slot = comment ? comment_column_of[*item] : answer_column_of[*item];
    if (slot >= 0) {
      return Status::bad_input(
          fmt::format("item {} has two {} columns: '{}' (column {}) and '{}' (column {})", checklist.items[*item].id,
                      comment ? "comment" : "answer", header.names[static_cast<std::size_t>(slot)], slot + 1,
                      header.names[i], i + 1),
          Location{filename, 1, 0, header.names[i]});
    }
    slot = static_cast<int>(i);
    item_columns.push_back({i, *item, comment});
  }
  if (std::none_of(item_columns.begin(), item_columns.end(), [](const ItemColumn& c) { return !c.comment; })) {
    return Status::bad_input(
        fmt::format("no column is headed by an item id or item text of checklist {}; for the long form the header "
                    "must be org,item,choice[,comment]",
                    checklist.id),
        Location{filename, 1, 0, {}});
  }
  if (!ignored.empty()) {
    out.warnings.push_back({Location{filename, 1, 0, {}},
                            fmt::format("ignored {} column(s) that match no item: {}", ignored.size(),
                                        fmt::join(ignored, ", "))});
  }
  const std::size_t width = header.names.size();
  std::vector<std::string_view> f;
  std::vector<std::uint64_t> first_line;  // by org index
  std::vector<model::Comment> comments;
  while (reader.next(f)) {
    if (f.size() != width) return ragged(reader, f.size(), width);
    std::string_view org_id = trim(f[oc]);
    if (org_id.empty()) return Status::bad_input("empty org", at(reader, header.names[oc]));
    auto org = orgs.find_or_add(org_id);
    if (auto* msg = std::get_if<std::string>(&org)) return Status::bad_input(*msg, at(reader, header.names[oc]));
    const std::uint32_t o = std::get<std::uint32_t>(org);
    if (first_line.size() <= o) first_line.resize(o + 1, 0);
    if (first_line[o] != 0) {
      return Status::bad_input(
          fmt::format("duplicate answers: org '{}' has a second row (first at line {})", org_id, first_line[o]),
          at(reader, header.names[oc]));
    }
    first_line[o] = reader.record_line();
    for (const auto& col : item_columns) {
      std::string_view cell = f[col.column];
      if (col.comment) {
        std::string_view comment = trim(cell);
        if (!comment.empty()) comments.push_back({o, col.item, std::string(comment)});
        continue;
      }
      orgs.mark(o, col.item);
      auto choice = index.choice(col.item, cell);
      if (auto* msg = std::get_if<std::string>(&choice)) {
        return Status::bad_input(*msg, at(reader, header.names[col.column]));
      }
      orgs.set(o, col.item, std::get<std::uint8_t>(choice));
      ++out.cells;
    }
  }
  if (!reader.status().is_ok()) return reader.status();
  // Comments in file order by organisation, then checklist order.
  std::stable_sort(comments.begin(), comments.end(),
                   [](const model::Comment& a, const model::Comment& b) { return a.org < b.org; });
  out.responses = orgs.finish();
  out.responses.comments = std::move(comments);
  return out;
}

Result<ResponseImport> read_json(std::string_view text, const std::string& filename, const model::Checklist& checklist,
                                 const ChecklistIndex& index, OrgTable& orgs) {
  ResponseImport out;
  out.format = ResponseFormat::kJson;
  auto doc = parse_yaml_document(
      text, filename, {.what = "responses file", .max_bytes = k_max_json_responses_bytes, .json_only = true});
  if (!doc) return doc.status();
  const YAML::Node& root = doc->root();
  auto mark_of = [&doc](const YAML::Node& n, std::string field = {}) {
    return doc->locate(n.Mark(), std::move(field));
  };
  try {
    if (!root.IsMap()) return Status::bad_input("expected a JSON object with a \"responses\" array", mark_of(root));
    YAML::Node responses;
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>();
      if (key == "schema") {
        if (!kv.second.IsScalar() || kv.second.Scalar() != "kunren.responses/1") {
          return Status::bad_input("unsupported schema; expected \"kunren.responses/1\"", mark_of(kv.second, key));
        }
      } else if (key == "checklist") {
        if (!kv.second.IsScalar() || kv.second.Scalar() != checklist.id) {
          return Status::bad_input(fmt::format("responses are for checklist '{}', not '{}'",
                                               kv.second.IsScalar() ? kv.second.Scalar() : "?", checklist.id),
                                   mark_of(kv.second, key));
        }
      } else if (key == "responses") {
        responses = kv.second;
      } else {
        return Status::bad_input(fmt::format("unknown key '{}'; expected schema, checklist, responses", key),
                                 mark_of(kv.first, key));
      }
    }
    if (!responses || !responses.IsSequence()) {
      return Status::bad_input("missing \"responses\" array", mark_of(responses ? responses : root));
    }
    std::vector<model::Comment> comments;
    // The first "org" node of each organisation; its line is worked out only
    // for a duplicate (locating counts characters along the line, and a
    // minified file is one line).
    std::vector<std::optional<YAML::Node>> first_org_node;
    for (const auto& r : responses) {
      if (!r.IsMap()) return Status::bad_input("each response must be an object", mark_of(r));
      YAML::Node org_node = r["org"];
      if (!org_node || !org_node.IsScalar() || trim(org_node.Scalar()).empty()) {
        return Status::bad_input("response without \"org\"", mark_of(r, "org"));
      }
      std::string org_id(trim(org_node.Scalar()));
      auto org = orgs.find_or_add(org_id);
      if (auto* msg = std::get_if<std::string>(&org)) return Status::bad_input(*msg, mark_of(org_node, "org"));
      const std::uint32_t o = std::get<std::uint32_t>(org);
      if (first_org_node.size() <= o) first_org_node.resize(o + 1);
      if (first_org_node[o]) {
        return Status::bad_input(fmt::format("duplicate answers: org '{}' appears again (first at line {})", org_id,
                                             mark_of(*first_org_node[o]).line),
                                 mark_of(org_node, "org"));
      }
      first_org_node[o] = org_node;
      for (const auto& kv : r) {
        const std::string key = kv.first.as<std::string>();
        if (key == "org") continue;
        if (key == "name" || key == "industry" || key == "size") {
          if (!orgs.fixed() && kv.second.IsScalar()) {
            auto& dst = orgs.org(o);
            (key == "name" ? dst.name : key == "industry" ? dst.industry : dst.size) = kv.second.Scalar();
          }
          continue;
        }
        if (key != "answers") {
          return Status::bad_input(fmt::format("unknown key '{}'; expected org, name, industry, size, answers", key),
                                   mark_of(kv.first, key));
        }
        if (!kv.second.IsMap()) return Status::bad_input("\"answers\" must be an object", mark_of(kv.second, key));
        for (const auto& a : kv.second) {
          const std::string item_key = a.first.as<std::string>();
          auto item = index.item(item_key, 0);
          if (!item) {
            return Status::bad_input(fmt::format("unknown item '{}' (not an item id or item text of checklist {})",
                                                 item_key, checklist.id),
                                     mark_of(a.first, item_key));
          }
          if (!orgs.mark(o, *item)) {
            return Status::bad_input(fmt::format("duplicate answer for org '{}' and item {}", org_id,
                                                 checklist.items[*item].id),
                                     mark_of(a.first, item_key));
          }
          YAML::Node value = a.second;
          std::string comment;
          if (value.IsMap()) {
            YAML::Node v;
            for (const auto& f : value) {
              const std::string fk = f.first.as<std::string>();
              if (fk == "choice") {
                v = f.second;
              } else if (fk == "comment") {
                if (!f.second.IsScalar() && !f.second.IsNull()) {
                  return Status::bad_input("comment must be a string", mark_of(f.second, "comment"));
                }
                if (f.second.IsScalar()) comment = std::string(trim(f.second.Scalar()));
              } else {
                return Status::bad_input(fmt::format("unknown key '{}'; expected choice, comment", fk),
                                         mark_of(f.first, fk));
              }
            }
            value = v;
          }
          std::uint8_t chosen = 0;
          if (value && value.IsScalar()) {
            auto choice = index.choice(*item, value.Scalar());
            if (auto* msg = std::get_if<std::string>(&choice)) {
              return Status::bad_input(*msg, mark_of(value, item_key));
            }
            chosen = std::get<std::uint8_t>(choice);
          } else if (value && !value.IsNull()) {
            return Status::bad_input("a choice must be a number, a label or null", mark_of(value, item_key));
          }
          orgs.set(o, *item, chosen);
          if (!comment.empty()) comments.push_back({o, *item, std::move(comment)});
          ++out.cells;
        }
      }
    }
    out.responses = orgs.finish();
    out.responses.comments = std::move(comments);
    return out;
  } catch (const YAML::Exception& e) {
    return Status::bad_input("unexpected JSON structure: " + e.msg, doc->locate(e.mark));
  }
}

// Organisations listed in the orgs file that answered no item still count in
// n (they are part of the campaign), which a coordinator should know about.
void warn_silent_organisations(ResponseImport& import, const std::string& orgs_file) {
  const auto& rs = import.responses;
  std::vector<std::string> silent;
  for (std::size_t o = 0; o < rs.orgs.size(); ++o) {
    const auto* row = rs.answers.data() + o * rs.item_count;
    if (std::all_of(row, row + rs.item_count, [](std::uint8_t a) { return a == model::k_no_answer; })) {
      silent.push_back(rs.orgs[o].id);
    }
  }
  if (silent.empty()) return;
  const std::size_t shown = std::min<std::size_t>(silent.size(), 5);
  import.warnings.push_back(
      {Location{orgs_file},
       fmt::format("{} organisation(s) of the orgs file answered no item and count in n as unanswered: {}{}",
                   silent.size(), fmt::join(silent.begin(), silent.begin() + static_cast<std::ptrdiff_t>(shown), ", "),
                   silent.size() > shown ? ", …" : "")});
}

}  // namespace

Result<std::vector<model::Organization>> read_orgs(std::string_view bytes, std::string_view filename,
                                                   Encoding encoding) {
  std::string storage;
  auto decoded = decode_text(bytes, encoding, filename, storage);
  if (!decoded) return decoded.status();
  CsvReader reader(decoded->text, std::string(filename));
  std::vector<std::string_view> f;
  auto header = read_header(reader, f);
  if (!header) return header.status();
  const int oc = header->find(Column::kOrg);
  if (oc < 0) {
    return Status::bad_input("the orgs file needs an 'org' column (header: org,name,industry,size)",
                             Location{std::string(filename), 1, 0, {}});
  }
  std::vector<model::Organization> orgs;
  StringIndex seen;
  while (reader.next(f)) {
    if (f.size() != header->names.size()) return ragged(reader, f.size(), header->names.size());
    model::Organization o;
    for (std::size_t i = 0; i < f.size(); ++i) {
      std::string value(trim(f[i]));
      switch (header->columns[i]) {
        case Column::kOrg: o.id = std::move(value); break;
        case Column::kName: o.name = std::move(value); break;
        case Column::kIndustry: o.industry = std::move(value); break;
        case Column::kSize: o.size = std::move(value); break;
        case Column::kPseudonym: o.pseudonym = std::move(value); break;
        default: break;
      }
    }
    if (o.id.empty()) return Status::bad_input("empty org", at(reader, header->names[static_cast<std::size_t>(oc)]));
    auto [it, fresh] = seen.emplace(o.id, static_cast<std::uint32_t>(reader.record_line()));
    if (!fresh) {
      return Status::bad_input(fmt::format("org '{}' is listed twice (first at line {})", o.id, it->second),
                               at(reader, header->names[static_cast<std::size_t>(oc)]));
    }
    orgs.push_back(std::move(o));
  }
  if (!reader.status().is_ok()) return reader.status();
  if (orgs.empty()) {
    return Status::bad_input("the orgs file lists no organisations", Location{std::string(filename), 1, 0, {}});
  }
  return orgs;
}

Result<std::vector<model::Organization>> load_orgs_file(const std::string& path, Encoding encoding) {
  auto file = util::MappedFile::open(path);
  if (!file) return file.status();
  return read_orgs(file->data(), path, encoding);
}

Result<ResponseImport> read_responses(std::string_view bytes, std::string_view filename_view,
                                      const model::Checklist& checklist, const std::vector<model::Organization>* orgs,
                                      const ResponseReadOptions& options) {
  const std::string filename(filename_view);
  std::string storage;
  auto decoded = decode_text(bytes, options.encoding, filename, storage);
  if (!decoded) return decoded.status();
  std::string_view text = decoded->text;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::bad_input("the file is empty", Location{filename});
  }
  ChecklistIndex index(checklist);
  const std::string orgs_file = options.orgs_file.empty() ? "given" : options.orgs_file;
  OrgTable table(orgs, checklist.items.size(), orgs_file);
  Result<ResponseImport> result = Status::internal("no format");
  ResponseFormat format = options.format;
  if (format == ResponseFormat::kAuto) {
    format = text[text.find_first_not_of(" \t\r\n")] == '{' ? ResponseFormat::kJson : ResponseFormat::kAuto;
  }
  if (format == ResponseFormat::kJson) {
    result = read_json(text, filename, checklist, index, table);
  } else {
    CsvReader reader(text, filename);
    std::vector<std::string_view> f;
    auto header = read_header(reader, f);
    if (!header) return header.status();
    const bool has_org = header->find(Column::kOrg) >= 0;
    const bool is_long = has_org && header->find(Column::kItem) >= 0 && header->find(Column::kChoice) >= 0;
    if (format == ResponseFormat::kAuto) format = is_long ? ResponseFormat::kLongCsv : ResponseFormat::kWideCsv;
    if (!has_org) {
      return Status::bad_input(
          "the header has no 'org' column; expected org,item,choice[,comment] (long) or org,<item>,<item>,… (wide)",
          Location{filename, 1, 0, {}});
    }
    if (format == ResponseFormat::kLongCsv) {
      if (!is_long) {
        return Status::bad_input("a long CSV needs the columns org,item,choice[,comment]", Location{filename, 1, 0, {}});
      }
      result = read_long_csv(text, filename, checklist, index, orgs, orgs_file, reader, *header, options);
    } else {
      result = read_wide_csv(filename, checklist, index, table, reader, *header);
    }
  }
  if (!result) return result;
  result->encoding = decoded->detected;
  model::assign_pseudonyms(result->responses.orgs);
  if (orgs != nullptr) warn_silent_organisations(*result, options.orgs_file);
  return result;
}

Result<ResponseImport> load_responses_file(const std::string& path, const model::Checklist& checklist,
                                           const std::vector<model::Organization>* orgs,
                                           const ResponseReadOptions& options) {
  auto file = util::MappedFile::open(path);
  if (!file) return file.status();
  return read_responses(file->data(), path, checklist, orgs, options);
}

}  // namespace kunren::io
