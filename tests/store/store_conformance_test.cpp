// The Store contract (src/kunren/store/store.hpp), clause by clause, run on
// every backend: the in-memory fake, SQLite and PostgreSQL. A backend is
// right when it passes this suite; the fake is trusted by other tests only
// because it passes the same one.
//
// Each test gets a new empty store. "Writes nothing" is checked by comparing
// a dump of everything the store can list before and after the failing call.
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <kunren/model/preparedness.hpp>
#include <kunren/model/responses.hpp>
#include <kunren/store/backends.hpp>
#include <kunren/store/sql.hpp>
#include <kunren/store/store.hpp>
#include <kunren/util/sha256.hpp>

#include "store_testing.hpp"

namespace kunren::store {
namespace {

using kunren::testing::factory_checklist;
using kunren::testing::fails_with;
using kunren::testing::FreshStores;
using kunren::testing::is_canonical_time;
using kunren::testing::mini_checklist;
using kunren::testing::record_of;
using nlohmann::json;

const Actor k_actor{"cli:test"};

const Status& status_of(const Status& s) { return s; }
template <typename T>
const Status& status_of(const Result<T>& r) {
  return r.status();
}

#define ASSERT_OK(expr)                                                 \
  do {                                                                  \
    const auto& kunren_r_ = (expr);                                     \
    ASSERT_TRUE(kunren_r_.is_ok()) << status_of(kunren_r_).to_string(); \
  } while (0)
#define EXPECT_OK(expr)                                                 \
  do {                                                                  \
    const auto& kunren_r_ = (expr);                                     \
    EXPECT_TRUE(kunren_r_.is_ok()) << status_of(kunren_r_).to_string(); \
  } while (0)

// The value of `r`, or T{} after recording a failure.
template <typename T>
T got(Result<T> r) {
  if (!r) {
    ADD_FAILURE() << r.status().to_string();
    return T{};
  }
  return std::move(r).value();
}

std::string org_id(std::size_t i) { return fmt::format("org{:04}", i); }

NewRevision rev(std::string org, std::vector<Answer> answers, RevisionState state = RevisionState::kSubmitted) {
  return NewRevision{std::move(org), state, std::move(answers)};
}

// 75 answers to the built-in checklist, varied by organisation and `salt`.
std::vector<Answer> factory_answers(std::size_t org, std::size_t salt = 0) {
  std::vector<Answer> out;
  const auto& c = factory_checklist();
  for (std::size_t i = 0; i < c.items.size(); ++i) {
    auto k = c.items[i].choices.size();
    out.push_back({c.items[i].id, static_cast<std::uint8_t>(1 + (org * 7 + i * 3 + salt) % k), {}});
  }
  return out;
}

// Everything the store can list, as text, to compare before and after.
std::string dump(Store& s) {
  std::ostringstream out;
  auto orgs = got(s.list_orgs());
  for (const auto& o : orgs) {
    out << "org " << o.id << '|' << o.name << '|' << o.industry << '|' << o.size << '|' << o.pseudonym << '|'
        << o.created_at << '\n';
  }
  for (const auto& c : got(s.list_checklists())) {
    out << "checklist " << c.id << '|' << c.version << '|' << c.sha256 << '|' << c.builtin << '|' << c.registered_at
        << '|' << c.content.size() << '\n';
  }
  for (const auto& c : got(s.list_campaigns())) {
    out << "campaign " << c.id << '|' << c.title << '|' << c.checklist_id << '|' << c.checklist_version << '|'
        << c.opens_on << '|' << c.closes_on << '|' << c.min_group << '|' << to_string(c.state) << '|' << c.created_at
        << '|' << c.updated_at;
    for (const auto& login : c.coordinators) out << " coordinator:" << login;
    out << '\n';
    for (const auto& i : got(s.list_imports(c.id))) {
      out << " import " << i.id << '|' << i.filename << '|' << i.sha256 << '|' << i.actor << '|' << i.at << '|'
          << i.revisions << '|' << i.unchanged << '\n';
    }
    for (const auto& o : orgs) {
      for (const auto& r : got(s.revision_history(c.id, o.id))) {
        out << " revision " << r.id << '|' << r.org << '|' << r.no << '|' << to_string(r.state) << '|' << r.author
            << '|' << r.created_at << '|' << r.import_id;
        for (const auto& a : r.answers) {
          out << ' ' << a.item << '=' << int(a.choice) << '/' << a.comment << (a.review ? "/review" : "") << '/'
              << a.evidence;
        }
        out << '\n';
      }
    }
  }
  for (const auto& c : got(s.list_campaigns())) {
    for (const auto& d : got(s.campaign_document_history(c.id, "publication"))) {
      out << "campaign-document " << d.campaign << '|' << d.kind << '|' << d.no << '|' << d.content << '|' << d.author
          << '|' << d.created_at << '\n';
    }
    for (const auto& p : got(s.list_packages(c.id))) {
      out << "package " << p.id << '|' << p.campaign << '|' << p.org << '|' << p.sha256 << '|' << p.key_id << '|'
          << p.created_at << '|' << p.filename << '|' << p.revision_id << '|' << p.imported_by << '|' << p.imported_at
          << '\n';
    }
  }
  for (const auto& o : orgs) {
    for (const auto& k : got(s.list_org_keys(o.id))) {
      out << "key " << k.org << '|' << k.key_id << '|' << k.public_key << '|' << k.added_by << '|' << k.added_at << '|'
          << k.revoked_at << '\n';
    }
    for (model::PrepKind kind : model::all_prep_kinds()) {
      for (const auto& d : got(s.org_document_history(o.id, model::to_string(kind)))) {
        out << "document " << d.org << '|' << d.kind << '|' << d.no << '|' << d.content << '|' << d.author << '|'
            << d.created_at << '\n';
      }
    }
  }
  for (const auto& u : got(s.list_users())) {
    out << "user " << u.login << '|' << u.display_name << '|' << u.password_hash << '|' << u.disabled << '|'
        << u.created_at;
    for (auto r : u.roles) out << ' ' << to_string(r);
    for (const auto& o : u.orgs) out << " @" << o;
    out << '\n';
  }
  for (const auto& listed : got(s.list_exercises())) {
    auto x = got(s.get_exercise(listed.id));
    out << "exercise " << x.id << '|' << x.title << '|' << x.org << '|' << x.campaign << '|' << x.scenario_id << '|'
        << x.scenario_version << '|' << x.scenario_sha256 << '|' << x.scenario_content << '|' << x.criteria << '|'
        << model::to_string(x.state) << '|' << x.created_by << '|' << x.created_at << '|' << x.updated_at << '|'
        << x.last_seq << '|' << x.last_hash;
    for (const auto& p : x.participants) out << " participant:" << p.login << '=' << p.role;
    out << '\n';
    for (const auto& e : got(s.list_exercise_events(x.id))) {
      out << " event " << e.seq << '|' << e.at << '|' << e.scenario_ms << '|' << e.actor << '|' << e.role << '|'
          << e.kind << '|' << e.payload << '|' << e.prev_hash << '|' << e.hash << '\n';
    }
  }
  for (const auto& e : got(s.list_audit())) {
    out << "audit " << e.id << '|' << e.at << '|' << e.actor << '|' << e.action << '|' << e.object_type << '|'
        << e.object_id << '|' << e.detail << '\n';
  }
  return out.str();
}

class StoreConformance : public ::testing::TestWithParam<std::string> {
 public:
  StoreConformance() : m_stores(GetParam()) {}
  void SetUp() override {
    m_store = m_stores.open_new();
    ASSERT_NE(m_store, nullptr);
  }

  Store& s() { return *m_store; }

  void put_orgs(std::size_t n) {
    std::vector<OrgRecord> orgs;
    for (std::size_t i = 0; i < n; ++i) orgs.push_back({org_id(i), "会社 " + std::to_string(i), "化学", "L", {}, {}});
    ASSERT_OK(s().put_orgs(orgs, k_actor));
  }

  // Registers `checklist`, creates campaign `id` on it and opens it.
  void open_campaign(const std::string& id, const model::Checklist& checklist, int min_group = 3) {
    auto record = record_of(checklist);
    ASSERT_OK(s().put_checklist(record, k_actor));
    CampaignRecord c;
    c.id = id;
    c.title = "訓練 " + id;
    c.checklist_id = checklist.id;
    c.checklist_version = checklist.version;
    c.min_group = min_group;
    ASSERT_OK(s().create_campaign(c, k_actor));
    ASSERT_OK(s().set_campaign_state(id, CampaignState::kOpen, k_actor));
  }

  // Orgs org0000..org{n-1} and an open campaign "c" on the mini checklist.
  void mini_world(std::size_t orgs = 5, int min_group = 3) {
    put_orgs(orgs);
    open_campaign("c", mini_checklist(), min_group);
  }

  AppendResult append(const std::vector<NewRevision>& revisions, const ImportRecord* source = nullptr,
                      const AppendOptions& options = {}, const std::string& campaign = "c") {
    return got(s().append_revisions(campaign, revisions, source, k_actor, options));
  }

  std::size_t audit_count() { return got(s().list_audit()).size(); }

  FreshStores m_stores;
  std::unique_ptr<Store> m_store;
};

std::string backend_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::ValuesIn(kunren::testing::all_backends()),
                         backend_name);

// --- opening -----------------------------------------------------------------------

TEST_P(StoreConformance, BackendNamesItselfAfterItsUrlScheme) {
  EXPECT_STREQ(s().backend(), GetParam().c_str());
  if (GetParam() == "memory") EXPECT_EQ(s().url(), "memory:");
  if (GetParam() == "sqlite") EXPECT_EQ(s().url().rfind("sqlite:", 0), 0u) << s().url();
  if (GetParam() == "postgresql") EXPECT_EQ(s().url().rfind("postgres", 0), 0u) << s().url();
}

TEST_P(StoreConformance, SchemaInfoOfAFreshStoreIsFullyMigrated) {
  auto info = got(s().schema_info());
  EXPECT_EQ(info.version, info.latest);
  if (GetParam() == "memory") {
    EXPECT_EQ(info.version, 0);  // the fake has no schema
    EXPECT_TRUE(info.applied.empty());
    return;
  }
  EXPECT_GT(info.latest, 0);
  ASSERT_EQ(info.applied.size(), static_cast<std::size_t>(info.latest));
  for (std::size_t i = 0; i < info.applied.size(); ++i) {
    EXPECT_EQ(info.applied[i].version, static_cast<int>(i) + 1);
    EXPECT_FALSE(info.applied[i].name.empty());
    EXPECT_TRUE(is_canonical_time(info.applied[i].applied_at)) << info.applied[i].applied_at;
  }
}

TEST(MemoryStore, EveryOpeningOfTheMemoryUrlGivesANewEmptyStore) {
  auto one = got(open_store("memory:"));
  ASSERT_NE(one, nullptr);
  ASSERT_OK(one->put_orgs({{"a", "A", {}, {}, {}, {}}}, k_actor));
  auto other = got(open_store("memory:"));
  ASSERT_NE(other, nullptr);
  EXPECT_TRUE(got(other->list_orgs()).empty());
  EXPECT_EQ(got(one->list_orgs()).size(), 1u);
}

// --- organisations -----------------------------------------------------------------

TEST_P(StoreConformance, PutOrgsInsertsNewOrganisationsAndUpdatesExistingOnes) {
  ASSERT_OK(s().put_orgs({{"a", "Alpha", "化学", "S", {}, {}}, {"b", "Beta", "電機", "M", {}, {}}}, k_actor));
  auto before = got(s().get_org("a"));
  ASSERT_OK(s().put_orgs({{"a", "Alpha 2", "食品", "L", "ZZ", {}}, {"c", "Gamma", "", "", {}, {}}}, k_actor));
  auto a = got(s().get_org("a"));
  EXPECT_EQ(a.name, "Alpha 2");
  EXPECT_EQ(a.industry, "食品");
  EXPECT_EQ(a.size, "L");
  EXPECT_EQ(a.pseudonym, before.pseudonym) << "a given pseudonym is ignored";
  EXPECT_EQ(a.created_at, before.created_at);
  EXPECT_TRUE(is_canonical_time(a.created_at)) << a.created_at;
  EXPECT_EQ(got(s().get_org("b")).name, "Beta");
  EXPECT_EQ(got(s().get_org("c")).name, "Gamma");
  EXPECT_EQ(got(s().list_orgs()).size(), 3u);
}

TEST_P(StoreConformance, ListOrgsIsOrderedByIdBytewise) {
  std::vector<std::string> ids = {"b", "a-1", "A", "10", "9", "a", "Z", "a.2", "_x"};
  std::vector<OrgRecord> orgs;
  for (const auto& id : ids) orgs.push_back({id, "name " + id, {}, {}, {}, {}});
  ASSERT_OK(s().put_orgs(orgs, k_actor));
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> listed;
  for (const auto& o : got(s().list_orgs())) listed.push_back(o.id);
  EXPECT_EQ(listed, ids);
}

TEST_P(StoreConformance, GetOrgOfAnUnknownIdIsNotFoundNamingIt) {
  put_orgs(1);
  EXPECT_TRUE(fails_with(s().get_org("ghost").status(), ErrorKind::kNotFound, "ghost"));
}

TEST_P(StoreConformance, PseudonymsAreAssignedOnFirstInsertAndNeverChange) {
  std::vector<model::Organization> expected;
  ASSERT_OK(s().put_orgs(
      {{"north", "N", {}, {}, {}, {}}, {"south", "S", {}, {}, {}, {}}, {"east", "E", {}, {}, {}, {}}}, k_actor));
  for (const char* id : {"north", "south", "east"}) expected.push_back({id, {}, {}, {}, {}});
  model::assign_pseudonyms(expected);
  ASSERT_OK(s().put_orgs({{"east", "E2", {}, {}, "Q", {}}, {"west", "W", {}, {}, {}, {}}}, k_actor));
  expected.push_back({"west", {}, {}, {}, {}});
  model::assign_pseudonyms(expected);

  std::set<std::string> codes;
  for (const auto& e : expected) {
    auto o = got(s().get_org(e.id));
    EXPECT_EQ(o.pseudonym, e.pseudonym) << e.id << ": the store assigns as model::assign_pseudonyms does";
    EXPECT_TRUE(codes.insert(o.pseudonym).second) << "pseudonym " << o.pseudonym << " used twice";
  }
}

TEST_P(StoreConformance, PutOrgsWithAnEmptyIdIsBadInputAndWritesNothing) {
  put_orgs(2);
  auto before = dump(s());
  EXPECT_TRUE(fails_with(s().put_orgs({{"new", "New", {}, {}, {}, {}}, {"", "Nameless", {}, {}, {}, {}}}, k_actor),
                         ErrorKind::kBadInput));
  EXPECT_EQ(dump(s()), before);
}

TEST_P(StoreConformance, PutOrgsWithARepeatedIdIsBadInputNamingItAndWritesNothing) {
  put_orgs(2);
  auto before = dump(s());
  EXPECT_TRUE(fails_with(s().put_orgs({{"twice", "1", {}, {}, {}, {}}, {"twice", "2", {}, {}, {}, {}}}, k_actor),
                         ErrorKind::kBadInput, "twice"));
  EXPECT_EQ(dump(s()), before);
}

// --- checklists ------------------------------------------------------------------

TEST_P(StoreConformance, BuiltinChecklistIsStoredAsGiven) {
  auto record = record_of(factory_checklist(), true);
  EXPECT_EQ(record.sha256, util::sha256_hex(record.content));
  ASSERT_OK(s().put_checklist(record, k_actor));
  auto stored = got(s().get_checklist("factory-ir", factory_checklist().version));
  EXPECT_EQ(stored.id, "factory-ir");
  EXPECT_EQ(stored.version, factory_checklist().version);
  EXPECT_EQ(stored.sha256, record.sha256);
  EXPECT_EQ(stored.content, record.content);
  EXPECT_TRUE(stored.builtin);
  EXPECT_TRUE(is_canonical_time(stored.registered_at)) << stored.registered_at;
  auto parsed = io::parse_checklist(stored.content, "stored");
  ASSERT_TRUE(parsed) << parsed.status().to_string();
  EXPECT_EQ(parsed->items.size(), 75u);
  EXPECT_EQ(io::checklist_content_hash(*parsed), record.sha256);
}

TEST_P(StoreConformance, RegisteringTheSameChecklistAgainDoesNothing) {
  auto record = record_of(mini_checklist());
  ASSERT_OK(s().put_checklist(record, k_actor));
  auto before = dump(s());
  EXPECT_OK(s().put_checklist(record, k_actor));
  EXPECT_EQ(dump(s()), before) << "no second row, no second audit entry, registered_at kept";
}

TEST_P(StoreConformance, RegisteringOtherContentUnderTheSameIdAndVersionIsAConflict) {
  ASSERT_OK(s().put_checklist(record_of(mini_checklist()), k_actor));
  auto before = dump(s());
  auto changed = mini_checklist();
  changed.items[0].choices.pop_back();
  auto record = record_of(changed);
  ASSERT_NE(record.sha256, record_of(mini_checklist()).sha256);
  auto st = s().put_checklist(record, k_actor);
  EXPECT_TRUE(fails_with(st, ErrorKind::kConflict, "mini"));
  EXPECT_NE(st.message().find("'1'"), std::string::npos) << "names the version: " << st.message();
  EXPECT_EQ(dump(s()), before);
}

TEST_P(StoreConformance, AChecklistWhoseHashIsNotThatOfItsContentIsBadInput) {
  auto record = record_of(mini_checklist());
  record.sha256 = std::string(64, '0');
  EXPECT_TRUE(fails_with(s().put_checklist(record, k_actor), ErrorKind::kBadInput, "mini"));
  EXPECT_TRUE(got(s().list_checklists()).empty());
  EXPECT_EQ(audit_count(), 0u);
}

TEST_P(StoreConformance, ListChecklistsIsOrderedByIdThenVersion) {
  ASSERT_OK(s().put_checklist(record_of(mini_checklist("2")), k_actor));
  ASSERT_OK(s().put_checklist(record_of(factory_checklist(), true), k_actor));
  ASSERT_OK(s().put_checklist(record_of(mini_checklist("1")), k_actor));
  std::vector<std::pair<std::string, std::string>> listed;
  for (const auto& c : got(s().list_checklists())) listed.emplace_back(c.id, c.version);
  std::vector<std::pair<std::string, std::string>> expected = {
      {"factory-ir", factory_checklist().version}, {"mini", "1"}, {"mini", "2"}};
  EXPECT_EQ(listed, expected);
}

TEST_P(StoreConformance, GetChecklistOfAnUnknownVersionIsNotFoundNamingIt) {
  ASSERT_OK(s().put_checklist(record_of(mini_checklist()), k_actor));
  auto r = s().get_checklist("mini", "9");
  EXPECT_TRUE(fails_with(r.status(), ErrorKind::kNotFound, "mini"));
  EXPECT_NE(r.status().message().find('9'), std::string::npos) << r.status().message();
}

// --- campaigns -------------------------------------------------------------------

TEST_P(StoreConformance, CreateCampaignKeepsEveryFieldAndSetsTheTimes) {
  ASSERT_OK(s().put_checklist(record_of(mini_checklist()), k_actor));
  CampaignRecord c{"2026-autumn",
                   "秋の訓練",
                   "mini",
                   "1",
                   "2026-10-01",
                   "2026-11-30",
                   5,
                   CampaignState::kDraft,
                   "1999-01-01T00:00:00.000000Z",
                   "1999-01-01T00:00:00.000000Z"};
  ASSERT_OK(s().create_campaign(c, k_actor));
  auto stored = got(s().get_campaign("2026-autumn"));
  EXPECT_EQ(stored.title, "秋の訓練");
  EXPECT_EQ(stored.checklist_id, "mini");
  EXPECT_EQ(stored.checklist_version, "1");
  EXPECT_EQ(stored.opens_on, "2026-10-01");
  EXPECT_EQ(stored.closes_on, "2026-11-30");
  EXPECT_EQ(stored.min_group, 5);
  EXPECT_EQ(stored.state, CampaignState::kDraft);
  EXPECT_TRUE(is_canonical_time(stored.created_at)) << stored.created_at;
  EXPECT_GT(stored.created_at, "2000") << "times come from the store's clock, not the caller";
  EXPECT_EQ(stored.updated_at, stored.created_at);
}

TEST_P(StoreConformance, CreateCampaignOnAnUnregisteredChecklistIsNotFoundAndWritesNothing) {
  ASSERT_OK(s().put_checklist(record_of(mini_checklist()), k_actor));
  auto before = dump(s());
  CampaignRecord c;
  c.id = "c";
  c.checklist_id = "mini";
  c.checklist_version = "7";
  EXPECT_TRUE(fails_with(s().create_campaign(c, k_actor), ErrorKind::kNotFound, "mini"));
  EXPECT_EQ(dump(s()), before);
}

TEST_P(StoreConformance, CreatingACampaignTwiceIsAConflictNamingIt) {
  mini_world();
  auto before = dump(s());
  CampaignRecord c;
  c.id = "c";
  c.checklist_id = "mini";
  c.checklist_version = "1";
  EXPECT_TRUE(fails_with(s().create_campaign(c, k_actor), ErrorKind::kConflict, "'c'"));
  EXPECT_EQ(dump(s()), before);
}

TEST_P(StoreConformance, CreateCampaignWithMalformedValuesIsBadInput) {
  ASSERT_OK(s().put_checklist(record_of(mini_checklist()), k_actor));
  auto before = dump(s());
  CampaignRecord c;
  c.id = "c";
  c.checklist_id = "mini";
  c.checklist_version = "1";
  auto no_id = c;
  no_id.id.clear();
  EXPECT_TRUE(fails_with(s().create_campaign(no_id, k_actor), ErrorKind::kBadInput));
  auto zero_group = c;
  zero_group.min_group = 0;
  EXPECT_TRUE(fails_with(s().create_campaign(zero_group, k_actor), ErrorKind::kBadInput, "min_group"));
  auto bad_date = c;
  bad_date.closes_on = "30.11.2026";
  EXPECT_TRUE(fails_with(s().create_campaign(bad_date, k_actor), ErrorKind::kBadInput, "30.11.2026"));
  EXPECT_EQ(dump(s()), before);
}

TEST_P(StoreConformance, ListCampaignsIsOrderedById) {
  ASSERT_OK(s().put_checklist(record_of(mini_checklist()), k_actor));
  for (const char* id : {"b", "B", "a", "2026"}) {
    CampaignRecord c;
    c.id = id;
    c.checklist_id = "mini";
    c.checklist_version = "1";
    ASSERT_OK(s().create_campaign(c, k_actor));
  }
  std::vector<std::string> ids;
  for (const auto& c : got(s().list_campaigns())) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"2026", "B", "a", "b"}));
}

