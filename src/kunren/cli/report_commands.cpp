// The report commands on drills (issue 6): the after-action report, the
// improvement plan as CSV, the national-CERT incident report draft and one
// organisation's trend across drills. Each opens the database named by --db
// (or $KUNREN_DB), only reads it, and writes its output atomically (a temp
// file renamed into place: nothing half-written on error).
//
// What a report is built from, for one drill: the exercise record (its
// stored scenario, parsed again), its event log folded into an engine's
// picture (the same replay a server does after a restart), the
// organisation's latest "improvement-plan" and "poc-sheet" records, and —
// when the scenario names a checklist with built-in proposal rules — the
// evidence-linked proposals and, for a drill in a campaign, the
// contradictions with the organisation's latest submitted answers.
// "Today" (overdue marks, staleness) is the generation date, which
// SOURCE_DATE_EPOCH fixes for reproducible output.
#include <algorithm>
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/cli/command.hpp>
#include <kunren/exercise/engine.hpp>
#include <kunren/exercise/proposals.hpp>
#include <kunren/io/builtin.hpp>
#include <kunren/io/scenario_io.hpp>
#include <kunren/model/preparedness.hpp>
#include <kunren/report/aar.hpp>
#include <kunren/report/cert_draft.hpp>
#include <kunren/report/trend.hpp>
#include <kunren/util/file.hpp>

