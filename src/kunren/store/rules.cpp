// The checks and messages that every backend shares (declared in
// backends.hpp), so that the memory fake and the SQL store say the same words
// for the same mistake.
#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include <kunren/model/exercise.hpp>
#include <kunren/model/preparedness.hpp>
#include <kunren/model/responses.hpp>
#include <kunren/store/backends.hpp>
#include <kunren/util/sha256.hpp>
#include <kunren/util/utf8.hpp>

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

Status check_text(std::string_view value, std::string_view what, bool multiline) {
  for (std::size_t i = 0; i < value.size();) {
    char32_t cp = 0;
    const std::size_t n = util::utf8_sequence_length(value, i, &cp);
    if (n == 0) return Status::bad_input(fmt::format("{} is not valid UTF-8", what));
    const bool line_break = cp == '\t' || cp == '\n' || cp == '\r';
    if ((cp < 0x20 && !(multiline && line_break)) || cp == 0x7f) {
      return Status::bad_input(fmt::format("{} contains a control character (U+{:04X})", what,
                                           static_cast<std::uint32_t>(cp)));
    }
    i += n;
  }
  return Status::ok();
}

Status actor_ok(const Actor& actor) { return check_text(actor.name, "the actor name"); }

Status check_orgs(const std::vector<OrgRecord>& orgs) {
  std::set<std::string_view> seen;
  for (const auto& o : orgs) {
    if (o.id.empty()) return Status::bad_input("an organisation id is empty", Location{{}, 0, 0, "org"});
    KUNREN_RETURN_IF_ERROR(check_text(o.id, "an organisation id"));
    if (!seen.insert(o.id).second) {
      return Status::bad_input(fmt::format("organisation '{}' appears more than once", o.id),
                               Location{{}, 0, 0, "org"});
    }
    for (const auto& [field, value] : {std::pair{"name", &o.name}, std::pair{"industry", &o.industry},
                                       std::pair{"size", &o.size}}) {
      KUNREN_RETURN_IF_ERROR(check_text(*value, fmt::format("organisation '{}': the {}", o.id, field)));
    }
  }
  return Status::ok();
}

Status user_values_ok(const User& u) {
  if (!is_login(u.login)) {
    return Status::bad_input(fmt::format("'{}' is not a valid login; use letters, digits and . _ @ -", u.login),
                             Location{{}, 0, 0, "login"});
  }
  return check_text(u.display_name, fmt::format("user '{}': the display name", u.login));
}

Status coordinator_logins_ok(const std::vector<std::string>& logins) {
  std::set<std::string_view> seen;
  for (const auto& login : logins) {
    KUNREN_RETURN_IF_ERROR(check_text(login, "a coordinator login"));
    if (login.empty()) return Status::bad_input("a coordinator login is empty", Location{{}, 0, 0, "coordinators"});
    if (!seen.insert(login).second) {
      return Status::bad_input(fmt::format("coordinator '{}' is listed more than once", login),
                               Location{{}, 0, 0, "coordinators"});
    }
  }
  return Status::ok();
}

Status coordinator_not_found(const std::string& login) {
  return Status::not_found(fmt::format("user '{}' not found", login), Location{{}, 0, 0, "coordinators"});
}

Status coordinator_role_missing(const std::string& login) {
  return Status::bad_input(
      fmt::format("user '{}' does not have the coordinator role; give it first (kunren user roles {} --add "
                  "coordinator)",
                  login, login),
      Location{{}, 0, 0, "coordinators"});
}

Status audit_entry_ok(const AuditEntry& e) {
  if (e.action.empty()) return Status::bad_input("an audit entry has no action", Location{{}, 0, 0, "action"});
  for (const auto& [field, value] : {std::pair{"actor", &e.actor}, std::pair{"action", &e.action},
                                     std::pair{"object type", &e.object_type},
                                     std::pair{"object id", &e.object_id}}) {
    KUNREN_RETURN_IF_ERROR(check_text(*value, fmt::format("the audit entry's {}", field)));
  }
  return check_text(e.detail, "the audit entry's detail", true);
}

