#include <kunren/io/yaml_document.hpp>

#include <algorithm>
#include <optional>
#include <sstream>
#include <tuple>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <nlohmann/json.hpp>

#include <kunren/io/encoding.hpp>
#include <kunren/util/utf8.hpp>

namespace kunren::io {
namespace {

// Byte offset of the first byte that is not valid UTF-8 or is a control
// character YAML does not allow (anything below 0x20 but tab, LF and CR; DEL).
std::optional<std::size_t> find_bad_byte(std::string_view s) {
  const auto control = std::find_if(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
  });
  std::optional<std::size_t> bad = find_invalid_utf8(s);
  if (control != s.end()) {
    const auto at = static_cast<std::size_t>(control - s.begin());
    if (!bad || at < *bad) bad = at;
  }
  return bad;
}

// ---------------------------------------------------------------------------
// JSON pre-check

// Accepts every event: we only want nlohmann's verdict and error position.
struct JsonChecker {
  std::optional<std::size_t> error_position;
  std::string error_message;

  using json = nlohmann::json;
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const std::string&) { return true; }
  bool string(std::string&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) { return true; }
  bool key(std::string&) { return true; }
  bool end_object() { return true; }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) {
    error_position = position;
    error_message = ex.what();
    return false;
  }
};

// "[json.exception.parse_error.101] parse error at line 1, column 8: syntax
// error while parsing object - unexpected '}'; expected string literal"
// → "syntax error while parsing object - unexpected '}'; expected string literal"
std::string json_error_text(const std::string& what) {
  std::string_view s = what;
  if (auto col = s.find(", column "); col != std::string_view::npos) {
    if (auto colon = s.find(": ", col); colon != std::string_view::npos) return std::string(s.substr(colon + 2));
  }
  if (auto close = s.find("] "); close != std::string_view::npos) return std::string(s.substr(close + 2));
  return std::string(s);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::uint32_t> hex4(std::string_view s, std::size_t at) {
  if (at + 4 > s.size()) return std::nullopt;
  std::uint32_t v = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    int h = hex_value(s[at + k]);
    if (h < 0) return std::nullopt;
    v = (v << 4) | static_cast<std::uint32_t>(h);
  }
  return v;
}

// yaml-cpp rejects JSON's UTF-16 surrogate-pair escapes ("\ud83d\ude00"), so
// valid JSON is rewritten to YAML's "\U0001F600" before yaml-cpp sees it.
// `shifts` receives, for each rewrite, the offset just after it in the new
// text and the bytes removed so far, to map positions back to the original.
std::string rewrite_surrogate_escapes(std::string_view json, std::vector<std::pair<std::size_t, std::size_t>>& shifts) {
  std::string out;
  out.reserve(json.size());
  bool in_string = false;
  std::size_t removed = 0;
  for (std::size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (!in_string) {
      if (c == '"') in_string = true;
      out += c;
      continue;
    }
    if (c == '"') {
      in_string = false;
      out += c;
      continue;
    }
    if (c != '\\' || i + 1 >= json.size()) {
      out += c;
      continue;
    }
    if (json[i + 1] == 'u') {
      auto hi = hex4(json, i + 2);
      if (hi && *hi >= 0xD800 && *hi <= 0xDBFF && i + 12 <= json.size() && json[i + 6] == '\\' && json[i + 7] == 'u') {
        auto lo = hex4(json, i + 8);
        if (lo && *lo >= 0xDC00 && *lo <= 0xDFFF) {
          std::uint32_t cp = 0x10000 + ((*hi - 0xD800) << 10) + (*lo - 0xDC00);
          out += fmt::format("\\U{:08X}", cp);
          removed += 2;  // 12 characters became 10
          shifts.emplace_back(out.size(), removed);
          i += 11;
          continue;
        }
      }
    }
    out += c;
    out += json[i + 1];
    ++i;
  }
  return out;
}

// ---------------------------------------------------------------------------
// yaml-cpp 0.7's LoadAll() never returns on some malformed inputs (a stray
// ',' at the top level: jbeder/yaml-cpp#1040, fixed upstream in 0.8.0 by
// #1318/#1319): the parser keeps reporting an empty document without
// consuming anything. So documents are counted with this probe, which stops at
// the third document or when a document starts where the previous one did.
class DocumentProbe final : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  std::optional<YAML::Mark> stuck_at;

  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Throws YAML::ParserException on syntax errors, like YAML::Load.
DocumentProbe probe_documents(const std::string& yaml) {
  std::istringstream in(yaml);
  YAML::Parser parser(in);
  DocumentProbe probe;
  while (probe.starts.size() < 3 && parser.HandleNextDocument(probe)) {
    const std::size_t n = probe.starts.size();
    if (n >= 2 && probe.starts[n - 1].pos == probe.starts[n - 2].pos) {
      probe.stuck_at = probe.starts[n - 1];
      break;
    }
  }
  return probe;
}

// The UTF-8 character starting at byte `pos`. REQUIRES: pos < s.size().
std::string_view utf8_char_at(std::string_view s, std::size_t pos) {
  return s.substr(pos, std::max<std::size_t>(1, util::utf8_sequence_length(s, pos)));
}

bool first_is_brace(std::string_view text) {
  auto at = text.find_first_not_of(" \t\r\n");
  return at != std::string_view::npos && text[at] == '{';
}

