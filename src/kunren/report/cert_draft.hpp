// The national CERT's ICS incident report, drafted from what Kunren holds
// (DOMAIN.md §7): the organisation's PoC sheet, the drill's records (board,
// decisions, contacts) and its evidence register. Plain text, because the
// CERT's form is plain text.
//
// The form's fields are data, not code: data/cert/ics-incident-report.yaml
// (built in; docs/formats.md "CERT report form") lists the groups and
// fields, each with its labels and the `source` it is filled from. When the
// official form changes, the file changes. A field with no value is marked
// unknown (不明); a field the PoC sheet lists in `withhold` is marked
// withheld (非開示) whatever its value. Attachments list every evidence
// record: file, SHA-256 (or unknown), type, and disclosure ok / redact /
// withhold.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <kunren/exercise/engine.hpp>
#include <kunren/model/preparedness.hpp>
#include <kunren/model/scenario.hpp>
#include <kunren/model/text.hpp>
#include <kunren/util/status.hpp>

namespace kunren::report {

struct CertField {
  std::string id;            // "reporter.name", unique in the form
  model::LocalizedText label;
  std::string source;        // where the value comes from (cert_draft.cpp lists the sources), empty = always unknown
  bool multiline = false;
  std::vector<std::string> options;  // for choice fields such as purpose (the first is the default)
};

struct CertGroup {
  std::string id;
  model::LocalizedText title;
  std::vector<CertField> fields;
};

struct CertForm {
  std::string id, version;
  model::LocalizedText title;
  std::vector<CertGroup> groups;
};

Result<CertForm> parse_cert_form(std::string_view text, const std::string& filename);
const CertForm& builtin_cert_form();

struct CertDraftInput {
  const model::PocSheet* poc = nullptr;        // may be null: every PoC field unknown
  const model::Scenario* scenario = nullptr;
  const exercise::Projection* state = nullptr;
  std::string exercise_id, org_name;
  std::string started_at;       // wall time of the drill's first inject (store format), may be empty
  std::string purpose;          // information | question | coordination (empty: the form's default)
  std::string generated_at;
};

struct CertFieldValue {
  const CertField* field = nullptr;
  std::string value;            // empty when unknown or withheld
  std::string mark;             // "" | "unknown" | "withheld"
};

struct CertDraft {
  std::vector<CertFieldValue> values;   // every field of the form, in form order
  std::vector<std::string> unknown;     // field ids marked unknown, in form order
  std::vector<std::string> withheld;    // field ids marked withheld, in form order
  std::string text;                     // the plain-text draft
};

// `lang`: "ja" or "en".
CertDraft cert_draft(const CertForm& form, const CertDraftInput& input, std::string_view lang);

}  // namespace kunren::report