Status campaign_values_ok(const CampaignRecord& c) {
  if (c.id.empty()) return Status::bad_input("a campaign id is empty", Location{{}, 0, 0, "id"});
  KUNREN_RETURN_IF_ERROR(check_text(c.id, "a campaign id"));
  KUNREN_RETURN_IF_ERROR(check_text(c.title, fmt::format("campaign '{}': the title", c.id)));
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
  return coordinator_logins_ok(c.coordinators);
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

// --- exercises -----------------------------------------------------------------------

bool is_exercise_id(const std::string& s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
           ch == '-';
  });
}

Status exercise_not_found(const std::string& id) {
  return Status::not_found(fmt::format("exercise '{}' not found", id));
}

Status exercise_exists(const std::string& id) {
  return Status::conflict(fmt::format("exercise '{}' already exists", id));
}

Status exercise_ended(const std::string& id, std::string_view what) {
  return Status::conflict(fmt::format("exercise '{}' has ended; {} can no longer change", id, what));
}

Status exercise_criteria_ok(const std::string& id, const std::string& criteria) {
  const Location where{{}, 0, 0, "criteria"};
  if (criteria.empty()) return Status::ok();
  Status text = check_text(criteria, fmt::format("exercise '{}': the criteria", id), true);
  if (!text) return Status::bad_input(text.message(), where);
  nlohmann::json parsed = nlohmann::json::parse(criteria, nullptr, false);
  if (parsed.is_discarded()) {
    return Status::bad_input(fmt::format("exercise '{}': the criteria are not JSON", id), where);
  }
  if (!parsed.is_object()) {
    return Status::bad_input(fmt::format("exercise '{}': the criteria must be a JSON object, not {}", id,
                                         parsed.type_name()),
                             where);
  }
  return Status::ok();
}

Status exercise_values_ok(const ExerciseRecord& e) {
  if (e.id.empty()) return Status::bad_input("an exercise id is empty", Location{{}, 0, 0, "id"});
  if (!is_exercise_id(e.id)) {
    Status text = check_text(e.id, "an exercise id");
    return Status::bad_input(
        text ? fmt::format("'{}' is not a valid exercise id; use letters, digits and . _ -", e.id) : text.message(),
        Location{{}, 0, 0, "id"});
  }
  auto field_text = [&](const std::string& value, const char* field, bool multiline) -> Status {
    Status text = check_text(value, fmt::format("exercise '{}': the {}", e.id, field), multiline);
    if (!text) return Status::bad_input(text.message(), Location{{}, 0, 0, field});
    return Status::ok();
  };
  KUNREN_RETURN_IF_ERROR(field_text(e.title, "title", false));
  for (const auto& [field, value] :
       {std::pair{"scenario_id", &e.scenario_id}, std::pair{"scenario_version", &e.scenario_version},
        std::pair{"scenario_sha256", &e.scenario_sha256}, std::pair{"scenario_content", &e.scenario_content}}) {
    if (value->empty()) {
      return Status::bad_input(fmt::format("exercise '{}': the {} is empty", e.id, field), Location{{}, 0, 0, field});
    }
    KUNREN_RETURN_IF_ERROR(field_text(*value, field, value == &e.scenario_content));
  }
  if (util::sha256_hex(e.scenario_content) != e.scenario_sha256) {
    return Status::bad_input(
        fmt::format("exercise '{}': scenario_sha256 is not the SHA-256 of the scenario content", e.id),
        Location{{}, 0, 0, "scenario_sha256"});
  }
  KUNREN_RETURN_IF_ERROR(exercise_criteria_ok(e.id, e.criteria));
  return exercise_participants_ok(e.participants);
}