std::string size_text(std::size_t bytes) {
  constexpr std::size_t k_mib = std::size_t{1} << 20;
  return bytes % k_mib == 0 ? fmt::format("{} MiB", bytes / k_mib) : fmt::format("{} bytes", bytes);
}

}  // namespace

YamlDocument::YamlDocument(std::string_view text, std::string_view filename) : m_filename(filename), m_text(text) {
  m_line_starts.push_back(0);
  for (std::size_t i = 0; i < m_text.size(); ++i) {
    if (m_text[i] == '\n') m_line_starts.push_back(i + 1);
  }
}

std::pair<std::uint64_t, std::uint64_t> YamlDocument::position(std::size_t offset) const {
  offset = std::min(offset, m_text.size());
  auto it = std::upper_bound(m_line_starts.begin(), m_line_starts.end(), offset);
  const auto line_index = static_cast<std::size_t>(it - m_line_starts.begin()) - 1;
  const std::size_t line_start = m_line_starts[line_index];
  return {line_index + 1, 1 + util::utf8_length(std::string_view(m_text).substr(line_start, offset - line_start))};
}

std::size_t YamlDocument::original_offset(std::size_t parsed_offset) const {
  std::size_t removed = 0;
  for (const auto& [after, total] : m_shifts) {
    if (after > parsed_offset) break;
    removed = total;
  }
  return parsed_offset + removed;
}

Location YamlDocument::locate(const YAML::Mark& mark, std::string field) const {
  Location where{m_filename, 0, 0, std::move(field)};
  if (mark.pos >= 0) {
    std::tie(where.line, where.column) = position(original_offset(static_cast<std::size_t>(mark.pos)));
  } else if (mark.line >= 0) {
    where.line = static_cast<std::uint64_t>(mark.line) + 1;
    where.column = static_cast<std::uint64_t>(std::max(mark.column, 0)) + 1;
  }
  return where;
}

Result<YamlDocument> parse_yaml_document(std::string_view text, std::string_view filename,
                                         const YamlDocumentOptions& options, std::vector<Status>* problems) {
  const std::string& what = options.what;
  if (text.size() > options.max_bytes) {
    return Status::bad_input(fmt::format("the file is too large for a {} ({} bytes; the limit is {})", what,
                                         text.size(), size_text(options.max_bytes)),
                             Location{std::string(filename)});
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  YamlDocument doc(text, filename);
  auto at_offset = [&](std::size_t offset) {
    auto [line, column] = doc.position(offset);
    return Location{doc.m_filename, line, column, {}};
  };
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    return Status::bad_input("the file is UTF-16; save it as UTF-8", at_offset(0));
  }
  if (auto bad = find_bad_byte(text)) {
    const auto byte = static_cast<unsigned char>(text[*bad]);
    std::string message =
        byte < 0x80 ? fmt::format("control character U+{:04X} is not allowed in a {}", byte, what)
                    : fmt::format("invalid UTF-8 (byte 0x{:02X}); {}s must be UTF-8, not Shift_JIS or another encoding",
                                  byte, what);
    return Status::bad_input(std::move(message), at_offset(*bad));
  }

  doc.m_json = options.json_only || first_is_brace(text);
  std::string parsed;
  if (doc.m_json) {
    JsonChecker checker;
    nlohmann::json::sax_parse(text.begin(), text.end(), &checker);
    if (checker.error_position) {
      // nlohmann counts the characters read, so the position is one past the offending one.
      const std::size_t offset = *checker.error_position > 0 ? *checker.error_position - 1 : 0;
      return Status::bad_input("invalid JSON: " + json_error_text(checker.error_message), at_offset(offset));
    }
    parsed = rewrite_surrogate_escapes(text, doc.m_shifts);
  } else {
    parsed = std::string(text);
  }

  std::optional<Status> second_document;
  try {
    DocumentProbe probe;
    if (options.trusted) {
      probe.starts.emplace_back();  // one document, known from the tests
    } else {
      probe = probe_documents(parsed);
    }
    if (probe.starts.empty()) {
      return Status::bad_input(fmt::format("the file is empty; expected a {}", what), Location{doc.m_filename});
    }
    if (probe.stuck_at) {
      const auto pos = static_cast<std::size_t>(std::max(probe.stuck_at->pos, 0));
      return Status::bad_input(pos < parsed.size() ? fmt::format("unexpected '{}'", utf8_char_at(parsed, pos))
                                                   : std::string("unexpected end of file"),
                               doc.locate(*probe.stuck_at));
    }
    if (probe.starts.size() > 1) {
      second_document =
          Status::bad_input("expected one YAML document; a second one starts here", doc.locate(probe.starts[1]));
      if (problems == nullptr) return *second_document;
    }
    doc.m_root = YAML::Load(parsed);
  } catch (const YAML::DeepRecursion& e) {
    return Status::bad_input("the file is nested too deeply", doc.locate(e.mark));
  } catch (const YAML::ParserException& e) {
    return Status::bad_input(doc.m_json ? "invalid JSON: " + e.msg : e.msg, doc.locate(e.mark));
  } catch (const YAML::Exception& e) {
    // Not expected from the parser; never let it escape.
    return Status::bad_input(fmt::format("cannot read the {}: {}", what, e.msg), doc.locate(e.mark));
  }
  if (second_document) problems->push_back(std::move(*second_document));
  return doc;
}

}  // namespace kunren::io
