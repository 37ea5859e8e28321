// Drills in the store (store.hpp "Exercises (drills)"), clause by clause, on
// every backend: creating, reading and listing exercises, their participants
// and decision criteria, and the hash-chained event log — seq, time,
// prev_hash and hash assigned by the store so that model::verify_chain holds,
// a stale writer refused, an ended drill taking only observations. Then, on
// the SQL backends: two Store objects racing for one log, and rows changed
// behind the store's back (straight through the SQLite C API or libpq), which
// verify_chain must name by seq.
//
// Test names carry the backend (".../postgresql"), which is how CTest gives
// the PostgreSQL ones the cluster fixture.
#include <algorithm>
#include <latch>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include <kunren/model/exercise.hpp>
#include <kunren/store/backends.hpp>
#include <kunren/store/sql.hpp>
#include <kunren/store/store.hpp>
#include <kunren/util/sha256.hpp>

#include "store_testing.hpp"

namespace kunren::store {
namespace {

using kunren::testing::fails_with;
using kunren::testing::FreshStores;
using kunren::testing::is_canonical_time;
using kunren::testing::mini_checklist;
using kunren::testing::record_of;
using kunren::testing::sqlite_path_of;
using kunren::testing::succeeded;
using model::ExerciseEvent;
using model::ExerciseState;
using model::NewExerciseEvent;
using nlohmann::json;

const Actor k_actor{"cli:test"};
const std::string k_genesis(model::k_genesis_hash);

template <typename T>
T got(Result<T> r) {
  if (!r) {
    ADD_FAILURE() << r.status().to_string();
    return T{};
  }
  return std::move(r).value();
}

const std::string k_scenario_content =
    R"({"id":"ransomware-hmi","title":{"en":"Ransomware on the HMI","ja":"HMI のランサムウェア"},"version":"2"})";

ExerciseRecord drill(std::string id, std::string org = "org-a") {
  ExerciseRecord e;
  e.id = std::move(id);
  e.title = "第1回 訓練 " + e.id;
  e.org = std::move(org);
  e.scenario_id = "ransomware-hmi";
  e.scenario_version = "2";
  e.scenario_content = k_scenario_content;
  e.scenario_sha256 = util::sha256_hex(k_scenario_content);
  return e;
}

// A new event whose payload is the canonical text of `payload`.
NewExerciseEvent ev(std::string kind, const json& payload = json::object(), std::int64_t scenario_ms = 0,
                    std::string actor = "user:alice", std::string role = "incident-commander") {
  return NewExerciseEvent{scenario_ms, std::move(actor), std::move(role), std::move(kind),
                          model::canonical_json(payload)};
}

// `n` events of varied kinds, payloads (with Japanese text, quotes and
// commas), actors and scenario times.
std::vector<NewExerciseEvent> varied_events(std::size_t n, std::size_t from = 0) {
  static const std::vector<std::string> kinds = {"inject",   "report", "decision",    "contact",
                                                 "evidence", "note",   "observation", "control"};
  std::vector<NewExerciseEvent> out;
  for (std::size_t i = from; i < from + n; ++i) {
    json payload{{"text", fmt::format("事象 {}: \"HMI\" 停止, line {}", i, i % 3)}, {"n", i}};
    if (i % 4 == 0) payload["to"] = json::array({"ot-lead", "plant-manager"});
    out.push_back(ev(kinds[i % kinds.size()], payload, static_cast<std::int64_t>(i) * 90'500,
                     i % 5 == 0 ? "system" : fmt::format("user:p{}", i % 3), i % 5 == 0 ? "" : "ot-lead"));
  }
  return out;
}

// Everything the store holds about exercises, as text, to compare before and
// after a call that must write nothing.
std::string exercise_dump(Store& s) {
  std::ostringstream out;
  for (const auto& listed : got(s.list_exercises())) {
    auto e = got(s.get_exercise(listed.id));
    out << "exercise " << e.id << '|' << e.title << '|' << e.org << '|' << e.campaign << '|' << e.scenario_id << '|'
        << e.scenario_version << '|' << e.scenario_sha256 << '|' << e.scenario_content.size() << '|' << e.criteria
        << '|' << model::to_string(e.state) << '|' << e.created_by << '|' << e.created_at << '|' << e.updated_at << '|'
        << e.last_seq << '|' << e.last_hash << '\n';
    for (const auto& p : e.participants) out << " participant " << p.login << '=' << p.role << '\n';
    for (const auto& v : got(s.list_exercise_events(e.id))) {
      out << " event " << v.seq << '|' << v.at << '|' << v.scenario_ms << '|' << v.actor << '|' << v.role << '|'
          << v.kind << '|' << v.payload << '|' << v.prev_hash << '|' << v.hash << '\n';
    }
  }
  for (const auto& a : got(s.list_audit())) {
    out << "audit " << a.id << '|' << a.action << '|' << a.object_id << '|' << a.detail << '\n';
  }
  return out.str();
}

class ExerciseStore : public ::testing::TestWithParam<std::string> {
 public:
  ExerciseStore() : m_stores(GetParam()) {}
  void SetUp() override {
    m_store = m_stores.open_new();
    ASSERT_NE(m_store, nullptr);
    ASSERT_TRUE(succeeded(
        s().put_orgs({{"org-a", "株式会社A", "化学", "L", {}, {}}, {"org-b", "B", {}, {}, {}, {}}}, k_actor)));
    ASSERT_TRUE(succeeded(s().put_checklist(record_of(mini_checklist()), k_actor)));
    CampaignRecord c;
    c.id = "c";
    c.checklist_id = "mini";
    c.checklist_version = "1";
    ASSERT_TRUE(succeeded(s().create_campaign(c, k_actor)));
    for (const char* login : {"alice", "bob", "carol"}) {
      ASSERT_TRUE(succeeded(s().create_user(User{login, login, "", {Role::kParticipant}, {}, false, {}}, k_actor)));
    }
  }

