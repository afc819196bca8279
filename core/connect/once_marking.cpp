#include "core/connect/once_marking.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include "core/json/json_path.hpp"

namespace integrator {

namespace json = boost::json;

result<once_marking> once_marking::compile(const json::object& export_doc) {
  const auto* http = export_doc.if_contains("http");
  const auto* once = http && http->is_object() ? http->get_object().if_contains("once") : nullptr;
  const auto* block = once ? once->if_object() : nullptr;
  auto uri = block ? first_text(*block, "relativeURI") : "";
  if (uri.empty())
    return invalid_input("a once export needs http.once.relativeURI: the request that flags each exported record",
                         "http.once.relativeURI");
  once_marking m;
  if (auto method = first_text(*block, "method"); !method.empty())
    m.method_ = method;
  if (auto r = compile_optional_template(uri, m.relative_uri_, "http.once.relativeURI"); !r)
    return r.error();
  if (auto r = compile_optional_template(first_text(*block, "body"), m.body_, "http.once.body"); !r)
    return r.error();
  return m;
}

std::optional<once_call> once_marking::call_for(std::string_view record, const json::value& settings) const {
  boost::system::error_code ec;
  auto parsed = parse_json(record, ec);
  if (ec || !parsed.is_object())
    return std::nullopt;
  auto ctx = record_context(parsed, settings);
  once_call call;
  call.method = method_;
  auto target = relative_uri_->render(ctx, template_escape::url);
  auto body = body_ ? body_->render(ctx, template_escape::none) : result<std::string>();
  if (!target || !body) {
    call.failure = "http.once: " + (target ? body : target).error().message;
    return call;
  }
  call.target = std::move(*target);
  call.body = std::move(*body);
  return call;
}

std::optional<std::string> once_marking::failure(int status, std::string_view body) {
  if (status >= 200 && status < 300)
    return std::nullopt;
  if (status == 0)
    return std::string("the request that flags the record got no answer");
  constexpr std::size_t shown = 200;
  return "the request that flags the record failed with HTTP " + std::to_string(status)
         + (body.empty() ? "" : ": " + std::string(body.substr(0, shown)));
}

}  // namespace integrator
