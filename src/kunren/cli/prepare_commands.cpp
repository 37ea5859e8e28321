// The commands on preparedness records (model/preparedness.hpp): an
// organisation's contact tree, decision criteria, evidence plan, restart
// checklist, PoC sheet and improvement plan, each kept in the store as
// revisions (store::OrgDocument).
//
//   template  prints a starting point (no store needed)
//   import    validates a YAML/JSON file (or a contact tree CSV) in full and
//             stores it as the next revision; nothing is written on error
//             (exit 2 with file:line:column), and a file equal to the latest
//             revision is not stored again
//   show      prints the latest (or a given) revision as YAML, JSON or, for the
//             contact tree, CSV
//   list      one line per kind: latest revision, author, date, and what needs
//             attention (stale contacts, overdue plan items) as of --today
//   history   every revision of one kind
//
// Sections: helpers, then one define_prepare_* per command.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/cli/command.hpp>
#include <kunren/io/prep_io.hpp>
#include <kunren/model/preparedness.hpp>

namespace kunren::cli {

namespace {

using nlohmann::json;

std::string kinds_text() {
  std::string out;
  for (auto k : model::all_prep_kinds()) out += (out.empty() ? "" : "|") + std::string(model::to_string(k));
  return out;
}

void add_kind_option(CLI::App& app, std::string& kind) {
  app.add_option("--kind", kind, "Kind of record (" + kinds_text() + ")")->required();
}

Result<model::PrepKind> kind_of(const std::string& s) {
  auto k = model::parse_prep_kind(s);
  if (!k)
    return Status::bad_input(fmt::format("unknown kind '{}'; expected one of: {}", s, kinds_text()),
                             Location({}, 0, 0, "--kind"));
  return *k;
}

// Today as "YYYY-MM-DD": --today, else the UTC date.
Result<std::string> today_of(const std::string& option) {
  if (option.empty()) return store::now_utc().substr(0, 10);
  if (!model::valid_date(option))
    return Status::bad_input(fmt::format("--today '{}' is not a date (YYYY-MM-DD)", option),
                             Location({}, 0, 0, "--today"));
  return option;
}

Result<json> content_of(const store::OrgDocument& d) {
  json j = json::parse(d.content, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Status::internal(fmt::format("stored {} revision {} of {} is not a JSON object", d.kind, d.no, d.org));
  return j;
}

// What needs attention in a document, for `list`.
std::string attention(model::PrepKind kind, const json& content, const std::string& today) {
  if (kind == model::PrepKind::kContactTree) {
    auto tree = model::parse_contact_tree(content);
    if (!tree) return "(unreadable)";
    const auto stale = model::stale_entries(*tree, today);
    return fmt::format("{} entries, {} stale", tree->entries.size(), stale.size());
  }
  if (kind == model::PrepKind::kImprovementPlan) {
    auto plan = model::parse_improvement_plan(content);
    if (!plan) return "(unreadable)";
    std::size_t overdue = 0, open = 0;
    for (const auto& i : plan->items) {
      if (model::overdue(i, today)) ++overdue;
      if (i.status == "open" || i.status == "in-progress") ++open;
    }
    return fmt::format("{} items, {} open, {} overdue", plan->items.size(), open, overdue);
  }
  return {};
}

}  // namespace

// --- template ----------------------------------------------------------------------

Handler define_prepare_template(CLI::App& app) {
  struct Opts {
    std::string kind, lang, format;
  };
  auto o = std::make_shared<Opts>();
  o->lang = "ja";
  o->format = "yaml";
  add_kind_option(app, o->kind);
  app.add_option("--lang", o->lang, "Language of the texts (ja|en; default ja)")->check(CLI::IsMember({"ja", "en"}));
  app.add_option("--format", o->format, "Output format (yaml|json|csv; csv for the contact tree; default yaml)")
      ->check(CLI::IsMember({"yaml", "json", "csv"}));
  return [o]() -> Status {
    auto kind = kind_of(o->kind);
    if (!kind) return kind.status();
    const json doc = model::prep_template(*kind, o->lang);
    if (o->format == "csv") {
      if (*kind != model::PrepKind::kContactTree)
        return Status::bad_input("--format csv is only for the contact tree", Location({}, 0, 0, "--format"));
      auto tree = model::parse_contact_tree(doc);
      if (!tree) return Status::internal("the contact tree template does not pass its own reader: " +
                                         tree.status().to_string());
      std::cout << io::write_contact_tree_csv(*tree, o->lang);
      return Status::ok();
    }
    std::cout << io::write_prep_document(*kind, doc, o->format == "json" ? io::PrepFormat::kJson
                                                                          : io::PrepFormat::kYaml);
    return Status::ok();
  };
}

// --- import ------------------------------------------------------------------------

Handler define_prepare_import(CLI::App& app) {
  struct Opts {
    std::string url, org, kind, file, encoding;
  };
  auto o = std::make_shared<Opts>();
  o->encoding = "auto";
  app.add_option("--org", o->org, "Organisation the record belongs to")->required();
  add_kind_option(app, o->kind);
  app.add_option("FILE", o->file, "YAML or JSON file ('-' for standard input); a .csv file for the contact tree")
      ->required();
  app.add_option("--encoding", o->encoding, "Encoding of a CSV file (auto|utf-8|cp932; default auto)");
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto kind = kind_of(o->kind);
    if (!kind) return kind.status();
    auto encoding = encoding_option(o->encoding);
    if (!encoding) return encoding.status();
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    auto latest = (*db)->latest_org_document(o->org, o->kind);
    if (!latest) return latest.status();
    io::PrepLoadOptions options;
    options.encoding = *encoding;
    if (*kind == model::PrepKind::kContactTree && latest->has_value()) {
      auto previous = content_of(**latest);
      if (previous && previous->contains("stale_after_days") && (*previous)["stale_after_days"].is_number_integer())
        options.stale_after_days = (*previous)["stale_after_days"].get<int>();
    }
    Warnings warnings;
    auto doc = io::load_prep_file(*kind, o->file, options, &warnings);
    warn(warnings);
    if (!doc) return doc.status();
    const std::string content = doc->dump();
    const int expected = latest->has_value() ? (*latest)->no : 0;
    if (latest->has_value() && (*latest)->content == content) {
      std::cout << fmt::format("kunren: {} of {} unchanged: revision {} already holds this content\n", o->kind, o->org,
                               expected);
      return Status::ok();
    }
    auto stored = (*db)->append_org_document(o->org, o->kind, expected, content, cli_actor());
    if (!stored) return stored.status();
    std::cout << fmt::format("kunren: {} of {} stored as revision {}\n", o->kind, o->org, stored->no);
    return Status::ok();
  };
}

// --- show --------------------------------------------------------------------------

Handler define_prepare_show(CLI::App& app) {
  struct Opts {
    std::string url, org, kind, format, lang;
    int no = 0;
  };
  auto o = std::make_shared<Opts>();
  o->format = "yaml";
  o->lang = "ja";
  app.add_option("--org", o->org, "Organisation")->required();
  add_kind_option(app, o->kind);
  app.add_option("--no", o->no, "Revision number (default: the latest)")->check(CLI::PositiveNumber);
  app.add_option("--format", o->format, "Output format (yaml|json|csv; csv for the contact tree; default yaml)")
      ->check(CLI::IsMember({"yaml", "json", "csv"}));
  app.add_option("--lang", o->lang, "Language of the CSV headers (ja|en; default ja)")
      ->check(CLI::IsMember({"ja", "en"}));
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto kind = kind_of(o->kind);
    if (!kind) return kind.status();
    if (o->format == "csv" && *kind != model::PrepKind::kContactTree)
      return Status::bad_input("--format csv is only for the contact tree", Location({}, 0, 0, "--format"));
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    store::OrgDocument d;
    if (o->no > 0) {
      auto got = (*db)->get_org_document(o->org, o->kind, o->no);
      if (!got) return got.status();
      d = std::move(*got);
    } else {
      auto latest = (*db)->latest_org_document(o->org, o->kind);
      if (!latest) return latest.status();
      if (!latest->has_value())
        return Status::not_found(
            fmt::format("{} has no {} yet; start from 'kunren prepare template --kind {}' and import it", o->org,
                        o->kind, o->kind),
            Location({}, 0, 0, "--kind"));
      d = std::move(**latest);
    }
    auto content = content_of(d);
    if (!content) return content.status();
    if (o->format == "csv") {
      auto tree = model::parse_contact_tree(*content);
      if (!tree) return Status::internal("stored contact tree does not read back: " + tree.status().to_string());
      std::cout << io::write_contact_tree_csv(*tree, o->lang);
      return Status::ok();
    }
    std::cout << io::write_prep_document(*kind, *content, o->format == "json" ? io::PrepFormat::kJson
                                                                               : io::PrepFormat::kYaml);
    return Status::ok();
  };
}

