#include <kunren/exercise/log_export.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/io/csv.hpp>
#include <kunren/model/scenario.hpp>

namespace kunren::exercise {

std::string log_jsonl(const std::vector<model::ExerciseEvent>& events) {
  std::string out;
  for (const auto& e : events) {
    nlohmann::json payload = nlohmann::json::parse(e.payload, nullptr, false);
    if (payload.is_discarded()) payload = e.payload;
    nlohmann::json j{{"seq", e.seq},     {"at", e.at},     {"scenario_ms", e.scenario_ms},
                     {"actor", e.actor}, {"role", e.role}, {"kind", e.kind},
                     {"payload", payload}, {"prev_hash", e.prev_hash}, {"hash", e.hash}};
    out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += '\n';
  }
  return out;
}

std::string log_csv(const std::vector<model::ExerciseEvent>& events) {
  std::string out = "\xEF\xBB\xBF";
  out += "seq,at,scenario_ms,scenario_time,actor,role,kind,payload,prev_hash,hash\r\n";
  for (const auto& e : events) {
    out += fmt::format("{},{},{},{},", e.seq, e.at, e.scenario_ms, model::format_scenario_time(e.scenario_ms / 1000));
    for (const std::string* field : {&e.actor, &e.role, &e.kind, &e.payload, &e.prev_hash}) {
      io::append_csv_field(out, *field);
      out += ',';
    }
    io::append_csv_field(out, e.hash);
    out += "\r\n";
  }
  return out;
}

}  // namespace kunren::exercise
