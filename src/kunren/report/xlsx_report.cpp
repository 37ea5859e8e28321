#include <kunren/report/xlsx_report.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <xlsxwriter.h>

#include <kunren/report/disclosure_text.hpp>
#include <kunren/util/utf8.hpp>

namespace kunren::report {

namespace {

using analysis::Analysis;
using analysis::Highlight;
using analysis::ItemResult;
using model::Category;
using model::Level;

// --- fixed texts ---------------------------------------------------------------

struct Texts {
  const char* title_suffix;
  const char* sheet_summary;
  const char* sheet_data;
  const char* sheet_comments;
  const char* sheet_rules;
  const char* checklist;
  const char* checklist_id;
  const char* organisations;
  const char* items;
  const char* generated;
  const char* tlp;
  const char* no_tlp;
  const char* strengths;
  const char* challenges;
  const char* not_exercised;
  const char* none;
  const char* rank;
  const char* item;
  const char* text;
  const char* score;
  const char* na_share;
  const char* section_scores;
  const char* category;
  const char* section;
  const char* implementation;
  const char* overall;
  const char* disclosure;
  const char* col_no;
  const char* col_choice;
  const char* col_count;
  const char* col_percent;
  const char* col_n;
  const char* col_answered;
  const char* col_unanswered;
  const char* col_highlight;
  const char* col_level;
  const char* col_share;
  const char* col_quote;
  const char* charts;
  const char* hl_strength;
  const char* hl_challenge;
  const char* hl_not_exercised;
  const char* section_note;  // {n} organisations, {items}
  const char* rule;
  const char* contents;
};

constexpr Texts k_ja = {
    "集計結果",
    "概要",
    "データ",
    "コメント",
    "ルール",
    "チェックリスト",
    "ID／版",
    "回答組織数",
    "評価項目数",
    "作成日時",
    "TLP",
    "TLP の指定なし",
    "強み",
    "課題",
    "シナリオ対象外が多い項目",
    "該当する項目はありません。",
    "順位",
    "項目ID",
    "内容",
    "スコア",
    "対象外の割合",
    "セクション別スコア",
    "区分",
    "セクション",
    "実施評価",
    "総合評価",
    "開示制御（公表にあたっての非表示・伏せ字）",
    "番号",
    "選択肢",
    "組織数",
    "割合",
    "n",
    "回答",
    "無回答",
    "判定",
    "水準",
    "比率",
    "引用ID",
    "項目別の回答の内訳（円グラフの数値は上表の割合）",
    "強み",
    "課題",
    "対象外多数",
    "回答組織数 {}、項目数 {}。割合は回答した組織に占める割合（整数、合計100%）。",
    "規則",
    "シート",
};

constexpr Texts k_en = {
    "cross-sectional results",
    "Summary",
    "Data",
    "Comments",
    "Rules",
    "Checklist",
    "ID / version",
    "Organisations",
    "Items",
    "Generated",
    "TLP",
    "No TLP marking",
    "Strengths",
    "Challenges",
    "Items mostly out of the scenario's scope",
    "No items.",
    "Rank",
    "Item",
    "Statement",
    "Score",
    "Out-of-scope share",
    "Scores by section",
    "Category",
    "Section",
    "Implementation",
    "Overall",
    "Disclosure control (what was withheld or redacted for publication)",
    "No.",
    "Choice",
    "Orgs",
    "%",
    "n",
    "Answered",
    "No answer",
    "Highlight",
    "Level",
    "Share",
    "Quote ID",
    "Answers per item (the chart labels are the percents of the table above)",
    "Strength",
    "Challenge",
    "Mostly out of scope",
    "{} organisations, {} items. Percents are of the organisations that answered (whole numbers summing to "
    "100%).",
    "Rule",
    "Sheet",
};

// --- TLP -----------------------------------------------------------------------

struct TlpInfo {
  const char* name;
  lxw_color_t color;  // text colour on the black banner
  const char* ja;
  const char* en;
};

constexpr std::array<TlpInfo, 5> k_tlps = {{
    {"RED", 0xFF2B2B, "受領者個人限り。それ以上の共有は不可。", "For the eyes and ears of individual recipients only."},
    {"AMBER+STRICT", 0xFFC000, "受領者の組織内に限り、知る必要のある人にのみ共有可。",
     "Limited to the recipient's organisation, on a need-to-know basis."},
    {"AMBER", 0xFFC000, "受領者の組織内とその顧客に限り、知る必要のある人にのみ共有可。",
     "Limited to the recipient's organisation and its clients, on a need-to-know basis."},
    {"GREEN", 0x33FF00, "コミュニティ内で共有可。公開の場には出さない。",
     "Limited to the community; not for public channels."},
    {"CLEAR", 0xFFFFFF, "開示の制限なし。", "Disclosure is not limited."},
}};

const TlpInfo* find_tlp(std::string_view name) {
  for (const auto& t : k_tlps) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

// --- text measuring (for row heights: Excel does not size merged cells) --------

// Width of `s` in Excel's character units for an 11 pt font: East Asian
// (wide) characters count two, everything else one.
double text_units(std::string_view s) {
  double units = 0;
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    std::size_t len = util::utf8_sequence_length(s, i, &cp);
    if (len == 0) {
      len = 1;
      cp = '?';
    }
    i += len;
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    units += wide ? 2.0 : (cp >= 'A' && cp <= 'Z') ? 1.15 : 1.0;
  }
  return units;
}

// Lines `s` takes when wrapped in a column `width` units wide.
int wrapped_lines(std::string_view s, double width) {
  const double usable = std::max(4.0, width - 1.5);
  int lines = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t nl = s.find('\n', start);
    std::string_view line = s.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    lines += std::max(1, static_cast<int>(std::ceil(text_units(line) / usable)));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

constexpr double k_line_height = 15.0;  // points per line of 11 pt text

double height_for(int lines) { return std::max(1, lines) * k_line_height + 3.0; }

// The first `max_chars` characters of `s`, with "…" when cut.
std::string truncate_chars(std::string_view s, std::size_t max_chars) {
  std::size_t i = 0, chars = 0;
  while (i < s.size() && chars < max_chars) {
    std::size_t len = util::utf8_sequence_length(s, i);
    i += len == 0 ? 1 : len;
    ++chars;
  }
  if (i >= s.size()) return std::string(s);
  // Make room for the ellipsis.
  std::size_t j = 0, kept = 0;
  std::string out;
  while (j < s.size() && kept + 1 < max_chars) {
    std::size_t len = util::utf8_sequence_length(s, j);
    len = len == 0 ? 1 : len;
    out.append(s.substr(j, len));
    j += len;
    ++kept;
  }
  return out + "…";
}

std::string ascii_lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

constexpr std::uint64_t k_max_cell_chars = 32767;  // Excel's limit for one cell

// --- the workbook ----------------------------------------------------------------

class Book {
 public:
  Book(const Analysis& a, const XlsxOptions& o, const Texts& t, const TlpInfo* tlp)
      : m_a(a), m_o(o), m_t(t), m_tlp(tlp) {}

  Status write(const std::string& path);

 private:
  // Keeps every string handed to libxlsxwriter alive until the workbook closes.
  const char* keep(std::string s) { return m_strings.emplace_back(std::move(s)).c_str(); }

  void check(lxw_error e, std::string_view what) {
    if (e != LXW_NO_ERROR && m_error.is_ok()) {
      m_error = Status::internal(fmt::format("xlsx: {}: {}", what, lxw_strerror(e)));
    }
  }

  lxw_format* fmt_new() { return workbook_add_format(m_wb); }
  void make_formats();
  // A new sheet named after `wanted` (made valid and unique; the final name in
  // *name when given) with the print setup and the TLP header.
  lxw_worksheet* add_sheet(std::string_view wanted, bool landscape, std::string* name = nullptr);
  std::string unique_sheet_name(std::string_view wanted);
  // The TLP banner on row 0 over columns [0, last_col]; returns the next free row.
  lxw_row_t banner(lxw_worksheet* ws, lxw_col_t last_col);
  // A paragraph merged over [0, last_col], wrapped, sized to its text.
  void paragraph(lxw_worksheet* ws, lxw_row_t row, lxw_col_t last_col, double width, const std::string& text,
                 lxw_format* f);
  void merge_text(lxw_worksheet* ws, lxw_row_t r1, lxw_col_t c, lxw_row_t r2, const std::string& s, lxw_format* f);
  void merge_number(lxw_worksheet* ws, lxw_row_t r1, lxw_col_t c, lxw_row_t r2, double v, lxw_format* f);
  void merge_blank(lxw_worksheet* ws, lxw_row_t r1, lxw_col_t c, lxw_row_t r2, lxw_format* f);
  void str(lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, const std::string& s, lxw_format* f) {
    if (s.empty()) {
      check(worksheet_write_blank(ws, r, c, f), "blank cell");
    } else if (util::utf8_length(s) > k_max_cell_chars) {
      // A cell holds at most 32,767 characters (a very long comment): cut, marked with "…".
      check(worksheet_write_string(ws, r, c, truncate_chars(s, k_max_cell_chars).c_str(), f), "cell");
    } else {
      check(worksheet_write_string(ws, r, c, s.c_str(), f), "cell");
    }
  }
  void num(lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, double v, lxw_format* f) {
    check(worksheet_write_number(ws, r, c, v, f), "cell");
  }

  void summary_sheet();
  lxw_row_t item_list(lxw_worksheet* ws, lxw_row_t row, const char* heading, const std::vector<std::size_t>& items,
                      bool show_na);
  void section_sheet(const analysis::SectionResult& s);
  void pie_chart(lxw_worksheet* ws, const std::string& sheet, const ItemResult& it, lxw_row_t first_row,
                 lxw_row_t chart_row, lxw_col_t chart_col, int x_offset);
  void data_sheet();
  void comments_sheet();
  void rules_sheet();

  std::string highlight_text(Highlight h) const;
  std::string category_text(Category c) const { return c == Category::kOverall ? m_t.overall : m_t.implementation; }
  std::vector<std::string> disclosure_lines() const;
  std::string tlp_text() const { return m_tlp == nullptr ? std::string(m_t.no_tlp) : std::string("TLP:") + m_tlp->name; }
  bool ja() const { return &m_t == &k_ja; }

  const Analysis& m_a;
  const XlsxOptions& m_o;
  const Texts& m_t;
  const TlpInfo* m_tlp;
  lxw_workbook* m_wb = nullptr;
  Status m_error;
  std::deque<std::string> m_strings;
  std::set<std::string> m_sheet_names;  // lower-cased
  // Formats.
  lxw_format* m_banner = nullptr;
  lxw_format* m_title = nullptr;
  lxw_format* m_h2 = nullptr;
  lxw_format* m_note = nullptr;
  lxw_format* m_head = nullptr;
  lxw_format* m_key = nullptr;
  lxw_format* m_text = nullptr;
  lxw_format* m_plain = nullptr;
  lxw_format* m_center = nullptr;
  lxw_format* m_int = nullptr;
  lxw_format* m_pct = nullptr;
  lxw_format* m_share = nullptr;
  lxw_format* m_score = nullptr;
  lxw_format* m_strength = nullptr;
  lxw_format* m_challenge = nullptr;
  lxw_format* m_muted = nullptr;
};

void Book::make_formats() {
  m_banner = fmt_new();
  format_set_bold(m_banner);
  format_set_font_size(m_banner, 12);
  format_set_bg_color(m_banner, LXW_COLOR_BLACK);  // 0 would mean "no colour"
  format_set_font_color(m_banner, m_tlp == nullptr ? 0xFFFFFF : m_tlp->color);
  format_set_align(m_banner, LXW_ALIGN_LEFT);
  format_set_align(m_banner, LXW_ALIGN_VERTICAL_CENTER);

  m_title = fmt_new();
  format_set_bold(m_title);
  format_set_font_size(m_title, 16);
  format_set_align(m_title, LXW_ALIGN_VERTICAL_CENTER);

  m_h2 = fmt_new();
  format_set_bold(m_h2);
  format_set_font_size(m_h2, 12);
  format_set_font_color(m_h2, 0x14325C);
  format_set_bottom(m_h2, LXW_BORDER_MEDIUM);
  format_set_bottom_color(m_h2, 0x1D4F91);
  format_set_align(m_h2, LXW_ALIGN_VERTICAL_BOTTOM);

  m_note = fmt_new();
  format_set_text_wrap(m_note);
  format_set_align(m_note, LXW_ALIGN_VERTICAL_TOP);
  format_set_font_color(m_note, 0x3B424A);

  auto bordered = [this](lxw_format* f) {
    format_set_border(f, LXW_BORDER_THIN);
    format_set_border_color(f, 0xC7CDD4);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
  };
  m_head = fmt_new();
  format_set_bold(m_head);
  format_set_bg_color(m_head, 0xE4EAF2);
  format_set_text_wrap(m_head);
  format_set_align(m_head, LXW_ALIGN_CENTER);
  bordered(m_head);
  format_set_align(m_head, LXW_ALIGN_VERTICAL_CENTER);

  m_key = fmt_new();
  format_set_bold(m_key);
  format_set_bg_color(m_key, 0xF3F5F8);
  bordered(m_key);

  m_text = fmt_new();
  format_set_text_wrap(m_text);
  bordered(m_text);

  m_plain = fmt_new();
  bordered(m_plain);

  m_center = fmt_new();
  bordered(m_center);
  format_set_align(m_center, LXW_ALIGN_CENTER);

  m_int = fmt_new();
  format_set_num_format(m_int, "0");
  bordered(m_int);

  m_pct = fmt_new();
  format_set_num_format(m_pct, "0\"%\"");
  format_set_bold(m_pct);
  bordered(m_pct);

  m_share = fmt_new();
  format_set_num_format(m_share, "0.0000");
  bordered(m_share);

  m_score = fmt_new();
  format_set_num_format(m_score, "0.00");
  bordered(m_score);

  m_strength = fmt_new();
  format_set_bold(m_strength);
  format_set_font_color(m_strength, 0x1C5A44);
  format_set_bg_color(m_strength, 0xDCEFE6);
  format_set_text_wrap(m_strength);
  bordered(m_strength);

  m_challenge = fmt_new();
  format_set_bold(m_challenge);
  format_set_font_color(m_challenge, 0x8A2C1B);
  format_set_bg_color(m_challenge, 0xF8E1DA);
  format_set_text_wrap(m_challenge);
  bordered(m_challenge);

  m_muted = fmt_new();
  format_set_font_color(m_muted, 0x5B6470);
  format_set_bg_color(m_muted, 0xECEEF1);
  format_set_text_wrap(m_muted);
  bordered(m_muted);
}

std::string Book::unique_sheet_name(std::string_view wanted) {
  // Excel: at most 31 characters, none of []:*?/\, not starting or ending
  // with an apostrophe, unique without regard to case. [ ] become ( ), the
  // separators : / \ a hyphen, * and ? are dropped.
  std::string clean;
  for (char c : wanted) {
    switch (c) {
      case '[': clean += '('; break;
      case ']': clean += ')'; break;
      case ':': case '/': case '\\': clean += '-'; break;
      case '*': case '?': break;
      default: clean += c;
    }
  }
  while (!clean.empty() && clean.front() == '\'') clean.erase(clean.begin());
  while (!clean.empty() && clean.back() == '\'') clean.pop_back();
  if (clean.empty()) clean = "Sheet";
  std::string name = util::utf8_length(clean) > 31 ? truncate_chars(clean, 31) : clean;
  for (int n = 2; m_sheet_names.count(ascii_lower(name)) != 0; ++n) {
    std::string suffix = fmt::format(" ({})", n);
    name = truncate_chars(clean, 31 - suffix.size());
    if (!name.empty() && name.size() >= 3 && name.compare(name.size() - 3, 3, "…") == 0) name.resize(name.size() - 3);
    name += suffix;
  }
  m_sheet_names.insert(ascii_lower(name));
  return name;
}

lxw_worksheet* Book::add_sheet(std::string_view wanted, bool landscape, std::string* final_name) {
  const char* name = keep(unique_sheet_name(wanted));
  if (final_name != nullptr) *final_name = name;
  lxw_worksheet* ws = workbook_add_worksheet(m_wb, name);
  if (ws == nullptr) {
    if (m_error.is_ok()) m_error = Status::internal(fmt::format("xlsx: cannot add a sheet named '{}'", name));
    return nullptr;
  }
  worksheet_set_paper(ws, 9);  // A4
  if (landscape) {
    worksheet_set_landscape(ws);
  } else {
    worksheet_set_portrait(ws);
  }
  worksheet_fit_to_pages(ws, 1, 0);
  worksheet_set_margins(ws, 0.4, 0.4, 0.7, 0.6);
  // Printed header: the TLP marking in the centre (bold), the sheet on the right.
  std::string header = m_tlp == nullptr ? std::string("&R&A")
                                        : fmt::format("&C&\"-,Bold\"TLP:{}&R&A", m_tlp->name);
  check(worksheet_set_header(ws, keep(header)), "header");
  check(worksheet_set_footer(ws, "&L&F&R&P / &N"), "footer");
  return ws;
}

lxw_row_t Book::banner(lxw_worksheet* ws, lxw_col_t last_col) {
  std::string text = tlp_text();
  if (m_tlp != nullptr) text += "    " + std::string(ja() ? m_tlp->ja : m_tlp->en);
  check(worksheet_set_row(ws, 0, 24, nullptr), "row");
  if (last_col == 0) {
    str(ws, 0, 0, text, m_banner);
  } else {
    check(worksheet_merge_range(ws, 0, 0, 0, last_col, keep(text), m_banner), "banner");
  }
  return 1;
}

void Book::paragraph(lxw_worksheet* ws, lxw_row_t row, lxw_col_t last_col, double width, const std::string& text,
                     lxw_format* f) {
  check(worksheet_set_row(ws, row, height_for(wrapped_lines(text, width)), nullptr), "row");
  if (last_col == 0) {
    str(ws, row, 0, text, f);
  } else {
    check(worksheet_merge_range(ws, row, 0, row, last_col, keep(text), f), "paragraph");
  }
}

void Book::merge_text(lxw_worksheet* ws, lxw_row_t r1, lxw_col_t c, lxw_row_t r2, const std::string& s,
                      lxw_format* f) {
  if (r1 == r2) {
    str(ws, r1, c, s, f);
  } else {
    check(worksheet_merge_range(ws, r1, c, r2, c, keep(s), f), "merged cell");
  }
}

void Book::merge_number(lxw_worksheet* ws, lxw_row_t r1, lxw_col_t c, lxw_row_t r2, double v, lxw_format* f) {
  if (r1 != r2) check(worksheet_merge_range(ws, r1, c, r2, c, "", f), "merged cell");
  num(ws, r1, c, v, f);
}

void Book::merge_blank(lxw_worksheet* ws, lxw_row_t r1, lxw_col_t c, lxw_row_t r2, lxw_format* f) {
  if (r1 != r2) {
    check(worksheet_merge_range(ws, r1, c, r2, c, "", f), "merged cell");
  } else {
    check(worksheet_write_blank(ws, r1, c, f), "blank cell");
  }
}

std::string Book::highlight_text(Highlight h) const {
  switch (h) {
    case Highlight::kStrength: return m_t.hl_strength;
    case Highlight::kChallenge: return m_t.hl_challenge;
    case Highlight::kNotExercised: return m_t.hl_not_exercised;
    case Highlight::kNone: break;
  }
  return "";
}

// --- summary -------------------------------------------------------------------------

// The same sentences as every other published output (report/disclosure_text).
std::vector<std::string> Book::disclosure_lines() const { return disclosure_statement(m_a, ja() ? "ja" : "en"); }

lxw_row_t Book::item_list(lxw_worksheet* ws, lxw_row_t row, const char* heading,
                          const std::vector<std::size_t>& items, bool show_na) {
  check(worksheet_set_row(ws, row, 22, nullptr), "row");
  check(worksheet_merge_range(ws, row, 0, row, 4, heading, m_h2), "heading");
  ++row;
  if (items.empty()) {
    str(ws, row, 0, m_t.none, nullptr);
    return row + 2;
  }
  check(worksheet_set_row(ws, row, height_for(wrapped_lines(show_na ? m_t.na_share : m_t.score, 12)), nullptr), "row");
  str(ws, row, 0, m_t.rank, m_head);
  str(ws, row, 1, m_t.item, m_head);
  check(worksheet_merge_range(ws, row, 2, row, 3, m_t.text, m_head), "header");
  str(ws, row, 4, show_na ? m_t.na_share : m_t.score, m_head);
  ++row;
  int rank = 1;
  for (std::size_t idx : items) {
    const ItemResult& it = m_a.items[idx];
    check(worksheet_set_row(ws, row, height_for(wrapped_lines(it.text, 66)), nullptr), "row");
    num(ws, row, 0, rank++, m_center);
    str(ws, row, 1, it.id, m_plain);
    check(worksheet_merge_range(ws, row, 2, row, 3, keep(it.text), m_text), "text");
    if (show_na) {
      num(ws, row, 4, it.answered == 0 ? 0.0 : static_cast<double>(it.na) / it.answered, m_share);
    } else if (it.score) {
      num(ws, row, 4, *it.score, m_score);
    } else {
      str(ws, row, 4, "", m_plain);
    }
    ++row;
  }
  return row + 1;
}

void Book::summary_sheet() {
  lxw_worksheet* ws = add_sheet(m_t.sheet_summary, false);
  if (ws == nullptr) return;
  check(worksheet_set_column(ws, 0, 0, 13, nullptr), "column");
  check(worksheet_set_column(ws, 1, 1, 14, nullptr), "column");
  check(worksheet_set_column(ws, 2, 2, 48, nullptr), "column");
  check(worksheet_set_column(ws, 3, 3, 16, nullptr), "column");
  check(worksheet_set_column(ws, 4, 4, 12, nullptr), "column");
  constexpr lxw_col_t last = 4;
  constexpr double full_width = 13 + 14 + 48 + 16 + 12;
  lxw_row_t row = banner(ws, last);
  const std::string title =
      m_o.title.empty() ? m_a.checklist_title + (ja() ? " " : " — ") + m_t.title_suffix : m_o.title;
  check(worksheet_set_row(ws, row, 30, nullptr), "row");
  check(worksheet_merge_range(ws, row, 0, row, last, keep(title), m_title), "title");
  row += 2;

  auto key_value = [&](const char* key, const std::string& value) {
    check(worksheet_set_row(ws, row, height_for(wrapped_lines(value, full_width - 13)), nullptr), "row");
    str(ws, row, 0, key, m_key);
    check(worksheet_merge_range(ws, row, 1, row, last, keep(value), m_text), "value");
    ++row;
  };
  key_value(m_t.tlp, m_tlp == nullptr ? tlp_text() : tlp_text() + "  " + (ja() ? m_tlp->ja : m_tlp->en));
  key_value(m_t.checklist, m_a.checklist_title);
  key_value(m_t.checklist_id, m_a.checklist_id + " / " + m_a.checklist_version);
  key_value(m_t.organisations, std::to_string(m_a.organizations));
  key_value(m_t.items, std::to_string(m_a.items.size()));
  if (!m_o.generated_at.empty()) key_value(m_t.generated, m_o.generated_at);
  ++row;

  row = item_list(ws, row, m_t.strengths, m_a.strengths, false);
  row = item_list(ws, row, m_t.challenges, m_a.challenges, false);
  row = item_list(ws, row, m_t.not_exercised, m_a.not_exercised, true);

  // Section scores.
  check(worksheet_set_row(ws, row, 22, nullptr), "row");
  check(worksheet_merge_range(ws, row, 0, row, last, m_t.section_scores, m_h2), "heading");
  ++row;
  check(worksheet_set_row(ws, row, height_for(wrapped_lines(m_t.na_share, 12)), nullptr), "row");
  str(ws, row, 0, m_t.category, m_head);
  check(worksheet_merge_range(ws, row, 1, row, 2, m_t.section, m_head), "header");
  str(ws, row, 3, m_t.score, m_head);
  str(ws, row, 4, m_t.na_share, m_head);
  ++row;
  for (const auto& s : m_a.sections) {
    check(worksheet_set_row(ws, row, height_for(wrapped_lines(s.title, 62)), nullptr), "row");
    str(ws, row, 0, category_text(s.category), m_plain);
    check(worksheet_merge_range(ws, row, 1, row, 2, keep(s.title), m_text), "section");
    if (s.score) {
      num(ws, row, 3, *s.score, m_score);
    } else {
      str(ws, row, 3, "", m_plain);
    }
    num(ws, row, 4, s.na_share, m_share);
    ++row;
  }
  ++row;

  // Disclosure statement.
  check(worksheet_set_row(ws, row, 22, nullptr), "row");
  check(worksheet_merge_range(ws, row, 0, row, last, m_t.disclosure, m_h2), "heading");
  ++row;
  for (const auto& line : disclosure_lines()) paragraph(ws, row++, last, full_width, line, m_note);
  ++row;
  paragraph(ws, row++, last, full_width,
            ja() ? "各セクションのシートに項目別の表と円グラフ、「データ」シートに全項目・全選択肢の一覧、"
                   "「ルール」シートに集計の規則があります。"
                 : "Each section sheet holds the per-item table and pie charts; the Data sheet lists every item "
                   "and choice; the Rules sheet states how the figures are computed.",
            m_note);
  worksheet_activate(ws);
}

// --- section sheets --------------------------------------------------------------------

// Slice colours by level, as in the HTML report (svg_chart): shades for the
// second and third choice of the same level.
lxw_color_t slice_color(Level level, int nth) {
  static constexpr std::array<lxw_color_t, 3> good = {0x2F7D66, 0x62A58D, 0x9CC9B7};
  static constexpr std::array<lxw_color_t, 3> partial = {0xDEA13A, 0xEBC06E, 0xF3DAA6};
  static constexpr std::array<lxw_color_t, 3> poor = {0xBF4F3B, 0xD7806D, 0xE8B2A5};
  static constexpr std::array<lxw_color_t, 3> na = {0x9BA3AD, 0xBCC2C9, 0xD7DBE0};
  const auto& set = level == Level::kGood ? good : level == Level::kPartial ? partial : level == Level::kPoor ? poor : na;
  return set[static_cast<std::size_t>(std::min(nth, 2))];
}

constexpr int k_chart_width = 520;   // pixels
constexpr int k_chart_height = 280;  // pixels
constexpr int k_chart_rows = 15;     // default rows (15 pt, 20 px) per chart, with a gap

// Printable area of A4 landscape with add_sheet's margins, in points.
constexpr double k_landscape_width_pt = 842.0 - (0.4 + 0.4) * 72.0;
constexpr double k_landscape_height_pt = 595.0 - (0.7 + 0.6) * 72.0;

// Excel's pixel width of a column `width` characters wide (11 pt Calibri).
double column_pixels(double width) { return std::floor(width * 7.0 + 0.5) + 5.0; }

void Book::pie_chart(lxw_worksheet* ws, const std::string& sheet, const ItemResult& it, lxw_row_t first_row,
                     lxw_row_t chart_row, lxw_col_t chart_col, int x_offset) {
  lxw_chart* chart = workbook_add_chart(m_wb, LXW_CHART_PIE);
  if (chart == nullptr) {
    if (m_error.is_ok()) m_error = Status::internal("xlsx: cannot add a chart");
    return;
  }
  const auto last_row = static_cast<lxw_row_t>(first_row + it.choices.size() - 1);
  lxw_chart_series* series = chart_add_series(chart, nullptr, nullptr);
  chart_series_set_categories(series, sheet.c_str(), first_row, 3, last_row, 3);
  chart_series_set_values(series, sheet.c_str(), first_row, 4, last_row, 4);
  chart_series_set_name(series, keep(it.id));

  // Slice colours.
  std::vector<lxw_chart_fill> fills(it.choices.size());
  std::vector<lxw_chart_line> lines(it.choices.size());
  std::vector<lxw_chart_point> points(it.choices.size());
  std::vector<lxw_chart_point*> point_ptrs;
  std::array<int, 4> seen{};
  for (std::size_t i = 0; i < it.choices.size(); ++i) {
    const auto level = it.choices[i].level;
    fills[i] = lxw_chart_fill{};
    fills[i].color = slice_color(level, seen[static_cast<std::size_t>(level)]++);
    lines[i] = lxw_chart_line{};
    lines[i].color = 0xFFFFFF;
    lines[i].width = 1.25;
    points[i] = lxw_chart_point{};
    points[i].fill = &fills[i];
    points[i].line = &lines[i];
    point_ptrs.push_back(&points[i]);
  }
  point_ptrs.push_back(nullptr);
  check(chart_series_set_points(series, point_ptrs.data()), "chart points");

  // Data labels: OUR whole percents as custom label texts; slices of 0% get
  // none. The position goes first (ARCHITECTURE §7), or Excel and LibreOffice
  // show the raw value beside the custom text.
  chart_series_set_labels_position(series, LXW_CHART_LABEL_POSITION_OUTSIDE_END);
  lxw_chart_font label_font{};
  label_font.bold = LXW_TRUE;
  label_font.size = 10;
  label_font.color = 0x1F2328;
  std::vector<lxw_chart_data_label> labels(it.choices.size());
  std::vector<lxw_chart_data_label*> label_ptrs;
  for (std::size_t i = 0; i < it.choices.size(); ++i) {
    labels[i] = lxw_chart_data_label{};
    labels[i].font = &label_font;
    if (it.choices[i].count == 0) {
      labels[i].hide = LXW_TRUE;
    } else {
      labels[i].value = const_cast<char*>(keep(fmt::format("{}%", it.choices[i].percent)));
    }
    label_ptrs.push_back(&labels[i]);
  }
  label_ptrs.push_back(nullptr);
  check(chart_series_set_labels_custom(series, label_ptrs.data()), "chart labels");
  chart_series_set_labels_font(series, &label_font);

  const std::string title = it.id + " " + truncate_chars(it.text, 44);
  chart_title_set_name(chart, keep(title));
  lxw_chart_font title_font{};
  title_font.size = 10;
  title_font.bold = LXW_TRUE;
  chart_title_set_name_font(chart, &title_font);
  chart_legend_set_position(chart, LXW_CHART_LEGEND_RIGHT);
  lxw_chart_font legend_font{};
  legend_font.size = 9;
  chart_legend_set_font(chart, &legend_font);

  lxw_chart_options opt{};
  opt.x_offset = x_offset;
  opt.y_offset = 4;
  opt.x_scale = static_cast<double>(k_chart_width) / 480.0;
  opt.y_scale = static_cast<double>(k_chart_height) / 288.0;
  opt.object_position = LXW_OBJECT_MOVE_DONT_SIZE;
  opt.description = const_cast<char*>(keep(title));
  check(worksheet_insert_chart_opt(ws, chart_row, chart_col, chart, &opt), "chart");
}

void Book::section_sheet(const analysis::SectionResult& s) {
  const std::string name_wanted = s.title.empty() ? s.id : s.title;
  std::string sheet;
  lxw_worksheet* ws = add_sheet(name_wanted, true, &sheet);
  if (ws == nullptr) return;
  // Columns: id, statement, no., choice, count, percent, n, answered, no answer, score, highlight.
  static constexpr std::array<double, 11> widths = {12, 40, 5, 34, 7, 7, 6, 9, 9, 7, 11};
  for (std::size_t c = 0; c < widths.size(); ++c) {
    check(worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), widths[c], nullptr),
          "column");
  }
  constexpr lxw_col_t last = 10;
  lxw_row_t row = banner(ws, last);
  check(worksheet_set_row(ws, row, 28, nullptr), "row");
  check(worksheet_merge_range(ws, row, 0, row, last, keep(s.title), m_title), "title");
  ++row;
  std::string note = fmt::format(fmt::runtime(m_t.section_note), m_a.organizations, s.items.size());
  if (s.score) note += ja() ? fmt::format(" セクションのスコア {:.2f}。", *s.score) : fmt::format(" Section score {:.2f}.", *s.score);
  paragraph(ws, row++, last, 150, note, m_note);
  ++row;

