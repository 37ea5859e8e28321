#include <kunren/store/campaign_data.hpp>

#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include <kunren/io/checklist_io.hpp>
#include <kunren/store/backends.hpp>
#include <kunren/util/sha256.hpp>

namespace kunren::store {

ChecklistRecord checklist_record(const model::Checklist& checklist, bool builtin) {
  ChecklistRecord r;
  r.id = checklist.id;
  r.version = checklist.version;
  r.content = io::write_checklist(checklist, io::ChecklistFormat::kJson);
  r.sha256 = util::sha256_hex(r.content);
  r.builtin = builtin;
  return r;
}

Result<ChecklistRecord> register_checklist(Store& store, const model::Checklist& checklist, bool builtin,
                                           const Actor& actor) {
  ChecklistRecord record = checklist_record(checklist, builtin);
  KUNREN_RETURN_IF_ERROR(store.put_checklist(record, actor));
  return store.get_checklist(record.id, record.version);
}

Result<std::shared_ptr<const model::Checklist>> campaign_checklist(Store& store, const CampaignRecord& campaign) {
  auto record = store.get_checklist(campaign.checklist_id, campaign.checklist_version);
  if (!record) return record.status();
  return checklist_of(*record);
}

std::vector<NewRevision> revisions_from_responses(const model::Checklist& checklist,
                                                  const model::ResponseSet& responses) {
  // (org, item) → comment text, joined when a cell has several
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::string> comments;
  for (const auto& c : responses.comments) {
    auto& text = comments[{c.org, c.item}];
    if (!text.empty()) text += '\n';
    text += c.text;
  }
  std::vector<NewRevision> out;
  for (std::size_t o = 0; o < responses.orgs.size(); ++o) {
    NewRevision rev;
    rev.org = responses.orgs[o].id;
    rev.state = RevisionState::kSubmitted;
    for (std::size_t i = 0; i < responses.item_count; ++i) {
      auto it = comments.find({static_cast<std::uint32_t>(o), static_cast<std::uint32_t>(i)});
      std::uint8_t choice = responses.answer(o, i);
      if (choice == model::k_no_answer && it == comments.end()) continue;
      rev.answers.push_back(Answer{checklist.items[i].id, choice, it == comments.end() ? std::string() : it->second});
    }
    out.push_back(std::move(rev));
  }
  return out;
}

Result<model::ResponseSet> submitted_responses(Store& store, const std::string& campaign,
                                               const model::Checklist& checklist, const Timestamp& as_of) {
  LatestQuery q;
  q.state = RevisionState::kSubmitted;
  q.as_of = as_of;
  auto latest = store.latest_revisions(campaign, q);
  if (!latest) return latest.status();
  auto orgs = store.list_orgs();
  if (!orgs) return orgs.status();
  std::unordered_map<std::string, const OrgRecord*> by_id;
  for (const auto& o : *orgs) by_id.emplace(o.id, &o);

  model::ResponseSet set;
  set.item_count = checklist.items.size();
  set.orgs.reserve(latest->size());
  set.answers.assign(latest->size() * set.item_count, model::k_no_answer);
  for (auto& rev : *latest) {
    auto org = by_id.find(rev.org);
    if (org == by_id.end()) return Status::internal(fmt::format("revision {} names unknown organisation '{}'", rev.id, rev.org));
    const auto o = static_cast<std::uint32_t>(set.orgs.size());
    const OrgRecord& rec = *org->second;
    set.orgs.push_back(model::Organization{rec.id, rec.name, rec.industry, rec.size, rec.pseudonym});
    for (auto& a : rev.answers) {
      auto i = checklist.find_item(a.item);
      if (!i) {
        return Status::internal(fmt::format("revision {} answers item '{}', which checklist {} {} does not have", rev.id,
                                            a.item, checklist.id, checklist.version));
      }
      set.answer(o, *i) = a.choice;
      if (!a.comment.empty()) set.comments.push_back(model::Comment{o, static_cast<std::uint32_t>(*i), std::move(a.comment)});
    }
  }
  return set;
}

}  // namespace kunren::store
