// Reading and writing preparedness records (model/preparedness.hpp;
// docs/formats.md "Preparedness records"): one document of one kind in YAML
// or JSON, and the contact tree as a CSV spreadsheet for Excel users.
//
// Reading turns the file into the kind's canonical JSON (what the store
// keeps, model::canonical_prep_document) or fails with the first problem as
// a Status::bad_input naming the file, the 1-based line and character column
// and, as `field`, the JSON path the model names ("entries[2].last_confirmed",
// list positions 0-based). Nothing partial is ever returned.
//
// YAML/JSON (parse_prep_document):
//   - JSON if the first character after blanks (and a UTF-8 BOM) is '{',
//     otherwise YAML; UTF-8 only; one document; the guards of
//     io/yaml_document apply (size, nesting, yaml-cpp's traps).
//   - Keys must be strings and appear once per mapping.
//   - YAML scalars are texts, except where the format wants a number
//     (stale_after_days, escalation, source_events) or a boolean (external,
//     required) and the scalar is unquoted: so a phone number such as
//     0312345678 or a version such as 1.10 stays the text that was written.
//     In JSON the value's own type counts.
//   - The model's field path is mapped back to the position of the value (or
//     of its key when the value is empty), else of the nearest enclosing
//     part that exists in the file.
//
// Contact tree CSV (import_contact_tree_csv / write_contact_tree_csv):
//   - UTF-8 with or without BOM, or CP932 (detected, or forced).
//   - One row per entry; headers in English or Japanese, any order, case
//     and surrounding blanks (also U+3000) ignored:
//       id 識別子 · name 氏名 · function 役割 · external 外部 ·
//       organisation 所属 · phone 電話 · mobile 携帯 · email メール ·
//       backup 代行 · escalation 連絡順 · last_confirmed 最終確認日 ·
//       notes 備考
//     (a few aliases too: see k_csv_columns in prep_io.cpp). `id` and `name`
//     are required columns; unknown columns are ignored with a warning.
//   - phone, mobile, email: each non-empty cell is one channel of that kind;
//     several values in a cell are separated by ';'. A row with none of them
//     gets one empty phone channel (a placeholder, valid only while the entry
//     has no last_confirmed date). Other channel kinds and channel notes are
//     not carried by the CSV (export them as YAML to keep them).
//   - external: empty, false, no, 0, 内部 → false; true, yes, 1, ○, 外部 →
//     true. escalation: empty or a whole number.
//   - Errors name the file, the row's line and the column (1-based), with
//     the column's header as `field`.
//   - Export: UTF-8 with BOM, CRLF line ends, Japanese or English headers.
//
// Thread safety: pure functions of their inputs.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <kunren/io/encoding.hpp>
#include <kunren/model/preparedness.hpp>
#include <kunren/util/status.hpp>

namespace kunren::io {

// Larger inputs are rejected before parsing.
inline constexpr std::size_t k_max_prep_bytes = 8u << 20;

enum class PrepFormat { kYaml, kJson };

// Parses YAML or JSON text as a document of `kind`; returns its canonical JSON.
Result<nlohmann::json> parse_prep_document(model::PrepKind kind, std::string_view text, std::string_view filename);

struct PrepLoadOptions {
  // For CSV: the encoding (default: detected).
  Encoding encoding = Encoding::kAuto;
  // For CSV, which has no place for it: the contact tree's stale_after_days
  // (default 180, the model's default).
  int stale_after_days = 180;
};

// Reads `path` ("-" is standard input): a ".csv" file (any case) as a contact
// tree CSV (BadInput for any other kind), anything else as YAML or JSON.
// `warnings` (may be null) receives ignored CSV columns.
Result<nlohmann::json> load_prep_file(model::PrepKind kind, const std::string& path,
                                      const PrepLoadOptions& options = {}, Warnings* warnings = nullptr);

// Writes a canonical document (REQUIRES: canonical_prep_document accepted
// it) in a readable fixed key order: YAML (with a comment line naming the
// kind) or pretty JSON (2 spaces). The output ends with a newline and reads
// back through parse_prep_document to the same canonical JSON.
std::string write_prep_document(model::PrepKind kind, const nlohmann::json& canonical, PrepFormat format);

// The contact tree CSV, as described above.
Result<nlohmann::json> import_contact_tree_csv(std::string_view bytes, std::string_view filename,
                                               const PrepLoadOptions& options = {}, Warnings* warnings = nullptr);
// `lang` "ja" (default) or "en" chooses the headers and the external marks.
std::string write_contact_tree_csv(const model::ContactTree& tree, std::string_view lang = "ja");

}  // namespace kunren::io
