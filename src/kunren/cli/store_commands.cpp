// The commands that work on the store: init, db, org, campaign, user, import,
// export, import-bundle, backup and audit. Each opens the database named by
// --db (or $KUNREN_DB), does one thing, and says what it did in one line.
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/cli/command.hpp>
#include <kunren/io/builtin.hpp>
#include <kunren/io/checklist_io.hpp>
#include <kunren/io/responses_io.hpp>
#include <kunren/store/backends.hpp>
#include <kunren/store/bundle.hpp>
#include <kunren/store/campaign_data.hpp>
#include <kunren/util/file.hpp>
#include <kunren/util/password.hpp>
#include <kunren/util/sha256.hpp>
#include <kunren/util/utf8.hpp>

namespace kunren::cli {

namespace {

using nlohmann::json;
using store::Store;

void add_format_option(CLI::App& app, std::string& format) {
  format = "table";
  app.add_option("--format", format, "Output format (table|json; default table)")->check(CLI::IsMember({"table", "json"}));
}

// Reads a new password: from the terminal (twice, without echo) when standard
// input is one, else the first line of standard input. Never from argv, so it
// cannot show up in `ps` or the shell history.
Result<std::string> read_new_password() {
  std::string password;
  if (isatty(STDIN_FILENO) != 0) {
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    auto ask = [&](const char* prompt) {
      std::cerr << prompt << std::flush;
      tcsetattr(STDIN_FILENO, TCSANOW, &quiet);  // TCSANOW: keep what was typed ahead
      std::string line;
      std::getline(std::cin, line);
      tcsetattr(STDIN_FILENO, TCSANOW, &old);
      std::cerr << '\n';
      return line;
    };
    password = ask("New password: ");
    if (ask("Repeat the password: ") != password) return Status::bad_input("the two passwords differ");
  } else {
    if (!std::getline(std::cin, password)) return Status::bad_input("no password on standard input");
    if (!password.empty() && password.back() == '\r') password.pop_back();
  }
  KUNREN_RETURN_IF_ERROR(util::check_password_policy(password));
  return password;
}

Status check_id(const std::string& id, const char* what, const char* field) {
  bool ok = !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-' || c == '@';
  });
  if (!ok) {
    return Status::bad_input(fmt::format("'{}' is not a valid {}: use 1–64 letters, digits, '.', '_', '-' or '@'", id, what),
                             Location{{}, 0, 0, field});
  }
  return Status::ok();
}

