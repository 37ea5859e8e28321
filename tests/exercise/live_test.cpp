// LiveExercise and ExerciseRegistry on both SQL backends: commands are stored
// and folded in one cycle, announcements follow seq order, two servers on
// one database take turns (the stale one catches up and retries), a
// registry reloads a drill from its log, and visibility per role.
#include <gtest/gtest.h>

#include <kunren/exercise/live.hpp>
#include <kunren/io/scenario_io.hpp>
#include <kunren/model/exercise.hpp>

#include "../store/store_testing.hpp"
#include "../test_support.hpp"
#include "exercise_testing.hpp"

namespace kunren::exercise {
namespace {

using nlohmann::json;

class LiveTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    url = stores.new_url();
    auto first = kunren::testing::FreshStores::open(url);
    ASSERT_TRUE(first.is_ok()) << first.status().to_string();
    a = std::move(first).value();
    b = std::move(store::open_store(url)).value();
    const store::Actor actor{"test"};
    ASSERT_TRUE(a->put_orgs({{"org", "Org", "", "", {}, {}}}, actor).is_ok());
    const auto scenario = testing::small_scenario();
    store::ExerciseRecord r;
    r.id = "x";
    r.title = "x";
    r.org = "org";
    r.scenario_id = scenario.id;
    r.scenario_version = scenario.version;
    r.scenario_content = io::scenario_content_json(scenario);
    r.scenario_sha256 = io::scenario_content_hash(scenario);
    ASSERT_TRUE(a->create_exercise(r, actor).is_ok());
  }
  ExerciseRegistry::ScenarioParser parser() {
    return [](const std::string& content, const std::string& name) { return io::parse_scenario(content, name); };
  }

  kunren::testing::FreshStores stores{GetParam()};
  std::string url;
  std::unique_ptr<store::Store> a, b;
  FakeClock clock;
};

TEST_P(LiveTest, CommandsAreStoredFoldedAndAnnouncedInOrder) {
  std::vector<std::int64_t> announced;
  ExerciseRegistry registry(clock, parser(),
                            [&](const LiveExercise&, const Engine& e, const std::vector<model::ExerciseEvent>& events) {
                              for (const auto& ev : events) announced.push_back(ev.seq);
                              // Announced after folding: the engine already has them.
                              EXPECT_EQ(e.state().last_seq, events.back().seq);
                            });
  auto got = registry.get(*a, "x");
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  auto live = got.value();
  ASSERT_TRUE(live->run(*a, [](Engine& e) { return e.control("u", {{"action", "start"}}); }).is_ok());
  EXPECT_EQ(registry.tick_running(*a, {}), 1u);  // INJ-1 at +00:00
  auto stored = live->run(*a, [](Engine& e) { return e.act("u", "production", "note", {{"text", "hi"}}); });
  ASSERT_TRUE(stored.is_ok());
  EXPECT_EQ(announced, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(a->get_exercise("x").value().state, model::ExerciseState::kRunning);
  EXPECT_FALSE(model::verify_chain(a->list_exercise_events("x").value()));
  // A refused command stores nothing and announces nothing.
  auto refused = live->run(*a, [](Engine& e) { return e.act("u", "production", "note", {{"text", ""}}); });
  EXPECT_EQ(refused.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(a->list_exercise_events("x").value().size(), 3u);
  EXPECT_EQ(announced.size(), 3u);
}

TEST_P(LiveTest, TwoServersOnOneDatabaseTakeTurnsWithoutLosingAnEvent) {
  ExerciseRegistry one(clock, parser()), two(clock, parser());
  auto first = one.get(*a, "x").value();
  auto second = two.get(*b, "x").value();
  ASSERT_TRUE(first->run(*a, [](Engine& e) { return e.control("u", {{"action", "start"}}); }).is_ok());
  // The second server has not seen the start: its first attempt is stale,
  // it folds the start, and its note goes in after it.
  std::vector<std::int64_t> caught_up;
  second->set_listener([&](const LiveExercise&, const Engine&, const std::vector<model::ExerciseEvent>& events) {
    for (const auto& ev : events) caught_up.push_back(ev.seq);
  });
  auto note = second->run(*b, [](Engine& e) { return e.act("u", "production", "note", {{"text", "from two"}}); });
  ASSERT_TRUE(note.is_ok()) << note.status().to_string();
  EXPECT_EQ(note->front().seq, 2);
  EXPECT_EQ(caught_up, (std::vector<std::int64_t>{1, 2})) << "the missed start is announced too";
  ASSERT_TRUE(first->catch_up(*a).is_ok());
  first->with_state([](const Engine& e) { EXPECT_EQ(e.state().notes.size(), 1u); });
  EXPECT_FALSE(model::verify_chain(a->list_exercise_events("x").value()));
}

TEST_P(LiveTest, ARegistryReloadsADrillFromItsLog) {
  {
    ExerciseRegistry registry(clock, parser());
    auto live = registry.get(*a, "x").value();
    ASSERT_TRUE(live->run(*a, [](Engine& e) { return e.control("u", {{"action", "start"}, {"speed", 10}}); }).is_ok());
    clock.advance(std::chrono::seconds(90));  // +15:00
    registry.tick_running(*a, {});
    ASSERT_TRUE(live->run(*a, [](Engine& e) { return e.act("u", "production", "report", {{"what", "HMI"}}); }).is_ok());
  }
  ExerciseRegistry again(clock, parser());
  auto live = again.get(*b, "x").value();
  live->with_state([](const Engine& e) {
    EXPECT_EQ(e.state().delivered.size(), 3u);  // INJ-1, INJ-2, INJ-3
    EXPECT_EQ(e.state().reports.size(), 1u);
    EXPECT_EQ(e.now_ms(), 15 * 60'000);
  });
  EXPECT_EQ(again.get(*b, "nope").status().kind(), ErrorKind::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, LiveTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(Visibility, RolesSeeTheirInjectsTheTeamsActionsAndNoObservations) {
  auto event = [](const std::string& kind, const json& payload) {
    model::ExerciseEvent e;
    e.kind = kind;
    e.payload = model::canonical_json(payload);
    return e;
  };
  const auto to_prod = event("inject", {{"inject", "I"}, {"to", {"production"}}});
  const auto broadcast = event("inject", {{"inject", "I"}, {"to", json::array()}});
  EXPECT_TRUE(visible_to(to_prod, "production"));
  EXPECT_FALSE(visible_to(to_prod, "maintenance"));
  EXPECT_TRUE(visible_to(to_prod, "facilitator"));
  EXPECT_TRUE(visible_to(broadcast, "maintenance"));
  EXPECT_FALSE(visible_to(event("observation", {{"rating", "P"}}), "production"));
  EXPECT_TRUE(visible_to(event("report", {{"op", "file"}}), "maintenance"));
  EXPECT_TRUE(visible_to(event("control", {{"action", "pause"}}), "maintenance"));
  EXPECT_FALSE(visible_to(event("control", {{"action", "contingency-skipped"}}), "maintenance"));
}

}  // namespace
}  // namespace kunren::exercise
