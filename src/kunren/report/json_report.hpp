// The analysis as JSON, schema "kunren.analysis/1" (§3.4 of the shared
// architecture; docs/formats.md). Field names are a contract: fields may be
// added, never renamed. Shares are rounded to 6 decimals, scores to 4.
// Thread safety: pure function.
#pragma once

#include <string>

#include <kunren/analysis/analysis.hpp>

namespace kunren::report {

// Pretty-printed (2-space indent) UTF-8 JSON ending in a newline.
std::string render_json(const analysis::Analysis& a);

}  // namespace kunren::report
