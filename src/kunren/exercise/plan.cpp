#include <kunren/exercise/plan.hpp>

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include <kunren/io/scenario_io.hpp>
#include <kunren/model/exercise.hpp>
#include <kunren/model/preparedness.hpp>

namespace kunren::exercise {

namespace {
Status bad(std::string field, std::string message) {
  return Status::bad_input(std::move(message), Location({}, 0, 0, std::move(field)));
}
// The organisation's latest criteria record in the exercise's form, for the
// decision points the scenario has; null when there is none (or nothing of
// it applies). An unknown organisation is left for create_exercise to report.
Result<nlohmann::json> organisation_criteria(store::Store& db, const std::string& org, const model::Scenario& scenario) {
  auto latest = db.latest_org_document(org, model::to_string(model::PrepKind::kCriteria));
  if (!latest) return latest.status().kind() == ErrorKind::kNotFound ? Result<nlohmann::json>(nlohmann::json())
                                                                     : Result<nlohmann::json>(latest.status());
  if (!*latest) return nlohmann::json();
  const nlohmann::json content = nlohmann::json::parse((*latest)->content, nullptr, false);
  if (content.is_discarded()) return nlohmann::json();
  auto criteria = model::parse_decision_criteria(content);
  if (!criteria) return nlohmann::json();
  const nlohmann::json all = model::exercise_criteria_json(*criteria);
  nlohmann::json kept = nlohmann::json::object();
  for (const auto& [dp, value] : all.items())
    if (scenario.find_decision_point(dp)) kept[dp] = value;
  return kept.empty() ? nlohmann::json() : kept;
}

}  // namespace

Result<std::vector<store::ExerciseParticipant>> check_participants(store::Store& db, const model::Scenario& scenario,
                                                                   std::vector<store::ExerciseParticipant> list) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& p = list[i];
    const std::string field = fmt::format("participants[{}]", i);
    if (!scenario.find_role(p.role))
      return bad(field + ".role", fmt::format("the scenario has no role '{}'", p.role));
    auto user = db.get_user(p.login);
    if (!user) return bad(field + ".login", fmt::format("no user '{}'", p.login));
    if (std::find(user->roles.begin(), user->roles.end(), store::Role::kParticipant) == user->roles.end())
      return bad(field + ".login", fmt::format("user '{}' does not hold the participant role", p.login));
    for (std::size_t j = 0; j < i; ++j)
      if (list[j].login == p.login) return bad(field + ".login", fmt::format("'{}' is listed twice", p.login));
  }
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.login < b.login; });
  return list;
}

Result<store::ExerciseRecord> create_exercise(store::Store& db, Plan plan, const store::Actor& actor) {
  if (plan.title.empty()) return bad("title", "'title' is required");
  if (plan.org.empty()) return bad("org", "'org' is required");
  store::ExerciseRecord rec;
  rec.id = plan.id;
  if (rec.id.empty()) {
    std::random_device rd;
    rec.id = fmt::format("ex-{:08x}", rd());
  }
  rec.title = plan.title;
  rec.org = plan.org;
  rec.campaign = plan.campaign;
  rec.scenario_id = plan.scenario.id;
  rec.scenario_version = plan.scenario.version;
  rec.scenario_content = io::scenario_content_json(plan.scenario);
  rec.scenario_sha256 = io::scenario_content_hash(plan.scenario);
  if (plan.criteria.is_null()) {
    auto own = organisation_criteria(db, plan.org, plan.scenario);
    if (!own) return own.status();
    plan.criteria = std::move(own).value();
  }
  if (!plan.criteria.is_null()) {
    if (!plan.criteria.is_object()) return bad("criteria", "'criteria' must be an object keyed by decision point");
    for (const auto& [dp, value] : plan.criteria.items()) {
      if (!plan.scenario.find_decision_point(dp))
        return bad("criteria." + dp, fmt::format("the scenario has no decision point '{}'", dp));
      if (!value.is_object()) return bad("criteria." + dp, "each decision point's criteria are {who, conditions}");
    }
    rec.criteria = model::canonical_json(plan.criteria);
  }
  auto participants = check_participants(db, plan.scenario, std::move(plan.participants));
  if (!participants) return participants.status();
  rec.participants = std::move(*participants);
  KUNREN_RETURN_IF_ERROR(db.create_exercise(rec, actor));
  return db.get_exercise(rec.id);
}

}  // namespace kunren::exercise