  const lxw_row_t head_row = row;
  const std::array<const char*, 11> heads = {m_t.item, m_t.text, m_t.col_no, m_t.col_choice, m_t.col_count,
                                             m_t.col_percent, m_t.col_n, m_t.col_answered, m_t.col_unanswered,
                                             m_t.score, m_t.col_highlight};
  int head_lines = 1;
  for (std::size_t c = 0; c < heads.size(); ++c) head_lines = std::max(head_lines, wrapped_lines(heads[c], widths[c]));
  check(worksheet_set_row(ws, row, height_for(head_lines), nullptr), "row");
  for (std::size_t c = 0; c < heads.size(); ++c) str(ws, row, static_cast<lxw_col_t>(c), heads[c], m_head);
  check(worksheet_repeat_rows(ws, head_row, head_row), "repeat rows");
  ++row;

  std::vector<lxw_row_t> first_rows;
  for (std::size_t idx : s.items) {
    const ItemResult& it = m_a.items[idx];
    first_rows.push_back(row);
    const std::size_t k = std::max<std::size_t>(1, it.choices.size());
    // Row heights: each choice's label, and the statement spread over the rows.
    const double text_height = height_for(wrapped_lines(it.text, widths[1]));
    for (std::size_t i = 0; i < k; ++i) {
      double h = i < it.choices.size() ? height_for(wrapped_lines(it.choices[i].label, widths[3])) : k_line_height;
      h = std::max(h, std::ceil(text_height / static_cast<double>(k)));
      check(worksheet_set_row(ws, static_cast<lxw_row_t>(row + i), h, nullptr), "row");
    }
    const auto end = static_cast<lxw_row_t>(row + k - 1);
    lxw_format* hl = it.highlight == Highlight::kStrength    ? m_strength
                     : it.highlight == Highlight::kChallenge ? m_challenge
                     : it.highlight == Highlight::kNotExercised ? m_muted
                                                                : m_text;
    merge_text(ws, row, 0, end, it.id, m_text);
    merge_text(ws, row, 1, end, it.text, m_text);
    for (std::size_t i = 0; i < it.choices.size(); ++i) {
      const auto& c = it.choices[i];
      const auto r = static_cast<lxw_row_t>(row + i);
      num(ws, r, 2, c.no, m_center);
      str(ws, r, 3, c.label, m_text);
      num(ws, r, 4, c.count, m_int);
      num(ws, r, 5, c.percent, m_pct);
    }
    merge_number(ws, row, 6, end, it.n, m_int);
    merge_number(ws, row, 7, end, it.answered, m_int);
    merge_number(ws, row, 8, end, it.unanswered, m_int);
    if (it.score) {
      merge_number(ws, row, 9, end, *it.score, m_score);
    } else {
      merge_blank(ws, row, 9, end, m_score);
    }
    merge_text(ws, row, 10, end, highlight_text(it.highlight), hl);
    row = end + 1;
  }
  worksheet_freeze_panes(ws, head_row + 1, 0);

