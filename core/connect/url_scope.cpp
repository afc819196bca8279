#include "core/connect/url_scope.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace integrator {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A segment that is "." or "..", also when its dots are percent-encoded.
int dots_of(std::string_view segment) {
  std::string plain;
  for (std::size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] == '%' && i + 2 < segment.size() && segment[i + 1] == '2'
        && (segment[i + 2] == 'e' || segment[i + 2] == 'E')) {
      plain += '.';
      i += 2;
    } else {
      plain += segment[i];
    }
  }
  return plain == "." ? 1 : plain == ".." ? 2 : 0;
}

}  // namespace

std::optional<url_parts> split_http_url(std::string_view url) {
  auto colon = url.find("://");
  if (colon == std::string_view::npos)
    return std::nullopt;
  auto scheme = lower(url.substr(0, colon));
  if (scheme != "http" && scheme != "https")
    return std::nullopt;
  auto authority_start = colon + 3;
  auto path_start = url.find_first_of("/?#", authority_start);
  auto authority = url.substr(authority_start, path_start == std::string_view::npos
                                                 ? std::string_view::npos
                                                 : path_start - authority_start);
  if (authority.empty() || authority.find('@') != std::string_view::npos
      || authority.find('\\') != std::string_view::npos)
    return std::nullopt;
  url_parts out;
  out.origin = scheme + "://" + lower(authority);
  if (path_start == std::string_view::npos)
    return out;
  auto rest_start = url.find_first_of("?#", path_start);
  out.path = std::string(url.substr(path_start, rest_start == std::string_view::npos
                                                  ? std::string_view::npos
                                                  : rest_start - path_start));
  if (rest_start != std::string_view::npos)
    out.rest = std::string(url.substr(rest_start));
  return out;
}

bool names_own_place(std::string_view target) {
  if (target.starts_with("//"))
    return true;
  auto end = target.find_first_of("?#");
  if (target.substr(0, end).find('\\') != std::string_view::npos)
    return true;
  // A scheme: a letter, then letters, digits, + - ., then a colon, all
  // before any / ? #.
  auto colon = target.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return false;
  if (target.substr(0, colon).find_first_of("/?#") != std::string_view::npos)
    return false;
  if (!std::isalpha(static_cast<unsigned char>(target[0])))
    return false;
  return std::all_of(target.begin(), target.begin() + colon, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
}

std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> out;
  bool absolute = path.starts_with('/');
  bool trailing = false;
  std::size_t start = absolute ? 1 : 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    auto segment = path.substr(start, slash == std::string_view::npos ? slash : slash - start);
    trailing = false;
    switch (dots_of(segment)) {
      case 1:
        trailing = true;
        break;
      case 2:
        if (!out.empty())
          out.pop_back();
        trailing = true;
        break;
      default:
        out.push_back(segment);
    }
    if (slash == std::string_view::npos)
      break;
    start = slash + 1;
  }
  std::string result = absolute ? "/" : "";
  for (std::size_t i = 0; i < out.size(); ++i)
    result += (i ? "/" : "") + std::string(out[i]);
  if (trailing && !out.empty())
    result += '/';
  return result;
}

bool path_within(std::string_view path, std::string_view base_path) {
  while (!base_path.empty() && base_path.back() == '/')
    base_path.remove_suffix(1);
  if (base_path.empty())
    return true;
  return path == base_path
         || (path.starts_with(base_path) && path.size() > base_path.size()
             && path[base_path.size()] == '/');
}

}  // namespace integrator
