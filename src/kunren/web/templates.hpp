// Mustache templates (libkainjow-mustache) for the web pages, from
// web/templates/NAME.mustache (embedded). Data is given as nlohmann::json
// and converted: objects, arrays, strings and booleans as they are, numbers
// as their text, null as false. {{x}} is HTML-escaped (& < > " '), so it is
// safe in text and in quoted attributes; {{{x}}} is reserved for HTML the
// server built itself (an SVG chart, a rendered page body) — never for user
// text. Partials: {{> name}} takes web/templates/partials/name.mustache.
//
// Partials are expanded into the template's text before it is parsed (as
// kainjow renders a partial in its caller's context and line, the output is
// the same), so each template is parsed once per thread with everything it
// includes, and rendering looks nothing up. A missing partial, partials that
// include each other, more than 8 levels of them or a set-delimiter tag
// ({{=…=}}, which kainjow would apply across the expansion) are errors.
// The i18n texts a page hands in as "t" (web::strings(lang), unchanged) are
// converted to kainjow data once per language and shared, not per render;
// any other "t" is converted as given.
//
// check_templates() parses every template and partial, partials expanded
// (serve at start-up, and the tests), so a syntax error or a missing
// partial never reaches a user.
// Thread safety: each thread keeps its own parsed copies; the shared texts
// are immutable.
#pragma once

#include <functional>
#include <optional>
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

// The expansion render_template uses, on any text (for the tests): `text`
// of template `name` with each {{> p}} replaced by partial(p)'s text,
// expanded in turn. Throws std::runtime_error naming `name` and the partial
// when partial(p) is nullopt, for a cycle, beyond 8 levels, or for a
// set-delimiter tag.
std::string expand_partials(std::string_view name, std::string_view text,
                            const std::function<std::optional<std::string>(std::string_view)>& partial);

// Renders Mustache `text` (partials already expanded) as render_template
// renders a template; parses it on every call (for the tests). Throws
// std::runtime_error for invalid text.
std::string render_text(std::string_view text, const nlohmann::json& data);

// JSON text safe inside <script type="application/json">: '<', '>' and '&'
// are written as \u003c, \u003e, \u0026 so no "</script>" can end the block.
std::string script_json(const nlohmann::json& value);

}  // namespace kunren::web