  Store& s() { return *m_store; }

  // A new exercise `id` on org-a, with no participants.
  void create(const std::string& id) { ASSERT_TRUE(succeeded(s().create_exercise(drill(id), k_actor))); }

  std::vector<ExerciseEvent> append(const std::string& id, std::int64_t expected,
                                    const std::vector<NewExerciseEvent>& events,
                                    std::optional<ExerciseState> new_state = std::nullopt) {
    return got(s().append_exercise_events(id, expected, events, new_state));
  }

  FreshStores m_stores;
  std::unique_ptr<Store> m_store;
};

INSTANTIATE_TEST_SUITE_P(Backends, ExerciseStore, ::testing::ValuesIn(kunren::testing::all_backends()),
                         [](const auto& info) { return info.param; });

// --- create, get, list ---------------------------------------------------------------

TEST_P(ExerciseStore, CreateKeepsEveryFieldAndTheStoreSetsStateTimesAndAnEmptyLog) {
  ExerciseRecord e = drill("x1");
  e.campaign = "c";
  e.criteria = R"({"DP3": {"conditions": ["生産への影響", "安全"], "who": "工場長"}})";
  e.participants = {{"carol", "ot-lead"}, {"alice", "incident-commander"}};
  // What the store sets is ignored when given.
  e.state = ExerciseState::kRunning;
  e.created_by = "someone";
  e.created_at = e.updated_at = "2000-01-01T00:00:00.000000Z";
  e.last_seq = 9;
  e.last_hash = std::string(64, 'f');
  ASSERT_TRUE(succeeded(s().create_exercise(e, Actor{"user:admin"})));

  auto stored = got(s().get_exercise("x1"));
  EXPECT_EQ(stored.id, "x1");
  EXPECT_EQ(stored.title, e.title);
  EXPECT_EQ(stored.org, "org-a");
  EXPECT_EQ(stored.campaign, "c");
  EXPECT_EQ(stored.scenario_id, "ransomware-hmi");
  EXPECT_EQ(stored.scenario_version, "2");
  EXPECT_EQ(stored.scenario_sha256, util::sha256_hex(k_scenario_content));
  EXPECT_EQ(stored.scenario_content, k_scenario_content);
  EXPECT_EQ(stored.criteria, e.criteria);
  EXPECT_EQ(stored.state, ExerciseState::kPlanned);
  EXPECT_EQ(stored.participants,
            (std::vector<ExerciseParticipant>{{"alice", "incident-commander"}, {"carol", "ot-lead"}}));
  EXPECT_EQ(stored.created_by, "user:admin");
  EXPECT_TRUE(is_canonical_time(stored.created_at)) << stored.created_at;
  EXPECT_EQ(stored.updated_at, stored.created_at);
  EXPECT_GT(stored.created_at, "2020");
  EXPECT_EQ(stored.last_seq, 0);
  EXPECT_EQ(stored.last_hash, k_genesis);
  EXPECT_TRUE(got(s().list_exercise_events("x1")).empty());

  auto entry = got(s().list_audit({"exercise", "x1", 0}));
  ASSERT_EQ(entry.size(), 1u);
  EXPECT_EQ(entry[0].action, "exercise.create");
  EXPECT_EQ(entry[0].actor, "user:admin");
  EXPECT_EQ(entry[0].at, stored.created_at) << "one transaction, one time";
  EXPECT_EQ(json::parse(entry[0].detail),
            (json{{"title", e.title},
                  {"org", "org-a"},
                  {"campaign", "c"},
                  {"scenario", "ransomware-hmi"},
                  {"version", "2"},
                  {"sha256", e.scenario_sha256},
                  {"participants", json::array({{{"login", "alice"}, {"role", "incident-commander"}},
                                                {{"login", "carol"}, {"role", "ot-lead"}}})}}))
      << entry[0].detail;
}

TEST_P(ExerciseStore, AnExerciseWithoutCampaignCriteriaOrParticipantsReadsBackEmpty) {
  create("solo");
  auto stored = got(s().get_exercise("solo"));
  EXPECT_EQ(stored.campaign, "");
  EXPECT_EQ(stored.criteria, "");
  EXPECT_TRUE(stored.participants.empty());
  auto entry = got(s().list_audit({"exercise", "solo", 0})).at(0);
  EXPECT_FALSE(json::parse(entry.detail).contains("campaign"));
  EXPECT_FALSE(json::parse(entry.detail).contains("participants"));
}

TEST_P(ExerciseStore, ListIsByIdBytewiseWithParticipantsAndWithoutTheScenarioContent) {
  for (const char* id : {"b", "B", "a-2", "a_1"}) create(id);
  ASSERT_TRUE(succeeded(s().set_exercise_participants("b", {{"bob", "r1"}, {"alice", "r2"}}, k_actor)));
  auto list = got(s().list_exercises());
  std::vector<std::string> ids;
  for (const auto& e : list) ids.push_back(e.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"B", "a-2", "a_1", "b"}));
  for (const auto& e : list) {
    EXPECT_TRUE(e.scenario_content.empty()) << e.id;
    EXPECT_EQ(e.scenario_sha256, util::sha256_hex(k_scenario_content)) << e.id;
  }
  EXPECT_EQ(list.back().participants, (std::vector<ExerciseParticipant>{{"alice", "r2"}, {"bob", "r1"}}));
  EXPECT_TRUE(list.front().participants.empty());
}

