#pragma once
// The REST resources of one account, as plain logic over a document_store:
// validation, references, secrets, indexes, paging. Called by the account
// shard actor, which owns the store handle and serializes the calls of an
// account, so a check-then-write here is atomic.

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "core/access_scope.hpp"
#include "core/api_call.hpp"
#include "core/document_store.hpp"
#include "core/object_id.hpp"
#include "core/secret_box.hpp"
#include "core/secrets.hpp"
#include "core/validation.hpp"

namespace integrator {

class resource_service {
public:
  /// `store` and `box` must outlive the service.
  resource_service(document_store& store, const secret_box& box, validation_context validation,
                   object_id_generator ids);

  /// Executes a non-admin call for `account` as seen through `scope`, at
  /// wall-clock time `now_ms`. Never throws api errors; store_failure
  /// propagates to the owner.
  api_reply handle(const std::string& account, const access_scope& scope, const api_call& call,
                   std::int64_t now_ms);

  /// The stored secrets of a resource, opened (for the engine).
  secret_map open_secrets(resource_kind kind, const std::string& account, const std::string& id);

  /// A document as the engine needs it, secrets revealed; nullopt when it
  /// does not exist or `scope` may not see it.
  std::optional<boost::json::value> engine_document(resource_kind kind, const std::string& account,
                                                    const access_scope& scope,
                                                    const std::string& id);

  /// POST /flows/{id}/run: checks the flow and writes a queued job with
  /// id `job_id`; 201 with the job, or the error.
  /// The id of the account's import whose apiIdentifier is `identifier`.
  std::optional<std::string> import_by_api_identifier(const std::string& account,
                                                      const std::string& identifier);

  /// Records a ping's outcome on a connection: `offline` true after a
  /// failed ping, false after a good one. Flows using an offline
  /// connection do not run (flow_plan::compile refuses it).
  void mark_offline(const std::string& account, const std::string& connection_id, bool offline,
                    std::int64_t now_ms);

  api_reply enqueue_run(const std::string& account, const access_scope& scope,
                        const std::string& flow_id, const std::string& job_id,
                        const std::string& body, std::int64_t now_ms);

private:
  struct loaded {
    boost::json::value doc;
  };

  std::optional<boost::json::value> load(resource_kind kind, const std::string& account,
                                         const std::string& id);
  std::optional<boost::json::value> load_visible(resource_kind kind, const std::string& account,
                                                 const access_scope& scope, const std::string& id);
  secret_map load_sealed(resource_kind kind, const std::string& account, const std::string& id);

  api_error check_references(const std::string& account, resource_kind kind,
                             const boost::json::value& doc);
  void index(write_batch& b, const std::string& account, resource_kind kind, const std::string& id,
             const boost::json::value* old_doc, const boost::json::value* new_doc);
  void put_document(write_batch& b, resource_kind kind, const std::string& account,
                    const std::string& id, const boost::json::value& doc,
                    const secret_map& sealed);
  api_error prepare(resource_kind kind, boost::json::value& doc);
  /// Writes a new document with its indexes; answers 201 with it.
  api_reply insert(resource_kind kind, const std::string& account, const std::string& id,
                   const boost::json::value& doc, const secret_map& sealed);

  api_reply list(const std::string& account, const access_scope& scope, resource_kind kind,
                 const query_params& params, const query_params& forced);
  api_reply create(const std::string& account, const access_scope& scope, resource_kind kind,
                   boost::json::value doc, std::int64_t now_ms);
  api_reply replace(const std::string& account, const access_scope& scope, resource_kind kind,
                    const std::string& id, boost::json::value doc, std::int64_t now_ms);
  api_reply patch(const std::string& account, const access_scope& scope, resource_kind kind,
                  const std::string& id, const boost::json::value& ops, std::int64_t now_ms);
  api_reply remove(const std::string& account, const access_scope& scope, resource_kind kind,
                   const std::string& id);
  api_reply clone(const std::string& account, const access_scope& scope, resource_kind kind,
                  const std::string& id, const boost::json::value& options, std::int64_t now_ms);
  api_reply licenses(const std::string& account, const access_scope& scope, const api_call& call,
                     std::int64_t now_ms);
  api_reply state(const std::string& account, const access_scope& scope, const api_call& call);
  api_reply import_map(const std::string& account, const access_scope& scope, const api_call& call);
  api_reply jobs(const std::string& account, const access_scope& scope, const api_call& call,
                 std::int64_t now_ms);

  document_store& store_;
  const secret_box& box_;
  validation_context validation_;
  object_id_generator ids_;
};

}  // namespace integrator
