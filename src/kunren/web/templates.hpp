// Mustache templates (libkainjow-mustache) for the web pages, from
// web/templates/NAME.mustache (embedded). Data is given as nlohmann::json
// and converted: objects, arrays, strings and booleans as they are, numbers
// as their text, null as false. {{x}} is HTML-escaped (& < > " '), so it is
// safe in text and in quoted attributes; {{{x}}} is reserved for HTML the
// server built itself (an SVG chart, a rendered page body) — never for user
// text. Partials: {{> name}} takes web/templates/partials/name.mustache.
//
// check_templates() parses every template and partial (serve at start-up,
// and the tests), so a syntax error never reaches a user.
// Thread safety: each thread keeps its own parsed copies.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <kunren/util/status.hpp>

namespace kunren::web {

// Renders web/templates/<name>.mustache with `data`.
// Throws std::runtime_error for an unknown or invalid template (a bug: the
// router turns it into a 500 and the tests catch it first).
std::string render_template(std::string_view name, const nlohmann::json& data);

// Every template and partial parses. BadInput naming the file otherwise.
Status check_templates();

// JSON text safe inside <script type="application/json">: '<', '>' and '&'
// are written as \u003c, \u003e, \u0026 so no "</script>" can end the block.
std::string script_json(const nlohmann::json& value);

}  // namespace kunren::web
