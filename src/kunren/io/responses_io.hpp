// Reading organisations' checklist answers and the organisations file.
//
// Formats (docs/formats.md; §3.2 of the shared architecture):
//   long CSV   header org,item,choice[,comment]; one row per answer
//   wide CSV   one row per organisation: an org column, one column per item
//              (headed by the item id or its exact text in any language), and
//              optional "<item>#comment" columns; other columns are ignored
//              with a warning naming them
//   JSON       {"schema": "kunren.responses/1", "responses": [{"org": …,
//              "answers": {"<item>": <choice> | {"choice": …, "comment": …}}}]}
//   orgs CSV   org,name,industry,size[,pseudonym]
// A choice cell holds the number, the exact label (any language), or
// "N. label"; empty means no answer. Header names may also be Japanese
// (組織, 設問, 回答, コメント, 組織名, 業種, 規模).
//
// Every problem is reported as one Status naming file, line and column name
// (in JSON: line and character column, through yaml_document.hpp, which also
// guards the JSON reader against malformed input); nothing partial is ever
// returned. Long CSV is the fast path: the file is
// parsed in place without copying fields (see docs/performance.md).
// Thread safety: pure functions of their inputs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <kunren/io/encoding.hpp>
#include <kunren/model/checklist.hpp>
#include <kunren/model/responses.hpp>
#include <kunren/util/status.hpp>

namespace kunren::io {

// Larger JSON responses are rejected before parsing: yaml-cpp holds about 60
// bytes per byte of JSON (~27,000 organisations × 75 items fit). The CSV forms
// have no limit.
inline constexpr std::size_t k_max_json_responses_bytes = std::size_t{32} << 20;

enum class ResponseFormat { kAuto, kLongCsv, kWideCsv, kJson };
const char* to_string(ResponseFormat f);  // "auto" | "long-csv" | "wide-csv" | "json"

struct ResponseReadOptions {
  Encoding encoding = Encoding::kAuto;       // text encoding (default: detect)
  ResponseFormat format = ResponseFormat::kAuto;  // default: JSON if it starts with '{', else CSV by header
  std::string orgs_file;  // name of the orgs file, for messages (default: none)
  // Long CSV larger than `parallel_from_bytes` is read in one chunk per
  // thread; `threads` 0 means one per core (default), 1 means sequential.
  // Results are identical either way (see docs/performance.md).
  unsigned threads = 0;
  std::size_t parallel_from_bytes = std::size_t{8} << 20;  // default 8 MiB
};

struct ResponseImport {
  model::ResponseSet responses;  // orgs have pseudonyms assigned
  Warnings warnings;
  Encoding encoding = Encoding::kUtf8;    // what the file was read as
  ResponseFormat format = ResponseFormat::kLongCsv;
  std::size_t cells = 0;                  // answer cells read (answered or blank)
};

Result<std::vector<model::Organization>> read_orgs(std::string_view bytes, std::string_view filename,
                                                   Encoding encoding = Encoding::kAuto);
Result<std::vector<model::Organization>> load_orgs_file(const std::string& path, Encoding encoding = Encoding::kAuto);

// With `orgs`, the organisations are exactly those (in that order; n counts
// them all) and an answer from any other organisation is an error. Without,
// they are the organisations found in the responses, in order of appearance.
Result<ResponseImport> read_responses(std::string_view bytes, std::string_view filename,
                                      const model::Checklist& checklist,
                                      const std::vector<model::Organization>* orgs = nullptr,
                                      const ResponseReadOptions& options = {});
Result<ResponseImport> load_responses_file(const std::string& path, const model::Checklist& checklist,
                                           const std::vector<model::Organization>* orgs = nullptr,
                                           const ResponseReadOptions& options = {});

}  // namespace kunren::io