TEST_P(StoreConformance, GetCampaignOfAnUnknownIdIsNotFoundNamingIt) {
  EXPECT_TRUE(fails_with(s().get_campaign("nope").status(), ErrorKind::kNotFound, "nope"));
}

TEST_P(StoreConformance, CampaignGoesDraftOpenClosedOpenClosedPublished) {
  mini_world(3, 3);
  for (int i = 0; i < 3; ++i) append({rev(org_id(i), {{"Q1", 1, {}}})});
  const std::vector<CampaignState> path = {CampaignState::kClosed, CampaignState::kOpen, CampaignState::kClosed,
                                           CampaignState::kPublished};
  auto updated = got(s().get_campaign("c")).updated_at;
  for (auto to : path) {
    ASSERT_OK(s().set_campaign_state("c", to, k_actor));
    auto c = got(s().get_campaign("c"));
    EXPECT_EQ(c.state, to);
    EXPECT_GE(c.updated_at, updated);
    EXPECT_LE(c.created_at, c.updated_at);
    updated = c.updated_at;
  }
}

TEST_P(StoreConformance, EveryForbiddenTransitionIsAConflictNamingTheCurrentStateAndWritesNothing) {
  mini_world(3, 1);
  append({rev(org_id(0), {{"Q1", 1, {}}})});
  ASSERT_OK(s().set_campaign_state("c", CampaignState::kClosed, k_actor));
  ASSERT_OK(s().set_campaign_state("c", CampaignState::kOpen, k_actor));
  // Campaigns in each state: "c-draft", the open "c", and so on.
  CampaignRecord d;
  d.id = "c-draft";
  d.checklist_id = "mini";
  d.checklist_version = "1";
  ASSERT_OK(s().create_campaign(d, k_actor));
  d.id = "c-closed";
  ASSERT_OK(s().create_campaign(d, k_actor));
  ASSERT_OK(s().set_campaign_state("c-closed", CampaignState::kOpen, k_actor));
  ASSERT_OK(s().set_campaign_state("c-closed", CampaignState::kClosed, k_actor));
  d.id = "c-published";
  d.min_group = 1;
  ASSERT_OK(s().create_campaign(d, k_actor));
  ASSERT_OK(s().set_campaign_state("c-published", CampaignState::kOpen, k_actor));
  append({rev(org_id(1), {{"Q2", 2, {}}})}, nullptr, {}, "c-published");
  ASSERT_OK(s().set_campaign_state("c-published", CampaignState::kClosed, k_actor));
  ASSERT_OK(s().set_campaign_state("c-published", CampaignState::kPublished, k_actor));

  const std::map<std::string, CampaignState> campaigns = {{"c-draft", CampaignState::kDraft},
                                                          {"c", CampaignState::kOpen},
                                                          {"c-closed", CampaignState::kClosed},
                                                          {"c-published", CampaignState::kPublished}};
  auto before = dump(s());
  int refused = 0;
  for (const auto& [id, from] : campaigns) {
    ASSERT_EQ(got(s().get_campaign(id)).state, from);
    for (auto to : {CampaignState::kDraft, CampaignState::kOpen, CampaignState::kClosed, CampaignState::kPublished}) {
      if (campaign_transition_allowed(from, to)) continue;
      auto st = s().set_campaign_state(id, to, k_actor);
      EXPECT_TRUE(fails_with(st, ErrorKind::kConflict, "'" + id + "'")) << to_string(from) << " → " << to_string(to);
      EXPECT_NE(st.message().find(to_string(from)), std::string::npos) << st.message();
      ++refused;
    }
  }
  EXPECT_EQ(refused, 16 - 4);
  EXPECT_EQ(dump(s()), before);
}

TEST_P(StoreConformance, PublishingNeedsMinGroupOrganisationsWithASubmittedRevision) {
  mini_world(5, 3);
  append({rev(org_id(0), {{"Q1", 1, {}}}), rev(org_id(1), {{"Q1", 2, {}}}),
          rev(org_id(2), {{"Q1", 3, {}}}, RevisionState::kDraft)});
  append({rev(org_id(0), {{"Q1", 4, {}}})});  // a second submitted revision of the same org counts once
  ASSERT_OK(s().set_campaign_state("c", CampaignState::kClosed, k_actor));
  auto before = dump(s());
  auto st = s().set_campaign_state("c", CampaignState::kPublished, k_actor);
  EXPECT_TRUE(fails_with(st, ErrorKind::kConflict, "'c'"));
  EXPECT_NE(st.message().find('3'), std::string::npos) << "names min_group: " << st.message();
  EXPECT_EQ(dump(s()), before);

  ASSERT_OK(s().set_campaign_state("c", CampaignState::kOpen, k_actor));
  append({rev(org_id(2), {{"Q1", 3, {}}})});
  ASSERT_OK(s().set_campaign_state("c", CampaignState::kClosed, k_actor));
  EXPECT_OK(s().set_campaign_state("c", CampaignState::kPublished, k_actor));
  EXPECT_EQ(got(s().get_campaign("c")).state, CampaignState::kPublished);
}

TEST_P(StoreConformance, SetStateOfAnUnknownCampaignIsNotFoundNamingIt) {
  EXPECT_TRUE(fails_with(s().set_campaign_state("nope", CampaignState::kOpen, k_actor), ErrorKind::kNotFound, "nope"));
  EXPECT_EQ(audit_count(), 0u);
}

// --- appending revisions -------------------------------------------------------------

TEST_P(StoreConformance, RevisionsAreNumberedOneTwoThreePerCampaignAndOrganisation) {
  put_orgs(2);
  open_campaign("c", mini_checklist());
  ASSERT_OK(s().put_checklist(record_of(mini_checklist("2")), k_actor));
  open_campaign("d", mini_checklist("2"));
  std::vector<std::int64_t> ids;
  for (std::uint8_t round = 1; round <= 3; ++round) {
    auto r = append({rev(org_id(0), {{"Q1", round, {}}}), rev(org_id(1), {{"Q2", round, {}}})});
    ASSERT_EQ(r.revision_ids.size(), 2u);
    ids.insert(ids.end(), r.revision_ids.begin(), r.revision_ids.end());
  }
  auto other = append({rev(org_id(0), {{"Q1", 1, {}}})}, nullptr, {}, "d");
  for (const auto& org : {org_id(0), org_id(1)}) {
    auto history = got(s().revision_history("c", org));
    ASSERT_EQ(history.size(), 3u);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(history[i].no, i + 1);
  }
  auto in_d = got(s().revision_history("d", org_id(0)));
  ASSERT_EQ(in_d.size(), 1u);
  EXPECT_EQ(in_d[0].no, 1) << "numbering is per campaign";
  ids.push_back(other.revision_ids.at(0));
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), ids.size()) << "revision ids are unique";
}

TEST_P(StoreConformance, AppendKeepsAnswersSortedByItemWithAuthorTimeAndState) {
  mini_world();
  auto r = append(
      {rev(org_id(3), {{"Q3", 2, {}}, {"O1", 4, "該当なし\n理由は別紙"}, {"Q1", 0, "コメントだけ"}, {"Q2", 1, {}}},
           RevisionState::kDraft)});
  ASSERT_EQ(r.created, 1u);
  auto history = got(s().revision_history("c", org_id(3)));
  ASSERT_EQ(history.size(), 1u);
  const Revision& stored = history[0];
  EXPECT_EQ(stored.id, r.revision_ids.at(0));
  EXPECT_EQ(stored.campaign, "c");
  EXPECT_EQ(stored.org, org_id(3));
  EXPECT_EQ(stored.state, RevisionState::kDraft);
  EXPECT_EQ(stored.author, k_actor.name);
  EXPECT_TRUE(is_canonical_time(stored.created_at)) << stored.created_at;
  EXPECT_EQ(stored.import_id, 0);
  std::vector<Answer> expected = {
      {"O1", 4, "該当なし\n理由は別紙"}, {"Q1", 0, "コメントだけ"}, {"Q2", 1, {}}, {"Q3", 2, {}}};
  EXPECT_EQ(stored.answers, expected);
}

TEST_P(StoreConformance, AppendWithOneUnknownOrgAmongAThousandWritesNothing) {
  put_orgs(1000);
  open_campaign("c", factory_checklist());
  std::vector<NewRevision> revisions;
  for (std::size_t i = 0; i < 1000; ++i) revisions.push_back(rev(org_id(i), factory_answers(i)));
  revisions[500].org = "ghost-org";
  auto before = dump(s());
  ImportRecord source;
  source.filename = "answers.csv";
  source.sha256 = std::string(64, 'a');
  auto r = s().append_revisions("c", revisions, &source, k_actor);
  EXPECT_TRUE(fails_with(r.status(), ErrorKind::kNotFound, "ghost-org"));
  EXPECT_EQ(dump(s()), before) << "no revision, no import record, no audit entry";
  EXPECT_FALSE(got(s().find_import("c", source.sha256)).has_value());
}

TEST_P(StoreConformance, AppendRegistersOrganisationsInTheSameTransaction) {
  open_campaign("c", factory_checklist());
  std::vector<NewRevision> revisions;
  AppendOptions options;
  for (std::size_t i = 0; i < 50; ++i) {
    revisions.push_back(rev(org_id(i), factory_answers(i)));
    options.register_orgs.push_back(OrgRecord{org_id(i), "組織 " + std::to_string(i), "化学", "S", {}, {}});
  }
  // A bad answer at the end: neither the organisations nor the answers land.
  revisions.back().answers[3].item = "NO-SUCH-ITEM";
  auto before = dump(s());
  auto failed = s().append_revisions("c", revisions, nullptr, k_actor, options);
  EXPECT_TRUE(fails_with(failed.status(), ErrorKind::kBadInput, "NO-SUCH-ITEM"));
  EXPECT_EQ(dump(s()), before) << "the organisations were registered although the append failed";
  EXPECT_TRUE(got(s().list_orgs()).empty());

  revisions.back().answers[3].item = factory_answers(49)[3].item;
  auto done = s().append_revisions("c", revisions, nullptr, k_actor, options);
  ASSERT_TRUE(done.is_ok()) << done.status().to_string();
  EXPECT_EQ(done->created, 50u);
  auto orgs = got(s().list_orgs());
  ASSERT_EQ(orgs.size(), 50u);
  EXPECT_FALSE(orgs[0].pseudonym.empty());
  auto audit = got(s().list_audit());
  ASSERT_GE(audit.size(), 2u);
  EXPECT_EQ(audit[audit.size() - 2].action, "org.put");
  EXPECT_EQ(audit.back().action, "revision.append");
  // One call, one time: organisations, revisions and both audit entries.
  EXPECT_EQ(audit[audit.size() - 2].at, audit.back().at);
  EXPECT_EQ(orgs[0].created_at, audit.back().at);
  EXPECT_EQ(got(s().revision_history("c", org_id(0))).at(0).created_at, audit.back().at);
}

