// Schema migrations of the SQL stores (src/kunren/store/migrations.cpp), on
// SQLite and PostgreSQL: a database written by an older program (built with
// OpenOptions::migrate_to) upgrades and keeps its data; a newer or older
// schema is refused with a message that says what to do; and the append-only
// tables really refuse UPDATE and DELETE.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <kunren/model/exercise.hpp>
#include <kunren/store/migrations.hpp>
#include <kunren/store/sql.hpp>
#include <kunren/store/store.hpp>
#include <kunren/util/sha256.hpp>

#include "store_testing.hpp"

namespace kunren::store {
namespace {

using kunren::testing::fails_with;
using kunren::testing::FreshStores;
using kunren::testing::mini_checklist;
using kunren::testing::record_of;
using kunren::testing::sqlite_path_of;

const Actor k_actor{"cli:test"};
const char* k_then = "2025-01-02T03:04:05.000000Z";

class Migration : public ::testing::TestWithParam<std::string> {
 protected:
  Migration() : m_stores(GetParam()) {}

  // A raw connection to the database behind `url`, for writing as an older
  // program would have.
  std::unique_ptr<sql::Connection> raw(const std::string& url) {
    auto db = GetParam() == "sqlite" ? sql::open_sqlite_connection(sqlite_path_of(url), false, 2000)
                                     : sql::open_postgres_connection(url, 5);
    EXPECT_TRUE(db.is_ok()) << db.status().to_string();
    if (!db) return nullptr;
    if (GetParam() == "sqlite") EXPECT_TRUE((*db)->exec("PRAGMA foreign_keys=ON").is_ok());
    return std::move(db).value();
  }

  static Result<std::unique_ptr<Store>> open(const std::string& url, bool migrate, int migrate_to = 0) {
    OpenOptions options;
    options.create = true;
    options.migrate = migrate;
    options.migrate_to = migrate_to;
    return open_store(url, options);
  }

