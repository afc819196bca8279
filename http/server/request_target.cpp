#include "http/server/request_target.hpp"

#include <boost/url.hpp>

namespace integrator {

bool parse_request_target(std::string_view target, request_target& out) {
  boost::urls::url_view url;
  if (!target.empty() && target[0] == '/') {
    auto r = boost::urls::parse_origin_form(target);
    if (!r)
      return false;
    url = *r;
  } else {
    auto r = boost::urls::parse_absolute_uri(target);
    if (!r)
      return false;
    url = *r;
  }
  std::vector<std::string> segs;
  for (auto s : url.segments())
    segs.emplace_back(s);
  // "/v1/exports/" → {"v1","exports",""}: drop the trailing empty segment.
  while (!segs.empty() && segs.back().empty())
    segs.pop_back();
  out.path = url.path();
  if (out.path.size() > 1 && out.path.back() == '/')
    out.path.pop_back();
  for (auto p : url.params())
    out.query.emplace_back(p.key, p.has_value ? p.value : std::string{});
  auto take = [&](size_t n, api_surface surface) {
    out.surface = surface;
    out.segments.assign(segs.begin() + static_cast<std::ptrdiff_t>(n), segs.end());
  };
  if (segs.size() == 1 && segs[0] == "healthz")
    take(1, api_surface::health);
  else if (segs.size() >= 3 && segs[0] == "admin" && segs[1] == "v1" && segs[2] == "debug")
    take(3, api_surface::debug);
  else if (segs.size() >= 2 && segs[0] == "admin" && segs[1] == "v1")
    take(2, api_surface::admin);
  else if (!segs.empty() && (segs[0] == "v1" || segs[0] == "api"))
    take(1, api_surface::account);
  else
    out.surface = api_surface::unknown;
  return true;
}

std::string with_skip(const std::string& path, const query_params& query, std::int64_t skip) {
  boost::urls::url u;
  u.set_path(path);
  auto params = u.params();
  bool replaced = false;
  for (const auto& [k, v] : query) {
    if (k == "skip") {
      if (!replaced)
        params.append({"skip", std::to_string(skip)});
      replaced = true;
      continue;
    }
    params.append({k, v});
  }
  if (!replaced)
    params.append({"skip", std::to_string(skip)});
  return std::string(u.buffer());
}

}  // namespace integrator
