// The pooled analysis of a campaign's latest submitted revisions, and its
// rendered JSON (`kunren.analysis/1`), computed once per state of the
// campaign and language instead of once per request. What it holds is the
// PUBLISHED analysis (store/publication.hpp: k, redacted comments with quote
// ids, TLP); a campaign below k gives Conflict and nothing is kept.
//
// What the analysis depends on, and so what keys it: the database (its URL;
// for the in-process fake also the Store object, since every "memory:" is
// another database), the campaign, the language, the campaign's checklist
// (id and version: a database never stores two contents under one id and
// version), the revision of its publication settings, k, and the
// campaign's submissions, as a store::SubmissionMark (the number, largest id
// and id sum of its submitted revisions — revisions are immutable and
// append-only, so the same mark means the same latest revisions and the same
// answers; an organisation's pseudonym never changes either). Not in the
// key: the names the redaction takes from organisations, users and contact
// trees, which are too many to fingerprint on every call; so an entry is
// also recomputed once it is older than a minute, and a new name is redacted
// within that. The mark is one indexed aggregate read on every call, so a
// submission made through any Store, in this process or in another one on
// the same database, is seen by the next call: there is nothing to
// invalidate by hand. Only a miss reads the answers, parses the checklist
// (itself cached by content hash) and runs the analysis; a result
// whose state moved while it was computed is returned but not kept.
//
// The entries live in a small LRU (by campaign and language): at most
// `capacity` entries (default 48) and `max_bytes` of estimated memory
// (default 256 MiB: the analysis's texts and comments, and the JSON once
// rendered — a large campaign may carry a million comments). An entry larger
// than the whole budget is returned but not kept. instance() is the one the
// server uses. Returned values are shared and immutable: callers may keep
// them as long as they like, also after their entry is evicted.
// Thread safety: every member function may be called from any thread; a
// Store argument is used by the calling thread only (as the Store contract
// requires). Two threads that miss on the same state both compute it (no
// waiting on each other); the first to finish fills the entry.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <kunren/analysis/analysis.hpp>
#include <kunren/store/store.hpp>
#include <kunren/util/status.hpp>

namespace kunren::server {

struct CachedAnalysis {
  std::shared_ptr<const analysis::Analysis> analysis;
  // A strong HTTP validator of this state and language, quoted ("\"…\""):
  // equal states give equal tags in every process.
  std::string etag;
};

struct CachedResultsJson {
  std::shared_ptr<const std::string> body;  // report::render_json of the analysis
  std::string etag;                         // as CachedAnalysis::etag
};

class AnalysisCache {
 public:
  explicit AnalysisCache(std::size_t capacity = 48, std::size_t max_bytes = std::size_t{256} << 20);
  AnalysisCache(const AnalysisCache&) = delete;
  AnalysisCache& operator=(const AnalysisCache&) = delete;

  // The process-wide cache (the web server's).
  static AnalysisCache& instance();

  // The analysis of `campaign`'s latest submitted revisions (as of now) in
  // `lang` ("ja" or "en"; anything else is "ja"), with the default
  // thresholds — what store::submitted_responses + analysis::analyze give.
  Result<CachedAnalysis> analysis(store::Store& db, const store::CampaignRecord& campaign, const std::string& lang);

  // The same analysis rendered as JSON (rendered once per entry).
  Result<CachedResultsJson> results_json(store::Store& db, const store::CampaignRecord& campaign,
                                         const std::string& lang);

  // Calls answered from an entry / computed; for tests and diagnostics.
  std::uint64_t hits() const;
  std::uint64_t misses() const;
  std::size_t size() const;   // entries held
  std::size_t bytes() const;  // their estimated memory
  void clear();

 private:
  // What the analysis was computed from (besides the key).
  struct Fingerprint {
    std::string checklist;                // id '\n' version
    store::SubmissionMark submissions;    // changes with every submitted revision
    int publication = 0;                  // revision of the publication settings
    int min_group = 0;                    // k
    bool operator==(const Fingerprint&) const = default;
  };
  struct Entry {
    std::string key;
    Fingerprint fingerprint;
    std::string etag;
    std::shared_ptr<const analysis::Analysis> analysis;
    std::shared_ptr<const std::string> json;  // null until first asked for
    std::size_t bytes = 0;                    // estimated memory (analysis, json)
    bool held = false;                        // in m_lru (guarded by m_mutex)
    std::chrono::steady_clock::time_point computed;  // when the analysis was made
  };
  using Lru = std::list<std::shared_ptr<Entry>>;  // most recently used first

  static Result<Fingerprint> fingerprint_of(store::Store& db, const store::CampaignRecord& campaign);
  static std::string key_of(const store::Store& db, const std::string& campaign, const std::string& lang);
  // The entry for this key and fingerprint, computed on a miss.
  Result<std::shared_ptr<Entry>> entry(store::Store& db, const store::CampaignRecord& campaign,
                                       const std::string& lang);
  // Drops any entry over the whole byte budget, then evicts from the least
  // recently used end until within both limits. Caller holds m_mutex.
  void trim_locked();
  void drop_locked(std::list<std::shared_ptr<Entry>>::iterator it);

  const std::size_t m_capacity;
  const std::size_t m_max_bytes;
  mutable std::mutex m_mutex;
  Lru m_lru;
  std::unordered_map<std::string, Lru::iterator> m_by_key;
  std::size_t m_bytes = 0;
  std::uint64_t m_hits = 0;
  std::uint64_t m_misses = 0;
};

}  // namespace kunren::server