  // The charts, two per row, below the table (they never cover it: the table's
  // rows end above the first chart row, and the chart rows keep their default
  // height). Printed (fitted to the page width), they start on a new page and
  // page breaks fall between rows of charts, as many rows per page as fit at
  // the largest scale the column widths allow (Excel's own estimate of the
  // scale can only be smaller, so a page never holds less than that).
  // LibreOffice honours these breaks under fit-to-width; Excel ignores manual
  // breaks there and may cut a chart across two printed pages.
  double table_px = 0;
  for (double w : widths) table_px += column_pixels(w);
  const double content_pt = std::max(table_px, 2.0 * k_chart_width + 20.0) * 0.75;
  const double scale = std::clamp(std::floor(97.0 * k_landscape_width_pt / content_pt), 10.0, 100.0);
  const double page_pt = k_landscape_height_pt * 100.0 / scale - height_for(head_lines) /* repeated */ - 22.0;
  const std::size_t chart_rows_per_page =
      std::max<std::size_t>(1, static_cast<std::size_t>(page_pt / (k_chart_rows * k_line_height)));
  row += 1;
  std::vector<lxw_row_t> breaks = {row};
  check(worksheet_set_row(ws, row, 22, nullptr), "row");
  check(worksheet_merge_range(ws, row, 0, row, last, m_t.charts, m_h2), "heading");
  row += 1;
  const std::size_t grid_rows = (s.items.size() + 1) / 2;
  for (std::size_t g = chart_rows_per_page; g < grid_rows; g += chart_rows_per_page) {
    breaks.push_back(static_cast<lxw_row_t>(row + g * k_chart_rows));
  }
  breaks.push_back(0);
  check(worksheet_set_h_pagebreaks(ws, breaks.data()), "page breaks");
  for (std::size_t i = 0; i < s.items.size(); ++i) {
    const ItemResult& it = m_a.items[s.items[i]];
    if (it.choices.empty()) continue;
    const auto chart_row = static_cast<lxw_row_t>(row + (i / 2) * k_chart_rows);
    pie_chart(ws, sheet, it, first_rows[i], chart_row, 0, (i % 2 == 0) ? 4 : k_chart_width + 16);
  }
}

// --- data, comments, rules ---------------------------------------------------------------

void Book::data_sheet() {
  lxw_worksheet* ws = add_sheet(m_t.sheet_data, true);
  if (ws == nullptr) return;
  const std::array<const char*, 14> heads = {
      m_t.item, m_t.section, m_t.category, m_t.col_no, m_t.col_choice, m_t.col_level, m_t.col_count,
      m_t.col_percent, m_t.col_share, m_t.col_n, m_t.col_answered, m_t.col_unanswered, m_t.score,
      m_t.col_highlight};
  static constexpr std::array<double, 14> widths = {12, 14, 14, 6, 40, 9, 8, 7, 9, 6, 8, 8, 7, 13};
  for (std::size_t c = 0; c < widths.size(); ++c) {
    check(worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), widths[c], nullptr),
          "column");
  }
  constexpr lxw_col_t last = 13;
  lxw_row_t row = banner(ws, last);
  const lxw_row_t head_row = row;
  check(worksheet_set_row(ws, row, 32, nullptr), "row");
  for (std::size_t c = 0; c < heads.size(); ++c) str(ws, row, static_cast<lxw_col_t>(c), heads[c], m_head);
  ++row;
  for (const auto& it : m_a.items) {
    for (const auto& c : it.choices) {
      str(ws, row, 0, it.id, m_plain);
      str(ws, row, 1, it.section, m_plain);
      str(ws, row, 2, model::to_string(it.category), m_plain);
      num(ws, row, 3, c.no, m_center);
      str(ws, row, 4, c.label, m_plain);
      str(ws, row, 5, model::to_string(c.level), m_plain);
      num(ws, row, 6, c.count, m_int);
      num(ws, row, 7, c.percent, m_pct);
      num(ws, row, 8, c.share, m_share);
      num(ws, row, 9, it.n, m_int);
      num(ws, row, 10, it.answered, m_int);
      num(ws, row, 11, it.unanswered, m_int);
      if (it.score) {
        num(ws, row, 12, *it.score, m_score);
      } else {
        str(ws, row, 12, "", m_plain);
      }
      str(ws, row, 13, analysis::to_string(it.highlight), m_plain);
      ++row;
    }
  }
  worksheet_freeze_panes(ws, head_row + 1, 0);
  check(worksheet_autofilter(ws, head_row, 0, row > head_row + 1 ? row - 1 : head_row, last), "autofilter");
  check(worksheet_repeat_rows(ws, head_row, head_row), "repeat rows");
}