TEST_P(StoreConformance, AppendWithOneBadItemAmongAThousandWritesNothing) {
  put_orgs(1000);
  open_campaign("c", factory_checklist());
  std::vector<NewRevision> revisions;
  for (std::size_t i = 0; i < 1000; ++i) revisions.push_back(rev(org_id(i), factory_answers(i)));
  revisions[999].answers[40].item = "NO-SUCH-ITEM";
  auto before = dump(s());
  ImportRecord source;
  source.filename = "answers.csv";
  source.sha256 = std::string(64, 'b');
  auto r = s().append_revisions("c", revisions, &source, k_actor);
  EXPECT_TRUE(fails_with(r.status(), ErrorKind::kBadInput, "NO-SUCH-ITEM"));
  EXPECT_NE(r.status().message().find(org_id(999)), std::string::npos) << r.status().message();
  EXPECT_EQ(dump(s()), before);
  EXPECT_TRUE(got(s().list_imports("c")).empty());
}

TEST_P(StoreConformance, AppendWithAChoiceOutOfRangeIsBadInputNamingOrgAndItem) {
  mini_world();
  auto before = dump(s());
  auto r =
      s().append_revisions("c", {rev(org_id(0), {{"Q1", 1, {}}}), rev(org_id(1), {{"Q3", 3, {}}})}, nullptr, k_actor);
  EXPECT_TRUE(fails_with(r.status(), ErrorKind::kBadInput, "Q3"));
  EXPECT_NE(r.status().message().find(org_id(1)), std::string::npos) << r.status().message();
  EXPECT_EQ(dump(s()), before);
}

TEST_P(StoreConformance, AppendWithNeitherAnswerNorCommentIsBadInput) {
  mini_world();
  auto before = dump(s());
  EXPECT_TRUE(fails_with(s().append_revisions("c", {rev(org_id(0), {{"Q1", 0, {}}})}, nullptr, k_actor).status(),
                         ErrorKind::kBadInput, "Q1"));
  EXPECT_EQ(dump(s()), before);
}

TEST_P(StoreConformance, AppendWithAnItemAnsweredTwiceIsBadInput) {
  mini_world();
  auto before = dump(s());
  EXPECT_TRUE(
      fails_with(s().append_revisions("c", {rev(org_id(0), {{"Q1", 1, {}}, {"Q1", 2, {}}})}, nullptr, k_actor).status(),
                 ErrorKind::kBadInput, "Q1"));
  EXPECT_EQ(dump(s()), before);
}

TEST_P(StoreConformance, AppendWithTheSameOrganisationTwiceIsBadInputNamingIt) {
  mini_world();
  auto before = dump(s());
  auto r =
      s().append_revisions("c", {rev(org_id(2), {{"Q1", 1, {}}}), rev(org_id(2), {{"Q1", 2, {}}})}, nullptr, k_actor);
  EXPECT_TRUE(fails_with(r.status(), ErrorKind::kBadInput, org_id(2)));
  EXPECT_EQ(dump(s()), before);
}

TEST_P(StoreConformance, AppendToAnUnknownCampaignIsNotFoundNamingIt) {
  put_orgs(1);
  EXPECT_TRUE(fails_with(s().append_revisions("nope", {rev(org_id(0), {{"Q1", 1, {}}})}, nullptr, k_actor).status(),
                         ErrorKind::kNotFound, "nope"));
  EXPECT_EQ(audit_count(), 1u) << "only put_orgs' entry";
}

TEST_P(StoreConformance, AppendToACampaignThatIsNotOpenIsAConflictUnlessOpenIsNotRequired) {
  mini_world();
  CampaignRecord d;
  d.id = "draft";
  d.checklist_id = "mini";
  d.checklist_version = "1";
  ASSERT_OK(s().create_campaign(d, k_actor));
  ASSERT_OK(s().set_campaign_state("c", CampaignState::kClosed, k_actor));
  auto before = dump(s());
  for (const char* id : {"c", "draft"}) {
    auto r = s().append_revisions(id, {rev(org_id(0), {{"Q1", 1, {}}})}, nullptr, k_actor);
    EXPECT_TRUE(fails_with(r.status(), ErrorKind::kConflict, std::string("'") + id + "'"));
  }
  auto st = s().append_revisions("c", {rev(org_id(0), {{"Q1", 1, {}}})}, nullptr, k_actor).status();
  EXPECT_NE(st.message().find("closed"), std::string::npos) << "names the state: " << st.message();
  EXPECT_EQ(dump(s()), before);

  AppendOptions options;
  options.require_open = false;
  EXPECT_EQ(append({rev(org_id(0), {{"Q1", 1, {}}})}, nullptr, options, "c").created, 1u);
}

TEST_P(StoreConformance, UnchangedAnswersAreSkippedAndCounted) {
  mini_world(4);
  std::vector<NewRevision> first;
  for (std::size_t i = 0; i < 4; ++i) first.push_back(rev(org_id(i), {{"Q1", 1, {}}, {"Q2", 2, "c"}}));
  EXPECT_EQ(append(first).created, 4u);

  auto same = first;
  std::reverse(same[1].answers.begin(), same[1].answers.end());  // order does not matter
  auto r = append(same);
  EXPECT_EQ(r.created, 0u);
  EXPECT_EQ(r.unchanged, 4u);
  EXPECT_TRUE(r.revision_ids.empty());

  auto changed = first;
  changed[2].answers[1].comment = "c2";      // another comment is a change
  changed[3].state = RevisionState::kDraft;  // so is another state
  r = append(changed);
  EXPECT_EQ(r.created, 2u);
  EXPECT_EQ(r.unchanged, 2u);
  ASSERT_EQ(r.revision_ids.size(), 2u);
  EXPECT_EQ(got(s().revision_history("c", org_id(2))).back().id, r.revision_ids[0]) << "ids in input order";
  EXPECT_EQ(got(s().revision_history("c", org_id(3))).back().id, r.revision_ids[1]);

  AppendOptions always;
  always.skip_unchanged = false;
  r = append(first, nullptr, always);
  EXPECT_EQ(r.created, 4u);
  EXPECT_EQ(r.unchanged, 0u);
  EXPECT_EQ(got(s().revision_history("c", org_id(0))).size(), 2u);
}

// --- answers marked for review ---------------------------------------------------------

TEST_P(StoreConformance, AnAnswerMarkedOnlyForReviewIsKeptAndTheFlagReadsBack) {
  mini_world(2);
  // Q1: marked only (no choice, no comment); Q2: answered and marked;
  // Q3: commented and marked; O1: answered, not marked.
  const std::vector<Answer> answers = {
      {"O1", 1, {}, false}, {"Q1", 0, {}, true}, {"Q2", 2, {}, true}, {"Q3", 0, "要確認", true}};
  ImportRecord source{0, {}, "draft.json", util::sha256_hex("draft"), {}, {}, 0, 0};
  auto r = append({rev(org_id(0), answers, RevisionState::kDraft), rev(org_id(1), {{"Q1", 0, {}, true}})}, &source);
  ASSERT_EQ(r.created, 2u);
  EXPECT_EQ(got(s().revision_history("c", org_id(0))).at(0).answers, answers);
  EXPECT_EQ(got(s().revision_history("c", org_id(1))).at(0).answers, (std::vector<Answer>{{"Q1", 0, {}, true}}));
  LatestQuery any;
  any.state = std::nullopt;
  auto latest = got(s().latest_revisions("c", any));
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_EQ(latest[0].answers, answers);
  EXPECT_EQ(latest[1].answers.at(0).review, true);
  // Without answer, comment or mark an item is still refused.
  EXPECT_TRUE(fails_with(s().append_revisions("c", {rev(org_id(1), {{"Q2", 0, {}, false}})}, nullptr, k_actor).status(),
                         ErrorKind::kBadInput, "Q2"));
}

TEST_P(StoreConformance, AChangeOfTheReviewFlagAloneIsANewRevision) {
  mini_world(3);
  std::vector<NewRevision> first = {rev(org_id(0), {{"Q1", 1, {}}, {"Q2", 2, "c"}}),
                                    rev(org_id(1), {{"Q1", 1, {}, true}}), rev(org_id(2), {{"Q3", 1, {}}})};
  EXPECT_EQ(append(first).created, 3u);
  EXPECT_EQ(append(first).unchanged, 3u) << "the same flags are unchanged";

  auto changed = first;
  changed[0].answers[1].review = true;   // marked
  changed[1].answers[0].review = false;  // unmarked: Q1 still has its answer
  auto r = append(changed);
  EXPECT_EQ(r.created, 2u);
  EXPECT_EQ(r.unchanged, 1u);
  auto history = got(s().revision_history("c", org_id(0)));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_FALSE(history[0].answers[1].review) << "the earlier revision keeps its flag";
  EXPECT_TRUE(history[1].answers[1].review);
  EXPECT_FALSE(got(s().revision_history("c", org_id(1))).back().answers.at(0).review);
}

// Above 200 organisations the SQL store reads the latest answers of the whole
// campaign instead of naming the organisations: the flag must count there too.
TEST_P(StoreConformance, TheReviewFlagCountsForUnchangedInALargeAppend) {
  put_orgs(250);
  open_campaign("c", factory_checklist());
  std::vector<NewRevision> revisions;
  for (std::size_t i = 0; i < 250; ++i) {
    revisions.push_back(rev(org_id(i), factory_answers(i)));
    revisions.back().answers[i % 75].review = i % 2 == 0;
  }
  EXPECT_EQ(append(revisions).created, 250u);
  for (std::size_t i = 0; i < 250; i += 10) revisions[i].answers[(i + 1) % 75].review = true;
  auto r = append(revisions);
  EXPECT_EQ(r.created, 25u);
  EXPECT_EQ(r.unchanged, 225u);
  auto latest = got(s().latest_revisions("c"));
  ASSERT_EQ(latest.size(), 250u);
  for (std::size_t i = 0; i < 250; ++i) {
    EXPECT_EQ(latest[i].answers, normalized_answers(revisions[i].answers)) << org_id(i);
  }
}

TEST_P(StoreConformance, AnImportIsRecordedWithItsCountsAndLinkedFromItsRevisions) {
  mini_world(3);
  append({rev(org_id(0), {{"Q1", 1, {}}})});
  ImportRecord source;
  source.filename = "回答.csv";
  source.sha256 = util::sha256_hex("file bytes");
  source.revisions = 99;  // filled in by the store
  auto r = append({rev(org_id(0), {{"Q1", 1, {}}}), rev(org_id(1), {{"Q1", 2, {}}}), rev(org_id(2), {{"Q1", 3, {}}})},
                  &source);
  ASSERT_NE(r.import_id, 0);
  auto imports = got(s().list_imports("c"));
  ASSERT_EQ(imports.size(), 1u);
  const ImportRecord& i = imports[0];
  EXPECT_EQ(i.id, r.import_id);
  EXPECT_EQ(i.campaign, "c");
  EXPECT_EQ(i.filename, "回答.csv");
  EXPECT_EQ(i.sha256, source.sha256);
  EXPECT_EQ(i.actor, k_actor.name);
  EXPECT_TRUE(is_canonical_time(i.at)) << i.at;
  EXPECT_EQ(i.revisions, 2);
  EXPECT_EQ(i.unchanged, 1);
  for (std::size_t o = 1; o < 3; ++o) EXPECT_EQ(got(s().revision_history("c", org_id(o))).at(0).import_id, i.id);
  EXPECT_EQ(got(s().revision_history("c", org_id(0))).size(), 1u);

  auto found = got(s().find_import("c", source.sha256));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, i.id);
  EXPECT_FALSE(got(s().find_import("c", util::sha256_hex("other bytes"))).has_value());
}

TEST_P(StoreConformance, ImportsAreListedByIdAndFindImportGivesTheFirstOfTheSameBytes) {
  mini_world(2);
  ASSERT_OK(s().put_checklist(record_of(mini_checklist("2")), k_actor));
  open_campaign("d", mini_checklist("2"));
  ImportRecord a{0, {}, "a.csv", util::sha256_hex("a"), {}, {}, 0, 0};
  ImportRecord b{0, {}, "b.csv", util::sha256_hex("b"), {}, {}, 0, 0};
  auto first = append({rev(org_id(0), {{"Q1", 1, {}}})}, &a);
  auto elsewhere = append({rev(org_id(0), {{"Q1", 1, {}}})}, &a, {}, "d");
  auto second = append({rev(org_id(1), {{"Q1", 1, {}}})}, &b);
  auto again = append({rev(org_id(0), {{"Q1", 2, {}}})}, &a);  // the same bytes, imported again
  std::vector<std::int64_t> ids;
  for (const auto& i : got(s().list_imports("c"))) ids.push_back(i.id);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{first.import_id, second.import_id, again.import_id}));
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(got(s().find_import("c", a.sha256))->id, first.import_id);
  EXPECT_EQ(got(s().find_import("d", a.sha256))->id, elsewhere.import_id);
  EXPECT_FALSE(got(s().find_import("d", b.sha256)).has_value());
  EXPECT_TRUE(fails_with(s().list_imports("nope").status(), ErrorKind::kNotFound, "nope"));
  EXPECT_TRUE(fails_with(s().find_import("nope", a.sha256).status(), ErrorKind::kNotFound, "nope"));
}

TEST_P(StoreConformance, AnImportThatCreatesNothingIsStillRecorded) {
  mini_world(1);
  append({rev(org_id(0), {{"Q1", 1, {}}})});
  ImportRecord source{0, {}, "same.csv", util::sha256_hex("same"), {}, {}, 0, 0};
  auto r = append({rev(org_id(0), {{"Q1", 1, {}}})}, &source);
  EXPECT_EQ(r.created, 0u);
  EXPECT_EQ(r.unchanged, 1u);
  auto imports = got(s().list_imports("c"));
  ASSERT_EQ(imports.size(), 1u);
  EXPECT_EQ(imports[0].revisions, 0);
  EXPECT_EQ(imports[0].unchanged, 1);
}

TEST_P(StoreConformance, ProgressIsReportedOncePerWrittenRevisionWithTheTotal) {
  mini_world(5);
  append({rev(org_id(0), {{"Q1", 1, {}}})});
  std::vector<std::pair<std::size_t, std::size_t>> calls;
  AppendOptions options;
  options.progress = [&](std::size_t done, std::size_t total) { calls.emplace_back(done, total); };
  std::vector<NewRevision> revisions;
  for (std::size_t i = 0; i < 5; ++i) revisions.push_back(rev(org_id(i), {{"Q1", 1, {}}}));
  auto r = append(revisions, nullptr, options);
  ASSERT_EQ(r.created, 4u);
  std::vector<std::pair<std::size_t, std::size_t>> expected = {{1, 4}, {2, 4}, {3, 4}, {4, 4}};
  EXPECT_EQ(calls, expected);
}

// --- reading revisions ----------------------------------------------------------------

TEST_P(StoreConformance, LatestRevisionsAreTheSubmittedOnesByDefaultAndSkipNewerDrafts) {
  mini_world(3);
  append({rev(org_id(0), {{"Q1", 1, {}}}), rev(org_id(1), {{"Q1", 2, {}}}, RevisionState::kDraft)});
  append({rev(org_id(0), {{"Q1", 3, {}}}, RevisionState::kDraft)});
  auto submitted = got(s().latest_revisions("c"));
  ASSERT_EQ(submitted.size(), 1u);
  EXPECT_EQ(submitted[0].org, org_id(0));
  EXPECT_EQ(submitted[0].no, 1);
  EXPECT_EQ(submitted[0].answers, (std::vector<Answer>{{"Q1", 1, {}}}));

  LatestQuery any;
  any.state = std::nullopt;
  auto latest = got(s().latest_revisions("c", any));
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_EQ(latest[0].org, org_id(0));
  EXPECT_EQ(latest[0].no, 2);
  EXPECT_EQ(latest[0].state, RevisionState::kDraft);
  EXPECT_EQ(latest[1].org, org_id(1));

  LatestQuery drafts;
  drafts.state = RevisionState::kDraft;
  auto d = got(s().latest_revisions("c", drafts));
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].no, 2);
  EXPECT_EQ(d[1].no, 1);
}

TEST_P(StoreConformance, SubmissionMarkChangesWithEverySubmittedRevisionAndOnlyThen) {
  mini_world(3);
  EXPECT_EQ(got(s().submission_mark("c")), SubmissionMark{});
  append({rev(org_id(0), {{"Q1", 1, {}}}), rev(org_id(1), {{"Q1", 2, {}}}, RevisionState::kDraft)});
  const SubmissionMark one = got(s().submission_mark("c"));
  EXPECT_EQ(one.count, 1);
  auto latest = got(s().latest_revisions("c"));
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(one.max_id, latest[0].id);
  EXPECT_EQ(one.id_sum, latest[0].id);
  // A draft leaves the submitted revisions, and so the mark, as they were.
  append({rev(org_id(2), {{"Q1", 3, {}}}, RevisionState::kDraft)});
  EXPECT_EQ(got(s().submission_mark("c")), one);
  // A new submission of the same organisation changes it (the latest set moved).
  append({rev(org_id(0), {{"Q1", 2, {}}})});
  const SubmissionMark two = got(s().submission_mark("c"));
  EXPECT_EQ(two.count, 2);
  EXPECT_GT(two.max_id, one.max_id);
  EXPECT_EQ(two.id_sum, one.max_id + two.max_id);
  EXPECT_TRUE(fails_with(s().submission_mark("no-such-campaign").status(), ErrorKind::kNotFound, "no-such-campaign"));
}

