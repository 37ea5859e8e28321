#include <kunren/report/svg_chart.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include <fmt/format.h>

#include <kunren/report/html_escape.hpp>
#include <kunren/util/utf8.hpp>

namespace kunren::report {

namespace {

using analysis::ChoiceResult;
using analysis::Highlight;
using analysis::ItemResult;
using model::Level;

constexpr const char* k_font_family =
    "'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', 'Hiragino Kaku Gothic ProN', "
    "'Yu Gothic', Meiryo, sans-serif";
constexpr const char* k_text_color = "#1f2328";
constexpr const char* k_muted_color = "#5b6470";
constexpr const char* k_leader_color = "#7d8590";

bool is_en(std::string_view lang) { return lang == "en"; }

// Coordinates rounded to 0.1, without a trailing ".0" and never "-0".
std::string num(double v) {
  double r = std::round(v * 10.0) / 10.0;
  if (r == 0.0) r = 0.0;  // drops the sign of -0
  std::string s = fmt::format("{:.1f}", r);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

std::string score_text(const std::optional<double>& score) {
  return score ? fmt::format("{:.2f}", *score) : std::string("—");
}

// ---------------------------------------------------------------------------
// Text measurement and wrapping

struct Glyph {
  std::uint32_t cp;
  std::string_view bytes;
};

// Characters of `s`; a byte that starts no valid sequence is one U+FFFD.
std::vector<Glyph> decode(std::string_view s) {
  std::vector<Glyph> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t cp = 0xFFFD;
    const std::size_t len = std::max<std::size_t>(1, util::utf8_sequence_length(s, i, &cp));
    out.push_back({static_cast<std::uint32_t>(cp), s.substr(i, len)});
    i += len;
  }
  return out;
}

bool is_wide(std::uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
         (cp >= 0x3040 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
         (cp >= 0x20000 && cp <= 0x3FFFD);
}

double glyph_em(std::uint32_t cp) {
  if (is_wide(cp)) return 1.0;
  if (cp >= 0xFF61 && cp <= 0xFF9F) return 0.5;  // half-width katakana
  if (cp == ' ') return 0.3;
  if (cp >= '0' && cp <= '9') return 0.58;
  if (cp >= 'A' && cp <= 'Z') return (cp == 'M' || cp == 'W') ? 0.86 : 0.66;
  if (cp >= 'a' && cp <= 'z') {
    if (cp == 'i' || cp == 'j' || cp == 'l') return 0.28;
    if (cp == 'f' || cp == 't' || cp == 'r') return 0.38;
    if (cp == 'm' || cp == 'w') return 0.84;
    return 0.56;
  }
  switch (cp) {
    case '.': case ',': case ':': case ';': case '\'': case '!': case '|': return 0.3;
    case '(': case ')': case '[': case ']': case '-': return 0.36;
    case '%': return 0.85;
    default: return cp < 0x80 ? 0.6 : 0.65;
  }
}

// Characters that must not begin a line (closing brackets, punctuation, small
// kana, prolonged sound mark) or end one (opening brackets): 禁則処理.
bool no_line_start(std::uint32_t cp) {
  static constexpr std::array<std::uint32_t, 40> k_set = {
      0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF09, 0x300D, 0x300F, 0x3011, 0x3015, 0x3009,
      0x300B, 0x30FB, 0x30FC, 0x3005, 0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063,
      0x3083, 0x3085, 0x3087, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3,
      0x30E5, 0x30E7, 0xFF1F, 0xFF01, 0xFF05, 0xFF1A, 0xFF1B, 0x309D, 0x309E, 0x30FD};
  if (cp == ',' || cp == '.' || cp == ')' || cp == ']' || cp == '%' || cp == '!' || cp == '?' ||
      cp == ':' || cp == ';') {
    return true;
  }
  return std::find(k_set.begin(), k_set.end(), cp) != k_set.end();
}

bool no_line_end(std::uint32_t cp) {
  return cp == '(' || cp == '[' || cp == 0xFF08 || cp == 0x300C || cp == 0x300E || cp == 0x3010 ||
         cp == 0x3014 || cp == 0x3008 || cp == 0x300A;
}

bool is_space(std::uint32_t cp) { return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000; }

// Rough word classes for Japanese line breaking without a dictionary: a
// phrase (文節) is approximated by a run of kanji or of katakana followed by a
// run of hiragana ("体制が", "セキュリティ", "機能しない"); lines break between
// such phrases, between Latin words, and inside a phrase only when it is wider
// than a whole line.
enum class Script { kLatin, kKanji, kKatakana, kHiragana, kOtherWide };

Script script_of(std::uint32_t cp) {
  if ((cp >= 0x3041 && cp <= 0x309F)) return Script::kHiragana;
  if ((cp >= 0x30A0 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) || (cp >= 0xFF66 && cp <= 0xFF9F)) {
    return Script::kKatakana;
  }
  if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
      cp == 0x3005 || (cp >= 0x20000 && cp <= 0x3FFFD)) {
    return Script::kKanji;
  }
  return is_wide(cp) ? Script::kOtherWide : Script::kLatin;
}

// Whether a glyph of script `next` continues a phrase whose last glyph is `prev`.
bool continues_phrase(Script prev, Script next) {
  switch (next) {
    case Script::kLatin: return prev == Script::kLatin;
    case Script::kHiragana: return prev == Script::kKanji || prev == Script::kKatakana || prev == Script::kHiragana;
    case Script::kKanji: return prev == Script::kKanji;
    case Script::kKatakana: return prev == Script::kKatakana;
    case Script::kOtherWide: return false;
  }
  return false;
}

// A piece of text that is not broken inside (unless it is wider than a line),
// with the spaces that follow it.
struct Unit {
  std::vector<Glyph> glyphs;
  double width = 0;
  double trail_width = 0;  // spaces after the unit; 0 = none
  Script last_script = Script::kLatin;
  std::uint32_t last = 0;
};

std::vector<Unit> split_units(std::string_view text) {
  std::vector<Unit> units;
  for (const Glyph& g : decode(text)) {
    if (is_space(g.cp)) {
      if (!units.empty()) units.back().trail_width = glyph_em(' ');
      continue;
    }
    const Script script = script_of(g.cp);
    bool glue = false;
    if (!units.empty() && units.back().trail_width == 0) {
      const Unit& prev = units.back();
      glue = no_line_start(g.cp) || no_line_end(prev.last) || continues_phrase(prev.last_script, script);
    }
    if (!glue) units.emplace_back();
    Unit& u = units.back();
    u.glyphs.push_back(g);
    u.width += glyph_em(g.cp);
    u.last = g.cp;
    // Small kana and "ー" continue their word; wide punctuation ends a phrase.
    u.last_script = script;
  }
  return units;
}

struct Line {
  std::string text;
  double width_em = 0;
};

// Greedy fill of lines of at most `max_em`; a unit wider than a line is cut
// between glyphs.
std::vector<Line> fill_lines(const std::vector<Unit>& units, double max_em) {
  std::vector<Line> lines;
  Line cur;
  double pending = 0;  // space owed before the next unit on this line
  for (const Unit& u : units) {
    if (!cur.text.empty() && cur.width_em + pending + u.width > max_em) {
      lines.push_back(std::move(cur));
      cur = Line{};
      pending = 0;
    }
    if (!cur.text.empty() && pending > 0) {
      cur.text += ' ';
      cur.width_em += pending;
    }
    for (const Glyph& g : u.glyphs) {
      const double w = glyph_em(g.cp);
      if (!cur.text.empty() && cur.width_em + w > max_em && u.width > max_em && !no_line_start(g.cp)) {
        lines.push_back(std::move(cur));
        cur = Line{};
      }
      cur.text.append(g.bytes);
      cur.width_em += w;
    }
    pending = u.trail_width;
  }
  if (!cur.text.empty() || lines.empty()) lines.push_back(std::move(cur));
  return lines;
}

// Wraps `text` to lines of at most `max_em`; when it needs several lines, uses
// the narrowest width that still gives that many, so the lines are balanced.
std::vector<Line> wrap(std::string_view text, double max_em) {
  const std::vector<Unit> units = split_units(text);
  std::vector<Line> best = fill_lines(units, max_em);
  if (best.size() < 2) return best;
  double widest = 0;  // never narrower than a unit: that would cut a phrase
  for (const Unit& u : units) widest = std::max(widest, u.width);
  for (double w = max_em - 0.5; w >= widest; w -= 0.5) {
    std::vector<Line> trial = fill_lines(units, w);
    if (trial.size() != best.size()) break;
    best = std::move(trial);
  }
  return best;
}

// The lines of a pie label "1. label, count, percent%": one line when it fits;
// otherwise the wrapped "1. label," with "count, percent%" on a line of its
// own, so the figures always line up at the end of the block.
std::vector<Line> pie_label_lines(const ChoiceResult& c, double max_em) {
  const std::string full = fmt::format("{}. {}, {}, {}%", c.no, c.label, c.count, c.percent);
  const double full_width = estimate_width_em(full);
  if (full_width <= max_em) return {Line{full, full_width}};
  std::vector<Line> lines = wrap(fmt::format("{}. {},", c.no, c.label), max_em);
  lines.back().text += ' ';  // the text content still reads "label, count, percent%"
  const std::string figures = fmt::format("{}, {}%", c.count, c.percent);
  lines.push_back(Line{figures, estimate_width_em(figures)});
  return lines;
}

// ---------------------------------------------------------------------------
// Colours

struct Rgb {
  int r, g, b;
};

Rgb parse_hex(std::string_view hex) {
  auto h = [&](std::size_t i) {
    auto d = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    return d(hex[i]) * 16 + d(hex[i + 1]);
  };
  return {h(1), h(3), h(5)};
}

double luminance(Rgb c) {
  auto lin = [](int v) {
    const double s = v / 255.0;
    return s <= 0.03928 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

// Dark or white text, whichever contrasts more with `fill`.
const char* text_on(std::string_view fill) {
  const double l = luminance(parse_hex(fill));
  const double dark = luminance(parse_hex(k_text_color));
  const double with_dark = (l + 0.05) / (dark + 0.05);
  const double with_white = 1.05 / (l + 0.05);
  return with_white > with_dark ? "#ffffff" : k_text_color;
}

// Per level, shades from darkest (first choice of that level) to lightest.
constexpr std::array<const char*, 3> k_good = {"#2f7d66", "#62a58d", "#9cc9b7"};
constexpr std::array<const char*, 3> k_partial = {"#dea13a", "#ebc06e", "#f3daa6"};
constexpr std::array<const char*, 3> k_poor = {"#bf4f3b", "#d7806d", "#e8b2a5"};
constexpr std::array<const char*, 3> k_na = {"#9ba3ad", "#bcc2c9", "#d7dbe0"};
constexpr const char* k_unanswered_fill = "#f4f5f7";
constexpr const char* k_unanswered_line = "#b3bac2";

const std::array<const char*, 3>& shades(Level level) {
  switch (level) {
    case Level::kGood: return k_good;
    case Level::kPartial: return k_partial;
    case Level::kPoor: return k_poor;
    case Level::kNa: return k_na;
  }
  return k_poor;
}

// ---------------------------------------------------------------------------
// Shared pieces

std::string svg_open(SvgMode mode, const std::string& view_box, double width, double height,
                     const std::string& css_class, const std::string& aria_label, double font_size) {
  std::string out = "<svg";
  if (mode == SvgMode::kStandalone) out += " xmlns=\"http://www.w3.org/2000/svg\"";
  out += fmt::format(
      " class=\"{}\" viewBox=\"{}\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\""
      " font-family=\"{}\" font-size=\"{}\" fill=\"{}\">\n",
      css_class, view_box, num(width), num(height), html_escape(aria_label), k_font_family, num(font_size),
      k_text_color);
  out += "<title>" + html_escape(aria_label) + "</title>\n";
  return out;
}

std::string slice_label(const ChoiceResult& c) {
  return fmt::format("{}. {}, {}, {}%", c.no, c.label, c.count, c.percent);
}

std::string n_text(const ItemResult& item, std::string_view lang) {
  if (item.unanswered == 0) return fmt::format("n={}", item.n);
  return is_en(lang) ? fmt::format("n={}, no answer: {}", item.n, item.unanswered)
                     : fmt::format("n={}、無回答 {}", item.n, item.unanswered);
}

std::string pie_summary(const ItemResult& item, std::string_view lang) {
  std::string out;
  if (is_en(lang)) {
    out = fmt::format("{}: answers ({}) — ", item.id, n_text(item, lang));
    for (std::size_t i = 0; i < item.choices.size(); ++i) {
      if (i > 0) out += "; ";
      out += slice_label(item.choices[i]);
    }
  } else {
    out = fmt::format("{} の回答分布（{}）：", item.id, n_text(item, lang));
    for (std::size_t i = 0; i < item.choices.size(); ++i) {
      if (i > 0) out += "／";
      out += slice_label(item.choices[i]);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Pie

constexpr double k_pie_r = 80;
constexpr double k_font = 14;
constexpr double k_line_h = 17.5;
constexpr double k_label_max_em = 12;
constexpr double k_elbow = 10;
constexpr double k_column = k_pie_r + 26;  // where leader lines end, either side
constexpr double k_half_width = k_column + 4 + k_label_max_em * k_font + 8;
constexpr double k_label_gap = 5;

struct PieLabel {
  std::size_t choice = 0;
  double angle = 0;  // radians clockwise from 12 o'clock
  int side = 1;      // +1 right, −1 left
  std::vector<Line> lines;
  double desired_y = 0;
  double y = 0;  // centre of the text block
  double height = 0;
};

double px(double angle, double radius) { return radius * std::sin(angle); }
double py(double angle, double radius) { return -radius * std::cos(angle); }

// Spreads the labels of one side vertically so that blocks keep `k_label_gap`
// apart, staying as close to their slices as they can.
void spread(std::vector<PieLabel*>& side, double top, double bottom) {
  std::sort(side.begin(), side.end(), [](const PieLabel* a, const PieLabel* b) {
    return a->desired_y != b->desired_y ? a->desired_y < b->desired_y : a->choice < b->choice;
  });
  double limit = top;
  for (PieLabel* l : side) {  // downwards: no overlap, not above `top`
    l->y = std::max(l->desired_y, limit + l->height / 2);
    limit = l->y + l->height / 2 + k_label_gap;
  }
  limit = bottom;
  for (auto it = side.rbegin(); it != side.rend(); ++it) {  // upwards: not below `bottom`
    PieLabel* l = *it;
    l->y = std::min(l->y, limit - l->height / 2);
    limit = l->y - l->height / 2 - k_label_gap;
  }
  limit = -1e9;
  for (PieLabel* l : side) {  // overlaps win over bounds: the view box grows instead
    l->y = std::max(l->y, limit + l->height / 2);
    limit = l->y + l->height / 2 + k_label_gap;
  }
}

}  // namespace

double estimate_width_em(std::string_view text) {
  double w = 0;
  for (const Glyph& g : decode(text)) w += glyph_em(g.cp);
  return w;
}

std::string choice_fill(const ItemResult& item, std::size_t index) {
  const Level level = item.choices[index].level;
  std::size_t rank = 0;
  for (std::size_t i = 0; i < index; ++i) {
    if (item.choices[i].level == level) ++rank;
  }
  const auto& s = shades(level);
  return s[std::min(rank, s.size() - 1)];
}

const char* level_label(Level level, std::string_view lang) {
  const bool en = is_en(lang);
  switch (level) {
    case Level::kGood: return en ? "good" : "良好";
    case Level::kPartial: return en ? "partial" : "部分的";
    case Level::kPoor: return en ? "poor" : "不十分";
    case Level::kNa: return en ? "out of scope" : "シナリオ対象外";
  }
  return "";
}

const char* highlight_label(Highlight h, std::string_view lang) {
  const bool en = is_en(lang);
  switch (h) {
    case Highlight::kStrength: return en ? "strength" : "強み";
    case Highlight::kChallenge: return en ? "challenge" : "課題";
    case Highlight::kNotExercised: return en ? "mostly out of scope" : "シナリオ対象外多数";
    case Highlight::kNone: return "";
  }
  return "";
}

std::string render_pie_svg(const ItemResult& item, const std::string& lang, SvgMode mode) {
  const double two_pi = 2 * std::numbers::pi;
  const bool no_answers = item.answered == 0;

  // Slice angles from the whole percents, clamped so a bad input cannot wrap.
  std::vector<double> start(item.choices.size()), end(item.choices.size());
  int cum = 0;
  for (std::size_t i = 0; i < item.choices.size(); ++i) {
    const int p = std::clamp(item.choices[i].percent, 0, 100 - cum);
    start[i] = cum / 100.0 * two_pi;
    cum += p;
    end[i] = cum / 100.0 * two_pi;
  }

  std::vector<PieLabel> labels(item.choices.size());
  std::vector<PieLabel*> right, left;
  for (std::size_t i = 0; i < item.choices.size(); ++i) {
    PieLabel& l = labels[i];
    l.choice = i;
    const ChoiceResult& c = item.choices[i];
    l.lines = pie_label_lines(c, k_label_max_em);
    l.height = static_cast<double>(l.lines.size()) * k_line_h;
    if (no_answers) {
      l.side = 1;
      l.desired_y = -k_pie_r + static_cast<double>(i) * k_line_h * 2;
      right.push_back(&l);
      continue;
    }
    double mid = (start[i] + end[i]) / 2;
    if (mid >= two_pi - 1e-9) mid = 0;
    l.angle = mid;
    l.side = std::sin(mid) < -1e-9 ? -1 : 1;
    l.desired_y = py(mid, k_pie_r + k_elbow + 4);
    (l.side > 0 ? right : left).push_back(&l);
  }
  const double band = k_pie_r + 24;
  spread(right, -band, band);
  spread(left, -band, band);

  // View box: the pie plus every label, never cut.
  double min_x = -k_half_width, max_x = k_half_width, min_y = -band, max_y = band;
  for (const PieLabel& l : labels) {
    double widest = 0;
    for (const Line& line : l.lines) widest = std::max(widest, line.width_em * k_font);
    const double text_x = k_column + 4;
    if (l.side > 0) max_x = std::max(max_x, text_x + widest + 8);
    else min_x = std::min(min_x, -text_x - widest - 8);
    min_y = std::min(min_y, l.y - l.height / 2 - 6);
    max_y = std::max(max_y, l.y + l.height / 2 + 6);
  }
  min_x = std::floor(min_x);
  min_y = std::floor(min_y);
  max_x = std::ceil(max_x);
  max_y = std::ceil(max_y);
  const double width = max_x - min_x, height = max_y - min_y;

  std::string out = svg_open(mode, fmt::format("{} {} {} {}", num(min_x), num(min_y), num(width), num(height)),
                             width, height, "pie", pie_summary(item, lang), k_font);

  // Slices.
  out += "<g stroke=\"#ffffff\" stroke-width=\"1.5\" stroke-linejoin=\"round\">\n";
  if (no_answers) {
    out += fmt::format(
        "<circle cx=\"0\" cy=\"0\" r=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-dasharray=\"4 3\"/>\n", num(k_pie_r),
        k_unanswered_fill, k_unanswered_line);
  }
  for (std::size_t i = 0; i < item.choices.size() && !no_answers; ++i) {
    const ChoiceResult& c = item.choices[i];
    if (end[i] <= start[i]) continue;
    const std::string title = "<title>" + html_escape(slice_label(c)) + "</title>";
    const std::string fill = choice_fill(item, i);
    if (end[i] - start[i] >= two_pi - 1e-9) {
      out += fmt::format("<circle class=\"slice\" cx=\"0\" cy=\"0\" r=\"{}\" fill=\"{}\">{}</circle>\n",
                         num(k_pie_r), fill, title);
      continue;
    }
    const int large = (end[i] - start[i]) > std::numbers::pi + 1e-9 ? 1 : 0;
    out += fmt::format("<path class=\"slice\" d=\"M0 0L{} {}A{} {} 0 {} 1 {} {}Z\" fill=\"{}\">{}</path>\n",
                       num(px(start[i], k_pie_r)), num(py(start[i], k_pie_r)), num(k_pie_r), num(k_pie_r), large,
                       num(px(end[i], k_pie_r)), num(py(end[i], k_pie_r)), fill, title);
  }
  out += "</g>\n";
  if (no_answers) {
    out += fmt::format("<text x=\"0\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>\n", num(k_font * 0.35),
                       k_muted_color, is_en(lang) ? "no answers" : "回答なし");
  }

  // Leader lines, then label texts, in choice order.
  out += fmt::format("<g fill=\"none\" stroke=\"{}\" stroke-width=\"1\">\n", k_leader_color);
  for (const PieLabel& l : labels) {
    if (no_answers) continue;
    const double end_x = l.side * k_column;
    out += fmt::format("<polyline points=\"{},{} {},{} {},{}\"/>\n", num(px(l.angle, k_pie_r - 3)),
                       num(py(l.angle, k_pie_r - 3)), num(px(l.angle, k_pie_r + k_elbow)),
                       num(py(l.angle, k_pie_r + k_elbow)), num(end_x), num(l.y));
  }
  out += "</g>\n";
  for (const PieLabel& l : labels) {
    const ChoiceResult& c = item.choices[l.choice];
    const double x = l.side * (k_column + 4);
    const bool zero = c.percent == 0;
    out += fmt::format("<text class=\"label\" text-anchor=\"{}\"{}>", l.side > 0 ? "start" : "end",
                       zero ? fmt::format(" fill=\"{}\"", k_muted_color) : std::string());
    const double first = l.y - (static_cast<double>(l.lines.size()) - 1) * k_line_h / 2 + k_font * 0.35;
    for (std::size_t k = 0; k < l.lines.size(); ++k) {
      out += fmt::format("<tspan x=\"{}\" y=\"{}\">{}</tspan>", num(x),
                         num(first + static_cast<double>(k) * k_line_h), html_escape(l.lines[k].text));
    }
    out += "</text>\n";
  }
  out += "</svg>\n";
  return out;
}

// ---------------------------------------------------------------------------
// Section bars

std::string render_section_bars_svg(const analysis::Analysis& a, const analysis::SectionResult& s,
                                    const std::string& lang, SvgMode mode) {
  const bool en = is_en(lang);
  constexpr double k_width = 680;
  constexpr double k_bar_font = 12;
  constexpr double k_row_h = 22;
  constexpr double k_row_gap = 7;
  constexpr double k_header_h = 26;

  std::vector<const ItemResult*> items;
  for (std::size_t idx : s.items) {
    if (idx < a.items.size()) items.push_back(&a.items[idx]);
  }
  double id_width = 0;
  for (const ItemResult* item : items) id_width = std::max(id_width, estimate_width_em(item->id) * k_bar_font);
  const double bar_x = std::clamp(std::ceil(id_width) + 14, 84.0, 240.0);
  double badge_width = 0;
  for (Highlight h : {Highlight::kStrength, Highlight::kChallenge, Highlight::kNotExercised}) {
    badge_width = std::max(badge_width, estimate_width_em(highlight_label(h, lang)) * 11 + 12);
  }
  const double score_x = k_width - badge_width - 46;
  const double bar_w = score_x - 12 - bar_x;
  const std::string pattern = "hatch-" + html_id(s.id);

  const double rows_end = k_header_h + static_cast<double>(items.size()) * (k_row_h + k_row_gap);
  const double axis_y = rows_end + 6;
  const double legend_y = axis_y + 30;
  const double height = legend_y + 22;

  const std::string summary =
      en ? fmt::format("{}: answers per item, {} items", s.title, items.size())
         : fmt::format("{}：項目別の回答の内訳（{}項目）", s.title, items.size());
  std::string out = svg_open(mode, fmt::format("0 0 {} {}", num(k_width), num(height)), k_width, height, "bars",
                             summary, k_bar_font);
  out += fmt::format(
      "<defs><pattern id=\"{}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"{}\"/>"
      "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"{}\" stroke-width=\"2\"/></pattern></defs>\n",
      pattern, k_unanswered_fill, k_unanswered_line);

  // Column headings.
  out += fmt::format("<g font-size=\"11\" fill=\"{}\">\n", k_muted_color);
  out += fmt::format("<text x=\"0\" y=\"16\">{}</text>\n", en ? "Item" : "項目");
  out += fmt::format("<text x=\"{}\" y=\"16\">{}</text>\n", num(bar_x),
                     en ? "Answers (organisations; bar = all organisations)" : "回答の内訳（組織数。棒の全長＝全組織）");
  out += fmt::format("<text x=\"{}\" y=\"16\">{}</text>\n", num(score_x), en ? "Score" : "スコア");
  out += "</g>\n";

  // Grid lines behind the bars.
  out += "<g stroke=\"#e3e6ea\" stroke-width=\"1\">\n";
  for (int q = 0; q <= 4; ++q) {
    const double x = bar_x + bar_w * q / 4.0;
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n", num(x), num(k_header_h - 4),
                       num(axis_y));
  }
  out += "</g>\n";

  for (std::size_t r = 0; r < items.size(); ++r) {
    const ItemResult& item = *items[r];
    const double y = k_header_h + static_cast<double>(r) * (k_row_h + k_row_gap);
    const double mid = y + k_row_h / 2 + k_bar_font * 0.35;
    std::string title = item.id + " " + item.text + " — " + n_text(item, lang) + ": ";
    for (std::size_t i = 0; i < item.choices.size(); ++i) {
      if (i > 0) title += en ? "; " : "／";
      title += slice_label(item.choices[i]);
    }
    out += "<g class=\"row\"><title>" + html_escape(title) + "</title>\n";
    out += fmt::format("<a href=\"#item-{}\"><text x=\"0\" y=\"{}\" font-size=\"{}\" fill=\"#1d4f91\">{}</text></a>\n",
                       html_id(item.id), num(mid), num(k_bar_font), html_escape(item.id));
    const double n = item.n > 0 ? item.n : 1;
    double x = bar_x;
    auto segment = [&](std::uint32_t count, const std::string& fill) {
      if (count == 0 || item.n == 0) return;
      const double w = bar_w * count / n;
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#ffffff\"/>\n",
                         num(x), num(y), num(w), num(k_row_h), fill);
      const std::string label = std::to_string(count);
      if (w >= estimate_width_em(label) * 11 + 6 && fill.front() == '#') {
        out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{}\">{}</text>\n",
                           num(x + w / 2), num(y + k_row_h / 2 + 11 * 0.35), text_on(fill), label);
      }
      x += w;
    };
    if (item.n == 0) {
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\n", num(bar_x), num(y),
                         num(bar_w), num(k_row_h), k_unanswered_fill);
    }
    for (std::size_t i = 0; i < item.choices.size(); ++i) segment(item.choices[i].count, choice_fill(item, i));
    segment(item.unanswered, "url(#" + pattern + ")");
    out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"{}\">{}</text>\n", num(score_x), num(mid),
                       num(k_bar_font), score_text(item.score));
    if (item.highlight != Highlight::kNone) {
      const char* fill = "#eceef1";
      const char* ink = "#434b55";
      if (item.highlight == Highlight::kStrength) {
        fill = "#dcefe6";
        ink = "#1c5a44";
      } else if (item.highlight == Highlight::kChallenge) {
        fill = "#f8e1da";
        ink = "#8a2c1b";
      }
      const char* text = highlight_label(item.highlight, lang);
      const double bw = estimate_width_em(text) * 11 + 12;
      out += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"16\" rx=\"3\" fill=\"{}\"/>"
          "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{}\">{}</text>\n",
          num(score_x + 38), num(y + 3), num(bw), fill, num(score_x + 38 + bw / 2), num(y + 3 + 8 + 11 * 0.35),
          ink, text);
    }
    out += "</g>\n";
  }

