// Small text helpers shared by the HTML and SVG renderers: escaping user data
// for HTML/XML text and attributes, and turning arbitrary ids into safe
// fragment identifiers.
//
// Every label, statement, comment and id that reaches a report is user data;
// renderers pass all of it through html_escape() and never build markup from
// it otherwise. Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace kunren::report {

// Escapes & < > " ' so that the result is safe both as element text and inside
// a double- or single-quoted attribute, in HTML and in XML (standalone SVG).
// C0 control characters other than tab, LF and CR are dropped (XML forbids
// them); bytes that are not valid UTF-8 become U+FFFD.
std::string html_escape(std::string_view text);

// A fragment identifier derived from `raw`: ASCII letters, digits and '-' are
// kept, every other byte becomes "_XX" (hex), so distinct inputs give distinct
// ids and the result needs no escaping. Example: "IMP-P0.01" → "IMP-P0_2E01".
std::string html_id(std::string_view raw);

}  // namespace kunren::report