void Book::comments_sheet() {
  bool any = false;
  for (const auto& it : m_a.items) any = any || !it.comments.empty();
  if (!any) return;
  lxw_worksheet* ws = add_sheet(m_t.sheet_comments, false);
  if (ws == nullptr) return;
  static constexpr std::array<double, 3> widths = {12, 12, 80};
  for (std::size_t c = 0; c < widths.size(); ++c) {
    check(worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), widths[c], nullptr),
          "column");
  }
  lxw_row_t row = banner(ws, 2);
  const lxw_row_t head_row = row;
  str(ws, row, 0, m_t.col_quote, m_head);
  str(ws, row, 1, m_t.item, m_head);
  const bool published = m_a.disclosure.has_value();
  str(ws, row, 2,
      published ? (ja() ? "コメント（公表用、伏せ字済み）" : "Comment (as published, redacted)")
                : (ja() ? "コメント（未公表：伏せ字処理前）" : "Comment (not published: not yet redacted)"),
      m_head);
  ++row;
  for (const auto& it : m_a.items) {
    for (const auto& q : it.comments) {
      // Quote::org is never written: the published form is the id and the text.
      check(worksheet_set_row(ws, row, height_for(wrapped_lines(q.text, widths[2])), nullptr), "row");
      str(ws, row, 0, q.id, m_plain);
      str(ws, row, 1, it.id, m_plain);
      str(ws, row, 2, q.text, m_text);
      ++row;
    }
  }
  worksheet_freeze_panes(ws, head_row + 1, 0);
  check(worksheet_autofilter(ws, head_row, 0, row - 1, 2), "autofilter");
  check(worksheet_repeat_rows(ws, head_row, head_row), "repeat rows");
}

