#pragma once
// Bytes as text: lowercase hex (ids, tokens, hashes, keys) and base64
// (Basic auth, sealed secrets), by libsodium's constant-time codecs.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace integrator {

/// Value of one hex digit, or -1 (for validating ids character by character).
inline int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// Lowercase hex of `n` bytes.
std::string to_hex(const std::uint8_t* data, std::size_t n);

/// The bytes of `hex` (any case), nullopt when it is not all hex digits in
/// pairs.
std::optional<std::vector<std::uint8_t>> from_hex(std::string_view hex);

/// Standard base64, padded.
std::string to_base64(std::string_view bytes);

}  // namespace integrator
