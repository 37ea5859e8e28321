// What every command of the CLI shares: the row type of the one subcommand
// table (cli.cpp), and small helpers for options, output and the store.
// Commands are grouped by subject in analyze/checklist (cli.cpp) and the
// store-backed ones (store_commands.cpp); the table itself stays in cli.cpp
// so that help and dispatch come from one place.
// Thread safety: the CLI is single-threaded.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <kunren/analysis/analysis.hpp>
#include <kunren/io/encoding.hpp>
#include <kunren/model/checklist.hpp>
#include <kunren/model/responses.hpp>
#include <kunren/store/store.hpp>
#include <kunren/util/status.hpp>

namespace kunren::cli {

using Handler = std::function<Status()>;

// One row of the subcommand table. `define` declares the command's options on
// its CLI11 app and returns the handler that runs it once they are parsed.
struct Command {
  const char* group;  // parent command ("checklist") or "" for a top-level one
  const char* name;
  const char* help;
  std::function<Handler(CLI::App&)> define;
};

// Prints rows as columns padded to the widest cell (East Asian wide
// characters count two columns); the first row is the header.
void print_table(const std::vector<std::vector<std::string>>& rows);

// Prints warnings to standard error, one per line.
void warn(const Warnings& warnings);

// When a report was made, in UTC ("2026-11-26 09:20 UTC"); SOURCE_DATE_EPOCH
// fixes it for reproducible output.
std::string generation_time();

Result<io::Encoding> encoding_option(const std::string& name);

// Adds `--db URL` to a command; the string starts as store::default_store_url().
void add_db_option(CLI::App& app, std::string& url);

// Opens the store for a command: an existing database at the current schema.
Result<std::unique_ptr<store::Store>> open_for_command(const std::string& url);

// Who runs this command, for revisions and the audit log: "cli:<unix user>".
store::Actor cli_actor();

// --- store-backed commands (store_commands.cpp) --------------------------------
Handler define_init(CLI::App& app);
Handler define_db_migrate(CLI::App& app);
Handler define_db_status(CLI::App& app);
Handler define_org_add(CLI::App& app);
Handler define_org_list(CLI::App& app);
Handler define_org_import(CLI::App& app);
Handler define_campaign_create(CLI::App& app);
Handler define_campaign_list(CLI::App& app);
Handler define_campaign_show(CLI::App& app);
Handler define_campaign_open(CLI::App& app);
Handler define_campaign_close(CLI::App& app);
Handler define_campaign_publish(CLI::App& app);
Handler define_campaign_revisions(CLI::App& app);
Handler define_campaign_coordinators(CLI::App& app);
Handler define_user_add(CLI::App& app);
Handler define_user_list(CLI::App& app);
Handler define_user_passwd(CLI::App& app);
Handler define_user_roles(CLI::App& app);
Handler define_import(CLI::App& app);
Handler define_export(CLI::App& app);
Handler define_import_bundle(CLI::App& app);
Handler define_backup(CLI::App& app);
Handler define_audit(CLI::App& app);

// --- exercises (exercise_commands.cpp) -----------------------------------------
Handler define_exercise_list(CLI::App& app);
Handler define_exercise_create(CLI::App& app);
Handler define_exercise_show(CLI::App& app);
Handler define_exercise_verify(CLI::App& app);
Handler define_exercise_log(CLI::App& app);
Handler define_exercise_propose(CLI::App& app);

// --- drill reports (report_commands.cpp) ---------------------------------------
Handler define_report_aar(CLI::App& app);
Handler define_report_plan(CLI::App& app);
Handler define_report_cert_draft(CLI::App& app);
Handler define_report_trend(CLI::App& app);

// --- preparedness records (prepare_commands.cpp) --------------------------------
Handler define_prepare_template(CLI::App& app);
Handler define_prepare_import(CLI::App& app);
Handler define_prepare_show(CLI::App& app);
Handler define_prepare_list(CLI::App& app);
Handler define_prepare_history(CLI::App& app);

// --- scenarios (scenario_commands.cpp) -----------------------------------------
Handler define_scenario_list(CLI::App& app);
Handler define_scenario_show(CLI::App& app);
Handler define_scenario_validate(CLI::App& app);
Handler define_scenario_import_msel(CLI::App& app);

// --- the web server (serve_command.cpp) -----------------------------------------
Handler define_serve(CLI::App& app);

// --- signed offline packages and signing keys (package_commands.cpp) ----------
Handler define_package_keygen(CLI::App& app);
Handler define_package_export(CLI::App& app);
Handler define_package_import(CLI::App& app);
Handler define_package_inspect(CLI::App& app);
Handler define_package_list(CLI::App& app);
Handler define_org_key(CLI::App& app);  // org key add|list|revoke

// --- analyses by segment, cross-tab, peer, trends (analysis_commands.cpp) ---------
// What `analyze --by/--crosstab` asks for, once its input is read.
struct AnalyzeBreakdowns {
  std::vector<std::string> by;  // "industry" | "size"
  std::uint32_t min_group = 3;  // k
  std::string crosstab;         // "ITEM_A,ITEM_B" or ""
  std::string format, out = "-", lang = "ja", title, tlp;
  analysis::AnalysisOptions analysis;
};
Status run_analyze_breakdowns(const AnalyzeBreakdowns& request, const model::Checklist& checklist,
                              const model::ResponseSet& responses);
Handler define_report_peer(CLI::App& app);
Handler define_report_campaigns(CLI::App& app);
Handler define_report_org_campaigns(CLI::App& app);

}  // namespace kunren::cli
