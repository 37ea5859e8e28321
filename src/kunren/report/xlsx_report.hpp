// The cross-sectional report as an Excel workbook (.xlsx), written with
// libxlsxwriter, for coordinators who work in Excel:
//
//   概要 / Summary      title, TLP marking, organisations, checklist, strengths,
//                       challenges, items mostly out of scope, section scores and
//                       the disclosure statement (what was suppressed and why)
//   one sheet per section  the per-item table (choices with counts and whole
//                       percents; n, answered, unanswered, score, highlight) and
//                       below it a native pie chart per item whose data labels
//                       are OUR whole percents (custom labels), not Excel's
//   データ / Data        long format, one row per (item, choice), autofilter
//   コメント / Comments  published quotes (id, item, redacted text), only if any
//   ルール / Rules       percent rule, highlight thresholds, minimum group size,
//                       suppression and redaction rules
//
// Every sheet opens with a TLP banner cell and carries the marking in its
// printed header; every sheet prints on A4, fitted to the page width.
// Fixed texts are Japanese unless options.lang is "en"; analysis texts are
// written as they are. Quote::org is never written.
//
// libxlsxwriter writes to a file: render_xlsx writes a private temporary file
// (mkstemp, mode 0600, in $TMPDIR or /tmp), reads it back and removes it on
// every path. The bytes are deterministic for the same inputs: the document's
// creation time comes from options.generated_at ("YYYY-MM-DD HH:MM UTC", as
// cli::generation_time() writes it) or a fixed date, and no clock is read.
//
// Thread safety: a pure function of its inputs (each call has its own
// workbook and temporary file).
#pragma once

#include <string>

#include <kunren/analysis/analysis.hpp>
#include <kunren/util/status.hpp>

namespace kunren::report {

struct XlsxOptions {
  // UI language of the fixed texts: "ja" (default) or "en"; anything else is "ja".
  std::string lang = "ja";
  // Report title. Default empty: the checklist title followed by 集計結果 /
  // "cross-sectional results".
  std::string title;
  // TLP marking: "CLEAR" | "GREEN" | "AMBER" | "AMBER+STRICT" | "RED", with or
  // without a "TLP:" prefix. Default empty: a.disclosure->tlp when the
  // analysis is published, else no marking at all.
  std::string tlp;
  // Shown on the summary sheet and used as the document's creation time when
  // non-empty; default empty (a fixed creation date, no timestamp shown).
  std::string generated_at;
};

// The workbook's bytes. Errors: bad_input for an unknown TLP marking; io_error
// when the temporary file cannot be made, written or read; internal when
// libxlsxwriter refuses a value (reported with its message).
Result<std::string> render_xlsx(const analysis::Analysis& a, const XlsxOptions& options = {});

}  // namespace kunren::report
