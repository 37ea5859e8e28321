#include <kunren/model/exercise.hpp>

#include <array>

#include <fmt/format.h>

#include <kunren/util/sha256.hpp>

namespace kunren::model {

namespace {
constexpr std::array<const char*, 4> k_states{"planned", "running", "paused", "ended"};
constexpr std::array<const char*, 8> k_kinds{"inject",   "report", "decision",    "contact",
                                             "evidence", "note",   "observation", "control"};
template <class E, std::size_t N>
std::optional<E> parse_from(const std::array<const char*, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (s == names[i]) return static_cast<E>(i);
  return std::nullopt;
}
}  // namespace

const char* to_string(ExerciseState s) { return k_states.at(static_cast<std::size_t>(s)); }
std::optional<ExerciseState> parse_exercise_state(std::string_view s) {
  return parse_from<ExerciseState>(k_states, s);
}
const char* to_string(EventKind k) { return k_kinds.at(static_cast<std::size_t>(k)); }
std::optional<EventKind> parse_event_kind(std::string_view s) { return parse_from<EventKind>(k_kinds, s); }

std::string canonical_json(const nlohmann::json& value) {
  // nlohmann::json keeps object keys sorted (std::map), so dump() without
  // indentation is canonical; ensure_ascii=false keeps UTF-8 as is.
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

std::string canonical_event_json(const ExerciseEvent& event) {
  nlohmann::json j = nlohmann::json::object();
  j["seq"] = event.seq;
  j["at"] = event.at;
  j["scenario_ms"] = event.scenario_ms;
  j["actor"] = event.actor;
  j["role"] = event.role;
  j["kind"] = event.kind;
  j["payload"] = nlohmann::json::parse(event.payload);
  return canonical_json(j);
}

std::string event_hash(std::string_view prev_hash, const ExerciseEvent& event) {
  std::string text(prev_hash);
  text += canonical_event_json(event);
  return util::sha256_hex(text);
}

std::optional<ChainBreak> verify_chain(const std::vector<ExerciseEvent>& events) {
  std::string prev(k_genesis_hash);
  std::int64_t expected_seq = 1;
  for (const auto& e : events) {
    if (e.seq != expected_seq) {
      if (e.seq > expected_seq)
        return ChainBreak{expected_seq, fmt::format("event {} is missing (the next stored event is {})", expected_seq, e.seq)};
      return ChainBreak{e.seq, fmt::format("sequence number {} where {} was expected", e.seq, expected_seq)};
    }
    if (e.prev_hash != prev) return ChainBreak{e.seq, "prev_hash does not match the previous event's hash"};
    nlohmann::json payload;
    try {
      payload = nlohmann::json::parse(e.payload);
    } catch (const nlohmann::json::exception&) {
      return ChainBreak{e.seq, "payload is not valid JSON"};
    }
    if (!payload.is_object()) return ChainBreak{e.seq, "payload is not a JSON object"};
    std::string canonical;
    try {
      canonical = canonical_json(payload);
    } catch (const nlohmann::json::exception&) {
      return ChainBreak{e.seq, "payload is not valid UTF-8"};
    }
    if (canonical != e.payload) return ChainBreak{e.seq, "payload is not in canonical form"};
    if (!parse_event_kind(e.kind)) return ChainBreak{e.seq, fmt::format("unknown kind '{}'", e.kind)};
    if (event_hash(prev, e) != e.hash) return ChainBreak{e.seq, "hash does not match the event's content"};
    prev = e.hash;
    ++expected_seq;
  }
  return std::nullopt;
}

const std::vector<EvidenceType>& evidence_catalogue() {
  static const std::vector<EvidenceType> catalogue{
      {"safety-state",
       {{"ja", "安全計装システムの状態"}, {"en", "Safety system state"}},
       {{"ja", "SIS のトリップ履歴、バイパス状態、警報"}, {"en", "SIS trip history, bypasses, alarms"}}},
      {"process-state",
       {{"ja", "プロセスの状態（ヒストリアン・HMI 値・警報とイベントのログ）"},
        {"en", "Process state (historian, HMI values, alarm and event logs)"}},
       {{"ja", "ヒストリアンの時系列、HMI 画面の記録、アラームログ"},
        {"en", "Historian series, HMI screen records, alarm logs"}}},
      {"controller-memory",
       {{"ja", "コントローラのメモリ・PLC プログラム・診断バッファ"},
        {"en", "Controller memory, PLC program and diagnostic buffers"}},
       {{"ja", "リングバッファは上書きされる前提で最優先に取得"},
        {"en", "Ring buffers: assume they will be overwritten; collect first"}}},
      {"ews",
       {{"ja", "エンジニアリングワークステーション（プロジェクトファイル・ログ・操作履歴）"},
        {"en", "Engineering workstation (project files, logs, user activity)"}},
       {{"ja", "PLC プロジェクト、イベントログ、USB 接続履歴"}, {"en", "PLC projects, event logs, USB history"}}},
      {"network-capture",
       {{"ja", "ネットワークキャプチャ（TAP/SPAN）"}, {"en", "Network capture (TAP/SPAN)"}},
       {{"ja", "制御ネットワークの pcap、FW ログ"}, {"en", "Control network pcap, firewall logs"}}},
      {"config-image",
       {{"ja", "設定・ディスクイメージ・アカウント"}, {"en", "Configurations, disk images, accounts"}},
       {{"ja", "機器設定のバックアップ、サーバのディスクイメージ、アカウント一覧"},
        {"en", "Device configuration backups, server disk images, account lists"}}},
      {"malware-sample",
       {{"ja", "不審ファイル・マルウェア検体"}, {"en", "Suspicious files and malware samples"}},
       {{"ja", "ランサムノート、不審な実行ファイル"}, {"en", "Ransom notes, suspicious executables"}}},
  };
  return catalogue;
}

const EvidenceType* find_evidence_type(std::string_view id) {
  for (const auto& t : evidence_catalogue())
    if (t.id == id) return &t;
  return nullptr;
}

bool valid_rating(std::string_view rating) {
  return rating == "P" || rating == "S" || rating == "M" || rating == "U";
}

}  // namespace kunren::model
