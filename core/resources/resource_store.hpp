#pragma once
// The documents of an account's resources in a document_store: reading them
// (as stored, as a token sees them, with their secrets opened for the
// engine) and the writes a change makes (the document, its sealed secrets,
// its name and reference indexes). The API's handlers and the engine both
// work through it; neither reads the resource spaces directly.

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "core/resources/access_scope.hpp"
#include "core/resources/document_store.hpp"
#include "core/resources/resource_kind.hpp"
#include "core/resources/secrets.hpp"
#include "core/util/api_error.hpp"
#include "core/util/secret_box.hpp"

namespace integrator {

class resource_store {
public:
  /// `store` and `box` must outlive this object.
  resource_store(document_store& store, const secret_box& box) : store_(store), box_(box) {}

  document_store& store() const { return store_; }
  const secret_box& box() const { return box_; }

  /// The stored document; throws store_failure when it is not JSON.
  std::optional<boost::json::value> load(resource_kind kind, const std::string& account,
                                         const std::string& id) const;

  /// The stored bytes, unparsed.
  std::optional<std::string> load_text(resource_kind kind, const std::string& account,
                                       const std::string& id) const;

  /// load(), or nullopt when `scope` may not see the document.
  std::optional<boost::json::value> load_visible(resource_kind kind, const std::string& account,
                                                 const access_scope& scope,
                                                 const std::string& id) const;

  /// The document with its secrets opened (what the engine runs on);
  /// nullopt when it does not exist or `scope` may not see it.
  std::optional<boost::json::value> load_revealed(resource_kind kind, const std::string& account,
                                                  const access_scope& scope,
                                                  const std::string& id) const;

  /// The stored secrets of a resource, sealed (JSON pointer → sealed text).
  secret_map load_sealed(resource_kind kind, const std::string& account,
                         const std::string& id) const;

  /// The stored secrets of a resource, opened.
  secret_map open_secrets(resource_kind kind, const std::string& account,
                          const std::string& id) const;

  /// Every reference of `doc` names a document of the account, and an
  /// export's or import's connection suits its adaptorType; else the error.
  api_error check_references(const std::string& account, resource_kind kind,
                             const boost::json::value& doc) const;

  /// The id of the account's import whose apiIdentifier is `identifier`.
  std::optional<std::string> import_by_api_identifier(const std::string& account,
                                                      const std::string& identifier) const;

  /// Records a ping's outcome on a connection: `offline` true after a
  /// failed ping, false after a good one. Flows using an offline
  /// connection do not run (flow_plan::compile refuses it).
  void mark_offline(const std::string& account, const std::string& connection_id, bool offline,
                    std::int64_t now_ms) const;

  /// Adds to `b` the document and its sealed secrets (none: the secrets
  /// entry is removed).
  void put_document(write_batch& b, resource_kind kind, const std::string& account,
                    const std::string& id, const boost::json::value& doc,
                    const secret_map& sealed) const;

  /// Adds to `b` the index changes from `old_doc` to `new_doc` (either may
  /// be null: a create or a delete).
  void index(write_batch& b, const std::string& account, resource_kind kind, const std::string& id,
             const boost::json::value* old_doc, const boost::json::value* new_doc) const;

private:
  document_store& store_;
  const secret_box& box_;
};

}  // namespace integrator
