// Exercise: one run of a scenario by one organisation, and its event log —
// the append-only, hash-chained record of everything that happened in the
// drill (§3.6 of the shared architecture, docs/formats.md "Exercise event
// log").
//
// The chain. Each event's hash is SHA-256 over the previous event's hash (64
// lower-case hex characters; 64 zeros before the first event) followed by the
// event's canonical JSON: one JSON object with exactly the keys seq, at,
// scenario_ms, actor, role, kind, payload, sorted, no spaces, non-ASCII
// written as UTF-8 (not \u escapes), and `payload` embedded as the JSON value
// it holds. The stored payload text must itself be canonical (so a changed
// byte cannot hide in whitespace or key order). verify_chain() walks a log
// and names the first event whose link does not hold.
//
// Thread safety: values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <kunren/model/text.hpp>

namespace kunren::model {

enum class ExerciseState { kPlanned, kRunning, kPaused, kEnded };
const char* to_string(ExerciseState s);  // "planned" | "running" | "paused" | "ended"
std::optional<ExerciseState> parse_exercise_state(std::string_view s);

// The kinds of event in the log.
enum class EventKind { kInject, kReport, kDecision, kContact, kEvidence, kNote, kObservation, kControl };
const char* to_string(EventKind k);  // "inject" | "report" | … | "control"
std::optional<EventKind> parse_event_kind(std::string_view s);

// One entry of the log as stored.
struct ExerciseEvent {
  std::int64_t seq = 0;          // 1, 2, … per exercise, no gaps
  std::string at;                // wall time, UTC, store format "YYYY-MM-DDTHH:MM:SS.ffffffZ"
  std::int64_t scenario_ms = 0;  // scenario time when it happened
  std::string actor;             // "user:alice", "system" (the clock), "cli:root"
  std::string role;              // the drill role acted in, "facilitator", or "" for the system
  std::string kind;              // to_string(EventKind)
  std::string payload;           // canonical JSON object text
  std::string prev_hash;         // hex
  std::string hash;              // hex
  bool operator==(const ExerciseEvent&) const = default;
};

// What a caller asks the store to append; the store assigns seq, at and the
// hashes.
struct NewExerciseEvent {
  std::int64_t scenario_ms = 0;
  std::string actor;
  std::string role;
  std::string kind;
  std::string payload;  // canonical JSON object text (canonical_json)
};

inline constexpr std::string_view k_genesis_hash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The canonical text of a JSON value (see above). Floating-point numbers are
// not used in payloads (they have no single canonical text).
std::string canonical_json(const nlohmann::json& value);
// The canonical JSON of an event (without prev_hash and hash). Throws
// nlohmann::json::parse_error if the payload is not JSON.
std::string canonical_event_json(const ExerciseEvent& event);
// SHA-256(prev_hash ‖ canonical_event_json(event)), lower-case hex. Throws
// like canonical_event_json.
std::string event_hash(std::string_view prev_hash, const ExerciseEvent& event);

// The first broken link of a log, if any.
struct ChainBreak {
  std::int64_t seq = 0;  // the first event that does not verify (or the seq expected where one is missing)
  std::string reason;    // for people, e.g. "hash does not match its content"
};
// Checks, in order, for each event: seq is the previous seq + 1 (starting at
// 1); prev_hash equals the previous event's hash (the genesis hash first);
// payload is valid, canonical JSON; kind is known; hash equals
// event_hash(prev_hash, event). nullopt when every link holds.
std::optional<ChainBreak> verify_chain(const std::vector<ExerciseEvent>& events);

// The OT evidence catalogue (DOMAIN.md §8), most volatile first.
struct EvidenceType {
  std::string id;  // "safety-state", "process-state", …
  LocalizedText name;
  LocalizedText examples;
};
const std::vector<EvidenceType>& evidence_catalogue();
const EvidenceType* find_evidence_type(std::string_view id);

// Facilitator's rating of how an objective was performed (HSEEP).
// P performed without challenges, S some challenges, M major challenges,
// U unable to perform.
bool valid_rating(std::string_view rating);  // "P" | "S" | "M" | "U"

}  // namespace kunren::model