TEST_P(ExerciseStore, CreatingAnExerciseTwiceIsAConflictNamingItAndWritesNothing) {
  create("x1");
  const auto before = exercise_dump(s());
  auto again = drill("x1", "org-b");
  EXPECT_TRUE(fails_with(s().create_exercise(again, k_actor), ErrorKind::kConflict, "exercise 'x1' already exists"));
  EXPECT_EQ(exercise_dump(s()), before);
}

TEST_P(ExerciseStore, UnknownOrgCampaignOrParticipantIsNotFoundNamingItAndWritesNothing) {
  const auto before = exercise_dump(s());
  EXPECT_TRUE(fails_with(s().create_exercise(drill("x1", "org-z"), k_actor), ErrorKind::kNotFound,
                         "organisation 'org-z' not found"));
  auto e = drill("x1");
  e.campaign = "nope";
  EXPECT_TRUE(fails_with(s().create_exercise(e, k_actor), ErrorKind::kNotFound, "campaign 'nope' not found"));
  e.campaign = "c";
  e.participants = {{"alice", "r"}, {"ghost", "r"}};
  auto status = s().create_exercise(e, k_actor);
  EXPECT_TRUE(fails_with(status, ErrorKind::kNotFound, "user 'ghost' not found"));
  EXPECT_EQ(status.where().field, "participants");
  EXPECT_EQ(exercise_dump(s()), before);
}

TEST_P(ExerciseStore, MalformedValuesAreBadInputNamingTheFieldAndWriteNothing) {
  const auto before = exercise_dump(s());
  auto refused = [&](ExerciseRecord e, std::string_view needle, std::string_view field) {
    auto status = s().create_exercise(e, k_actor);
    EXPECT_TRUE(fails_with(status, ErrorKind::kBadInput, needle)) << field;
    EXPECT_EQ(status.where().field, field) << status.to_string();
    EXPECT_EQ(exercise_dump(s()), before) << field;
  };
  refused(drill(""), "an exercise id is empty", "id");
  refused(drill("a b"), "'a b' is not a valid exercise id", "id");
  refused(drill("a@b"), "not a valid exercise id", "id");
  refused(drill(std::string("x\0y", 3)), "control character", "id");
  auto e = drill("x1");
  e.title = std::string("訓練\0", 7);
  refused(e, "exercise 'x1': the title contains a control character", "title");
  for (const auto& [field, name] : {std::pair{&ExerciseRecord::scenario_id, "scenario_id"},
                                    std::pair{&ExerciseRecord::scenario_version, "scenario_version"},
                                    std::pair{&ExerciseRecord::scenario_sha256, "scenario_sha256"},
                                    std::pair{&ExerciseRecord::scenario_content, "scenario_content"}}) {
    e = drill("x1");
    e.*field = "";
    refused(e, fmt::format("exercise 'x1': the {} is empty", name), name);
  }
  e = drill("x1");
  e.scenario_content += " ";
  refused(e, "scenario_sha256 is not the SHA-256 of the scenario content", "scenario_sha256");
  e = drill("x1");
  e.criteria = "[1, 2]";
  refused(e, "the criteria must be a JSON object", "criteria");
  e.criteria = "{not json";
  refused(e, "the criteria are not JSON", "criteria");
  e = drill("x1");
  e.participants = {{"alice", "r1"}, {"alice", "r2"}};
  refused(e, "participant 'alice' is listed more than once", "participants");
  e.participants = {{"alice", ""}};
  refused(e, "participant 'alice' has no role", "participants");
  e.participants = {{"", "r"}};
  refused(e, "a participant login is empty", "participants");
}

// What needs no database is checked first: a malformed value is BadInput
// even where the database would also refuse the call.
TEST_P(ExerciseStore, ValuesAreCheckedBeforeTheDatabase) {
  create("x1");
  auto e = drill("x1", "org-z");  // exists, and its org does not
  e.scenario_sha256 = std::string(64, '0');
  EXPECT_TRUE(fails_with(s().create_exercise(e, k_actor), ErrorKind::kBadInput, "scenario_sha256"));
  EXPECT_TRUE(
      fails_with(s().set_exercise_participants("nope", {{"alice", ""}}, k_actor), ErrorKind::kBadInput, "has no role"));
  EXPECT_TRUE(fails_with(s().set_exercise_criteria("nope", "1", k_actor), ErrorKind::kBadInput, "criteria"));
  EXPECT_TRUE(fails_with(s().append_exercise_events("nope", 7, {ev("gossip")}, std::nullopt).status(),
                         ErrorKind::kBadInput, "events[0].kind"));
}

TEST_P(ExerciseStore, EveryMethodOnAnUnknownExerciseIsNotFoundNamingIt) {
  auto named = [](const Status& st) { return fails_with(st, ErrorKind::kNotFound, "exercise 'ghost' not found"); };
  EXPECT_TRUE(named(s().get_exercise("ghost").status()));
  EXPECT_TRUE(named(s().list_exercise_events("ghost").status()));
  EXPECT_TRUE(named(s().set_exercise_participants("ghost", {}, k_actor)));
  EXPECT_TRUE(named(s().set_exercise_criteria("ghost", "", k_actor)));
  EXPECT_TRUE(named(s().append_exercise_events("ghost", 0, {ev("note")}, std::nullopt).status()));
  EXPECT_TRUE(got(s().list_exercises()).empty());
}

TEST_P(ExerciseStore, TheActorIsCheckedAsTextFirst) {
  create("x1");
  const auto before = exercise_dump(s());
  const Actor nul{std::string("a\0b", 3)};
  EXPECT_TRUE(fails_with(s().create_exercise(drill("x2"), nul), ErrorKind::kBadInput, "actor"));
  EXPECT_TRUE(fails_with(s().set_exercise_participants("x1", {}, nul), ErrorKind::kBadInput, "actor"));
  EXPECT_TRUE(fails_with(s().set_exercise_criteria("x1", "", nul), ErrorKind::kBadInput, "actor"));
  EXPECT_EQ(exercise_dump(s()), before);
}

