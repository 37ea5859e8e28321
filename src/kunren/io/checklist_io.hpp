// Reading and writing checklist files (§3.1 of the shared architecture): the
// same structure in YAML or JSON, parsed into a validated model::Checklist and
// written back out so that the output re-parses to an equal checklist.
//
// The functions are pure: they return values the caller owns and keep no
// state, so any thread may call them at any time.
//
// Format notes (the contract this file enforces):
//   - JSON if the first character after blanks (and a UTF-8 BOM) is '{',
//     otherwise YAML. The text must be UTF-8; control characters other than
//     tab, LF and CR are rejected, and so is more than one YAML document.
//   - Top level: id, version, title, sections, items (all required). Section:
//     id, category, title. Item: id, section, text, help (optional), choices.
//     Choice: label, level, no (optional; if present it must equal the
//     choice's 1-based position). Any other key is an error, and so is the
//     same key twice in one mapping.
//   - Ids match [A-Za-z0-9._-]+ and are unique among sections and among
//     items. 1..255 choices per item. level ∈ good|partial|poor|na,
//     category ∈ implementation|overall.
//   - A text field is a non-empty string or a non-empty {language: text} map
//     with non-empty string values; with require_langs, it must be a map
//     holding each of those languages. In YAML an unquoted scalar is a string
//     (`version: 1` is "1", `label: No` is "No"); in JSON strings must be
//     quoted, except that `version` may be a number.
//   - Every problem is a Status::bad_input whose Location names the file and
//     the 1-based line and column of the offending node (columns count
//     characters, not bytes) and, as `field`, a path such as
//     "items[IMP-P0-01].choices[2].level".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <kunren/model/checklist.hpp>
#include <kunren/util/status.hpp>

namespace kunren::io {

// Larger inputs are rejected before parsing (the built-in checklist is ~100 KB).
inline constexpr std::size_t k_max_checklist_bytes = 32u << 20;

struct ChecklistLoadOptions {
  // Every text field must be a {language: text} map with these languages
  // (default: none). A plain string does not count as any language here,
  // unlike model::LocalizedText::has.
  std::vector<std::string> require_langs;
  // Built-in data only (default false): see YamlDocumentOptions::trusted.
  bool trusted = false;
};

// Parses a checklist from YAML or JSON text. `filename` is used in messages.
// On failure returns the first problem in file order; if `problems` is given,
// it receives all problems found (validation continues past the first where
// it sensibly can; a syntax error stops it). On success the checklist has
// been reindex()ed and `problems` is empty.
Result<model::Checklist> parse_checklist(std::string_view text, std::string_view filename,
                                         const ChecklistLoadOptions& options = {},
                                         std::vector<Status>* problems = nullptr);

// Reads `path` ("-" is standard input) and parses it as above.
Result<model::Checklist> load_checklist_file(const std::string& path, const ChecklistLoadOptions& options = {},
                                             std::vector<Status>* problems = nullptr);

enum class ChecklistFormat { kYaml, kJson };

// Writes the checklist in the file format. With `lang`, every text field is
// written as a plain string in that language (with LocalizedText::text's
// fallback); without, as {lang: text} maps (a plain LocalizedText stays a plain
// string). `no:` is not written. The output ends with a newline and
// re-parses to an equal checklist. Non-ASCII UTF-8 is written as is.
std::string write_checklist(const model::Checklist& c, ChecklistFormat format,
                            std::optional<std::string> lang = std::nullopt);

// Lower-case SHA-256 hex of the canonical JSON form (write_checklist kJson
// without lang), to record exactly which checklist an evaluation answered.
std::string checklist_content_hash(const model::Checklist& c);

}  // namespace kunren::io
