#include "core/resources/secrets.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include <string_view>

#include "core/json/json_patch.hpp"
#include "core/json/json_path.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

bool is_secret_name(std::string_view parent, std::string_view key) {
  static constexpr std::string_view names[] = {
    "password",    "token",        "secretAccessKey", "clientSecret", "consumerSecret",
    "secretKey",   "systemToken",  "bearerToken",     "refreshToken", "accessToken",
    "authKey",     "apiKey",       "privateKey",      "passphrase",   "certId",
  };
  for (auto n : names)
    if (key == n)
      return true;
  return key == "key" && parent == "webhook";
}


void walk(json::value& v, std::string_view parent, const std::string& pointer, secret_map& out) {
  if (auto* obj = v.if_object()) {
    for (auto& member : *obj) {
      std::string_view key = member.key();
      std::string child = pointer + "/" + escape_pointer_token(key);
      auto& val = member.value();
      bool whole = key == "encrypted" && !val.is_null();
      bool named = val.is_string() && is_secret_name(parent, key);
      if (whole || named) {
        bool masked = val.is_string() && val.get_string() == secret_mask;
        if (!masked)
          out[child] = val.is_string() ? std::string(val.get_string()) : json::serialize(val);
        val = secret_mask;
        continue;
      }
      walk(val, key, child, out);
    }
  } else if (auto* arr = v.if_array()) {
    for (size_t i = 0; i < arr->size(); ++i)
      walk((*arr)[i], parent, pointer + "/" + std::to_string(i), out);
  }
}

const json::value* at_pointer(const json::value& doc, const std::string& pointer) {
  auto tokens = parse_json_pointer(pointer);
  return tokens ? find_path(doc, *tokens) : nullptr;
}

}  // namespace

secret_map extract_secrets(json::value& doc) {
  secret_map out;
  walk(doc, "", "", out);
  return out;
}

secret_map merge_secrets(const json::value& masked_doc, const secret_map& incoming,
                         const secret_map& stored) {
  secret_map out = incoming;
  for (const auto& [pointer, value] : stored) {
    if (out.count(pointer))
      continue;
    const auto* v = at_pointer(masked_doc, pointer);
    if (v && v->is_string() && v->get_string() == secret_mask)
      out[pointer] = value;
  }
  return out;
}

void reveal_secrets(json::value& doc, const secret_map& secrets) {
  for (const auto& [pointer, plain] : secrets) {
    auto* v = const_cast<json::value*>(at_pointer(doc, pointer));
    if (!v)
      continue;
    // "encrypted" blocks were stored serialized; restore their structure.
    boost::system::error_code ec;
    auto parsed = parse_json(plain, ec);
    bool structured = !ec && (parsed.is_object() || parsed.is_array());
    if (pointer.size() >= 10 && pointer.compare(pointer.size() - 10, 10, "/encrypted") == 0
        && structured)
      *v = std::move(parsed);
    else
      *v = plain;
  }
}

}  // namespace integrator
