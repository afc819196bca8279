#include "core/api/route.hpp"

#include <algorithm>
#include <cctype>

#include "core/api/operations.hpp"
#include "core/util/encoding.hpp"
#include "core/util/object_id.hpp"

namespace integrator {

namespace {

// One segment of a compiled path pattern.
struct pattern_segment {
  enum class kind : std::uint8_t {
    literal,      ///< one of `alternatives`
    collection,   ///< a given collection (`kind`), any case
    any_collection,
    cloneable,
    object_id,    ///< into `into_sub_id` or id, "Invalid <label> id" when malformed
    state_key,
    api_identifier,
  };
  kind what = kind::literal;
  std::vector<std::string> alternatives;  ///< "~"-prefixed: any case
  resource_kind collection = resource_kind::connection;
  bool into_sub_id = false;
  std::string label;  ///< for object ids: "job", "step"…; empty: the resource's kind
};

struct compiled_row {
  const operation* op;
  bool admin;
  std::vector<pattern_segment> segments;
};

bool equals_nocase(std::string_view a, std::string_view b) {
  return a.size() == b.size()
         && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
              return std::tolower(static_cast<unsigned char>(x))
                     == std::tolower(static_cast<unsigned char>(y));
            });
}

pattern_segment compile_segment(std::string_view text) {
  pattern_segment s;
  using k = pattern_segment::kind;
  if (text.size() > 2 && text.front() == '{' && text.back() == '}') {
    auto name = text.substr(1, text.size() - 2);
    if (name == "collection")
      s.what = k::any_collection;
    else if (name == "cloneable")
      s.what = k::cloneable;
    else if (name == "key")
      s.what = k::state_key;
    else if (name == "apiIdentifier")
      s.what = k::api_identifier;
    else {
      s.what = k::object_id;
      s.into_sub_id = name == "step" || name == "error" || name == "retry" || name == "license";
      if (name != "id")
        s.label = name == "error" ? "job error" : std::string(name);
    }
    return s;
  }
  if (resource_kind kind; kind_from_collection(text, kind)) {
    s.what = k::collection;
    s.collection = kind;
    return s;
  }
  std::size_t start = 0;
  while (true) {
    auto bar = text.find('|', start);
    s.alternatives.emplace_back(text.substr(start, bar == std::string_view::npos ? bar : bar - start));
    if (bar == std::string_view::npos)
      break;
    start = bar + 1;
  }
  return s;
}

const std::vector<compiled_row>& compiled() {
  static const auto rows = [] {
    std::vector<compiled_row> out;
    for (const auto& op : operations()) {
      compiled_row row{&op, op.runner() == op_runner::operator_, {}};
      std::string_view path(op.path);
      std::size_t start = 1;  // past the leading '/'
      while (start <= path.size()) {
        auto slash = path.find('/', start);
        auto seg = path.substr(start, slash == std::string_view::npos ? slash : slash - start);
        row.segments.push_back(compile_segment(seg));
        if (slash == std::string_view::npos)
          break;
        start = slash + 1;
      }
      out.push_back(std::move(row));
    }
    return out;
  }();
  return rows;
}

bool literal_matches(const pattern_segment& s, const std::string& seg) {
  return std::any_of(s.alternatives.begin(), s.alternatives.end(), [&](const std::string& alt) {
    return alt.front() == '~' ? equals_nocase(std::string_view(alt).substr(1), seg) : alt == seg;
  });
}

bool is_api_identifier(const std::string& s) {
  return s.size() == 8 && s[0] == 'i'
         && std::all_of(s.begin() + 1, s.end(), [](char c) { return hex_value(c) >= 0; });
}

enum class match_outcome { no, bad_id, yes };

// Matches `path` against `row`, filling `call`. Ids are checked only once
// everything else matched, so a malformed one is reported only for a path
// shaped like the row.
match_outcome match(const compiled_row& row, const std::vector<std::string>& path, api_call& call,
                    api_error& bad) {
  using k = pattern_segment::kind;
  if (row.segments.size() != path.size())
    return match_outcome::no;
  // The resource a path names is its first collection's (/integrations/{id}/
  // flows names the integration), which check_named_resource looks up.
  bool named = false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto& s = row.segments[i];
    const auto& seg = path[i];
    switch (s.what) {
      case k::literal:
        if (!literal_matches(s, seg))
          return match_outcome::no;
        break;
      case k::collection: {
        resource_kind kind;
        if (!kind_from_collection(seg, kind) || kind != s.collection)
          return match_outcome::no;
        if (!named)
          call.kind = kind;
        named = true;
        break;
      }
      case k::any_collection:
      case k::cloneable:
        if (!kind_from_collection(seg, call.kind) || (s.what == k::cloneable && !info(call.kind).cloneable))
          return match_outcome::no;
        break;
      case k::state_key:
        if (seg.empty() || seg.size() > 512)
          return match_outcome::no;
        call.sub_id = seg;
        break;
      case k::api_identifier:
        if (!is_api_identifier(seg))
          return match_outcome::no;
        call.id = seg;
        break;
      case k::object_id:
        (s.into_sub_id ? call.sub_id : call.id) = seg;
        break;
    }
  }
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto& s = row.segments[i];
    if (s.what == k::object_id && !is_object_id(path[i])) {
      auto what = s.label.empty() ? std::string(info(call.kind).singular) : s.label;
      bad = make_api_error(error_code::not_found, "Invalid " + what + " id");
      return match_outcome::bad_id;
    }
  }
  return match_outcome::yes;
}

}  // namespace

route_result route(std::string_view method, bool admin, const std::vector<std::string>& segments) {
  route_result r;
  api_error bad_id;
  for (const auto& row : compiled()) {
    if (row.admin != admin)
      continue;
    api_call call;
    api_error bad;
    switch (match(row, segments, call, bad)) {
      case match_outcome::no:
        continue;
      case match_outcome::bad_id:
        if (!bad_id)
          bad_id = std::move(bad);
        continue;
      case match_outcome::yes:
        break;
    }
    if (method == row.op->method) {
      call.op = row.op->op;
      call.scoped = row.op->scoped;
      r.call = std::move(call);
      r.allow.clear();
      return r;
    }
    // The path exists; the method may come with a later row.
    std::string verb = row.op->method;
    if (r.allow.find(verb) == std::string::npos)
      r.allow += (r.allow.empty() ? "" : ", ") + verb;
  }
  if (!r.allow.empty())
    r.error = make_api_error(error_code::method_not_allowed, std::string(method) + " is not allowed here");
  else if (bad_id)
    r.error = std::move(bad_id);
  else
    r.error = make_api_error(error_code::not_found, "No such endpoint");
  return r;
}

}  // namespace integrator
