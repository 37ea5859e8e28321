// The scenario commands: list the built-in scenarios, show one, validate a
// scenario file, and build a scenario from a base scenario and an inject
// spreadsheet (kunren scenario list | show | validate | import-msel).
#include <kunren/cli/command.hpp>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <kunren/io/builtin.hpp>
#include <kunren/io/msel_csv.hpp>
#include <kunren/io/scenario_io.hpp>
#include <kunren/util/file.hpp>
#include <kunren/util/status.hpp>

namespace kunren::cli {

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "file:line:col: message (field)" — one problem of a validation.
std::string problem_line(const Status& s) {
  const Location& w = s.where();
  std::string where = w.file;
  if (w.line > 0) {
    where += fmt::format("{}{}", where.empty() ? "line " : ":", w.line);
    if (w.column > 0) where += fmt::format(":{}", w.column);
  }
  std::string out = where.empty() ? s.message() : where + ": " + s.message();
  if (!w.field.empty()) out += " (" + w.field + ")";
  return out;
}

// Prints every problem (when there are any) and returns the one summary Status.
Status report_problems(const Status& first, std::vector<Status> problems, const std::string& file) {
  if (problems.empty() || first.kind() != ErrorKind::kBadInput) return first;
  for (const auto& p : problems) std::cerr << problem_line(p) << '\n';
  return Status::bad_input(fmt::format("{} problem{} found", problems.size(), problems.size() == 1 ? "" : "s"),
                           Location{file});
}

// A checklist given with --checklist (a built-in id or a file), if any.
Result<std::optional<model::Checklist>> optional_checklist(const std::string& id_or_path) {
  if (id_or_path.empty()) return std::optional<model::Checklist>{};
  auto c = io::resolve_checklist(id_or_path);
  if (!c) return c.status();
  return std::optional<model::Checklist>(std::move(c).value());
}

// What a valid scenario covers, for the validate summary.
std::string coverage(const model::Scenario& s, const model::Checklist* checklist) {
  std::set<std::string> reached;
  std::size_t contingencies = 0;
  std::set<std::string> links;
  for (const auto& inj : s.injects) {
    for (const auto& dp : inj.decision_points) reached.insert(dp);
    for (const auto& x : inj.expects) {
      if (!x.decision_point.empty()) reached.insert(x.decision_point);
    }
    links.insert(inj.links.begin(), inj.links.end());
    if (inj.contingency) ++contingencies;
  }
  for (const auto& o : s.objectives) links.insert(o.links.begin(), o.links.end());
  for (const auto& dp : s.decision_points) links.insert(dp.links.begin(), dp.links.end());
  std::string out = fmt::format("{} injects", s.injects.size());
  if (contingencies > 0) out += fmt::format(" ({} contingent)", contingencies);
  out += fmt::format(", {} roles, {} phases, decision points reached: {} of {}", s.roles.size(), s.phases.size(),
                     reached.size(), s.decision_points.size());
  std::vector<std::string> unreached;
  for (const auto& dp : s.decision_points) {
    if (reached.count(dp.id) == 0) unreached.push_back(dp.id);
  }
  if (!unreached.empty()) {
    std::string list;
    for (const auto& id : unreached) list += (list.empty() ? "" : ", ") + id;
    out += fmt::format(" (not reached: {})", list);
  }
  if (checklist != nullptr) {
    std::vector<bool> linked(checklist->sections.size(), false);
    for (const auto& id : links) {
      if (auto i = checklist->find_item(id)) linked[checklist->items[*i].section_index] = true;
    }
    std::string list;
    std::size_t n = 0;
    for (std::size_t i = 0; i < linked.size(); ++i) {
      if (!linked[i]) continue;
      ++n;
      list += (list.empty() ? "" : ", ") + checklist->sections[i].id;
    }
    out += fmt::format(", checklist sections linked: {} of {} in {}", n, checklist->sections.size(), checklist->id);
    if (!list.empty()) out += fmt::format(" ({})", list);
    out += fmt::format(", {} items linked", links.size());
  } else {
    out += fmt::format(", {} checklist items linked ({})", links.size(),
                       s.checklist.empty() ? "no checklist named" : "checklist " + s.checklist + " not checked");
  }
  return out;
}

}  // namespace