// --- participants and criteria -------------------------------------------------------------

TEST_P(ExerciseStore, ParticipantsAreReplacedWholeSortedByLoginAndAudited) {
  create("x1");
  const auto created = got(s().get_exercise("x1")).updated_at;
  ASSERT_TRUE(succeeded(
      s().set_exercise_participants("x1", {{"carol", "ot-lead"}, {"alice", "incident-commander"}}, Actor{"user:f"})));
  EXPECT_EQ(got(s().get_exercise("x1")).participants,
            (std::vector<ExerciseParticipant>{{"alice", "incident-commander"}, {"carol", "ot-lead"}}));
  ASSERT_TRUE(succeeded(s().set_exercise_participants("x1", {{"bob", "facilitator"}}, k_actor)));
  auto e = got(s().get_exercise("x1"));
  EXPECT_EQ(e.participants, (std::vector<ExerciseParticipant>{{"bob", "facilitator"}}));
  EXPECT_GE(e.updated_at, created);
  ASSERT_TRUE(succeeded(s().set_exercise_participants("x1", {}, k_actor)));
  EXPECT_TRUE(got(s().get_exercise("x1")).participants.empty());

  auto entries = got(s().list_audit({"exercise", "x1", 0}));
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[1].action, "exercise.participants");
  EXPECT_EQ(entries[1].actor, "user:f");
  EXPECT_EQ(json::parse(entries[1].detail),
            (json{{"participants", json::array({{{"login", "alice"}, {"role", "incident-commander"}},
                                                {{"login", "carol"}, {"role", "ot-lead"}}})}}));
  EXPECT_EQ(json::parse(entries[3].detail), (json{{"participants", json::array()}}));
  EXPECT_EQ(got(s().get_exercise("x1")).updated_at, entries[3].at);
}

TEST_P(ExerciseStore, AnUnknownParticipantLoginIsNotFoundNamingItAndKeepsTheOldList) {
  create("x1");
  ASSERT_TRUE(succeeded(s().set_exercise_participants("x1", {{"alice", "r"}}, k_actor)));
  const auto before = exercise_dump(s());
  auto status = s().set_exercise_participants("x1", {{"bob", "r"}, {"zed", "r"}}, k_actor);
  EXPECT_TRUE(fails_with(status, ErrorKind::kNotFound, "user 'zed' not found"));
  EXPECT_EQ(status.where().field, "participants");
  EXPECT_TRUE(fails_with(s().set_exercise_participants("x1", {{"bob", "r"}, {"bob", "s"}}, k_actor),
                         ErrorKind::kBadInput, "participant 'bob' is listed more than once"));
  EXPECT_TRUE(fails_with(s().set_exercise_participants("x1", {{"bob", ""}}, k_actor), ErrorKind::kBadInput,
                         "participant 'bob' has no role"));
  EXPECT_EQ(exercise_dump(s()), before);
}

TEST_P(ExerciseStore, CriteriaAreReplacedOrClearedAndMustBeAJsonObject) {
  create("x1");
  const std::string criteria = R"({"DP1": {"who": "OT責任者", "conditions": ["安全計装が作動"]}})";
  ASSERT_TRUE(succeeded(s().set_exercise_criteria("x1", criteria, k_actor)));
  EXPECT_EQ(got(s().get_exercise("x1")).criteria, criteria);
  const auto before = exercise_dump(s());
  for (const char* bad : {"[]", "\"text\"", "42", "null", "{\"a\":", "not json"}) {
    auto status = s().set_exercise_criteria("x1", bad, k_actor);
    EXPECT_TRUE(fails_with(status, ErrorKind::kBadInput, "exercise 'x1': the criteria")) << bad;
    EXPECT_EQ(status.where().field, "criteria") << bad;
  }
  EXPECT_EQ(exercise_dump(s()), before);
  ASSERT_TRUE(succeeded(s().set_exercise_criteria("x1", "", k_actor)));
  EXPECT_EQ(got(s().get_exercise("x1")).criteria, "");
  auto entries = got(s().list_audit({"exercise", "x1", 0}));
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[1].action, "exercise.criteria");
  EXPECT_EQ(json::parse(entries[1].detail), (json{{"criteria", json::parse(criteria)}}));
  EXPECT_EQ(json::parse(entries[2].detail), (json{{"criteria", nullptr}}));
}

TEST_P(ExerciseStore, AnEndedExerciseKeepsItsParticipantsAndCriteria) {
  create("x1");
  append("x1", 0, {ev("control", {{"action", "end"}})}, ExerciseState::kEnded);
  const auto before = exercise_dump(s());
  EXPECT_TRUE(fails_with(s().set_exercise_participants("x1", {{"alice", "r"}}, k_actor), ErrorKind::kConflict,
                         "exercise 'x1' has ended"));
  EXPECT_TRUE(
      fails_with(s().set_exercise_criteria("x1", "{}", k_actor), ErrorKind::kConflict, "exercise 'x1' has ended"));
  EXPECT_EQ(exercise_dump(s()), before);
}

// --- the event log ---------------------------------------------------------------------

