// One YAML or JSON document from a user's file, parsed with yaml-cpp 0.7 (so
// that every node has a position) without its known traps, and with positions
// reported as 1-based line and character column of the text the user wrote.
//
// What parse_yaml_document() guards against, before or around yaml-cpp:
//   - input over a size limit, and nesting too deep (yaml-cpp's DeepRecursion);
//   - invalid UTF-8 and control characters (other than tab, LF and CR, and
//     DEL), rejected up front at their position; a UTF-16 byte-order mark;
//   - JSON syntax errors: JSON is checked first by nlohmann::json's SAX
//     parser, so its errors are "invalid JSON: …" at JSON's own position;
//   - JSON's UTF-16 surrogate-pair escapes ("\ud83d\ude00"), which yaml-cpp
//     rejects: they are rewritten as YAML's "\U0001F600" and positions mapped
//     back to the original text;
//   - yaml-cpp 0.7 looping forever, allocating, on a stray ',' at the top
//     level (jbeder/yaml-cpp#1040): documents are counted with a probe that
//     stops when the parser makes no progress.
// A UTF-8 byte-order mark is skipped. Lines end at '\n' only (as in yaml-cpp
// and nlohmann::json); columns count characters, not bytes.
//
// Ownership: a YamlDocument owns its nodes and a copy of the text it was
// parsed from (to turn yaml-cpp marks into positions); it does not refer to
// the caller's text. Thread safety: parse_yaml_document() keeps no state and
// any thread may call it; a YamlDocument and its nodes, like all yaml-cpp
// nodes, are for one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include <kunren/util/status.hpp>

namespace kunren::io {

struct YamlDocumentOptions {
  // What the file should hold, a singular noun whose plural adds "s", for
  // messages: "the file is empty; expected a checklist", "checklists must be
  // UTF-8". Default: "document".
  std::string what = "document";
  // Larger input is rejected before parsing. Default: 32 MiB.
  std::size_t max_bytes = std::size_t{32} << 20;
  // Default false: JSON if the first character after blanks is '{',
  // otherwise YAML. True: JSON whatever the text starts with.
  bool json_only = false;
  // Default false. True only for data compiled into the binary, which the
  // tests parse in full: skips the document probe (a second full parse that
  // guards against yaml-cpp 0.7's endless loop on malformed input).
  bool trusted = false;
};

class YamlDocument {
 public:
  // The document's root node. Null for an empty document ("---" or "~").
  const YAML::Node& root() const { return m_root; }
  // True if the text was read as JSON.
  bool json() const { return m_json; }

  // Where `mark` (from a node of this document, or a yaml-cpp exception while
  // reading it) is in the original text: filename, 1-based line and character
  // column, and `field`. Line and column are 0 for a null mark (e.g. the
  // mark of a node that is not in the document). Takes time proportional to
  // the length of the line (a minified JSON file is one line): locate
  // problems, not every node.
  Location locate(const YAML::Mark& mark, std::string field = {}) const;

 private:
  friend Result<YamlDocument> parse_yaml_document(std::string_view, std::string_view, const YamlDocumentOptions&,
                                                  std::vector<Status>*);

  YamlDocument(std::string_view text, std::string_view filename);
  // 1-based (line, column) of a byte offset into m_text.
  std::pair<std::uint64_t, std::uint64_t> position(std::size_t offset) const;
  // Where a byte offset into the text yaml-cpp parsed is in m_text.
  std::size_t original_offset(std::size_t parsed_offset) const;

  YAML::Node m_root;
  bool m_json = false;
  std::string m_filename;
  std::string m_text;                      // as given, without a UTF-8 BOM
  std::vector<std::size_t> m_line_starts;  // byte offsets in m_text
  // For each surrogate-pair rewrite, in order: the offset just after it in
  // the parsed text and the bytes removed up to there.
  std::vector<std::pair<std::size_t, std::size_t>> m_shifts;
};

// Parses `text` as one YAML or JSON document (see options.json_only).
// `filename` is used in messages. Every failure is a Status::bad_input whose
// Location names the file and, where known, the line and column.
// A second YAML document after the first is a problem that still leaves a
// usable document: with `problems`, it is appended there and the first
// document is returned; without, it is the returned error. Any other problem
// stops the parse and is returned (and not appended to `problems`).
Result<YamlDocument> parse_yaml_document(std::string_view text, std::string_view filename,
                                         const YamlDocumentOptions& options, std::vector<Status>* problems = nullptr);

}  // namespace kunren::io
