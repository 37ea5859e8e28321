// The cross-sectional analysis: per item, how many organisations chose each
// option and what share, following the published convention (§3.3 of the
// shared architecture, restated in docs/formats.md):
//
//   n          organisations in the campaign (or in the files)
//   answered   those that chose any choice for the item; unanswered = n − answered
//   percent    count / answered as whole numbers summing to exactly 100 by the
//              largest-remainder method, equal remainders to the higher choice
//   score      mean over answered non-na answers of good=1, partial=0.5, poor=0
//   highlight  not_exercised if na ≥ 50% of answered; else strength if score ≥
//              strength_at; else challenge if score ≤ challenge_at
//
// analyze() works on in-memory model objects only and never touches the store.
// Thread safety: pure function of its inputs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <kunren/model/checklist.hpp>
#include <kunren/model/responses.hpp>

namespace kunren::analysis {

struct AnalysisOptions {
  double strength_at = 0.6;       // score ≥ this → strength (default 0.6)
  double challenge_at = 0.5;      // score ≤ this → challenge (default 0.5)
  double not_exercised_at = 0.5;  // na share of answered ≥ this → not_exercised (default 0.5)
  std::string lang = "ja";        // language of the texts copied into the result (default ja)
};

enum class Highlight { kNone, kStrength, kChallenge, kNotExercised };
const char* to_string(Highlight h);  // "" | "strength" | "challenge" | "not_exercised"

struct ChoiceResult {
  int no = 0;
  std::string label;
  model::Level level = model::Level::kPoor;
  std::uint32_t count = 0;
  int percent = 0;       // whole percent; the item's percents sum to 100 (or all 0)
  double share = 0;      // exact count / answered (0 when answered = 0)
};

struct Quote {
  std::string org;   // the organisation's pseudonym code, never its name or id;
                     // cleared by publishing (analysis/publish.hpp)
  std::string text;  // redacted once published
  std::string id;    // stable quote id ("Q-…") once published; empty before
};

// What disclosure control did to a published result. Filled by publishing
// (analysis/publish.hpp, analysis/disclosure.hpp); every renderer prints the
// TLP marking and a statement of what was suppressed and why from it.
struct Suppression {
  // "campaign" | "segment:industry" | "segment:size" | "crosstab:A×B" | "quotes"
  std::string scope;
  std::string group;         // the group or cell suppressed or merged; "" = the whole scope
  std::string reason;        // "below_k" | "complementary" | "differencing" | "excluded"
  std::string action;        // "suppressed" | "merged_into_other"
};

struct Disclosure {
  std::string tlp;               // "CLEAR" | "GREEN" | "AMBER" | "AMBER+STRICT" | "RED"; "" = none
  std::uint32_t min_group = 3;   // k
  std::vector<Suppression> suppressed;
  std::uint32_t quotes_published = 0;
  std::uint32_t quotes_redacted = 0;   // published quotes with at least one redaction
  std::uint32_t quotes_excluded = 0;   // left out by the coordinator
  // kind ("organization", "site", "person", "word", "email", "phone", "ip", "host") → count
  std::map<std::string, std::uint32_t> redactions;
};

struct ItemResult {
  std::size_t index = 0;  // position in the checklist
  std::string id;
  std::string section;
  model::Category category = model::Category::kImplementation;
  std::string text;
  std::uint32_t n = 0;
  std::uint32_t answered = 0;
  std::uint32_t unanswered = 0;
  std::uint32_t na = 0;   // answers whose choice has level na
  std::vector<ChoiceResult> choices;
  std::optional<double> score;  // none when every answer is na or nobody answered
  Highlight highlight = Highlight::kNone;
  std::vector<Quote> comments;  // ordered by pseudonym
};

struct SectionResult {
  std::string id;
  std::string title;
  model::Category category = model::Category::kImplementation;
  std::vector<std::size_t> items;  // indexes into Analysis::items
  std::optional<double> score;     // mean of the item scores that exist
  double na_share = 0;             // na answers / answers, over the section's items
};

struct Analysis {
  std::string checklist_id;
  std::string checklist_version;
  std::string checklist_title;
  std::uint32_t organizations = 0;
  AnalysisOptions options;
  std::vector<ItemResult> items;        // checklist order
  std::vector<SectionResult> sections;  // checklist order
  // Indexes into items, ranked: strengths best first, challenges worst first;
  // ties keep checklist order.
  std::vector<std::size_t> strengths;
  std::vector<std::size_t> challenges;
  std::vector<std::size_t> not_exercised;
  // Set when the result is published (analysis/publish.hpp): quotes are then
  // redacted and carry ids instead of pseudonyms.
  std::optional<Disclosure> disclosure;
};

// Largest-remainder whole percents of counts over `answered` (the sum of
// counts). Equal remainders go to the higher-numbered choice. All zero when
// answered is 0. REQUIRES: answered == sum(counts).
std::vector<int> whole_percents(const std::vector<std::uint32_t>& counts);

// REQUIRES: responses.item_count == checklist.items.size(); every answer is
// 0 or a valid choice number of its item.
Analysis analyze(const model::Checklist& checklist, const model::ResponseSet& responses,
                 const AnalysisOptions& options = {});
// The same, moving the comment texts out of `responses` instead of copying
// them (a large campaign can carry a million comments).
Analysis analyze(const model::Checklist& checklist, model::ResponseSet&& responses,
                 const AnalysisOptions& options = {});

}  // namespace kunren::analysis
