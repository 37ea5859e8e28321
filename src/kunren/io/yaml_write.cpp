#include <kunren/io/yaml_write.hpp>

#include <set>

#include <fmt/format.h>

namespace kunren::io::yaml {

bool plain_safe(std::string_view s) {
  if (s.empty()) return false;
  static constexpr std::string_view k_first_bad = "-?:,[]{}#&*!|>'\"%@`+. ";
  if (k_first_bad.find(s.front()) != std::string_view::npos) return false;
  if (s.front() >= '0' && s.front() <= '9') return false;
  if (s.back() == ' ') return false;
  for (unsigned char c : s) {
    // yaml-cpp ends a plain scalar in flow context at any of ",?[]{}".
    if (c < 0x20 || c == 0x7F || c == ':' || c == '#' || c == ',' || c == '?' || c == '[' || c == ']' || c == '{' ||
        c == '}' || c == '"' || c == '\\') {
      return false;
    }
  }
  // NEL, LS, PS and BOM: some YAML readers treat them as breaks or drop them.
  for (std::string_view bad : {"\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9", "\xEF\xBB\xBF"}) {
    if (s.find(bad) != std::string_view::npos) return false;
  }
  static const std::set<std::string_view> k_special = {
      "~",   "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
      "yes", "Yes",  "YES",  "no",   "No",   "NO",   "on",   "On",    "ON",    "off",
      "Off", "OFF",  "y",    "Y",    "n",    "N",    ".inf", ".nan",  "<<"};
  return k_special.count(s) == 0;
}

std::string double_quoted(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\r':
        out += "\\r";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02X}", c);
    } else if (s.substr(i, 2) == "\xC2\x85") {
      out += "\\u0085";
      i += 1;
    } else if (s.substr(i, 3) == "\xE2\x80\xA8" || s.substr(i, 3) == "\xE2\x80\xA9" ||
               s.substr(i, 3) == "\xEF\xBB\xBF") {
      out += s[i] == '\xEF' ? "\\uFEFF" : (s[i + 2] == '\xA8' ? "\\u2028" : "\\u2029");
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

std::string scalar(std::string_view s) { return plain_safe(s) ? std::string(s) : double_quoted(s); }

std::string flow_text(const model::LocalizedText& t, const std::optional<std::string>& lang) {
  if (lang) return scalar(t.text(*lang));
  if (t.is_plain()) return scalar(t.variants().front().second);
  std::string out = "{";
  bool first = true;
  for (const auto& [l, text] : t.variants()) {
    if (!first) out += ", ";
    first = false;
    out += scalar(l);
    out += ": ";
    out += scalar(text);
  }
  out += "}";
  return out;
}

}  // namespace kunren::io::yaml
