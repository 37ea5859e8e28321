// Several writers on one database at once. SQLite: two processes importing
// into one file (into different campaigns and into the same one), and a
// writer kept waiting past its busy timeout. Both backends: eight threads,
// each with its own Store, appending to overlapping organisations of one
// campaign. In every case each call either succeeds or fails cleanly (SQLite
// may say "busy"), nothing that reported success is lost, and revision
// numbers stay 1..n per organisation. Writers start together through pipes
// or a latch; no test sleeps.
#include <fstream>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

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

using kunren::testing::FreshStores;
using kunren::testing::mini_checklist;
using kunren::testing::record_of;

const Actor k_actor{"cli:test"};

std::string org_id(std::size_t i) { return fmt::format("org{:03}", i); }

// Orgs org000..org{n-1} and open campaigns on the mini checklist.
void seed(Store& s, std::size_t orgs, const std::vector<std::string>& campaigns) {
  std::vector<OrgRecord> records;
  for (std::size_t i = 0; i < orgs; ++i) records.push_back({org_id(i), "会社", {}, {}, {}, {}});
  ASSERT_TRUE(kunren::testing::succeeded(s.put_orgs(records, k_actor)));
  ASSERT_TRUE(kunren::testing::succeeded(s.put_checklist(record_of(mini_checklist()), k_actor)));
  for (const auto& id : campaigns) {
    CampaignRecord c;
    c.id = id;
    c.checklist_id = "mini";
    c.checklist_version = "1";
    ASSERT_TRUE(kunren::testing::succeeded(s.create_campaign(c, k_actor)));
    ASSERT_TRUE(kunren::testing::succeeded(s.set_campaign_state(id, CampaignState::kOpen, k_actor)));
  }
}

// Answers that differ for every (writer, round), so that nothing is skipped
// as unchanged.
NewRevision revision_of(const std::string& org, std::size_t writer, std::size_t round) {
  return NewRevision{org,
                     RevisionState::kSubmitted,
                     {{"Q1", static_cast<std::uint8_t>(1 + (writer + round) % 4), {}},
                      {"Q2", 0, fmt::format("writer {} round {}", writer, round)}}};
}

bool is_clean_busy(const Status& s) {
  return s.kind() == ErrorKind::kIo && s.message().find("busy") != std::string::npos;
}

// Every organisation's revisions in `campaign` are numbered 1..n, and their
// ids are exactly those acknowledged to writers.
void expect_exactly(Store& s, const std::string& campaign, std::size_t orgs,
                    const std::map<std::string, std::set<std::int64_t>>& acknowledged) {
  for (std::size_t i = 0; i < orgs; ++i) {
    const std::string org = org_id(i);
    auto history = s.revision_history(campaign, org);
    ASSERT_TRUE(history) << history.status().to_string();
    std::set<std::int64_t> ids;
    for (std::size_t n = 0; n < history->size(); ++n) {
      EXPECT_EQ((*history)[n].no, static_cast<int>(n) + 1) << campaign << " " << org << ": no gaps, no duplicates";
      ids.insert((*history)[n].id);
    }
    auto it = acknowledged.find(org);
    EXPECT_EQ(ids, it == acknowledged.end() ? std::set<std::int64_t>() : it->second) << campaign << " " << org;
  }
}

// --- two processes, one SQLite file ----------------------------------------------------

struct TwoWriters {
  std::string name;
  std::string campaign_a, campaign_b;
};

class SqliteTwoProcesses : public ::testing::TestWithParam<TwoWriters> {};

INSTANTIATE_TEST_SUITE_P(Sqlite, SqliteTwoProcesses,
                         ::testing::Values(TwoWriters{"different_campaigns", "c1", "c2"},
                                           TwoWriters{"same_campaign", "c1", "c1"}),
                         [](const auto& info) { return info.param.name; });

constexpr std::size_t k_process_orgs = 100;
constexpr std::size_t k_process_rounds = 10;

// The pipes between the parent and the two writers.
struct Pipes {
  int ready[2];    // writers → parent: opened
  int go[2];       // parent → writers: start
  int turn[2][2];  // turn[w]: the other writer → writer w: "I am inside my transaction; start yours"
};

