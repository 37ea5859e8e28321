#include <kunren/report/csv_report.hpp>

#include <fmt/format.h>

#include <kunren/io/csv.hpp>
#include <kunren/report/disclosure_text.hpp>

namespace kunren::report {

std::string render_csv(const analysis::Analysis& a) {
  std::string out = "\xEF\xBB\xBF";
  // The TLP marking of a published result travels with every row (a CSV has
  // no page to print it on); empty when there is none.
  const std::string tlp = a.disclosure ? tlp_marking(a.disclosure->tlp) : std::string();
  out += "item,choice,label,count,percent,share,n,answered,unanswered,tlp\r\n";
  for (const auto& it : a.items) {
    for (const auto& c : it.choices) {
      io::append_csv_field(out, it.id);
      out += fmt::format(",{},", c.no);
      io::append_csv_field(out, c.label);
      out += fmt::format(",{},{},{:.6f},{},{},{},{}\r\n", c.count, c.percent, c.share, it.n, it.answered, it.unanswered,
                         tlp);
    }
  }
  return out;
}

}  // namespace kunren::report