TEST_P(StoreConformance, LatestRevisionsAreOrderedByOrganisation) {
  std::vector<std::string> ids = {"zeta", "Alpha", "beta", "10", "9"};
  std::vector<OrgRecord> orgs;
  for (const auto& id : ids) orgs.push_back({id, id, {}, {}, {}, {}});
  ASSERT_OK(s().put_orgs(orgs, k_actor));
  open_campaign("c", mini_checklist());
  std::vector<NewRevision> revisions;
  for (const auto& id : ids) revisions.push_back(rev(id, {{"Q2", 1, {}}}));
  append(revisions);
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> listed;
  for (const auto& r : got(s().latest_revisions("c"))) listed.push_back(r.org);
  EXPECT_EQ(listed, ids);
}

TEST_P(StoreConformance, LatestRevisionsAsOfATimeGiveWhatWasLatestThen) {
  mini_world(2);
  append({rev(org_id(0), {{"Q1", 1, {}}})});
  const Timestamp first = got(s().revision_history("c", org_id(0))).at(0).created_at;
  while (now_utc() <= first) {
  }  // the clock moves on within a microsecond
  append({rev(org_id(0), {{"Q1", 2, {}}}), rev(org_id(1), {{"Q1", 3, {}}})});
  const Timestamp second = got(s().revision_history("c", org_id(0))).at(1).created_at;
  ASSERT_GT(second, first);

  LatestQuery then;
  then.as_of = first;
  auto at_first = got(s().latest_revisions("c", then));
  ASSERT_EQ(at_first.size(), 1u);
  EXPECT_EQ(at_first[0].no, 1);
  EXPECT_EQ(at_first[0].answers.at(0).choice, 1);

  EXPECT_EQ(got(s().latest_revisions("c")).size(), 2u);
  then.as_of = second;
  EXPECT_EQ(got(s().latest_revisions("c", then)).at(0).no, 2);

  then.as_of = "2000-01-01";  // any form parse_timestamp accepts
  EXPECT_TRUE(got(s().latest_revisions("c", then)).empty());
  then.as_of = "2999-12-31T23:59+09:00";
  EXPECT_EQ(got(s().latest_revisions("c", then)).size(), 2u);
  then.as_of = "yesterday";
  EXPECT_TRUE(fails_with(s().latest_revisions("c", then).status(), ErrorKind::kBadInput, "yesterday"));
}

// A campaign whose last revision carries a time ahead of this host's clock
// (written by a host whose clock runs fast, or restored from such a bundle):
// the next revision must still come after it, or --as-of would show revision
// 2 as older than revision 1.
TEST_P(StoreConformance, RevisionTimesFollowRevisionNumbersEvenWhenTheClockIsBehind) {
  mini_world(2);
  append({rev(org_id(0), {{"Q1", 1, {}}})});
  auto bundle = got(s().export_campaign("c"));
  bundle.campaign.id = "ahead";
  for (auto& r : bundle.revisions) r.campaign = "ahead", r.created_at = "2100-01-01T00:00:00.000000Z";
  ASSERT_TRUE(s().restore_campaign(bundle, k_actor).is_ok());
  append({rev(org_id(0), {{"Q1", 2, {}}}), rev(org_id(1), {{"Q1", 3, {}}})}, nullptr, {}, "ahead");
  auto history = got(s().revision_history("ahead", org_id(0)));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_GT(history[1].created_at, history[0].created_at);
  EXPECT_GT(got(s().revision_history("ahead", org_id(1))).at(0).created_at, "2100-01-01T00:00:00.000000Z");
  LatestQuery then;
  then.as_of = history[0].created_at;
  EXPECT_EQ(got(s().latest_revisions("ahead", then)).at(0).no, 1);
  then.as_of = history[1].created_at;
  EXPECT_EQ(got(s().latest_revisions("ahead", then)).at(0).no, 2);
}

TEST_P(StoreConformance, LatestRevisionsOfOneOrganisation) {
  mini_world(3);
  append({rev(org_id(0), {{"Q1", 1, {}}}), rev(org_id(1), {{"Q1", 2, {}}})});
  LatestQuery one;
  one.org = org_id(1);
  auto r = got(s().latest_revisions("c", one));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].org, org_id(1));
  one.org = org_id(2);
  EXPECT_TRUE(got(s().latest_revisions("c", one)).empty()) << "a known organisation without revisions";
  one.org = "ghost";
  EXPECT_TRUE(fails_with(s().latest_revisions("c", one).status(), ErrorKind::kNotFound, "ghost"));
  EXPECT_TRUE(fails_with(s().latest_revisions("nope").status(), ErrorKind::kNotFound, "nope"));
}

TEST_P(StoreConformance, RevisionHistoryListsEveryRevisionByNumber) {
  mini_world(2);
  append({rev(org_id(0), {{"Q1", 1, {}}})});
  append({rev(org_id(0), {{"Q1", 2, {}}}, RevisionState::kDraft)});
  append({rev(org_id(0), {{"Q1", 2, {}}})});
  auto history = got(s().revision_history("c", org_id(0)));
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].state, RevisionState::kSubmitted);
  EXPECT_EQ(history[1].state, RevisionState::kDraft);
  EXPECT_EQ(history[2].state, RevisionState::kSubmitted);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(history[i].no, i + 1);
  EXPECT_LE(history[0].created_at, history[1].created_at);
  EXPECT_LE(history[1].created_at, history[2].created_at);
  EXPECT_TRUE(got(s().revision_history("c", org_id(1))).empty());
  EXPECT_TRUE(fails_with(s().revision_history("c", "ghost").status(), ErrorKind::kNotFound, "ghost"));
  EXPECT_TRUE(fails_with(s().revision_history("nope", org_id(0)).status(), ErrorKind::kNotFound, "nope"));
}

// --- users ---------------------------------------------------------------------------

User user(std::string login, std::vector<Role> roles = {}, std::vector<std::string> orgs = {}) {
  User u;
  u.login = std::move(login);
  u.display_name = "表示名 " + u.login;
  u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$SECRET-SALT$SECRET-HASH-" + u.login;
  u.roles = std::move(roles);
  u.orgs = std::move(orgs);
  return u;
}

TEST_P(StoreConformance, CreateUserKeepsItWithRolesAndOrgsSorted) {
  put_orgs(3);
  ASSERT_OK(s().create_user(
      user("alice@example.jp", {Role::kObserver, Role::kAdmin, Role::kEvaluator, Role::kAdmin}, {org_id(2), org_id(0)}),
      k_actor));
  auto u = got(s().get_user("alice@example.jp"));
  EXPECT_EQ(u.display_name, "表示名 alice@example.jp");
  EXPECT_EQ(u.password_hash, user("alice@example.jp").password_hash);
  EXPECT_EQ(u.roles, (std::vector<Role>{Role::kAdmin, Role::kEvaluator, Role::kObserver}));
  EXPECT_EQ(u.orgs, (std::vector<std::string>{org_id(0), org_id(2)}));
  EXPECT_FALSE(u.disabled);
  EXPECT_TRUE(is_canonical_time(u.created_at)) << u.created_at;
}

TEST_P(StoreConformance, CreatingAUserTwiceIsAConflictNamingTheLogin) {
  ASSERT_OK(s().create_user(user("bob"), k_actor));
  auto before = dump(s());
  EXPECT_TRUE(fails_with(s().create_user(user("bob", {Role::kAdmin}), k_actor), ErrorKind::kConflict, "bob"));
  EXPECT_EQ(dump(s()), before);
}

TEST_P(StoreConformance, CreateUserWithAnUnknownOrgIsNotFoundAndWritesNothing) {
  put_orgs(1);
  auto before = dump(s());
  EXPECT_TRUE(fails_with(s().create_user(user("carol", {Role::kParticipant}, {org_id(0), "ghost"}), k_actor),
                         ErrorKind::kNotFound, "ghost"));
  EXPECT_EQ(dump(s()), before);
}

TEST_P(StoreConformance, CreateUserWithAMalformedLoginIsBadInput) {
  for (const char* login : {"", "has space", "semi;colon", "ユーザー"}) {
    EXPECT_TRUE(fails_with(s().create_user(user(login), k_actor), ErrorKind::kBadInput)) << login;
  }
  EXPECT_TRUE(got(s().list_users()).empty());
  EXPECT_EQ(audit_count(), 0u);
}

TEST_P(StoreConformance, SetUserAccessReplacesRolesAndOrgsWhole) {
  put_orgs(3);
  ASSERT_OK(s().create_user(user("dave", {Role::kAdmin, Role::kCoordinator}, {org_id(0), org_id(1)}), k_actor));
  ASSERT_OK(s().set_user_access("dave", {Role::kParticipant}, {org_id(2)}, k_actor));
  auto u = got(s().get_user("dave"));
  EXPECT_EQ(u.roles, (std::vector<Role>{Role::kParticipant}));
  EXPECT_EQ(u.orgs, (std::vector<std::string>{org_id(2)}));
  ASSERT_OK(s().set_user_access("dave", {}, {}, k_actor));
  u = got(s().get_user("dave"));
  EXPECT_TRUE(u.roles.empty());
  EXPECT_TRUE(u.orgs.empty());
}

TEST_P(StoreConformance, SetUserAccessWithAnUnknownOrgIsNotFoundAndKeepsTheOldAccess) {
  put_orgs(2);
  ASSERT_OK(s().create_user(user("erin", {Role::kEvaluator}, {org_id(0)}), k_actor));
  auto before = dump(s());
  EXPECT_TRUE(fails_with(s().set_user_access("erin", {Role::kAdmin}, {org_id(1), "ghost"}, k_actor),
                         ErrorKind::kNotFound, "ghost"));
  EXPECT_EQ(dump(s()), before);
}

TEST_P(StoreConformance, UsersCanBeDisabledAndEnabledAgain) {
  ASSERT_OK(s().create_user(user("frank"), k_actor));
  ASSERT_OK(s().set_user_disabled("frank", true, k_actor));
  EXPECT_TRUE(got(s().get_user("frank")).disabled);
  ASSERT_OK(s().set_user_disabled("frank", false, k_actor));
  EXPECT_FALSE(got(s().get_user("frank")).disabled);
}

TEST_P(StoreConformance, SetPasswordHashReplacesTheHash) {
  ASSERT_OK(s().create_user(user("gina"), k_actor));
  ASSERT_OK(s().set_password_hash("gina", "$argon2id$v=19$m=65536,t=2,p=1$NEW$NEW", k_actor));
  EXPECT_EQ(got(s().get_user("gina")).password_hash, "$argon2id$v=19$m=65536,t=2,p=1$NEW$NEW");
  ASSERT_OK(s().set_password_hash("gina", "", k_actor));
  EXPECT_EQ(got(s().get_user("gina")).password_hash, "");
}

TEST_P(StoreConformance, UserMethodsOnAnUnknownLoginAreNotFoundNamingIt) {
  put_orgs(1);
  EXPECT_TRUE(fails_with(s().get_user("nobody").status(), ErrorKind::kNotFound, "nobody"));
  EXPECT_TRUE(fails_with(s().set_password_hash("nobody", "x", k_actor), ErrorKind::kNotFound, "nobody"));
  EXPECT_TRUE(
      fails_with(s().set_user_access("nobody", {Role::kAdmin}, {org_id(0)}, k_actor), ErrorKind::kNotFound, "nobody"));
  EXPECT_TRUE(fails_with(s().set_user_disabled("nobody", true, k_actor), ErrorKind::kNotFound, "nobody"));
  EXPECT_EQ(audit_count(), 1u) << "only put_orgs' entry";
}

TEST_P(StoreConformance, ListUsersIsOrderedByLogin) {
  for (const char* login : {"mike", "Bob", "alice", "al"}) ASSERT_OK(s().create_user(user(login), k_actor));
  std::vector<std::string> logins;
  for (const auto& u : got(s().list_users())) logins.push_back(u.login);
  EXPECT_EQ(logins, (std::vector<std::string>{"Bob", "al", "alice", "mike"}));
}

TEST_P(StoreConformance, PasswordHashesNeverReachTheAuditLog) {
  put_orgs(1);
  ASSERT_OK(s().create_user(user("hana", {Role::kAdmin}, {org_id(0)}), k_actor));
  ASSERT_OK(s().set_password_hash("hana", "$argon2id$v=19$m=65536,t=2,p=1$SECRET-SALT2$SECRET-HASH2", k_actor));
  ASSERT_OK(s().set_user_access("hana", {Role::kObserver}, {}, k_actor));
  ASSERT_OK(s().set_user_disabled("hana", true, k_actor));
  auto entries = got(s().list_audit());
  EXPECT_GE(entries.size(), 5u);
  for (const auto& e : entries) {
    for (const auto* field : {&e.actor, &e.action, &e.object_type, &e.object_id, &e.detail}) {
      EXPECT_EQ(field->find("SECRET"), std::string::npos) << e.action << ": " << *field;
      EXPECT_EQ(field->find("argon2"), std::string::npos) << e.action << ": " << *field;
    }
  }
}

// --- campaign coordinators -----------------------------------------------------------

// Users alice and bob (coordinators) and carol (evaluator only); open
// campaigns "c" and "d" on the mini checklist.
void coordinator_world(StoreConformance& t) {
  t.mini_world(1);
  ASSERT_OK(t.s().create_user(user("alice", {Role::kCoordinator}), k_actor));
  ASSERT_OK(t.s().create_user(user("bob", {Role::kCoordinator, Role::kEvaluator}), k_actor));
  ASSERT_OK(t.s().create_user(user("carol", {Role::kEvaluator}, {org_id(0)}), k_actor));
  t.open_campaign("d", mini_checklist());
}

using Logins = std::vector<std::string>;

TEST_P(StoreConformance, CampaignCoordinatorsAreSetReplacedAndClearedWhole) {
  coordinator_world(*this);
  EXPECT_TRUE(got(s().get_campaign("c")).coordinators.empty()) << "a new campaign lists none";
  ASSERT_OK(s().set_campaign_coordinators("c", {"bob", "alice"}, k_actor));
  EXPECT_EQ(got(s().get_campaign("c")).coordinators, (Logins{"alice", "bob"})) << "sorted";
  EXPECT_TRUE(got(s().get_campaign("d")).coordinators.empty()) << "per campaign";
  ASSERT_OK(s().set_campaign_coordinators("c", {"bob"}, k_actor));
  EXPECT_EQ(got(s().get_campaign("c")).coordinators, (Logins{"bob"})) << "replaced, not added to";
  auto entry = got(s().list_audit({"campaign", "c", 1})).at(0);
  EXPECT_EQ(entry.action, "campaign.coordinators");
  EXPECT_EQ(entry.actor, k_actor.name);
  EXPECT_EQ(json::parse(entry.detail), (json{{"coordinators", {"bob"}}}));
  ASSERT_OK(s().set_campaign_coordinators("c", {}, k_actor));
  EXPECT_TRUE(got(s().get_campaign("c")).coordinators.empty());
  // In any state, and the state is left as it is.
  ASSERT_OK(s().set_campaign_state("c", CampaignState::kClosed, k_actor));
  ASSERT_OK(s().set_campaign_coordinators("c", {"alice"}, k_actor));
  auto c = got(s().get_campaign("c"));
  EXPECT_EQ(c.coordinators, (Logins{"alice"}));
  EXPECT_EQ(c.state, CampaignState::kClosed);
}

TEST_P(StoreConformance, ListAndGetCampaignsCarryEachCampaignsOwnCoordinators) {
  coordinator_world(*this);
  CampaignRecord e;
  e.id = "e";
  e.checklist_id = "mini";
  e.checklist_version = "1";
  e.coordinators = {"bob"};
  ASSERT_OK(s().create_campaign(e, k_actor));
  ASSERT_OK(s().set_campaign_coordinators("c", {"bob", "alice"}, k_actor));
  std::map<std::string, Logins> listed;
  for (const auto& campaign : got(s().list_campaigns())) listed[campaign.id] = campaign.coordinators;
  const std::map<std::string, Logins> expected = {{"c", {"alice", "bob"}}, {"d", {}}, {"e", {"bob"}}};
  EXPECT_EQ(listed, expected);
  std::vector<std::string> ids;
  for (const auto& campaign : got(s().list_campaigns())) ids.push_back(campaign.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"c", "d", "e"})) << "each campaign once, by id";
  for (const auto& [id, logins] : expected) EXPECT_EQ(got(s().get_campaign(id)).coordinators, logins) << id;
}

