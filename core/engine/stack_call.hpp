#pragma once
// Calling a stack (`type: "server"`): the request Integrator sends and what
// the stack's answer means (../shared/docs/extension-protocol.md §1, checked
// against Celigo's integrator-extension 0.3.12). Pure: the outbound client
// sends the request; this builds it and reads the answer.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/connect/outbound.hpp"
#include "core/engine/user_code_answer.hpp"
#include "core/util/result.hpp"

namespace integrator {

/// Which of the module's objects the stack looks the function up in.
enum class extension_type { hook, wrapper, installer, uninstaller, setting, utility };

std::string_view type_name(extension_type t);
/// The type `name` names (type_name's inverse); hook when none does.
extension_type extension_type_named(std::string_view name);

/// A stack as its resource describes it.
struct stack_target {
  std::string id;
  std::string host_uri;      ///< server.hostURI
  std::string system_token;  ///< server.systemToken: proves Integrator to the stack
  std::string connector_id;  ///< set: a connector's stack ("_connectorId" instead of "diy")
  bool lambda = false;       ///< type "lambda": stored, not callable here

  /// From a stack document (secrets revealed); an error names what is
  /// missing, or that a lambda stack cannot be called here.
  static result<stack_target> from_document(const boost::json::value& stack);
};

/// The largest answer a stack may send (the framework's maxResponseSize).
inline constexpr std::size_t max_stack_response = 5u << 20;
/// A stack call may take this long: the stack's own limit is 315 s and it
/// sends 102 Processing after 270 s.
inline constexpr std::int64_t stack_call_timeout_ms = 330'000;

/// POST {hostURI}/function with the system token and the envelope
/// {diy | _connectorId, type, function, maxResponseSize, options}.
/// `options` (a JSON object's text) must already hold the call's one-time
/// bearerToken.
outbound_request stack_request(const stack_target& stack, extension_type type,
                               std::string_view function, std::string_view options);

/// A JSON object's text with member `key` (a string value) put first.
std::string with_string_member(std::string_view object_text, std::string_view key, std::string_view value);

/// What a stack's answer says: 200 → the result (its body, read later by
/// returned_value; an empty body returned nothing); 422 → the function's
/// first error; 401 → the stack refused the system token; no answer, a 5xx,
/// 408 or 429 → a transport failure. `function` names the call in messages.
user_code_answer read_stack_answer(outbound_response r, std::string_view function);

}  // namespace integrator