void Book::rules_sheet() {
  lxw_worksheet* ws = add_sheet(m_t.sheet_rules, false);
  if (ws == nullptr) return;
  check(worksheet_set_column(ws, 0, 0, 22, nullptr), "column");
  check(worksheet_set_column(ws, 1, 1, 86, nullptr), "column");
  lxw_row_t row = banner(ws, 1);
  check(worksheet_set_row(ws, row, 30, nullptr), "row");
  check(worksheet_merge_range(ws, row, 0, row, 1, ja() ? "集計の規則" : "How the figures are computed", m_title),
        "title");
  row += 2;
  str(ws, row, 0, m_t.rule, m_head);
  str(ws, row, 1, m_t.text, m_head);
  ++row;
  const auto& op = m_a.options;
  const std::uint32_t k = m_a.disclosure ? m_a.disclosure->min_group : 3;
  std::vector<std::pair<std::string, std::string>> rules;
  if (ja()) {
    rules = {
        {"n・回答・無回答", "n は集計対象の組織数。「回答」はその項目でいずれかの選択肢を選んだ組織数、"
                            "「無回答」は n − 回答 で、選択肢としては数えず別に示します。"},
        {"割合", "各選択肢の組織数 ÷ 回答数。「シナリオ対象外」も選択肢の一つとして分母に含めます。"
                 "表示する割合は整数で、最大剰余法（ヘア式）により合計がちょうど100%になるよう丸めます："
                 "まず切り捨て、不足分を余りの大きい順に1ずつ配ります。余りが等しいときは番号の大きい選択肢を優先します。"
                 "回答が0件の項目はすべて0%です。円グラフのラベルもこの割合で、Excel 自身の丸めではありません。"
                 "丸める前の比率は「データ」シートの「比率」列にあります。"},
        {"スコア", "回答のうち「シナリオ対象外」を除いたものについて、良好=1、一部=0.5、不十分=0 の平均。"},
        {"判定",
         fmt::format("シナリオ対象外が回答の {:.0f}% 以上なら「対象外多数」。それ以外でスコアが {:.2f} 以上なら「強み」、"
                     "{:.2f} 以下なら「課題」。",
                     op.not_exercised_at * 100, op.strength_at, op.challenge_at)},
        {"最小グループサイズ", fmt::format("k = {}。回答組織が k 未満の集計全体・区分・クロス集計のセルは公表しません"
                                         "（非表示、または「その他」に統合）。合計から非表示の値が逆算できる場合は、"
                                         "他の値も合わせて非表示にします（補完秘匿）。",
                                         k)},
        {"コメントの伏せ字", std::string(m_a.disclosure ? "" : "このファイルは公表処理前で、コメントは伏せ字処理をしていません。") +
                             "公表するコメントは、組織名・拠点名・人名（登録済みの組織、利用者、連絡網と指定語リストによる）、"
                             "メールアドレス、電話番号、IPアドレス、ホスト名を伏せ字にし、引用IDを付けます。"
                             "取りまとめ担当者が除外した抜粋は公表しません。回答した組織の名前や仮名は示しません。"},
        {"TLP", fmt::format("この文書の区分は {}。すべてのシートの先頭と印刷ヘッダーに表示しています。", tlp_text())},
    };
  } else {
    rules = {
        {"n, answered, no answer", "n is the number of organisations in the result. \"Answered\" counts those that "
                                   "chose any choice for the item; \"no answer\" is n − answered, shown apart and "
                                   "never counted as a choice."},
        {"Percent", "Organisations choosing a choice ÷ answered. \"Out of scenario scope\" is a choice and stays in "
                    "the denominator. Percents are whole numbers summing to exactly 100% by the largest-remainder "
                    "(Hamilton) method: round every share down, then give the missing points one by one to the "
                    "largest remainders; equal remainders go to the higher-numbered choice. An item nobody answered "
                    "shows 0% throughout. The pie charts' labels are these percents, not Excel's own rounding; the "
                    "exact shares are in the Data sheet."},
        {"Score", "Mean over the answers other than \"out of scope\" of good = 1, partial = 0.5, poor = 0."},
        {"Highlight", fmt::format("\"Mostly out of scope\" when out-of-scope answers are at least {:.0f}% of the "
                                  "answers; otherwise \"strength\" when the score is at least {:.2f} and "
                                  "\"challenge\" when it is at most {:.2f}.",
                                  op.not_exercised_at * 100, op.strength_at, op.challenge_at)},
        {"Minimum group size", fmt::format("k = {}. No figure about fewer than k organisations is published (the "
                                           "whole result, a group or a cross-tab cell): it is suppressed or merged "
                                           "into \"other\". When a total could reveal a suppressed figure, further "
                                           "figures are suppressed too (complementary suppression).",
                                           k)},
        {"Redaction", std::string(m_a.disclosure ? "" : "This file has not been published: its comments are not yet "
                                                        "redacted. ") +
                      "Published comments have organisation, site and person names (from the registered "
                      "organisations, users, contact trees and the word list), e-mail addresses, phone numbers, IP "
                      "addresses and host names redacted, and carry a quote id. Excerpts the coordinator excluded are "
                      "not published. No organisation's name or pseudonym is shown."},
        {"TLP", fmt::format("This document is {}: marked at the top of every sheet and in every printed page "
                            "header.",
                            tlp_text())},
    };
  }
  for (const auto& [key, value] : rules) {
    check(worksheet_set_row(ws, row, height_for(wrapped_lines(value, 86)), nullptr), "row");
    str(ws, row, 0, key, m_key);
    str(ws, row, 1, value, m_text);
    ++row;
  }
}

