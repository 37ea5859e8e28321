// What disclosure control did, said in words (Japanese or English), for
// every published output: the HTML reports, the workbook's summary sheet,
// the JSON's "disclosure" object and the coordinator's review page all print
// the same sentences. Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <kunren/analysis/analysis.hpp>

namespace kunren::report {

// One sentence about one suppression (scope, group, why, what was done).
std::string describe_suppression(const analysis::Suppression& s, std::uint32_t k, const std::string& lang);

// The statement of a published result, line by line: the rule of k, each
// suppression, the comment excerpts published / redacted / excluded, and the
// kinds of words redacted. A result that was not published says so.
std::vector<std::string> disclosure_statement(const analysis::Analysis& a, const std::string& lang);

// "TLP:AMBER" from "AMBER" or "TLP:AMBER"; "" stays "".
std::string tlp_marking(const std::string& tlp);

// The CSS colour of a TLP marking's text on black (RED #FF2B2B, AMBER
// #FFC000, GREEN #33FF00, CLEAR white).
const char* tlp_colour(const std::string& tlp);

// {"tlp", "min_group", "suppressed": [{scope, group, reason, action,
// statement}], "quotes": {"published", "redacted", "excluded"},
// "redactions": {kind: n}, "statement": [lines]}; null when not published.
nlohmann::json disclosure_json(const analysis::Analysis& a, const std::string& lang);

}  // namespace kunren::report
