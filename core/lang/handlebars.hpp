#pragma once
// Handlebars templates (relativeURI, body, file names...), compiled once per
// resource and rendered per record against Boost.JSON data.
//
// Supported: {{path}} (escaped), {{{path}}} and {{& path}} (raw), comments
// {{! }} and {{!-- --}}, whitespace control {{~ ~}}, standalone block lines, paths a.b, a.[b c],
// this, ../parent, @index @key @first @last @root; blocks #if #unless
// #each #with with {{else}}; helpers with positional arguments (paths,
// "strings", numbers, true/false/null) and subexpressions (helper args).
// Built-in helpers: lookup, jsonSerialize, encodeURI, encodeURIComponent,
// join, compare, and, or, not, eq, ne, lt, gt, dateFormat (moment.js tokens,
// IANA zones) and dateAdd (milliseconds). Unknown helpers fail at compile
// time.
//
// Escaping follows the place the text goes: html (handlebars.js' default),
// url (encodeURIComponent, for relative URIs) or none.

#include <boost/json/value.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/util/result.hpp"

namespace integrator {

enum class template_escape { html, url, none };

/// How deep blocks ({{#…}}, each {{else if}} link counting as one) and
/// subexpressions may nest. The parser and the renderer recurse, so a
/// deeper template is refused when it is compiled, before it can exhaust
/// a thread's stack.
inline constexpr int max_template_nesting = 100;

/// What one render may cost: a step is a node rendered, an {{#each}}
/// iteration, a helper argument or 16 bytes a helper produced. The
/// defaults are far above what a record's or a batch's template needs and
/// bound a hostile one ({{#each}} nested over large arrays) to about a
/// second and the output to what one request may carry.
struct render_limits {
  std::size_t max_steps = 10'000'000;
  std::size_t max_output = 32u << 20;
};

class handlebars_template {
public:
  /// Compiles `source`, or says what (and where) its syntax is wrong.
  static result<handlebars_template> compile(std::string_view source);

  /// Renders against `data`; fails (template_limit) when the render goes
  /// over `limits`.
  result<std::string> render(const boost::json::value& data,
                             template_escape escape = template_escape::html,
                             const render_limits& limits = {}) const;

  struct node;

private:
  explicit handlebars_template(std::shared_ptr<const node> root) : root_(std::move(root)) {}
  std::shared_ptr<const node> root_;
};

/// What a template rendered for one record sees: record.x, data.x and bare
/// x, and settings.
boost::json::value record_context(const boost::json::value& record,
                                  const boost::json::value& settings);

/// Compiles an optional template setting into `out`: an empty `source`
/// leaves it empty; bad syntax fails with "<field>: <why>".
result<void> compile_optional_template(const std::string& source,
                                       std::optional<handlebars_template>& out,
                                       std::string_view field);

/// Whether `text` (a template, or a JSON document holding templates) opens
/// an {{#each}} block: the one construct whose work grows faster than the
/// data it reads (nested, it multiplies). Everything else a template, a
/// mapping or a filter does is linear in the record. Conservative: an
/// "{{#each" that is not a template counts too.
bool has_loop_block(std::string_view text);

/// handlebars.js' HTML escaping (& < > " ' ` =).
std::string escape_html(std::string_view s);

/// encodeURIComponent.
std::string encode_uri_component(std::string_view s);

}  // namespace integrator