  // A database at schema `version` holding data in every table it has.
  std::string database_at(int version) {
    const std::string url = m_stores.new_url();
    {
      auto store = open(url, true, version);
      EXPECT_TRUE(store.is_ok()) << store.status().to_string();
      if (!store) return url;
      auto info = (*store)->schema_info();
      EXPECT_EQ(info->version, version);
    }
    auto db = raw(url);
    if (!db) return url;
    auto run = [&](const std::string& sql, const std::vector<sql::Value>& params) {
      auto status = db->execute(sql, params);
      EXPECT_TRUE(status.is_ok()) << sql << ": " << status.to_string();
    };
    const auto checklist = record_of(mini_checklist());
    if (version >= 1) {
      run("INSERT INTO checklist (id, version, sha256, content, builtin, registered_at) VALUES (?, ?, ?, ?, 0, ?)",
          {checklist.id, checklist.version, checklist.sha256, checklist.content, std::string(k_then)});
      run("INSERT INTO organization (id, name, industry, size, pseudonym, created_at) VALUES (?, ?, ?, ?, ?, ?)",
          {std::string("org-a"), std::string("株式会社A"), std::string("化学"), std::string("S"), std::string("A"),
           std::string(k_then)});
      run("INSERT INTO campaign (id, title, checklist_id, checklist_version, opens_on, closes_on, min_group, state, "
          "created_at, updated_at) VALUES ('c1', '2025 訓練', ?, ?, '', '', 3, 'open', ?, ?)",
          {checklist.id, checklist.version, std::string(k_then), std::string(k_then)});
      run("INSERT INTO evaluation (campaign_id, org_id, created_at) VALUES ('c1', 'org-a', ?)", {std::string(k_then)});
      run("INSERT INTO import (campaign_id, filename, sha256, actor, at, revisions, unchanged) "
          "VALUES ('c1', 'answers.csv', 'abc', 'cli:old', ?, 1, 0)",
          {std::string(k_then)});
      run("INSERT INTO revision (evaluation_id, no, state, author, created_at, import_id) "
          "SELECT e.id, 1, 'submitted', 'cli:old', ?, i.id FROM evaluation e, import i",
          {std::string(k_then)});
      run("INSERT INTO answer (revision_id, item_id, choice, comment) SELECT id, 'Q1', 2, ? FROM revision",
          {std::string("タブ\tと改行\nのコメント")});
    }
    if (version >= 2) {
      run("INSERT INTO app_user (login, display_name, password_hash, disabled, created_at) "
          "VALUES ('alice', 'Alice', '$argon2id$x', 0, ?)",
          {std::string(k_then)});
      run("INSERT INTO user_role (login, role) VALUES ('alice', 'coordinator')", {});
      run("INSERT INTO user_org (login, org_id) VALUES ('alice', 'org-a')", {});
      run("INSERT INTO audit_log (at, actor, action, object_type, object_id, detail) "
          "VALUES (?, 'cli:old', 'campaign.create', 'campaign', 'c1', '{}')",
          {std::string(k_then)});
    }
    if (version >= 3) {
      run("INSERT INTO campaign_coordinator (campaign_id, login) VALUES ('c1', 'alice')", {});
    }
    if (version >= 4) {
      // An exercise with a participant and one event whose hashes hold.
      model::ExerciseEvent e;
      e.seq = 1;
      e.at = k_then;
      e.scenario_ms = 60'000;
      e.actor = "user:alice";
      e.role = "ot-lead";
      e.kind = "report";
      e.payload = R"({"text":"HMI 停止"})";
      e.prev_hash = std::string(model::k_genesis_hash);
      e.hash = model::event_hash(e.prev_hash, e);
      run("INSERT INTO exercise (id, title, org_id, campaign_id, scenario_id, scenario_version, scenario_sha256, "
          "scenario_content, criteria, state, created_by, created_at, updated_at, last_seq, last_hash) "
          "VALUES ('x1', '訓練', 'org-a', 'c1', 's', '1', ?, '{}', '', 'running', 'cli:old', ?, ?, 1, ?)",
          {util::sha256_hex("{}"), std::string(k_then), std::string(k_then), e.hash});
      run("INSERT INTO exercise_participant (exercise_id, login, role) VALUES ('x1', 'alice', 'ot-lead')", {});
      run("INSERT INTO exercise_event (exercise_id, seq, at, scenario_ms, actor, role, kind, payload, prev_hash, "
          "hash) VALUES ('x1', 1, ?, ?, ?, ?, ?, ?, ?, ?)",
          {e.at, e.scenario_ms, e.actor, e.role, e.kind, e.payload, e.prev_hash, e.hash});
    }
    if (version >= 5) {
      run("INSERT INTO org_document (org_id, kind, no, content, author, created_at) "
          "VALUES ('org-a', 'contact-tree', 1, '{\"entries\":[]}', 'user:alice', ?)",
          {std::string(k_then)});
    }
    return url;
  }