namespace kunren::cli {

namespace {

using nlohmann::json;

// --- gathering ----------------------------------------------------------------------

// One drill as the reports need it.
struct Drill {
  store::ExerciseRecord record;
  std::shared_ptr<const model::Scenario> scenario;
  exercise::Projection state;
  std::string started_at, ended_at;  // store times of the start and end control events
  std::string first_inject_at;       // store time of the first inject
};

Result<Drill> load_drill(store::Store& db, const std::string& id) {
  auto rec = db.get_exercise(id);
  if (!rec) return rec.status();
  io::ScenarioLoadOptions options;
  options.trusted = true;  // written by this program, checked when the exercise was created
  auto scenario = io::parse_scenario(rec->scenario_content, fmt::format("exercise {} scenario", id), options);
  if (!scenario) return scenario.status();
  auto events = db.list_exercise_events(id);
  if (!events) return events.status();
  Drill d;
  d.record = std::move(*rec);
  d.scenario = std::make_shared<const model::Scenario>(std::move(*scenario));
  exercise::SystemClock clock;
  exercise::Engine engine(d.scenario, clock);
  if (Status st = engine.commit(*events); !st) {
    return Status::conflict(fmt::format("exercise {}: the log cannot be replayed ({}); run 'kunren exercise verify {}'",
                                        id, st.message(), id));
  }
  d.state = engine.state();
  for (const auto& e : d.state.events) {
    if (e.kind == "inject" && d.first_inject_at.empty()) d.first_inject_at = e.at;
    if (e.kind != "control") continue;
    const json p = json::parse(e.payload, nullptr, false);
    if (p.is_discarded() || !p.is_object()) continue;
    const std::string action = p.value("action", "");
    if (action == "start" && d.started_at.empty()) d.started_at = e.at;
    if (action == "end") d.ended_at = e.at;
  }
  return d;
}

// The latest record of one kind (nullopt: none yet), as JSON.
Result<std::optional<json>> latest_document(store::Store& db, const std::string& org, model::PrepKind kind) {
  auto doc = db.latest_org_document(org, model::to_string(kind));
  if (!doc) return doc.status();
  if (!doc->has_value()) return std::optional<json>();
  json j = json::parse((*doc)->content, nullptr, false);
  if (j.is_discarded())
    return Status::bad_input(fmt::format("the stored {} record of {} (revision {}) is not JSON", model::to_string(kind),
                                         org, (*doc)->no));
  return std::optional<json>(std::move(j));
}

template <typename T>
Result<std::optional<T>> latest_record(store::Store& db, const std::string& org, model::PrepKind kind,
                                       Result<T> (*parse)(const json&)) {
  auto j = latest_document(db, org, kind);
  if (!j) return j.status();
  if (!j->has_value()) return std::optional<T>();
  auto parsed = parse(**j);
  if (!parsed) {
    return Status::bad_input(fmt::format("the stored {} record of {}: {}", model::to_string(kind), org,
                                         parsed.status().message()),
                             Location({}, 0, 0, parsed.status().where().field));
  }
  return std::optional<T>(std::move(*parsed));
}

std::string today() { return generation_time().substr(0, 10); }

std::string org_name(store::Store& db, const std::string& org) {
  auto rec = db.get_org(org);
  return rec && !rec->name.empty() ? rec->name : org;
}

// Proposals and contradictions, when the scenario's checklist has built-in
// rules (otherwise none: the report leaves them out).
struct Evaluation {
  std::optional<exercise::ProposalSet> proposals;
  std::vector<exercise::Contradiction> contradictions;
};

Result<Evaluation> evaluate(store::Store& db, const Drill& d) {
  Evaluation out;
  const std::string& checklist_id = d.scenario->checklist;
  if (checklist_id.empty()) return out;
  auto rules = exercise::builtin_proposal_rules(checklist_id);
  if (!rules) return out;  // no rules for this checklist: no proposals
  auto checklist = io::load_builtin_checklist(checklist_id);
  if (!checklist) return out;
  exercise::PreparedContext prepared;
  prepared.today = today();
  for (auto kind : model::all_prep_kinds()) {
    auto j = latest_document(db, d.record.org, kind);
    if (!j) return j.status();
    if (j->has_value()) prepared.records[model::to_string(kind)] = **j;
  }
  json criteria = json::object();
  if (!d.record.criteria.empty()) {
    criteria = json::parse(d.record.criteria, nullptr, false);
    if (criteria.is_discarded()) criteria = json::object();
  }
  out.proposals = exercise::propose(d.record.id, *d.scenario, d.state, *checklist, *rules, criteria, prepared);
  if (!d.record.campaign.empty()) {
    store::LatestQuery q;
    q.org = d.record.org;
    auto revisions = db.latest_revisions(d.record.campaign, q);
    if (!revisions) return revisions.status();
    std::map<std::string, std::uint8_t> answers;
    for (const auto& r : *revisions)
      for (const auto& a : r.answers)
        if (a.choice > 0) answers[a.item] = a.choice;
    if (!answers.empty()) out.contradictions = exercise::find_contradictions(*out.proposals, *checklist, answers);
  }
  return out;
}

std::string format_from(const std::string& format, const std::string& out, const char* ext, const char* if_ext,
                        const char* otherwise) {
  if (!format.empty()) return format;
  const std::string e = ext;
  return out.size() >= e.size() && out.compare(out.size() - e.size(), e.size(), e) == 0 ? if_ext : otherwise;
}

void add_lang_option(CLI::App& app, std::string& lang) {
  lang = "ja";
  app.add_option("--lang", lang, "Language of the report (ja|en; default ja)")->check(CLI::IsMember({"ja", "en"}));
}

Status write_output(const std::string& path, const std::string& text, util::FileAccess access,
                    const std::string& what) {
  KUNREN_RETURN_IF_ERROR(util::write_file_atomic(path, text, access));
  if (path != "-") std::cerr << fmt::format("kunren: {} → {}\n", what, path);
  return Status::ok();
}

}  // namespace

// --- report aar ------------------------------------------------------------------------

Handler define_report_aar(CLI::App& app) {
  struct Opts {
    std::string url, id, format, lang, out = "-";
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--exercise", o->id, "Exercise id")->required();
  app.add_option("--format", o->format, "Output format (html|json; default from -o, else html)")
      ->check(CLI::IsMember({"html", "json"}));
  add_lang_option(app, o->lang);
  app.add_option("-o,--output", o->out, "Output file (default: standard output)");
  add_db_option(app, o->url);
  app.footer(
      "HTML: one self-contained, print-ready (A4) file. JSON: schema kunren.aar/1 (docs/formats.md "
      "\"After-action report\"). Built from the drill's log, the organisation's improvement plan and PoC sheet, "
      "and the evidence-linked proposals when its checklist has rules.");
  return [o]() -> Status {
    const std::string format = format_from(o->format, o->out, ".json", "json", "html");
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    auto drill = load_drill(**db, o->id);
    if (!drill) return drill.status();
    const auto& rec = drill->record;
    auto plan = latest_record<model::ImprovementPlan>(**db, rec.org, model::PrepKind::kImprovementPlan,
                                                      &model::parse_improvement_plan);
    if (!plan) return plan.status();
    auto poc = latest_record<model::PocSheet>(**db, rec.org, model::PrepKind::kPocSheet, &model::parse_poc_sheet);
    if (!poc) return poc.status();
    auto evaluation = evaluate(**db, *drill);
    if (!evaluation) return evaluation.status();

    report::AarInput in;
    in.exercise_id = rec.id;
    in.title = rec.title;
    in.org_id = rec.org;
    in.org_name = org_name(**db, rec.org);
    in.campaign = rec.campaign;
    in.started_at = drill->started_at;
    in.ended_at = drill->ended_at;
    in.scenario = drill->scenario.get();
    in.state = &drill->state;
    for (const auto& p : rec.participants) {
      auto user = (*db)->get_user(p.login);
      in.participants.push_back({p.login, user ? user->display_name : std::string(), p.role});
    }
    if (evaluation->proposals) in.proposals = &*evaluation->proposals;
    in.contradictions = evaluation->contradictions;
    if (plan->has_value()) in.plan = &**plan;
    if (poc->has_value()) in.poc = &**poc;
    in.today = today();
    in.generated_at = generation_time();
    const std::string text = format == "json" ? report::aar_json(in, o->lang).dump(2) + "\n" : report::aar_html(in, o->lang);
    return write_output(o->out, text, util::FileAccess::kOwnerOnly,
                        fmt::format("exercise {}: after-action report ({})", rec.id, format));
  };
}

// --- report plan -----------------------------------------------------------------------

Handler define_report_plan(CLI::App& app) {
  struct Opts {
    std::string url, org, lang, out = "-";
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--org", o->org, "Organisation")->required();
  add_lang_option(app, o->lang);
  app.add_option("-o,--output", o->out, "Output CSV file (default: standard output)");
  add_db_option(app, o->url);
  app.footer("CSV for Excel: UTF-8 with BOM, CRLF, headers in --lang; the column 'overdue' is 'yes' for open or "
             "in-progress items past their due date.");
  return [o]() -> Status {
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    if (auto org = (*db)->get_org(o->org); !org) return org.status();
    auto plan = latest_record<model::ImprovementPlan>(**db, o->org, model::PrepKind::kImprovementPlan,
                                                      &model::parse_improvement_plan);
    if (!plan) return plan.status();
    const model::ImprovementPlan empty;
    const model::ImprovementPlan& p = plan->has_value() ? **plan : empty;
    if (!plan->has_value()) std::cerr << fmt::format("kunren: {} has no improvement plan yet: writing the header only\n", o->org);
    return write_output(o->out, report::plan_csv(p, today(), o->lang), util::FileAccess::kDefault,
                        fmt::format("{}: improvement plan, {} items", o->org, p.items.size()));
  };
}

// --- report cert-draft -----------------------------------------------------------------

Handler define_report_cert_draft(CLI::App& app) {
  struct Opts {
    std::string url, id, purpose, lang, form, out = "-";
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--exercise", o->id, "Exercise id")->required();
  app.add_option("--purpose", o->purpose, "Purpose of the report (one of the form's options, e.g. information|question|coordination)");
  add_lang_option(app, o->lang);
  app.add_option("--form", o->form, "A CERT report form file (YAML) instead of the built-in one");
  app.add_option("-o,--output", o->out, "Output text file (default: standard output)");
  add_db_option(app, o->url);
  app.footer("Plain text, from the organisation's PoC sheet, the drill's records and its evidence register. Fields "
             "without information are marked (unknown), those the PoC sheet withholds (withheld). A draft: check it "
             "before sending.");
  return [o]() -> Status {
    report::CertForm custom;
    const report::CertForm* form = &report::builtin_cert_form();
    if (!o->form.empty()) {
      auto file = util::MappedFile::open(o->form);
      if (!file) return file.status();
      auto parsed = report::parse_cert_form(file->data(), o->form);
      if (!parsed) return parsed.status();
      custom = std::move(*parsed);
      form = &custom;
    }
    if (!o->purpose.empty()) {
      bool known = false;
      std::string options;
      for (const auto& g : form->groups)
        for (const auto& f : g.fields)
          if (f.source == "purpose")
            for (const auto& opt : f.options) {
              known = known || opt == o->purpose;
              options += (options.empty() ? "" : "|") + opt;
            }
      if (!known)
        return Status::bad_input(fmt::format("unknown purpose '{}' (the form offers: {})", o->purpose, options),
                                 Location({}, 0, 0, "--purpose"));
    }
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    auto drill = load_drill(**db, o->id);
    if (!drill) return drill.status();
    const auto& rec = drill->record;
    auto poc = latest_record<model::PocSheet>(**db, rec.org, model::PrepKind::kPocSheet, &model::parse_poc_sheet);
    if (!poc) return poc.status();
    report::CertDraftInput in;
    if (poc->has_value()) in.poc = &**poc;
    in.scenario = drill->scenario.get();
    in.state = &drill->state;
    in.exercise_id = rec.id;
    in.org_name = org_name(**db, rec.org);
    in.started_at = drill->first_inject_at;
    in.purpose = o->purpose;
    in.generated_at = generation_time();
    const auto draft = report::cert_draft(*form, in, o->lang);
    if (!poc->has_value())
      std::cerr << fmt::format("kunren: {} has no PoC sheet: the reporter and system fields are unknown\n", rec.org);
    return write_output(o->out, draft.text, util::FileAccess::kOwnerOnly,
                        fmt::format("exercise {}: CERT report draft, {} fields unknown, {} withheld", rec.id,
                                    draft.unknown.size(), draft.withheld.size()));
  };
}

// --- report trend ----------------------------------------------------------------------

Handler define_report_trend(CLI::App& app) {
  struct Opts {
    std::string url, org, format, lang, out = "-";
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--org", o->org, "Organisation")->required();
  app.add_option("--format", o->format, "Output format (html|json; default from -o, else html)")
      ->check(CLI::IsMember({"html", "json"}));
  add_lang_option(app, o->lang);
  app.add_option("-o,--output", o->out, "Output file (default: standard output)");
  add_db_option(app, o->url);
  app.footer("Every drill of the organisation that has started, oldest first: its metrics against its own targets "
             "and its objectives' latest ratings. JSON: schema kunren.trend/1.");
  return [o]() -> Status {
    const std::string format = format_from(o->format, o->out, ".json", "json", "html");
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    auto org = (*db)->get_org(o->org);
    if (!org) return org.status();
    auto plan = latest_record<model::ImprovementPlan>(**db, o->org, model::PrepKind::kImprovementPlan,
                                                      &model::parse_improvement_plan);
    if (!plan) return plan.status();
    auto exercises = (*db)->list_exercises();
    if (!exercises) return exercises.status();
    std::vector<report::TrendDrill> drills;
    for (const auto& e : *exercises) {
      if (e.org != o->org || e.state == model::ExerciseState::kPlanned) continue;
      auto drill = load_drill(**db, e.id);
      if (!drill) return drill.status();
      report::TrendDrill t;
      t.exercise_id = e.id;
      t.title = e.title;
      t.scenario_id = e.scenario_id;
      t.date = (drill->started_at.empty() ? e.created_at : drill->started_at).substr(0, 10);
      t.metrics = exercise::compute_metrics(*drill->scenario, drill->state);
      for (const auto& ob : drill->scenario->objectives) t.objectives.emplace_back(ob.id, ob.title);
      for (const auto& ob : drill->state.observations) {
        if (!model::valid_rating(ob.rating)) continue;
        auto it = std::find_if(t.ratings.begin(), t.ratings.end(), [&](const auto& r) { return r.first == ob.objective; });
        if (it == t.ratings.end()) t.ratings.emplace_back(ob.objective, ob.rating);
        else it->second = ob.rating;
      }
      if (plan->has_value())
        for (const auto& item : (*plan)->items)
          if (item.source_exercise == e.id && (item.status == "open" || item.status == "in-progress")) ++t.open_plan_items;
      drills.push_back(std::move(t));
    }
    std::stable_sort(drills.begin(), drills.end(), [](const auto& a, const auto& b) {
      return a.date != b.date ? a.date < b.date : a.exercise_id < b.exercise_id;
    });
    const std::string name = org->name.empty() ? o->org : org->name;
    const std::string text = format == "json" ? report::trend_json(o->org, drills, o->lang).dump(2) + "\n"
                                              : report::trend_html(name, drills, o->lang, generation_time());
    return write_output(o->out, text, util::FileAccess::kDefault,
                        fmt::format("{}: trend over {} drills ({})", o->org, drills.size(), format));
  };
}

}  // namespace kunren::cli
