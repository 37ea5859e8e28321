// The fuzz targets (see targets.hpp). Each feeds the bytes to one parser as
// Kunren reads them from a file or a request, and checks what must hold.
//
// Options that change how the input is read (encoding, format, document
// kind) come from the first byte where a target says so: the fuzzer then
// explores every option with the same seeds.
#include "targets.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <variant>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include <kunren/analysis/redact.hpp>
#include <kunren/exercise/engine.hpp>
#include <kunren/exercise/live.hpp>
#include <kunren/io/builtin.hpp>
#include <kunren/io/checklist_io.hpp>
#include <kunren/io/encoding.hpp>
#include <kunren/io/mapping_io.hpp>
#include <kunren/io/msel_csv.hpp>
#include <kunren/io/package.hpp>
#include <kunren/io/prep_io.hpp>
#include <kunren/io/responses_io.hpp>
#include <kunren/io/scenario_io.hpp>
#include <kunren/model/mapping.hpp>
#include <kunren/model/preparedness.hpp>
#include <kunren/server/api.hpp>
#include <kunren/server/api_support.hpp>
#include <kunren/server/beast_request.hpp>
#include <kunren/server/events.hpp>
#include <kunren/server/exercise_support.hpp>
#include <kunren/server/http.hpp>
#include <kunren/store/bundle.hpp>
#include <kunren/store/campaign_data.hpp>
#include <kunren/store/store.hpp>
#include <kunren/util/signing.hpp>
#include <kunren/web/routes.hpp>

#ifndef KUNREN_TEST_DIR
#error "define KUNREN_TEST_DIR as the tests/ directory"
#endif

