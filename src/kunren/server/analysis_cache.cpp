#include <kunren/server/analysis_cache.hpp>

#include <kunren/store/publication.hpp>

#include <iterator>
#include <utility>

#include <fmt/format.h>

#include <kunren/report/json_report.hpp>
#include <kunren/store/campaign_data.hpp>
#include <kunren/store/publication.hpp>

namespace kunren::server {

namespace {

// How long an entry answers without being recomputed (the redaction's names
// are not in the fingerprint; see the header).
constexpr std::chrono::seconds k_max_age{60};

// FNV-1a, 64 bits: the same value in every process and on every machine
// (unlike std::hash), so equal states give equal ETags everywhere.
struct Fnv {
  std::uint64_t h = 14695981039346656037ull;
  void bytes(std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;  // a separator no UTF-8 text contains: ("ab","c") ≠ ("a","bc")
    h *= 1099511628211ull;
  }
  void number(std::uint64_t v) {
    for (int i = 0; i < 8; ++i, v >>= 8) {
      h ^= v & 0xff;
      h *= 1099511628211ull;
    }
  }
};

std::string normalized_lang(const std::string& lang) { return lang == "en" ? "en" : "ja"; }

// The memory an analysis holds, roughly: its strings and vectors.
std::size_t estimated_bytes(const analysis::Analysis& a) {
  std::size_t n = sizeof(a) + a.checklist_title.size() + a.sections.size() * sizeof(analysis::SectionResult);
  for (const auto& s : a.sections) n += s.title.size() + s.items.size() * sizeof(std::size_t);
  for (const auto& it : a.items) {
    n += sizeof(it) + it.text.size() + it.choices.size() * sizeof(analysis::ChoiceResult);
    for (const auto& c : it.choices) n += c.label.size();
    for (const auto& q : it.comments) n += sizeof(q) + q.org.size() + q.text.size();
  }
  return n;
}

}  // namespace

AnalysisCache::AnalysisCache(std::size_t capacity, std::size_t max_bytes)
    : m_capacity(capacity == 0 ? 1 : capacity), m_max_bytes(max_bytes) {}

AnalysisCache& AnalysisCache::instance() {
  static AnalysisCache cache;
  return cache;
}

Result<AnalysisCache::Fingerprint> AnalysisCache::fingerprint_of(store::Store& db,
                                                                 const store::CampaignRecord& campaign) {
  // One indexed aggregate instead of every latest revision: revisions are
  // append-only, so an unchanged mark means unchanged answers.
  auto mark = db.submission_mark(campaign.id);
  if (!mark) return mark.status();
  Fingerprint f;
  f.submissions = *mark;
  f.checklist = campaign.checklist_id + '\n' + campaign.checklist_version;
  // The publication settings (TLP, word list, excluded quotes) change what
  // is published as much as a new submission does.
  auto settings = store::publication_settings(db, campaign.id, store::Actor{"system:publication"});
  if (!settings) return settings.status();
  f.publication = settings->no;
  f.min_group = campaign.min_group;
  return f;
}

std::string AnalysisCache::key_of(const store::Store& db, const std::string& campaign, const std::string& lang) {
  std::string key = db.url();
  // Every "memory:" store is a database of its own.
  if (std::string_view(db.backend()) == "memory") key += fmt::format("@{}", static_cast<const void*>(&db));
  key += '\n';
  key += campaign;
  key += '\n';
  key += lang;
  return key;
}

Result<std::shared_ptr<AnalysisCache::Entry>> AnalysisCache::entry(store::Store& db,
                                                                   const store::CampaignRecord& campaign,
                                                                   const std::string& requested_lang) {
  const std::string lang = normalized_lang(requested_lang);
  auto before = fingerprint_of(db, campaign);
  if (!before) return before.status();
  std::string key = key_of(db, campaign.id, lang);
  {
    std::lock_guard lock(m_mutex);
    if (auto it = m_by_key.find(key); it != m_by_key.end() && (*it->second)->fingerprint == *before &&
                                       std::chrono::steady_clock::now() - (*it->second)->computed < k_max_age) {
      m_lru.splice(m_lru.begin(), m_lru, it->second);
      ++m_hits;
      return *it->second;
    }
    ++m_misses;
  }

  // A miss: compute outside the lock.
  auto checklist = store::campaign_checklist(db, campaign);
  if (!checklist) return checklist.status();
  auto responses = store::submitted_responses(db, campaign.id, **checklist);
  if (!responses) return responses.status();
  analysis::AnalysisOptions options;
  options.lang = lang;
  auto e = std::make_shared<Entry>();
  e->computed = std::chrono::steady_clock::now();
  analysis::Analysis pooled = analysis::analyze(**checklist, std::move(responses).value(), options);
  // Published as every output of the campaign is (store/publication.hpp):
  // below k nothing, comments redacted, excluded quotes left out.
  auto settings = store::publication_settings(db, campaign.id, store::Actor{"system:publication"});
  if (!settings) return settings.status();
  if (settings->no != before->publication) return Status::conflict("the publication settings changed; try again");
  auto published = store::publish_campaign(db, campaign, *settings, pooled, lang);
  if (!published) return published.status();
  e->analysis = std::make_shared<const analysis::Analysis>(std::move(pooled));

  // Appends only ever add revisions, so an unchanged set of latest revisions
  // means the answers read above are exactly those of `before`.
  auto after = fingerprint_of(db, campaign);
  if (!after) return after.status();
  if (*after != *before) return e;  // moved meanwhile: answer it, but neither keep nor tag it

  Fnv tag;
  tag.bytes(campaign.id);
  tag.bytes(before->checklist);
  tag.bytes(lang);
  tag.number(static_cast<std::uint64_t>(before->submissions.count));
  tag.number(static_cast<std::uint64_t>(before->submissions.max_id));
  tag.number(static_cast<std::uint64_t>(before->submissions.id_sum));
  tag.number(static_cast<std::uint64_t>(before->publication));
  tag.number(static_cast<std::uint64_t>(before->min_group));
  e->etag = fmt::format("\"a{:016x}\"", tag.h);
  e->key = std::move(key);
  e->fingerprint = std::move(before).value();
  e->bytes = estimated_bytes(*e->analysis) + e->key.size();

  std::lock_guard lock(m_mutex);
  if (auto it = m_by_key.find(e->key); it != m_by_key.end()) drop_locked(it->second);
  m_lru.push_front(e);
  m_by_key.emplace(e->key, m_lru.begin());
  e->held = true;
  m_bytes += e->bytes;
  trim_locked();
  return e;
}

void AnalysisCache::drop_locked(Lru::iterator it) {
  (*it)->held = false;
  m_bytes -= (*it)->bytes;
  m_by_key.erase((*it)->key);
  m_lru.erase(it);
}

void AnalysisCache::trim_locked() {
  // An entry over the whole budget is not kept: it would push out all others.
  for (auto it = m_lru.begin(); it != m_lru.end();) {
    auto next = std::next(it);
    if ((*it)->bytes > m_max_bytes) drop_locked(it);
    it = next;
  }
  // Then the least recently used go first.
  while (!m_lru.empty() && (m_lru.size() > m_capacity || m_bytes > m_max_bytes)) drop_locked(std::prev(m_lru.end()));
}

Result<CachedAnalysis> AnalysisCache::analysis(store::Store& db, const store::CampaignRecord& campaign,
                                               const std::string& lang) {
  auto e = entry(db, campaign, lang);
  if (!e) return e.status();
  return CachedAnalysis{(*e)->analysis, (*e)->etag};
}

Result<CachedResultsJson> AnalysisCache::results_json(store::Store& db, const store::CampaignRecord& campaign,
                                                      const std::string& lang) {
  auto got = entry(db, campaign, lang);
  if (!got) return got.status();
  const std::shared_ptr<Entry>& e = *got;
  {
    std::lock_guard lock(m_mutex);
    if (e->json) return CachedResultsJson{e->json, e->etag};
  }
  auto body = std::make_shared<const std::string>(report::render_json(*e->analysis));
  std::lock_guard lock(m_mutex);
  if (!e->json) {  // else another thread rendered the same bytes first
    e->json = std::move(body);
    if (e->held) {
      e->bytes += e->json->size();
      m_bytes += e->json->size();
      trim_locked();
    }
  }
  return CachedResultsJson{e->json, e->etag};
}

std::uint64_t AnalysisCache::hits() const {
  std::lock_guard lock(m_mutex);
  return m_hits;
}

std::uint64_t AnalysisCache::misses() const {
  std::lock_guard lock(m_mutex);
  return m_misses;
}

std::size_t AnalysisCache::size() const {
  std::lock_guard lock(m_mutex);
  return m_lru.size();
}

std::size_t AnalysisCache::bytes() const {
  std::lock_guard lock(m_mutex);
  return m_bytes;
}

void AnalysisCache::clear() {
  std::lock_guard lock(m_mutex);
  while (!m_lru.empty()) drop_locked(m_lru.begin());
}

}  // namespace kunren::server
