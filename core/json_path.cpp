#include "core/json_path.hpp"

#include <boost/json.hpp>

#include "core/decimal.hpp"

namespace integrator {

const boost::json::value* find_path(const boost::json::value& root,
                                    const std::vector<std::string>& segments) {
  const boost::json::value* cur = &root;
  for (const auto& s : segments) {
    if (const auto* o = cur->if_object()) {
      auto it = o->find(s);
      if (it == o->end())
        return nullptr;
      cur = &it->value();
    } else if (const auto* a = cur->if_array()) {
      std::uint64_t idx = 0;
      if (!parse_decimal(s, idx, 9) || idx >= a->size())
        return nullptr;
      cur = &(*a)[idx];
    } else {
      return nullptr;
    }
  }
  return cur;
}

}  // namespace integrator
