// Crash safety of the SQL stores: a process killed (SIGKILL, no chance to
// clean up) in the middle of importing 1,000 organisations × 75 answers
// leaves a sound database holding either the whole import or none of it, and
// the next import works. The child process kills itself from the progress
// callback at a chosen revision, so the moment is exact and no test sleeps.
#include <algorithm>
#include <csignal>
#include <string>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <kunren/store/store.hpp>
#include <kunren/util/sha256.hpp>

#include "store_testing.hpp"

namespace kunren::store {
namespace {

using kunren::testing::factory_checklist;
using kunren::testing::FreshStores;
using kunren::testing::record_of;

constexpr std::size_t k_orgs = 1000;
// Where the child dies: after revision k of the import (k_orgs is the last
// progress call, still inside the transaction), or k_after_return: after
// append_revisions() returned, i.e. after the commit.
constexpr std::size_t k_after_return = 0;

struct CrashCase {
  std::string backend;
  std::size_t kill_at;
};

std::string case_name(const ::testing::TestParamInfo<CrashCase>& info) {
  if (info.param.kill_at == k_after_return) return info.param.backend + "_killed_after_commit";
  return fmt::format("{}_killed_at_revision_{}", info.param.backend, info.param.kill_at);
}

std::string org_id(std::size_t i) { return fmt::format("org{:04}", i); }

std::vector<NewRevision> full_import() {
  std::vector<NewRevision> out;
  const auto& c = factory_checklist();
  for (std::size_t o = 0; o < k_orgs; ++o) {
    NewRevision r{org_id(o), RevisionState::kSubmitted, {}};
    for (std::size_t i = 0; i < c.items.size(); ++i) {
      auto k = c.items[i].choices.size();
      r.answers.push_back({c.items[i].id, static_cast<std::uint8_t>(1 + (o * 7 + i * 3) % k),
                           i == 0 ? "組織 " + std::to_string(o) + " の所見" : std::string()});
    }
    out.push_back(std::move(r));
  }
  return out;
}

class StoreCrash : public ::testing::TestWithParam<CrashCase> {
 protected:
  StoreCrash() : m_stores(GetParam().backend) {}

  void SetUp() override {
    m_url = m_stores.new_url();
    auto opened = FreshStores::open(m_url);
    ASSERT_TRUE(opened) << opened.status().to_string();
    auto& s = **opened;
    const Actor actor{"cli:test"};
    std::vector<OrgRecord> orgs;
    for (std::size_t i = 0; i < k_orgs; ++i) orgs.push_back({org_id(i), "会社 " + std::to_string(i), {}, {}, {}, {}});
    ASSERT_TRUE(kunren::testing::succeeded(s.put_orgs(orgs, actor)));
    ASSERT_TRUE(kunren::testing::succeeded(s.put_checklist(record_of(factory_checklist(), true), actor)));
    CampaignRecord c;
    c.id = "c";
    c.checklist_id = factory_checklist().id;
    c.checklist_version = factory_checklist().version;
    ASSERT_TRUE(kunren::testing::succeeded(s.create_campaign(c, actor)));
    ASSERT_TRUE(kunren::testing::succeeded(s.set_campaign_state("c", CampaignState::kOpen, actor)));
    m_import.filename = "answers.csv";
    m_import.sha256 = util::sha256_hex("answers.csv bytes");
  }

  std::unique_ptr<Store> reopen() {
    auto opened = open_store(m_url);
    if (!opened) {
      ADD_FAILURE() << "cannot reopen " << m_url << ": " << opened.status().to_string();
      return nullptr;
    }
    return std::move(opened).value();
  }

  void expect_sound_file() {
    if (GetParam().backend == "sqlite") {
      EXPECT_EQ(kunren::testing::sqlite_integrity_check(kunren::testing::sqlite_path_of(m_url)), "ok");
    }
  }