TEST_P(ExerciseStore, AppendAssignsSeqTimeAndHashesSoThatTheChainVerifies) {
  create("x1");
  auto first = append("x1", 0, varied_events(3));
  auto second = append("x1", 3, varied_events(2, 3));
  ASSERT_EQ(first.size(), 3u);
  ASSERT_EQ(second.size(), 2u);
  auto log = got(s().list_exercise_events("x1"));
  ASSERT_EQ(log.size(), 5u);
  std::vector<ExerciseEvent> returned = first;
  returned.insert(returned.end(), second.begin(), second.end());
  EXPECT_EQ(log, returned) << "append returns the events as stored";
  EXPECT_EQ(model::verify_chain(log), std::nullopt);

  const auto input = varied_events(5);
  std::string prev = k_genesis;
  for (std::size_t i = 0; i < log.size(); ++i) {
    SCOPED_TRACE(i);
    const auto& e = log[i];
    EXPECT_EQ(e.seq, static_cast<std::int64_t>(i) + 1);
    EXPECT_TRUE(is_canonical_time(e.at)) << e.at;
    EXPECT_EQ(e.scenario_ms, input[i].scenario_ms);
    EXPECT_EQ(e.actor, input[i].actor);
    EXPECT_EQ(e.role, input[i].role);
    EXPECT_EQ(e.kind, input[i].kind);
    EXPECT_EQ(e.payload, input[i].payload);
    EXPECT_EQ(e.prev_hash, prev);
    EXPECT_EQ(e.hash, model::event_hash(prev, e));
    if (i > 0) EXPECT_LE(log[i - 1].at, e.at);
    prev = e.hash;
  }
  EXPECT_EQ(first[0].at, first[2].at) << "one call, one time";
  EXPECT_LT(first[2].at, second[0].at);

  auto x = got(s().get_exercise("x1"));
  EXPECT_EQ(x.last_seq, 5);
  EXPECT_EQ(x.last_hash, log.back().hash);
  EXPECT_EQ(x.updated_at, log.back().at);
  EXPECT_EQ(x.state, ExerciseState::kPlanned) << "no new_state, no change";
  EXPECT_EQ(got(s().list_audit({"exercise", "x1", 0})).size(), 1u) << "the log is its own record: no audit entry";
}

TEST_P(ExerciseStore, AStaleExpectedLastSeqIsAConflictAndWritesNothing) {
  create("x1");
  append("x1", 0, varied_events(2));
  const auto before = exercise_dump(s());
  for (std::int64_t stale : {0, 1, 3, -1}) {
    auto r = s().append_exercise_events("x1", stale, varied_events(1, 7), ExerciseState::kRunning);
    EXPECT_TRUE(fails_with(r.status(), ErrorKind::kConflict, "stale")) << stale;
    EXPECT_TRUE(fails_with(r.status(), ErrorKind::kConflict, "exercise 'x1'")) << stale;
  }
  EXPECT_EQ(exercise_dump(s()), before);
  EXPECT_EQ(append("x1", 2, varied_events(1, 7)).at(0).seq, 3);
}

TEST_P(ExerciseStore, AnUnknownKindOrANonCanonicalPayloadIsBadInputNamingTheIndexAndWritesNothing) {
  create("x1");
  append("x1", 0, varied_events(1));
  const auto before = exercise_dump(s());
  auto refused = [&](std::vector<NewExerciseEvent> events, std::string_view field, std::string_view needle) {
    auto r = s().append_exercise_events("x1", 1, events, ExerciseState::kRunning);
    EXPECT_TRUE(fails_with(r.status(), ErrorKind::kBadInput, field)) << field;
    EXPECT_TRUE(fails_with(r.status(), ErrorKind::kBadInput, needle)) << field;
    EXPECT_EQ(r.status().where().field, field);
    EXPECT_EQ(exercise_dump(s()), before) << field;
  };
  auto events = varied_events(4);
  events[1].kind = "gossip";
  refused(events, "events[1].kind", "'gossip' is not an event kind");
  events = varied_events(4);
  events[3].payload = R"({"b":1, "a":2})";
  refused(events, "events[3].payload", "canonical");
  events[3].payload = R"({"b":1,"a":2})";  // keys not sorted
  refused(events, "events[3].payload", "canonical");
  events[3].payload = R"({"text":"\u6d41"})";  // non-ASCII escaped
  refused(events, "events[3].payload", "canonical");
  events[3].payload = "[1,2]";
  refused(events, "events[3].payload", "must be a JSON object");
  events[3].payload = "{\"a\":";
  refused(events, "events[3].payload", "is not JSON");
  events[3].payload = "";
  refused(events, "events[3].payload", "is not JSON");
  events = varied_events(4);
  events[2].actor = std::string("user:\0x", 7);
  refused(events, "events[2].actor", "control character");
  events = varied_events(4);
  events[0].role = "ot\xff";
  refused(events, "events[0].role", "UTF-8");
}

TEST_P(ExerciseStore, TheStateChangesInTheSameCallAsTheEvents) {
  create("x1");
  auto started = append("x1", 0, {ev("control", {{"action", "start"}})}, ExerciseState::kRunning);
  auto x = got(s().get_exercise("x1"));
  EXPECT_EQ(x.state, ExerciseState::kRunning);
  EXPECT_EQ(x.updated_at, started.at(0).at);
  // A state change alone: no event, the log unchanged.
  EXPECT_TRUE(append("x1", 1, {}, ExerciseState::kPaused).empty());
  x = got(s().get_exercise("x1"));
  EXPECT_EQ(x.state, ExerciseState::kPaused);
  EXPECT_EQ(x.last_seq, 1);
  EXPECT_EQ(x.last_hash, started.at(0).hash);
  EXPECT_GE(x.updated_at, started.at(0).at);
  // A refused append changes no state either.
  EXPECT_FALSE(s().append_exercise_events("x1", 0, {ev("note")}, ExerciseState::kRunning).is_ok());
  EXPECT_EQ(got(s().get_exercise("x1")).state, ExerciseState::kPaused);
}