  FreshStores m_stores;
};

INSTANTIATE_TEST_SUITE_P(Backends, Migration, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST_P(Migration, ThereAreAtLeastTwoMigrations) { EXPECT_GE(latest_schema_version(), 2); }

TEST_P(Migration, EveryOlderSchemaWithDataUpgradesAndKeepsItsData) {
  const int latest = latest_schema_version();
  for (int version = 1; version < latest; ++version) {
    SCOPED_TRACE("from version " + std::to_string(version));
    const std::string url = database_at(version);

    // Without --migrate the older schema is refused and left alone.
    auto refused = open(url, false);
    ASSERT_FALSE(refused.is_ok());
    EXPECT_TRUE(fails_with(refused.status(), ErrorKind::kConflict,
                           fmt::format("schema version {} is older than this program's {}; run 'kunren db migrate' "
                                       "(make a backup first: kunren backup)",
                                       version, latest)));

    auto opened = open(url, true);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    Store& s = **opened;
    auto info = s.schema_info();
    ASSERT_TRUE(info.is_ok());
    EXPECT_EQ(info->version, latest);
    EXPECT_EQ(info->latest, latest);
    ASSERT_EQ(info->applied.size(), static_cast<std::size_t>(latest));
    for (int v = 1; v <= latest; ++v) {
      EXPECT_EQ(info->applied[v - 1].version, v);
      EXPECT_FALSE(info->applied[v - 1].name.empty());
    }

    auto org = s.get_org("org-a");
    ASSERT_TRUE(org.is_ok()) << org.status().to_string();
    EXPECT_EQ(org->name, "株式会社A");
    EXPECT_EQ(org->pseudonym, "A");
    auto latest_revs = s.latest_revisions("c1", {});
    ASSERT_TRUE(latest_revs.is_ok()) << latest_revs.status().to_string();
    ASSERT_EQ(latest_revs->size(), 1u);
    EXPECT_EQ(latest_revs->front().org, "org-a");
    EXPECT_EQ(latest_revs->front().author, "cli:old");
    EXPECT_EQ(latest_revs->front().created_at, k_then);
    ASSERT_EQ(latest_revs->front().answers.size(), 1u);
    EXPECT_EQ(latest_revs->front().answers[0], (Answer{"Q1", 2, "タブ\tと改行\nのコメント"}));
    auto imports = s.list_imports("c1");
    ASSERT_TRUE(imports.is_ok());
    ASSERT_EQ(imports->size(), 1u);
    EXPECT_EQ(imports->front().filename, "answers.csv");
    if (version >= 2) {
      auto user = s.get_user("alice");
      ASSERT_TRUE(user.is_ok()) << user.status().to_string();
      EXPECT_EQ(user->roles, std::vector<Role>{Role::kCoordinator});
      EXPECT_EQ(user->orgs, std::vector<std::string>{"org-a"});
    }
    auto campaign = s.get_campaign("c1");
    ASSERT_TRUE(campaign.is_ok()) << campaign.status().to_string();
    EXPECT_EQ(campaign->title, "2025 訓練");
    if (version < 3) {
      EXPECT_TRUE(campaign->coordinators.empty()) << "a campaign from before the lists has none";
    } else {
      EXPECT_EQ(campaign->coordinators, std::vector<std::string>{"alice"});
    }
    EXPECT_EQ(s.list_exercises()->size(), version >= 4 ? 1u : 0u);
    if (version >= 2) {
      ASSERT_TRUE(s.set_campaign_coordinators("c1", {"alice"}, k_actor).is_ok());
      EXPECT_EQ(s.get_campaign("c1")->coordinators, std::vector<std::string>{"alice"});
    }

    // The upgraded database works for new writes, numbering on from the old.
    auto appended = s.append_revisions(
        "c1", {NewRevision{"org-a", RevisionState::kSubmitted, {{"Q1", 3, ""}, {"Q2", 0, "", true}}}}, nullptr,
        k_actor);
    ASSERT_TRUE(appended.is_ok()) << appended.status().to_string();
    auto history = s.revision_history("c1", "org-a");
    ASSERT_TRUE(history.is_ok());
    ASSERT_EQ(history->size(), 2u);
    EXPECT_EQ(history->back().no, 2);
    EXPECT_EQ(history->back().answers, (std::vector<Answer>{{"Q1", 3, ""}, {"Q2", 0, "", true}}));
    EXPECT_FALSE(history->front().answers.at(0).review) << "an answer from before the flag is not marked";
    EXPECT_TRUE(s.create_user(User{"bob", "Bob", "", {Role::kObserver}, {}, false, {}}, k_actor).is_ok());
  }
}

// Migration 3 adds answer.review with ALTER TABLE: the answers of a database
// migrated from version 2 read as not marked, and the append-only triggers
// of `answer` still refuse every change, the new column included.
TEST_P(Migration, AfterMigrationThreeOldAnswersAreUnmarkedAndStillAppendOnly) {
  const std::string url = database_at(2);
  {
    auto opened = open(url, true);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    ASSERT_GE(latest_schema_version(), 3);
    EXPECT_EQ((*opened)->schema_info()->version, latest_schema_version());
  }
  auto db = raw(url);
  ASSERT_NE(db, nullptr);
  auto unmarked = db->query_int("SELECT COUNT(*) FROM answer WHERE review = 0", {});
  ASSERT_TRUE(unmarked.is_ok()) << unmarked.status().to_string();
  EXPECT_EQ(*unmarked, 1);
  for (const char* sql : {"UPDATE answer SET review = 1", "DELETE FROM answer"}) {
    auto status = db->exec(sql);
    EXPECT_FALSE(status.is_ok()) << sql;
    EXPECT_NE(status.message().find("append-only"), std::string::npos) << sql << ": " << status.message();
  }
  // The new column refuses anything but 0 and 1; the new table refuses
  // unknown campaigns and users.
  auto revision = db->query_int("SELECT MIN(id) FROM revision", {});
  ASSERT_TRUE(revision.is_ok());
  EXPECT_FALSE(
      db->execute("INSERT INTO answer (revision_id, item_id, choice, comment, review) VALUES (?, 'Q3', 1, '', 2)",
                  {*revision})
          .is_ok());
  EXPECT_FALSE(db->execute("INSERT INTO campaign_coordinator (campaign_id, login) VALUES ('c1', 'ghost')").is_ok());
  EXPECT_FALSE(db->execute("INSERT INTO campaign_coordinator (campaign_id, login) VALUES ('c9', 'alice')").is_ok());
  EXPECT_TRUE(db->execute("INSERT INTO campaign_coordinator (campaign_id, login) VALUES ('c1', 'alice')").is_ok());
}

TEST_P(Migration, AnOlderDatabaseOpensAsItIsWhenNoMoreIsAsked) {
  const std::string url = database_at(1);
  auto opened = open(url, false, 1);
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  EXPECT_EQ((*opened)->schema_info()->version, 1);
}

TEST_P(Migration, ASchemaNewerThanTheProgramIsRefusedEvenWithMigrate) {
  const std::string url = m_stores.new_url();
  ASSERT_TRUE(open(url, true).is_ok());
  const int latest = latest_schema_version();
  {
    auto db = raw(url);
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(
        db->execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from the future', ?)",
                    {std::int64_t{latest + 1}, std::string(k_then)})
            .is_ok());
  }
  for (bool migrate : {false, true}) {
    auto refused = open(url, migrate);
    ASSERT_FALSE(refused.is_ok());
    EXPECT_TRUE(fails_with(refused.status(), ErrorKind::kConflict,
                           fmt::format("the database schema is version {} but this kunren knows only up to {}; "
                                       "use a newer kunren",
                                       latest + 1, latest)));
  }
}

TEST_P(Migration, ADatabaseWithoutASchemaIsRefusedWithoutCreateOrMigrate) {
  const std::string url = m_stores.new_url();
  if (GetParam() == "sqlite") {
    // An empty file, as `touch` would leave.
    { auto db = sql::open_sqlite_connection(sqlite_path_of(url), true, 100); }
  }
  OpenOptions options;  // neither create nor migrate
  auto refused = open_store(url, options);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_TRUE(fails_with(refused.status(), ErrorKind::kConflict, "no kunren schema"));
  EXPECT_TRUE(fails_with(refused.status(), ErrorKind::kConflict, "kunren init"));
}

TEST_P(Migration, OpeningAgainAppliesNothingTwice) {
  const std::string url = m_stores.new_url();
  ASSERT_TRUE(open(url, true).is_ok());
  auto first = (*open(url, true))->schema_info();
  auto again = (*open(url, true))->schema_info();
  ASSERT_TRUE(first.is_ok() && again.is_ok());
  ASSERT_EQ(again->applied.size(), first->applied.size());
  for (std::size_t i = 0; i < again->applied.size(); ++i) {
    EXPECT_EQ(again->applied[i].applied_at, first->applied[i].applied_at);
  }
}

// The append-only tables, changed behind the store's back with raw SQL.
TEST_P(Migration, AppendOnlyTablesRefuseUpdateAndDelete) {
  const std::string url = database_at(latest_schema_version());
  const std::vector<std::string> refused = {
      "UPDATE revision SET state = 'draft'",
      "DELETE FROM revision",
      "UPDATE answer SET choice = 1",
      "DELETE FROM answer",
      "UPDATE answer SET review = 1",
      "UPDATE import SET revisions = 9",
      "DELETE FROM import",
      "UPDATE audit_log SET actor = 'x'",
      "DELETE FROM audit_log",
      "UPDATE exercise_event SET payload = '{}'",
      "DELETE FROM exercise_event",
      "UPDATE answer SET evidence = '[]'",
      "UPDATE org_document SET content = '{}'",
      "DELETE FROM org_document",
  };
  if (GetParam() == "sqlite") {
    // Straight through the SQLite C API on the file, not through kunren.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(sqlite_path_of(url).c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    for (const auto& sql : refused) {
      char* error = nullptr;
      int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
      EXPECT_NE(rc, SQLITE_OK) << sql;
      EXPECT_NE(std::string(error != nullptr ? error : "").find("append-only"), std::string::npos) << sql;
      sqlite3_free(error);
    }
    sqlite3_close(db);
  } else {
    auto db = raw(url);
    ASSERT_NE(db, nullptr);
    for (const auto& sql : refused) {
      auto status = db->exec(sql);
      EXPECT_FALSE(status.is_ok()) << sql;
      EXPECT_NE(status.message().find("append-only"), std::string::npos) << sql << ": " << status.message();
    }
    EXPECT_FALSE(db->exec("TRUNCATE revision CASCADE").is_ok());
    EXPECT_FALSE(db->exec("TRUNCATE exercise_event").is_ok());
    EXPECT_FALSE(db->exec("TRUNCATE org_document").is_ok());
  }
  // Everything is still there.
  auto store = open(url, false);
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  auto revs = (*store)->latest_revisions("c1", {});
  ASSERT_TRUE(revs.is_ok());
  ASSERT_EQ(revs->size(), 1u);
  EXPECT_EQ(revs->front().answers.size(), 1u);
  EXPECT_EQ((*store)->list_audit({})->size(), 1u);
  auto events = (*store)->list_exercise_events("x1");
  ASSERT_TRUE(events.is_ok()) << events.status().to_string();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(model::verify_chain(*events), std::nullopt);
  auto documents = (*store)->org_document_history("org-a", "contact-tree");
  ASSERT_TRUE(documents.is_ok()) << documents.status().to_string();
  ASSERT_EQ(documents->size(), 1u);
  EXPECT_EQ(documents->front().content, R"({"entries":[]})");
}

// Migration 5 adds preparedness records and answer evidence to a database at
// schema 4, keeping everything it held: the old answers carry no evidence
// (and are still append-only, the new column included), new answers keep
// theirs, and records are saved and read on the old organisation.
TEST_P(Migration, MigrationFiveAddsRecordsAndEvidenceToADatabaseAtFourAndKeepsItsData) {
  const std::string url = database_at(4);
  auto opened = open(url, true);
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  Store& s = **opened;
  auto info = s.schema_info();
  ASSERT_TRUE(info.is_ok());
  ASSERT_GE(info->applied.size(), 5u);
  EXPECT_EQ(info->applied[4].version, 5);
  EXPECT_EQ(info->applied[4].name, "preparedness records, answer evidence");

  // What version 4 held is all there.
  auto revs = s.latest_revisions("c1", {});
  ASSERT_TRUE(revs.is_ok()) << revs.status().to_string();
  ASSERT_EQ(revs->size(), 1u);
  EXPECT_EQ(revs->front().answers, (std::vector<Answer>{{"Q1", 2, "タブ\tと改行\nのコメント"}}));
  EXPECT_EQ(revs->front().answers[0].evidence, "") << "an answer from before migration 5 has no evidence";
  EXPECT_EQ(s.get_campaign("c1")->coordinators, std::vector<std::string>{"alice"});
  auto events = s.list_exercise_events("x1");
  ASSERT_TRUE(events.is_ok()) << events.status().to_string();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(model::verify_chain(*events), std::nullopt);
  EXPECT_EQ(s.get_exercise("x1")->participants, (std::vector<ExerciseParticipant>{{"alice", "ot-lead"}}));
  EXPECT_EQ(s.list_audit({})->size(), 1u);

  // The new column and table work.
  const std::string links = R"([{"events":[1],"exercise":"x1","proposed":2,"rule":"contact"}])";
  auto appended = s.append_revisions(
      "c1", {NewRevision{"org-a", RevisionState::kSubmitted, {{"Q1", 2, "タブ\tと改行\nのコメント", false, links}}}},
      nullptr, k_actor);
  ASSERT_TRUE(appended.is_ok()) << appended.status().to_string();
  EXPECT_EQ(appended->created, 1u) << "evidence alone makes a new revision";
  auto history = s.revision_history("c1", "org-a");
  ASSERT_TRUE(history.is_ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->back().answers.at(0).evidence, links);
  EXPECT_EQ(history->front().answers.at(0).evidence, "");
  auto saved = s.append_org_document("org-a", "poc-sheet", 0, R"({"plant":"第1工場"})", k_actor);
  ASSERT_TRUE(saved.is_ok()) << saved.status().to_string();
  EXPECT_EQ(saved->no, 1);
  auto latest = s.latest_org_document("org-a", "poc-sheet");
  ASSERT_TRUE(latest.is_ok());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->content, R"({"plant":"第1工場"})");