Status exercise_participants_ok(const std::vector<ExerciseParticipant>& participants) {
  const Location where{{}, 0, 0, "participants"};
  std::set<std::string_view> seen;
  for (const auto& p : participants) {
    Status text = check_text(p.login, "a participant login");
    if (!text) return Status::bad_input(text.message(), where);
    if (p.login.empty()) return Status::bad_input("a participant login is empty", where);
    if (!seen.insert(p.login).second) {
      return Status::bad_input(fmt::format("participant '{}' is listed more than once", p.login), where);
    }
    if (p.role.empty()) return Status::bad_input(fmt::format("participant '{}' has no role", p.login), where);
    text = check_text(p.role, fmt::format("participant '{}': the role", p.login));
    if (!text) return Status::bad_input(text.message(), where);
  }
  return Status::ok();
}

Status participant_not_found(const std::string& login) {
  return Status::not_found(fmt::format("user '{}' not found", login), Location{{}, 0, 0, "participants"});
}

std::vector<ExerciseParticipant> sorted_participants(std::vector<ExerciseParticipant> participants) {
  std::sort(participants.begin(), participants.end(),
            [](const ExerciseParticipant& a, const ExerciseParticipant& b) { return a.login < b.login; });
  return participants;
}

nlohmann::json participants_json(const std::vector<ExerciseParticipant>& participants) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : sorted_participants(participants)) out.push_back({{"login", p.login}, {"role", p.role}});
  return out;
}

nlohmann::json exercise_create_detail(const ExerciseRecord& e) {
  nlohmann::json detail{{"title", e.title},
                        {"org", e.org},
                        {"scenario", e.scenario_id},
                        {"version", e.scenario_version},
                        {"sha256", e.scenario_sha256}};
  if (!e.campaign.empty()) detail["campaign"] = e.campaign;
  if (!e.participants.empty()) detail["participants"] = participants_json(e.participants);
  return detail;
}

nlohmann::json exercise_criteria_detail(const std::string& criteria) {
  return nlohmann::json{{"criteria", criteria.empty() ? nlohmann::json(nullptr) : nlohmann::json::parse(criteria)}};
}

Status exercise_events_ok(const std::vector<model::NewExerciseEvent>& events) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    auto field_error = [&](const char* field, const std::string& message) {
      const std::string name = fmt::format("events[{}].{}", i, field);
      return Status::bad_input(fmt::format("{}: {}", name, message), Location{{}, 0, 0, name});
    };
    for (const auto& [field, value] : {std::pair{"actor", &e.actor}, std::pair{"role", &e.role}}) {
      Status text = check_text(*value, fmt::format("the {}", field));
      if (!text) return field_error(field, text.message());
    }
    if (!model::parse_event_kind(e.kind)) {
      return field_error("kind", fmt::format("'{}' is not an event kind (inject, report, decision, contact, "
                                             "evidence, note, observation, control)",
                                             e.kind));
    }
    Status text = check_text(e.payload, "the payload");
    if (!text) return field_error("payload", text.message());
    nlohmann::json parsed = nlohmann::json::parse(e.payload, nullptr, false);
    if (parsed.is_discarded()) return field_error("payload", "is not JSON");
    if (!parsed.is_object()) {
      return field_error("payload", fmt::format("must be a JSON object, not {}", parsed.type_name()));
    }
    std::string canonical;
    try {
      canonical = model::canonical_json(parsed);
    } catch (const nlohmann::json::exception&) {
      return field_error("payload", "is not valid UTF-8");
    }
    if (canonical != e.payload) {
      return field_error("payload",
                         "is not in canonical form (keys sorted, no spaces, UTF-8 as is; model::canonical_json)");
    }
  }
  return Status::ok();
}