// --- list --------------------------------------------------------------------------

Handler define_prepare_list(CLI::App& app) {
  struct Opts {
    std::string url, org, today, format;
  };
  auto o = std::make_shared<Opts>();
  o->format = "table";
  app.add_option("--org", o->org, "Organisation")->required();
  app.add_option("--today", o->today, "Date to judge stale contacts and overdue items by (default: today, UTC)");
  app.add_option("--format", o->format, "Output format (table|json; default table)")
      ->check(CLI::IsMember({"table", "json"}));
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto today = today_of(o->today);
    if (!today) return today.status();
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    std::vector<std::vector<std::string>> rows = {{"KIND", "REVISION", "AUTHOR", "SAVED", "ATTENTION"}};
    json out = json::array();
    for (auto kind : model::all_prep_kinds()) {
      const std::string name = model::to_string(kind);
      auto latest = (*db)->latest_org_document(o->org, name);
      if (!latest) return latest.status();
      json row{{"kind", name}};
      if (!latest->has_value()) {
        rows.push_back({name, "-", "", "", "(none yet)"});
        row["no"] = 0;
        out.push_back(std::move(row));
        continue;
      }
      const auto& d = **latest;
      auto content = content_of(d);
      if (!content) return content.status();
      const std::string note = attention(kind, *content, *today);
      rows.push_back({name, std::to_string(d.no), d.author, d.created_at, note});
      row["no"] = d.no;
      row["author"] = d.author;
      row["created_at"] = d.created_at;
      if (kind == model::PrepKind::kContactTree) {
        if (auto tree = model::parse_contact_tree(*content))
          row["stale"] = model::stale_entries(*tree, *today).size();
      }
      if (kind == model::PrepKind::kImprovementPlan) {
        if (auto plan = model::parse_improvement_plan(*content)) {
          std::size_t overdue = 0;
          for (const auto& i : plan->items) overdue += model::overdue(i, *today) ? 1 : 0;
          row["overdue"] = overdue;
        }
      }
      out.push_back(std::move(row));
    }
    if (o->format == "json") {
      std::cout << json{{"org", o->org}, {"today", *today}, {"documents", out}}.dump(2) << '\n';
      return Status::ok();
    }
    print_table(rows);
    return Status::ok();
  };
}

// --- history -----------------------------------------------------------------------

Handler define_prepare_history(CLI::App& app) {
  struct Opts {
    std::string url, org, kind;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--org", o->org, "Organisation")->required();
  add_kind_option(app, o->kind);
  add_db_option(app, o->url);
  return [o]() -> Status {
    auto kind = kind_of(o->kind);
    if (!kind) return kind.status();
    auto db = open_for_command(o->url);
    if (!db) return db.status();
    auto history = (*db)->org_document_history(o->org, o->kind);
    if (!history) return history.status();
    std::vector<std::vector<std::string>> rows = {{"REVISION", "AUTHOR", "SAVED", "BYTES"}};
    for (const auto& d : *history)
      rows.push_back({std::to_string(d.no), d.author, d.created_at, std::to_string(d.content.size())});
    print_table(rows);
    return Status::ok();
  };
}

}  // namespace kunren::cli
