// The commands on drills (exercises) and their hash-chained event logs:
// list, show, verify, log and propose. Each opens the database named by --db
// (or $KUNREN_DB) and only reads it.
//
// `verify` walks the whole log with model::verify_chain and also checks that
// the log ends where the exercise record says it does (so a deleted last
// event is found too). A broken chain is a Conflict with the stored state:
// exit code 4, with "exercise ID: broken at event SEQ: reason" on standard
// error.
//
// `propose` replays the log through exercise::Engine, applies the proposal
// rules (built-in for the checklist, or --rules FILE) with the
// organisation's latest preparedness records, and, when the organisation has
// a submitted self-evaluation in the campaign (the drill's own by default),
// lists where it claims more than the drill showed (exercise/proposals.hpp).
//
// Sections: helpers, then one define_exercise_* per command. Commands that
// change exercises (create, …) belong here too, each in its own define_*.
#include <chrono>
#include <ctime>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/cli/command.hpp>
#include <kunren/exercise/engine.hpp>
#include <kunren/exercise/log_export.hpp>
#include <kunren/exercise/plan.hpp>
#include <kunren/exercise/proposals.hpp>
#include <kunren/io/builtin.hpp>
#include <kunren/model/exercise.hpp>
#include <kunren/model/preparedness.hpp>
#include <kunren/model/scenario.hpp>
#include <kunren/store/campaign_data.hpp>
#include <kunren/util/file.hpp>

namespace kunren::cli {

namespace {

using nlohmann::json;

// --- helpers -------------------------------------------------------------------

void add_exercise_format_option(CLI::App& app, std::string& format) {
  format = "table";
  app.add_option("--format", format, "Output format (table|json; default table)")
      ->check(CLI::IsMember({"table", "json"}));
}

std::string participants_text(const std::vector<store::ExerciseParticipant>& participants) {
  if (participants.empty()) return "(none)";
  std::string out;
  for (const auto& p : participants) out += fmt::format("{}{} ({})", out.empty() ? "" : ", ", p.login, p.role);
  return out;
}

json exercise_json(const store::ExerciseRecord& e) {
  json participants = json::array();
  for (const auto& p : e.participants) participants.push_back({{"login", p.login}, {"role", p.role}});
  return json{{"id", e.id},
              {"title", e.title},
              {"org", e.org},
              {"campaign", e.campaign.empty() ? json(nullptr) : json(e.campaign)},
              {"scenario", {{"id", e.scenario_id}, {"version", e.scenario_version}, {"sha256", e.scenario_sha256}}},
              {"state", model::to_string(e.state)},
              {"participants", std::move(participants)},
              {"created_by", e.created_by},
              {"created_at", e.created_at},
              {"updated_at", e.updated_at},
              {"events", e.last_seq},
              {"last_hash", e.last_hash}};
}

// Warns about each payload that is not JSON (a changed row): the export
// writes it as a JSON string so that it still shows what is stored.
void warn_unreadable_payloads(const std::string& exercise, const std::vector<model::ExerciseEvent>& events) {
  for (const auto& e : events) {
    if (!json::parse(e.payload, nullptr, false).is_discarded()) continue;
    std::cerr << fmt::format(
        "kunren: exercise {}: event {}: the payload is not JSON and is written as a string (run 'kunren exercise "
        "verify {}')\n",
        exercise, e.seq, exercise);
  }
}

}  // namespace

// --- list ------------------------------------------------------------------------

Handler define_exercise_list(CLI::App& app) {
  struct Opts {
    std::string url, format;
  };
  auto o = std::make_shared<Opts>();
  add_exercise_format_option(app, o->format);
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    auto exercises = (*db)->list_exercises();
    if (!exercises) return exercises.status();
    if (o->format == "json") {
      json out = json::array();
      for (const auto& e : *exercises) out.push_back(exercise_json(e));
      std::cout << out.dump(2) << '\n';
      return Status::ok();
    }
    std::vector<std::vector<std::string>> rows = {{"ID", "STATE", "ORG", "SCENARIO", "EVENTS", "TITLE"}};
    for (const auto& e : *exercises) {
      rows.push_back({e.id, model::to_string(e.state), e.org, e.scenario_id + " " + e.scenario_version,
                      std::to_string(e.last_seq), e.title});
    }
    print_table(rows);
    return Status::ok();
  };
}