Status exercise_append_allowed(const std::string& id, model::ExerciseState state, std::int64_t last_seq,
                               std::int64_t expected_last_seq, const std::vector<model::NewExerciseEvent>& events,
                               std::optional<model::ExerciseState> new_state) {
  if (state == model::ExerciseState::kEnded) {
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (events[i].kind != model::to_string(model::EventKind::kObservation)) {
        return Status::conflict(
            fmt::format("exercise '{}' has ended; only observation events can be added, not '{}' (events[{}])", id,
                        events[i].kind, i),
            Location{{}, 0, 0, fmt::format("events[{}].kind", i)});
      }
    }
    if (new_state && *new_state != model::ExerciseState::kEnded) {
      return Status::conflict(
          fmt::format("exercise '{}' has ended and cannot become {}", id, model::to_string(*new_state)));
    }
  }
  if (last_seq != expected_last_seq) {
    return Status::conflict(fmt::format(
        "exercise '{}': stale log position: the log ends at event {}, not {} (another writer came first; read the "
        "new events and try again)",
        id, last_seq, expected_last_seq));
  }
  return Status::ok();
}

Timestamp event_time(Timestamp now, const Timestamp& last_at) {
  if (!last_at.empty() && last_at >= now) return timestamp_after(last_at);
  return now;
}

std::vector<model::ExerciseEvent> chain_events(const std::vector<model::NewExerciseEvent>& events,
                                               std::int64_t last_seq, const std::string& last_hash,
                                               const Timestamp& at) {
  std::vector<model::ExerciseEvent> out;
  out.reserve(events.size());
  std::string prev = last_hash.empty() ? std::string(model::k_genesis_hash) : last_hash;
  for (const auto& n : events) {
    model::ExerciseEvent e;
    e.seq = ++last_seq;
    e.at = at;
    e.scenario_ms = n.scenario_ms;
    e.actor = n.actor;
    e.role = n.role;
    e.kind = n.kind;
    e.payload = n.payload;
    e.prev_hash = prev;
    e.hash = model::event_hash(prev, e);
    prev = e.hash;
    out.push_back(std::move(e));
  }
  return out;
}

// --- restore_campaign --------------------------------------------------------------