TEST_P(ExerciseStore, AnEndedExerciseTakesOnlyObservationsAndStaysEnded) {
  create("x1");
  append("x1", 0, varied_events(3), ExerciseState::kRunning);
  append("x1", 3, {ev("control", {{"action", "end"}})}, ExerciseState::kEnded);
  const auto before = exercise_dump(s());
  for (const char* kind : {"inject", "report", "decision", "contact", "evidence", "note", "control"}) {
    auto r = s().append_exercise_events("x1", 4, {ev("observation"), ev(kind)}, std::nullopt);
    EXPECT_TRUE(fails_with(r.status(), ErrorKind::kConflict, "exercise 'x1' has ended")) << kind;
    EXPECT_TRUE(fails_with(r.status(), ErrorKind::kConflict, kind)) << kind;
  }
  EXPECT_TRUE(fails_with(s().append_exercise_events("x1", 4, {ev("observation")}, ExerciseState::kRunning).status(),
                         ErrorKind::kConflict, "has ended"));
  EXPECT_EQ(exercise_dump(s()), before);
  // Ratings after the drill.
  auto rated = append("x1", 4, {ev("observation", {{"objective", "O1"}, {"rating", "S"}}, 0, "user:bob", "evaluator")});
  ASSERT_EQ(rated.size(), 1u);
  EXPECT_EQ(rated[0].seq, 5);
  EXPECT_EQ(got(s().get_exercise("x1")).state, ExerciseState::kEnded);
  EXPECT_EQ(model::verify_chain(got(s().list_exercise_events("x1"))), std::nullopt);
}

TEST_P(ExerciseStore, EventTimesNeverDecrease) {
  create("x1");
  std::int64_t last = 0;
  for (int round = 0; round < 30; ++round) {
    last = append("x1", last, varied_events(1 + round % 3, round)).back().seq;
  }
  auto log = got(s().list_exercise_events("x1"));
  ASSERT_EQ(static_cast<std::int64_t>(log.size()), last);
  for (std::size_t i = 1; i < log.size(); ++i) EXPECT_LE(log[i - 1].at, log[i].at) << i;
  EXPECT_EQ(model::verify_chain(log), std::nullopt);
}

