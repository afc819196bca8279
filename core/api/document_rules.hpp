#pragma once
// The server's rules for a resource document a client sends: the fields
// the server owns (a client's values for them are dropped, or kept from the
// stored version), the stamps it adds (_id, apiIdentifier, createdAt,
// lastModified), and validation before anything is written.

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>

#include "core/resources/resource_kind.hpp"
#include "core/resources/validation.hpp"
#include "core/util/api_error.hpp"

namespace integrator {

/// Drops the fields the server owns from a client's document.
void strip_read_only(resource_kind kind, boost::json::object& obj);

/// Puts _id first, adds apiIdentifier (exports, imports), the creation
/// time (`created` for licenses, else `createdAt`) and lastModified.
void stamp(resource_kind kind, boost::json::object& obj, const std::string& id,
           std::int64_t created_ms, std::int64_t now_ms);

/// The creation time a stored document carries (0 when none).
std::int64_t created_of(const boost::json::value& doc, resource_kind kind);

/// Keeps in `obj` the server-owned fields of `old` that a PUT body cannot
/// set (a license's user and connector).
void keep_server_fields(resource_kind kind, const boost::json::value& old, boost::json::object& obj);

/// A client's document ready to store: an object, read-only fields
/// dropped, valid, and for an HTTP export or import, compiling as a run
/// would compile it; else the validation error.
api_error prepare_document(resource_kind kind, boost::json::value& doc,
                           const validation_context& validation);

}  // namespace integrator