  // Axis ticks: share of all organisations.
  out += fmt::format("<g font-size=\"10\" fill=\"{}\" text-anchor=\"middle\">\n", k_muted_color);
  for (int q = 0; q <= 4; ++q) {
    out += fmt::format("<text x=\"{}\" y=\"{}\">{}%</text>\n", num(bar_x + bar_w * q / 4.0), num(axis_y + 10),
                       q * 25);
  }
  out += "</g>\n";

  // Legend.
  struct Entry {
    std::string fill;
    std::string text;
  };
  std::vector<Entry> entries = {{k_good[0], level_label(Level::kGood, lang)},
                                {k_partial[0], level_label(Level::kPartial, lang)},
                                {k_poor[0], level_label(Level::kPoor, lang)},
                                {k_na[0], level_label(Level::kNa, lang)},
                                {"url(#" + pattern + ")", en ? "no answer" : "無回答"}};
  out += "<g class=\"legend\" font-size=\"11\">\n";
  double lx = bar_x;
  for (const Entry& e : entries) {
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\" stroke=\"#b3bac2\" "
                       "stroke-width=\"0.5\"/><text x=\"{}\" y=\"{}\">{}</text>\n",
                       num(lx), num(legend_y - 10), e.fill, num(lx + 17), num(legend_y), html_escape(e.text));
    lx += 17 + estimate_width_em(e.text) * 11 + 18;
  }
  out += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"{}\" font-size=\"10\">{}</text>\n", num(bar_x), num(legend_y + 17), k_muted_color,
                     en ? "(lighter shade = later choice of the same level)" : "（同じ水準の2つ目以降の選択肢は淡色）");
  out += "</g>\n";
  out += "</svg>\n";
  return out;
}

}  // namespace kunren::report