TEST_P(StoreConformance, SetCampaignCoordinatorsRefusesWhatItCannotListAndWritesNothing) {
  coordinator_world(*this);
  ASSERT_OK(s().set_campaign_coordinators("c", {"alice"}, k_actor));
  const auto before = dump(s());
  auto refused = [&](const Logins& logins, ErrorKind kind, std::string_view words, const std::string& campaign = "c") {
    auto st = s().set_campaign_coordinators(campaign, logins, k_actor);
    EXPECT_TRUE(fails_with(st, kind, words)) << ::testing::PrintToString(logins);
    EXPECT_EQ(dump(s()), before) << words;
    return st;
  };
  refused({"alice"}, ErrorKind::kNotFound, "nope", "nope");
  EXPECT_EQ(refused({"bob", "ghost"}, ErrorKind::kNotFound, "'ghost'").where().field, "coordinators");
  auto carol = refused({"alice", "carol"}, ErrorKind::kBadInput, "'carol'");
  EXPECT_NE(carol.message().find("coordinator role"), std::string::npos) << carol.message();
  EXPECT_EQ(carol.where().field, "coordinators");
  refused({"bob", "alice", "bob"}, ErrorKind::kBadInput, "'bob' is listed more than once");
  refused({""}, ErrorKind::kBadInput, "empty");
  refused({std::string("al\0ice", 6)}, ErrorKind::kBadInput, "coordinator login");
  // The order of the checks: the logins as text, then the campaign, then each
  // login as given.
  refused({"bob", "bob"}, ErrorKind::kBadInput, "bob", "nope");
  refused({"carol", "ghost"}, ErrorKind::kBadInput, "carol");
  refused({"ghost", "carol"}, ErrorKind::kNotFound, "ghost");
  EXPECT_TRUE(fails_with(s().set_campaign_coordinators("c", {"bob"}, Actor{std::string("x\0y", 3)}),
                         ErrorKind::kBadInput, "actor"));
  EXPECT_EQ(dump(s()), before);
}

TEST_P(StoreConformance, CreateCampaignListsCoordinatorsWithTheSameChecks) {
  coordinator_world(*this);
  const auto before = dump(s());
  CampaignRecord e;
  e.id = "e";
  e.checklist_id = "mini";
  e.checklist_version = "1";
  e.coordinators = {"alice", "ghost"};
  EXPECT_TRUE(fails_with(s().create_campaign(e, k_actor), ErrorKind::kNotFound, "ghost"));
  e.coordinators = {"carol"};
  EXPECT_TRUE(fails_with(s().create_campaign(e, k_actor), ErrorKind::kBadInput, "carol"));
  e.coordinators = {"alice", "alice"};
  EXPECT_TRUE(fails_with(s().create_campaign(e, k_actor), ErrorKind::kBadInput, "alice"));
  EXPECT_EQ(dump(s()), before) << "no campaign without its coordinators";

  e.coordinators = {"bob", "alice"};
  ASSERT_OK(s().create_campaign(e, k_actor));
  EXPECT_EQ(got(s().get_campaign("e")).coordinators, (Logins{"alice", "bob"}));
  auto entry = got(s().list_audit({"campaign", "e", 1})).at(0);
  EXPECT_EQ(entry.action, "campaign.create");
  EXPECT_EQ(json::parse(entry.detail),
            (json{{"checklist", "mini"}, {"version", "1"}, {"state", "draft"}, {"coordinators", {"alice", "bob"}}}));
}

// The list is what was set: a user who loses the role afterwards stays
// listed (authorisation asks for the role as well).
TEST_P(StoreConformance, ACoordinatorWhoLosesTheRoleStaysListed) {
  coordinator_world(*this);
  ASSERT_OK(s().set_campaign_coordinators("c", {"alice", "bob"}, k_actor));
  ASSERT_OK(s().set_user_access("alice", {Role::kObserver}, {}, k_actor));
  EXPECT_EQ(got(s().get_campaign("c")).coordinators, (Logins{"alice", "bob"}));
  EXPECT_TRUE(fails_with(s().set_campaign_coordinators("c", {"alice", "bob"}, k_actor), ErrorKind::kBadInput, "alice"))
      << "but cannot be listed again";
}

// --- the audit log -------------------------------------------------------------------

TEST_P(StoreConformance, AppendAuditSetsIdAndTimeAndKeepsTheRest) {
  AuditEntry e;
  e.id = 777;
  e.at = "1999-01-01T00:00:00.000000Z";
  e.actor = "user:alice";
  e.action = "auth.refused";
  e.object_type = "user";
  e.object_id = "alice";
  e.detail = R"({"reason":"wrong password"})";
  ASSERT_OK(s().append_audit(e));
  ASSERT_OK(s().append_audit(e));
  auto entries = got(s().list_audit());
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_LT(entries[0].id, entries[1].id);
  EXPECT_NE(entries[0].at, e.at);
  EXPECT_TRUE(is_canonical_time(entries[0].at)) << entries[0].at;
  EXPECT_LE(entries[0].at, entries[1].at);
  EXPECT_EQ(entries[0].actor, "user:alice");
  EXPECT_EQ(entries[0].action, "auth.refused");
  EXPECT_EQ(entries[0].object_type, "user");
  EXPECT_EQ(entries[0].object_id, "alice");
  EXPECT_EQ(json::parse(entries[0].detail), json::parse(e.detail));
}

TEST_P(StoreConformance, AppendAuditWithoutAnActionIsBadInput) {
  AuditEntry e;
  e.actor = "user:alice";
  EXPECT_TRUE(fails_with(s().append_audit(e), ErrorKind::kBadInput));
  EXPECT_EQ(audit_count(), 0u);
}