  auto db = raw(url);
  ASSERT_NE(db, nullptr);
  for (const char* sql : {"UPDATE answer SET evidence = '[]'", "UPDATE org_document SET author = 'x'",
                          "DELETE FROM org_document"}) {
    auto status = db->exec(sql);
    EXPECT_FALSE(status.is_ok()) << sql;
    EXPECT_NE(status.message().find("append-only"), std::string::npos) << sql << ": " << status.message();
  }
  EXPECT_FALSE(db->execute("INSERT INTO org_document (org_id, kind, no, content, author, created_at) VALUES "
                           "('ghost', 'criteria', 1, '{}', 'x', '')")
                   .is_ok());
  EXPECT_FALSE(db->execute("INSERT INTO org_document (org_id, kind, no, content, author, created_at) VALUES "
                           "('org-a', 'poc-sheet', 1, '{}', 'x', '')")
                   .is_ok())
      << "(org, kind, no) is the key";
  EXPECT_FALSE(db->execute("INSERT INTO org_document (org_id, kind, no, content, author, created_at) VALUES "
                           "('org-a', 'criteria', 0, '{}', 'x', '')")
                   .is_ok())
      << "numbers start at 1";
}

// Migration 4 adds the exercise tables to a database at schema 3, keeping
// everything it held; the new tables then work like any other: an exercise
// on the old organisation, campaign and user, with a log whose chain holds,
// and their foreign keys refuse what does not exist.
TEST_P(Migration, MigrationFourAddsExercisesToADatabaseAtThreeAndKeepsItsData) {
  const std::string url = database_at(3);
  auto opened = open(url, true);
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  Store& s = **opened;
  auto info = s.schema_info();
  ASSERT_TRUE(info.is_ok());
  ASSERT_GE(info->applied.size(), 4u);
  EXPECT_EQ(info->applied[3].version, 4);
  EXPECT_EQ(info->applied[3].name, "exercises");

  EXPECT_EQ(s.get_campaign("c1")->coordinators, std::vector<std::string>{"alice"});
  auto revs = s.latest_revisions("c1", {});
  ASSERT_TRUE(revs.is_ok());
  ASSERT_EQ(revs->size(), 1u);
  EXPECT_EQ(revs->front().created_at, k_then);
  EXPECT_EQ(s.list_audit({})->size(), 1u);
  EXPECT_TRUE(s.list_exercises()->empty());

  ExerciseRecord x;
  x.id = "x1";
  x.title = "第1回";
  x.org = "org-a";
  x.campaign = "c1";
  x.scenario_id = "s";
  x.scenario_version = "1";
  x.scenario_content = "{}";
  x.scenario_sha256 = util::sha256_hex(x.scenario_content);
  x.participants = {{"alice", "ot-lead"}};
  ASSERT_TRUE(s.create_exercise(x, k_actor).is_ok());
  auto appended = s.append_exercise_events("x1", 0, {{0, "user:alice", "ot-lead", "note", "{}"}},
                                           model::ExerciseState::kRunning);
  ASSERT_TRUE(appended.is_ok()) << appended.status().to_string();
  auto events = s.list_exercise_events("x1");
  ASSERT_TRUE(events.is_ok());
  EXPECT_EQ(model::verify_chain(*events), std::nullopt);
  EXPECT_EQ(s.get_exercise("x1")->participants, (std::vector<ExerciseParticipant>{{"alice", "ot-lead"}}));

  auto db = raw(url);
  ASSERT_NE(db, nullptr);
  EXPECT_FALSE(db->execute("INSERT INTO exercise_participant (exercise_id, login, role) VALUES ('x1', 'ghost', 'r')")
                   .is_ok());
  EXPECT_FALSE(db->execute("INSERT INTO exercise_participant (exercise_id, login, role) VALUES ('x9', 'alice', 'r')")
                   .is_ok());
  EXPECT_FALSE(db->execute("INSERT INTO exercise_event (exercise_id, seq, at, scenario_ms, actor, role, kind, payload, "
                           "prev_hash, hash) VALUES ('x9', 1, '', 0, '', '', 'note', '{}', '', '')")
                   .is_ok());
  EXPECT_FALSE(db->execute("UPDATE exercise SET state = 'finished' WHERE id = 'x1'").is_ok());
}

