#include "core/resources/key_codec.hpp"

#include <cctype>

#include "core/util/object_id.hpp"

namespace integrator::keys {

namespace {

char kind_byte(resource_kind k) {
  return static_cast<char>('a' + static_cast<int>(k));
}

}  // namespace

std::vector<std::string> all_spaces() {
  std::vector<std::string> out;
  for (auto s : {meta_space, accounts_space, tokens_space, secrets_space, refs_space, names_space, state_space,
                 jobs_space, job_errors_space, retry_data_space, export_marks_space, job_checkpoints_space,
                 nodes_space, leases_space})
    out.emplace_back(s);
  for (auto k : all_resource_kinds())
    out.emplace_back(space_of(k));
  return out;
}

std::string_view space_of(resource_kind kind) {
  return info(kind).collection;
}

std::string job_error(std::string_view account, std::string_view flow_job_id,
                      std::string_view error_id) {
  return std::string(account) + std::string(flow_job_id) + std::string(error_id);
}

std::string job_errors_prefix(std::string_view account, std::string_view flow_job_id) {
  return std::string(account) + std::string(flow_job_id);
}

std::string export_mark(std::string_view account, std::string_view flow_id,
                        std::string_view export_id) {
  return std::string(account) + std::string(flow_id) + std::string(export_id);
}

std::string resource(std::string_view account, std::string_view id) {
  std::string k;
  k.reserve(account.size() + id.size());
  k.append(account).append(id);
  return k;
}

std::string secrets(resource_kind kind, std::string_view account, std::string_view id) {
  std::string k(space_of(kind));
  k.append("/").append(account).append(id);
  return k;
}

std::string refs_prefix(std::string_view account, std::string_view target) {
  return resource(account, target);
}

std::string ref(std::string_view account, std::string_view target, resource_kind referrer_kind,
                std::string_view referrer_id) {
  auto k = refs_prefix(account, target);
  k += kind_byte(referrer_kind);
  k.append(referrer_id);
  return k;
}

bool parse_ref(std::string_view key, resource_kind& referrer_kind, std::string& referrer_id) {
  if (key.size() != 24 + 24 + 1 + 24)
    return false;
  int k = key[48] - 'a';
  if (k < 0 || k >= static_cast<int>(all_resource_kinds().size()))
    return false;
  referrer_kind = static_cast<resource_kind>(k);
  referrer_id = std::string(key.substr(49));
  return is_object_id(referrer_id);
}

std::string fold_case(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string names_prefix(std::string_view account, resource_kind kind, std::string_view name) {
  std::string k(account);
  k += kind_byte(kind);
  k += fold_case(name);
  k += '\0';
  return k;
}

std::string name(std::string_view account, resource_kind kind, std::string_view n,
                 std::string_view id) {
  auto k = names_prefix(account, kind, n);
  k.append(id);
  return k;
}

std::string_view id_of_name_key(std::string_view key) {
  return key.size() >= 24 ? key.substr(key.size() - 24) : std::string_view{};
}

std::string global_state(std::string_view account, std::string_view key) {
  return global_state_prefix(account).append(key);
}

std::string global_state_prefix(std::string_view account) {
  std::string k(account);
  k += 'g';
  return k;
}

std::string resource_state_prefix(std::string_view account, resource_kind kind,
                                  std::string_view id) {
  std::string k(account);
  k += 'r';
  k.append(space_of(kind)).append("/").append(id).append("/");
  return k;
}

std::string resource_state(std::string_view account, resource_kind kind, std::string_view id,
                           std::string_view key) {
  return resource_state_prefix(account, kind, id).append(key);
}

}  // namespace integrator::keys