TEST_P(ExerciseStore, ListEventsAfterASeqUpToALimitInAscendingOrder) {
  create("x1");
  create("x2");
  append("x1", 0, varied_events(10));
  append("x2", 0, varied_events(3));
  auto seqs = [&](std::int64_t after, std::size_t limit) {
    std::vector<std::int64_t> out;
    for (const auto& e : got(s().list_exercise_events("x1", after, limit))) out.push_back(e.seq);
    return out;
  };
  EXPECT_EQ(seqs(0, 0).size(), 10u);
  EXPECT_EQ(seqs(3, 4), (std::vector<std::int64_t>{4, 5, 6, 7}));
  EXPECT_EQ(seqs(8, 0), (std::vector<std::int64_t>{9, 10}));
  EXPECT_EQ(seqs(8, 100), (std::vector<std::int64_t>{9, 10}));
  EXPECT_EQ(seqs(0, 1), (std::vector<std::int64_t>{1}));
  EXPECT_TRUE(seqs(10, 0).empty());
  EXPECT_TRUE(seqs(99, 5).empty());
  EXPECT_EQ(seqs(-5, 2), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(got(s().list_exercise_events("x2")).size(), 3u) << "each exercise has its own log";
  EXPECT_TRUE(got(s().list_exercise_events("x2", 3)).empty());
}

TEST_P(ExerciseStore, ExercisesOfTheSameScenarioHaveIndependentChains) {
  create("x1");
  create("x2");
  auto a = append("x1", 0, varied_events(2));
  auto b = append("x2", 0, varied_events(2));
  EXPECT_EQ(a[0].prev_hash, k_genesis);
  EXPECT_EQ(b[0].prev_hash, k_genesis);
  EXPECT_EQ(b[0].seq, 1);
  EXPECT_EQ(model::verify_chain(got(s().list_exercise_events("x2"))), std::nullopt);
}

// --- the time rule, shared by every backend (backends.hpp) ------------------------------

TEST(ExerciseEventTime, IsTheClockUnlessThePreviousEventIsNotEarlier) {
  EXPECT_EQ(event_time("2026-11-26T09:00:00.000000Z", ""), "2026-11-26T09:00:00.000000Z");
  EXPECT_EQ(event_time("2026-11-26T09:00:00.000000Z", "2026-11-26T08:59:59.999999Z"), "2026-11-26T09:00:00.000000Z");
  EXPECT_EQ(event_time("2026-11-26T09:00:00.000000Z", "2026-11-26T09:00:00.000000Z"), "2026-11-26T09:00:00.000001Z");
  EXPECT_EQ(event_time("2026-11-26T09:00:00.000000Z", "2100-01-01T23:59:59.999999Z"), "2100-01-02T00:00:00.000000Z");
}

// --- the SQL backends: raw access, racing writers, tampering -----------------------------

// One statement on the database behind `url`, straight through the SQLite C
// API or libpq (never through kunren), with optional text parameters.
void raw_exec(const std::string& url, const std::string& sql, const std::vector<std::string>& params = {}) {
  if (url.rfind("sqlite:", 0) == 0) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(sqlite_path_of(url).c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    for (std::size_t i = 0; i < params.size(); ++i) {
      sqlite3_bind_text(stmt, static_cast<int>(i) + 1, params[i].data(), static_cast<int>(params[i].size()),
                        SQLITE_TRANSIENT);
    }
    const int rc = sqlite3_step(stmt);
    EXPECT_EQ(rc, SQLITE_DONE) << sql << ": " << sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return;
  }
  PGconn* conn = PQconnectdb(url.c_str());
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  PGresult* res =
      PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
  EXPECT_EQ(PQresultStatus(res), PGRES_COMMAND_OK) << sql << ": " << PQresultErrorMessage(res);
  PQclear(res);
  PQfinish(conn);
}

// SQL placeholders: `?1` on SQLite, `$1` on PostgreSQL.
std::string placeholder(const std::string& url, int n) {
  return (url.rfind("sqlite:", 0) == 0 ? "?" : "$") + std::to_string(n);
}

void drop_append_only_triggers(const std::string& url) {
  if (url.rfind("sqlite:", 0) == 0) {
    raw_exec(url, "DROP TRIGGER exercise_event_no_update");
    raw_exec(url, "DROP TRIGGER exercise_event_no_delete");
  } else {
    raw_exec(url, "DROP TRIGGER exercise_event_append_only ON exercise_event");
  }
}

// The log of exercise "x1" read back through a new Store.
std::vector<ExerciseEvent> events_of_url(const std::string& url) {
  auto opened = open_store(url);
  EXPECT_TRUE(opened.is_ok()) << opened.status().to_string();
  if (!opened) return {};
  return got((*opened)->list_exercise_events("x1"));
}

class ExerciseSql : public ::testing::TestWithParam<std::string> {
 protected:
  ExerciseSql() : m_stores(GetParam()) {}

  // A new database with org-a and exercise "x1" holding `events` events.
  std::string database_with_log(std::size_t events) {
    const std::string url = m_stores.new_url();
    auto opened = FreshStores::open(url);
    EXPECT_TRUE(opened.is_ok()) << opened.status().to_string();
    if (!opened) return url;
    Store& s = **opened;
    EXPECT_TRUE(succeeded(s.put_orgs({{"org-a", "A", {}, {}, {}, {}}}, k_actor)));
    EXPECT_TRUE(succeeded(s.create_exercise(drill("x1"), k_actor)));
    std::int64_t last = 0;
    for (std::size_t i = 0; i < events; i += 4) {
      auto r = s.append_exercise_events("x1", last, varied_events(std::min<std::size_t>(4, events - i), i),
                                        ExerciseState::kRunning);
      EXPECT_TRUE(r.is_ok()) << r.status().to_string();
      if (r) last = r->back().seq;
    }
    return url;
  }

  static std::vector<ExerciseEvent> events_of(const std::string& url) { return events_of_url(url); }

  FreshStores m_stores;
};

INSTANTIATE_TEST_SUITE_P(Backends, ExerciseSql, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(ExerciseSql, TheLogRefusesUpdateAndDeleteWithTriggers) {
  const std::string url = database_with_log(3);
  auto db = GetParam() == "sqlite" ? sql::open_sqlite_connection(sqlite_path_of(url), false, 2000)
                                   : sql::open_postgres_connection(url, 5);
  ASSERT_TRUE(db.is_ok()) << db.status().to_string();
  for (const char* statement : {"UPDATE exercise_event SET actor = 'x'", "DELETE FROM exercise_event"}) {
    auto status = (*db)->exec(statement);
    EXPECT_FALSE(status.is_ok()) << statement;
    EXPECT_NE(status.message().find("append-only"), std::string::npos) << statement << ": " << status.message();
  }
  EXPECT_EQ(events_of(url).size(), 3u);
}

// Two Store objects (two connections) race for the end of one log: exactly
// one append with a given expected_last_seq succeeds; every other one is
// told "stale" (SQLite may also say "busy"); and writers that reload and
// retry build one unbroken chain with every acknowledged event in it.
TEST_P(ExerciseSql, WritersExpectingTheSameLogEndCannotBothSucceed) {
  const std::string url = database_with_log(0);
  constexpr std::size_t k_writers = 6, k_rounds = 15;
  std::vector<std::unique_ptr<Store>> own;
  for (std::size_t w = 0; w < k_writers; ++w) {
    auto opened = open_store(url);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    own.push_back(std::move(opened).value());
  }
  // Everyone expects the empty log at once.
  {
    std::latch start(static_cast<std::ptrdiff_t>(k_writers));
    std::mutex mutex;
    std::size_t won = 0;
    std::vector<std::string> others;
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < k_writers; ++w) {
      threads.emplace_back([&, w] {
        start.arrive_and_wait();
        auto r = own[w]->append_exercise_events("x1", 0, {ev("note", {{"writer", w}})}, std::nullopt);
        std::lock_guard lock(mutex);
        if (r) {
          ++won;
        } else {
          others.push_back(r.status().to_string());
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(won, 1u);
    for (const auto& message : others) {
      EXPECT_TRUE(message.find("stale") != std::string::npos || message.find("busy") != std::string::npos) << message;
    }
    ASSERT_EQ(events_of(url).size(), 1u);
  }
  // Then each writer reloads and retries until its events are in.
  std::latch start(static_cast<std::ptrdiff_t>(k_writers));
  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < k_writers; ++w) {
    threads.emplace_back([&, w] {
      start.arrive_and_wait();
      for (std::size_t round = 0; round < k_rounds; ++round) {
        const std::string tag = fmt::format("{}-{}", w, round);
        for (int attempt = 0; attempt < 1000; ++attempt) {
          auto x = own[w]->get_exercise("x1");
          if (!x) continue;
          auto r = own[w]->append_exercise_events("x1", x->last_seq, {ev("note", {{"tag", tag}})}, std::nullopt);
          std::lock_guard lock(mutex);
          if (r) {
            acknowledged.insert(r->at(0).payload);
            break;
          }
          const std::string message = r.status().to_string();
          if (message.find("stale") == std::string::npos && message.find("busy") == std::string::npos) {
            failures.push_back(message);
            break;
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  own.clear();
  EXPECT_TRUE(failures.empty()) << failures.front();
  auto log = events_of(url);
  EXPECT_EQ(log.size(), 1 + k_writers * k_rounds);
  EXPECT_EQ(model::verify_chain(log), std::nullopt);
  std::set<std::string> stored;
  for (const auto& e : log) stored.insert(e.payload);
  for (const auto& payload : acknowledged) EXPECT_EQ(stored.count(payload), 1u) << payload;
  EXPECT_EQ(acknowledged.size(), k_writers * k_rounds);
  if (GetParam() == "sqlite") EXPECT_EQ(kunren::testing::sqlite_integrity_check(sqlite_path_of(url)), "ok");
}

// A log whose last event carries a time ahead of this host's clock (a fast
// clock elsewhere): the next events still come after it.
TEST_P(ExerciseSql, EventTimesFollowTheLogEvenWhenTheClockIsBehind) {
  const std::string url = database_with_log(3);
  drop_append_only_triggers(url);
  raw_exec(url, "UPDATE exercise_event SET at = '2100-01-01T00:00:00.000000Z' WHERE exercise_id = 'x1' AND seq = 3");
  auto opened = open_store(url);
  ASSERT_TRUE(opened.is_ok());
  auto r = (*opened)->append_exercise_events("x1", 3, varied_events(2, 3), std::nullopt);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).at, "2100-01-01T00:00:00.000001Z");
  EXPECT_EQ(r->at(1).at, "2100-01-01T00:00:00.000001Z");
  EXPECT_EQ(got((*opened)->get_exercise("x1")).updated_at, "2100-01-01T00:00:00.000001Z");
}

// One byte of one column of one stored event, changed in the database
// itself: verify_chain names exactly that event.
class ExerciseTamper : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {
 protected:
  ExerciseTamper() : m_stores(std::get<0>(GetParam())) {}
  FreshStores m_stores;
};

INSTANTIATE_TEST_SUITE_P(Backends, ExerciseTamper,
                         ::testing::Combine(::testing::Values("sqlite", "postgresql"),
                                            ::testing::Values("payload", "at", "actor", "kind", "hash", "prev_hash",
                                                              "scenario_ms")),
                         [](const auto& info) { return std::get<0>(info.param) + "_" + std::get<1>(info.param); });

TEST_P(ExerciseTamper, OneChangedByteInAnyColumnIsNamedBySeq) {
  const std::string column = std::get<1>(GetParam());
  const std::string url = m_stores.new_url();
  constexpr std::int64_t k_victim = 13;
  std::vector<ExerciseEvent> before;
  {
    auto opened = FreshStores::open(url);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    Store& s = **opened;
    ASSERT_TRUE(succeeded(s.put_orgs({{"org-a", "A", {}, {}, {}, {}}}, k_actor)));
    ASSERT_TRUE(succeeded(s.create_exercise(drill("x1"), k_actor)));
    std::int64_t last = 0;
    for (std::size_t i = 0; i < 20; i += 5)
      last = got(s.append_exercise_events("x1", last, varied_events(5, i), {})).back().seq;
    ASSERT_EQ(last, 20);
    before = got(s.list_exercise_events("x1"));
    ASSERT_EQ(model::verify_chain(before), std::nullopt);
  }
  const ExerciseEvent& victim = before.at(k_victim - 1);
  std::string value;
  if (column == "payload") value = victim.payload;
  if (column == "at") value = victim.at;
  if (column == "actor") value = victim.actor;
  if (column == "kind") value = victim.kind;
  if (column == "hash") value = victim.hash;
  if (column == "prev_hash") value = victim.prev_hash;
  if (column == "scenario_ms") value = std::to_string(victim.scenario_ms);
  ASSERT_FALSE(value.empty());
  // One byte: a digit of a number or a time, a hex digit, or an ASCII
  // letter of a text (the payload's JSON stays valid and canonical).
  std::size_t pos = column == "payload" ? value.find("HMI") : value.size() - 2;
  ASSERT_NE(pos, std::string::npos);
  char& byte = value[pos];
  byte = byte == '9' ? '8' : (byte == 'f' ? 'e' : static_cast<char>(byte + 1));

  drop_append_only_triggers(url);
  const std::string cast = column == "scenario_ms" && std::get<0>(GetParam()) == "postgresql" ? "::bigint" : "";
  raw_exec(url,
           fmt::format("UPDATE exercise_event SET {} = {}{} WHERE exercise_id = 'x1' AND seq = {}", column,
                       placeholder(url, 1), cast, k_victim),
           {value});
  auto after = events_of_url(url);
  ASSERT_EQ(after.size(), 20u);
  auto broken = model::verify_chain(after);
  ASSERT_TRUE(broken.has_value()) << column << " changed to " << value;
  EXPECT_EQ(broken->seq, k_victim) << column << ": " << broken->reason;
}

// An event deleted from the middle of the log is named as missing.
TEST_P(ExerciseSql, ADeletedMiddleEventIsNamedAsMissing) {
  const std::string url = database_with_log(20);
  drop_append_only_triggers(url);
  raw_exec(url, "DELETE FROM exercise_event WHERE exercise_id = 'x1' AND seq = 10");
  auto log = events_of(url);
  ASSERT_EQ(log.size(), 19u);
  auto broken = model::verify_chain(log);
  ASSERT_TRUE(broken.has_value());
  EXPECT_EQ(broken->seq, 10);
  EXPECT_NE(broken->reason.find("missing"), std::string::npos) << broken->reason;
}

}  // namespace
}  // namespace kunren::store