TEST_P(StoreConformance, ListAuditFiltersByObjectAndKeepsTheNewestUnderALimit) {
  for (int i = 0; i < 6; ++i) {
    AuditEntry e;
    e.actor = "t";
    e.action = "test.event";
    e.object_type = i % 2 == 0 ? "campaign" : "user";
    e.object_id = i < 4 ? "x" : "y";
    e.detail = json{{"i", i}}.dump();
    ASSERT_OK(s().append_audit(e));
  }
  auto is = [](const std::vector<AuditEntry>& entries) {
    std::vector<int> out;
    for (const auto& e : entries) out.push_back(json::parse(e.detail)["i"].get<int>());
    return out;
  };
  EXPECT_EQ(is(got(s().list_audit())), (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(is(got(s().list_audit({"campaign", "", 0}))), (std::vector<int>{0, 2, 4}));
  EXPECT_EQ(is(got(s().list_audit({"", "x", 0}))), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(is(got(s().list_audit({"user", "y", 0}))), (std::vector<int>{5}));
  EXPECT_EQ(is(got(s().list_audit({"", "", 2}))), (std::vector<int>{4, 5}));
  EXPECT_EQ(is(got(s().list_audit({"campaign", "", 2}))), (std::vector<int>{2, 4}));
  EXPECT_EQ(is(got(s().list_audit({"", "", 100}))).size(), 6u);
}

// The audit entries of every mutating method: action, object and detail. The
// SQL backends write exactly these (store.hpp documents the table).
TEST_P(StoreConformance, EveryMutatingCallWritesItsOneAuditEntry) {
  const Actor a{"user:admin"};
  ASSERT_OK(s().put_orgs({{"a", "A", {}, {}, {}, {}}, {"b", "B", {}, {}, {}, {}}}, a));
  ASSERT_OK(s().put_orgs({{"a", "A2", {}, {}, {}, {}}, {"b", "B", {}, {}, {}, {}}, {"c", "C", {}, {}, {}, {}}}, a));
  auto mini = record_of(mini_checklist());
  ASSERT_OK(s().put_checklist(mini, a));
  ASSERT_OK(s().put_checklist(mini, a));  // nothing written, no entry
  CampaignRecord c;
  c.id = "c";
  c.checklist_id = "mini";
  c.checklist_version = "1";
  c.min_group = 1;
  ASSERT_OK(s().create_campaign(c, a));
  ASSERT_OK(s().set_campaign_state("c", CampaignState::kOpen, a));
  ASSERT_OK(s().set_campaign_coordinators("c", {}, a));
  ASSERT_OK(s().append_revisions("c", {rev("a", {{"Q1", 1, {}}}), rev("b", {{"Q1", 2, {}}})}, nullptr, a));
  ImportRecord source{0, {}, "answers.csv", util::sha256_hex("x"), {}, {}, 0, 0};
  auto imported = got(s().append_revisions("c", {rev("a", {{"Q1", 1, {}}}), rev("c", {{"Q1", 3, {}}})}, &source, a));
  ASSERT_OK(s().create_user(user("alice", {Role::kEvaluator, Role::kAdmin}, {"a"}), a));
  ASSERT_OK(s().set_password_hash("alice", "$argon2id$other", a));
  ASSERT_OK(s().set_user_access("alice", {Role::kObserver}, {"b", "a"}, a));
  ASSERT_OK(s().set_user_disabled("alice", true, a));
  auto bundle = got(s().export_campaign("c"));
  bundle.campaign.id = "c-copy";
  ASSERT_OK(s().restore_campaign(bundle, a));
  ExerciseRecord x;
  x.id = "x";
  x.title = "drill";
  x.org = "a";
  x.campaign = "c";
  x.scenario_id = "s";
  x.scenario_version = "1";
  x.scenario_content = "{}";
  x.scenario_sha256 = util::sha256_hex(x.scenario_content);
  ASSERT_OK(s().create_exercise(x, a));
  ASSERT_OK(s().set_exercise_participants("x", {{"alice", "ot-lead"}}, a));
  ASSERT_OK(s().set_exercise_criteria("x", R"({"DP1":{"who":"plant manager"}})", a));
  ASSERT_OK(s().append_exercise_events("x", 0, {{0, "user:alice", "ot-lead", "note", "{}"}},
                                       model::ExerciseState::kRunning));  // the log is its own record: no entry

  struct Expected {
    std::string action, object_type, object_id;
    json detail;  // null = empty detail
  };
  const std::vector<Expected> expected = {
      {"org.put", "org", "", {{"added", 2}, {"updated", 0}}},
      {"org.put", "org", "", {{"added", 1}, {"updated", 1}}},
      {"checklist.put", "checklist", "mini", {{"version", "1"}, {"sha256", mini.sha256}}},
      {"campaign.create", "campaign", "c", {{"checklist", "mini"}, {"version", "1"}, {"state", "draft"}}},
      {"campaign.state", "campaign", "c", {{"from", "draft"}, {"to", "open"}}},
      {"campaign.coordinators", "campaign", "c", {{"coordinators", json::array()}}},
      {"revision.append", "campaign", "c", {{"created", 2}, {"unchanged", 0}}},
      {"revision.import",
       "campaign",
       "c",
       {{"import_id", imported.import_id}, {"file", "answers.csv"}, {"created", 1}, {"unchanged", 1}}},
      {"user.create", "user", "alice", {{"roles", {"admin", "evaluator"}}, {"orgs", {"a"}}}},
      {"user.password", "user", "alice", nullptr},
      {"user.access", "user", "alice", {{"roles", {"observer"}}, {"orgs", {"a", "b"}}}},
      {"user.disabled", "user", "alice", {{"disabled", true}}},
      {"campaign.restore",
       "campaign",
       "c-copy",
       {{"checklist_added", false}, {"orgs_added", 0}, {"imports", 1}, {"revisions", 3}}},
      {"exercise.create",
       "exercise",
       "x",
       {{"title", "drill"}, {"org", "a"}, {"campaign", "c"}, {"scenario", "s"}, {"version", "1"},
        {"sha256", x.scenario_sha256}}},
      {"exercise.participants", "exercise", "x", {{"participants", json::array({{{"login", "alice"}, {"role", "ot-lead"}}})}}},
      {"exercise.criteria", "exercise", "x", {{"criteria", {{"DP1", {{"who", "plant manager"}}}}}}},
  };
  auto entries = got(s().list_audit());
  ASSERT_EQ(entries.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(expected[i].action);
    EXPECT_EQ(entries[i].action, expected[i].action);
    EXPECT_EQ(entries[i].actor, "user:admin");
    EXPECT_EQ(entries[i].object_type, expected[i].object_type);
    EXPECT_EQ(entries[i].object_id, expected[i].object_id);
    if (expected[i].detail.is_null()) {
      EXPECT_EQ(entries[i].detail, "");
    } else {
      EXPECT_EQ(json::parse(entries[i].detail), expected[i].detail) << entries[i].detail;
    }
    EXPECT_TRUE(is_canonical_time(entries[i].at)) << entries[i].at;
    if (i > 0) {
      EXPECT_LT(entries[i - 1].id, entries[i].id);
      EXPECT_LE(entries[i - 1].at, entries[i].at);
    }
  }
}

TEST_P(StoreConformance, TheAuditEntryHasTheTimeOfWhatItRecords) {
  mini_world(1);
  auto r = append({rev(org_id(0), {{"Q1", 1, {}}})});
  auto revision = got(s().revision_history("c", org_id(0))).at(0);
  auto entry = got(s().list_audit({"campaign", "c", 1})).at(0);
  EXPECT_EQ(entry.action, "revision.append");
  EXPECT_EQ(entry.at, revision.created_at) << "one transaction, one time";
  EXPECT_EQ(got(s().get_campaign("c")).updated_at, got(s().list_audit({"campaign", "c", 2})).at(0).at);
}

// --- bundles -------------------------------------------------------------------------

// Two drill links, as exercise::evidence_link writes them (keys sorted, compact).
const std::string k_links =
    R"([{"events":[12,40],"exercise":"drill-1","proposed":3,"rule":"contact"},)"
    R"({"events":[],"exercise":"drill-2","proposed":0,"rule":"decision"}])";

// A campaign with drafts, resubmissions, an import, comments, answers
// marked for review and one answer with drill evidence.
void fill_bundle_world(StoreConformance& t) {
  t.put_orgs(4);
  ASSERT_OK(t.s().put_orgs({{"extra", "Unused", {}, {}, {}, {}}}, k_actor));
  t.open_campaign("c", mini_checklist(), 2);
  ImportRecord source{0, {}, "第1回.csv", util::sha256_hex("first"), {}, {}, 0, 0};
  t.append({rev(org_id(0), {{"Q1", 1, {}}, {"O1", 0, "コメント"}}), rev(org_id(1), {{"Q2", 2, {}, true}}),
            rev(org_id(2), {{"Q3", 1, {}}, {"Q1", 0, {}, true}}, RevisionState::kDraft)},
           &source);
  // Drill evidence on one answer (migration 5), in the stored canonical form.
  t.append({rev(org_id(2), {{"Q3", 2, {}}}), rev(org_id(0), {{"Q1", 2, {}, false, k_links}})});
  ASSERT_OK(t.s().set_campaign_state("c", CampaignState::kClosed, k_actor));
}

TEST_P(StoreConformance, ExportHoldsTheCampaignItsChecklistAndOnlyOrganisationsWithARevision) {
  fill_bundle_world(*this);
  auto b = got(s().export_campaign("c"));
  EXPECT_EQ(b.campaign.id, "c");
  EXPECT_EQ(b.campaign.state, CampaignState::kClosed);
  EXPECT_EQ(b.checklist.sha256, record_of(mini_checklist()).sha256);
  EXPECT_EQ(b.checklist.content, record_of(mini_checklist()).content);
  std::vector<std::string> orgs;
  for (const auto& o : b.orgs) orgs.push_back(o.id);
  EXPECT_EQ(orgs, (std::vector<std::string>{org_id(0), org_id(1), org_id(2)}));
  EXPECT_EQ(b.imports.size(), 1u);
  EXPECT_EQ(b.revisions.size(), 5u);
  EXPECT_TRUE(fails_with(s().export_campaign("nope").status(), ErrorKind::kNotFound, "nope"));
}

TEST_P(StoreConformance, ExportThenRestoreIntoAFreshStoreRoundTrips) {
  fill_bundle_world(*this);
  auto original = got(s().export_campaign("c"));
  auto fresh = m_stores.open_new();
  ASSERT_NE(fresh, nullptr);
  ASSERT_OK(fresh->restore_campaign(original, Actor{"cli:restore"}));
  auto copy = got(fresh->export_campaign("c"));

  const auto& a = original.campaign;
  const auto& b = copy.campaign;
  EXPECT_EQ(std::tie(a.id, a.title, a.checklist_id, a.checklist_version, a.opens_on, a.closes_on, a.min_group, a.state,
                     a.created_at, a.updated_at),
            std::tie(b.id, b.title, b.checklist_id, b.checklist_version, b.opens_on, b.closes_on, b.min_group, b.state,
                     b.created_at, b.updated_at));
  EXPECT_EQ(copy.checklist.sha256, original.checklist.sha256);
  EXPECT_EQ(copy.checklist.content, original.checklist.content);
  ASSERT_EQ(copy.orgs.size(), original.orgs.size());
  for (std::size_t i = 0; i < copy.orgs.size(); ++i) {
    const auto& x = original.orgs[i];
    const auto& y = copy.orgs[i];
    EXPECT_EQ(std::tie(x.id, x.name, x.industry, x.size, x.pseudonym, x.created_at),
              std::tie(y.id, y.name, y.industry, y.size, y.pseudonym, y.created_at));
  }
  ASSERT_EQ(copy.imports.size(), 1u);
  const auto& i0 = original.imports[0];
  const auto& i1 = copy.imports[0];
  EXPECT_EQ(std::tie(i0.filename, i0.sha256, i0.actor, i0.at, i0.revisions, i0.unchanged),
            std::tie(i1.filename, i1.sha256, i1.actor, i1.at, i1.revisions, i1.unchanged));
  auto key = [](const Revision& r) { return std::make_pair(r.org, r.no); };
  auto sorted = [&](std::vector<Revision> v) {
    std::sort(v.begin(), v.end(), [&](const Revision& x, const Revision& y) { return key(x) < key(y); });
    return v;
  };
  auto ra = sorted(original.revisions);
  auto rb = sorted(copy.revisions);
  ASSERT_EQ(ra.size(), rb.size());
  std::size_t marked = 0;
  for (const auto& r : ra) {
    marked += std::count_if(r.answers.begin(), r.answers.end(), [](const Answer& x) { return x.review; });
  }
  EXPECT_EQ(marked, 2u) << "the world has answers marked for review, compared below";
  std::size_t evidenced = 0;
  for (const auto& r : rb) {
    for (const auto& x : r.answers) {
      if (x.evidence.empty()) continue;
      ++evidenced;
      EXPECT_EQ(x.evidence, k_links) << "the drill links survive the bundle";
    }
  }
  EXPECT_EQ(evidenced, 1u);
  for (std::size_t i = 0; i < ra.size(); ++i) {
    SCOPED_TRACE(ra[i].org + " #" + std::to_string(ra[i].no));
    EXPECT_EQ(rb[i].org, ra[i].org);
    EXPECT_EQ(rb[i].no, ra[i].no);
    EXPECT_EQ(rb[i].state, ra[i].state);
    EXPECT_EQ(rb[i].author, ra[i].author);
    EXPECT_EQ(rb[i].created_at, ra[i].created_at);
    EXPECT_EQ(rb[i].answers, ra[i].answers);
    EXPECT_EQ(rb[i].import_id != 0, ra[i].import_id != 0);
    if (rb[i].import_id != 0) EXPECT_EQ(rb[i].import_id, i1.id) << "linked to the restored import";
  }
  // What the analysis reads is the same.
  auto la = got(s().latest_revisions("c"));
  auto lb = got(fresh->latest_revisions("c"));
  ASSERT_EQ(la.size(), lb.size());
  for (std::size_t i = 0; i < la.size(); ++i) EXPECT_EQ(la[i].answers, lb[i].answers);
  auto entry = got(fresh->list_audit()).back();
  EXPECT_EQ(entry.action, "campaign.restore");
  EXPECT_EQ(entry.actor, "cli:restore");
}

TEST_P(StoreConformance, RestoreWhereTheCampaignExistsIsAConflictAndWritesNothing) {
  fill_bundle_world(*this);
  auto bundle = got(s().export_campaign("c"));
  auto before = dump(s());
  EXPECT_TRUE(fails_with(s().restore_campaign(bundle, k_actor), ErrorKind::kConflict, "'c'"));
  EXPECT_EQ(dump(s()), before);
}

TEST_P(StoreConformance, RestoreKeepsOrganisationsThatExistAsTheyAre) {
  fill_bundle_world(*this);
  auto bundle = got(s().export_campaign("c"));
  auto fresh = m_stores.open_new();
  ASSERT_NE(fresh, nullptr);
  ASSERT_OK(fresh->put_orgs({{org_id(1), "Local name", "Local", "S", {}, {}}}, k_actor));
  auto local = got(fresh->get_org(org_id(1)));
  ASSERT_OK(fresh->restore_campaign(bundle, k_actor));
  auto after = got(fresh->get_org(org_id(1)));
  EXPECT_EQ(after.name, "Local name");
  EXPECT_EQ(after.pseudonym, local.pseudonym);
  EXPECT_EQ(after.created_at, local.created_at);
  std::set<std::string> pseudonyms;
  for (const auto& o : got(fresh->list_orgs())) {
    EXPECT_TRUE(pseudonyms.insert(o.pseudonym).second) << "pseudonym " << o.pseudonym << " given twice";
  }
  EXPECT_EQ(pseudonyms.size(), 3u);
}

TEST_P(StoreConformance, RestoreOverAChecklistWithOtherContentIsAConflictAndWritesNothing) {
  fill_bundle_world(*this);
  auto bundle = got(s().export_campaign("c"));
  auto fresh = m_stores.open_new();
  ASSERT_NE(fresh, nullptr);
  auto changed = mini_checklist();
  changed.items[1].choices.pop_back();
  ASSERT_OK(fresh->put_checklist(record_of(changed), k_actor));
  auto before = dump(*fresh);
  EXPECT_TRUE(fails_with(fresh->restore_campaign(bundle, k_actor), ErrorKind::kConflict, "mini"));
  EXPECT_EQ(dump(*fresh), before);
}

TEST_P(StoreConformance, RestoreWithABadAnswerIsBadInputAndWritesNothing) {
  fill_bundle_world(*this);
  auto bundle = got(s().export_campaign("c"));
  bundle.revisions.back().answers.push_back({"NO-SUCH-ITEM", 1, {}});
  auto fresh = m_stores.open_new();
  ASSERT_NE(fresh, nullptr);
  auto before = dump(*fresh);
  EXPECT_TRUE(fails_with(fresh->restore_campaign(bundle, k_actor), ErrorKind::kBadInput, "NO-SUCH-ITEM"));
  EXPECT_EQ(dump(*fresh), before);
}

// The mini checklist under `version`, with item Q3 given Q1's four choices
// instead of its two: what a bundle edited by hand could hold.
model::Checklist widened_mini_checklist(const std::string& version) {
  auto c = mini_checklist(version);
  c.items.at(*c.find_item("Q3")).choices = c.items.at(*c.find_item("Q1")).choices;
  return c;
}

// A bundle whose checklist content was changed but kept the stored sha256 is
// checked against the STORED checklist, never its own copy, and its content
// never reaches the process-wide checklist cache. The cache must be cold for
// that hash (as in a process that did not register the checklist itself):
// the SQL backends get the checklist straight into their table; the fake can
// only register it through the store, which parses it.
TEST_P(StoreConformance, RestoreChecksAnswersAgainstTheStoredChecklistNotTheBundlesCopyUnderTheSameHash) {
  const std::string version = "poison-" + GetParam();  // a hash no other test of this process parses
  const auto genuine = record_of(mini_checklist(version));
  const std::string url = m_stores.new_url();
  auto store = got(kunren::testing::FreshStores::open(url));
  ASSERT_NE(store, nullptr);
  if (GetParam() == "memory") {
    ASSERT_OK(store->put_checklist(genuine, k_actor));
  } else {
    auto db = GetParam() == "sqlite" ? sql::open_sqlite_connection(kunren::testing::sqlite_path_of(url), false, 2000)
                                     : sql::open_postgres_connection(url, 5);
    ASSERT_OK(db);
    ASSERT_OK((*db)->execute(
        "INSERT INTO checklist (id, version, sha256, content, builtin, registered_at) VALUES (?, ?, ?, ?, 0, ?)",
        {genuine.id, genuine.version, genuine.sha256, genuine.content, std::string("2026-01-01T00:00:00.000000Z")}));
  }
  const Timestamp then = "2026-01-02T00:00:00.000000Z";
  CampaignBundle b;
  b.campaign = {"p", "forged", genuine.id, genuine.version, {}, {}, 1, CampaignState::kClosed, then, then};
  b.checklist = record_of(widened_mini_checklist(version));
  b.checklist.sha256 = genuine.sha256;  // changed content, old hash
  b.orgs = {{"a", "A", {}, {}, "A", then}};
  b.revisions = {Revision{0, "p", "a", 1, RevisionState::kSubmitted, "cli:test", then, 0, {{"Q3", 4, {}}}}};
  auto before = dump(*store);
  EXPECT_TRUE(fails_with(store->restore_campaign(b, k_actor), ErrorKind::kBadInput, "Q3"))
      << "Q3 has two choices in the stored checklist";
  EXPECT_EQ(dump(*store), before);

  // The stored checklist still means what it says for every later call.
  ASSERT_OK(store->put_orgs({{"a", "A", {}, {}, {}, {}}}, k_actor));
  CampaignRecord c{"q", "genuine", genuine.id, genuine.version, {}, {}, 1, CampaignState::kOpen, {}, {}};
  ASSERT_OK(store->create_campaign(c, k_actor));
  EXPECT_TRUE(
      fails_with(store->append_revisions("q", {rev("a", {{"Q3", 4, {}}})}, nullptr, k_actor).status(),
                 ErrorKind::kBadInput, "Q3"));
}

TEST(ChecklistCache, AContentThatDoesNotHashToItsSha256IsRefusedAndNeverCached) {
  const auto genuine = record_of(mini_checklist("cache-test"));
  auto forged = record_of(widened_mini_checklist("cache-test"));
  forged.sha256 = genuine.sha256;
  EXPECT_TRUE(fails_with(checklist_of(forged).status(), ErrorKind::kBadInput, "sha256"));
  auto parsed = checklist_of(genuine);
  ASSERT_TRUE(parsed) << parsed.status().to_string();
  EXPECT_EQ((*parsed)->items.at(*(*parsed)->find_item("Q3")).choices.size(), 2u)
      << "the genuine checklist, not the forged content";
}

// A NUL byte would be cut off by PostgreSQL (libpq passes C strings) but kept
// by SQLite and the fake; so every backend refuses it, other control
// characters and broken UTF-8 alike, naming the field and writing nothing.
TEST_P(StoreConformance, TextWithANulAControlCharacterOrBrokenUtf8IsBadInputNamingTheField) {
  mini_world(2);
  ASSERT_OK(s().create_user(user("bob"), k_actor));
  const std::string nul("Acme\0Evil", 9);
  const std::string broken = "Acme \xff";
  const auto before = dump(s());
  auto refused = [&](const Status& st, std::string_view field) {
    EXPECT_TRUE(fails_with(st, ErrorKind::kBadInput, field));
    EXPECT_EQ(dump(s()), before) << field;
  };
  // organisations: put_orgs, and append's register_orgs (the same check)
  refused(s().put_orgs({{"n", nul, {}, {}, {}, {}}}, k_actor), "name");
  refused(s().put_orgs({{"n", "N", broken, {}, {}, {}}}, k_actor), "industry");
  refused(s().put_orgs({{"n", "N", {}, "L\n", {}, {}}}, k_actor), "size");
  refused(s().put_orgs({{nul, "N", {}, {}, {}, {}}}, k_actor), "organisation id");
  AppendOptions options;
  options.register_orgs = {{"n", nul, {}, {}, {}, {}}};
  refused(s().append_revisions("c", {rev("n", {{"Q1", 1, {}}})}, nullptr, k_actor, options).status(), "name");
  // campaigns
  CampaignRecord c;
  c.id = "c2";
  c.title = nul;
  c.checklist_id = "mini";
  c.checklist_version = "1";
  refused(s().create_campaign(c, k_actor), "title");
  c.title = "ok";
  c.id = "c2\t";
  refused(s().create_campaign(c, k_actor), "campaign id");
  // users
  auto u = user("alice");
  u.display_name = nul;
  refused(s().create_user(u, k_actor), "display name");
  // the actor of a mutating call
  refused(s().put_orgs({{"n", "N", {}, {}, {}, {}}}, Actor{nul}), "actor");
  refused(s().set_campaign_state("c", CampaignState::kClosed, Actor{broken}), "actor");
  refused(s().set_user_disabled("bob", true, Actor{"cli:\x1b[31m"}), "actor");
  refused(s().append_revisions("c", {rev(org_id(0), {{"Q1", 1, {}}})}, nullptr, Actor{nul}).status(), "actor");
  ImportRecord source;
  source.filename = nul;
  source.sha256 = std::string(64, 'c');
  refused(s().append_revisions("c", {rev(org_id(0), {{"Q1", 1, {}}})}, &source, k_actor).status(), "file name");
  // audit entries
  AuditEntry e;
  e.actor = "t";
  e.action = "test.event";
  e.object_type = "user";
  e.object_id = nul;
  refused(s().append_audit(e), "object id");
  e.object_id = "x";
  e.actor = broken;
  refused(s().append_audit(e), "actor");
  // exercises and their events
  ExerciseRecord x;
  x.id = "x";
  x.title = nul;
  x.org = org_id(0);
  x.scenario_id = "s";
  x.scenario_version = "1";
  x.scenario_content = "{}";
  x.scenario_sha256 = util::sha256_hex(x.scenario_content);
  refused(s().create_exercise(x, k_actor), "title");
  x.title = "ok";
  x.scenario_id = broken;
  refused(s().create_exercise(x, k_actor), "scenario_id");
  x.scenario_id = "s";
  x.participants = {{"bob", nul}};
  refused(s().create_exercise(x, k_actor), "role");
  x.participants = {};
  ASSERT_OK(s().create_exercise(x, k_actor));
  const auto with_exercise = dump(s());
  auto refused_event = [&](const Status& st, std::string_view field) {
    EXPECT_TRUE(fails_with(st, ErrorKind::kBadInput, field));
    EXPECT_EQ(dump(s()), with_exercise) << field;
  };
  refused_event(s().append_exercise_events("x", 0, {{0, nul, "r", "note", "{}"}}, std::nullopt).status(),
                "events[0].actor");
  refused_event(s().append_exercise_events("x", 0, {{0, "a", "r", "note", "{\"t\":\"\xff\"}"}}, std::nullopt).status(),
                "events[0].payload");
  refused_event(s().set_exercise_participants("x", {{"bob", "r\x1b"}}, k_actor), "role");
  // A detail may span lines (it is JSON text); a comment may too.
  e.actor = "t";
  e.detail = "{\n\t\"a\": 1\r\n}";
  EXPECT_OK(s().append_audit(e));
  EXPECT_EQ(got(s().list_audit()).back().detail, e.detail);
}

TEST_P(StoreConformance, RestoreRefusesABundleWithATextCheckTextRefusesAndWritesNothing) {
  fill_bundle_world(*this);
  const auto original = got(s().export_campaign("c"));
  auto fresh = m_stores.open_new();
  ASSERT_NE(fresh, nullptr);
  const auto before = dump(*fresh);
  const std::string nul("x\0y", 3);
  auto refused = [&](auto change, std::string_view field) {
    CampaignBundle b = original;
    change(b);
    EXPECT_TRUE(fails_with(fresh->restore_campaign(b, k_actor), ErrorKind::kBadInput, field));
    EXPECT_EQ(dump(*fresh), before) << field;
  };
  refused([&](CampaignBundle& b) { b.campaign.title = nul; }, "title");
  refused([&](CampaignBundle& b) { b.campaign.updated_at += '\n'; }, "updated_at");
  refused([&](CampaignBundle& b) { b.orgs.at(0).name = nul; }, "name");
  refused([&](CampaignBundle& b) { b.orgs.at(1).pseudonym = nul; }, "pseudonym");
  refused([&](CampaignBundle& b) { b.imports.at(0).filename = nul; }, "filename");
  refused([&](CampaignBundle& b) { b.imports.at(0).actor = "cli:\x1b[31m"; }, "actor");
  refused([&](CampaignBundle& b) { b.revisions.at(0).author = nul; }, "author");
  refused([&](CampaignBundle& b) { b.revisions.at(1).created_at = "2026-01-01\xff"; }, "created_at");
  EXPECT_TRUE(fails_with(fresh->restore_campaign(original, Actor{nul}), ErrorKind::kBadInput, "actor"));
  EXPECT_EQ(dump(*fresh), before);
  EXPECT_OK(fresh->restore_campaign(original, k_actor));
}

// The checks of restore are planned once for every backend (plan_restore):
// each mistake gets the same error and words everywhere.
TEST_P(StoreConformance, RestoreRefusesAMalformedBundleAlikeOnEveryBackend) {
  fill_bundle_world(*this);
  const auto original = got(s().export_campaign("c"));
  auto fresh = m_stores.open_new();
  ASSERT_NE(fresh, nullptr);
  const auto before = dump(*fresh);
  auto refused = [&](auto change, ErrorKind kind, std::string_view words) {
    CampaignBundle b = original;
    change(b);
    EXPECT_TRUE(fails_with(fresh->restore_campaign(b, k_actor), kind, words));
    EXPECT_EQ(dump(*fresh), before) << words;
  };
  refused([](CampaignBundle& b) { b.checklist.version = "2"; }, ErrorKind::kBadInput, "but the bundle holds");
  refused([](CampaignBundle& b) { b.orgs.push_back(b.orgs.at(0)); }, ErrorKind::kBadInput, "appears more than once");
  refused([](CampaignBundle& b) { b.imports.push_back(b.imports.at(0)); }, ErrorKind::kBadInput,
          fmt::format("import {} appears more than once", original.imports.at(0).id));
  refused(
      [](CampaignBundle& b) {
        b.revisions.at(1).org = b.revisions.at(0).org;
        b.revisions.at(1).no = b.revisions.at(0).no;
      },
      ErrorKind::kBadInput, "twice or out of range");
  refused([](CampaignBundle& b) { b.revisions.at(0).import_id = 99; }, ErrorKind::kBadInput, "which the bundle lacks");
  refused([](CampaignBundle& b) { b.revisions.at(0).org = "ghost"; }, ErrorKind::kNotFound, "ghost");
  refused([](CampaignBundle& b) { b.checklist.content += ' '; }, ErrorKind::kBadInput, "sha256");
}

// Bundles carry the coordinators' logins but no users: restore keeps those
// that coordinate in the target store and names the others in its audit entry.
TEST_P(StoreConformance, RestoreKeepsTheCoordinatorsThatAreCoordinatorsHereAndSkipsTheOthers) {
  fill_bundle_world(*this);
  for (const char* login : {"alice", "bob", "carol"}) {
    ASSERT_OK(s().create_user(user(login, {Role::kCoordinator}), k_actor));
  }
  ASSERT_OK(s().set_campaign_coordinators("c", {"carol", "alice", "bob"}, k_actor));
  const auto bundle = got(s().export_campaign("c"));
  EXPECT_EQ(bundle.campaign.coordinators, (Logins{"alice", "bob", "carol"}));

  auto fresh = m_stores.open_new();
  ASSERT_NE(fresh, nullptr);
  ASSERT_OK(fresh->create_user(user("alice", {Role::kCoordinator}), k_actor));
  ASSERT_OK(fresh->create_user(user("bob", {Role::kEvaluator}), k_actor));  // here without the role
  ASSERT_OK(fresh->restore_campaign(bundle, k_actor));
  EXPECT_EQ(got(fresh->get_campaign("c")).coordinators, (Logins{"alice"}));
  auto entry = got(fresh->list_audit()).back();
  ASSERT_EQ(entry.action, "campaign.restore");
  auto detail = json::parse(entry.detail);
  EXPECT_EQ(detail["coordinators"], json::array({"alice"})) << entry.detail;
  EXPECT_EQ(detail["coordinators_skipped"], json::array({"bob", "carol"})) << entry.detail;

  // A store without any of them: none listed, so every coordinator there.
  auto empty = m_stores.open_new();
  ASSERT_NE(empty, nullptr);
  ASSERT_OK(empty->restore_campaign(bundle, k_actor));
  EXPECT_TRUE(got(empty->get_campaign("c")).coordinators.empty());

  // A bundle listing a login twice or as bad text is refused like a direct call.
  auto twice = bundle;
  twice.campaign.coordinators.push_back("alice");
  auto third = m_stores.open_new();
  ASSERT_NE(third, nullptr);
  const auto before = dump(*third);
  EXPECT_TRUE(fails_with(third->restore_campaign(twice, k_actor), ErrorKind::kBadInput, "alice"));
  EXPECT_EQ(dump(*third), before);
}

// `campaign list` counts without reading answers.
TEST_P(StoreConformance, LatestRevisionsWithoutAnswersAreTheSameRevisionsWithEmptyAnswers) {
  mini_world(3);
  ImportRecord source{0, {}, "a.csv", util::sha256_hex("a"), {}, {}, 0, 0};
  append({rev(org_id(0), {{"Q1", 1, {}}, {"O1", 0, "メモ"}}), rev(org_id(1), {{"Q2", 2, {}}})}, &source);
  append({rev(org_id(1), {{"Q2", 3, {}}}, RevisionState::kDraft), rev(org_id(2), {{"Q3", 1, {}}})});
  for (auto state : {std::optional<RevisionState>(RevisionState::kSubmitted), std::optional<RevisionState>()}) {
    for (const std::string& org : {std::string(), org_id(1)}) {
      SCOPED_TRACE(org + (state ? " submitted" : " any"));
      LatestQuery full;
      full.state = state;
      full.org = org;
      LatestQuery bare = full;
      bare.with_answers = false;
      const auto a = got(s().latest_revisions("c", full));
      const auto b = got(s().latest_revisions("c", bare));
      ASSERT_FALSE(a.empty());
      ASSERT_EQ(a.size(), b.size());
      for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(std::tie(a[i].id, a[i].campaign, a[i].org, a[i].no, a[i].state, a[i].author, a[i].created_at,
                           a[i].import_id),
                  std::tie(b[i].id, b[i].campaign, b[i].org, b[i].no, b[i].state, b[i].author, b[i].created_at,
                           b[i].import_id));
        EXPECT_FALSE(a[i].answers.empty());
        EXPECT_TRUE(b[i].answers.empty()) << b[i].org;
      }
    }
  }
}

// Every backend checks as_of first (BadInput), then the campaign, then the
// organisation (NotFound).
TEST_P(StoreConformance, LatestRevisionsCheckAsOfThenCampaignThenOrganisation) {
  mini_world(1);
  LatestQuery q;
  q.as_of = "yesterday";
  EXPECT_TRUE(fails_with(s().latest_revisions("nope", q).status(), ErrorKind::kBadInput, "yesterday"));
  q.org = "ghost";
  EXPECT_TRUE(fails_with(s().latest_revisions("c", q).status(), ErrorKind::kBadInput, "yesterday"));
  EXPECT_TRUE(fails_with(s().latest_revisions("nope", q).status(), ErrorKind::kBadInput, "yesterday"));
  q.as_of.clear();
  EXPECT_TRUE(fails_with(s().latest_revisions("nope", q).status(), ErrorKind::kNotFound, "nope"));
  EXPECT_TRUE(fails_with(s().latest_revisions("c", q).status(), ErrorKind::kNotFound, "ghost"));
}

// --- preparedness records (OrgDocument) ---------------------------------------------

const char* k_tree = "contact-tree";

std::string tree_content(int version) {
  return json{{"entries", json::array({{{"id", "plant-manager"}, {"name", "工場長 " + std::to_string(version)}}})},
              {"stale_after_days", 180}}
      .dump();
}

TEST_P(StoreConformance, OrgDocumentsAreNumberedPerOrganisationAndKindAndReadBack) {
  put_orgs(2);
  const std::string org = org_id(0);
  EXPECT_EQ(got(s().latest_org_document(org, k_tree)), std::nullopt) << "none yet";
  EXPECT_TRUE(got(s().org_document_history(org, k_tree)).empty());

  auto first = got(s().append_org_document(org, k_tree, 0, tree_content(1), Actor{"user:alice"}));
  EXPECT_EQ(first.org, org);
  EXPECT_EQ(first.kind, k_tree);
  EXPECT_EQ(first.no, 1);
  EXPECT_EQ(first.content, tree_content(1));
  EXPECT_EQ(first.author, "user:alice");
  EXPECT_TRUE(is_canonical_time(first.created_at)) << first.created_at;
  auto second = got(s().append_org_document(org, k_tree, 1, tree_content(2), k_actor));
  EXPECT_EQ(second.no, 2);
  EXPECT_GE(second.created_at, first.created_at);
  // Other kinds and other organisations are numbered on their own.
  EXPECT_EQ(got(s().append_org_document(org, "criteria", 0, R"({"points":[]})", k_actor)).no, 1);
  EXPECT_EQ(got(s().append_org_document(org_id(1), k_tree, 0, tree_content(9), k_actor)).no, 1);

  auto latest = got(s().latest_org_document(org, k_tree));
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->no, 2);
  EXPECT_EQ(latest->content, tree_content(2));
  EXPECT_EQ(latest->author, "cli:test");
  EXPECT_EQ(latest->created_at, second.created_at);
  auto one = got(s().get_org_document(org, k_tree, 1));
  EXPECT_EQ(one.content, tree_content(1));
  EXPECT_EQ(one.author, "user:alice");
  EXPECT_EQ(one.created_at, first.created_at);
  auto history = got(s().org_document_history(org, k_tree));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].no, 1);
  EXPECT_EQ(history[1].no, 2);
  EXPECT_EQ(history[0].content, tree_content(1));
  EXPECT_EQ(history[1].content, tree_content(2));
  EXPECT_EQ(got(s().org_document_history(org_id(1), k_tree)).at(0).content, tree_content(9));
  EXPECT_EQ(got(s().latest_org_document(org_id(1), "criteria")), std::nullopt);
  EXPECT_TRUE(fails_with(s().get_org_document(org, k_tree, 3).status(), ErrorKind::kNotFound, "revision 3"));
  EXPECT_TRUE(fails_with(s().get_org_document(org, k_tree, 0).status(), ErrorKind::kNotFound, org));
  // Content may span lines (it is JSON text), and keeps its bytes.
  const std::string spaced = "{\n\t\"entries\": [],\r\n \"stale_after_days\": 30\n}";
  EXPECT_EQ(got(s().append_org_document(org, k_tree, 2, spaced, k_actor)).content, spaced);
  EXPECT_EQ(got(s().latest_org_document(org, k_tree))->content, spaced);
}

