#pragma once
// Key layouts of every storage space. Account and resource ids are fixed
// 24-hex strings, so concatenation needs no separators and a prefix scan
// on an account id is the per-account index.
//
//   <collection>  account|id                         → public document JSON
//   secrets       collection/account|id              → {pointer: sealed}
//   refs          account|target|kind-byte|referrer  → referring field path
//   names         account|kind-byte|lower(name)\0|id → ""
//   state         account|g|key                      → JSON (global keys)
//                 account|r|collection/id/|key       → JSON (resource keys)
//   accounts      account                            → account JSON
//   tokens        token id                           → token JSON (hash only)
//   jobs          account|jobId                      → job JSON (job_model.hpp)
//   joberrors     account|flowJobId|errorId          → job error JSON
//   retrydata     account|retryDataKey               → record JSON
//   exportmarks   account|flowId|exportId            → a delta export's mark (epoch ms)
//   nodes         node id                            → the node's membership row (cluster)
//   leases        lease name (flow/<account>|<flow>)  → "<epoch>|<owner node>"
//   meta          "format_version"                   → decimal

#include <string>
#include <string_view>
#include <vector>

#include "core/resources/resource_kind.hpp"

namespace integrator::keys {

inline constexpr std::string_view secrets_space = "secrets";
inline constexpr std::string_view refs_space = "refs";
inline constexpr std::string_view names_space = "names";
inline constexpr std::string_view state_space = "state";
inline constexpr std::string_view accounts_space = "accounts";
inline constexpr std::string_view tokens_space = "tokens";
inline constexpr std::string_view meta_space = "meta";
inline constexpr std::string_view jobs_space = "jobs";
inline constexpr std::string_view job_errors_space = "joberrors";
inline constexpr std::string_view retry_data_space = "retrydata";
inline constexpr std::string_view export_marks_space = "exportmarks";
/// The nodes of a cluster (core/engine/membership.hpp).
inline constexpr std::string_view nodes_space = "nodes";
/// Who owns what in a cluster, with fencing epochs (core/engine/ownership.hpp).
inline constexpr std::string_view leases_space = "leases";
/// A running flow job's checkpoint (job_checkpoint.hpp), by account|job id.
inline constexpr std::string_view job_checkpoints_space = "jobcheckpoints";

/// Storage space of a resource kind (its collection name).
std::string_view space_of(resource_kind kind);

/// Every space a store holds: the ones above and each resource kind's.
std::vector<std::string> all_spaces();

/// Version of the stored layout written by this build (meta/format_version);
/// a store of a newer version is refused at open.
inline constexpr int store_format_version = 1;

std::string resource(std::string_view account, std::string_view id);
std::string secrets(resource_kind kind, std::string_view account, std::string_view id);

std::string ref(std::string_view account, std::string_view target, resource_kind referrer_kind,
                std::string_view referrer_id);
std::string refs_prefix(std::string_view account, std::string_view target);
/// Splits a refs key into the referrer's kind and id; false if malformed.
bool parse_ref(std::string_view key, resource_kind& referrer_kind, std::string& referrer_id);

std::string name(std::string_view account, resource_kind kind, std::string_view name,
                 std::string_view id);
std::string names_prefix(std::string_view account, resource_kind kind, std::string_view name);
/// The id at the end of a names key.
std::string_view id_of_name_key(std::string_view key);

std::string global_state(std::string_view account, std::string_view key);
std::string global_state_prefix(std::string_view account);
std::string resource_state(std::string_view account, resource_kind kind, std::string_view id,
                           std::string_view key);
std::string resource_state_prefix(std::string_view account, resource_kind kind,
                                  std::string_view id);

std::string job_error(std::string_view account, std::string_view flow_job_id,
                      std::string_view error_id);
std::string job_errors_prefix(std::string_view account, std::string_view flow_job_id);

std::string export_mark(std::string_view account, std::string_view flow_id,
                        std::string_view export_id);

/// Lowercases ASCII, for case-insensitive name lookups.
std::string fold_case(std::string_view s);

}  // namespace integrator::keys
