#pragma once
// Write-only fields. A resource is stored as a public document, in which
// every secret reads "******", plus a map from JSON pointer to the secret's
// plaintext, which the store keeps only sealed (secret_box.hpp).
//
// Secret: string members named password, token, secretAccessKey,
// clientSecret, consumerSecret, secretKey, systemToken, bearerToken,
// refreshToken, accessToken, authKey, apiKey, privateKey, passphrase,
// certId, and webhook.key; and every member named "encrypted", whole.

#include <boost/json/value.hpp>

#include <map>
#include <string>

namespace integrator {

/// What the API shows instead of a secret.
inline constexpr const char* secret_mask = "******";

/// JSON pointer → plaintext (an "encrypted" object is serialized JSON).
using secret_map = std::map<std::string, std::string>;

/// Replaces every secret in `doc` by the mask and returns the plaintexts.
/// A secret already equal to the mask is not returned: the caller keeps
/// the stored value for that pointer (the "send ****** back" rule).
secret_map extract_secrets(boost::json::value& doc);

/// The secrets to store after a replace: `incoming` (from extract_secrets
/// on the new document) plus, for every pointer whose new value was the
/// mask, the `stored` value. Pointers absent from `masked_doc` are dropped.
secret_map merge_secrets(const boost::json::value& masked_doc, const secret_map& incoming,
                         const secret_map& stored);

/// Writes the plaintexts back into a masked document (for the engine, not
/// for API responses). Pointers that no longer exist are skipped.
void reveal_secrets(boost::json::value& doc, const secret_map& secrets);

}  // namespace integrator
