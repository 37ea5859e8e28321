// The analysis as a long CSV table, one row per (item, choice):
//   item,choice,label,count,percent,share,n,answered,unanswered,tlp
// (tlp: the marking of a published result, e.g. TLP:AMBER, on every row)
// UTF-8 with a byte-order mark and CRLF line ends, so that Japanese Excel
// opens it with the right encoding. Thread safety: pure function.
#pragma once

#include <string>

#include <kunren/analysis/analysis.hpp>

namespace kunren::report {

std::string render_csv(const analysis::Analysis& a);

}  // namespace kunren::report