namespace kunren::fuzz {
namespace {

using nlohmann::json;

// --- invariants ----------------------------------------------------------------------

[[noreturn]] void violated(const char* target, const std::string& what) {
  std::fprintf(stderr, "\nfuzz target '%s': invariant violated: %s\n", target, what.c_str());
  std::fflush(stderr);
  std::abort();
}

#define FUZZ_CHECK(target, cond, what)                                   \
  do {                                                                   \
    if (!(cond)) ::kunren::fuzz::violated(target, std::string(what));    \
  } while (0)

// A refusal must be an input error with a message: never Ok, never Internal
// (a bug) and never Io (nothing here touches the disk).
void check_refusal(const char* target, const Status& s) {
  FUZZ_CHECK(target, !s.is_ok(), "an error result carries an Ok status");
  FUZZ_CHECK(target, !s.message().empty(), "an error status without a message");
  FUZZ_CHECK(target, s.kind() != ErrorKind::kInternal && s.kind() != ErrorKind::kIo,
             "bad input reported as " + std::string(error_code_name(s.kind())) + ": " + s.to_string());
}

std::string read_test_file(const std::string& relative) {
  std::ifstream in(std::string(KUNREN_TEST_DIR) + "/" + relative, std::ios::binary);
  if (!in) violated("setup", "cannot read " + relative);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

io::Encoding encoding_from(unsigned char b) {
  switch (b % 3) {
    case 0: return io::Encoding::kAuto;
    case 1: return io::Encoding::kUtf8;
    default: return io::Encoding::kCp932;
  }
}

// Splits off the selector byte; empty input gives 0 and nothing.
std::pair<unsigned char, std::string_view> selector(std::string_view data) {
  if (data.empty()) return {0, data};
  return {static_cast<unsigned char>(data[0]), data.substr(1)};
}

// --- checklists ------------------------------------------------------------------------

// A checklist file (YAML or JSON, told apart by its first character). An
// accepted checklist written as YAML and as JSON reads back with the same
// content hash.
void checklist_target(std::string_view data) {
  std::vector<Status> problems;
  auto c = io::parse_checklist(data, "fuzz.yaml", {}, &problems);
  if (!c) return check_refusal("checklist", c.status());
  const std::string hash = io::checklist_content_hash(*c);
  for (auto format : {io::ChecklistFormat::kYaml, io::ChecklistFormat::kJson}) {
    const std::string text = io::write_checklist(*c, format);
    auto again = io::parse_checklist(text, "written");
    FUZZ_CHECK("checklist", again.is_ok(), "a written checklist does not read back: " + again.status().to_string());
    FUZZ_CHECK("checklist", io::checklist_content_hash(*again) == hash, "a written checklist reads back different");
  }
}

// --- responses and organisations -------------------------------------------------------

const model::Checklist& mini_checklist() {
  static const model::Checklist c = [] {
    auto r = io::parse_checklist(read_test_file("data/cli/mini-checklist.yaml"), "mini-checklist.yaml");
    if (!r) violated("setup", r.status().to_string());
    return std::move(r).value();
  }();
  return c;
}

const std::vector<model::Organization>& mini_orgs() {
  static const std::vector<model::Organization> orgs = [] {
    auto r = io::read_orgs(read_test_file("data/cli/orgs.csv"), "orgs.csv");
    if (!r) violated("setup", r.status().to_string());
    return std::move(r).value();
  }();
  return orgs;
}

// A responses file for the three-item checklist of tests/data/cli. Selector
// byte: encoding (auto, UTF-8, CP932) × format (auto, long CSV, wide CSV,
// JSON) × with or without an organisations file. An accepted file has one
// answer per organisation and item, each a choice of that item or blank.
void responses_target(std::string_view data) {
  auto [sel, bytes] = selector(data);
  io::ResponseReadOptions options;
  options.encoding = encoding_from(sel);
  options.format = static_cast<io::ResponseFormat>((sel / 3) % 4);
  options.threads = 1;
  const bool with_orgs = (sel / 12) % 2 == 1;
  const auto& checklist = mini_checklist();
  auto r = io::read_responses(bytes, "fuzz.csv", checklist, with_orgs ? &mini_orgs() : nullptr, options);
  if (!r) return check_refusal("responses", r.status());
  const auto& set = r->responses;
  FUZZ_CHECK("responses", set.item_count == checklist.items.size(), "item count differs from the checklist");
  FUZZ_CHECK("responses", set.answers.size() == set.orgs.size() * set.item_count, "answer matrix has the wrong size");
  for (std::size_t o = 0; o < set.orgs.size(); ++o) {
    FUZZ_CHECK("responses", !set.orgs[o].pseudonym.empty(), "an organisation without a pseudonym");
    for (std::size_t i = 0; i < set.item_count; ++i) {
      FUZZ_CHECK("responses", set.answer(o, i) <= checklist.items[i].choices.size(),
                 "an answer beyond the item's choices");
    }
  }
  for (std::size_t a = 0; a < set.orgs.size(); ++a) {
    for (std::size_t b = a + 1; b < set.orgs.size(); ++b) {
      FUZZ_CHECK("responses", set.orgs[a].id != set.orgs[b].id, "an organisation appears twice");
      FUZZ_CHECK("responses", set.orgs[a].pseudonym != set.orgs[b].pseudonym, "two organisations share a pseudonym");
    }
  }
  if (with_orgs) {
    for (const auto& org : set.orgs) {
      bool known = false;
      for (const auto& o : mini_orgs()) known = known || o.id == org.id;
      FUZZ_CHECK("responses", known, "an organisation missing from the organisations file was accepted");
    }
  }
}

// An organisations file. Selector byte: encoding. Accepted ids are not empty.
void orgs_target(std::string_view data) {
  auto [sel, bytes] = selector(data);
  auto r = io::read_orgs(bytes, "orgs.csv", encoding_from(sel));
  if (!r) return check_refusal("orgs", r.status());
  for (const auto& o : *r) FUZZ_CHECK("orgs", !o.id.empty(), "an organisation with an empty id");
}

// --- scenarios and MSEL ----------------------------------------------------------------

void check_scenario_round_trip(const char* target, const model::Scenario& s) {
  const std::string hash = io::scenario_content_hash(s);
  for (auto format : {io::ScenarioFormat::kYaml, io::ScenarioFormat::kJson}) {
    const std::string text = io::write_scenario(s, format);
    auto again = io::parse_scenario(text, "written");
    FUZZ_CHECK(target, again.is_ok(), "a written scenario does not read back: " + again.status().to_string());
    FUZZ_CHECK(target, io::scenario_content_hash(*again) == hash, "a written scenario reads back different");
  }
}

// A scenario file (YAML or JSON). An accepted scenario round-trips.
void scenario_target(std::string_view data) {
  std::vector<Status> problems;
  auto s = io::parse_scenario(data, "fuzz.yaml", {}, &problems);
  if (!s) return check_refusal("scenario", s.status());
  check_scenario_round_trip("scenario", *s);
}

const model::Scenario& msel_base() {
  static const model::Scenario s = [] {
    auto r = io::parse_scenario(read_test_file("data/scenarios/good.yaml"), "good.yaml");
    if (!r) violated("setup", r.status().to_string());
    return std::move(r).value();
  }();
  return s;
}

// An inject list (MSEL CSV) imported into tests/data/scenarios/good.yaml.
// Selector byte: encoding, and the column mapping of msel-map.csv or none.
// The scenario it makes round-trips.
void msel_target(std::string_view data) {
  auto [sel, bytes] = selector(data);
  io::MselOptions options;
  options.encoding = encoding_from(sel);
  if ((sel / 3) % 2 == 1) {
    options.columns = {{"id", "No"}, {"at", "時間"}, {"title", "見出し"}, {"body", "本文"}};
  }
  Warnings warnings;
  std::vector<Status> problems;
  auto s = io::import_msel_csv(bytes, "fuzz.csv", msel_base(), options, &warnings, &problems);
  if (!s) return check_refusal("msel", s.status());
  check_scenario_round_trip("msel", *s);
}

// --- preparation documents -------------------------------------------------------------

// A preparation document (contact tree, decision criteria, evidence plan,
// restart checklist, PoC sheet, improvement plan; selector byte: which). The
// canonical document it gives is written as YAML and JSON and reads back the
// same.
void prep_target(std::string_view data) {
  auto [sel, bytes] = selector(data);
  const auto& kinds = model::all_prep_kinds();
  const model::PrepKind kind = kinds[sel % kinds.size()];
  auto doc = io::parse_prep_document(kind, bytes, "fuzz.yaml");
  if (!doc) return check_refusal("prep", doc.status());
  for (auto format : {io::PrepFormat::kYaml, io::PrepFormat::kJson}) {
    const std::string text = io::write_prep_document(kind, *doc, format);
    auto again = io::parse_prep_document(kind, text, "written");
    FUZZ_CHECK("prep", again.is_ok(), "a written document does not read back: " + again.status().to_string());
    FUZZ_CHECK("prep", *again == *doc, "a written document reads back different");
  }
}

// A contact tree as CSV. Selector byte: encoding. The tree it gives is valid
// and round-trips through YAML.
void contact_csv_target(std::string_view data) {
  auto [sel, bytes] = selector(data);
  io::PrepLoadOptions options;
  options.encoding = encoding_from(sel);
  Warnings warnings;
  auto doc = io::import_contact_tree_csv(bytes, "tree.csv", options, &warnings);
  if (!doc) return check_refusal("contact_csv", doc.status());
  auto tree = model::parse_contact_tree(*doc);
  FUZZ_CHECK("contact_csv", tree.is_ok(), "an imported tree is not a valid tree: " + tree.status().to_string());
  const std::string yaml = io::write_prep_document(model::PrepKind::kContactTree, *doc, io::PrepFormat::kYaml);
  auto again = io::parse_prep_document(model::PrepKind::kContactTree, yaml, "written");
  FUZZ_CHECK("contact_csv", again.is_ok(), "an imported tree does not read back: " + again.status().to_string());
  FUZZ_CHECK("contact_csv", *again == *doc, "an imported tree reads back different");
}

// --- bundles -------------------------------------------------------------------------

// A campaign bundle (`kunren export`). An accepted bundle, written again,
// reads back to the same text; restored into a fresh in-memory store it either
// is restored or refused with a message.
void bundle_target(std::string_view data) {
  auto b = store::read_bundle(data, "fuzz.bundle");
  if (!b) return check_refusal("bundle", b.status());
  const store::Timestamp at = "2026-11-27T00:00:00.000000Z";
  const std::string written = store::write_bundle(*b, at);
  auto again = store::read_bundle(written, "written");
  FUZZ_CHECK("bundle", again.is_ok(), "a written bundle does not read back: " + again.status().to_string());
  FUZZ_CHECK("bundle", store::write_bundle(*again, at) == written, "a written bundle reads back different");
  store::OpenOptions options;
  options.create = options.migrate = true;
  auto db = store::open_store("memory:", options);
  FUZZ_CHECK("bundle", db.is_ok(), "cannot open a memory store");
  Status restored = (*db)->restore_campaign(*b, store::Actor{"fuzz"});
  if (!restored.is_ok()) {
    FUZZ_CHECK("bundle", !restored.message().empty(), "a refused restore without a message");
    FUZZ_CHECK("bundle", restored.kind() != ErrorKind::kInternal, "restore failed internally: " + restored.to_string());
    return;
  }
  auto c = (*db)->get_campaign(b->campaign.id);
  FUZZ_CHECK("bundle", c.is_ok(), "a restored campaign cannot be read: " + c.status().to_string());
}

// --- submission packages -------------------------------------------------------------

// The key that signed the seed packages of corpus/package/: derived from a
// fixed seed, so the seeds verify and the fuzzer reaches past the signature.
const util::KeyPair& fuzz_key() {
  static const util::KeyPair key = [] {
    if (sodium_init() < 0) violated("setup", "libsodium");
    util::KeyPair k;
    unsigned char seed[crypto_sign_SEEDBYTES];
    for (std::size_t i = 0; i < sizeof seed; ++i) seed[i] = static_cast<unsigned char>(i * 7 + 1);
    crypto_sign_seed_keypair(k.public_key.data(), k.secret_key.data(), seed);
    return k;
  }();
  return key;
}

// A submission package (kunren.package/1), read and verified against the
// fuzz key; the same bytes are also read as evaluation.json and drills.json.
// Accepted evaluation and drill lists round-trip.
void package_target(std::string_view data) {
  const auto& key = fuzz_key();
  auto p = io::read_package(data, "fuzz.kunren");
  if (!p) {
    check_refusal("package", p.status());
  } else {
    FUZZ_CHECK("package", p->files.size() == p->manifest.files.size(), "files and manifest disagree");
    for (const auto& f : p->manifest.files) {
      auto it = p->files.find(f.path);
      FUZZ_CHECK("package", it != p->files.end(), "a manifest file missing from the files");
      FUZZ_CHECK("package", it->second.size() == f.bytes, "a file's size differs from the manifest");
    }
    const std::vector<io::TrustedKey> keys = {
        {util::key_id(key.public_key), util::public_key_base64(key.public_key), false, {}}};
    Status v = io::verify_package_signature(*p, keys, "fuzz.kunren");
    if (!v.is_ok()) check_refusal("package", v);
    if (auto it = p->files.find(io::k_evaluation_path); it != p->files.end()) {
      auto answers = io::read_evaluation_json(it->second, io::k_evaluation_path);
      if (!answers) check_refusal("package", answers.status());
    }
  }
  if (auto answers = io::read_evaluation_json(data, "evaluation.json"); answers) {
    auto again = io::read_evaluation_json(io::write_evaluation_json(*answers), "written");
    FUZZ_CHECK("package", again.is_ok(), "written answers do not read back: " + again.status().to_string());
    FUZZ_CHECK("package", *again == *answers, "written answers read back different");
  } else {
    check_refusal("package", answers.status());
  }
  if (auto drills = io::read_drills_json(data, "drills.json"); drills) {
    auto again = io::read_drills_json(io::write_drills_json(*drills), "written");
    FUZZ_CHECK("package", again.is_ok(), "written drills do not read back: " + again.status().to_string());
    FUZZ_CHECK("package", *again == *drills, "written drills read back different");
  } else {
    check_refusal("package", drills.status());
  }
}

// --- checklist mappings ----------------------------------------------------------------

const model::Checklist& small_checklist(int version) {
  static const model::Checklist v1 = io::parse_checklist(read_test_file("data/checklists/small.yaml"), "s").value();
  static const model::Checklist v2 = io::parse_checklist(read_test_file("data/checklists/small-v2.yaml"), "s").value();
  return version == 1 ? v1 : v2;
}

// A checklist mapping (kunren.mapping/1), checked against the two small test
// checklists; a mapping that passes the check resolves to target items and
// choices that exist.
void mapping_target(std::string_view data) {
  auto m = io::parse_mapping(data, "fuzz.yaml");
  if (!m) return check_refusal("mapping", m.status());
  const auto& from = small_checklist(1);
  const auto& to = small_checklist(2);
  Status ok = io::check_mapping(*m, from, to);
  if (!ok.is_ok()) return check_refusal("mapping", ok);
  auto resolved = model::resolve_mapping(from, to, *m);
  FUZZ_CHECK("mapping", resolved.size() == from.items.size(), "one resolution per source item expected");
  for (std::size_t i = 0; i < resolved.size(); ++i) {
    const auto& r = resolved[i];
    if (!r.to) continue;
    FUZZ_CHECK("mapping", *r.to < to.items.size(), "resolved to an item that does not exist");
    for (auto c : r.choices) {
      FUZZ_CHECK("mapping", c <= to.items[*r.to].choices.size(), "resolved to a choice that does not exist");
    }
  }
}

// --- redaction word lists --------------------------------------------------------------

// A redaction word list; the redactor built from it is run over the same
// bytes (when they are UTF-8), and its output must be UTF-8.
void word_list_target(std::string_view data) {
  auto terms = analysis::parse_word_list(data, "words.txt");
  if (!terms) return check_refusal("word_list", terms.status());
  for (const auto& t : *terms) FUZZ_CHECK("word_list", !t.text.empty(), "an empty term");
  if (io::find_invalid_utf8(data)) return;
  analysis::Redactor redactor(*terms);
  auto out = redactor.redact(data);
  FUZZ_CHECK("word_list", !io::find_invalid_utf8(out.text), "redacted text is not UTF-8");
  auto patterns = analysis::redact_patterns(out.text);
  FUZZ_CHECK("word_list", !io::find_invalid_utf8(patterns.text), "pattern-redacted text is not UTF-8");
}

// --- HTTP ------------------------------------------------------------------------------

// The application behind `kunren serve`: every route on an in-memory store
// with an admin, a coordinator, an evaluator of org-a and an open campaign.
// The store and sessions persist from one input to the next (as on a server).
struct App {
  server::EventHub hub;
  exercise::FakeClock clock;
  std::unique_ptr<exercise::ExerciseRegistry> drills;
  server::ApiContext context;
  server::Router router;

  App() {
    context.db_url = "memory:";
    auto db = server::thread_store(context.db_url);
    if (!db) violated("setup", db.status().to_string());
    store::Store& s = **db;
    const store::Actor actor{"fuzz"};
    auto must = [](const Status& st) {
      if (!st.is_ok()) violated("setup", st.to_string());
    };
    must(s.put_orgs({{"org-a", "A", "", "", {}, {}}, {"org-b", "B", "", "", {}, {}}}, actor));
    for (auto [login, role, org] : {std::tuple{"admin", store::Role::kAdmin, ""},
                                    std::tuple{"coco", store::Role::kCoordinator, ""},
                                    std::tuple{"eva", store::Role::kEvaluator, "org-a"}}) {
      store::User u;
      u.login = login;
      u.display_name = login;
      u.roles = {role};
      if (*org) u.orgs = {org};
      must(s.create_user(u, actor));
    }
    must(store::register_checklist(s, mini_checklist(), false, actor).status());
    store::CampaignRecord c;
    c.id = "c";
    c.title = "c";
    c.checklist_id = mini_checklist().id;
    c.checklist_version = mini_checklist().version;
    c.min_group = 1;
    must(s.create_campaign(c, actor));
    must(s.set_campaign_state("c", store::CampaignState::kOpen, actor));
    auto auth = server::Authenticator::create(context.sessions);
    if (!auth) violated("setup", auth.status().to_string());
    context.authenticator = std::move(auth).value();
    context.events = &hub;
    drills = std::make_unique<exercise::ExerciseRegistry>(clock, server::stored_scenario_parser(),
                                                          server::exercise_announcer(hub));
    context.exercises = drills.get();
    web::add_all_routes(router, context);
  }

  // The session of `login` (made again if the fuzzer signed it out).
  const server::Session& session(const std::string& login) {
    auto& s = sessions[login];
    if (s.id.empty() || !context.sessions.find(s.id, server::Clock::now())) {
      s = context.sessions.create(login, server::Clock::now());
    }
    return s;
  }
  std::map<std::string, server::Session> sessions;
};

App& app() {
  static App a;
  return a;
}

void replace_all(std::string& s, std::string_view from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

// Routes that hash a password with argon2id (slow on purpose: a fraction of a
// second each): parsed, but not handed to the application.
bool hashes_password(const server::HttpRequest& r) {
  return (r.method == "POST" && r.path == "/api/v1/session") || r.path.find("/password") != std::string::npos;
}

// Raw bytes of one HTTP/1.1 request, read by Boost.Beast's parser with the
// server's limits, turned into an HttpRequest as the server does
// (http_server.cpp, Connection::handle) and answered by the application.
// "@ADMIN@", "@COORD@" and "@EVAL@" in the input become those users' session
// ids, "@ADMIN_CSRF@" … their CSRF tokens. Every answer is below 500, and an
// API error is the JSON error body with a message.
void http_request_target(std::string_view data) {
  namespace http = boost::beast::http;
  App& a = app();
  std::string raw(data);
  if (raw.find('@') != std::string::npos) {
    for (const char* who : {"admin", "coco", "eva"}) {
      const auto& s = a.session(who);
      const std::string tag = std::string(who) == "admin" ? "ADMIN" : std::string(who) == "coco" ? "COORD" : "EVAL";
      replace_all(raw, "@" + tag + "_CSRF@", s.csrf_token);
      replace_all(raw, "@" + tag + "@", s.id);
    }
  }
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t offset = 0;
  while (offset < raw.size() && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(raw.data() + offset, raw.size() - offset), ec);
    offset += used;
    if (ec == http::error::need_more) {
      ec = {};
      if (used == 0) break;
      continue;
    }
    if (ec || used == 0) break;
  }
  if (!ec && !parser.is_done() && parser.is_header_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return;  // the server answers 400/413/431 and closes

  server::HttpRequest r = server::from_beast(parser.release(), "192.0.2.1");
  if (r.path.empty() || r.path.front() != '/' || hashes_password(r)) return;

  server::HttpResponse response;
  try {
    response = a.router.dispatch(r);
  } catch (const std::exception& e) {
    violated("http_request", "handler threw (the server would answer 500): " + std::string(e.what()));
  }
  if (response.stream) response.stream->close();
  FUZZ_CHECK("http_request", response.status >= 200 && response.status <= 599, "status out of range");
  FUZZ_CHECK("http_request", response.status < 500 || response.status == 503,
             "answered " + std::to_string(response.status) + " to " + r.method + " " + r.target + ": " +
                 response.body.substr(0, 300));
  if (response.status >= 400 && r.path.rfind("/api/", 0) == 0) {
    const json body = json::parse(response.body, nullptr, false);
    FUZZ_CHECK("http_request", body.is_object() && body.contains("error") && body["error"].is_object(),
               "an API error without the JSON error body");
    const json& e = body["error"];
    FUZZ_CHECK("http_request", e.contains("message") && e["message"].is_string() && !e["message"].empty(),
               "an API error without a message");
  }
}

// The application's own parsers of request fields: cookies, query
// parameters (percent-decoding), JSON bodies. The first line of the input is
// the name looked up, the rest the header value, query string and body.
void http_fields_target(std::string_view data) {
  const auto nl = data.find('\n');
  const std::string name(data.substr(0, nl));
  const std::string rest(nl == std::string_view::npos ? std::string_view{} : data.substr(nl + 1));
  server::HttpRequest r;
  r.method = "POST";
  r.headers = {{"cookie", rest}, {"content-type", "application/json"}};
  r.query = rest;
  r.body = rest;
  const std::string cookie = r.cookie(name);
  FUZZ_CHECK("http_fields", cookie.size() <= rest.size(), "a cookie longer than the header");
  FUZZ_CHECK("http_fields", cookie.find(';') == std::string::npos, "a cookie value with ';'");
  const std::string value = r.query_param(name);
  FUZZ_CHECK("http_fields", value.size() <= rest.size(), "a decoded parameter longer than the query");
  const bool raw_nul = rest.find('\0') != std::string::npos;  // a real request target has none
  FUZZ_CHECK("http_fields", raw_nul || value.find('\0') == std::string::npos, "a decoded parameter with NUL");
  for (bool plus : {false, true}) {
    std::string out;
    if (server::percent_decode(rest, out, plus)) {
      FUZZ_CHECK("http_fields", out.size() <= rest.size(), "percent-decoding grew the text");
      FUZZ_CHECK("http_fields", raw_nul || out.find('\0') == std::string::npos, "percent-decoding produced NUL");
    }
  }
  auto body = server::json_body(r);
  if (auto* refusal = std::get_if<server::HttpResponse>(&body)) {
    FUZZ_CHECK("http_fields", refusal->status == 400 || refusal->status == 422, "unexpected refusal status");
    const json e = json::parse(refusal->body, nullptr, false);
    FUZZ_CHECK("http_fields", e.is_object() && e.contains("error"), "refusal without the error body");
  } else {
    FUZZ_CHECK("http_fields", std::get<json>(body).is_object(), "an accepted body that is not an object");
  }
}

}  // namespace

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"checklist", checklist_target, "checklist YAML/JSON; accepted ones round-trip"},
      {"responses", responses_target, "response files, every encoding and format; answers are choices"},
      {"orgs", orgs_target, "organisations CSV, every encoding"},
      {"scenario", scenario_target, "scenario YAML/JSON; accepted ones round-trip"},
      {"msel", msel_target, "inject list (MSEL) CSV into a scenario; the result round-trips"},
      {"prep", prep_target, "the six preparation documents; canonical documents round-trip"},
      {"contact_csv", contact_csv_target, "contact tree CSV, every encoding; the tree round-trips"},
      {"bundle", bundle_target, "campaign bundles; round-trip, restore into a memory store"},
      {"package", package_target, "submission packages: read, verify; evaluation/drills JSON round-trip"},
      {"mapping", mapping_target, "checklist mappings, checked and resolved"},
      {"word_list", word_list_target, "redaction word lists; redaction keeps UTF-8"},
      {"http_request", http_request_target, "raw HTTP requests through Beast and every route"},
      {"http_fields", http_fields_target, "cookies, query parameters, JSON bodies"},
  };
  return all;
}

const Target* find_target(std::string_view name) {
  for (const auto& t : targets()) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

}  // namespace kunren::fuzz
