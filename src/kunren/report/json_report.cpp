#include <kunren/report/json_report.hpp>

#include <kunren/report/disclosure_text.hpp>

#include <cmath>
#include <vector>

#include <nlohmann/json.hpp>

namespace kunren::report {

namespace {

// Streams pretty-printed JSON (the layout of nlohmann's dump(2)) without
// building a document tree first: a campaign of 100,000 organisations can
// quote a million comments, and a tree of them costs seconds and gigabytes.
// Scalars go through nlohmann so escaping and number formatting are its own.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : m_out(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view k) {
    element();
    string(k);
    m_out += ": ";
    m_after_key = true;
  }
  void value(std::string_view v) {
    element();
    string(v);
  }
  void value(const std::string& v) { value(std::string_view(v)); }
  void value(const char* v) { value(std::string_view(v)); }
  template <typename T>
  void value(const T& v) {
    element();
    m_out += nlohmann::json(v).dump();
  }
  void null() {
    element();
    m_out += "null";
  }
  template <typename T>
  void field(std::string_view k, const T& v) {
    key(k);
    value(v);
  }

 private:
  // Called before any value or key: separators and indentation.
  void element() {
    if (m_after_key) {
      m_after_key = false;
      return;
    }
    if (m_counts.empty()) return;
    if (m_counts.back()++ > 0) m_out += ',';
    m_out += '\n';
    m_out.append(2 * m_counts.size(), ' ');
  }
  // Strings are the bulk of a large output (comments); the common case, with
  // nothing to escape, is one append. Input text is valid UTF-8 (the readers
  // check it), so only quotes, backslashes and control characters change.
  void string(std::string_view s) {
    m_out += '"';
    std::size_t from = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      m_out.append(s, from, i - from);
      from = i + 1;
      switch (c) {
        case '"': m_out += "\\\""; break;
        case '\\': m_out += "\\\\"; break;
        case '\n': m_out += "\\n"; break;
        case '\r': m_out += "\\r"; break;
        case '\t': m_out += "\\t"; break;
        case '\b': m_out += "\\b"; break;
        case '\f': m_out += "\\f"; break;
        default: {
          static const char* k_hex = "0123456789abcdef";
          m_out += "\\u00";
          m_out += k_hex[c >> 4];
          m_out += k_hex[c & 15];
        }
      }
    }
    m_out.append(s, from, s.size() - from);
    m_out += '"';
  }
  void open(char c) {
    element();
    m_out += c;
    m_counts.push_back(0);
  }
  void close(char c) {
    const bool empty = m_counts.back() == 0;
    m_counts.pop_back();
    if (!empty) {
      m_out += '\n';
      m_out.append(2 * m_counts.size(), ' ');
    }
    m_out += c;
  }

  std::string& m_out;
  std::vector<std::size_t> m_counts;  // elements written so far, per open object or array
  bool m_after_key = false;
};

double round_to(double x, double scale) { return std::round(x * scale) / scale; }

void optional_score(JsonWriter& w, std::string_view key, const std::optional<double>& s) {
  w.key(key);
  if (s) {
    w.value(round_to(*s, 1e4));
  } else {
    w.null();
  }
}

void id_list(JsonWriter& w, std::string_view key, const analysis::Analysis& a, const std::vector<std::size_t>& idx) {
  w.key(key);
  w.begin_array();
  for (std::size_t i : idx) w.value(a.items[i].id);
  w.end_array();
}

// A small tree (the disclosure object) through the same writer, so that it
// is indented like the rest.
void tree(JsonWriter& w, const nlohmann::json& j) {
  if (j.is_object()) {
    w.begin_object();
    for (const auto& [k, v] : j.items()) {
      w.key(k);
      tree(w, v);
    }
    w.end_object();
  } else if (j.is_array()) {
    w.begin_array();
    for (const auto& v : j) tree(w, v);
    w.end_array();
  } else if (j.is_string()) {
    w.value(j.get_ref<const std::string&>());
  } else if (j.is_boolean()) {
    w.value(j.get<bool>());
  } else if (j.is_number_unsigned()) {
    w.value(j.get<std::uint64_t>());
  } else if (j.is_number_integer()) {
    w.value(j.get<std::int64_t>());
  } else if (j.is_number()) {
    w.value(j.get<double>());
  } else {
    w.null();
  }
}

}  // namespace

std::string render_json(const analysis::Analysis& a) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("schema", "kunren.analysis/1");
  w.key("checklist");
  w.begin_object();
  w.field("id", a.checklist_id);
  w.field("version", a.checklist_version);
  w.field("title", a.checklist_title);
  w.end_object();
  w.field("organizations", a.organizations);
  w.field("lang", a.options.lang);
  w.key("rules");
  w.begin_object();
  w.field("percent", "largest-remainder, ties to higher choice");
  w.field("strength_at", a.options.strength_at);
  w.field("challenge_at", a.options.challenge_at);
  w.field("not_exercised_at", a.options.not_exercised_at);
  w.field("score", "mean over answered non-na answers of good=1, partial=0.5, poor=0");
  w.field("denominator", "percent and share are over answered; unanswered = n - answered is reported apart");
  w.end_object();
  if (a.disclosure) {
    // Published: the TLP marking, k, what was suppressed and why, and the
    // comment excerpts' counts (report/disclosure_text.hpp).
    w.key("disclosure");
    tree(w, disclosure_json(a, a.options.lang));
  }
  w.key("items");
  w.begin_array();
  for (const auto& it : a.items) {
    w.begin_object();
    w.field("id", it.id);
    w.field("section", it.section);
    w.field("category", model::to_string(it.category));
    w.field("text", it.text);
    w.field("n", it.n);
    w.field("answered", it.answered);
    w.field("unanswered", it.unanswered);
    w.key("choices");
    w.begin_array();
    for (const auto& c : it.choices) {
      w.begin_object();
      w.field("no", c.no);
      w.field("label", c.label);
      w.field("level", model::to_string(c.level));
      w.field("count", c.count);
      w.field("percent", c.percent);
      w.field("share", round_to(c.share, 1e6));
      w.end_object();
    }
    w.end_array();
    optional_score(w, "score", it.score);
    w.key("highlight");
    if (it.highlight == analysis::Highlight::kNone) {
      w.null();
    } else {
      w.value(analysis::to_string(it.highlight));
    }
    w.field("na", it.na);
    w.key("comments");
    w.begin_array();
    for (const auto& q : it.comments) {
      w.begin_object();
      // Published excerpts carry their quote id and never a pseudonym.
      if (q.id.empty()) {
        w.field("org", q.org);
      } else {
        w.field("id", q.id);
      }
      w.field("text", q.text);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("sections");
  w.begin_array();
  for (const auto& s : a.sections) {
    w.begin_object();
    w.field("id", s.id);
    w.field("title", s.title);
    w.field("category", model::to_string(s.category));
    w.field("items", s.items.size());
    optional_score(w, "score", s.score);
    w.field("na_share", round_to(s.na_share, 1e4));
    w.end_object();
  }
  w.end_array();
  id_list(w, "strengths", a, a.strengths);
  id_list(w, "challenges", a, a.challenges);
  id_list(w, "not_exercised", a, a.not_exercised);
  w.end_object();
  out.push_back('\n');
  return out;
}

}  // namespace kunren::report
