#pragma once
// The pagedExportState of a standalone paged export (§7.1): what a client
// sends back to get the next page. It carries where paging stands (in
// `searchId`, opaque to the client) and a `sig` binding it to the
// connection and the export it was issued for, so a client can neither
// alter it nor use it with another export.

#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

namespace integrator {

class secret_box;

struct paged_export_state {
  std::string position;  ///< export_pager::position() as JSON text
  std::int64_t page_index = 0;
  std::int64_t page_size = 0;
  bool done = false;
  std::int64_t issued_at = 0;  ///< epoch seconds

  /// The state as the API shows it, signed.
  boost::json::object to_json(const secret_box& box, const std::string& connection_id,
                              const std::string& export_json) const;
  /// The state a client sent back; nullopt when it is not one we issued
  /// for this connection and export, or was altered.
  static std::optional<paged_export_state> verify(const secret_box& box, const boost::json::value& sent,
                                                  const std::string& connection_id,
                                                  const std::string& export_json);
};

}  // namespace integrator
