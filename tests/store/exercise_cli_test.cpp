// `kunren exercise list|show|verify|log` (src/kunren/cli/exercise_commands.cpp)
// run through the CLI's entry point on a SQLite database built here with the
// store (there is no `exercise create` command yet): what verify prints and
// its exit codes (0, and 4 naming the first broken event when a row was
// changed or removed behind the store's back), and the JSONL and CSV exports.
// tests/cli/exercise_log.sh covers the error cases of the real binary.
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include <kunren/cli/cli.hpp>
#include <kunren/model/exercise.hpp>
#include <kunren/store/store.hpp>
#include <kunren/util/sha256.hpp>

#include "store_testing.hpp"

namespace kunren::store {
namespace {

using kunren::testing::FreshStores;
using kunren::testing::sqlite_path_of;
using kunren::testing::succeeded;
using nlohmann::json;

const Actor k_actor{"cli:test"};

struct Run {
  int code = -1;
  std::string out, err;
};

// Runs `kunren ARGS…` in this process, capturing standard output and error.
Run kunren(std::vector<std::string> args) {
  args.insert(args.begin(), "kunren");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::ostringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  Run r;
  r.code = cli::run(static_cast<int>(args.size()), argv.data());
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> split(const std::string& text, const std::string& separator) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (auto p = text.find(separator); p != std::string::npos; p = text.find(separator, start)) {
    out.push_back(text.substr(start, p - start));
    start = p + separator.size();
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

class ExerciseCli : public ::testing::Test {
 protected:
  void SetUp() override {
    m_url = m_stores.new_url();
    auto opened = FreshStores::open(m_url);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    Store& s = **opened;
    ASSERT_TRUE(succeeded(s.put_orgs({{"org-a", "株式会社A", {}, {}, {}, {}}}, k_actor)));
    ASSERT_TRUE(succeeded(s.create_user(User{"alice", "Alice", "", {Role::kParticipant}, {}, false, {}}, k_actor)));
    ExerciseRecord x;
    x.id = "drill-1";
    x.title = "HMI ランサムウェア訓練";
    x.org = "org-a";
    x.scenario_id = "ransomware-hmi";
    x.scenario_version = "2";
    x.scenario_content = R"({"id":"ransomware-hmi","version":"2"})";
    x.scenario_sha256 = util::sha256_hex(x.scenario_content);
    x.participants = {{"alice", "ot-lead"}};
    ASSERT_TRUE(succeeded(s.create_exercise(x, k_actor)));
    std::int64_t last = 0;
    for (int round = 0; round < 4; ++round) {
      std::vector<model::NewExerciseEvent> events;
      for (int i = 0; i < 5; ++i) {
        const int n = round * 5 + i;
        json payload{{"text", fmt::format("報告 {}: \"line 2\", valve {}", n, n % 3)}, {"n", n}};
        events.push_back({n * 30'000 + (n % 2) * 500, n % 4 == 0 ? "system" : "user:alice", n % 4 == 0 ? "" : "ot-lead",
                          n % 3 == 0 ? "inject" : "report", model::canonical_json(payload)});
      }
      auto r = s.append_exercise_events("drill-1", last, events, model::ExerciseState::kRunning);
      ASSERT_TRUE(r.is_ok()) << r.status().to_string();
      last = r->back().seq;
    }
    auto events = s.list_exercise_events("drill-1");
    ASSERT_TRUE(events.is_ok());
    m_events = *events;
    ASSERT_EQ(m_events.size(), 20u);
  }

  // Runs one statement on the database file with the SQLite C API, after
  // dropping the log's append-only triggers.
  void tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(sqlite_path_of(m_url).c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    char* error = nullptr;
    const std::string all =
        "DROP TRIGGER IF EXISTS exercise_event_no_update; DROP TRIGGER IF EXISTS exercise_event_no_delete; " + sql;
    EXPECT_EQ(sqlite3_exec(db, all.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  std::string path(const std::string& name) const { return m_stores.dir().path(name); }

  FreshStores m_stores{"sqlite"};
  std::string m_url;
  std::vector<model::ExerciseEvent> m_events;
};

TEST_F(ExerciseCli, VerifyOfAnIntactLogPrintsTheCountAndLastHashAndExitsZero) {
  auto r = kunren({"exercise", "verify", "drill-1", "--db", m_url});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, fmt::format("exercise drill-1: 20 events, chain verified, last hash {}\n", m_events.back().hash));
  EXPECT_EQ(r.err, "");
}

TEST_F(ExerciseCli, VerifyOfAChangedEventExitsFourNamingItsSeq) {
  // One letter of event 7's payload, still valid canonical JSON.
  tamper("UPDATE exercise_event SET payload = replace(payload, 'valve', 'valvf') WHERE seq = 7");
  auto r = kunren({"exercise", "verify", "drill-1", "--db", m_url});
  EXPECT_EQ(r.code, 4);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("exercise drill-1: broken at event 7: hash does not match"), std::string::npos) << r.err;
}

TEST_F(ExerciseCli, VerifyOfALogWithADeletedEventExitsFourNamingTheMissingSeq) {
  tamper("DELETE FROM exercise_event WHERE seq = 12");
  auto r = kunren({"exercise", "verify", "drill-1", "--db", m_url});
  EXPECT_EQ(r.code, 4);
  EXPECT_NE(r.err.find("exercise drill-1: broken at event 12: event 12 is missing"), std::string::npos) << r.err;
}

// The links of a log cut short still hold; the exercise's own record of
// where its log ends does not.
TEST_F(ExerciseCli, VerifyOfALogWhoseLastEventsWereDeletedExitsFour) {
  tamper("DELETE FROM exercise_event WHERE seq >= 19");
  auto r = kunren({"exercise", "verify", "drill-1", "--db", m_url});
  EXPECT_EQ(r.code, 4);
  EXPECT_NE(r.err.find("exercise drill-1: broken at event 19: event 19 is missing"), std::string::npos) << r.err;
}

TEST_F(ExerciseCli, VerifyOfAnUnknownExerciseIsNotFound) {
  auto r = kunren({"exercise", "verify", "nope", "--db", m_url});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("exercise 'nope' not found"), std::string::npos) << r.err;
}

TEST_F(ExerciseCli, LogAsJsonlHasOneCanonicalObjectPerEventWithEveryField) {
  const std::string out = path("log.jsonl");
  auto r = kunren({"exercise", "log", "drill-1", "--format", "jsonl", "-o", out, "--db", m_url});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("20 events"), std::string::npos) << r.err;
  const std::string text = read_file(out);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  auto lines = split(text, "\n");
  ASSERT_EQ(lines.size(), 20u);
  std::vector<model::ExerciseEvent> read_back;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    json j = json::parse(lines[i]);
    EXPECT_EQ(model::canonical_json(j), lines[i]) << "canonical";
    EXPECT_EQ(j.size(), 9u) << lines[i];
    EXPECT_TRUE(j["payload"].is_object()) << "embedded as JSON, not as a string";
    model::ExerciseEvent e;
    e.seq = j["seq"];
    e.at = j["at"];
    e.scenario_ms = j["scenario_ms"];
    e.actor = j["actor"];
    e.role = j["role"];
    e.kind = j["kind"];
    e.payload = model::canonical_json(j["payload"]);
    e.prev_hash = j["prev_hash"];
    e.hash = j["hash"];
    read_back.push_back(e);
  }
  EXPECT_EQ(read_back, m_events) << "the export holds the log exactly";
  EXPECT_EQ(model::verify_chain(read_back), std::nullopt) << "and can be verified on its own";
  // To standard output without -o, and jsonl is the default.
  auto plain = kunren({"exercise", "log", "drill-1", "--db", m_url});
  EXPECT_EQ(plain.code, 0) << plain.err;
  EXPECT_EQ(plain.out, text);
}

TEST_F(ExerciseCli, LogAsCsvIsUtf8WithBomCrlfQuotedFieldsAndScenarioTime) {
  const std::string out = path("log.csv");
  auto r = kunren({"exercise", "log", "drill-1", "-o", out, "--db", m_url});  // format from the extension
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string text = read_file(out);
  ASSERT_EQ(text.rfind("\xEF\xBB\xBF", 0), 0u) << "BOM";
  auto rows = split(text.substr(3), "\r\n");
  ASSERT_EQ(rows.size(), 21u);
  EXPECT_EQ(rows[0], "seq,at,scenario_ms,scenario_time,actor,role,kind,payload,prev_hash,hash");
  for (const auto& row : rows) EXPECT_EQ(row.find('\n'), std::string::npos) << "no bare LF: " << row;
  // Event 2 (n = 1): 30,500 ms → +00:00:30; its payload has quotes and a comma.
  const auto& e = m_events[1];
  std::string quoted = "\"";
  for (char c : e.payload) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  quoted += "\"";
  EXPECT_EQ(rows[2],
            fmt::format("2,{},30500,+00:00:30,user:alice,ot-lead,report,{},{},{}", e.at, quoted, e.prev_hash, e.hash));
  // Event 13 (n = 12): 360,000 ms → +00:06, the system's event with no role.
  EXPECT_EQ(rows[13].rfind(fmt::format("13,{},360000,+00:06,system,,inject,\"", m_events[12].at), 0), 0u) << rows[13];
}

TEST_F(ExerciseCli, ListAndShowNameTheScenarioStateParticipantsAndLastHash) {
  auto list = kunren({"exercise", "list", "--db", m_url});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find("drill-1"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("running"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("ransomware-hmi 2"), std::string::npos) << list.out;
  auto show = kunren({"exercise", "show", "drill-1", "--db", m_url});
  ASSERT_EQ(show.code, 0) << show.err;
  for (const std::string& text : {std::string("HMI ランサムウェア訓練"), std::string("org-a"),
                                  std::string("alice (ot-lead)"), std::string("events        20"),
                                  util::sha256_hex(R"({"id":"ransomware-hmi","version":"2"})"), m_events.back().hash}) {
    EXPECT_NE(show.out.find(text), std::string::npos) << text << " in\n" << show.out;
  }
  auto as_json = kunren({"exercise", "show", "drill-1", "--format", "json", "--db", m_url});
  ASSERT_EQ(as_json.code, 0) << as_json.err;
  json j = json::parse(as_json.out);
  EXPECT_EQ(j["events"], 20);
  EXPECT_EQ(j["last_hash"], m_events.back().hash);
  EXPECT_EQ(j["campaign"], nullptr);
}

}  // namespace
}  // namespace kunren::store