// --- create ----------------------------------------------------------------------

Handler define_exercise_create(CLI::App& app) {
  struct Opts {
    std::string url, id, title, org, campaign, scenario, criteria;
    std::vector<std::string> participants;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--scenario", o->scenario, "Built-in scenario id or a scenario file (YAML or JSON)")->required();
  app.add_option("--org", o->org, "Organisation that runs the drill")->required();
  app.add_option("--title", o->title, "Title of the drill")->required();
  app.add_option("--id", o->id, "Exercise id (default: made up)");
  app.add_option("--campaign", o->campaign, "Campaign the drill belongs to (optional)");
  app.add_option("--participant", o->participants, "LOGIN=ROLE: a user with the participant role and the scenario role they play (repeat)");
  app.add_option("--criteria", o->criteria,
                 "JSON file with the organisation's decision criteria: {\"DP3\": {\"who\": …, \"conditions\": [\"…\"]}}");
  add_db_option(app, o->url);
  return [o]() -> Status {
    exercise::Plan plan;
    plan.id = o->id;
    plan.title = o->title;
    plan.org = o->org;
    plan.campaign = o->campaign;
    auto scenario = io::resolve_scenario(o->scenario);
    if (!scenario) return scenario.status();
    plan.scenario = std::move(*scenario);
    for (const auto& p : o->participants) {
      const auto eq = p.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == p.size())
        return Status::bad_input(fmt::format("--participant '{}' must be LOGIN=ROLE", p), Location({}, 0, 0, "--participant"));
      plan.participants.push_back({p.substr(0, eq), p.substr(eq + 1)});
    }
    if (!o->criteria.empty()) {
      auto file = util::MappedFile::open(o->criteria);
      if (!file) return file.status();
      try {
        plan.criteria = json::parse(file->data());
      } catch (const json::parse_error& e) {
        return Status::bad_input(fmt::format("not valid JSON (byte {}): {}", e.byte, e.what()), Location(o->criteria));
      } catch (const json::exception& e) {  // well-formed but unrepresentable, e.g. a number beyond double's range
        return Status::bad_input(fmt::format("not valid JSON: {}", e.what()), Location(o->criteria));
      }
    }
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    auto created = exercise::create_exercise(**db, std::move(plan), cli_actor());
    if (!created) {
      Status st = created.status();
      // Name the option the field came from.
      const std::string& field = st.where().field;
      if (st.kind() == ErrorKind::kBadInput && field.rfind("participants[", 0) == 0) {
        const std::size_t i = std::stoul(field.substr(13));
        return Status::bad_input(fmt::format("--participant {}: {}", o->participants.at(i), st.message()),
                                 Location({}, 0, 0, "--participant"));
      }
      if (st.kind() == ErrorKind::kBadInput && field.rfind("criteria", 0) == 0)
        return Status::bad_input(st.message(), Location(o->criteria, 0, 0, field));
      return st;
    }
    std::cout << fmt::format("kunren: exercise {} planned: {} ({} {}), {} participants; run it in the web application\n",
                             created->id, created->title, created->scenario_id, created->scenario_version,
                             created->participants.size());
    return Status::ok();
  };
}

// --- show ------------------------------------------------------------------------

Handler define_exercise_show(CLI::App& app) {
  struct Opts {
    std::string url, id, format;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("ID", o->id, "Exercise id")->required();
  add_exercise_format_option(app, o->format);
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    auto e = (*db)->get_exercise(o->id);
    if (!e) return e.status();
    if (o->format == "json") {
      std::cout << exercise_json(*e).dump(2) << '\n';
      return Status::ok();
    }
    std::cout << fmt::format(
        "exercise      {}\ntitle         {}\norg           {}\ncampaign      {}\nscenario      {} {}\n"
        "scenario hash {}\nstate         {}\nparticipants  {}\nevents        {}\nlast hash     {}\n"
        "created       {} by {}\nupdated       {}\n",
        e->id, e->title, e->org, e->campaign.empty() ? "(none)" : e->campaign, e->scenario_id, e->scenario_version,
        e->scenario_sha256, model::to_string(e->state), participants_text(e->participants), e->last_seq, e->last_hash,
        e->created_at, e->created_by, e->updated_at);
    return Status::ok();
  };
}