// Organisation ids come from users' files ("東邦化成 鹿島工場"), so any text
// will do as long as it can be shown and typed.
Status check_org_id(const std::string& id, const char* field) {
  bool ok = !id.empty() && id.size() <= 200 && id.front() != ' ' && id.back() != ' ' &&
            std::none_of(id.begin(), id.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  if (!ok) {
    return Status::bad_input(fmt::format("'{}' is not a valid organisation id: 1–200 bytes of text without control "
                                         "characters or spaces at either end",
                                         id),
                             Location{{}, 0, 0, field});
  }
  return Status::ok();
}

Result<std::vector<store::Role>> parse_roles(const std::vector<std::string>& names) {
  std::vector<store::Role> roles;
  for (const auto& n : names) {
    auto r = store::parse_role(n);
    if (!r) {
      return Status::bad_input(fmt::format("unknown role '{}'; roles are admin, coordinator, evaluator, facilitator, "
                                           "participant and observer",
                                           n),
                               Location{{}, 0, 0, "--role"});
    }
    roles.push_back(*r);
  }
  return store::normalized_roles(std::move(roles));
}

std::string join_roles(const std::vector<store::Role>& roles) {
  std::string out;
  for (auto r : roles) out += (out.empty() ? "" : ",") + std::string(store::to_string(r));
  return out;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

Result<std::unique_ptr<Store>> open_db(const std::string& url) { return open_for_command(url); }

// Coordinator logins given on the command line: each a valid login, none
// twice; BadInput naming `option` otherwise. Sorted, as the store keeps them.
Result<std::vector<std::string>> coordinator_logins(const std::vector<std::string>& logins, const char* option) {
  std::set<std::string> seen;
  for (const auto& login : logins) {
    KUNREN_RETURN_IF_ERROR(check_id(login, "login", option));
    if (!seen.insert(login).second) {
      return Status::bad_input(fmt::format("coordinator '{}' is given more than once", login),
                               Location{{}, 0, 0, option});
    }
  }
  return std::vector<std::string>(seen.begin(), seen.end());
}

// The store names the field of a refused coordinator list "coordinators";
// on the command line it is the option that gave the logins.
Status with_option(Status st, const char* option) {
  if (st.is_ok() || st.where().field != "coordinators") return st;
  const Location where{{}, 0, 0, option};
  return st.kind() == ErrorKind::kNotFound ? Status::not_found(st.message(), where)
                                           : Status::bad_input(st.message(), where);
}

std::string coordinators_text(const std::vector<std::string>& logins) {
  return logins.empty() ? "none listed (every coordinator coordinates it)" : join(logins);
}

// Registers every built-in checklist (idempotent). Returns "factory-ir 1.0, …".
Result<std::string> register_builtins(Store& db, const store::Actor& actor) {
  std::string names;
  for (const auto& id : io::builtin_checklist_ids()) {
    auto c = io::load_builtin_checklist(id);
    if (!c) return c.status();
    auto r = store::register_checklist(db, *c, true, actor);
    if (!r) return r.status();
    names += (names.empty() ? "" : ", ") + c->id + " " + c->version;
  }
  return names;
}

}  // namespace

// --- init and db -----------------------------------------------------------------

Handler define_init(CLI::App& app) {
  auto url = std::make_shared<std::string>();
  add_db_option(app, *url);
  return [url]() -> Status {
    store::OpenOptions options;
    options.create = true;
    options.migrate = true;
    auto db = store::open_store(*url, options);
    if (!db) return db.status();
    auto info = (*db)->schema_info();
    if (!info) return info.status();
    auto names = register_builtins(**db, cli_actor());
    if (!names) return names.status();
    std::cout << fmt::format("{}: ready (schema version {}; built-in checklists: {})\n", (*db)->url(), info->version,
                             *names);
    return Status::ok();
  };
}

Handler define_db_migrate(CLI::App& app) {
  auto url = std::make_shared<std::string>();
  add_db_option(app, *url);
  return [url]() -> Status {
    // A database that opens as it is needs nothing; only an older schema is
    // a Conflict that migrating resolves (a newer one is refused again below).
    auto current = store::open_store(*url, store::OpenOptions{});
    if (current) {
      auto info = (*current)->schema_info();
      if (!info) return info.status();
      std::cout << fmt::format("{}: schema version {} is current; nothing to do\n", (*current)->url(), info->version);
      return Status::ok();
    }
    if (current.status().kind() != ErrorKind::kConflict) return current.status();  // missing or unreachable
    store::OpenOptions options;
    options.migrate = true;
    auto db = store::open_store(*url, options);
    if (!db) return db.status();
    auto info = (*db)->schema_info();
    if (!info) return info.status();
    std::cout << fmt::format("{}: migrated to schema version {}\n", (*db)->url(), info->version);
    return Status::ok();
  };
}

Handler define_db_status(CLI::App& app) {
  auto url = std::make_shared<std::string>();
  add_db_option(app, *url);
  return [url]() -> Status {
    auto db = store::open_store(*url, store::OpenOptions{});
    if (!db) return db.status();
    auto info = (*db)->schema_info();
    if (!info) return info.status();
    std::cout << fmt::format("database   {} ({})\n", (*db)->url(), (*db)->backend());
    std::cout << fmt::format("schema     version {} of {} known to this kunren\n", info->version, info->latest);
    for (const auto& m : info->applied) {
      std::cout << fmt::format("  {:>3}  {:<32} applied {}\n", m.version, m.name, m.applied_at);
    }
    return Status::ok();
  };
}

// --- organisations -------------------------------------------------------------------

Handler define_org_add(CLI::App& app) {
  struct Opts {
    std::string url, id, name, industry, size;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("ID", o->id, "Organisation id (as in the answer files' org column)")->required();
  app.add_option("--name", o->name, "Display name (never published)")->required();
  app.add_option("--industry", o->industry, "Industry, e.g. 化学");
  app.add_option("--size", o->size, "Size band, e.g. 300-999");
  add_db_option(app, o->url);
  return [o]() -> Status {
    KUNREN_RETURN_IF_ERROR(check_org_id(o->id, "ID"));
    auto db = open_db(o->url);
    if (!db) return db.status();
    bool existed = (*db)->get_org(o->id).is_ok();
    KUNREN_RETURN_IF_ERROR((*db)->put_orgs({store::OrgRecord{o->id, o->name, o->industry, o->size, {}, {}}}, cli_actor()));
    auto org = (*db)->get_org(o->id);
    if (!org) return org.status();
    std::cout << fmt::format("organisation {} {} (pseudonym {})\n", org->id, existed ? "updated" : "added",
                             org->pseudonym);
    return Status::ok();
  };
}

Handler define_org_list(CLI::App& app) {
  struct Opts {
    std::string url, format;
  };
  auto o = std::make_shared<Opts>();
  add_format_option(app, o->format);
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto db = open_db(o->url);
    if (!db) return db.status();
    auto orgs = (*db)->list_orgs();
    if (!orgs) return orgs.status();
    if (o->format == "json") {
      json out = json::array();
      for (const auto& g : *orgs) {
        out.push_back({{"id", g.id}, {"name", g.name}, {"industry", g.industry}, {"size", g.size},
                       {"pseudonym", g.pseudonym}, {"created_at", g.created_at}});
      }
      std::cout << out.dump(2) << '\n';
      return Status::ok();
    }
    std::vector<std::vector<std::string>> rows = {{"ID", "PSEUDONYM", "INDUSTRY", "SIZE", "NAME"}};
    for (const auto& g : *orgs) rows.push_back({g.id, g.pseudonym, g.industry, g.size, g.name});
    print_table(rows);
    return Status::ok();
  };
}

Handler define_org_import(CLI::App& app) {
  struct Opts {
    std::string url, file, encoding = "auto";
  };
  auto o = std::make_shared<Opts>();
  app.add_option("FILE", o->file, "Organisations CSV: org,name,industry,size (Japanese headers and CP932 accepted)")
      ->required();
  app.add_option("--encoding", o->encoding, "Input encoding: auto, utf-8 or cp932 (default auto)");
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto encoding = encoding_option(o->encoding);
    if (!encoding) return encoding.status();
    auto orgs = io::load_orgs_file(o->file, *encoding);  // whole file checked before anything is written
    if (!orgs) return orgs.status();
    auto db = open_db(o->url);
    if (!db) return db.status();
    auto before = (*db)->list_orgs();
    if (!before) return before.status();
    std::map<std::string, const store::OrgRecord*> known;
    for (const auto& g : *before) known.emplace(g.id, &g);
    std::vector<store::OrgRecord> records;
    std::size_t added = 0, updated = 0;
    for (const auto& g : *orgs) {
      KUNREN_RETURN_IF_ERROR(check_org_id(g.id, "org"));
      auto it = known.find(g.id);
      if (it == known.end()) {
        ++added;
      } else if (it->second->name != g.name || it->second->industry != g.industry || it->second->size != g.size) {
        ++updated;
      }
      records.push_back(store::OrgRecord{g.id, g.name, g.industry, g.size, {}, {}});
    }
    KUNREN_RETURN_IF_ERROR((*db)->put_orgs(records, cli_actor()));
    std::cout << fmt::format("{}: {} organisations ({} added, {} updated, {} unchanged)\n", o->file, records.size(),
                             added, updated, records.size() - added - updated);
    return Status::ok();
  };
}