Result<RestorePlan> plan_restore(const CampaignBundle& bundle, const StoredState& stored) {
  const CampaignRecord& c = bundle.campaign;
  KUNREN_RETURN_IF_ERROR(campaign_values_ok(c));
  if (stored.campaign_exists) return Status::conflict(fmt::format("campaign '{}' already exists", c.id));
  for (const auto& [field, value] : {std::pair{"created_at", &c.created_at}, std::pair{"updated_at", &c.updated_at}}) {
    KUNREN_RETURN_IF_ERROR(check_text(*value, fmt::format("campaign '{}': the {}", c.id, field)));
  }
  const ChecklistRecord& cr = bundle.checklist;
  if (cr.id != c.checklist_id || cr.version != c.checklist_version) {
    return Status::bad_input(
        fmt::format("campaign '{}' answers checklist '{}' version '{}' but the bundle holds '{}' "
                    "version '{}'",
                    c.id, c.checklist_id, c.checklist_version, cr.id, cr.version));
  }
  RestorePlan plan;
  Result<std::shared_ptr<const model::Checklist>> checklist = Status::internal("no checklist");
  if (stored.checklist) {
    if (stored.checklist->sha256 != cr.sha256) {
      return Status::conflict(
          fmt::format("checklist '{}' version '{}' is already registered with other content", cr.id, cr.version));
    }
    // The stored record, never the bundle's copy: only the hash was compared.
    checklist = checklist_of(*stored.checklist);
  } else {
    KUNREN_RETURN_IF_ERROR(check_text(cr.id, "the bundle's checklist id"));
    KUNREN_RETURN_IF_ERROR(check_text(cr.version, fmt::format("checklist '{}': the version", cr.id)));
    KUNREN_RETURN_IF_ERROR(
        check_text(cr.content, fmt::format("checklist '{}' version '{}': the content", cr.id, cr.version), true));
    KUNREN_RETURN_IF_ERROR(checklist_record_ok(cr));  // the hash of the content, before it is parsed
    plan.checklist_added = true;
    checklist = checklist_of(cr);
  }
  if (!checklist) return checklist.status();

  KUNREN_RETURN_IF_ERROR(check_orgs(bundle.orgs));
  for (const auto& o : bundle.orgs) {
    KUNREN_RETURN_IF_ERROR(check_text(o.pseudonym, fmt::format("organisation '{}': the pseudonym", o.id)));
    KUNREN_RETURN_IF_ERROR(check_text(o.created_at, fmt::format("organisation '{}': the created_at", o.id)));
  }
  std::set<std::string_view> bundle_orgs;
  for (const auto& o : bundle.orgs) bundle_orgs.insert(o.id);
  std::set<std::string_view> stored_orgs;
  for (const auto& o : stored.orgs) stored_orgs.insert(o.id);

  std::map<std::int64_t, std::size_t> import_pos;  // bundle's import id → position in bundle.imports
  for (std::size_t i = 0; i < bundle.imports.size(); ++i) {
    const auto& imp = bundle.imports[i];
    if (!import_pos.emplace(imp.id, i).second) {
      return Status::bad_input(fmt::format("campaign '{}': import {} appears more than once", c.id, imp.id));
    }
    for (const auto& [field, value] : {std::pair{"filename", &imp.filename}, std::pair{"sha256", &imp.sha256},
                                       std::pair{"actor", &imp.actor}, std::pair{"at", &imp.at}}) {
      KUNREN_RETURN_IF_ERROR(check_text(*value, fmt::format("campaign '{}': import {}: the {}", c.id, imp.id, field)));
    }
  }

  std::set<std::pair<std::string_view, int>> numbers;
  std::set<std::string> revision_orgs;
  plan.import_of.reserve(bundle.revisions.size());
  for (const auto& r : bundle.revisions) {
    if (bundle_orgs.count(r.org) == 0 && stored_orgs.count(r.org) == 0) return org_not_found(r.org);
    if (r.no < 1 || !numbers.insert({r.org, r.no}).second) {
      return Status::bad_input(fmt::format(
          "campaign '{}': organisation '{}' has revision number {} twice or out of range", c.id, r.org, r.no));
    }
    auto imp = import_pos.end();
    if (r.import_id != 0 && (imp = import_pos.find(r.import_id)) == import_pos.end()) {
      return Status::bad_input(
          fmt::format("campaign '{}': a revision of organisation '{}' names import {}, which the bundle lacks", c.id,
                      r.org, r.import_id));
    }
    for (const auto& [field, value] : {std::pair{"author", &r.author}, std::pair{"created_at", &r.created_at}}) {
      KUNREN_RETURN_IF_ERROR(check_text(
          *value, fmt::format("campaign '{}': revision {} of organisation '{}': the {}", c.id, r.no, r.org, field)));
    }
    KUNREN_RETURN_IF_ERROR(check_new_revision(**checklist, NewRevision{r.org, r.state, r.answers}));
    plan.import_of.push_back(imp == import_pos.end() ? RestorePlan::k_no_import : imp->second);
    revision_orgs.insert(r.org);
  }
  plan.revision_orgs.assign(revision_orgs.begin(), revision_orgs.end());

  const std::set<std::string_view> coordinators_here(stored.coordinators.begin(), stored.coordinators.end());
  for (const auto& login : normalized_ids(c.coordinators)) {
    (coordinators_here.count(login) > 0 ? plan.coordinators : plan.skipped_coordinators).push_back(login);
  }

  // Organisations new to this store keep their pseudonym unless another
  // organisation here already has it.
  std::vector<model::Organization> all;
  std::set<std::string> used;
  for (const auto& o : stored.orgs) {
    all.push_back({o.id, o.name, o.industry, o.size, o.pseudonym});
    used.insert(o.pseudonym);
  }
  const std::size_t old_count = all.size();
  for (const auto& o : bundle.orgs) {
    if (stored_orgs.count(o.id) > 0) continue;
    std::string pseudonym = used.insert(o.pseudonym).second ? o.pseudonym : std::string();
    all.push_back({o.id, o.name, o.industry, o.size, pseudonym});
    plan.new_orgs.push_back(OrgRecord{o.id, o.name, o.industry, o.size, {}, o.created_at});
  }
  model::assign_pseudonyms(all);
  for (std::size_t i = 0; i < plan.new_orgs.size(); ++i) plan.new_orgs[i].pseudonym = all[old_count + i].pseudonym;
  return plan;
}