  FreshStores m_stores;
  std::string m_url;
  ImportRecord m_import;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreCrash,
                         ::testing::Values(CrashCase{"sqlite", 1}, CrashCase{"sqlite", 37}, CrashCase{"sqlite", 500},
                                           CrashCase{"sqlite", 999}, CrashCase{"sqlite", k_orgs},
                                           CrashCase{"sqlite", k_after_return}, CrashCase{"postgresql", 1},
                                           CrashCase{"postgresql", 37}, CrashCase{"postgresql", 500},
                                           CrashCase{"postgresql", 999}, CrashCase{"postgresql", k_orgs},
                                           CrashCase{"postgresql", k_after_return}),
                         case_name);

TEST_P(StoreCrash, AnImportKilledMidwayLeavesAllOrNothingAndTheNextImportWorks) {
  const std::size_t kill_at = GetParam().kill_at;
  const auto revisions = full_import();

  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    // The child: its own connection, the import, and death at the chosen point.
    auto opened = open_store(m_url);
    if (!opened) _exit(20);
    AppendOptions options;
    options.progress = [kill_at](std::size_t done, std::size_t) {
      if (done == kill_at) raise(SIGKILL);
    };
    auto r = (*opened)->append_revisions("c", revisions, &m_import, Actor{"import:answers.csv"}, options);
    if (!r) _exit(21);
    if (kill_at == k_after_return) raise(SIGKILL);
    _exit(22);  // the progress callback never reached kill_at
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child was not killed; it exited with "
                                   << (WIFEXITED(status) ? WEXITSTATUS(status) : -1)
                                   << " (20: cannot open, 21: import failed, 22: never reached the kill point)";
  ASSERT_EQ(WTERMSIG(status), SIGKILL);

  expect_sound_file();
  auto store = reopen();
  ASSERT_NE(store, nullptr);
  LatestQuery any;
  any.state = std::nullopt;
  auto latest = store->latest_revisions("c", any);
  ASSERT_TRUE(latest) << latest.status().to_string();
  auto imports = store->list_imports("c");
  ASSERT_TRUE(imports) << imports.status().to_string();
  auto audit = store->list_audit({"campaign", "c", 0});
  ASSERT_TRUE(audit) << audit.status().to_string();
  std::size_t import_entries = 0;
  for (const auto& e : *audit) import_entries += e.action == "revision.import" ? 1 : 0;

  const bool committed = kill_at == k_after_return;
  if (committed) {
    ASSERT_EQ(latest->size(), k_orgs) << "the whole import";
    for (std::size_t i = 0; i < k_orgs; ++i) {
      auto expected = revisions[i].answers;
      std::sort(expected.begin(), expected.end(), [](const Answer& a, const Answer& b) { return a.item < b.item; });
      EXPECT_EQ((*latest)[i].answers, expected) << org_id(i);
    }
    ASSERT_EQ(imports->size(), 1u);
    EXPECT_EQ((*imports)[0].revisions, static_cast<std::int64_t>(k_orgs));
    EXPECT_EQ(import_entries, 1u);
  } else {
    EXPECT_EQ(latest->size(), 0u) << "none of the import";
    EXPECT_TRUE(imports->empty());
    EXPECT_EQ(import_entries, 0u);
    auto found = store->find_import("c", m_import.sha256);
    ASSERT_TRUE(found);
    EXPECT_FALSE(found->has_value());
  }

  // The next full import goes through.
  auto again = store->append_revisions("c", revisions, &m_import, Actor{"import:answers.csv"});
  ASSERT_TRUE(again) << again.status().to_string();
  EXPECT_EQ(again->created, committed ? 0u : k_orgs);
  EXPECT_EQ(again->unchanged, committed ? k_orgs : 0u);
  auto after = store->latest_revisions("c");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->size(), k_orgs);
  for (const auto& r : *after) EXPECT_EQ(r.no, 1) << r.org;
  store.reset();
  expect_sound_file();
}

}  // namespace
}  // namespace kunren::store
