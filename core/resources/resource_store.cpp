#include "core/resources/resource_store.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include <set>

#include "core/json/json_path.hpp"
#include "core/resources/key_codec.hpp"
#include "core/resources/references.hpp"
#include "core/resources/validation.hpp"
#include "core/util/iso_time.hpp"
#include "core/util/object_id.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

std::string field_of(const json::value& doc, std::string_view field) {
  const auto* obj = doc.if_object();
  return obj ? string_member(*obj, field) : std::string();
}

}  // namespace

std::optional<std::string> resource_store::load_text(resource_kind kind, const std::string& account,
                                                     const std::string& id) const {
  return store_.get(keys::space_of(kind), keys::resource(account, id));
}

std::optional<json::value> resource_store::load(resource_kind kind, const std::string& account,
                                                const std::string& id) const {
  auto raw = load_text(kind, account, id);
  if (!raw)
    return std::nullopt;
  boost::system::error_code ec;
  auto doc = parse_json(*raw, ec);
  if (ec)
    throw store_failure("corrupt document " + std::string(keys::space_of(kind)) + "/" + id);
  return doc;
}

std::optional<json::value> resource_store::load_visible(resource_kind kind,
                                                        const std::string& account,
                                                        const access_scope& scope,
                                                        const std::string& id) const {
  auto doc = load(kind, account, id);
  if (!doc || !scope.permits(kind, id, *doc))
    return std::nullopt;
  return doc;
}

std::optional<json::value> resource_store::load_revealed(resource_kind kind,
                                                         const std::string& account,
                                                         const access_scope& scope,
                                                         const std::string& id) const {
  auto doc = load_visible(kind, account, scope, id);
  if (doc)
    reveal_secrets(*doc, open_secrets(kind, account, id));
  return doc;
}

secret_map resource_store::load_sealed(resource_kind kind, const std::string& account,
                                       const std::string& id) const {
  secret_map out;
  auto raw = store_.get(keys::secrets_space, keys::secrets(kind, account, id));
  if (!raw)
    return out;
  boost::system::error_code ec;
  auto v = parse_json(*raw, ec);
  if (!ec && v.is_object())
    for (const auto& m : v.get_object())
      if (m.value().is_string())
        out[std::string(m.key())] = std::string(m.value().get_string());
  return out;
}

secret_map resource_store::open_secrets(resource_kind kind, const std::string& account,
                                        const std::string& id) const {
  secret_map out;
  for (const auto& [pointer, sealed] : load_sealed(kind, account, id))
    if (auto plain = box_.open(sealed))
      out[pointer] = std::move(*plain);
  return out;
}

api_error resource_store::check_references(const std::string& account, resource_kind kind,
                                           const json::value& doc) const {
  if (kind == resource_kind::license)
    return {};
  std::string connection_type;
  for (const auto& ref : collect_references(doc)) {
    auto target = is_object_id(ref.id) ? load(ref.target, account, ref.id) : std::nullopt;
    if (!target)
      return make_api_error(error_code::invalid_reference,
                            "Invalid reference: " + ref.field, ref.path);
    if (ref.path == "_connectionId")
      connection_type = field_of(*target, "type");
  }
  if ((kind == resource_kind::export_ || kind == resource_kind::import_)
      && !connection_type.empty()) {
    auto adaptor = field_of(doc, "adaptorType");
    if (!adaptor_accepts_connection(adaptor, connection_type))
      return make_api_error(error_code::invalid_reference,
                            "A " + adaptor + " cannot use a connection of type " + connection_type,
                            "_connectionId");
  }
  return {};
}

std::optional<std::string> resource_store::import_by_api_identifier(
  const std::string& account, const std::string& identifier) const {
  std::optional<std::string> found;
  store_.scan(keys::space_of(resource_kind::import_), account,
              [&](std::string_view key, std::string_view value) {
                boost::system::error_code ec;
                auto doc = parse_json(value, ec);
                if (!ec && field_of(doc, "apiIdentifier") == identifier)
                  found = std::string(key.substr(account.size()));
                return !found;
              });
  return found;
}

void resource_store::mark_offline(const std::string& account, const std::string& connection_id,
                                  bool offline, std::int64_t now_ms) const {
  auto doc = load(resource_kind::connection, account, connection_id);
  if (!doc)
    return;
  auto& obj = doc->get_object();
  auto it = obj.find("offline");
  bool was = it != obj.end() && it->value() == true;
  if (was == offline)
    return;
  obj["offline"] = offline;
  obj["lastModified"] = format_iso_ms(now_ms);
  write_batch b;
  b.put(keys::space_of(resource_kind::connection), keys::resource(account, connection_id),
        json::serialize(*doc));
  store_.write(b);
}

void resource_store::put_document(write_batch& b, resource_kind kind, const std::string& account,
                                  const std::string& id, const json::value& doc,
                                  const secret_map& sealed) const {
  b.put(keys::space_of(kind), keys::resource(account, id), json::serialize(doc));
  auto skey = keys::secrets(kind, account, id);
  if (sealed.empty()) {
    b.erase(keys::secrets_space, skey);
    return;
  }
  json::object s;
  for (const auto& [pointer, value] : sealed)
    s[pointer] = value;
  b.put(keys::secrets_space, skey, json::serialize(s));
}

void resource_store::index(write_batch& b, const std::string& account, resource_kind kind,
                           const std::string& id, const json::value* old_doc,
                           const json::value* new_doc) const {
  std::set<std::string> old_refs, new_refs;
  if (kind != resource_kind::license) {
    if (old_doc)
      for (const auto& r : collect_references(*old_doc))
        old_refs.insert(keys::ref(account, r.id, kind, id));
    if (new_doc)
      for (const auto& r : collect_references(*new_doc))
        new_refs.insert(keys::ref(account, r.id, kind, id));
  }
  for (const auto& k : old_refs)
    if (!new_refs.count(k))
      b.erase(keys::refs_space, k);
  for (const auto& k : new_refs)
    if (!old_refs.count(k))
      b.put(keys::refs_space, k, "");
  auto old_name = old_doc ? field_of(*old_doc, "name") : std::string();
  auto new_name = new_doc ? field_of(*new_doc, "name") : std::string();
  if (old_doc && !old_name.empty() && (!new_doc || old_name != new_name))
    b.erase(keys::names_space, keys::name(account, kind, old_name, id));
  if (new_doc && !new_name.empty() && (!old_doc || old_name != new_name))
    b.put(keys::names_space, keys::name(account, kind, new_name, id), "");
}

}  // namespace integrator