nlohmann::json restore_audit_detail(const CampaignBundle& bundle, const RestorePlan& plan) {
  nlohmann::json detail{{"checklist_added", plan.checklist_added},
                        {"orgs_added", plan.new_orgs.size()},
                        {"imports", bundle.imports.size()},
                        {"revisions", bundle.revisions.size()}};
  if (!bundle.campaign.coordinators.empty()) {
    detail["coordinators"] = plan.coordinators;
    detail["coordinators_skipped"] = plan.skipped_coordinators;
  }
  return detail;
}

// --- preparedness records --------------------------------------------------------

Status org_document_kind_ok(const std::string& kind) {
  if (model::parse_prep_kind(kind)) return Status::ok();
  KUNREN_RETURN_IF_ERROR(check_text(kind, "the record kind"));
  std::string known;
  for (model::PrepKind k : model::all_prep_kinds()) known += (known.empty() ? "" : ", ") + std::string(to_string(k));
  return Status::bad_input(fmt::format("'{}' is not a kind of preparedness record ({})", kind, known),
                           Location{{}, 0, 0, "kind"});
}

Status org_document_values_ok(const std::string& org, const std::string& kind, int expected_no,
                              const std::string& content) {
  KUNREN_RETURN_IF_ERROR(check_text(org, "an organisation id"));
  KUNREN_RETURN_IF_ERROR(org_document_kind_ok(kind));
  KUNREN_RETURN_IF_ERROR(check_text(content, fmt::format("the {} record's content", kind), true));
  const auto parsed = nlohmann::json::parse(content, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Status::bad_input(fmt::format("organisation '{}': the {} record's content is not a JSON object", org, kind),
                             Location{{}, 0, 0, "content"});
  }
  if (expected_no < 0) {
    return Status::bad_input(
        fmt::format("organisation '{}': the {} record cannot be based on revision {}", org, kind, expected_no),
        Location{{}, 0, 0, "expected_no"});
  }
  return Status::ok();
}

Status org_document_stale(const std::string& org, const std::string& kind, int latest_no, int expected_no) {
  if (latest_no == expected_no) return Status::ok();
  return Status::conflict(
      fmt::format("organisation '{}': the {} record is stale: revision {} is the latest, this save was based on {} "
                  "(someone else saved in between; reload it and save again)",
                  org, kind, latest_no, expected_no),
      Location{{}, 0, 0, "expected_no"});
}

Status org_document_not_found(const std::string& org, const std::string& kind, int no) {
  return Status::not_found(fmt::format("organisation '{}' has no revision {} of its {} record", org, no, kind));
}

std::string org_document_object_id(const std::string& org, const std::string& kind) { return org + "/" + kind; }

// --- campaign documents, signing keys, packages ---------------------------------------

const std::vector<std::string>& campaign_document_kinds() {
  static const std::vector<std::string> k_kinds = {"publication"};
  return k_kinds;
}

Status campaign_document_kind_ok(const std::string& kind) {
  for (const auto& k : campaign_document_kinds()) {
    if (k == kind) return Status::ok();
  }
  KUNREN_RETURN_IF_ERROR(check_text(kind, "the document kind"));
  return Status::bad_input(fmt::format("'{}' is not a kind of campaign document (publication)", kind),
                           Location{{}, 0, 0, "kind"});
}

Status campaign_document_values_ok(const std::string& campaign, const std::string& kind, int expected_no,
                                   const std::string& content) {
  KUNREN_RETURN_IF_ERROR(check_text(campaign, "a campaign id"));
  KUNREN_RETURN_IF_ERROR(campaign_document_kind_ok(kind));
  KUNREN_RETURN_IF_ERROR(check_text(content, fmt::format("the campaign's {} document", kind), true));
  const auto parsed = nlohmann::json::parse(content, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Status::bad_input(fmt::format("campaign '{}': the {} document is not a JSON object", campaign, kind),
                             Location{{}, 0, 0, "content"});
  }
  if (expected_no < 0) {
    return Status::bad_input(
        fmt::format("campaign '{}': the {} document cannot be based on revision {}", campaign, kind, expected_no),
        Location{{}, 0, 0, "expected_no"});
  }
  return Status::ok();
}

