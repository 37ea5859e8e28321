#include <kunren/store/packages.hpp>

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace kunren::store {

namespace {

// `s` with its location moved into package `file` (and `field` when it names none).
Status in_file(const Status& s, const std::string& file, const std::string& field = {}) {
  Location where = s.where();
  where.file = file;
  where.line = 0;
  where.column = 0;
  if (where.field.empty()) where.field = field;
  switch (s.kind()) {
    case ErrorKind::kOk:
      return s;
    case ErrorKind::kBadInput:
      return Status::bad_input(s.message(), where);
    case ErrorKind::kNotFound:
      return Status::not_found(s.message(), where);
    case ErrorKind::kIo:
      return Status::io_error(s.message(), where);
    case ErrorKind::kFull:
      return Status::storage_full(s.message(), where);
    case ErrorKind::kConflict:
      return Status::conflict(s.message(), where);
    case ErrorKind::kInternal:
      return s;
  }
  return s;
}

}  // namespace

Result<std::string> make_package(Store& db, const std::string& campaign_id, const std::string& org,
                                 const util::KeyFile& key, const MakePackageOptions& options) {
  if (key.org != org)
    return Status::bad_input(
        fmt::format("the key belongs to organisation '{}', not '{}': sign with {}'s key", key.org, org, org),
        Location({}, 0, 0, "--key"));
  auto campaign = db.get_campaign(campaign_id);
  if (!campaign) return campaign.status();
  auto checklist = db.get_checklist(campaign->checklist_id, campaign->checklist_version);
  if (!checklist) return checklist.status();
  LatestQuery q;
  q.state = RevisionState::kSubmitted;
  q.org = org;
  auto latest = db.latest_revisions(campaign_id, q);
  if (!latest) return latest.status();
  if (latest->empty())
    return Status::conflict(fmt::format(
        "organisation {} has no submitted evaluation in campaign {}: submit it first, then export", org, campaign_id));
  const Revision& rev = latest->front();

  std::vector<io::PackageAnswer> answers;
  for (const auto& a : rev.answers) {
    if (a.choice == 0 && a.comment.empty()) continue;  // only marked for review: not part of the evaluation
    answers.push_back({a.item, a.choice, a.comment});
  }
  std::map<std::string, std::string> files;
  files[io::k_evaluation_path] = io::write_evaluation_json(answers);
  if (options.with_drills) {
    auto all = db.list_exercises();
    if (!all) return all.status();
    std::vector<io::PackageDrill> drills;
    for (const auto& e : *all) {
      if (e.org != org || e.campaign != campaign_id) continue;
      drills.push_back(
          {e.id, e.title, e.scenario_id, e.scenario_version, model::to_string(e.state), e.last_seq, e.last_hash});
    }
    files[io::k_drills_path] = io::write_drills_json(drills);
  }

  io::PackageManifest m;
  m.campaign = campaign_id;
  m.org = org;
  m.checklist_id = checklist->id;
  m.checklist_version = checklist->version;
  m.checklist_sha256 = checklist->sha256;
  m.created_at = options.created_at.empty() ? now_utc() : options.created_at;
  m.revision_no = rev.no;
  m.revision_created_at = rev.created_at;
  return io::write_package(std::move(m), files, key.secret_key, key.public_key);
}

Result<io::Package> verify_package_file(Store& db, std::string_view bytes, const std::string& filename,
                                        const std::string& expected_campaign) {
  auto read = io::read_package(bytes, filename);
  if (!read) return read.status();
  io::Package& p = *read;
  const auto& m = p.manifest;
  if (!expected_campaign.empty() && m.campaign != expected_campaign)
    return Status::bad_input(fmt::format("the package is for campaign '{}', not '{}'", m.campaign, expected_campaign),
                             Location(filename, 0, 0, "manifest.campaign"));

  auto campaign = db.get_campaign(m.campaign);
  if (!campaign)
    return in_file(campaign.status().kind() == ErrorKind::kNotFound
                       ? Status::not_found(fmt::format("campaign '{}' does not exist in this database", m.campaign))
                       : campaign.status(),
                   filename, "manifest.campaign");
  if (campaign->checklist_id != m.checklist_id)
    return Status::bad_input(fmt::format("the package was made for checklist '{}'; campaign {} uses '{}'",
                                         m.checklist_id, m.campaign, campaign->checklist_id),
                             Location(filename, 0, 0, "manifest.checklist.id"));
  if (campaign->checklist_version != m.checklist_version)
    return Status::bad_input(fmt::format("the package was made for version {} of checklist {}; campaign {} uses "
                                         "version {}",
                                         m.checklist_version, m.checklist_id, m.campaign, campaign->checklist_version),
                             Location(filename, 0, 0, "manifest.checklist.version"));
  auto checklist = db.get_checklist(campaign->checklist_id, campaign->checklist_version);
  if (!checklist) return in_file(checklist.status(), filename, "manifest.checklist");
  if (checklist->sha256 != m.checklist_sha256)
    return Status::bad_input(
        fmt::format("checklist {} {} of the package has other content than campaign {}'s (SHA-256 {} here)",
                    m.checklist_id, m.checklist_version, m.campaign, checklist->sha256.substr(0, 12)),
        Location(filename, 0, 0, "manifest.checklist.sha256"));

  auto org = db.get_org(m.org);
  if (!org)
    return in_file(org.status().kind() == ErrorKind::kNotFound
                       ? Status::not_found(fmt::format("organisation '{}' is not registered in this database", m.org))
                       : org.status(),
                   filename, "manifest.org");
  auto keys = db.list_org_keys(m.org);
  if (!keys) return in_file(keys.status(), filename, "manifest.org");
  std::vector<io::TrustedKey> trusted;
  for (const auto& k : *keys) trusted.push_back({k.key_id, k.public_key, !k.revoked_at.empty(), k.revoked_at});
  KUNREN_RETURN_IF_ERROR(io::verify_package_signature(p, trusted, filename));
  return std::move(p);
}

Result<PackageImportOutcome> import_package_file(Store& db, std::string_view bytes, const std::string& filename,
                                                 const Actor& actor, const std::string& expected_campaign) {
  auto verified = verify_package_file(db, bytes, filename, expected_campaign);
  if (!verified) return verified.status();
  PackageImportOutcome out;
  out.package = std::move(*verified);
  const auto& m = out.package.manifest;

  auto answers = io::read_evaluation_json(out.package.files.at(io::k_evaluation_path), filename);
  if (!answers) return answers.status();
  out.answers = answers->size();
  if (auto it = out.package.files.find(io::k_drills_path); it != out.package.files.end()) {
    auto drills = io::read_drills_json(it->second, filename);
    if (!drills) return drills.status();
    out.drills = drills->size();
  }

  NewPackage np;
  np.campaign = m.campaign;
  np.org = m.org;
  np.sha256 = out.package.sha256;
  np.key_id = m.key_id;
  np.created_at = m.created_at;
  np.filename = filename;
  for (const auto& a : *answers) {
    Answer answer;
    answer.item = a.item;
    answer.choice = static_cast<std::uint8_t>(a.choice);
    answer.comment = a.comment;
    np.answers.push_back(std::move(answer));
  }
  auto imported = db.import_package(np, actor);
  if (!imported) return in_file(imported.status(), filename, "");
  out.result = std::move(*imported);
  return out;
}

}  // namespace kunren::store