// --- verify ----------------------------------------------------------------------

Handler define_exercise_verify(CLI::App& app) {
  struct Opts {
    std::string url, id;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("ID", o->id, "Exercise id")->required();
  add_db_option(app, o->url);
  app.footer(
      "Exit code 4 when the chain is broken: 'exercise ID: broken at event SEQ: reason' names the first "
      "event whose link does not hold.");
  return [o]() -> Status {
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    auto e = (*db)->get_exercise(o->id);
    if (!e) return e.status();
    auto events = (*db)->list_exercise_events(o->id);
    if (!events) return events.status();
    auto broken = [&](std::int64_t seq, const std::string& reason) {
      return Status::conflict(fmt::format("exercise {}: broken at event {}: {}", o->id, seq, reason));
    };
    if (auto chain_break = model::verify_chain(*events)) return broken(chain_break->seq, chain_break->reason);
    // Every link holds; the log must also end where the exercise says it does.
    const std::int64_t last = events->empty() ? 0 : events->back().seq;
    const std::string last_hash = events->empty() ? std::string(model::k_genesis_hash) : events->back().hash;
    if (last < e->last_seq) {
      return broken(last + 1, fmt::format("event {} is missing (the exercise records {} events, the log ends at {})",
                                          last + 1, e->last_seq, last));
    }
    if (last > e->last_seq) {
      return broken(e->last_seq + 1,
                    fmt::format("the exercise records {} events but the log holds {}", e->last_seq, last));
    }
    if (last_hash != e->last_hash) {
      return broken(last, "its hash is not the last hash the exercise records");
    }
    std::cout << fmt::format("exercise {}: {} events, chain verified, last hash {}\n", o->id, events->size(),
                             last_hash);
    return Status::ok();
  };
}

// --- log -------------------------------------------------------------------------

Handler define_exercise_log(CLI::App& app) {
  struct Opts {
    std::string url, id, format, out = "-";
  };
  auto o = std::make_shared<Opts>();
  app.add_option("ID", o->id, "Exercise id")->required();
  app.add_option("--format", o->format, "Output format (jsonl|csv; default from -o, else jsonl)")
      ->check(CLI::IsMember({"jsonl", "csv"}));
  app.add_option("-o,--output", o->out, "Output file (default: standard output)");
  add_db_option(app, o->url);
  app.footer(
      "JSONL: one canonical JSON object per event with every stored field (payload embedded as JSON). "
      "CSV: UTF-8 with BOM, CRLF, columns seq,at,scenario_ms,scenario_time,actor,role,kind,payload,"
      "prev_hash,hash. The log is exported as stored; 'kunren exercise verify' checks it.");
  return [o]() -> Status {
    std::string format = o->format;
    if (format.empty()) {
      const bool csv = o->out.size() >= 4 && o->out.compare(o->out.size() - 4, 4, ".csv") == 0;
      format = csv ? "csv" : "jsonl";
    }
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    auto events = (*db)->list_exercise_events(o->id);
    if (!events) return events.status();
    warn_unreadable_payloads(o->id, *events);
    const std::string text = format == "csv" ? exercise::log_csv(*events) : exercise::log_jsonl(*events);
    // Drill logs are as sensitive as the database: readable by the owner only.
    KUNREN_RETURN_IF_ERROR(util::write_file_atomic(o->out, text, util::FileAccess::kOwnerOnly));
    if (o->out != "-") {
      std::cerr << fmt::format("kunren: exercise {}: {} events → {} ({})\n", o->id, events->size(), o->out, format);
    }
    return Status::ok();
  };
}

// --- propose ---------------------------------------------------------------------

namespace {

// Today's date in UTC, "YYYY-MM-DD", for staleness of preparedness records.
std::string today_utc_date() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

const char* tr(const std::string& lang, const char* ja, const char* en) { return lang == "en" ? en : ja; }

const char* level_word(model::Level level, const std::string& lang) {
  switch (level) {
    case model::Level::kGood:
      return tr(lang, "良好", "good");
    case model::Level::kPartial:
      return tr(lang, "一部", "partial");
    case model::Level::kPoor:
      return tr(lang, "不十分", "poor");
    case model::Level::kNa:
      break;
  }
  return tr(lang, "対象外", "n/a");
}

}  // namespace

Handler define_exercise_propose(CLI::App& app) {
  struct Opts {
    std::string url, id, campaign, format = "text", lang = "ja", rules;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("ID", o->id, "Exercise id")->required();
  app.add_option("--campaign", o->campaign,
                 "Campaign whose submitted self-evaluation is checked for contradictions (default: the drill's own)");
  app.add_option("--format", o->format, "Output format (text|json; default text)")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--lang", o->lang, "Language of the texts (ja|en; default ja)")->check(CLI::IsMember({"ja", "en"}));
  app.add_option("--rules", o->rules, "A proposal rules file (YAML or JSON) instead of the built-in rules");
  add_db_option(app, o->url);
  app.footer(
      "Each proposal names the checklist item, the proposed choice and level, why, and the log events it rests on "
      "(seq and scenario time). Items the drill did not reach get no proposal. docs/formats.md \"Proposal rules\".");
  return [o]() -> Status {
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    auto e = (*db)->get_exercise(o->id);
    if (!e) return e.status();
    io::ScenarioLoadOptions scenario_options;
    scenario_options.trusted = true;  // written by this program when the drill was planned
    auto scenario = io::parse_scenario(e->scenario_content, fmt::format("exercise {} scenario", o->id), scenario_options);
    if (!scenario) return scenario.status();
    auto shared = std::make_shared<const model::Scenario>(std::move(*scenario));
    auto events = (*db)->list_exercise_events(o->id);
    if (!events) return events.status();
    exercise::SystemClock clock;
    exercise::Engine engine(shared, clock);
    KUNREN_RETURN_IF_ERROR(engine.commit(*events));

    // The checklist: the campaign's when there is one (its answers refer to
    // it), else the built-in checklist the scenario links.
    const std::string campaign_id = o->campaign.empty() ? e->campaign : o->campaign;
    std::shared_ptr<const model::Checklist> checklist;
    if (!campaign_id.empty()) {
      auto campaign = (*db)->get_campaign(campaign_id);
      if (!campaign) return campaign.status();
      auto c = store::campaign_checklist(**db, *campaign);
      if (!c) return c.status();
      checklist = *c;
      if (!shared->checklist.empty() && checklist->id != shared->checklist)
        return Status::bad_input(fmt::format("campaign {} uses checklist {}, but the drill's scenario links checklist {}",
                                             campaign_id, checklist->id, shared->checklist),
                                 Location({}, 0, 0, "--campaign"));
    } else {
      if (shared->checklist.empty())
        return Status::bad_input(fmt::format("the scenario of exercise {} names no checklist to propose answers for", o->id));
      auto c = io::load_builtin_checklist(shared->checklist);
      if (!c) return c.status();
      checklist = std::make_shared<const model::Checklist>(std::move(*c));
    }
    Result<exercise::ProposalRules> rules = Status::internal("unset");
    if (o->rules.empty()) {
      rules = exercise::builtin_proposal_rules(checklist->id);
    } else {
      auto file = util::MappedFile::open(o->rules);
      if (!file) return file.status();
      rules = exercise::parse_proposal_rules(file->data(), o->rules, checklist.get());
    }
    if (!rules) return rules.status();

    json criteria;
    if (!e->criteria.empty()) criteria = json::parse(e->criteria, nullptr, false);
    if (criteria.is_discarded()) criteria = json();
    exercise::PreparedContext prepared;
    prepared.today = today_utc_date();
    for (auto kind : model::all_prep_kinds()) {
      auto doc = (*db)->latest_org_document(e->org, model::to_string(kind));
      if (!doc) return doc.status();
      if (!*doc) continue;
      json content = json::parse((*doc)->content, nullptr, false);
      if (content.is_object()) prepared.records[model::to_string(kind)] = std::move(content);
    }
    const auto set = exercise::propose(o->id, *shared, engine.state(), *checklist, *rules, criteria, prepared);

    // The organisation's latest submitted self-evaluation in the campaign.
    std::optional<store::Revision> revision;
    if (!campaign_id.empty()) {
      store::LatestQuery query;
      query.org = e->org;
      auto latest = (*db)->latest_revisions(campaign_id, query);
      if (!latest) return latest.status();
      for (auto& r : *latest)
        if (r.org == e->org) revision = std::move(r);
    }
    std::vector<exercise::Contradiction> contradictions;
    if (revision) {
      std::map<std::string, std::uint8_t> answers;
      for (const auto& a : revision->answers)
        if (a.choice > 0) answers[a.item] = a.choice;
      contradictions = exercise::find_contradictions(set, *checklist, answers);
    }

    if (o->format == "json") {
      json out = exercise::to_json(set, o->lang);
      out["campaign"] = campaign_id.empty() ? json(nullptr) : json(campaign_id);
      out["org"] = e->org;
      out["revision"] = revision ? json(revision->no) : json(nullptr);
      json list = json::array();
      for (const auto& c : contradictions) list.push_back(exercise::to_json(c, o->lang));
      out["contradictions"] = std::move(list);
      std::cout << out.dump(2) << '\n';
      return Status::ok();
    }
    const std::string& lang = o->lang;
    std::cout << fmt::format("{} {}: {} {} ({} {} {}), {}\n", tr(lang, "訓練", "exercise"), o->id, set.proposals.size(),
                             tr(lang, "項目の提案", "items proposed"), tr(lang, "チェックリスト", "checklist"),
                             set.checklist_id, set.checklist_version,
                             o->rules.empty() ? tr(lang, "組み込みの規則", "built-in rules") : o->rules);
    for (const auto& p : set.proposals) {
      const auto index = checklist->find_item(p.item);
      std::string choice = tr(lang, "提案なし", "no proposal");
      if (p.level && p.choice > 0 && index)
        choice = fmt::format("{} {}「{}」", level_word(*p.level, lang), p.choice,
                             checklist->items[*index].choices[p.choice - 1].label.text(lang));
      else if (p.level)
        choice = fmt::format("{} ({})", level_word(*p.level, lang), tr(lang, "選択肢なし", "no such choice"));
      std::cout << fmt::format("\n{}  {}{}\n  {}\n", p.item, choice, p.rule.empty() ? "" : "  [" + p.rule + "]",
                               p.reason.text(lang));
      for (const auto& c : p.citations) {
        if (c.seq > 0)
          std::cout << fmt::format("    - {} (seq {})\n", c.text.text(lang), c.seq);
        else
          std::cout << fmt::format("    - {}\n", c.text.text(lang));
      }
    }
    std::cout << '\n';
    if (campaign_id.empty()) {
      std::cout << tr(lang, "キャンペーンの指定がないため、自己評価との矛盾は確認していない\n",
                      "no campaign: contradictions with a self-evaluation not checked\n");
    } else if (!revision) {
      if (lang == "en")
        std::cout << fmt::format("{} has no submitted self-evaluation in campaign {}\n", e->org, campaign_id);
      else
        std::cout << fmt::format("{} はキャンペーン {} に提出済みの自己評価がない\n", e->org, campaign_id);
    } else {
      if (lang == "en")
        std::cout << fmt::format("contradictions with {}'s self-evaluation in campaign {} (revision {}): {} found\n",
                                 e->org, campaign_id, revision->no, contradictions.size());
      else
        std::cout << fmt::format("{} のキャンペーン {} の自己評価（第{}版）との矛盾: {} 件\n", e->org, campaign_id,
                                 revision->no, contradictions.size());
      for (const auto& c : contradictions)
        std::cout << fmt::format("  [{}] {}: {}\n", c.severity, c.item, c.message.text(lang));
    }
    return Status::ok();
  };
}

}  // namespace kunren::cli
