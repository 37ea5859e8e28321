// The timeline chart of a drill (the review page, /exercises/{id}/review): an
// inline SVG drawn on the server from the event log and the scenario.
//
// x is scenario time, from +00:00 to the end of the scenario or the last
// event, whichever is later — or, once the drill has ended, to its last
// event — with a tick every 5 to 120 minutes (at most ten ticks). One lane for the injects, then one per kind of action: report,
// decision, contact, evidence, note, observation (lanes always drawn, empty
// or not, so charts of two drills compare). Each event is a marker with a
// <title> tooltip ("+00:42 生産部門: …"); markers closer than their size in
// one lane are staggered vertically. Decisions carry their decision point
// ("DP3") above the marker. Control events draw the frame: a paused span is
// shaded, the end is a dashed line; a contingency that was not needed is a
// hollow marker in the inject lane.
//
// The caller decides what the reader may see: pass only the events visible
// to them (exercise::visible_to). Texts of the scenario (titles, role names,
// option labels) come in `lang`; the chart's own words too ("ja" or "en";
// anything else is Japanese). All text is escaped. Output is deterministic:
// coordinates are rounded to 0.1.
//
// Thread safety: pure function of its inputs.
#pragma once

#include <string>
#include <vector>

#include <kunren/model/exercise.hpp>
#include <kunren/model/scenario.hpp>
#include <kunren/report/svg_chart.hpp>

namespace kunren::report {

// The lanes, top to bottom: "inject", "report", "decision", "contact",
// "evidence", "note", "observation".
const std::vector<std::string>& timeline_lanes();

// The one line that describes `event` in its marker's tooltip, before
// escaping: "+00:42 生産部門: #12 HMIが固まった" (also used for the log table
// of the review page). Control events read "+00:00 開始 ×10" and so on.
std::string timeline_event_text(const model::ExerciseEvent& event, const model::Scenario& scenario,
                                const std::string& lang);

std::string render_timeline_svg(const std::vector<model::ExerciseEvent>& events, const model::Scenario& scenario,
                                const std::string& lang, SvgMode mode = SvgMode::kInline);

}  // namespace kunren::report
