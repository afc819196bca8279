#include "core/engine/dynamic_lookup.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include <tuple>

#include "core/json/json_path.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

bool is_index(const std::string& segment) {
  return !segment.empty() && segment.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

std::string legacy_template(std::string_view source) {
  std::string out;
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source.compare(i, 2, "{{") == 0) {  // already Handlebars: copy through its close
      auto close = source.find("}}", i + 2);
      auto end = close == std::string_view::npos ? source.size() : close + 2;
      out.append(source.substr(i, end - i));
      i = end - 1;
      continue;
    }
    auto close = source[i] == '{' ? source.find('}', i + 1) : std::string_view::npos;
    if (close != std::string_view::npos && close > i + 1
        && source.substr(i + 1, close - i - 1).find_first_of("{ ") == std::string_view::npos) {
      out += "{{";
      out.append(source.substr(i + 1, close - i - 1));
      out += "}}";
      i = close;
      continue;
    }
    out += source[i];
  }
  return out;
}

result<std::vector<dynamic_lookup>> dynamic_lookup::parse(const json::value& lookups, bool legacy) {
  std::vector<dynamic_lookup> out;
  const auto* list = lookups.if_array();
  if (!list)
    return out;
  for (const auto& entry : *list) {
    const auto* o = entry.if_object();
    if (!o || !o->contains("relativeURI"))
      continue;  // a static lookup
    dynamic_lookup l;
    l.outcome_ = static_lookup::from(*o);
    const auto& name = l.outcome_.name;
    if (name.empty())
      return invalid_input("every lookup needs a name", "lookups");
    if (auto m = first_text(*o, "method"); !m.empty())
      l.method_ = m;
    auto fix = [&](std::string s) { return legacy ? legacy_template(s) : s; };
    auto body = first_text(*o, o->contains("postData") ? "postData" : "body");
    if (auto r = compile_optional_template(fix(first_text(*o, "relativeURI")), l.relative_uri_,
                                           "lookup " + name + " relativeURI");
        !r)
      return r.error();
    if (auto r = compile_optional_template(fix(body), l.body_, "lookup " + name + " body"); !r)
      return r.error();
    l.extract_ = split_path(first_text(*o, "extract"));
    out.push_back(std::move(l));
  }
  return out;
}

result<lookup_call> dynamic_lookup::call_for(const json::value& context) const {
  lookup_call c;
  c.method = method_;
  for (auto [tmpl, out, escape] : {std::tuple{&relative_uri_, &c.target, template_escape::url},
                                   std::tuple{&body_, &c.body, template_escape::none}}) {
    if (!*tmpl)
      continue;
    auto text = (*tmpl)->render(context, escape);
    if (!text)
      return make_api_error(error_code::lookup_failed, "lookup " + name() + ": " + text.error().message);
    *out = std::move(*text);
  }
  return c;
}

std::optional<json::value> dynamic_lookup::no_match(std::string why, std::string& error) const {
  if (outcome_.fallback)
    return *outcome_.fallback;
  if (outcome_.allow_failures)
    return json::value("");
  error = "lookup " + name() + " " + why;
  return std::nullopt;
}

std::optional<json::value> dynamic_lookup::resolve(const outbound_response& r, std::string& error) const {
  if (r.status < 200 || r.status >= 300)
    return no_match(r.status ? "failed with HTTP " + std::to_string(r.status) : "got no answer", error);
  boost::system::error_code ec;
  auto answer = parse_json(r.body, ec);
  if (ec)
    return no_match("got an answer that is not JSON", error);
  // Walk extract; an array stepped into by index holds the matches.
  const json::value* at = &answer;
  for (const auto& segment : extract_) {
    if (const auto* a = at->if_array(); a && is_index(segment)) {
      if (a->empty())
        return no_match("found no match", error);
      if (a->size() > 1 && !outcome_.allow_failures) {
        error = "lookup " + name() + " found " + std::to_string(a->size()) + " matches";
        return std::nullopt;
      }
    }
    at = find_path(*at, {segment});
    if (!at)
      return no_match("found no match", error);
  }
  if (at->is_null() || (at->is_string() && at->get_string().empty())
      || (at->is_array() && at->get_array().empty()))
    return no_match("found no match", error);
  if (outcome_.map.empty())
    return *at;
  return outcome_.apply(*at, error);
}

}  // namespace integrator