Status campaign_document_stale(const std::string& campaign, const std::string& kind, int latest_no, int expected_no) {
  if (latest_no == expected_no) return Status::ok();
  return Status::conflict(
      fmt::format("campaign '{}': the {} settings are stale: revision {} is the latest, this save was based on {} "
                  "(someone else saved in between; reload and save again)",
                  campaign, kind, latest_no, expected_no),
      Location{{}, 0, 0, "expected_no"});
}

namespace {

bool is_lower_hex(const std::string& s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool is_base64_key(const std::string& s) {
  if (s.size() != 44 || s[43] != '=') return false;
  for (std::size_t i = 0; i < 43; ++i) {
    const char c = s[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/')) {
      return false;
    }
  }
  return true;
}

}  // namespace

Status org_key_values_ok(const OrgKey& key) {
  KUNREN_RETURN_IF_ERROR(check_text(key.org, "an organisation id"));
  if (!is_lower_hex(key.key_id, 16)) {
    return Status::bad_input(fmt::format("'{}' is not a key id (16 lower-case hex digits)", key.key_id),
                             Location{{}, 0, 0, "key_id"});
  }
  if (!is_base64_key(key.public_key)) {
    return Status::bad_input("the public key is not the base64 of a 32-byte Ed25519 key (44 characters)",
                             Location{{}, 0, 0, "public_key"});
  }
  return Status::ok();
}

Status org_key_exists(const std::string& key_id) {
  return Status::conflict(fmt::format("key {} is already registered", key_id), Location{{}, 0, 0, "key_id"});
}

Status org_key_not_found(const std::string& org, const std::string& key_id) {
  return Status::not_found(fmt::format("organisation '{}' has no key {}", org, key_id), Location{{}, 0, 0, "key_id"});
}

Status org_key_revoked(const std::string& org, const std::string& key_id) {
  return Status::conflict(fmt::format("key {} of organisation '{}' is already revoked", key_id, org),
                          Location{{}, 0, 0, "key_id"});
}

Status new_package_ok(const NewPackage& p) {
  KUNREN_RETURN_IF_ERROR(check_text(p.campaign, "the package's campaign"));
  KUNREN_RETURN_IF_ERROR(check_text(p.org, "the package's organisation"));
  KUNREN_RETURN_IF_ERROR(check_text(p.filename, "the package's file name"));
  if (!is_lower_hex(p.sha256, 64)) {
    return Status::bad_input("the package's sha256 is not 64 lower-case hex digits", Location{{}, 0, 0, "sha256"});
  }
  if (!is_lower_hex(p.key_id, 16)) {
    return Status::bad_input("the package's key id is not 16 lower-case hex digits", Location{{}, 0, 0, "key_id"});
  }
  auto t = parse_timestamp(p.created_at);
  if (!t || *t != p.created_at) {
    return Status::bad_input(fmt::format("the package's time '{}' is not a canonical UTC time", p.created_at),
                             Location{{}, 0, 0, "created_at"});
  }
  std::unordered_set<std::string> items;
  for (const auto& a : p.answers) {
    if (!items.insert(a.item).second) {
      return Status::bad_input(fmt::format("the package answers item '{}' twice", a.item), Location{{}, 0, 0, a.item});
    }
  }
  return Status::ok();
}

Status package_replayed(const NewPackage& p, const PackageRecord& earlier) {
  return Status::conflict(
      fmt::format("replayed package: organisation '{}' already submitted a package made at {} (imported {}), "
                  "and this one was made at {}; only a newer package replaces it",
                  p.org, earlier.created_at, earlier.imported_at, p.created_at),
      Location{p.filename, 0, 0, "manifest.created_at"});
}

}  // namespace kunren::store
