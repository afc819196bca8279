#include "core/util/secret_box.hpp"

#include <sodium.h>

#include <stdexcept>
#include <vector>

#include "core/util/encoding.hpp"

namespace integrator {

void init_crypto() {
  static const int rc = sodium_init();
  if (rc < 0)
    throw std::runtime_error("libsodium failed to initialise");
}

void random_bytes(std::uint8_t* out, std::size_t n) {
  init_crypto();
  randombytes_buf(out, n);
}

std::string random_hex(std::size_t n_bytes) {
  std::vector<std::uint8_t> buf(n_bytes);
  random_bytes(buf.data(), n_bytes);
  return to_hex(buf.data(), n_bytes);
}

std::string token_hash(std::string_view token) {
  init_crypto();
  std::uint8_t out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return to_hex(out, sizeof out);
}

std::string secret_box::seal(std::string_view plaintext) const {
  init_crypto();
  std::vector<std::uint8_t> buf(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES
                                + plaintext.size());
  randombytes_buf(buf.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(buf.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        buf.data(), key_.data());
  return to_base64(std::string_view(reinterpret_cast<const char*>(buf.data()), buf.size()));
}

std::string secret_box::tag(std::string_view purpose, std::string_view message) const {
  init_crypto();
  // A key per purpose, so the sealing key is never a MAC key itself.
  std::array<std::uint8_t, 32> subkey{};
  crypto_generichash(subkey.data(), subkey.size(), reinterpret_cast<const unsigned char*>(purpose.data()),
                     purpose.size(), key_.data(), key_.size());
  std::array<std::uint8_t, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), subkey.data(), subkey.size());
  return to_hex(out.data(), out.size());
}

bool secret_box::check_tag(std::string_view purpose, std::string_view message,
                           std::string_view tag_hex) const {
  auto expected = tag(purpose, message);
  return tag_hex.size() == expected.size()
         && sodium_memcmp(expected.data(), tag_hex.data(), expected.size()) == 0;
}

std::optional<std::string> secret_box::open(std::string_view sealed) const {
  init_crypto();
  std::vector<std::uint8_t> buf(sealed.size());
  size_t len = 0;
  if (sodium_base642bin(buf.data(), buf.size(), sealed.data(), sealed.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL)
        != 0
      || len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return std::nullopt;
  std::string plain(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 buf.data() + crypto_secretbox_NONCEBYTES,
                                 len - crypto_secretbox_NONCEBYTES, buf.data(), key_.data())
      != 0)
    return std::nullopt;
  return plain;
}

std::optional<secret_box::key_type> secret_box::key_from_hex(std::string_view hex) {
  auto bytes = from_hex(hex);
  if (!bytes || bytes->size() != key_type{}.size())
    return std::nullopt;
  key_type key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

}  // namespace integrator
