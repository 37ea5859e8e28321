// The names publishing must redact, gathered from the store
// (analysis/redact.hpp, analysis/publish.hpp): every organisation's name and
// id, every user's display name (not the login: often an ordinary word), and from each organisation's
// latest preparedness records the contact tree (entry names: people, or
// organisations when external; an external entry's organisation field) and
// the PoC sheet (reporter's and deputy's names and organisations, the plant
// as a site, the vendors of its control systems).
//
// The texts of the starting contact tree (model::prep_template: 工場長,
// JPCERT/CC, （ベンダー名）…) are posts and placeholders, not names, and are
// left out. Terms come back without duplicates (same text and kind), in the
// order found. A stored record that cannot be read is an error rather than
// skipped: skipping it would publish its names. Uses the Store interface
// only. Thread safety: as the Store (one thread at a time).
#pragma once

#include <vector>

#include <kunren/analysis/redact.hpp>
#include <kunren/store/store.hpp>
#include <kunren/util/status.hpp>

namespace kunren::store {

Result<std::vector<analysis::RedactTerm>> redaction_terms(Store& db);

}  // namespace kunren::store