Status Book::write(const std::string& path) {
  lxw_workbook_options options{};
  options.constant_memory = LXW_FALSE;
  options.tmpdir = nullptr;
  options.use_zip64 = LXW_FALSE;
  m_wb = workbook_new_opt(path.c_str(), &options);
  if (m_wb == nullptr) return Status::io_error(fmt::format("cannot create the workbook {}", path));

  // Fixed creation time: the same inputs give the same bytes.
  std::time_t created = 946684800;  // 2000-01-01T00:00:00Z
  if (!m_o.generated_at.empty()) {
    std::tm tm{};
    const char* end = strptime(m_o.generated_at.c_str(), "%Y-%m-%d %H:%M", &tm);
    if (end != nullptr) created = timegm(&tm);
  }
  lxw_doc_properties props{};
  const std::string title =
      m_o.title.empty() ? m_a.checklist_title + (ja() ? " " : " — ") + m_t.title_suffix : m_o.title;
  props.title = const_cast<char*>(keep(title));
  props.subject = const_cast<char*>(keep(tlp_text()));
  props.author = const_cast<char*>("Kunren");
  props.keywords = const_cast<char*>(keep(m_tlp == nullptr ? std::string() : tlp_text()));
  props.created = created;
  check(workbook_set_properties(m_wb, &props), "properties");

  make_formats();
  summary_sheet();
  for (const auto& s : m_a.sections) section_sheet(s);
  data_sheet();
  comments_sheet();
  rules_sheet();

  lxw_error closed = workbook_close(m_wb);  // frees the workbook whatever happened
  m_wb = nullptr;
  if (!m_error.is_ok()) return m_error;
  if (closed != LXW_NO_ERROR) {
    return closed == LXW_ERROR_CREATING_XLSX_FILE || closed == LXW_ERROR_CREATING_TMPFILE
               ? Status::io_error(fmt::format("cannot write the workbook: {}", lxw_strerror(closed)))
               : Status::internal(fmt::format("xlsx: {}", lxw_strerror(closed)));
  }
  return Status::ok();
}

