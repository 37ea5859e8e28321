// The exercise event log as files people keep: JSONL (one canonical JSON
// object per event, every stored field, the payload embedded as JSON) and CSV
// for Excel (UTF-8 with BOM, CRLF, RFC 4180 quoting; the payload as JSON
// text). Used by `kunren exercise log` and GET /api/v1/exercises/{id}/log.
// A payload that is not JSON (a tampered row) is written as a JSON string,
// so an export still shows what is stored; verify_chain names such rows.
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include <kunren/model/exercise.hpp>

namespace kunren::exercise {

std::string log_jsonl(const std::vector<model::ExerciseEvent>& events);
std::string log_csv(const std::vector<model::ExerciseEvent>& events);

}  // namespace kunren::exercise