// --- campaigns --------------------------------------------------------------------

Handler define_campaign_create(CLI::App& app) {
  struct Opts {
    std::string url, id, checklist = "factory-ir", title, opens, closes;
    std::vector<std::string> coordinators;
    int min_group = 3;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("ID", o->id, "Campaign id, e.g. 2026-autumn")->required();
  app.add_option("--checklist", o->checklist, "Built-in checklist id or a checklist file (default factory-ir)");
  app.add_option("--title", o->title, "Title shown on reports (default: the id)");
  app.add_option("--min-group", o->min_group, "Minimum number of organisations for anything to be published (default 3)")
      ->check(CLI::Range(1, 1'000'000));
  app.add_option("--opens", o->opens, "First day of the answering period (YYYY-MM-DD)");
  app.add_option("--closes", o->closes, "Last day of the answering period (YYYY-MM-DD)");
  app.add_option("--coordinator", o->coordinators,
                 "A user (with the coordinator role) who coordinates this campaign; repeatable. Without any, "
                 "every coordinator does")
      ->delimiter(',');
  add_db_option(app, o->url);
  return [o]() -> Status {
    KUNREN_RETURN_IF_ERROR(check_id(o->id, "campaign id", "ID"));
    auto coordinators = coordinator_logins(o->coordinators, "--coordinator");
    if (!coordinators) return coordinators.status();
    for (auto [value, field] : {std::pair{&o->opens, "--opens"}, std::pair{&o->closes, "--closes"}}) {
      if (value->empty()) continue;
      if (value->size() != 10 || !store::parse_timestamp(*value)) {
        return Status::bad_input(fmt::format("'{}' is not a date; write YYYY-MM-DD", *value), Location{{}, 0, 0, field});
      }
    }
    if (!o->opens.empty() && !o->closes.empty() && o->closes < o->opens) {
      return Status::bad_input("the campaign closes before it opens", Location{{}, 0, 0, "--closes"});
    }
    auto checklist = io::resolve_checklist(o->checklist);
    if (!checklist) return checklist.status();
    auto db = open_db(o->url);
    if (!db) return db.status();
    const auto ids = io::builtin_checklist_ids();
    const bool builtin = std::find(ids.begin(), ids.end(), o->checklist) != ids.end();
    auto record = store::register_checklist(**db, *checklist, builtin, cli_actor());
    if (!record) return record.status();
    store::CampaignRecord c;
    c.id = o->id;
    c.title = o->title.empty() ? o->id : o->title;
    c.checklist_id = record->id;
    c.checklist_version = record->version;
    c.opens_on = o->opens;
    c.closes_on = o->closes;
    c.min_group = o->min_group;
    c.state = store::CampaignState::kDraft;
    c.coordinators = *coordinators;
    KUNREN_RETURN_IF_ERROR(with_option((*db)->create_campaign(c, cli_actor()), "--coordinator"));
    std::cout << fmt::format(
        "campaign {} created (draft; checklist {} {}, {} items; minimum group {}; coordinators: {}). Open it with "
        "'kunren campaign open {}'.\n",
        c.id, c.checklist_id, c.checklist_version, checklist->items.size(), c.min_group,
        coordinators_text(c.coordinators), c.id);
    return Status::ok();
  };
}

namespace {

// How many organisations have a submitted revision, and how many revisions exist.
struct CampaignCounts {
  std::size_t submitted = 0;
  std::size_t drafts_only = 0;
};

Result<CampaignCounts> count_campaign(Store& db, const std::string& id) {
  // Counting needs the revisions, not their answers.
  store::LatestQuery any;
  any.state = std::nullopt;
  any.with_answers = false;
  auto latest_any = db.latest_revisions(id, any);
  if (!latest_any) return latest_any.status();
  store::LatestQuery submitted;
  submitted.with_answers = false;
  auto latest_sub = db.latest_revisions(id, submitted);
  if (!latest_sub) return latest_sub.status();
  return CampaignCounts{latest_sub->size(), latest_any->size() - latest_sub->size()};
}

json campaign_json(const store::CampaignRecord& c) {
  return {{"id", c.id},
          {"title", c.title},
          {"checklist_id", c.checklist_id},
          {"checklist_version", c.checklist_version},
          {"opens_on", c.opens_on},
          {"closes_on", c.closes_on},
          {"min_group", c.min_group},
          {"state", store::to_string(c.state)},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at},
          {"coordinators", c.coordinators}};
}

}  // namespace