// The private temporary file the workbook is written to; removed on every path.
class TempFile {
 public:
  TempFile() = default;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!m_path.empty()) ::unlink(m_path.c_str());
  }
  Status create() {
    const char* dir = std::getenv("TMPDIR");
    std::string pattern = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/kunren-xlsx-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    int fd = ::mkstemp(buf.data());  // mode 0600
    if (fd < 0) return Status::io_error(fmt::format("cannot create a temporary file {}: {}", pattern, std::strerror(errno)));
    ::close(fd);
    m_path = buf.data();
    return Status::ok();
  }
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

}  // namespace

Result<std::string> render_xlsx(const Analysis& a, const XlsxOptions& options) {
  std::string tlp_name = !options.tlp.empty() ? options.tlp : (a.disclosure ? a.disclosure->tlp : std::string());
  if (tlp_name.rfind("TLP:", 0) == 0) tlp_name = tlp_name.substr(4);
  const TlpInfo* tlp = nullptr;
  if (!tlp_name.empty()) {
    tlp = find_tlp(tlp_name);
    if (tlp == nullptr) {
      return Status::bad_input(fmt::format("unknown TLP marking '{}'; use CLEAR, GREEN, AMBER, AMBER+STRICT or RED",
                                           tlp_name),
                               Location{{}, 0, 0, "--tlp"});
    }
  }
  const Texts& texts = options.lang == "en" ? k_en : k_ja;

  TempFile tmp;
  KUNREN_RETURN_IF_ERROR(tmp.create());
  Book book(a, options, texts, tlp);
  KUNREN_RETURN_IF_ERROR(book.write(tmp.path()));

  std::ifstream in(tmp.path(), std::ios::binary);
  if (!in) return Status::io_error(fmt::format("cannot read back the workbook {}", tmp.path()));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::io_error(fmt::format("cannot read back the workbook {}", tmp.path()));
  return bytes;
}

}  // namespace kunren::report
