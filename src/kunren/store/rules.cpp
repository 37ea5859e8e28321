// The checks and messages that every backend shares (declared in
// backends.hpp), so that the memory fake and the SQL store say the same words
// for the same mistake.
#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include <kunren/store/backends.hpp>
#include <kunren/util/sha256.hpp>

namespace kunren::store {

bool is_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

bool is_login(const std::string& s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
           ch == '@' || ch == '-';
  });
}

std::vector<Role> normalized_roles(std::vector<Role> roles) {
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  return roles;
}

std::vector<std::string> normalized_ids(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

nlohmann::json role_names(const std::vector<Role>& roles) {
  nlohmann::json out = nlohmann::json::array();
  for (Role r : roles) out.push_back(to_string(r));
  return out;
}

Status campaign_values_ok(const CampaignRecord& c) {
  if (c.id.empty()) return Status::bad_input("a campaign id is empty", Location{{}, 0, 0, "id"});
  if (c.min_group < 1) {
    return Status::bad_input(fmt::format("campaign '{}': min_group must be at least 1, not {}", c.id, c.min_group),
                             Location{{}, 0, 0, "min_group"});
  }
  for (const auto& [field, value] : {std::pair{"opens_on", &c.opens_on}, std::pair{"closes_on", &c.closes_on}}) {
    if (!value->empty() && !is_date(*value)) {
      return Status::bad_input(
          fmt::format("campaign '{}': {} '{}' is not a date; write YYYY-MM-DD", c.id, field, *value),
          Location{{}, 0, 0, field});
    }
  }
  return Status::ok();
}

// A checklist record that is about to be registered: its hash must be that of
// its content, and the content must be a checklist with the record's id and
// version.
Status checklist_record_ok(const ChecklistRecord& r) {
  if (r.id.empty() || r.version.empty()) return Status::bad_input("a checklist id or version is empty");
  if (util::sha256_hex(r.content) != r.sha256) {
    return Status::bad_input(
        fmt::format("checklist '{}' version '{}': the sha256 does not match the content", r.id, r.version));
  }
  auto parsed = checklist_of(r);
  if (!parsed) return parsed.status();
  if ((*parsed)->id != r.id || (*parsed)->version != r.version) {
    return Status::bad_input(fmt::format("checklist '{}' version '{}': the content is checklist '{}' version '{}'",
                                         r.id, r.version, (*parsed)->id, (*parsed)->version));
  }
  return Status::ok();
}

Status org_not_found(const std::string& id) {
  return Status::not_found(fmt::format("organisation '{}' not found", id));
}
Status campaign_not_found(const std::string& id) {
  return Status::not_found(fmt::format("campaign '{}' not found", id));
}
Status user_not_found(const std::string& login) { return Status::not_found(fmt::format("user '{}' not found", login)); }
Status checklist_not_found(const std::string& id, const std::string& version) {
  return Status::not_found(fmt::format("checklist '{}' version '{}' not found", id, version));
}

}  // namespace kunren::store
