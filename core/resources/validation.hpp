#pragma once
// Validation of a resource document against the reference's rules: required
// fields, types, enums, cron schedules, "pageProcessors" xor "routers". What
// needs other documents (references, connection types) is checked by the
// resource service with the helpers below.

#include <boost/json/value.hpp>

#include <functional>
#include <optional>
#include <string_view>

#include "core/util/api_error.hpp"
#include "core/util/result.hpp"
#include "core/resources/resource_kind.hpp"

namespace integrator {

/// Things validation cannot know by itself.
struct validation_context {
  /// True when `name` is an IANA time zone; nullptr accepts any string.
  std::function<bool(std::string_view)> is_time_zone;
  /// Why a script's `content` does not compile (naming the line), or
  /// nullopt when it does or cannot be checked here; nullptr accepts any.
  std::function<std::optional<std::string>(std::string_view)> compile_script;
  /// Milliseconds since the epoch (caps scripts' debugUntil); nullptr: no cap.
  std::function<std::int64_t()> now_ms;
  /// Runs `function` of a script (id, content) with `options` (JSON text)
  /// and waits for it: what it returned (JSON text), or why it failed. A
  /// resource's preSave script runs so (core/api/pre_save.hpp); nullptr:
  /// scripts cannot run here.
  std::function<result<std::string>(const std::string& script_id, const std::string& content,
                                     const std::string& function, std::string options)>
    run_script;
};

/// Checks `doc` as a `kind` document about to be stored. May fill in
/// `adaptorType` from the config block when an old client sent none.
/// Returns a validation error naming the field, or none.
api_error validate_resource(resource_kind kind, boost::json::value& doc,
                            const validation_context& ctx = {});

/// True when an export or import of `adaptor_type` may use a connection of
/// `connection_type` (e.g. HTTPExport on "http" or legacy "rest").
bool adaptor_accepts_connection(std::string_view adaptor_type, std::string_view connection_type);

}  // namespace integrator
