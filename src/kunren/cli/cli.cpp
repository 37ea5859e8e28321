#include <kunren/cli/cli.hpp>
#include <kunren/cli/command.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <kunren/analysis/analysis.hpp>
#include <kunren/analysis/publish.hpp>
#include <kunren/analysis/redact.hpp>
#include <kunren/io/builtin.hpp>
#include <kunren/io/checklist_io.hpp>
#include <kunren/io/responses_io.hpp>
#include <kunren/report/csv_report.hpp>
#include <kunren/report/html_report.hpp>
#include <kunren/report/json_report.hpp>
#include <kunren/report/xlsx_report.hpp>
#include <kunren/sample/generator.hpp>
#include <kunren/store/backends.hpp>
#include <kunren/store/campaign_data.hpp>
#include <kunren/store/publication.hpp>
#include <kunren/util/file.hpp>
#include <kunren/util/sha256.hpp>
#include <kunren/util/status.hpp>

namespace kunren::cli {

namespace {

// Prints the time of each phase to standard error when KUNREN_TIMINGS is set
// (used by bench/ and docs/performance.md).
class PhaseTimer {
 public:
  PhaseTimer() : m_enabled(std::getenv("KUNREN_TIMINGS") != nullptr), m_last(std::chrono::steady_clock::now()) {}
  void lap(const char* phase) {
    if (!m_enabled) return;
    auto now = std::chrono::steady_clock::now();
    std::cerr << fmt::format("timing: {:<8} {:8.1f} ms\n", phase,
                             std::chrono::duration<double, std::milli>(now - m_last).count());
    m_last = now;
  }