// The child `writer`: after the go, imports k_process_rounds times. Writer 0
// starts; each then begins its next import only once the other is inside a
// transaction (told from the progress callback), so every import of one
// contends with an import of the other that holds the write lock. Writes one
// line per import to `report` ("ok IMPORT_ID CREATED SHA" or "busy|error KIND
// MESSAGE") and exits 0, or exits non-zero if it could not even start.
[[noreturn]] void import_as_child(const std::string& url, const std::string& campaign, std::size_t writer,
                                  const Pipes& p, const std::string& report) {
  auto opened = open_store(url);
  if (!opened) _exit(20);
  std::vector<std::vector<NewRevision>> rounds(k_process_rounds);
  for (std::size_t r = 0; r < k_process_rounds; ++r) {
    for (std::size_t o = 0; o < k_process_orgs; ++o) rounds[r].push_back(revision_of(org_id(o), writer, r));
  }
  const int my_turn = p.turn[writer][0];
  const int other_turn = p.turn[1 - writer][1];
  char byte = 'r';
  if (write(p.ready[1], &byte, 1) != 1 || read(p.go[0], &byte, 1) != 1) _exit(21);
  std::ostringstream out;
  for (std::size_t r = 0; r < k_process_rounds; ++r) {
    if ((writer != 0 || r != 0) && read(my_turn, &byte, 1) != 1) _exit(22);
    bool told = false;
    auto tell = [&] {
      if (!told && write(other_turn, "t", 1) != 1) _exit(23);
      told = true;
    };
    AppendOptions options;
    options.progress = [&](std::size_t, std::size_t) { tell(); };
    ImportRecord source;
    source.filename = fmt::format("writer{}-round{}.csv", writer, r);
    source.sha256 = util::sha256_hex(source.filename);
    auto result = (*opened)->append_revisions(campaign, rounds[r], &source, Actor{source.filename}, options);
    tell();  // if it failed before writing anything
    if (result) {
      out << "ok " << result->import_id << ' ' << result->created << ' ' << source.sha256 << '\n';
    } else {
      out << (is_clean_busy(result.status()) ? "busy " : "error ") << error_code_name(result.status().kind()) << ' '
          << result.status().message() << '\n';
    }
  }
  FILE* f = fopen(report.c_str(), "w");
  if (f == nullptr) _exit(24);
  fputs(out.str().c_str(), f);
  fclose(f);
  _exit(0);
}

TEST_P(SqliteTwoProcesses, EachImportFinishesOrFailsBusyAndNothingAcknowledgedIsLost) {
  FreshStores stores("sqlite");
  const std::string url = stores.new_url();
  {
    auto opened = FreshStores::open(url);
    ASSERT_TRUE(opened) << opened.status().to_string();
    ASSERT_NO_FATAL_FAILURE(seed(**opened, k_process_orgs, {"c1", "c2"}));
  }
  const std::vector<std::string> campaigns = {GetParam().campaign_a, GetParam().campaign_b};
  Pipes p;
  for (int* fds : {p.ready, p.go, p.turn[0], p.turn[1]}) ASSERT_EQ(pipe(fds), 0);
  std::vector<pid_t> children;
  std::vector<std::string> reports;
  for (std::size_t w = 0; w < 2; ++w) {
    reports.push_back(stores.dir().path(fmt::format("writer{}.txt", w)));
    pid_t pid = fork();
    ASSERT_NE(pid, -1);
    if (pid == 0) import_as_child(url, campaigns[w], w, p, reports[w]);
    children.push_back(pid);
  }
  char bytes[2];
  bool started = read(p.ready[0], bytes, 1) == 1 && read(p.ready[0], bytes + 1, 1) == 1;
  bool released = write(p.go[1], "gg", 2) == 2;  // both start now
  for (int* fds : {p.ready, p.go, p.turn[0], p.turn[1]}) close(fds[0]), close(fds[1]);
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "writer process failed: " << (WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status));
  }
  ASSERT_TRUE(started && released);

  EXPECT_EQ(kunren::testing::sqlite_integrity_check(kunren::testing::sqlite_path_of(url)), "ok");
  auto opened = open_store(url);
  ASSERT_TRUE(opened) << opened.status().to_string();
  auto& s = **opened;
  std::map<std::string, std::size_t> imports_ok;
  std::size_t busy = 0;
  std::vector<std::int64_t> first_id(2, 0), last_id(2, 0);
  for (std::size_t w = 0; w < 2; ++w) {
    std::ifstream in(reports[w]);
    std::string line;
    std::size_t lines = 0;
    while (std::getline(in, line)) {
      ++lines;
      std::istringstream fields(line);
      std::string word;
      fields >> word;
      if (word == "busy") {
        ++busy;
        continue;
      }
      ASSERT_EQ(word, "ok") << "writer " << w << ": " << line;
      std::int64_t import_id = 0;
      std::size_t created = 0;
      std::string sha;
      fields >> import_id >> created >> sha;
      EXPECT_EQ(created, k_process_orgs);
      auto found = s.find_import(campaigns[w], sha);
      ASSERT_TRUE(found) << found.status().to_string();
      ASSERT_TRUE(found->has_value()) << "acknowledged import " << import_id << " is missing";
      EXPECT_EQ((*found)->id, import_id);
      EXPECT_EQ((*found)->revisions, static_cast<std::int64_t>(k_process_orgs));
      ++imports_ok[campaigns[w]];
      if (first_id[w] == 0) first_id[w] = import_id;
      last_id[w] = import_id;
    }
    EXPECT_EQ(lines, k_process_rounds) << "writer " << w << " reported every import";
  }
  RecordProperty("busy_failures", static_cast<int>(busy));
  // Import ids are store-wide: each writer's first import came before the
  // other's last, so the two really ran side by side (the pipes make them).
  if (busy == 0) {
    ASSERT_GE(k_process_rounds, 2u);
    EXPECT_TRUE(first_id[0] < last_id[1] && first_id[1] < last_id[0]) << "the writers did not overlap";
  }
  // Revisions of acknowledged imports are all there and numbered 1..n.
  for (const std::string& campaign : {std::string("c1"), std::string("c2")}) {
    auto imports = s.list_imports(campaign);
    ASSERT_TRUE(imports);
    EXPECT_EQ(imports->size(), imports_ok[campaign]) << campaign << ": no import that failed left a record";
    std::set<std::int64_t> import_ids;
    for (const auto& i : *imports) import_ids.insert(i.id);
    for (std::size_t o = 0; o < k_process_orgs; ++o) {
      auto history = s.revision_history(campaign, org_id(o));
      ASSERT_TRUE(history);
      ASSERT_EQ(history->size(), imports_ok[campaign]) << campaign << " " << org_id(o);
      for (std::size_t n = 0; n < history->size(); ++n) {
        EXPECT_EQ((*history)[n].no, static_cast<int>(n) + 1);
        EXPECT_EQ(import_ids.count((*history)[n].import_id), 1u);
      }
    }
  }
}

