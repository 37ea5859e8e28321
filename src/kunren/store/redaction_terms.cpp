#include <kunren/store/redaction_terms.hpp>

#include <set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kunren/model/preparedness.hpp>

namespace kunren::store {

namespace {

// The texts of the starting contact tree in both languages (工場長, Plant
// manager, JPCERT/CC, （ベンダー名）…): posts and placeholders that name
// nobody, kept by many organisations as they are. Redacting them would
// blank out ordinary words in every comment.
const std::set<std::string>& template_texts() {
  static const std::set<std::string> k_texts = [] {
    std::set<std::string> texts;
    for (const char* lang : {"ja", "en"}) {
      auto tree = model::parse_contact_tree(model::prep_template(model::PrepKind::kContactTree, lang));
      if (!tree) continue;
      for (const auto& e : tree->entries) {
        texts.insert(e.name);
        texts.insert(e.organisation);
      }
    }
    return texts;
  }();
  return k_texts;
}

class TermList {
 public:
  void add(const std::string& text, const char* kind) {
    if (text.empty() || template_texts().count(text)) return;
    if (m_seen.emplace(text, kind).second) m_terms.push_back({text, kind});
  }
  std::vector<analysis::RedactTerm> take() { return std::move(m_terms); }

 private:
  std::set<std::pair<std::string, std::string>> m_seen;
  std::vector<analysis::RedactTerm> m_terms;
};

// The latest record of `kind` for `org` as JSON, or null when there is none.
Result<nlohmann::json> latest_json(Store& db, const std::string& org, model::PrepKind kind) {
  auto doc = db.latest_org_document(org, model::to_string(kind));
  if (!doc) return doc.status();
  if (!doc->has_value()) return nlohmann::json();
  auto j = nlohmann::json::parse((*doc)->content, nullptr, false);
  if (j.is_discarded())
    return Status::internal(fmt::format("the stored {} of organisation {} is not JSON", model::to_string(kind), org));
  return j;
}

Status unreadable(const Status& s, const std::string& org, model::PrepKind kind) {
  return Status::internal(
      fmt::format("the stored {} of organisation {} cannot be read: {}", model::to_string(kind), org, s.to_string()));
}

}  // namespace

Result<std::vector<analysis::RedactTerm>> redaction_terms(Store& db) {
  TermList terms;
  auto orgs = db.list_orgs();
  if (!orgs) return orgs.status();
  for (const auto& org : *orgs) {
    terms.add(org.name, "organization");
    terms.add(org.id, "organization");
  }
  auto users = db.list_users();
  if (!users) return users.status();
  for (const auto& user : *users) {
    // Display names only: logins are often ordinary words (operator,
    // production, manager) that would blank sentences, and they are not
    // what people write in comments.
    terms.add(user.display_name, "person");
  }
  for (const auto& org : *orgs) {
    auto tree_json = latest_json(db, org.id, model::PrepKind::kContactTree);
    if (!tree_json) return tree_json.status();
    if (!tree_json->is_null()) {
      auto tree = model::parse_contact_tree(*tree_json);
      if (!tree) return unreadable(tree.status(), org.id, model::PrepKind::kContactTree);
      for (const auto& e : tree->entries) {
        terms.add(e.name, e.external ? "organization" : "person");
        // An outside organisation's name; for an internal entry the field is
        // a department (製造部), which would only blank out ordinary words.
        if (e.external) terms.add(e.organisation, "organization");
      }
    }
    auto poc_json = latest_json(db, org.id, model::PrepKind::kPocSheet);
    if (!poc_json) return poc_json.status();
    if (!poc_json->is_null()) {
      auto poc = model::parse_poc_sheet(*poc_json);
      if (!poc) return unreadable(poc.status(), org.id, model::PrepKind::kPocSheet);
      for (const auto* who : {&poc->reporter, &poc->deputy}) {
        terms.add(who->name, "person");
        terms.add(who->organisation, "organization");
      }
      terms.add(poc->plant, "site");
      for (const auto& system : poc->systems) terms.add(system.vendor, "organization");
    }
  }
  return terms.take();
}

}  // namespace kunren::store
