#include "core/engine/stack_call.hpp"

#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include "core/json/json_path.hpp"

namespace integrator {

namespace json = boost::json;

std::string_view type_name(extension_type t) {
  switch (t) {
    case extension_type::hook: return "hook";
    case extension_type::wrapper: return "wrapper";
    case extension_type::installer: return "installer";
    case extension_type::uninstaller: return "uninstaller";
    case extension_type::setting: return "setting";
    case extension_type::utility: return "utility";
  }
  return "hook";
}

extension_type extension_type_named(std::string_view name) {
  for (auto t : {extension_type::hook, extension_type::wrapper, extension_type::installer, extension_type::uninstaller,
                 extension_type::setting, extension_type::utility})
    if (type_name(t) == name)
      return t;
  return extension_type::hook;
}

result<stack_target> stack_target::from_document(const json::value& stack) {
  const auto* o = stack.if_object();
  if (!o)
    return invalid_input("the stack is not a JSON object");
  stack_target t;
  t.id = string_member(*o, "_id");
  t.connector_id = string_member(*o, "_connectorId");
  auto type = string_member(*o, "type");
  if (type == "lambda") {
    t.lambda = true;
    return make_api_error(error_code::user_code_unavailable,
                          "stack " + t.id + " is an AWS Lambda stack, which this server cannot call "
                          "(it reaches no AWS); use a server stack");
  }
  const auto* server = o->if_contains("server");
  if (!server || !server->is_object())
    return invalid_input("stack " + t.id + " has no server block", "server");
  t.host_uri = string_member(server->get_object(), "hostURI");
  t.system_token = string_member(server->get_object(), "systemToken");
  if (t.host_uri.empty())
    return invalid_input("stack " + t.id + " has no server.hostURI", "server.hostURI");
  while (!t.host_uri.empty() && t.host_uri.back() == '/')
    t.host_uri.pop_back();
  return t;
}

std::string with_string_member(std::string_view object_text, std::string_view key, std::string_view value) {
  auto open = object_text.find('{');
  if (open == std::string_view::npos)
    return std::string(object_text);
  auto rest = object_text.substr(open + 1);
  bool empty = rest.find_first_not_of(" \t\r\n") == std::string_view::npos || rest[rest.find_first_not_of(" \t\r\n")] == '}';
  std::string out = "{" + json::serialize(json::string(key)) + ":" + json::serialize(json::string(value));
  out += empty ? "" : ",";
  out += rest;
  return out;
}

outbound_request stack_request(const stack_target& stack, extension_type type,
                               std::string_view function, std::string_view options) {
  json::object envelope;
  if (stack.connector_id.empty())
    envelope["diy"] = true;
  else
    envelope["_connectorId"] = stack.connector_id;
  envelope["type"] = type_name(type);
  envelope["function"] = function;
  envelope["maxResponseSize"] = max_stack_response;
  outbound_request req;
  req.method = "POST";
  req.url = stack.host_uri + "/function";
  req.headers.emplace_back("Content-Type", "application/json");
  req.headers.emplace_back("Authorization", "Bearer " + stack.system_token);
  // {…envelope, "options": <options as given>}: the page in the options is
  // not parsed again to be sent.
  req.body = json::serialize(envelope);
  req.body.pop_back();
  req.body += R"(,"options":)";
  req.body += options;
  req.body += '}';
  req.timeout_ms = stack_call_timeout_ms;
  return req;
}

result<json::value> returned_value(const user_code_answer& a, std::string_view function) {
  if (a.returned.find_first_not_of(" \t\r\n") == std::string::npos)
    return json::value();
  boost::system::error_code ec;
  auto v = parse_json(a.returned, ec);
  if (ec)
    return invalid_input(std::string(function) + " returned something that is not JSON (invalid_extension_response)");
  return v;
}

user_code_answer read_stack_answer(outbound_response r, std::string_view function) {
  user_code_answer a;
  auto named = "the stack's " + std::string(function);
  if (!r.transport_error.empty() || r.status == 0) {
    a.transport = true;
    a.code = "stack_unreachable";
    a.message = named + " could not be called: "
                + (r.transport_error.empty() ? std::string("no answer") : r.transport_error);
    return a;
  }
  if (r.status == 200)
    return returned_answer(std::move(r.body));
  if (r.status == 401) {
    a.code = "unauthorized";
    a.message = named + ": the stack refused the system token (401); check the stack's server.systemToken";
    return a;
  }
  if (r.status == 422) {
    boost::system::error_code ec;
    auto body = parse_json(r.body, ec);
    const json::object* first = nullptr;
    if (!ec && body.is_object())
      if (const auto* errors = body.get_object().if_contains("errors"); errors && errors->is_array()
                                                                        && !errors->get_array().empty())
        first = errors->get_array().front().if_object();
    a.code = first ? string_member(*first, "code") : std::string();
    a.message = first ? string_member(*first, "message") : std::string();
    if (a.code.empty())
      a.code = "Error";
    if (a.message.empty())
      a.message = named + " failed (422)";
    return a;
  }
  a.transport = r.status >= 500 || r.status == 429 || r.status == 408;
  a.code = "stack_error";
  a.message = named + ": the stack answered " + std::to_string(r.status);
  return a;
}

}  // namespace integrator
