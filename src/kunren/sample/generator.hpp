// Synthetic sample campaign: fictional organisations and their checklist
// answers, believable enough for `make demo` (40 organisations) and large
// enough for the benchmarks (10,000 and 100,000 organisations).
//
// Output is a pure function of the options and the checklist. The same seed
// gives byte-identical output on every run and platform: numbers come from a
// fixed PRNG (splitmix64 + xoshiro256**) through integer arithmetic only — no
// <random> distributions, no floating point. Organisation i's answers (0-based)
// depend only on (seed, i) and the checklist, its comments also on the
// organisations before it (see below), never on how many organisations there
// are, so a 100-organisation campaign starts with the same rows as the
// 40-organisation demo (only the id padding may differ).
//
// The model behind the answers (tuned for the built-in factory-ir checklist
// but usable with any checklist):
//   - each organisation has a latent maturity: random, a little higher for
//     larger size bands and some industries;
//   - each section has a difficulty mirroring the published findings (DOMAIN.md
//     §3): preparation, first response and the PoC fairly strong; situation
//     picture, continue/restart criteria, evidence, health check and outside
//     coordination weak; unknown sections are neutral;
//   - an organisation × section effect and an item effect (from the item id)
//     make answers correlate within an organisation and within a section;
//   - latent score → level (good / partial / poor) → the item's choice of that
//     level (the nearest level when the item has none);
//   - scenario reach: about a fifth of the drills stop around the middle-late
//     implementation phases; items of later phases that have an na choice are
//     then answered na; na also appears occasionally elsewhere, more often in
//     later phases;
//   - about 1.3% blank cells, including a few organisations that leave one
//     whole section blank;
//   - with comments, about 20% of cells carry an evaluator's analysis comment
//     from data/sample/comments.yaml, chosen by item (else section) and answer
//     level. Within one item and level, no text is given to a second
//     organisation until every text of that list has been used (then the list
//     refills); a list shared by several items (a section's) also avoids
//     repeating a text within one organisation while it can.
//
// data/sample/comments.yaml (embedded in the binary):
//   items:
//     <item id>:                  # e.g. IMP-P3-01 (the built-in checklist's ids)
//       good: [text, …]           # per level: good / partial / poor (/ na)
//       partial: […]
//       poor: […]
//   comments:
//     <section id>:               # e.g. p3-situation; "default" for all others
//       good: [text, …]           # one list per level: good / partial / poor / na
//       partial: […]
//       poor: […]
//       na: […]
//   For item I of section S answered at level L: items[I][L], else
//   comments[S][L], else comments.default[L] (missing or empty lists are
//   skipped). Each list holds at most 64 texts.
//
// Thread safety: the functions share no state; call them from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <vector>

#include <kunren/model/checklist.hpp>
#include <kunren/model/responses.hpp>
#include <kunren/util/status.hpp>

namespace kunren::sample {

struct SampleOptions {
  std::size_t orgs = 40;   // number of organisations (default 40)
  std::uint64_t seed = 1;  // same seed → byte-identical output (default 1)
  bool comments = true;    // write Japanese analysis comments in ~20% of cells (default true)
};

// The six industries of the sample campaign, in their rotation order.
inline constexpr const char* k_industries[] = {"化学", "鉄鋼", "電機・精密", "医薬品", "自動車", "機械"};
// The size bands, smallest first.
inline constexpr const char* k_size_bands[] = {"300人未満", "300〜999人", "1000〜4999人", "5000人以上"};

// Organisations "ORG-0001", "ORG-0002", … (zero-padded to max(4, digits of
// options.orgs) so that ids sort in order), with fictional company + plant
// names, an industry and a size band. Pseudonyms are left empty.
std::vector<model::Organization> sample_organizations(const SampleOptions& options);

// Writes the long responses CSV: UTF-8 without BOM, LF line ends, header
// "org,item,choice,comment", then one row per (organisation, item) in
// organisation order, then checklist item order. choice is the choice number
// or empty (no answer); comment is empty or one analysis comment, quoted per
// RFC 4180 when it holds a comma, a double quote or a line break.
// Errors: a checklist with no items, or an item without choices → bad_input;
// the stream failing → io_error (part of the output may have been written).
// Output is written in large chunks; `out` needs no buffering of its own.
Status write_sample_responses(const model::Checklist& checklist, const SampleOptions& options,
                              std::ostream& out);

// Writes the orgs CSV: header "org,name,industry,size", one row per
// organisation of sample_organizations(options). Stream failure → io_error.
Status write_sample_orgs(const SampleOptions& options, std::ostream& out);

// The latent maturity the generator gave organisation `index` (0-based), in
// standard deviations of the population (roughly -2 … +2; higher = better
// answers). For tests and for explaining the demo; never written to a file.
double sample_maturity(const SampleOptions& options, std::size_t index);

}  // namespace kunren::sample
