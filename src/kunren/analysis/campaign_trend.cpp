#include <kunren/analysis/campaign_trend.hpp>

#include <map>

#include <fmt/format.h>

namespace kunren::analysis {

Result<CampaignTrend> campaign_trend(const std::vector<CampaignInput>& campaigns, const model::Checklist& target,
                                     const model::ChecklistMapping* mapping, const std::string& lang) {
  if (campaigns.size() < 2) {
    return Status::bad_input("a trend needs at least two campaigns", Location{{}, 0, 0, "--campaign"});
  }
  CampaignTrend t;
  t.checklist_id = target.id;
  t.checklist_version = target.version;
  t.checklist_title = target.title.text(lang);
  for (const auto& item : target.items) t.items.push_back(TrendItem{item.id, item.section, item.text.text(lang), {}});
  std::vector<std::optional<TrendCell>> previous(target.items.size());
  for (const CampaignInput& c : campaigns) {
    const bool same = c.checklist->id == target.id && c.checklist->version == target.version;
    if (!same && (mapping == nullptr || mapping->from_checklist != c.checklist->id ||
                  mapping->from_version != c.checklist->version || mapping->to_checklist != target.id ||
                  mapping->to_version != target.version)) {
      return Status::bad_input(
          fmt::format("campaign {} answered {} version {}; give a mapping file from it to {} version {} (--mapping)",
                      c.id, c.checklist->id, c.checklist->version, target.id, target.version),
          Location{{}, 0, 0, "--mapping"});
    }
    const auto n = static_cast<std::uint32_t>(c.responses->orgs.size());
    if (n < c.min_group) {
      t.suppressed.push_back(Suppression{"campaign", c.id, "below_k", "suppressed"});
      continue;
    }
    model::ResponseSet mapped;
    const model::ResponseSet* rs = c.responses;
    if (!same) {
      mapped = model::map_responses(*c.checklist, target, *mapping, *c.responses);
      rs = &mapped;
    }
    t.campaigns.push_back(CampaignColumn{c.id, c.title, c.checklist->version, !same, n});
    for (std::size_t i = 0; i < target.items.size(); ++i) {
      const model::Item& item = target.items[i];
      TrendCell cell;
      cell.n = n;
      for (std::size_t o = 0; o < rs->orgs.size(); ++o) {
        const std::uint8_t ch = rs->answer(o, i);
        if (ch == 0) continue;
        ++cell.answered;
        if (item.choices[ch - 1].level == model::Level::kGood) ++cell.good;
      }
      cell.share = cell.answered == 0 ? 0.0 : static_cast<double>(cell.good) / cell.answered;
      cell.percent = whole_percents({cell.good, cell.answered - cell.good})[0];
      if (previous[i] && previous[i]->answered > 0 && cell.answered > 0) {
        cell.change_points = cell.percent - previous[i]->percent;
        cell.change_share = cell.share - previous[i]->share;
      }
      previous[i] = cell;
      t.items[i].cells.push_back(cell);
    }
  }
  if (t.campaigns.empty()) {
    return Status::conflict("every campaign has fewer submitted organisations than its minimum group size: nothing is "
                            "published");
  }
  return t;
}

OrgCampaigns org_campaigns(const std::vector<CampaignInput>& campaigns, const std::string& org,
                           const std::string& lang) {
  OrgCampaigns out;
  out.org = org;
  std::map<std::string, std::size_t> index;
  // Item rows: the last campaign's order first, then items only earlier ones had.
  for (auto c = campaigns.rbegin(); c != campaigns.rend(); ++c) {
    for (const auto& item : c->checklist->items) {
      if (index.emplace(item.id, out.items.size()).second) {
        out.items.push_back(OrgTrendItem{item.id, item.text.text(lang), {}});
      }
    }
  }
  for (auto& row : out.items) row.answers.resize(campaigns.size());
  for (std::size_t k = 0; k < campaigns.size(); ++k) {
    const CampaignInput& c = campaigns[k];
    std::optional<std::size_t> me;
    for (std::size_t o = 0; o < c.responses->orgs.size(); ++o) {
      if (c.responses->orgs[o].id == org) me = o;
    }
    if (me && out.org_name.empty()) out.org_name = c.responses->orgs[*me].name;
    out.campaigns.push_back(CampaignColumn{c.id, c.title, c.checklist->version, false,
                                           static_cast<std::uint32_t>(c.responses->orgs.size())});
    for (auto& row : out.items) row.answers[k].in_checklist = false;
    for (std::size_t i = 0; i < c.checklist->items.size(); ++i) {
      const model::Item& item = c.checklist->items[i];
      OrgAnswer& a = out.items[index.at(item.id)].answers[k];
      a.in_checklist = true;
      if (!me) continue;
      const std::uint8_t ch = c.responses->answer(*me, i);
      if (ch == 0) continue;
      a.choice = ch;
      a.label = item.choices[ch - 1].label.text(lang);
      a.level = item.choices[ch - 1].level;
    }
  }
  return out;
}

}  // namespace kunren::analysis