Handler define_scenario_list(CLI::App& app) {
  struct Opts {
    std::string lang = "ja";
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--lang", o->lang, "Language of the titles (ja|en)")->check(CLI::IsMember({"ja", "en"}));
  return [o]() -> Status {
    std::vector<std::vector<std::string>> rows = {{"ID", "VERSION", "INJECTS", "DECISION POINTS", "TITLE"}};
    for (const auto& id : io::builtin_scenario_ids()) {
      auto s = io::load_builtin_scenario(id);
      if (!s) return s.status();
      rows.push_back({s->id, s->version, std::to_string(s->injects.size()), std::to_string(s->decision_points.size()),
                      s->title.text(o->lang)});
    }
    print_table(rows);
    return Status::ok();
  };
}

Handler define_scenario_show(CLI::App& app) {
  struct Opts {
    std::string id, format, lang, out = "-";
  };
  auto o = std::make_shared<Opts>();
  app.add_option("ID", o->id, "Built-in scenario id or a scenario file (YAML or JSON)")->required();
  app.add_option("--format", o->format, "Output format (yaml|json; default from -o, else yaml)")
      ->check(CLI::IsMember({"yaml", "json"}));
  app.add_option("--lang", o->lang, "Write every text in one language only (ja|en)")->check(CLI::IsMember({"ja", "en"}));
  app.add_option("-o,--output", o->out, "Output file (default: standard output)");
  return [o]() -> Status {
    auto s = io::resolve_scenario(o->id);
    if (!s) return s.status();
    const std::string format = !o->format.empty() ? o->format : (ends_with(o->out, ".json") ? "json" : "yaml");
    auto lang = o->lang.empty() ? std::nullopt : std::optional<std::string>(o->lang);
    return util::write_file_atomic(
        o->out, io::write_scenario(*s, format == "json" ? io::ScenarioFormat::kJson : io::ScenarioFormat::kYaml, lang));
  };
}

Handler define_scenario_validate(CLI::App& app) {
  struct Opts {
    std::string file, checklist;
    std::vector<std::string> langs;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("FILE", o->file, "Scenario file (YAML or JSON)")->required();
  app.add_option("--require-lang", o->langs, "Every text must exist in these languages (e.g. ja,en)")->delimiter(',');
  app.add_option("--checklist", o->checklist,
                 "Check links against this checklist (built-in id or file; default: the built-in checklist the "
                 "scenario names)");
  return [o]() -> Status {
    auto checklist = optional_checklist(o->checklist);
    if (!checklist) return checklist.status();
    io::ScenarioLoadOptions opts;
    opts.require_langs = o->langs;
    if (*checklist) opts.checklist = &**checklist;
    std::vector<Status> problems;
    auto s = io::load_scenario_file(o->file, opts, &problems);
    if (!s) return report_problems(s.status(), std::move(problems), o->file);
    std::optional<model::Checklist> storage;
    auto linked = io::links_checklist(*s, opts.checklist, storage);
    if (!linked) return linked.status();
    std::cout << fmt::format("{}: ok — scenario {} version {}: {}\n", o->file, s->id, s->version,
                             coverage(*s, *linked));
    return Status::ok();
  };
}

Handler define_scenario_import_msel(CLI::App& app) {
  struct Opts {
    std::string csv, base, out, encoding = "auto", lang = "ja";
    std::vector<std::string> maps;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("CSV", o->csv, "Inject spreadsheet saved as CSV: one row per inject")->required();
  app.add_option("--base", o->base,
                 "Scenario whose plant, roles, phases, objectives and decision points the injects use (built-in id "
                 "or file)")
      ->required();
  app.add_option("--map", o->maps, "Read a field from a column of another name: FIELD=HEADER (repeatable)");
  app.add_option("--encoding", o->encoding, "Input encoding: auto, utf-8 or cp932 (default auto)");
  app.add_option("--lang", o->lang, "Language of plain text columns (ja|en; default ja)")
      ->check(CLI::IsMember({"ja", "en"}));
  app.add_option("-o,--output", o->out, "The scenario file to write (YAML; JSON if it ends in .json)")->required();
  app.footer("Fields: " + [] {
    std::string all;
    for (const auto& f : io::msel_fields()) all += (all.empty() ? "" : ", ") + f;
    return all;
  }() + ". Nothing is written if any row has a problem.");
  return [o]() -> Status {
    auto encoding = encoding_option(o->encoding);
    if (!encoding) return encoding.status();
    io::MselOptions opts;
    opts.encoding = *encoding;
    opts.lang = o->lang;
    for (const auto& m : o->maps) {
      auto parsed = io::parse_msel_mapping(m);
      if (!parsed) return parsed.status();
      if (opts.columns.count(parsed->first) > 0) {
        return Status::bad_input(fmt::format("--map {}: field '{}' is mapped twice", m, parsed->first),
                                 Location{{}, 0, 0, "--map"});
      }
      opts.columns.insert(std::move(parsed).value());
    }
    auto base = io::resolve_scenario(o->base);
    if (!base) return base.status();
    Warnings warnings;
    std::vector<Status> problems;
    auto s = io::load_msel_csv(o->csv, *base, opts, &warnings, &problems);
    if (!s) return report_problems(s.status(), std::move(problems), o->csv);
    warn(warnings);
    const bool json = ends_with(o->out, ".json");
    const std::string text = io::write_scenario(*s, json ? io::ScenarioFormat::kJson : io::ScenarioFormat::kYaml);
    // What is written must read back: check before anything touches the disk.
    auto again = io::parse_scenario(text, o->out);
    if (!again) return Status::internal("the written scenario does not read back: " + again.status().to_string());
    KUNREN_RETURN_IF_ERROR(util::write_file_atomic(o->out, text));
    std::cerr << fmt::format("kunren: {} injects from {} on scenario {} → {}\n", s->injects.size(), o->csv, s->id,
                             o->out);
    return Status::ok();
  };
}

}  // namespace kunren::cli
