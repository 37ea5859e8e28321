#include <kunren/analysis/publish.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <set>
#include <thread>
#include <utility>

#include <fmt/format.h>

namespace kunren::analysis {

bool valid_tlp(std::string_view tlp) {
  return tlp.empty() || tlp == "CLEAR" || tlp == "GREEN" || tlp == "AMBER" || tlp == "AMBER+STRICT" || tlp == "RED";
}

Result<PublishResult> publish(Analysis& a, const PublishOptions& o) {
  if (!valid_tlp(o.tlp))
    return Status::bad_input(
        fmt::format("unknown TLP marking \"{}\" (expected CLEAR, GREEN, AMBER, AMBER+STRICT or RED)", o.tlp),
        Location{"", 0, 0, "tlp"});
  if (o.min_group < 1)
    return Status::bad_input("the minimum group size k must be at least 1", Location{"", 0, 0, "min_group"});
  if (a.organizations < o.min_group) {
    const std::string who = o.campaign.empty()
                                ? fmt::format("the responses have {}", a.organizations)
                                : fmt::format("campaign {} has {} submitted", o.campaign, a.organizations);
    return Status::conflict(
        fmt::format("{} organisations, fewer than the minimum group size {}: nothing is published", who, o.min_group));
  }
  for (const auto& item : a.items)
    for (const auto& q : item.comments)
      if (!q.id.empty()) return Status::conflict("the analysis has been published already");

  Disclosure d = a.disclosure.value_or(Disclosure{});
  d.tlp = o.tlp;
  d.min_group = o.min_group;
  d.quotes_published = d.quotes_redacted = d.quotes_excluded = 0;
  d.redactions.clear();
  std::erase_if(d.suppressed, [](const Suppression& s) { return s.scope == "quotes"; });

  // Ids and redactions first, on every core: each quote is independent, and
  // a large campaign carries over a million of them (about 14 µs each).
  struct Work {
    const std::string* item;
    const Quote* quote;
    std::string id;
    RedactResult red;
  };
  std::vector<Work> work;
  for (const auto& item : a.items)
    for (const auto& q : item.comments) work.push_back({&item.id, &q, {}, {}});
  const std::size_t threads =
      std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, std::max<std::size_t>(1, work.size() / 512));
  std::atomic<bool> failed{false};
  auto run = [&](std::size_t first) {
    try {
      for (std::size_t k = first; k < work.size(); k += threads) {
        Work& w = work[k];
        w.id = quote_id(o.key, *w.item, w.quote->org, w.quote->text);
        w.red = o.redactor ? o.redactor->redact(w.quote->text) : redact_patterns(w.quote->text, o.lang);
      }
    } catch (const std::exception&) {
      failed = true;
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(run, t);
  run(0);
  for (auto& t : pool) t.join();
  if (failed) return Status::internal("computing the quote ids failed (HMAC-SHA256)");

  PublishResult result;
  std::set<std::string> seen;
  std::size_t next = 0;
  for (auto& item : a.items) {
    std::vector<Quote> kept;
    kept.reserve(item.comments.size());
    const std::size_t first_review = result.quotes.size();
    for (auto& q : item.comments) {
      Work& w = work[next++];
      ReviewQuote r;
      r.id = std::move(w.id);
      r.item = item.id;
      RedactResult& red = w.red;
      r.redacted = std::move(red.text);
      r.redactions = std::move(red.counts);
      r.excluded = o.excluded.count(r.id) > 0;
      if (!o.excluded.empty()) seen.insert(r.id);  // only to name unknown exclusions
      if (r.excluded) {
        ++d.quotes_excluded;
      } else {
        ++d.quotes_published;
        if (!r.redactions.empty()) ++d.quotes_redacted;
        for (const auto& [kind, n] : r.redactions) d.redactions[kind] += n;
        kept.push_back(Quote{"", r.redacted, r.id});
      }
      r.original = std::move(q.text);
      result.quotes.push_back(std::move(r));
    }
    std::stable_sort(kept.begin(), kept.end(), [](const Quote& x, const Quote& y) { return x.id < y.id; });
    item.comments = std::move(kept);
    std::stable_sort(result.quotes.begin() + static_cast<std::ptrdiff_t>(first_review), result.quotes.end(),
                     [](const ReviewQuote& x, const ReviewQuote& y) { return x.id < y.id; });
    for (std::size_t k = first_review; k < result.quotes.size(); ++k)
      if (result.quotes[k].excluded) d.suppressed.push_back({"quotes", result.quotes[k].id, "excluded", "suppressed"});
  }
  for (const auto& id : o.excluded)
    if (!seen.count(id)) result.unknown_excluded.push_back(id);
  a.disclosure = std::move(d);
  return result;
}

}  // namespace kunren::analysis
