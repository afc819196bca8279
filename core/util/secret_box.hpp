#pragma once
// Authenticated encryption of secrets at rest (libsodium secretbox:
// XSalsa20-Poly1305) under one 32-byte master key that lives outside the
// RocksDB files. Also the hashing of API tokens (BLAKE2b, keyless: tokens
// are 128-bit random, so a fast hash is enough).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace integrator {

/// Makes sure libsodium is initialised; safe to call repeatedly.
void init_crypto();

/// `n` random bytes as lowercase hex (a token, a nonce seed).
std::string random_hex(std::size_t n_bytes);

/// Random bytes into `out`.
void random_bytes(std::uint8_t* out, std::size_t n);

/// Hex of BLAKE2b-256 of `token`; what the store keeps instead of tokens.
std::string token_hash(std::string_view token);

class secret_box {
public:
  using key_type = std::array<std::uint8_t, 32>;

  explicit secret_box(const key_type& key) : key_(key) {}

  /// base64(nonce || ciphertext).
  std::string seal(std::string_view plaintext) const;

  /// The plaintext, or nullopt when the text was not sealed by this key.
  std::optional<std::string> open(std::string_view sealed) const;

  /// A tag proving `message` came from this server (keyed BLAKE2b under a
  /// key derived for `purpose`), as hex; values clients hand back (a paged
  /// export's state) carry it so they cannot be altered.
  std::string tag(std::string_view purpose, std::string_view message) const;
  /// True when `tag` is tag(purpose, message); compared in constant time.
  bool check_tag(std::string_view purpose, std::string_view message, std::string_view tag) const;

  /// Parses 64 hex digits; nullopt otherwise.
  static std::optional<key_type> key_from_hex(std::string_view hex);

private:
  key_type key_;
};

}  // namespace integrator