Handler define_campaign_list(CLI::App& app) {
  struct Opts {
    std::string url, format;
  };
  auto o = std::make_shared<Opts>();
  add_format_option(app, o->format);
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto db = open_db(o->url);
    if (!db) return db.status();
    auto campaigns = (*db)->list_campaigns();
    if (!campaigns) return campaigns.status();
    json out = json::array();
    std::vector<std::vector<std::string>> rows = {{"ID", "STATE", "CHECKLIST", "SUBMITTED", "K", "TITLE"}};
    for (const auto& c : *campaigns) {
      auto counts = count_campaign(**db, c.id);
      if (!counts) return counts.status();
      json j = campaign_json(c);
      j["submitted"] = counts->submitted;
      out.push_back(std::move(j));
      rows.push_back({c.id, store::to_string(c.state), c.checklist_id + " " + c.checklist_version,
                      std::to_string(counts->submitted), std::to_string(c.min_group), c.title});
    }
    if (o->format == "json") {
      std::cout << out.dump(2) << '\n';
    } else {
      print_table(rows);
    }
    return Status::ok();
  };
}

Handler define_campaign_show(CLI::App& app) {
  struct Opts {
    std::string url, id, format;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("ID", o->id, "Campaign id")->required();
  add_format_option(app, o->format);
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto db = open_db(o->url);
    if (!db) return db.status();
    auto c = (*db)->get_campaign(o->id);
    if (!c) return c.status();
    auto counts = count_campaign(**db, c->id);
    if (!counts) return counts.status();
    auto imports = (*db)->list_imports(c->id);
    if (!imports) return imports.status();
    if (o->format == "json") {
      json j = campaign_json(*c);
      j["submitted"] = counts->submitted;
      j["drafts_only"] = counts->drafts_only;
      json im = json::array();
      for (const auto& i : *imports) {
        im.push_back({{"id", i.id}, {"filename", i.filename}, {"sha256", i.sha256}, {"actor", i.actor}, {"at", i.at},
                      {"revisions", i.revisions}, {"unchanged", i.unchanged}});
      }
      j["imports"] = std::move(im);
      std::cout << j.dump(2) << '\n';
      return Status::ok();
    }
    auto period = c->opens_on.empty() && c->closes_on.empty() ? std::string("(not set)")
                                                              : fmt::format("{} – {}", c->opens_on, c->closes_on);
    std::cout << fmt::format(
        "campaign    {}\ntitle       {}\nstate       {}\nchecklist   {} {}\nperiod      {}\n"
        "min group   {} (publishing needs at least this many submitted organisations)\n"
        "coordinators {}\n"
        "submitted   {} organisations{}\ncreated     {}\nupdated     {}\n",
        c->id, c->title, store::to_string(c->state), c->checklist_id, c->checklist_version, period, c->min_group,
        coordinators_text(c->coordinators), counts->submitted,
        counts->drafts_only > 0 ? fmt::format(" ({} more with drafts only)", counts->drafts_only) : std::string(),
        c->created_at, c->updated_at);
    if (!imports->empty()) {
      std::cout << "imports\n";
      for (const auto& i : *imports) {
        std::cout << fmt::format("  #{:<4} {}  {}  {} new revisions, {} unchanged  by {}\n", i.id, i.at, i.filename,
                                 i.revisions, i.unchanged, i.actor);
      }
    }
    return Status::ok();
  };
}

