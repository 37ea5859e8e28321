#include <kunren/model/scenario.hpp>

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

namespace kunren::model {

std::string format_scenario_time(std::int64_t seconds) {
  const char* sign = seconds < 0 ? "-" : "+";
  const std::int64_t s = seconds < 0 ? -seconds : seconds;
  if (s % 60 == 0) return fmt::format("{}{:02}:{:02}", sign, s / 3600, s / 60 % 60);
  return fmt::format("{}{:02}:{:02}:{:02}", sign, s / 3600, s / 60 % 60, s % 60);
}

std::optional<std::int64_t> parse_scenario_time(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  std::array<std::int64_t, 3> parts{};
  std::size_t count = 0;
  std::size_t i = 0;
  while (true) {
    if (count == 3) return std::nullopt;
    std::size_t digits = 0;
    std::int64_t value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (++digits > 2) return std::nullopt;  // before the value grows: a long run of digits must not overflow
      value = value * 10 + (text[i] - '0');
      ++i;
    }
    if (digits == 0 || (count > 0 && digits != 2)) return std::nullopt;
    parts[count++] = value;
    if (i == text.size()) break;
    if (text[i] != ':') return std::nullopt;
    ++i;
  }
  if (count < 2 || parts[1] > 59 || parts[2] > 59) return std::nullopt;
  return parts[0] * 3600 + parts[1] * 60 + parts[2];
}

namespace {
template <class E, std::size_t N>
std::optional<E> parse_from(const std::array<const char*, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (s == names[i]) return static_cast<E>(i);
  return std::nullopt;
}
constexpr std::array<const char*, 5> k_actions{"report", "decision", "contact", "evidence", "note"};
constexpr std::array<const char*, 10> k_decisions{"classify", "escalate", "stop",   "continue", "contain",
                                                  "evidence", "external", "health", "restart",  "disclose"};
constexpr std::array<const char*, 5> k_deliveries{"phone", "mail", "alarm", "verbal", "system"};
}  // namespace

const char* to_string(ActionKind k) { return k_actions.at(static_cast<std::size_t>(k)); }
std::optional<ActionKind> parse_action_kind(std::string_view s) { return parse_from<ActionKind>(k_actions, s); }
const char* to_string(DecisionKind k) { return k_decisions.at(static_cast<std::size_t>(k)); }
std::optional<DecisionKind> parse_decision_kind(std::string_view s) {
  return parse_from<DecisionKind>(k_decisions, s);
}
const char* to_string(Delivery d) { return k_deliveries.at(static_cast<std::size_t>(d)); }
std::optional<Delivery> parse_delivery(std::string_view s) { return parse_from<Delivery>(k_deliveries, s); }

const std::vector<std::string>& contact_targets() {
  static const std::vector<std::string> targets{"role",     "poc",   "vendor",   "national-cert", "authority",
                                                "police",   "customer", "security-firm", "other"};
  return targets;
}

std::optional<std::string> normalize_contact_target(std::string_view s) {
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) {
    return c == '_' ? '-' : static_cast<char>(std::tolower(c));
  });
  if (lower == "cert") lower = "national-cert";
  const auto& all = contact_targets();
  if (std::find(all.begin(), all.end(), lower) == all.end()) return std::nullopt;
  return lower;
}

void Scenario::reindex() {
  std::stable_sort(injects.begin(), injects.end(), [](const Inject& a, const Inject& b) { return a.at < b.at; });
  auto index = [](auto& map, const auto& vec) {
    map.clear();
    for (std::size_t i = 0; i < vec.size(); ++i) map.emplace(vec[i].id, i);
  };
  index(m_roles, roles);
  index(m_phases, phases);
  index(m_objectives, objectives);
  index(m_dps, decision_points);
  index(m_injects, injects);
}

namespace {
template <class T>
const T* find_in(const std::unordered_map<std::string, std::size_t>& map, const std::vector<T>& vec,
                 std::string_view id) {
  auto it = map.find(std::string(id));
  return it == map.end() ? nullptr : &vec[it->second];
}
}  // namespace

const ScenarioRole* Scenario::find_role(std::string_view id) const { return find_in(m_roles, roles, id); }
const ScenarioPhase* Scenario::find_phase(std::string_view id) const { return find_in(m_phases, phases, id); }
const Objective* Scenario::find_objective(std::string_view id) const {
  return find_in(m_objectives, objectives, id);
}
const DecisionPoint* Scenario::find_decision_point(std::string_view id) const {
  return find_in(m_dps, decision_points, id);
}
const Inject* Scenario::find_inject(std::string_view id) const { return find_in(m_injects, injects, id); }

bool Scenario::addressed_to(const Inject& inject, std::string_view role) {
  return inject.to.empty() || std::find(inject.to.begin(), inject.to.end(), role) != inject.to.end();
}

}  // namespace kunren::model
