// The analyses coordinators ask for beyond the cross-sectional report (issue
// 7): `analyze --by/--crosstab` (the part after the input is read, called
// from define_analyze in cli.cpp), and `report peer | campaigns |
// org-campaigns`, which read campaigns from the store (--db) and write JSON
// or HTML atomically. Every published figure goes through disclosure
// control (analysis/disclosure.hpp): k is the campaign's minimum group size
// in the store, 3 for files, or --min-group.
#include <algorithm>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <kunren/analysis/campaign_trend.hpp>
#include <kunren/analysis/crosstab.hpp>
#include <kunren/analysis/peer.hpp>
#include <kunren/analysis/segments.hpp>
#include <kunren/cli/command.hpp>
#include <kunren/io/mapping_io.hpp>
#include <kunren/report/breakdown_report.hpp>
#include <kunren/store/campaign_data.hpp>
#include <kunren/util/file.hpp>

namespace kunren::cli {

namespace {

std::string format_for(const std::string& given, const std::string& out, const std::string& fallback) {
  if (!given.empty()) return given;
  auto ends = [&](std::string_view suffix) {
    return out.size() >= suffix.size() && out.compare(out.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends(".html") || ends(".htm")) return "html";
  if (ends(".json")) return "json";
  if (ends(".csv")) return "csv";
  return fallback;
}

report::BreakdownOptions render_options(const std::string& lang, const std::string& title, const std::string& tlp) {
  report::BreakdownOptions r;
  r.lang = lang;
  r.title = title;
  r.tlp = tlp;
  r.generated_at = generation_time();
  return r;
}

void add_common(CLI::App& app, std::string& format, std::string& out, std::string& lang, std::string& tlp,
                std::string& db) {
  app.add_option("--format", format, "Output format (json|html; default from -o, else html)")
      ->check(CLI::IsMember({"json", "html"}));
  app.add_option("-o,--output", out, "Output file (default: standard output)");
  app.add_option("--lang", lang, "Language of the texts (ja|en; default ja)")->check(CLI::IsMember({"ja", "en"}));
  app.add_option("--tlp", tlp, "TLP marking printed on the report (CLEAR|GREEN|AMBER|AMBER+STRICT|RED)")
      ->check(CLI::IsMember({"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}));
  add_db_option(app, db);
}

// One stored campaign, read for a report.
struct LoadedCampaign {
  store::CampaignRecord record;
  std::shared_ptr<const model::Checklist> checklist;
  model::ResponseSet responses;
};

Result<LoadedCampaign> load_campaign(store::Store& db, const std::string& id) {
  auto campaign = db.get_campaign(id);
  if (!campaign) return campaign.status();
  auto checklist = store::campaign_checklist(db, *campaign);
  if (!checklist) return checklist.status();
  auto responses = store::submitted_responses(db, campaign->id, **checklist);
  if (!responses) return responses.status();
  return LoadedCampaign{std::move(*campaign), *checklist, std::move(*responses)};
}

Status write_report(const std::string& out, const std::string& text, const std::string& what,
                    const std::string& format) {
  KUNREN_RETURN_IF_ERROR(util::write_file_atomic(out, text));
  if (out != "-") std::cerr << fmt::format("kunren: {} ({}) → {}\n", what, format, out);
  return Status::ok();
}

}  // namespace

Status run_analyze_breakdowns(const AnalyzeBreakdowns& req, const model::Checklist& checklist,
                              const model::ResponseSet& responses) {
  const auto k = req.min_group;
  const std::string format = format_for(req.format, req.out, "json");
  const report::BreakdownOptions ro = render_options(req.lang, req.title, req.tlp);
  if (!req.crosstab.empty()) {
    if (!req.by.empty()) {
      return Status::bad_input("give either --by or --crosstab, not both", Location{{}, 0, 0, "--crosstab"});
    }
    const auto comma = req.crosstab.find(',');
    if (comma == std::string::npos || req.crosstab.find(',', comma + 1) != std::string::npos) {
      return Status::bad_input(fmt::format("--crosstab takes two item ids as ITEM_A,ITEM_B (got '{}')", req.crosstab),
                               Location{{}, 0, 0, "--crosstab"});
    }
    if (format != "json" && format != "html" && format != "csv") {
      return Status::bad_input(fmt::format("a cross-tab is written as json, html or csv, not {}", format),
                               Location{{}, 0, 0, "--format"});
    }
    auto t = analysis::crosstab(checklist, responses, req.crosstab.substr(0, comma), req.crosstab.substr(comma + 1), k,
                                req.lang);
    if (!t) return t.status();
    const std::string text = format == "csv"    ? report::render_crosstab_csv(*t, ro)
                             : format == "html" ? report::render_crosstab_html(*t, ro)
                                                : report::render_crosstab_json(*t, ro);
    return write_report(req.out, text,
                        fmt::format("cross-tab {} × {}, {} organisations answered both, {} cells suppressed", t->item_a,
                                    t->item_b, t->both, t->suppressed.size()),
                        format);
  }
  if (format != "json" && format != "html") {
    return Status::bad_input(fmt::format("results by segment are written as json or html, not {}", format),
                             Location{{}, 0, 0, "--format"});
  }
  analysis::AnalysisOptions aopts = req.analysis;
  aopts.lang = req.lang;
  auto r = analysis::analyze_segments(checklist, responses, req.by, k, aopts);
  if (!r) return r.status();
  const std::string text =
      format == "html" ? report::render_segments_html(*r, ro) : report::render_segments_json(*r, ro);
  return write_report(req.out, text,
                      fmt::format("results by {} of {} organisations, {} groups merged or suppressed",
                                  fmt::join(req.by, " and "), r->organizations, r->suppressed.size()),
                      format);
}

// --- report peer ------------------------------------------------------------------

Handler define_report_peer(CLI::App& app) {
  struct Opts {
    std::string campaign, org, format, out = "-", lang = "ja", tlp, db, title;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--campaign", o->campaign, "Campaign")->required();
  app.add_option("--org", o->org, "The organisation the report is for")->required();
  app.add_option("--title", o->title, "Report title (HTML)");
  add_common(app, o->format, o->out, o->lang, o->tlp, o->db);
  app.footer("Its answer beside every organisation's distribution per item, and its section scores beside the "
             "pooled median and quartiles (Excel QUARTILE.INC). Needs the campaign's minimum group. JSON: schema "
             "kunren.peer/1.");
  return [o]() -> Status {
    const std::string format = format_for(o->format, o->out, "html");
    auto db = open_for_command(o->db);
    if (!db) return db.status();
    auto c = load_campaign(**db, o->campaign);
    if (!c) return c.status();
    analysis::AnalysisOptions aopts;
    aopts.lang = o->lang;
    auto p = analysis::peer_report(*c->checklist, c->responses, o->org,
                                   static_cast<std::uint32_t>(std::max(1, c->record.min_group)), aopts);
    if (!p) {
      if (p.status().kind() == ErrorKind::kNotFound) {
        return Status::not_found(fmt::format("organisation '{}' has no submitted evaluation in campaign {}", o->org,
                                             o->campaign),
                                 Location{{}, 0, 0, "--org"});
      }
      return p.status();
    }
    const auto ro = render_options(o->lang, o->title, o->tlp);
    return write_report(o->out, format == "json" ? report::render_peer_json(*p, ro) : report::render_peer_html(*p, ro),
                        fmt::format("peer comparison of {} among {} organisations", o->org, p->organizations), format);
  };
}

// --- report campaigns -------------------------------------------------------------

Handler define_report_campaigns(CLI::App& app) {
  struct Opts {
    std::vector<std::string> campaigns;
    std::string mapping, format, out = "-", lang = "ja", tlp, db, title;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--campaign", o->campaigns, "A campaign, oldest first (give two or more)")->required();
  app.add_option("--mapping", o->mapping,
                 "Checklist version mapping file (kunren.mapping/1) from an older campaign's checklist to the last "
                 "campaign's");
  app.add_option("--title", o->title, "Report title (HTML)");
  add_common(app, o->format, o->out, o->lang, o->tlp, o->db);
  app.footer("Item by item, the share of good answers in each campaign and the change from the one before, in the "
             "last campaign's checklist. Campaigns below their minimum group are left out and said so. JSON: schema "
             "kunren.campaign-trend/1.");
  return [o]() -> Status {
    const std::string format = format_for(o->format, o->out, "html");
    if (o->campaigns.size() < 2) {
      return Status::bad_input("give at least two campaigns (--campaign C1 --campaign C2)",
                               Location{{}, 0, 0, "--campaign"});
    }
    auto db = open_for_command(o->db);
    if (!db) return db.status();
    std::vector<LoadedCampaign> loaded;
    for (const auto& id : o->campaigns) {
      auto c = load_campaign(**db, id);
      if (!c) return c.status();
      loaded.push_back(std::move(*c));
    }
    const model::Checklist& target = *loaded.back().checklist;
    std::optional<model::ChecklistMapping> mapping;
    if (!o->mapping.empty()) {
      auto m = io::load_mapping_file(o->mapping);
      if (!m) return m.status();
      const LoadedCampaign* from = nullptr;
      for (const auto& c : loaded) {
        if (c.checklist->id == m->from_checklist && c.checklist->version == m->from_version) from = &c;
      }
      if (from == nullptr) {
        return Status::bad_input(fmt::format("the mapping is from {} version {}, which none of the campaigns answered",
                                             m->from_checklist, m->from_version),
                                 Location{o->mapping, 0, 0, "from"});
      }
      KUNREN_RETURN_IF_ERROR(io::check_mapping(*m, *from->checklist, target));
      mapping = std::move(*m);
    }
    std::vector<analysis::CampaignInput> inputs;
    for (const auto& c : loaded) {
      inputs.push_back(analysis::CampaignInput{c.record.id, c.record.title, c.checklist.get(), &c.responses,
                                               static_cast<std::uint32_t>(std::max(1, c.record.min_group))});
    }
    auto t = analysis::campaign_trend(inputs, target, mapping ? &*mapping : nullptr, o->lang);
    if (!t) return t.status();
    const auto ro = render_options(o->lang, o->title, o->tlp);
    return write_report(o->out,
                        format == "json" ? report::render_campaign_trend_json(*t, ro)
                                         : report::render_campaign_trend_html(*t, ro),
                        fmt::format("{} campaigns compared, {} left out", t->campaigns.size(), t->suppressed.size()),
                        format);
  };
}

// --- report org-campaigns -----------------------------------------------------------

Handler define_report_org_campaigns(CLI::App& app) {
  struct Opts {
    std::vector<std::string> campaigns;
    std::string org, format, out = "-", lang = "ja", tlp, db, title;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--org", o->org, "Organisation")->required();
  app.add_option("--campaign", o->campaigns, "Only these campaigns (default: every campaign it submitted to)");
  app.add_option("--title", o->title, "Report title (HTML)");
  add_common(app, o->format, o->out, o->lang, o->tlp, o->db);
  app.footer("The organisation's own latest submitted answers in each campaign, item by item. For that "
             "organisation and the coordinator only: never publish it. JSON: schema kunren.org-campaigns/1.");
  return [o]() -> Status {
    const std::string format = format_for(o->format, o->out, "html");
    auto db = open_for_command(o->db);
    if (!db) return db.status();
    auto org = (*db)->get_org(o->org);
    if (!org) return org.status();
    std::vector<std::string> ids = o->campaigns;
    if (ids.empty()) {
      auto all = (*db)->list_campaigns();
      if (!all) return all.status();
      std::vector<store::CampaignRecord> list = std::move(*all);
      std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
        return std::pair(a.opens_on, a.created_at) < std::pair(b.opens_on, b.created_at);
      });
      for (const auto& c : list) ids.push_back(c.id);
    }
    std::vector<LoadedCampaign> loaded;
    for (const auto& id : ids) {
      auto c = load_campaign(**db, id);
      if (!c) return c.status();
      const bool submitted = std::any_of(c->responses.orgs.begin(), c->responses.orgs.end(),
                                         [&](const model::Organization& x) { return x.id == o->org; });
      if (!submitted && o->campaigns.empty()) continue;
      loaded.push_back(std::move(*c));
    }
    if (loaded.empty()) {
      return Status::not_found(fmt::format("organisation '{}' has submitted to no campaign", o->org),
                               Location{{}, 0, 0, "--org"});
    }
    std::vector<analysis::CampaignInput> inputs;
    for (const auto& c : loaded) {
      inputs.push_back(analysis::CampaignInput{c.record.id, c.record.title, c.checklist.get(), &c.responses, 1});
    }
    auto t = analysis::org_campaigns(inputs, o->org, o->lang);
    t.org_name = org->name;
    const auto ro = render_options(o->lang, o->title, o->tlp);
    return write_report(o->out,
                        format == "json" ? report::render_org_campaigns_json(t, ro)
                                         : report::render_org_campaigns_html(t, ro),
                        fmt::format("answers of {} across {} campaigns", o->org, t.campaigns.size()), format);
  };
}

}  // namespace kunren::cli
