#include <kunren/store/publication.hpp>

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include <kunren/analysis/redact.hpp>
#include <kunren/store/redaction_terms.hpp>

namespace kunren::store {
namespace {

using nlohmann::json;

constexpr const char* k_kind = "publication";

std::string random_key() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  sodium_memzero(bytes, sizeof bytes);
  return hex;
}

std::string content_of(const PublicationSettings& s) {
  return json{{"tlp", s.tlp}, {"words", s.words}, {"excluded", s.excluded}, {"key", s.key}}.dump();
}

Result<PublicationSettings> settings_of(const CampaignDocument& d) {
  const json j = json::parse(d.content, nullptr, false);
  if (!j.is_object() || !j.contains("key") || !j["key"].is_string()) {
    return Status::internal(fmt::format("campaign '{}': publication settings revision {} is damaged", d.campaign, d.no));
  }
  PublicationSettings s;
  s.no = d.no;
  s.tlp = j.value("tlp", "");
  s.words = j.value("words", "");
  if (j.contains("excluded") && j["excluded"].is_array()) {
    for (const auto& e : j["excluded"]) {
      if (e.is_string()) s.excluded.push_back(e.get<std::string>());
    }
  }
  s.key = j["key"].get<std::string>();
  s.author = d.author;
  s.updated_at = d.created_at;
  return s;
}

bool is_quote_id(const std::string& id) {
  if (id.size() < 3 || id.compare(0, 2, "Q-") != 0) return false;
  return std::all_of(id.begin() + 2, id.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
}

}  // namespace

Result<PublicationSettings> publication_settings(Store& db, const std::string& campaign, const Actor& actor) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto latest = db.latest_campaign_document(campaign, k_kind);
    if (!latest) return latest.status();
    if (*latest) return settings_of(**latest);
    PublicationSettings fresh;
    fresh.key = random_key();
    auto written = db.append_campaign_document(campaign, k_kind, 0, content_of(fresh), actor);
    if (written) return settings_of(*written);
    // Another request made revision 1 first: read it.
    if (written.status().kind() != ErrorKind::kConflict) return written.status();
  }
  return Status::conflict(fmt::format("campaign '{}': the publication settings keep changing; try again", campaign));
}

Result<PublicationSettings> save_publication_settings(Store& db, const std::string& campaign, int base_no,
                                                      const std::string& tlp, const std::string& words,
                                                      std::vector<std::string> excluded, const Actor& actor) {
  if (!tlp.empty() && !analysis::valid_tlp(tlp)) {
    return Status::bad_input(fmt::format("'{}' is not a TLP marking (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)", tlp),
                             Location{{}, 0, 0, "tlp"});
  }
  if (auto parsed = analysis::parse_word_list(words, "words"); !parsed) {
    Location where = parsed.status().where();
    where.field = "words";
    // The API shows the message alone: it names the line itself.
    const std::string line = where.line > 0 ? fmt::format("line {}: ", where.line) : std::string();
    return Status::bad_input(line + parsed.status().message(), where);
  }
  for (const auto& id : excluded) {
    if (!is_quote_id(id)) {
      return Status::bad_input(fmt::format("'{}' is not a quote id (Q-…)", id), Location{{}, 0, 0, "excluded"});
    }
  }
  std::sort(excluded.begin(), excluded.end());
  excluded.erase(std::unique(excluded.begin(), excluded.end()), excluded.end());
  auto current = publication_settings(db, campaign, actor);
  if (!current) return current.status();
  PublicationSettings next = *current;
  next.tlp = tlp;
  next.words = words;
  next.excluded = std::move(excluded);
  auto written = db.append_campaign_document(campaign, k_kind, base_no, content_of(next), actor);
  if (!written) return written.status();
  return settings_of(*written);
}

Result<analysis::PublishResult> publish_campaign(Store& db, const CampaignRecord& campaign,
                                                 const PublicationSettings& settings, analysis::Analysis& a,
                                                 const std::string& lang) {
  auto terms = redaction_terms(db);
  if (!terms) return terms.status();
  auto words = analysis::parse_word_list(settings.words, "words");
  if (!words) return words.status();
  terms->insert(terms->end(), std::make_move_iterator(words->begin()), std::make_move_iterator(words->end()));
  const analysis::Redactor redactor(std::move(terms).value(), lang);
  analysis::PublishOptions o;
  o.tlp = settings.tlp;
  o.min_group = static_cast<std::uint32_t>(std::max(1, campaign.min_group));
  o.key = settings.key;
  o.excluded = std::set<std::string>(settings.excluded.begin(), settings.excluded.end());
  o.redactor = &redactor;
  o.lang = lang;
  o.campaign = campaign.id;
  return analysis::publish(a, o);
}

}  // namespace kunren::store