TEST(SqliteBusy, AWriterKeptWaitingPastItsBusyTimeoutFailsWithABusyMessageAndWritesNothing) {
  FreshStores stores("sqlite");
  const std::string url = stores.new_url();
  {
    auto opened = FreshStores::open(url);
    ASSERT_TRUE(opened) << opened.status().to_string();
    ASSERT_NO_FATAL_FAILURE(seed(**opened, 3, {"c"}));
  }
  // Another writer holds the database's write lock.
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(kunren::testing::sqlite_path_of(url).c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  OpenOptions options;
  options.busy_timeout_ms = 100;
  auto opened = open_store(url, options);
  ASSERT_TRUE(opened) << opened.status().to_string();
  auto& s = **opened;
  auto r = s.append_revisions("c", {revision_of(org_id(0), 0, 0)}, nullptr, k_actor);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().kind(), ErrorKind::kIo) << r.status().to_string();
  EXPECT_NE(r.status().message().find("busy"), std::string::npos) << r.status().message();

  ASSERT_EQ(sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(holder);
  auto history = s.revision_history("c", org_id(0));
  ASSERT_TRUE(history);
  EXPECT_TRUE(history->empty());
  auto again = s.append_revisions("c", {revision_of(org_id(0), 0, 0)}, nullptr, k_actor);
  ASSERT_TRUE(again) << again.status().to_string();
  EXPECT_EQ(again->created, 1u);
}

// --- threads, each with its own Store -----------------------------------------------------

class StoreThreads : public ::testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(Backends, StoreThreads, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(StoreThreads, EightWritersOnOverlappingOrganisationsLoseNoAcknowledgedRevision) {
  constexpr std::size_t k_threads = 8, k_rounds = 12, k_orgs = 30, k_per_append = 10;
  FreshStores stores(GetParam());
  const std::string url = stores.new_url();
  {
    auto opened = FreshStores::open(url);
    ASSERT_TRUE(opened) << opened.status().to_string();
    ASSERT_NO_FATAL_FAILURE(seed(**opened, k_orgs, {"c"}));
  }
  std::vector<std::unique_ptr<Store>> own;
  for (std::size_t t = 0; t < k_threads; ++t) {
    auto opened = open_store(url);
    ASSERT_TRUE(opened) << opened.status().to_string();
    own.push_back(std::move(opened).value());
  }

  std::mutex mutex;
  std::map<std::string, std::set<std::int64_t>> acknowledged;
  std::vector<std::string> failures;
  std::size_t busy = 0;
  std::latch start(static_cast<std::ptrdiff_t>(k_threads));
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (std::size_t round = 0; round < k_rounds; ++round) {
        std::vector<NewRevision> revisions;
        for (std::size_t j = 0; j < k_per_append; ++j) {
          revisions.push_back(revision_of(org_id((t * 3 + round * 7 + j) % k_orgs), t, round));
        }
        auto r = own[t]->append_revisions("c", revisions, nullptr, Actor{fmt::format("thread:{}", t)});
        std::lock_guard lock(mutex);
        if (!r) {
          if (is_clean_busy(r.status())) {
            ++busy;
          } else {
            failures.push_back(r.status().to_string());
          }
          continue;
        }
        if (r->revision_ids.size() != k_per_append) {
          failures.push_back(fmt::format("thread {} round {}: {} ids for {} revisions", t, round,
                                         r->revision_ids.size(), k_per_append));
          continue;
        }
        for (std::size_t j = 0; j < k_per_append; ++j) acknowledged[revisions[j].org].insert(r->revision_ids[j]);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  own.clear();

  EXPECT_TRUE(failures.empty()) << failures.size() << " appends failed, first: " << failures.front();
  if (GetParam() == "postgresql") EXPECT_EQ(busy, 0u) << "PostgreSQL waits for row locks; nothing is busy";
  RecordProperty("busy_failures", static_cast<int>(busy));
  auto opened = open_store(url);
  ASSERT_TRUE(opened) << opened.status().to_string();
  expect_exactly(**opened, "c", k_orgs, acknowledged);
  if (GetParam() == "sqlite") {
    EXPECT_EQ(kunren::testing::sqlite_integrity_check(kunren::testing::sqlite_path_of(url)), "ok");
  }
}

// Saves of one preparedness record (OrgDocument) take turns: of writers that
// all loaded the same revision exactly one is written, every other one is
// told "stale" (SQLite may also say "busy"); writers that reload and retry
// end with revisions 1..n, every acknowledged save among them.
TEST_P(StoreThreads, WritersSavingTheSameRecordFromTheSameRevisionCannotBothSucceed) {
  constexpr std::size_t k_writers = 6, k_rounds = 8;
  FreshStores stores(GetParam());
  const std::string url = stores.new_url();
  {
    auto opened = FreshStores::open(url);
    ASSERT_TRUE(opened) << opened.status().to_string();
    ASSERT_TRUE(kunren::testing::succeeded((*opened)->put_orgs({{"org-a", "A", {}, {}, {}, {}}}, k_actor)));
  }
  std::vector<std::unique_ptr<Store>> own;
  for (std::size_t w = 0; w < k_writers; ++w) {
    auto opened = open_store(url);
    ASSERT_TRUE(opened) << opened.status().to_string();
    own.push_back(std::move(opened).value());
  }
  auto content = [](const std::string& tag) { return fmt::format(R"({{"items":[],"tag":"{}"}})", tag); };
  auto retryable = [](const std::string& message) {
    return message.find("stale") != std::string::npos || message.find("busy") != std::string::npos;
  };
  {
    std::latch start(static_cast<std::ptrdiff_t>(k_writers));
    std::mutex mutex;
    std::size_t won = 0;
    std::vector<std::string> others;
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < k_writers; ++w) {
      threads.emplace_back([&, w] {
        start.arrive_and_wait();
        auto r = own[w]->append_org_document("org-a", "improvement-plan", 0, content(std::to_string(w)), k_actor);
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
    for (const auto& message : others) EXPECT_TRUE(retryable(message)) << message;
  }
  std::latch start(static_cast<std::ptrdiff_t>(k_writers));
  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < k_writers; ++w) {
    threads.emplace_back([&, w] {
      start.arrive_and_wait();
      for (std::size_t round = 0; round < k_rounds; ++round) {
        const std::string text = content(fmt::format("{}-{}", w, round));
        for (int attempt = 0; attempt < 1000; ++attempt) {
          auto latest = own[w]->latest_org_document("org-a", "improvement-plan");
          if (!latest) continue;
          auto r = own[w]->append_org_document("org-a", "improvement-plan", *latest ? (**latest).no : 0, text,
                                               k_actor);
          std::lock_guard lock(mutex);
          if (r) {
            acknowledged.insert(r->content);
            break;
          }
          if (!retryable(r.status().to_string())) {
            failures.push_back(r.status().to_string());
            break;
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  own.clear();
  EXPECT_TRUE(failures.empty()) << failures.front();
  auto opened = open_store(url);
  ASSERT_TRUE(opened) << opened.status().to_string();
  auto history = (*opened)->org_document_history("org-a", "improvement-plan");
  ASSERT_TRUE(history) << history.status().to_string();
  ASSERT_EQ(history->size(), 1 + k_writers * k_rounds);
  std::set<std::string> stored;
  for (std::size_t i = 0; i < history->size(); ++i) {
    EXPECT_EQ((*history)[i].no, static_cast<int>(i) + 1);
    if (i > 0) EXPECT_LE((*history)[i - 1].created_at, (*history)[i].created_at);
    stored.insert((*history)[i].content);
  }
  EXPECT_EQ(acknowledged.size(), k_writers * k_rounds);
  for (const auto& text : acknowledged) EXPECT_EQ(stored.count(text), 1u) << text;
  auto audit = (*opened)->list_audit({"org-document", "org-a/improvement-plan", 0});
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->size(), history->size()) << "one entry per written revision, none for a refused one";
}

}  // namespace
}  // namespace kunren::store