 private:
  bool m_enabled;
  std::chrono::steady_clock::time_point m_last;
};

std::string format_from_path(const std::string& path, const std::string& fallback) {
  auto ends = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends(".html") || ends(".htm")) return "html";
  if (ends(".csv")) return "csv";
  if (ends(".json")) return "json";
  if (ends(".xlsx")) return "xlsx";
  return fallback;
}

// --- checklist ---------------------------------------------------------------

Handler define_checklist_list(CLI::App& app) {
  struct Opts {
    std::string lang = "ja", db;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--lang", o->lang, "Language of the titles (ja|en)")->check(CLI::IsMember({"ja", "en"}));
  add_db_option(app, o->db);
  auto* db_option = app.get_option("--db");
  app.footer("Also lists the checklists registered in the database (--db, $KUNREN_DB or ./kunren.db) when there is one.");
  return [o, db_option]() -> Status {
    std::vector<std::vector<std::string>> rows = {{"ID", "VERSION", "ITEMS", "SOURCE", "TITLE"}};
    for (const auto& id : io::builtin_checklist_ids()) {
      auto c = io::load_builtin_checklist(id);
      if (!c) return c.status();
      rows.push_back({c->id, c->version, std::to_string(c->items.size()), "built-in", c->title.text(o->lang)});
    }
    // The database is optional here: without one, the built-in list is the answer,
    // unless the user named a database that cannot be opened.
    const bool named = db_option->count() > 0 || std::getenv("KUNREN_DB") != nullptr;
    auto db = open_for_command(o->db);
    if (!db && (named || db.status().kind() != ErrorKind::kNotFound)) return db.status();
    if (db) {
      auto stored = (*db)->list_checklists();
      if (!stored) return stored.status();
      for (const auto& record : *stored) {
        if (record.builtin) continue;
        auto c = store::checklist_of(record);
        if (!c) return c.status();
        rows.push_back({record.id, record.version, std::to_string((*c)->items.size()),
                        "database (sha256 " + record.sha256.substr(0, 12) + ")", (*c)->title.text(o->lang)});
      }
    }
    print_table(rows);
    return Status::ok();
  };
}

Handler define_checklist_show(CLI::App& app) {
  struct Opts {
    std::string id, version, format = "yaml", lang, out = "-", db;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("ID", o->id, "Built-in checklist id, a checklist file, or a checklist registered in the database")
      ->required();
  app.add_option("--version", o->version, "Version of a checklist registered in the database (default: the only one)");
  app.add_option("--format", o->format, "Output format (yaml|json)")->check(CLI::IsMember({"yaml", "json"}));
  app.add_option("--lang", o->lang, "Write every text in one language only (ja|en)")->check(CLI::IsMember({"ja", "en"}));
  app.add_option("-o,--output", o->out, "Output file (default: standard output)");
  add_db_option(app, o->db);
  return [o]() -> Status {
    auto c = io::resolve_checklist(o->id);
    if (!c && c.status().kind() == ErrorKind::kNotFound) {
      // Not built in and no such file: a checklist a campaign registered?
      auto db = open_for_command(o->db);
      if (db) {
        auto stored = (*db)->list_checklists();
        if (!stored) return stored.status();
        std::vector<const store::ChecklistRecord*> matches;
        for (const auto& r : *stored) {
          if (r.id == o->id && (o->version.empty() || r.version == o->version)) matches.push_back(&r);
        }
        if (matches.size() > 1) {
          std::string versions;
          for (const auto* r : matches) versions += (versions.empty() ? "" : ", ") + r->version;
          return Status::bad_input(fmt::format("checklist '{}' has several versions in the database ({}); choose one "
                                               "with --version",
                                               o->id, versions),
                                   Location{{}, 0, 0, "--version"});
        }
        if (matches.size() == 1) {
          auto parsed = store::checklist_of(*matches.front());
          if (!parsed) return parsed.status();
          c = **parsed;
        }
      }
    }
    if (!c) return c.status();
    auto lang = o->lang.empty() ? std::nullopt : std::optional<std::string>(o->lang);
    auto fmt = o->format == "json" ? io::ChecklistFormat::kJson : io::ChecklistFormat::kYaml;
    return util::write_file_atomic(o->out, io::write_checklist(*c, fmt, lang));
  };
}

Handler define_checklist_validate(CLI::App& app) {
  struct Opts {
    std::string file;
    std::vector<std::string> langs;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("FILE", o->file, "Checklist file (YAML or JSON)")->required();
  app.add_option("--require-lang", o->langs, "Every text must exist in these languages (e.g. ja,en)")
      ->delimiter(',');
  return [o]() -> Status {
    io::ChecklistLoadOptions opts;
    opts.require_langs = o->langs;
    std::vector<Status> problems;
    auto c = io::load_checklist_file(o->file, opts, &problems);
    if (c) {
      std::cout << fmt::format("{}: ok — checklist {} version {}, {} sections, {} items\n", o->file, c->id,
                               c->version, c->sections.size(), c->items.size());
      return Status::ok();
    }
    // Every problem, in file order, then one summary line (printed by the caller).
    if (problems.size() <= 1) return c.status();
    std::stable_sort(problems.begin(), problems.end(), [](const Status& x, const Status& y) {
      return std::pair(x.where().line, x.where().column) < std::pair(y.where().line, y.where().column);
    });
    for (const auto& p : problems) std::cerr << "error: " << p.to_string() << '\n';
    return Status::bad_input(fmt::format("{} problems found", problems.size()), Location{o->file});
  };
}

// --- analyze -----------------------------------------------------------------

struct AnalyzeOptions {
  std::string checklist, responses, orgs, format, out = "-", lang = "ja", encoding = "auto", title, tlp;
  std::string campaign, as_of, db;
  double strength_at = 0.6, challenge_at = 0.5;
  std::vector<std::string> by;  // --by industry|size
  std::uint32_t min_group = 0;  // --min-group; 0 = the campaign's, 3 for files
  std::string crosstab;         // --crosstab ITEM_A,ITEM_B
  std::string words;            // --words FILE: more words to redact
  std::string exclude_quotes;   // --exclude-quotes FILE: quote ids to leave out (files)
};

// What the analysis runs on, wherever it came from.
struct AnalysisInput {
  std::shared_ptr<const model::Checklist> checklist;
  model::ResponseSet responses;
  std::string title;   // default report title
  std::string source;  // for the summary line
  std::uint32_t min_group = 3;  // k: the campaign's, 3 for files
  std::string quote_key;        // files: SHA-256 of the data read (stable ids, unguessable without it)
};

Result<AnalysisInput> read_analysis_files(const AnalyzeOptions& o) {
  auto encoding = encoding_option(o.encoding);
  if (!encoding) return encoding.status();
  auto checklist = io::resolve_checklist(o.checklist.empty() ? "factory-ir" : o.checklist);
  if (!checklist) return checklist.status();
  std::optional<std::vector<model::Organization>> orgs;
  if (!o.orgs.empty()) {
    auto loaded = io::load_orgs_file(o.orgs, *encoding);
    if (!loaded) return loaded.status();
    orgs = std::move(loaded).value();
  }
  io::ResponseReadOptions ropts;
  ropts.encoding = *encoding;
  ropts.orgs_file = o.orgs;
  auto imported = io::load_responses_file(o.responses, *checklist, orgs ? &*orgs : nullptr, ropts);
  if (!imported) return imported.status();
  warn(imported->warnings);
  AnalysisInput in;
  in.checklist = std::make_shared<const model::Checklist>(std::move(checklist).value());
  in.responses = std::move(imported->responses);
  in.source = fmt::format("{} answer cells ({})", imported->cells, io::to_string(imported->encoding));
  // The quote-id key: a hash of everything read (organisations, answers,
  // comments), so the ids are the same whatever the file's encoding or
  // layout, and nobody without the data can recompute them. Only excerpts
  // get ids: without comments there is nothing to key.
  if (in.responses.comments.empty()) return in;
  std::string material;
  for (const auto& org : in.responses.orgs) material += org.id + '\n';
  material.append(in.responses.answers.begin(), in.responses.answers.end());
  for (const auto& c : in.responses.comments) material += fmt::format("{} {} {}\n", c.org, c.item, c.text);
  in.quote_key = util::sha256_hex(material);
  return in;
}

Result<AnalysisInput> read_analysis_campaign(const AnalyzeOptions& o) {
  store::Timestamp as_of;
  if (!o.as_of.empty()) {
    auto t = store::parse_timestamp(o.as_of);
    if (!t) return Status::bad_input(t.status().message(), Location{{}, 0, 0, "--as-of"});
    as_of = *t;
  }
  auto db = open_for_command(o.db);
  if (!db) return db.status();
  auto campaign = (*db)->get_campaign(o.campaign);
  if (!campaign) return campaign.status();
  auto checklist = store::campaign_checklist(**db, *campaign);
  if (!checklist) return checklist.status();
  auto responses = store::submitted_responses(**db, campaign->id, **checklist, as_of);
  if (!responses) return responses.status();
  AnalysisInput in;
  in.checklist = *checklist;
  in.responses = std::move(responses).value();
  in.title = campaign->title;
  in.min_group = static_cast<std::uint32_t>(std::max(1, campaign->min_group));
  in.source = fmt::format("campaign {} ({}{})", campaign->id, store::to_string(campaign->state),
                          as_of.empty() ? "" : ", as of " + as_of);
  return in;
}

// Publishes `result` in place: from the store's publication settings with
// --campaign, else with --tlp, --min-group (default 3), --words and
// --exclude-quotes and the quote-id key taken from the responses file.
Result<analysis::PublishResult> publish_analysis(const AnalyzeOptions& o, const AnalysisInput& in,
                                                 std::vector<analysis::RedactTerm> terms, analysis::Analysis& result) {
  if (!o.words.empty()) {
    auto bytes = util::MappedFile::open(o.words);
    if (!bytes) return bytes.status();
    auto words = analysis::parse_word_list(bytes->data(), o.words);
    if (!words) return words.status();
    terms.insert(terms.end(), words->begin(), words->end());
  }
  if (!o.campaign.empty()) {
    auto db = open_for_command(o.db);
    if (!db) return db.status();
    auto campaign = (*db)->get_campaign(o.campaign);
    if (!campaign) return campaign.status();
    auto settings = store::publication_settings(**db, campaign->id, cli_actor());
    if (!settings) return settings.status();
    if (!o.tlp.empty()) settings->tlp = o.tlp;
    if (!terms.empty()) {
      // The command's words join the coordinator's list for this run.
      std::string extra;
      for (const auto& t : terms) extra += (t.kind == "organization" ? "org" : t.kind) + ": " + t.text + "\n";
      settings->words += "\n" + extra;
    }
    return store::publish_campaign(**db, *campaign, *settings, result, o.lang);
  }
  std::set<std::string> excluded;
  if (!o.exclude_quotes.empty()) {
    auto bytes = util::MappedFile::open(o.exclude_quotes);
    if (!bytes) return bytes.status();
    std::istringstream lines{std::string(bytes->data())};
    std::string line;
    std::uint64_t no = 0;
    while (std::getline(lines, line)) {
      ++no;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const auto first = line.find_first_not_of(" \t");
      if (first == std::string::npos || line[first] == '#') continue;
      const auto last = line.find_last_not_of(" \t");
      const std::string id = line.substr(first, last - first + 1);
      if (id.rfind("Q-", 0) != 0) {
        return Status::bad_input(fmt::format("'{}' is not a quote id (Q-…)", id), Location{o.exclude_quotes, no, 0, "quote id"});
      }
      excluded.insert(id);
    }
  }
  // Without a single excerpt there is nothing to redact: do not build a
  // matcher over every organisation's name and id (0.2 s for 100,000).
  const bool any_excerpt =
      std::any_of(result.items.begin(), result.items.end(), [](const auto& item) { return !item.comments.empty(); });
  if (!any_excerpt) terms.clear();
  const analysis::Redactor redactor(std::move(terms), o.lang);
  analysis::PublishOptions p;
  p.tlp = o.tlp;
  p.min_group = o.min_group > 0 ? o.min_group : in.min_group;
  p.key = in.quote_key;
  p.excluded = std::move(excluded);
  p.redactor = &redactor;
  p.lang = o.lang;
  auto published = analysis::publish(result, p);
  if (published) {
    for (const auto& id : published->unknown_excluded) {
      std::cerr << fmt::format("warning: {}: quote id {} matches no excerpt\n", o.exclude_quotes, id);
    }
  }
  return published;
}

Handler define_analyze(CLI::App& app) {
  auto o = std::make_shared<AnalyzeOptions>();
  auto* responses = app.add_option("--responses", o->responses, "Responses file: long CSV, wide CSV or JSON");
  auto* campaign = app.add_option("--campaign", o->campaign,
                                  "Analyse a stored campaign: the latest submitted revision of each organisation")
                       ->excludes(responses);
  app.add_option("--as-of", o->as_of, "With --campaign: the state at this time (e.g. 2026-11-26 or 2026-11-26T09:30+09:00)")
      ->needs(campaign);
  app.add_option("--checklist", o->checklist, "Built-in checklist id or checklist file (default: factory-ir)")
      ->excludes(campaign);
  app.add_option("--orgs", o->orgs, "Organisations CSV (org,name,industry,size); fixes n to the organisations listed")
      ->excludes(campaign);
  app.add_option("--format", o->format, "Output format (json|csv|html|xlsx; default from -o, else json)")
      ->check(CLI::IsMember({"json", "csv", "html", "xlsx"}));
  app.add_option("-o,--output", o->out, "Output file (default: standard output)");
  app.add_option("--lang", o->lang, "Language of texts in the output (ja|en; default ja)")
      ->check(CLI::IsMember({"ja", "en"}));
  app.add_option("--encoding", o->encoding, "Input encoding: auto, utf-8 or cp932 (default auto)");
  app.add_option("--strength-at", o->strength_at, "Score at or above which an item is a strength (default 0.6)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--challenge-at", o->challenge_at, "Score at or below which an item is a challenge (default 0.5)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--title", o->title, "Report title (HTML, XLSX)");
  app.add_option("--tlp", o->tlp, "TLP marking printed on the report (CLEAR|GREEN|AMBER|AMBER+STRICT|RED)")
      ->check(CLI::IsMember({"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}));
  app.add_option("--by", o->by, "Results by industry and/or size band, subject to the minimum group (industry|size)")
      ->delimiter(',')
      ->check(CLI::IsMember({"industry", "size"}));
  app.add_option("--min-group", o->min_group,
                 "Minimum group size k for --by/--crosstab (default: the campaign's, 3 for files)")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--crosstab", o->crosstab, "Cross-tab of two items ITEM_A,ITEM_B: counts and row percents (json|html|csv)");
  app.add_option("--words", o->words,
                 "Word list of names to redact from comment excerpts (one group of variants per line; see docs/formats.md)");
  app.add_option("--exclude-quotes", o->exclude_quotes,
                 "File of quote ids (Q-…) to leave out of the report, one per line (with --campaign: the coordinator's "
                 "publication settings)")
      ->excludes(campaign);
  add_db_option(app, o->db);
  app.footer("Give either --responses (files) or --campaign (the store, see --db).");
  return [o]() -> Status {
    if (o->responses.empty() && o->campaign.empty()) {
      return Status::bad_input("give --responses FILE or --campaign ID", Location{{}, 0, 0, "--responses"});
    }
    if (o->challenge_at >= o->strength_at) {
      return Status::bad_input(fmt::format("--challenge-at ({}) must be below --strength-at ({})", o->challenge_at,
                                           o->strength_at),
                               Location{{}, 0, 0, "--challenge-at"});
    }
    PhaseTimer timer;
    auto input = o->campaign.empty() ? read_analysis_files(*o) : read_analysis_campaign(*o);
    if (!input) return input.status();
    timer.lap("read");
    const model::Checklist* checklist = input->checklist.get();
    if (o->title.empty()) o->title = input->title;
    if (!o->by.empty() || !o->crosstab.empty()) {
      AnalyzeBreakdowns b;
      b.by = o->by;
      b.min_group = o->min_group > 0 ? o->min_group : input->min_group;
      b.crosstab = o->crosstab;
      b.format = o->format;
      b.out = o->out;
      b.lang = o->lang;
      b.title = o->title;
      b.tlp = o->tlp;
      b.analysis.strength_at = o->strength_at;
      b.analysis.challenge_at = o->challenge_at;
      return run_analyze_breakdowns(b, *checklist, input->responses);
    }

    analysis::AnalysisOptions aopts;
    aopts.strength_at = o->strength_at;
    aopts.challenge_at = o->challenge_at;
    aopts.lang = o->lang;
    // Organisation names from the files are redacted like the store's.
    std::vector<analysis::RedactTerm> file_terms;
    if (o->campaign.empty()) {
      for (const auto& org : input->responses.orgs) {
        if (!org.name.empty()) file_terms.push_back({org.name, "organization"});
        file_terms.push_back({org.id, "organization"});
      }
    }
    analysis::Analysis result = analysis::analyze(*checklist, std::move(input->responses), aopts);
    timer.lap("analyze");
    // Every output is a published one (DOMAIN.md §11): below k nothing,
    // excerpts redacted under quote ids, the TLP marking.
    auto published = publish_analysis(*o, *input, std::move(file_terms), result);
    if (!published) return published.status();
    timer.lap("publish");

    const std::string format = o->format.empty() ? format_from_path(o->out, "json") : o->format;
    std::string text;
    if (format == "csv") {
      text = report::render_csv(result);
    } else if (format == "html") {
      report::HtmlOptions h;
      h.lang = o->lang;
      h.title = o->title;
      h.tlp = o->tlp.empty() ? "" : "TLP:" + o->tlp;
      h.generated_at = generation_time();
      text = report::render_html_report(result, h);
    } else if (format == "xlsx") {
      report::XlsxOptions x;
      x.lang = o->lang;
      x.title = o->title;
      x.tlp = o->tlp;
      x.generated_at = generation_time();
      auto book = report::render_xlsx(result, x);
      if (!book) return book.status();
      text = std::move(*book);
    } else {
      text = report::render_json(result);
    }
    timer.lap("render");
    KUNREN_RETURN_IF_ERROR(util::write_file_atomic(o->out, text));
    timer.lap("write");
    if (o->out != "-") {
      std::cerr << fmt::format("kunren: {} organisations, {}, {} items → {} ({})\n", result.organizations,
                               input->source, result.items.size(), o->out, format);
    }
    return Status::ok();
  };
}

// --- sample ------------------------------------------------------------------

Handler define_sample(CLI::App& app) {
  struct Opts {
    std::size_t orgs = 40;
    std::uint64_t seed = 1;
    std::string checklist = "factory-ir", out = "-", orgs_file;
    bool no_comments = false;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--orgs", o->orgs, "Number of organisations (default 40)")->check(CLI::Range(1, 10'000'000));
  app.add_option("--seed", o->seed, "Random seed; the same seed gives the same file (default 1)");
  app.add_option("--checklist", o->checklist, "Built-in checklist id or checklist file (default factory-ir)");
  app.add_option("-o,--output", o->out, "Responses file, long CSV (default: standard output)");
  app.add_option("--orgs-file", o->orgs_file, "Also write the matching organisations CSV here");
  app.add_flag("--no-comments", o->no_comments, "Write no analysis comments");
  return [o]() -> Status {
    auto checklist = io::resolve_checklist(o->checklist);
    if (!checklist) return checklist.status();
    sample::SampleOptions s;
    s.orgs = o->orgs;
    s.seed = o->seed;
    s.comments = !o->no_comments;
    KUNREN_RETURN_IF_ERROR(util::write_stream_atomic(
        o->out, [&](std::ostream& out) { return sample::write_sample_responses(*checklist, s, out); }));
    if (!o->orgs_file.empty()) {
      KUNREN_RETURN_IF_ERROR(util::write_stream_atomic(
          o->orgs_file, [&](std::ostream& out) { return sample::write_sample_orgs(s, out); }));
    }
    return Status::ok();
  };
}

// The subcommand table: help and dispatch both come from here.
const std::vector<Command>& commands() {
  static const std::vector<Command> k_commands = {
      {"checklist", "list", "List the built-in checklists", define_checklist_list},
      {"checklist", "show", "Print a checklist as YAML or JSON", define_checklist_show},
      {"checklist", "validate", "Check a checklist file and name every problem with file:line:column",
       define_checklist_validate},
      {"", "analyze", "Cross-sectional analysis of organisations' answers (JSON, CSV or HTML report)",
       define_analyze},
      {"", "sample", "Write a realistic synthetic campaign (long CSV, optionally the orgs CSV)", define_sample},
      {"", "init", "Create the database (or bring it up to date) and register the built-in checklists", define_init},
      {"db", "migrate", "Apply pending schema migrations (make a backup first)", define_db_migrate},
      {"db", "status", "Show the database, its schema version and the migrations applied", define_db_status},
      {"org", "add", "Register an organisation or update its details", define_org_add},
      {"org", "list", "List the registered organisations with their publishing pseudonyms", define_org_list},
      {"org", "import", "Register or update organisations from an orgs CSV (all or nothing)", define_org_import},
      {"org", "key", "An organisation's signing keys for offline packages: add, list, revoke", define_org_key},
      {"campaign", "create", "Create a campaign (draft) on a built-in or custom checklist", define_campaign_create},
      {"campaign", "list", "List campaigns with their state and submissions", define_campaign_list},
      {"campaign", "show", "Show a campaign: state, period, submissions, imports", define_campaign_show},
      {"campaign", "coordinators", "Show or set who coordinates a campaign (none listed: every coordinator)",
       define_campaign_coordinators},
      {"campaign", "open", "Open a campaign for answers (draft or closed → open)", define_campaign_open},
      {"campaign", "close", "Close a campaign to answers (open → closed)", define_campaign_close},
      {"campaign", "publish", "Publish a closed campaign's pooled results (needs the minimum group)",
       define_campaign_publish},
      {"campaign", "revisions", "List revisions: the latest of each organisation, or one organisation's history",
       define_campaign_revisions},
      {"user", "add", "Add a user; the password is read from the terminal or standard input", define_user_add},
      {"user", "list", "List users, their roles and organisations", define_user_list},
      {"user", "passwd", "Set a user's password (from the terminal or standard input)", define_user_passwd},
      {"user", "roles", "Show or change a user's roles and organisations, or disable the user", define_user_roles},
      {"exercise", "list", "List drills (exercises) with their state and number of events", define_exercise_list},
      {"exercise", "create", "Plan a drill: scenario, organisation, participants and their roles, decision criteria",
       define_exercise_create},
      {"exercise", "show", "Show a drill: scenario, state, participants, events, last hash", define_exercise_show},
      {"exercise", "verify", "Check a drill's hash-chained event log; name the first broken link (exit 4)",
       define_exercise_verify},
      {"exercise", "log", "Export a drill's event log as JSONL or CSV (Excel)", define_exercise_log},
      {"exercise", "propose", "Propose checklist answers from a drill's log, citing its events; list contradictions",
       define_exercise_propose},
      {"report", "aar", "After-action report and improvement plan of a drill (HTML for print, or JSON)", define_report_aar},
      {"report", "plan", "An organisation's improvement plan as CSV (Excel)", define_report_plan},
      {"report", "cert-draft", "Draft the national-CERT ICS incident report of a drill (plain text)",
       define_report_cert_draft},
      {"report", "trend", "One organisation's drills side by side: metrics and ratings (HTML or JSON)",
       define_report_trend},
      {"report", "peer", "One organisation's answers beside the pooled results of its campaign (HTML or JSON)", define_report_peer},
      {"report", "campaigns", "The same checklist across campaigns: share of good answers per item (HTML or JSON)", define_report_campaigns},
      {"report", "org-campaigns", "One organisation's own answers across campaigns (HTML or JSON)", define_report_org_campaigns},
      {"prepare", "template", "Print a starting point for a preparedness record (YAML, JSON or CSV)",
       define_prepare_template},
      {"prepare", "import", "Check a preparedness record file and store it as the next revision", define_prepare_import},
      {"prepare", "show", "Print an organisation's preparedness record (latest or a given revision)",
       define_prepare_show},
      {"prepare", "list", "An organisation's preparedness records: revisions, stale contacts, overdue items",
       define_prepare_list},
      {"prepare", "history", "Every revision of one preparedness record", define_prepare_history},
      {"", "import", "Import answer files into a campaign as submitted revisions (all or nothing)", define_import},
      {"", "export", "Write a campaign bundle (JSON) to rebuild it in another database", define_export},
      {"", "import-bundle", "Rebuild a campaign from a bundle written by 'kunren export'", define_import_bundle},
      {"", "backup", "Copy the whole database while it is in use (SQLite)", define_backup},
      {"", "audit", "Show the audit log: who did what, when, on which object", define_audit},
      {"scenario", "list", "List the built-in drill scenarios", define_scenario_list},
      {"scenario", "show", "Print a scenario (built-in or file) as YAML or JSON", define_scenario_show},
      {"scenario", "validate", "Check a scenario file and name every problem with file:line:column",
       define_scenario_validate},
      {"scenario", "import-msel", "Build a scenario from a base scenario and an inject spreadsheet (CSV)",
       define_scenario_import_msel},
      {"package", "keygen", "Make an organisation's signing key pair for offline packages", define_package_keygen},
      {"package", "export", "Write the latest submitted evaluation as a signed offline package", define_package_export},
      {"package", "import", "Verify a signed offline package and import it (nothing written on any problem)",
       define_package_import},
      {"package", "inspect", "Print a package's manifest and check it (the signature with --public-key)",
       define_package_inspect},
      {"package", "list", "List the packages imported into a campaign", define_package_list},
      {"", "serve", "Run the web server on the database (foundation: service routes; pages to come)", define_serve},
  };
  return k_commands;
}

const std::map<std::string, std::string>& group_help() {
  static const std::map<std::string, std::string> k_groups = {
      {"checklist", "Built-in and custom checklists: list, show, validate"},
      {"db", "The database schema: migrate, status"},
      {"org", "Organisations: add, list, import, key"},
      {"package", "Signed offline submission packages: keygen, export, import, inspect, list"},
      {"campaign", "Campaigns: create, list, show, coordinators, open, close, publish, revisions"},
      {"user", "Users and their roles: add, list, passwd, roles"},
      {"exercise", "Drills and their event logs: list, create, show, verify, log, propose"},
      {"report", "Reports of drills and campaigns: aar, plan, cert-draft, trend, peer, campaigns, org-campaigns"},
      {"scenario", "Drill scenarios (MSEL): list, show, validate, import-msel"},
      {"prepare", "Preparedness records (contact tree, criteria, evidence plan, restart checklist, PoC sheet, "
                  "improvement plan): template, import, show, list, history"},
  };
  return k_groups;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"Kunren (訓練) — factory incident-response drills and their cross-organisation evaluation", "kunren"};
  app.set_version_flag("--version", std::string("kunren ") + KUNREN_VERSION);
  app.require_subcommand(1);
  app.footer("Run 'kunren COMMAND --help' for the options of a command. Exit codes: 0 ok, 1 internal error, "
             "2 bad input or not found, 3 I/O error, 4 conflict with the stored state.");

  Handler selected;
  std::map<std::string, CLI::App*> groups;
  for (const auto& cmd : commands()) {
    CLI::App* parent = &app;
    if (*cmd.group != '\0') {
      auto it = groups.find(cmd.group);
      if (it == groups.end()) {
        CLI::App* g = app.add_subcommand(cmd.group, group_help().at(cmd.group));
        g->require_subcommand(1);
        it = groups.emplace(cmd.group, g).first;
      }
      parent = it->second;
    }
    CLI::App* sub = parent->add_subcommand(cmd.name, cmd.help);
    Handler h = cmd.define(*sub);
    sub->callback([&selected, h]() { selected = h; });
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return exit_code_for(ErrorKind::kBadInput);
  }
  if (!selected) return exit_code_for(ErrorKind::kBadInput);
  Status st;
  try {
    st = selected();
  } catch (const std::exception& e) {
    st = Status::internal(std::string("unexpected error: ") + e.what());
  }
  if (!st.is_ok()) {
    std::cerr << "error: " << st.to_string() << '\n';
    return exit_code_for(st.kind());
  }
  return 0;
}

}  // namespace kunren::cli
