// A campaign's publication settings and the one way its pooled results are
// published (DOMAIN.md §11): the coordinator's TLP marking, word list and
// excluded quotes, kept as append-only revisions of the campaign document
// "publication" (Store::append_campaign_document), plus the secret key of
// the quote ids, made once at random and carried from revision to revision.
//
// publish_campaign() is what every published output of a stored campaign
// goes through — the results API and pages, the report downloads, `kunren
// analyze --campaign`: k from the campaign record (fewer submitted
// organisations publish nothing: Conflict), comments redacted with the
// names the store knows (store/redaction_terms) and the coordinator's word
// list, stable quote ids, excluded quotes left out, the TLP marking set.
//
// Thread safety: as the Store given (one thread at a time).
#pragma once

#include <string>
#include <vector>

#include <kunren/analysis/analysis.hpp>
#include <kunren/analysis/publish.hpp>
#include <kunren/store/store.hpp>
#include <kunren/util/status.hpp>

namespace kunren::store {

struct PublicationSettings {
  int no = 0;                         // revision of the settings (0: none saved by a person yet)
  std::string tlp;                    // "" or one of the five TLP markings
  std::string words;                  // the word list, as the coordinator wrote it (analysis::parse_word_list)
  std::vector<std::string> excluded;  // quote ids left out, sorted
  std::string key;                    // hex; never shown, never in the API
  std::string author;                 // of the revision
  Timestamp updated_at;
};

// The campaign's settings. The first call for a campaign writes revision 1
// with a new random key and nothing else (as `actor`), so that quote ids are
// stable and unguessable from the start.
Result<PublicationSettings> publication_settings(Store& db, const std::string& campaign, const Actor& actor);

// Saves new settings as revision base_no + 1 (Conflict "stale" otherwise),
// keeping the key. BadInput naming the field: "tlp" (not one of the five),
// "words" (the word list's first problem, with its line), "excluded" (not
// "Q-" ids).
Result<PublicationSettings> save_publication_settings(Store& db, const std::string& campaign, int base_no,
                                                      const std::string& tlp, const std::string& words,
                                                      std::vector<std::string> excluded, const Actor& actor);

// Publishes `a` (the analysis of the campaign's submitted revisions) in
// place with these settings and returns every quote for the review page.
Result<analysis::PublishResult> publish_campaign(Store& db, const CampaignRecord& campaign,
                                                 const PublicationSettings& settings, analysis::Analysis& a,
                                                 const std::string& lang);

}  // namespace kunren::store