TEST_P(StoreConformance, AnOrgDocumentSaveBasedOnAnOlderRevisionIsStaleAndWritesNothing) {
  put_orgs(1);
  const std::string org = org_id(0);
  ASSERT_OK(s().append_org_document(org, k_tree, 0, tree_content(1), k_actor));
  const auto before = dump(s());
  // Two editors loaded "none yet"; the first one saved.
  auto stale = s().append_org_document(org, k_tree, 0, tree_content(2), k_actor);
  EXPECT_TRUE(fails_with(stale.status(), ErrorKind::kConflict, "stale"));
  EXPECT_TRUE(fails_with(stale.status(), ErrorKind::kConflict, "revision 1 is the latest"));
  EXPECT_EQ(stale.status().where().field, "expected_no");
  EXPECT_TRUE(fails_with(s().append_org_document(org, k_tree, 2, tree_content(2), k_actor).status(),
                         ErrorKind::kConflict, "stale"))
      << "a revision that does not exist yet";
  EXPECT_EQ(dump(s()), before);
  EXPECT_EQ(got(s().append_org_document(org, k_tree, 1, tree_content(2), k_actor)).no, 2);
}

TEST_P(StoreConformance, OrgDocumentCallsCheckKindAndContentThenOrganisationThenNumber) {
  put_orgs(1);
  const std::string org = org_id(0);
  ASSERT_OK(s().append_org_document(org, k_tree, 0, tree_content(1), k_actor));
  const auto before = dump(s());
  auto refused = [&](const Status& st, ErrorKind kind, std::string_view words, std::string_view field) {
    EXPECT_TRUE(fails_with(st, kind, words));
    EXPECT_EQ(st.where().field, field) << st.to_string();
    EXPECT_EQ(dump(s()), before) << words;
  };
  // An unknown kind, on every method, before the organisation.
  for (const std::string who : {org, std::string("ghost")}) {
    refused(s().append_org_document(who, "phone-book", 1, tree_content(2), k_actor).status(), ErrorKind::kBadInput,
            "'phone-book'", "kind");
    refused(s().latest_org_document(who, "phone-book").status(), ErrorKind::kBadInput, "'phone-book'", "kind");
    refused(s().get_org_document(who, "Contact-Tree", 1).status(), ErrorKind::kBadInput, "'Contact-Tree'", "kind");
    refused(s().org_document_history(who, "").status(), ErrorKind::kBadInput, "contact-tree", "kind");
  }
  // Content that is not a JSON object, before the organisation.
  for (const std::string content : {"[1, 2]", "\"text\"", "{\"a\": ", "", "null"}) {
    refused(s().append_org_document(org, k_tree, 1, content, k_actor).status(), ErrorKind::kBadInput, "JSON object",
            "content");
    refused(s().append_org_document("ghost", k_tree, 1, content, k_actor).status(), ErrorKind::kBadInput, "JSON object",
            "content");
  }
  EXPECT_TRUE(fails_with(s().append_org_document(org, k_tree, 1, std::string("{\"a\":\"x\0y\"}", 11), k_actor).status(),
                         ErrorKind::kBadInput, "control character"));
  EXPECT_TRUE(fails_with(s().append_org_document(org, k_tree, 1, "{\"a\":\"\xff\"}", k_actor).status(),
                         ErrorKind::kBadInput, "UTF-8"));
  EXPECT_TRUE(fails_with(s().append_org_document(org, k_tree, 1, tree_content(2), Actor{"cli:\x1b"}).status(),
                         ErrorKind::kBadInput, "actor"));
  refused(s().append_org_document(org, k_tree, -1, tree_content(2), k_actor).status(), ErrorKind::kBadInput, "-1",
          "expected_no");
  // Then the organisation, on every method.
  refused(s().append_org_document("ghost", k_tree, 0, tree_content(2), k_actor).status(), ErrorKind::kNotFound, "'ghost'", "");
  refused(s().latest_org_document("ghost", k_tree).status(), ErrorKind::kNotFound, "'ghost'", "");
  refused(s().get_org_document("ghost", k_tree, 1).status(), ErrorKind::kNotFound, "'ghost'", "");
  refused(s().org_document_history("ghost", k_tree).status(), ErrorKind::kNotFound, "'ghost'", "");
  // Then the number.
  refused(s().append_org_document(org, k_tree, 0, tree_content(2), k_actor).status(), ErrorKind::kConflict, "stale",
          "expected_no");
  EXPECT_EQ(dump(s()), before);
  // Every kind of model::PrepKind is known.
  for (model::PrepKind kind : model::all_prep_kinds()) {
    EXPECT_OK(s().latest_org_document(org, model::to_string(kind)));
  }
}

TEST_P(StoreConformance, AnOrgDocumentSaveIsAuditedInItsTransaction) {
  put_orgs(1);
  const std::size_t before = audit_count();
  auto d = got(s().append_org_document(org_id(0), "improvement-plan", 0, R"({"items":[]})", Actor{"user:bob"}));
  auto d2 = got(s().append_org_document(org_id(0), "improvement-plan", 1, R"({"items":[],"x":1})", k_actor));
  ASSERT_EQ(audit_count(), before + 2);
  auto entries = got(s().list_audit({"org-document", org_id(0) + "/improvement-plan", 0}));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "document.save");
  EXPECT_EQ(entries[0].actor, "user:bob");
  EXPECT_EQ(entries[0].object_type, "org-document");
  EXPECT_EQ(entries[0].object_id, "org0000/improvement-plan");
  EXPECT_EQ(json::parse(entries[0].detail), (json{{"no", 1}}));
  EXPECT_EQ(entries[0].at, d.created_at) << "one transaction, one time";
  EXPECT_EQ(json::parse(entries[1].detail), (json{{"no", 2}}));
  EXPECT_EQ(entries[1].at, d2.created_at);
  // A refused save writes no entry.
  EXPECT_FALSE(s().append_org_document(org_id(0), "improvement-plan", 1, R"({"items":[]})", k_actor).is_ok());
  EXPECT_EQ(audit_count(), before + 2);
}

// The SQL backends also refuse, with triggers, any change of a stored
// revision made behind the store's back.
TEST_P(StoreConformance, StoredOrgDocumentsRefuseUpdateAndDeleteOnTheSqlBackends) {
  if (GetParam() == "memory") GTEST_SKIP() << "the fake has no SQL to go around it";
  const std::string url = m_stores.new_url();
  {
    auto store = got(FreshStores::open(url));
    ASSERT_NE(store, nullptr);
    ASSERT_OK(store->put_orgs({{"a", "A", {}, {}, {}, {}}}, k_actor));
    ASSERT_OK(store->append_org_document("a", k_tree, 0, tree_content(1), k_actor));
    ASSERT_OK(store->append_org_document("a", k_tree, 1, tree_content(2), k_actor));
  }
  auto db = GetParam() == "sqlite" ? sql::open_sqlite_connection(kunren::testing::sqlite_path_of(url), false, 2000)
                                   : sql::open_postgres_connection(url, 5);
  ASSERT_OK(db);
  if (GetParam() == "sqlite") ASSERT_OK((*db)->exec("PRAGMA foreign_keys=ON"));  // as the store opens it
  for (const char* statement :
       {"UPDATE org_document SET content = '{}' WHERE no = 1", "UPDATE org_document SET no = 3 WHERE no = 2",
        "UPDATE org_document SET author = 'someone else'", "DELETE FROM org_document WHERE no = 2",
        "DELETE FROM org_document"}) {
    auto status = (*db)->exec(statement);
    EXPECT_FALSE(status.is_ok()) << statement;
    EXPECT_NE(status.message().find("append-only"), std::string::npos) << statement << ": " << status.message();
  }
  if (GetParam() == "postgresql") EXPECT_FALSE((*db)->exec("TRUNCATE org_document").is_ok());
  // A row for an organisation that does not exist is refused too.
  EXPECT_FALSE((*db)->execute("INSERT INTO org_document (org_id, kind, no, content, author, created_at) VALUES "
                              "('ghost', 'criteria', 1, '{}', 'x', '2026-01-01T00:00:00.000000Z')")
                   .is_ok());
  db->reset();
  auto store = got(open_store(url));
  ASSERT_NE(store, nullptr);
  auto history = got(store->org_document_history("a", k_tree));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].content, tree_content(1));
  EXPECT_EQ(history[1].content, tree_content(2));
}

