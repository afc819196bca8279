#include "core/engine/script_logs.hpp"

#include <boost/json.hpp>

#include "core/json/json_depth.hpp"

namespace integrator {

namespace json = boost::json;

void script_logs::add(const std::string& account, const std::string& script_id, std::string_view entries,
                      std::int64_t debug_until_ms, std::int64_t now_ms) {
  if (now_ms >= debug_until_ms || entries.empty())
    return;
  boost::system::error_code ec;
  auto v = parse_json(entries, ec);
  if (ec || !v.is_array() || v.get_array().empty())
    return;
  std::lock_guard<std::mutex> guard(mutex_);
  auto& log = entries_[{account, script_id}];
  for (const auto& e : v.get_array()) {
    log.push_back(json::serialize(e));
    if (log.size() > max_entries)
      log.pop_front();
  }
}

std::string script_logs::read(const std::string& account, const std::string& script_id) const {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = entries_.find({account, script_id});
  std::string out = "[";
  if (it != entries_.end())
    for (const auto& e : it->second) {
      if (out.size() > 1)
        out += ',';
      out += e;
    }
  return out + "]";
}

}  // namespace integrator