Handler define_campaign_coordinators(CLI::App& app) {
  struct Opts {
    std::string url, id;
    std::vector<std::string> set;
    bool clear = false;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("ID", o->id, "Campaign id")->required();
  auto* set =
      app.add_option("--set", o->set, "Replace the list with these users (LOGIN,…), each with the coordinator role")
          ->delimiter(',');
  app.add_flag("--clear", o->clear, "Empty the list: every coordinator coordinates the campaign again")->excludes(set);
  app.footer(
      "Without options, prints the campaign's coordinators. A campaign with coordinators listed is "
      "coordinated by them alone; with none listed, by every user with the coordinator role.");
  add_db_option(app, o->url);
  return [o]() -> Status {
    std::vector<std::string> logins;
    if (!o->set.empty()) {
      auto checked = coordinator_logins(o->set, "--set");
      if (!checked) return checked.status();
      logins = std::move(checked).value();
    }
    auto db = open_db(o->url);
    if (!db) return db.status();
    if (!o->set.empty() || o->clear) {
      KUNREN_RETURN_IF_ERROR(with_option((*db)->set_campaign_coordinators(o->id, logins, cli_actor()), "--set"));
    }
    auto c = (*db)->get_campaign(o->id);
    if (!c) return c.status();
    std::cout << fmt::format("campaign {}: coordinators {}\n", c->id, coordinators_text(c->coordinators));
    return Status::ok();
  };
}

namespace {

Handler define_state_change(CLI::App& app, store::CampaignState to, const char* verb) {
  struct Opts {
    std::string url, id;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("ID", o->id, "Campaign id")->required();
  add_db_option(app, o->url);
  return [o, to, verb]() -> Status {
    auto db = open_db(o->url);
    if (!db) return db.status();
    KUNREN_RETURN_IF_ERROR((*db)->set_campaign_state(o->id, to, cli_actor()));
    std::cout << fmt::format("campaign {} {}\n", o->id, verb);
    return Status::ok();
  };
}

}  // namespace

Handler define_campaign_open(CLI::App& app) { return define_state_change(app, store::CampaignState::kOpen, "is open"); }
Handler define_campaign_close(CLI::App& app) {
  return define_state_change(app, store::CampaignState::kClosed, "is closed");
}
Handler define_campaign_publish(CLI::App& app) {
  return define_state_change(app, store::CampaignState::kPublished, "is published");
}

Handler define_campaign_revisions(CLI::App& app) {
  struct Opts {
    std::string url, id, org, format;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("ID", o->id, "Campaign id")->required();
  app.add_option("--org", o->org, "Every revision of this organisation (default: the latest of each)");
  add_format_option(app, o->format);
  app.footer("Nothing submitted is ever overwritten: every import or save is a new revision, listed here. "
             "With --format json the answers are included.");
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto db = open_db(o->url);
    if (!db) return db.status();
    Result<std::vector<store::Revision>> revisions = std::vector<store::Revision>{};
    if (o->org.empty()) {
      store::LatestQuery q;
      q.state = std::nullopt;
      revisions = (*db)->latest_revisions(o->id, q);
    } else {
      revisions = (*db)->revision_history(o->id, o->org);
    }
    if (!revisions) return revisions.status();
    if (o->format == "json") {
      auto out = nlohmann::ordered_json::array();
      for (const auto& r : *revisions) out.push_back(store::revision_json(r));
      std::cout << out.dump(2) << '\n';
      return Status::ok();
    }
    std::vector<std::vector<std::string>> rows = {{"ORG", "NO", "STATE", "AT", "ANSWERS", "CHANGED", "BY"}};
    const std::vector<store::Answer>* previous = nullptr;
    for (const auto& r : *revisions) {
      std::size_t answered = 0;
      for (const auto& a : r.answers) answered += a.choice != 0 ? 1 : 0;
      std::string changed = "-";
      if (!o->org.empty() && previous != nullptr) {
        // Items whose answer or comment differ from the previous revision.
        std::map<std::string, const store::Answer*> before;
        for (const auto& a : *previous) before.emplace(a.item, &a);
        std::size_t n = 0;
        for (const auto& a : r.answers) {
          auto it = before.find(a.item);
          if (it == before.end() || !(*it->second == a)) ++n;
          if (it != before.end()) before.erase(it);
        }
        changed = std::to_string(n + before.size());
      }
      previous = &r.answers;
      rows.push_back({r.org, std::to_string(r.no), store::to_string(r.state), r.created_at.substr(0, 19) + "Z",
                      std::to_string(answered), changed,
                      r.author + (r.import_id != 0 ? fmt::format(" (import #{})", r.import_id) : std::string())});
    }
    print_table(rows);
    return Status::ok();
  };
}

// --- users --------------------------------------------------------------------------

Handler define_user_add(CLI::App& app) {
  struct Opts {
    std::string url, login, name;
    std::vector<std::string> roles, orgs;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("LOGIN", o->login, "Sign-in name")->required();
  app.add_option("--name", o->name, "Display name (default: the login)");
  app.add_option("--role", o->roles, "Role (admin|coordinator|evaluator|facilitator|participant|observer); repeatable")
      ->delimiter(',');
  app.add_option("--org", o->orgs, "Organisation the user belongs to; repeatable")->delimiter(',');
  app.footer("The password is read from the terminal (asked twice, not shown) or, when standard input is not a "
             "terminal, from its first line. It is never taken from the command line.");
  add_db_option(app, o->url);
  return [o]() -> Status {
    KUNREN_RETURN_IF_ERROR(check_id(o->login, "login", "LOGIN"));
    auto roles = parse_roles(o->roles);
    if (!roles) return roles.status();
    auto db = open_db(o->url);
    if (!db) return db.status();
    if ((*db)->get_user(o->login)) return Status::conflict(fmt::format("user '{}' exists already", o->login));
    auto password = read_new_password();
    if (!password) return password.status();
    auto hash = util::hash_password(*password);
    if (!hash) return hash.status();
    store::User u;
    u.login = o->login;
    u.display_name = o->name.empty() ? o->login : o->name;
    u.password_hash = *hash;
    u.roles = *roles;
    u.orgs = o->orgs;
    u.orgs = store::normalized_ids(u.orgs);
    KUNREN_RETURN_IF_ERROR((*db)->create_user(u, cli_actor()));
    std::cout << fmt::format("user {} added (roles: {}; organisations: {})\n", u.login,
                             u.roles.empty() ? "none" : join_roles(u.roles), u.orgs.empty() ? "none" : join(u.orgs));
    return Status::ok();
  };
}

Handler define_user_list(CLI::App& app) {
  struct Opts {
    std::string url, format;
  };
  auto o = std::make_shared<Opts>();
  add_format_option(app, o->format);
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto db = open_db(o->url);
    if (!db) return db.status();
    auto users = (*db)->list_users();
    if (!users) return users.status();
    if (o->format == "json") {
      json out = json::array();
      for (const auto& u : *users) {
        json roles = json::array();
        for (auto r : u.roles) roles.push_back(store::to_string(r));
        out.push_back({{"login", u.login}, {"display_name", u.display_name}, {"roles", roles},
                       {"organizations", u.orgs}, {"disabled", u.disabled}, {"created_at", u.created_at}});
      }
      std::cout << out.dump(2) << '\n';
      return Status::ok();
    }
    std::vector<std::vector<std::string>> rows = {{"LOGIN", "ROLES", "ORGANISATIONS", "STATUS", "NAME"}};
    for (const auto& u : *users) {
      rows.push_back({u.login, u.roles.empty() ? "-" : join_roles(u.roles), u.orgs.empty() ? "-" : join(u.orgs),
                      u.disabled ? "disabled" : (u.password_hash.empty() ? "no password" : "active"), u.display_name});
    }
    print_table(rows);
    return Status::ok();
  };
}

Handler define_user_passwd(CLI::App& app) {
  struct Opts {
    std::string url, login;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("LOGIN", o->login, "Sign-in name")->required();
  app.footer("The new password is read from the terminal (asked twice) or the first line of standard input.");
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto db = open_db(o->url);
    if (!db) return db.status();
    auto user = (*db)->get_user(o->login);
    if (!user) return user.status();
    auto password = read_new_password();
    if (!password) return password.status();
    auto hash = util::hash_password(*password);
    if (!hash) return hash.status();
    KUNREN_RETURN_IF_ERROR((*db)->set_password_hash(o->login, *hash, cli_actor()));
    std::cout << fmt::format("password of {} changed\n", o->login);
    return Status::ok();
  };
}

Handler define_user_roles(CLI::App& app) {
  struct Opts {
    std::string url, login;
    std::vector<std::string> add, remove, add_orgs, remove_orgs;
    bool disable = false, enable = false;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("LOGIN", o->login, "Sign-in name")->required();
  app.add_option("--add", o->add, "Roles to give; repeatable or comma-separated")->delimiter(',');
  app.add_option("--remove", o->remove, "Roles to take away")->delimiter(',');
  app.add_option("--add-org", o->add_orgs, "Organisations to add the user to")->delimiter(',');
  app.add_option("--remove-org", o->remove_orgs, "Organisations to remove the user from")->delimiter(',');
  auto* d = app.add_flag("--disable", o->disable, "Stop the user from signing in (nothing is deleted)");
  app.add_flag("--enable", o->enable, "Let a disabled user sign in again")->excludes(d);
  app.footer("Without options, prints the user's roles and organisations.");
  add_db_option(app, o->url);
  return [o]() -> Status {
    const bool changes_access = !o->add.empty() || !o->remove.empty() || !o->add_orgs.empty() || !o->remove_orgs.empty();
    if (changes_access && (o->disable || o->enable)) {
      // Each is one transaction; together they would be two.
      return Status::bad_input("change roles or organisations and --disable/--enable in separate commands",
                               Location{{}, 0, 0, o->disable ? "--disable" : "--enable"});
    }
    auto add = parse_roles(o->add);
    if (!add) return add.status();
    auto remove = parse_roles(o->remove);
    if (!remove) return remove.status();
    auto db = open_db(o->url);
    if (!db) return db.status();
    auto user = (*db)->get_user(o->login);
    if (!user) return user.status();
    std::set<store::Role> roles(user->roles.begin(), user->roles.end());
    for (auto r : *add) roles.insert(r);
    for (auto r : *remove) roles.erase(r);
    std::set<std::string> orgs(user->orgs.begin(), user->orgs.end());
    for (const auto& g : o->add_orgs) orgs.insert(g);
    for (const auto& g : o->remove_orgs) orgs.erase(g);
    std::vector<store::Role> new_roles(roles.begin(), roles.end());
    std::vector<std::string> new_orgs(orgs.begin(), orgs.end());
    if (new_roles != user->roles || new_orgs != user->orgs) {
      KUNREN_RETURN_IF_ERROR((*db)->set_user_access(o->login, new_roles, new_orgs, cli_actor()));
    }
    if (o->disable || o->enable) KUNREN_RETURN_IF_ERROR((*db)->set_user_disabled(o->login, o->disable, cli_actor()));
    const bool disabled = o->disable || (user->disabled && !o->enable);
    std::cout << fmt::format("{}: roles {}; organisations {}{}\n", o->login,
                             new_roles.empty() ? "none" : join_roles(new_roles),
                             new_orgs.empty() ? "none" : join(new_orgs), disabled ? "; disabled" : "");
    return Status::ok();
  };
}

// --- import ---------------------------------------------------------------------------

Handler define_import(CLI::App& app) {
  struct Opts {
    std::string url, campaign, responses, orgs, encoding = "auto";
    bool again = false;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--campaign", o->campaign, "Campaign to import into (must be open)")->required();
  app.add_option("--responses", o->responses, "Responses file: long CSV, wide CSV or JSON")->required();
  app.add_option("--orgs", o->orgs, "Organisations CSV; registers or updates them first");
  app.add_option("--encoding", o->encoding, "Input encoding: auto, utf-8 or cp932 (default auto)");
  app.add_flag("--again", o->again, "Import even if this exact file was imported before");
  app.footer("Every organisation's answers become a new submitted revision, all in one transaction: the import "
             "lands whole or not at all. Organisations whose latest answers are already the same get no new revision.");
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto encoding = encoding_option(o->encoding);
    if (!encoding) return encoding.status();
    auto db = open_db(o->url);
    if (!db) return db.status();
    auto campaign = (*db)->get_campaign(o->campaign);
    if (!campaign) return campaign.status();
    if (campaign->state != store::CampaignState::kOpen) {
      return Status::conflict(fmt::format("campaign '{}' is {}; answers can only be imported into an open campaign{}",
                                          campaign->id, store::to_string(campaign->state),
                                          campaign->state == store::CampaignState::kDraft
                                              ? fmt::format(" (kunren campaign open {})", campaign->id)
                                              : std::string()));
    }
    auto checklist = store::campaign_checklist(**db, *campaign);
    if (!checklist) return checklist.status();

    // Read and check both files completely before writing anything.
    auto responses_file = util::MappedFile::open(o->responses);
    if (!responses_file) return responses_file.status();
    std::string fingerprint = util::sha256_hex(responses_file->data());
    std::optional<std::vector<model::Organization>> orgs;
    if (!o->orgs.empty()) {
      auto orgs_file = util::MappedFile::open(o->orgs);
      if (!orgs_file) return orgs_file.status();
      auto loaded = io::read_orgs(orgs_file->data(), o->orgs, *encoding);
      if (!loaded) return loaded.status();
      orgs = std::move(loaded).value();
      fingerprint = util::sha256_hex(fingerprint + util::sha256_hex(orgs_file->data()));
    }
    if (!o->again) {
      auto previous = (*db)->find_import(campaign->id, fingerprint);
      if (!previous) return previous.status();
      if (*previous) {
        const auto& p = **previous;
        std::cout << fmt::format("{}: already imported into {} as import #{} on {} by {} ({} new revisions then); "
                                 "nothing to do. Use --again to import it once more.\n",
                                 o->responses, campaign->id, p.id, p.at, p.actor, p.revisions);
        return Status::ok();
      }
    }
    io::ResponseReadOptions ropts;
    ropts.encoding = *encoding;
    ropts.orgs_file = o->orgs;
    auto imported = io::read_responses(responses_file->data(), o->responses, **checklist, orgs ? &*orgs : nullptr, ropts);
    if (!imported) return imported.status();
    warn(imported->warnings);
    auto revisions = store::revisions_from_responses(**checklist, imported->responses);

    // Every organisation answering must be known: from --orgs, or registered before.
    if (!orgs) {
      auto known = (*db)->list_orgs();
      if (!known) return known.status();
      std::set<std::string> ids;
      for (const auto& g : *known) ids.insert(g.id);
      std::vector<std::string> unknown;
      for (const auto& r : revisions) {
        if (ids.count(r.org) == 0) unknown.push_back(r.org);
      }
      if (!unknown.empty()) {
        return Status::bad_input(
            fmt::format("{} organisation{} in the file {} not registered: {}{}; register them with 'kunren org import "
                        "FILE' or pass --orgs FILE",
                        unknown.size(), unknown.size() == 1 ? "" : "s", unknown.size() == 1 ? "is" : "are",
                        join(std::vector<std::string>(unknown.begin(), unknown.begin() + std::min<std::size_t>(5, unknown.size()))),
                        unknown.size() > 5 ? ", …" : ""),
            Location{o->responses, 0, 0, "org"});
      }
    }
    store::AppendOptions append;
    if (orgs) {
      // Registered in the same transaction as the answers: all or nothing.
      for (const auto& g : *orgs) {
        KUNREN_RETURN_IF_ERROR(check_org_id(g.id, "org"));
        append.register_orgs.push_back(store::OrgRecord{g.id, g.name, g.industry, g.size, {}, {}});
      }
    }

    store::ImportRecord source;
    source.campaign = campaign->id;
    source.filename = o->orgs.empty() ? o->responses : o->responses + " + " + o->orgs;
    source.sha256 = fingerprint;
    source.actor = cli_actor().name;
    auto result = (*db)->append_revisions(campaign->id, revisions, &source, cli_actor(), append);
    if (!result) return result.status();
    std::cout << fmt::format("{}: {} organisations; {} new revisions, {} unchanged → campaign {} (import #{})\n",
                             o->responses, revisions.size(), result->created, result->unchanged, campaign->id,
                             result->import_id);
    return Status::ok();
  };
}

// --- bundles and backup ---------------------------------------------------------------

Handler define_export(CLI::App& app) {
  struct Opts {
    std::string url, campaign, out;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--campaign", o->campaign, "Campaign to export")->required();
  app.add_option("-o,--output", o->out, "Bundle file (JSON)")->required();
  app.footer("The bundle holds organisation names and every answer and comment: treat it like the database.");
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto db = open_db(o->url);
    if (!db) return db.status();
    auto bundle = (*db)->export_campaign(o->campaign);
    if (!bundle) return bundle.status();
    KUNREN_RETURN_IF_ERROR(util::write_file_atomic(o->out, store::write_bundle(*bundle, store::now_utc()),
                                                   util::FileAccess::kOwnerOnly));
    store::AuditEntry e;
    e.actor = cli_actor().name;
    e.action = "campaign.export";
    e.object_type = "campaign";
    e.object_id = o->campaign;
    e.detail = json{{"file", o->out}, {"revisions", bundle->revisions.size()}}.dump();
    KUNREN_RETURN_IF_ERROR((*db)->append_audit(e));
    std::cout << fmt::format("campaign {} → {} ({} organisations, {} revisions)\n", o->campaign, o->out,
                             bundle->orgs.size(), bundle->revisions.size());
    return Status::ok();
  };
}

Handler define_import_bundle(CLI::App& app) {
  struct Opts {
    std::string url, file;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("FILE", o->file, "Bundle written by 'kunren export'")->required();
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto file = util::MappedFile::open(o->file);
    if (!file) return file.status();
    auto bundle = store::read_bundle(file->data(), o->file);
    if (!bundle) return bundle.status();
    auto db = open_db(o->url);
    if (!db) return db.status();
    KUNREN_RETURN_IF_ERROR((*db)->restore_campaign(*bundle, cli_actor()));
    std::cout << fmt::format("{}: campaign {} restored ({} organisations, {} revisions, state {})\n", o->file,
                             bundle->campaign.id, bundle->orgs.size(), bundle->revisions.size(),
                             store::to_string(bundle->campaign.state));
    // Bundles carry no users: coordinators unknown here were skipped.
    auto restored = (*db)->get_campaign(bundle->campaign.id);
    if (!restored) return restored.status();
    std::vector<std::string> skipped;
    for (const auto& login : bundle->campaign.coordinators) {
      if (!std::binary_search(restored->coordinators.begin(), restored->coordinators.end(), login)) {
        skipped.push_back(login);
      }
    }
    if (!skipped.empty()) {
      std::cerr << fmt::format(
          "warning: coordinators not restored (no such user with the coordinator role here): {}; "
          "campaign {} is coordinated by {}. Set them with 'kunren campaign coordinators {} "
          "--set LOGIN,…'.\n",
          join(skipped), bundle->campaign.id,
          restored->coordinators.empty() ? std::string("every coordinator") : join(restored->coordinators),
          bundle->campaign.id);
    }
    return Status::ok();
  };
}

Handler define_backup(CLI::App& app) {
  struct Opts {
    std::string url, out;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("-o,--output", o->out, "Backup file (a complete SQLite database)")->required();
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto db = open_db(o->url);
    if (!db) return db.status();
    KUNREN_RETURN_IF_ERROR((*db)->backup(o->out));
    std::cout << fmt::format("{} → {}\n", (*db)->url(), o->out);
    return Status::ok();
  };
}

Handler define_audit(CLI::App& app) {
  struct Opts {
    std::string url, type, object, format;
    std::size_t limit = 50;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--type", o->type, "Only entries about this kind of object (campaign, org, user, …)");
  app.add_option("--object", o->object, "Only entries about this object id");
  app.add_option("--limit", o->limit, "Show the newest N entries (default 50; 0 = all)");
  add_format_option(app, o->format);
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto db = open_db(o->url);
    if (!db) return db.status();
    store::AuditQuery q;
    q.object_type = o->type;
    q.object_id = o->object;
    q.limit = o->limit;
    auto entries = (*db)->list_audit(q);
    if (!entries) return entries.status();
    if (o->format == "json") {
      json out = json::array();
      for (const auto& e : *entries) {
        out.push_back({{"id", e.id}, {"at", e.at}, {"actor", e.actor}, {"action", e.action},
                       {"object_type", e.object_type}, {"object_id", e.object_id},
                       {"detail", e.detail.empty() ? json(nullptr) : json::parse(e.detail, nullptr, false)}});
      }
      std::cout << out.dump(2) << '\n';
      return Status::ok();
    }
    std::vector<std::vector<std::string>> rows = {{"ID", "AT", "ACTOR", "ACTION", "OBJECT", "DETAIL"}};
    for (const auto& e : *entries) {
      rows.push_back({std::to_string(e.id), e.at.substr(0, 19) + "Z", e.actor, e.action, e.object_type + ":" + e.object_id,
                      e.detail});
    }
    print_table(rows);
    return Status::ok();
  };
}

}  // namespace kunren::cli