// --- drill evidence on answers (Answer::evidence) -------------------------------------

TEST_P(StoreConformance, AnswerEvidenceIsStoredReadBackAndCountsAsAChange) {
  mini_world(3);
  const std::vector<Answer> answers = {{"Q1", 2, {}, false, k_links}, {"Q2", 1, "見た", false, {}}};
  EXPECT_EQ(append({rev(org_id(0), answers), rev(org_id(1), {{"Q1", 2, {}}})}).created, 2u);
  EXPECT_EQ(got(s().revision_history("c", org_id(0))).at(0).answers, answers);
  EXPECT_EQ(got(s().latest_revisions("c")).at(0).answers, answers);
  // The same evidence is unchanged; evidence added, changed or removed is a new revision.
  EXPECT_EQ(append({rev(org_id(0), answers)}).unchanged, 1u);
  const std::string fewer = R"([{"events":[12],"exercise":"drill-1","proposed":3,"rule":"contact"}])";
  auto changed = answers;
  changed[0].evidence = fewer;
  auto r = append({rev(org_id(0), changed), rev(org_id(1), {{"Q1", 2, {}, false, k_links}})});
  EXPECT_EQ(r.created, 2u);
  EXPECT_EQ(r.unchanged, 0u);
  changed[0].evidence.clear();
  EXPECT_EQ(append({rev(org_id(0), changed)}).created, 1u);
  auto history = got(s().revision_history("c", org_id(0)));
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].answers[0].evidence, k_links) << "the earlier revision keeps its evidence";
  EXPECT_EQ(history[1].answers[0].evidence, fewer);
  EXPECT_EQ(history[2].answers[0].evidence, "");
  EXPECT_EQ(history[2].answers[0].choice, 2);
  EXPECT_EQ(got(s().revision_history("c", org_id(1))).back().answers[0].evidence, k_links);
}

TEST_P(StoreConformance, AnswerEvidenceIsKeptInOneCanonicalForm) {
  mini_world(1);
  // Spaces, newlines and key order do not matter; [] is no evidence.
  const std::string loose = "[ {\"rule\": \"contact\",\n \"proposed\": 3, \"exercise\": \"drill-1\", \"events\": [12, 40]},"
                            " {\"rule\":\"decision\",\"exercise\":\"drill-2\",\"events\":[],\"proposed\":0} ]";
  append({rev(org_id(0), {{"Q1", 2, {}, false, loose}, {"Q2", 1, {}, false, "[]"}})});
  auto stored = got(s().latest_revisions("c")).at(0).answers;
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].evidence, k_links);
  EXPECT_EQ(stored[1].evidence, "");
  EXPECT_EQ(canonical_evidence(loose), k_links);
  EXPECT_EQ(canonical_evidence("[]"), "");
  EXPECT_EQ(append({rev(org_id(0), {{"Q1", 2, {}, false, k_links}, {"Q2", 1, {}}})}).unchanged, 1u)
      << "the same links in the canonical form are no change";
}

TEST_P(StoreConformance, AnswerEvidenceThatIsNotAJsonArrayIsBadInputNamingTheItemAndWritesNothing) {
  mini_world(2);
  append({rev(org_id(0), {{"Q1", 1, {}}})});
  const auto before = dump(s());
  for (const std::string& evidence : std::vector<std::string>{"{\"exercise\":\"d\"}", "not json", "[1, 2", "42",
                                                             std::string("[\"a\0\"]", 6), "[\"\xff\"]"}) {
    SCOPED_TRACE(evidence);
    auto st = s().append_revisions("c", {rev(org_id(1), {{"Q1", 1, {}}}), rev(org_id(0), {{"Q2", 2, {}, false, evidence}})},
                                   nullptr, k_actor)
                  .status();
    EXPECT_TRUE(fails_with(st, ErrorKind::kBadInput, "evidence on item 'Q2'"));
    EXPECT_EQ(st.where().field, "Q2.evidence");
    EXPECT_EQ(dump(s()), before);
  }
  // Restoring a bundle checks it the same way.
  auto bundle = got(s().export_campaign("c"));
  bundle.campaign.id = "c-copy";
  bundle.revisions.back().answers.back().evidence = "{}";
  EXPECT_TRUE(fails_with(s().restore_campaign(bundle, k_actor), ErrorKind::kBadInput, "evidence"));
  EXPECT_EQ(dump(s()), before);
}

// --- backup --------------------------------------------------------------------------

TEST_P(StoreConformance, BackupCopiesTheDatabaseOrSaysWhyNot) {
  mini_world(3);
  append({rev(org_id(0), {{"Q1", 1, {}}})});
  const std::string path = m_stores.dir().path("backup.db");
  auto st = s().backup(path);
  if (GetParam() == "memory") {
    EXPECT_TRUE(fails_with(st, ErrorKind::kConflict, "memory"));
  } else if (GetParam() == "postgresql") {
    EXPECT_TRUE(fails_with(st, ErrorKind::kConflict, "pg_dump"));
  } else {
    ASSERT_OK(st);
    EXPECT_EQ(kunren::testing::sqlite_integrity_check(path), "ok");
    auto copy = got(open_store("sqlite:" + path));
    ASSERT_NE(copy, nullptr);
    EXPECT_EQ(dump(*copy), dump(s()));
  }
}

// --- publication settings (CampaignDocument) ------------------------------------------

TEST_P(StoreConformance, CampaignDocumentsAreRevisionsWithAStaleCheckAndAnAuditEntry) {
  mini_world(1);
  EXPECT_EQ(got(s().latest_campaign_document("c", "publication")), std::nullopt);
  auto first = got(s().append_campaign_document("c", "publication", 0, R"({"tlp":"AMBER"})", Actor{"user:cora"}));
  EXPECT_EQ(first.no, 1);
  EXPECT_EQ(first.author, "user:cora");
  EXPECT_TRUE(is_canonical_time(first.created_at)) << first.created_at;
  auto second = got(s().append_campaign_document("c", "publication", 1, R"({"tlp":"GREEN"})", k_actor));
  EXPECT_EQ(second.no, 2);
  EXPECT_GE(second.created_at, first.created_at);
  auto latest = got(s().latest_campaign_document("c", "publication"));
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->content, R"({"tlp":"GREEN"})");
  auto history = got(s().campaign_document_history("c", "publication"));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].content, R"({"tlp":"AMBER"})");

  const auto before = dump(s());
  const std::size_t audits = audit_count();
  auto stale = s().append_campaign_document("c", "publication", 1, R"({"tlp":"RED"})", k_actor);
  EXPECT_TRUE(fails_with(stale.status(), ErrorKind::kConflict, "stale"));
  EXPECT_EQ(stale.status().where().field, "expected_no");
  EXPECT_TRUE(fails_with(s().append_campaign_document("c", "poster", 2, "{}", k_actor).status(), ErrorKind::kBadInput,
                         "'poster'"));
  EXPECT_TRUE(fails_with(s().append_campaign_document("c", "publication", 2, "[1]", k_actor).status(),
                         ErrorKind::kBadInput, "JSON object"));
  EXPECT_TRUE(fails_with(s().append_campaign_document("ghost", "publication", 0, "{}", k_actor).status(),
                         ErrorKind::kNotFound, "'ghost'"));
  EXPECT_TRUE(fails_with(s().latest_campaign_document("ghost", "publication").status(), ErrorKind::kNotFound, "'ghost'"));
  EXPECT_EQ(dump(s()), before);
  EXPECT_EQ(audit_count(), audits);
  auto entries = got(s().list_audit({"campaign", "c", 0}));
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.back().action, "campaign.document");
  EXPECT_EQ(json::parse(entries.back().detail), (json{{"kind", "publication"}, {"no", 2}}));
}

// --- signing keys and submission packages -----------------------------------------------

const std::string k_pub_a = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
const std::string k_pub_b = "Kx5m9CH1Bq7hG3cHGjWcNfV2xqkM0Yy9qTzU3Rk4xWQ=";

NewPackage package_of(std::string org, std::string sha, std::string created_at, std::vector<Answer> answers,
                      std::string key_id = "0123456789abcdef") {
  NewPackage p;
  p.campaign = "c";
  p.org = std::move(org);
  p.sha256 = std::move(sha);
  p.key_id = std::move(key_id);
  p.created_at = std::move(created_at);
  p.filename = "org.kunren";
  p.answers = std::move(answers);
  return p;
}

std::string sha_of(char c) { return std::string(64, c); }

TEST_P(StoreConformance, OrgKeysAreAddedListedAndRevokedOnce) {
  put_orgs(2);
  ASSERT_OK(s().add_org_key({org_id(0), "0123456789abcdef", k_pub_a, {}, {}, {}}, Actor{"user:cora"}));
  ASSERT_OK(s().add_org_key({org_id(0), "fedcba9876543210", k_pub_b, {}, {}, {}}, k_actor));
  auto keys = got(s().list_org_keys(org_id(0)));
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].key_id, "0123456789abcdef");
  EXPECT_EQ(keys[0].public_key, k_pub_a);
  EXPECT_EQ(keys[0].added_by, "user:cora");
  EXPECT_TRUE(is_canonical_time(keys[0].added_at));
  EXPECT_TRUE(keys[0].revoked_at.empty());
  EXPECT_TRUE(got(s().list_org_keys(org_id(1))).empty());

  const auto before = dump(s());
  EXPECT_TRUE(fails_with(s().add_org_key({org_id(1), "0123456789abcdef", k_pub_a, {}, {}, {}}, k_actor),
                         ErrorKind::kConflict, "already registered"));
  EXPECT_TRUE(fails_with(s().add_org_key({"ghost", "1123456789abcdef", k_pub_a, {}, {}, {}}, k_actor),
                         ErrorKind::kNotFound, "'ghost'"));
  EXPECT_TRUE(fails_with(s().add_org_key({org_id(1), "0123456789ABCDEF", k_pub_a, {}, {}, {}}, k_actor),
                         ErrorKind::kBadInput, "key id"));
  EXPECT_TRUE(fails_with(s().add_org_key({org_id(1), "1123456789abcdef", "not-a-key", {}, {}, {}}, k_actor),
                         ErrorKind::kBadInput, "public key"));
  EXPECT_TRUE(fails_with(s().revoke_org_key(org_id(1), "0123456789abcdef", k_actor), ErrorKind::kNotFound,
                         "no key"));
  EXPECT_EQ(dump(s()), before);

  ASSERT_OK(s().revoke_org_key(org_id(0), "0123456789abcdef", k_actor));
  keys = got(s().list_org_keys(org_id(0)));
  EXPECT_TRUE(is_canonical_time(keys[0].revoked_at)) << keys[0].revoked_at;
  EXPECT_TRUE(keys[1].revoked_at.empty());
  EXPECT_TRUE(fails_with(s().revoke_org_key(org_id(0), "0123456789abcdef", k_actor), ErrorKind::kConflict,
                         "already revoked"));
  auto entries = got(s().list_audit({"org", org_id(0), 0}));
  std::vector<std::string> actions;
  for (const auto& e : entries) actions.push_back(e.action);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "org.key.add"), 2);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "org.key.revoke"), 1);
}

TEST_P(StoreConformance, APackageImportWritesARevisionAndItsRecordInOneTransaction) {
  mini_world(3);
  ASSERT_OK(s().add_org_key({org_id(0), "0123456789abcdef", k_pub_a, {}, {}, {}}, k_actor));
  auto first = got(s().import_package(
      package_of(org_id(0), sha_of('a'), "2026-11-20T09:00:00.000000Z", {{"Q1", 2, "現場で確認"}}), Actor{"user:cora"}));
  EXPECT_FALSE(first.duplicate);
  EXPECT_TRUE(first.created);
  EXPECT_GT(first.record.revision_id, 0);
  EXPECT_EQ(first.record.imported_by, "user:cora");
  auto history = got(s().revision_history("c", org_id(0)));
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].id, first.record.revision_id);
  EXPECT_EQ(history[0].state, RevisionState::kSubmitted);
  ASSERT_EQ(history[0].answers.size(), 1u);
  EXPECT_EQ(history[0].answers[0].comment, "現場で確認");

  // The same bytes again: a duplicate, nothing written.
  auto before = dump(s());
  auto again = got(s().import_package(
      package_of(org_id(0), sha_of('a'), "2026-11-20T09:00:00.000000Z", {{"Q1", 2, "現場で確認"}}), k_actor));
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.record.id, first.record.id);
  EXPECT_EQ(dump(s()), before);

  // An older package after a newer one: replayed, nothing written.
  auto replay = s().import_package(
      package_of(org_id(0), sha_of('b'), "2026-11-19T09:00:00.000000Z", {{"Q1", 1, {}}}), k_actor);
  EXPECT_TRUE(fails_with(replay.status(), ErrorKind::kConflict, "replayed"));
  EXPECT_TRUE(fails_with(replay.status(), ErrorKind::kConflict, "2026-11-20T09:00:00.000000Z"));
  EXPECT_EQ(dump(s()), before);

  // A newer package with the same answers: recorded, no revision.
  auto same = got(s().import_package(
      package_of(org_id(0), sha_of('c'), "2026-11-21T09:00:00.000000Z", {{"Q1", 2, "現場で確認"}}), k_actor));
  EXPECT_FALSE(same.duplicate);
  EXPECT_FALSE(same.created);
  EXPECT_EQ(same.record.revision_id, 0);
  EXPECT_EQ(got(s().revision_history("c", org_id(0))).size(), 1u);

  // A changed resubmission: a new revision.
  auto changed = got(s().import_package(
      package_of(org_id(0), sha_of('d'), "2026-11-22T09:00:00.000000Z", {{"Q1", 3, {}}}), k_actor));
  EXPECT_TRUE(changed.created);
  history = got(s().revision_history("c", org_id(0)));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].no, 2);
  EXPECT_EQ(history[1].answers.at(0).choice, 3);

  auto packages = got(s().list_packages("c"));
  ASSERT_EQ(packages.size(), 3u);
  EXPECT_EQ(packages[0].sha256, sha_of('a'));
  EXPECT_EQ(packages[1].revision_id, 0);
  EXPECT_EQ(packages[2].created_at, "2026-11-22T09:00:00.000000Z");
  auto entries = got(s().list_audit({"campaign", "c", 0}));
  EXPECT_EQ(std::count_if(entries.begin(), entries.end(), [](const AuditEntry& e) { return e.action == "package.import"; }),
            3);
}

TEST_P(StoreConformance, ARefusedPackageImportWritesNothing) {
  mini_world(3);
  ASSERT_OK(s().add_org_key({org_id(0), "0123456789abcdef", k_pub_a, {}, {}, {}}, k_actor));
  const auto before = dump(s());
  const std::string t = "2026-11-20T09:00:00.000000Z";
  EXPECT_TRUE(fails_with(s().import_package(package_of(org_id(0), sha_of('a'), t, {{"Q9", 1, {}}}), k_actor).status(),
                         ErrorKind::kBadInput, "Q9"));
  EXPECT_TRUE(fails_with(s().import_package(package_of(org_id(0), sha_of('a'), t, {{"Q1", 9, {}}}), k_actor).status(),
                         ErrorKind::kBadInput, "Q1"));
  EXPECT_TRUE(fails_with(s().import_package(package_of("ghost", sha_of('a'), t, {{"Q1", 1, {}}}), k_actor).status(),
                         ErrorKind::kNotFound, "'ghost'"));
  EXPECT_TRUE(fails_with(
      s().import_package(package_of(org_id(0), sha_of('a'), "2026-11-20", {{"Q1", 1, {}}}), k_actor).status(),
      ErrorKind::kBadInput, "canonical"));
  EXPECT_TRUE(fails_with(
      s().import_package(package_of(org_id(0), "xyz", t, {{"Q1", 1, {}}}), k_actor).status(), ErrorKind::kBadInput,
      "sha256"));
  EXPECT_TRUE(fails_with(
      s().import_package(package_of(org_id(0), sha_of('a'), t, {{"Q1", 1, {}}, {"Q1", 2, {}}}), k_actor).status(),
      ErrorKind::kBadInput, "twice"));
  EXPECT_TRUE(fails_with(s().import_package(package_of(org_id(0), sha_of('a'), t, {{"Q1", 1, {}}},
                                                       "1111111111111111"),
                                            k_actor)
                             .status(),
                         ErrorKind::kNotFound, "1111111111111111"));
  EXPECT_EQ(dump(s()), before);
  // A campaign that is not open takes no package.
  ASSERT_OK(s().set_campaign_state("c", CampaignState::kClosed, k_actor));
  const auto closed = dump(s());
  EXPECT_TRUE(fails_with(s().import_package(package_of(org_id(0), sha_of('a'), t, {{"Q1", 1, {}}}), k_actor).status(),
                         ErrorKind::kConflict, "closed"));
  EXPECT_EQ(dump(s()), closed);
}

}  // namespace
}  // namespace kunren::store
