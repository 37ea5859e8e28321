// Organisations and their checklist answers, as imported from files (and,
// later, read from the store).
//
// ResponseSet is a dense matrix: one byte per (organisation, item) holding the
// chosen choice number 1..k, or 0 for "no answer". 100,000 organisations × 75
// items take 7.5 MB. Comments are kept apart because most cells have none.
// Thread safety: a value type; no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kunren::model {

struct Organization {
  std::string id;         // as written in the files ("org" column)
  std::string name;       // display name; never published
  std::string industry;   // free text, e.g. 化学 / chemicals
  std::string size;       // size band, free text
  std::string pseudonym;  // stable publishing code ("A", "B", … "AA"); see assign_pseudonyms
};

struct Comment {
  std::uint32_t org = 0;   // index into ResponseSet::orgs
  std::uint32_t item = 0;  // index into Checklist::items
  std::string text;
};

constexpr std::uint8_t k_no_answer = 0;

struct ResponseSet {
  std::vector<Organization> orgs;
  std::size_t item_count = 0;
  std::vector<std::uint8_t> answers;  // orgs.size() * item_count, row-major by org
  std::vector<Comment> comments;      // in file order

  std::uint8_t answer(std::size_t org, std::size_t item) const { return answers[org * item_count + item]; }
  std::uint8_t& answer(std::size_t org, std::size_t item) { return answers[org * item_count + item]; }
};

// Gives every organisation without one a pseudonym code ("A".."Z", "AA"…),
// ordered by a hash of the organisation id so that the code says nothing about
// the name or the file order, and stays the same when the same organisations
// are analysed again. Existing pseudonyms are kept and never reused.
void assign_pseudonyms(std::vector<Organization>& orgs);

// "A", "B", … "Z", "AA", "AB", … for 0, 1, … (spreadsheet column style).
std::string pseudonym_code(std::size_t index);

}  // namespace kunren::model
