// One organisation's drills side by side: per drill its metrics against
// targets and its objective ratings, oldest first, so a plant sees whether
// it is getting faster and better (HTML table + JSON "kunren.trend/1").
// Drills of different scenarios line up by metric id and, for ratings, by
// objective id (an objective a scenario lacks is blank).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <kunren/exercise/engine.hpp>
#include <kunren/model/scenario.hpp>

namespace kunren::report {

struct TrendDrill {
  std::string exercise_id, title, scenario_id;
  std::string date;  // "YYYY-MM-DD" of its start (or creation)
  std::vector<exercise::Metric> metrics;
  std::vector<std::pair<std::string, std::string>> ratings;  // objective id → latest rating
  std::vector<std::pair<std::string, model::LocalizedText>> objectives;  // objective id → title
  int open_plan_items = 0;  // plan items raised by this drill still open
};

nlohmann::json trend_json(const std::string& org_id, const std::vector<TrendDrill>& drills, std::string_view lang);
// An HTML fragment (a table with the metric rows and the rating rows), for
// the organisation page and the report.
std::string trend_html_table(const std::vector<TrendDrill>& drills, std::string_view lang);
// A full, print-ready page around the table.
std::string trend_html(const std::string& org_name, const std::vector<TrendDrill>& drills, std::string_view lang,
                       const std::string& generated_at);

}  // namespace kunren::report
