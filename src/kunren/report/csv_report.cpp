#include <kunren/report/csv_report.hpp>

#include <fmt/format.h>

#include <kunren/io/csv.hpp>

namespace kunren::report {

std::string render_csv(const analysis::Analysis& a) {
  std::string out = "\xEF\xBB\xBF";
  out += "item,choice,label,count,percent,share,n,answered,unanswered\r\n";
  for (const auto& it : a.items) {
    for (const auto& c : it.choices) {
      io::append_csv_field(out, it.id);
      out += fmt::format(",{},", c.no);
      io::append_csv_field(out, c.label);
      out += fmt::format(",{},{},{:.6f},{},{},{}\r\n", c.count, c.percent, c.share, it.n, it.answered, it.unanswered);
    }
  }
  return out;
}

}  // namespace kunren::report
