#include "core/connect/outbound.hpp"

namespace integrator {

namespace {

bool same_ascii_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z')
      x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z')
      y = static_cast<char>(y - 'A' + 'a');
    if (x != y)
      return false;
  }
  return true;
}

}  // namespace

std::string_view find_header(const header_list& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (same_ascii_nocase(k, name))
      return v;
  return {};
}

void set_header(header_list& headers, std::string name, std::string value) {
  for (auto it = headers.begin(); it != headers.end();)
    it = same_ascii_nocase(it->first, name) ? headers.erase(it) : it + 1;
  headers.emplace_back(std::move(name), std::move(value));
}

}  // namespace integrator
