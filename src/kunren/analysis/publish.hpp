// Publishing an analysis (DOMAIN.md §11): the last step before any result
// leaves the coordinator — HTML, XLSX, CSV, JSON or a web page.
//
// publish() refuses a campaign with fewer than k submitted organisations
// (Conflict: nothing is published). Otherwise it rewrites the comment
// excerpts in place: each quote gets a stable id (quote_id over the original
// pseudonym and text, keyed by the campaign's secret), its text is redacted
// (the patterns always; the terms when a Redactor is given), its pseudonym is
// cleared, and the quotes the coordinator excluded are dropped. Each item's
// quotes are then ordered by id, so the order says nothing about who wrote
// them. Analysis::disclosure records the TLP marking, k, the excluded quotes
// and the redaction counts for every renderer to print.
//
// The returned review list holds every quote — excluded ones too, flagged —
// with its original and redacted text, for the coordinator's review page
// only: it must never be published itself.
//
// Thread safety: publish() changes only the Analysis it is given; the
// Redactor is only read.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <kunren/analysis/analysis.hpp>
#include <kunren/analysis/redact.hpp>
#include <kunren/util/status.hpp>

namespace kunren::analysis {

struct PublishOptions {
  std::string tlp;                     // "CLEAR" | "GREEN" | "AMBER" | "AMBER+STRICT" | "RED" | "" (default: none)
  std::uint32_t min_group = 3;         // k, at least 1 (default 3)
  std::string key;                     // HMAC key of the quote ids (default empty: stable but guessable ids)
  std::set<std::string> excluded;      // quote ids the coordinator left out (default none)
  const Redactor* redactor = nullptr;  // terms to redact (default none: patterns only)
  std::string lang = "ja";             // placeholders' language when there is no redactor (default ja)
  std::string campaign;                // for messages; empty = the analysis came from files (default)
};

struct ReviewQuote {
  std::string id;        // "Q-…"
  std::string item;      // checklist item id
  std::string original;  // the text as the organisation wrote it — for the review page only
  std::string redacted;  // what is (or, if excluded, would be) published
  std::map<std::string, std::uint32_t> redactions;  // kind → count
  bool excluded = false;
};

struct PublishResult {
  std::vector<ReviewQuote> quotes;            // every quote, in item order then by id
  std::vector<std::string> unknown_excluded;  // excluded ids that match no quote, sorted (to warn about)
};

// True for "", "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED".
bool valid_tlp(std::string_view tlp);

// Errors, with `a` left unchanged: BadInput naming "tlp" or "min_group";
// Conflict when a.organizations < min_group ("campaign X has N submitted
// organisations, fewer than the minimum group size k: nothing is published",
// or "the responses have N organisations, …" without a campaign); Conflict
// when `a` was published already (its quotes carry ids).
// An existing a.disclosure (e.g. segment suppressions) is kept and completed.
Result<PublishResult> publish(Analysis& a, const PublishOptions& o);

}  // namespace kunren::analysis
