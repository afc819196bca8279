#include "core/util/rendezvous.hpp"

namespace integrator {

namespace {

// FNV-1a over the bytes, then splitmix64's finalizer, so that keys that
// differ in one byte get unrelated weights.
std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

std::uint64_t fnv1a(std::uint64_t h, std::string_view s) {
  for (unsigned char c : s)
    h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace

std::uint64_t rendezvous_weight(std::string_view node, std::string_view key) {
  auto h = fnv1a(1469598103934665603ULL, node);
  // A separator byte UTF-8 never holds, so node "ab" with key "c" differs
  // from node "a" with key "bc".
  h = fnv1a(h, std::string_view("\xff", 1));
  h = fnv1a(h, key);
  return mix(h);
}

std::string rendezvous_owner(std::string_view key, const std::vector<std::string>& nodes) {
  const std::string* best = nullptr;
  std::uint64_t best_weight = 0;
  for (const auto& n : nodes) {
    auto w = rendezvous_weight(n, key);
    if (!best || w > best_weight || (w == best_weight && n < *best)) {
      best = &n;
      best_weight = w;
    }
  }
  return best ? *best : std::string();
}

}  // namespace integrator
