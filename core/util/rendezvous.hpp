#pragma once
// Rendezvous (highest random weight) hashing: which of a set of nodes owns
// a key. Every node computes the same answer from the same live set, with no
// coordination; when a node leaves only its keys move, and a node that
// joins takes about 1/N of the keys, each from the node that had it.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace integrator {

/// Weight of `node` for `key`: a fixed 64-bit hash of both (the same on
/// every machine and build; not std::hash).
std::uint64_t rendezvous_weight(std::string_view node, std::string_view key);

/// The node with the highest weight for `key`; "" when `nodes` is empty.
/// Ties (practically never) go to the smaller node id.
std::string rendezvous_owner(std::string_view key, const std::vector<std::string>& nodes);

}  // namespace integrator