// Ordering "by id" must mean byte order on both databases: every text
// column of every migration is {TEXT}, which PostgreSQL gets with the "C"
// collation. A column written as plain TEXT would slip through; this finds it.
TEST_P(Migration, EveryTextColumnSortsByBytes) {
  const std::string url = database_at(latest_schema_version());
  auto db = raw(url);
  ASSERT_NE(db, nullptr);
  // SQLite compares by bytes (BINARY) unless a column asks otherwise;
  // PostgreSQL needs COLLATE "C" on each column.
  const char* sql =
      GetParam() == "sqlite"
          ? "SELECT name FROM sqlite_master WHERE sql LIKE '%COLLATE%'"
          : "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND data_type = 'text' AND table_name <> 'schema_migrations' AND collation_name IS "
            "DISTINCT FROM 'C'";
  std::vector<std::string> loose;
  auto status = db->query(sql, {}, [&](const sql::Row& row) {
    loose.push_back(row.str(0));
    return Status::ok();
  });
  ASSERT_TRUE(status.is_ok()) << status.to_string();
  EXPECT_TRUE(loose.empty()) << "text not compared by bytes: " << ::testing::PrintToString(loose);
}

TEST_P(Migration, AnAnswerToARevisionThatDoesNotExistIsRefused) {
  const std::string url = database_at(latest_schema_version());
  auto db = raw(url);
  ASSERT_NE(db, nullptr);
  auto status = db->execute("INSERT INTO answer (revision_id, item_id, choice, comment) VALUES (987654, 'Q1', 1, '')");
  EXPECT_EQ(status.kind(), ErrorKind::kConflict) << status.to_string();
  // In a bulk insert the bad row is caught too (SQLite at once, PostgreSQL
  // when the COPY ends).
  auto revision = db->query_int("SELECT MIN(id) FROM revision", {});
  ASSERT_TRUE(revision.is_ok()) << revision.status().to_string();
  ASSERT_TRUE(db->begin().is_ok());
  auto bulk = db->bulk_insert("answer", {"revision_id", "item_id", "choice", "comment"});
  ASSERT_TRUE(bulk.is_ok()) << bulk.status().to_string();
  for (const char* item : {"Q2", "Q3"}) {
    ASSERT_TRUE((*bulk)->add({*revision, std::string(item), std::int64_t{1}, std::string()}).is_ok());
  }
  status = (*bulk)->add({std::int64_t{987654}, std::string("O1"), std::int64_t{1}, std::string()});
  if (status.is_ok()) status = (*bulk)->finish();
  bulk->reset();
  EXPECT_EQ(status.kind(), ErrorKind::kConflict) << status.to_string();
  db->rollback();
}

}  // namespace
}  // namespace kunren::store
