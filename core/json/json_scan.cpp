#include "core/json/json_scan.hpp"
#include "core/json/json_depth.hpp"
#include "core/json/record_fields.hpp"

#include "core/json/simdjson_text.hpp"

#include "core/json/json_path.hpp"
#include "core/json/record_page.hpp"

#include <algorithm>

namespace integrator {

namespace od = simdjson::ondemand;

std::string json_pointer_of(const std::vector<std::string>& segments) {
  std::string out;
  for (const auto& s : segments)
    out += '/' + escape_pointer_token(s);
  return out;
}

const char* json_kernel_name() {
  // The macro, not simdjson::builtin_implementation(): that one is compiled
  // into the shared library, whose flags are not ours.
  return SIMDJSON_STRINGIFY(SIMDJSON_BUILTIN_IMPLEMENTATION);
}

struct json_scan::impl {
  od::parser parser;
  od::document doc;
  bool parsed = false;
  std::string_view body;       ///< padded: SIMDJSON_PADDING readable bytes follow
  // Read on the way to top-level records: the other top-level members
  // (paging fields, mostly), so text_at() answers them without skipping
  // through every record again.
  bool siblings_known = false;
  std::string records_key;
  std::vector<std::pair<std::string, std::string_view>> siblings;  ///< key, raw JSON
  bool records_within_depth = false;  ///< see records_nest_within_limit()
};

namespace {

// Judges the projected fields of an object record, then takes its text
// (the object rewound only when not every field was found: no second parse).
bool read_projected(od::value e, field_projection& p, std::string_view& raw) {
  od::json_type t;
  if (e.type().get(t))
    return false;
  if (t != od::json_type::object) {
    p.verdicts.push_back(field_projection::not_an_object);
    return raw_text_of(e, raw);
  }
  od::object obj;
  if (e.get_object().get(obj))
    return false;
  bool found_all = false;
  if (!project_object(obj, p.keys, p.scratch.get_object(), found_all))
    return false;
  if ((!found_all && obj.reset().error()) || obj.raw_json().get(raw))
    return false;
  raw = trim_json_space(raw);
  p.verdicts.push_back(p.judge(p.scratch));
  return true;
}

bool append_elements(od::array& a, std::vector<std::string_view>& out,
                     field_projection* projection) {
  for (auto el : a) {
    od::value e;
    std::string_view raw;
    if (el.get(e) || !(projection ? read_projected(e, *projection, raw) : raw_text_of(e, raw)))
      return false;
    out.push_back(raw);
  }
  return true;
}

// Judges records read whole (an object as the one record).
void project_rest(const std::vector<std::string_view>& out, field_projection* projection) {
  if (!projection)
    return;
  while (projection->verdicts.size() < out.size()) {
    auto fields = project_fields(out[projection->verdicts.size()], projection->keys, {});
    projection->verdicts.push_back(fields ? projection->judge(*fields)
                                          : field_projection::not_an_object);
  }
}

}  // namespace

json_scan::json_scan(std::string& body) : impl_(std::make_unique<impl>()) {
  auto size = body.size();
  body.reserve(size + simdjson::SIMDJSON_PADDING);
  impl_->parsed = !impl_->parser.iterate(body.data(), size, body.capacity()).get(impl_->doc);
  impl_->body = std::string_view(body.data(), size);
}

namespace {

// The on-demand parser reads only what it is asked for: skipping over a
// record, it counts brackets and does not check what is between them
// (`{"id":2 :"x"}` comes out as a record). simdjson's full parse checks the
// whole body (at about twice the cost of the scan: bench/record_costs);
// records go on as text unparsed, so a page's body is checked before any
// of its records do. That parse also keeps the nesting limit: a body no
// deeper than `deepest` levels cannot hold a record deeper than the limit
// (records start at least `path.size()` levels down), which spares every
// record its own nesting scan. Bodies up to 8 MiB reuse one parser per
// thread, so its buffers stay bounded by that.
enum class body_check { valid, valid_but_deep, malformed };

bool parses(simdjson::dom::parser& parser, std::string_view padded, simdjson::error_code& err) {
  simdjson::dom::element root;
  err = parser.parse(padded.data(), padded.size(), false).get(root);
  return err == simdjson::SUCCESS;
}

// `limited` admits `deepest` levels; on a depth error, `deep` (simdjson's
// own limit) tells a deep body from a malformed one.
body_check check_with(simdjson::dom::parser& limited, simdjson::dom::parser& deep, std::string_view padded) {
  simdjson::error_code err;
  if (parses(limited, padded, err))
    return body_check::valid;
  if (err != simdjson::DEPTH_ERROR)
    return body_check::malformed;
  return parses(deep, padded, err) ? body_check::valid_but_deep : body_check::malformed;
}

body_check check_body(std::string_view padded, std::size_t deepest) {
  constexpr std::size_t reused_up_to = 8u << 20;
  // simdjson's max_depth admits documents nesting one level less than it.
  auto limit = deepest + 1;
  if (padded.size() <= reused_up_to) {
    thread_local simdjson::dom::parser reused;
    thread_local simdjson::dom::parser deep;
    if (reused.max_depth() != limit && reused.allocate(std::max<std::size_t>(reused.capacity(), 4096), limit))
      return body_check::malformed;  // out of memory: nothing goes on
    return check_with(reused, deep, padded);
  }
  simdjson::dom::parser once, deep;
  if (once.allocate(padded.size(), limit))
    return body_check::malformed;
  return check_with(once, deep, padded);
}

}  // namespace

json_scan::~json_scan() = default;

bool json_scan::records_nest_within_limit() const { return impl_->records_within_depth; }

bool json_scan::records(const std::vector<std::string>& path, std::vector<std::string_view>& out,
                        field_projection* projection) {
  auto before = out.size();
  impl_->records_within_depth = false;
  bool ok = records_at(path, out, projection);
  if (ok) {
    auto verdict = check_body(impl_->body, path.size() + max_json_depth);
    ok = verdict != body_check::malformed;
    impl_->records_within_depth = verdict == body_check::valid;
  }
  if (ok) {
    project_rest(out, projection);
  } else {
    out.resize(before);  // nothing of a malformed body goes on
    if (projection)
      projection->verdicts.resize(std::min(projection->verdicts.size(), before));
    impl_->parsed = false;  // simdjson's document is not to be walked after an error
  }
  return ok;
}

bool json_scan::records_at(const std::vector<std::string>& path,
                           std::vector<std::string_view>& out, field_projection* projection) {
  if (!impl_->parsed)
    return false;
  auto& doc = impl_->doc;
  doc.rewind();
  od::json_type root_type;
  if (doc.type().get(root_type))
    return false;
  od::value v;
  if (path.empty()) {
    if (root_type == od::json_type::array) {
      od::array a;
      return !doc.get_array().get(a) && append_elements(a, out, projection);
    }
    if (root_type != od::json_type::object)
      return false;
    std::string_view raw;
    if (doc.raw_json().get(raw))
      return false;
    out.push_back(trim_json_space(raw));
    return true;
  }
  if (root_type != od::json_type::object && root_type != od::json_type::array)
    return true;  // a path into a number, a string…: no records, as a wrong path
  if (path.size() == 1 && root_type == od::json_type::object)
    return top_level_records(path[0], out, projection);
  auto found = doc.at_pointer(json_pointer_of(path));
  // A wrong path is no records, not an error. simdjson says a pointer that
  // goes on past a number, a string… is invalid syntax (ours is always
  // well-formed: json_pointer_of).
  if (found.error() == simdjson::NO_SUCH_FIELD || found.error() == simdjson::INDEX_OUT_OF_BOUNDS
      || found.error() == simdjson::INCORRECT_TYPE || found.error() == simdjson::INVALID_JSON_POINTER)
    return true;
  if (found.get(v))
    return false;
  od::json_type t;
  if (v.type().get(t))
    return false;
  if (t == od::json_type::array) {
    od::array a;
    return !v.get_array().get(a) && append_elements(a, out, projection);
  }
  if (t == od::json_type::object) {
    std::string_view raw;
    if (!raw_text_of(v, raw))
      return false;
    out.push_back(raw);
  }
  return true;
}

std::optional<std::size_t> json_scan::count_records(const std::vector<std::string>& path) {
  auto n = count_at(path);
  if (!n)
    impl_->parsed = false;  // simdjson's document is not to be walked after an error
  return n;
}

std::optional<std::size_t> json_scan::count_at(const std::vector<std::string>& path) {
  if (!impl_->parsed)
    return std::nullopt;
  std::size_t n = 0;
  auto& doc = impl_->doc;
  doc.rewind();
  od::json_type root_type;
  if (doc.type().get(root_type))
    return std::nullopt;
  if (path.size() == 1 && root_type == od::json_type::object) {
    std::vector<std::string_view> none;
    if (!top_level_records(path[0], none, nullptr, &n))
      return std::nullopt;
    return n;
  }
  std::vector<std::string_view> records;  // other shapes: read, then counted
  if (!records_at(path, records, nullptr))
    return std::nullopt;
  return records.size();
}

bool json_scan::top_level_records(const std::string& key, std::vector<std::string_view>& out,
                                  field_projection* projection, std::size_t* count) {
  od::object root;
  if (impl_->doc.get_object().get(root))
    return false;
  bool found = false;
  impl_->siblings.clear();
  for (auto item : root) {
    od::field field;
    std::string_view name;
    if (std::move(item).get(field) || !key_of(field, name))
      return false;
    if (!found && name == key) {
      found = true;
      od::value v = field.value();
      od::json_type t;
      if (v.type().get(t))
        return false;
      if (t == od::json_type::array) {
        od::array a;
        if (v.get_array().get(a))
          return false;
        if (count) {
          for (auto el : a) {  // each element skipped unread by the iterator
            if (el.error())
              return false;
            ++*count;
          }
          continue;
        }
        if (!append_elements(a, out, projection))
          return false;
        continue;
      }
      std::string_view raw;
      if (!raw_text_of(v, raw))
        return false;
      if (t == od::json_type::object) {
        if (count)
          ++*count;
        else
          out.push_back(raw);
      }
      continue;
    }
    std::string_view raw;
    if (!raw_text_of(field.value(), raw))
      return false;
    impl_->siblings.emplace_back(std::string(name), raw);
  }
  impl_->siblings_known = true;
  impl_->records_key = key;
  return true;
}

std::optional<std::string> json_scan::text_at(const std::vector<std::string>& path) {
  if (!impl_->parsed)
    return std::nullopt;
  if (impl_->siblings_known && path.size() == 1 && path[0] != impl_->records_key) {
    for (const auto& [name, raw] : impl_->siblings)
      if (name == path[0]) {
        if (raw.empty() || raw.front() != '"')
          return raw == "null" ? std::string() : std::string(raw);
        boost::system::error_code ec;  // a string: unescaped
        auto v = parse_json(raw, ec);
        return ec || !v.is_string() ? std::nullopt : std::optional<std::string>(v.get_string());
      }
    return std::nullopt;
  }
  auto& doc = impl_->doc;
  doc.rewind();
  od::value v;
  if (path.empty()) {
    std::string_view raw;
    if (doc.raw_json().get(raw))
      return std::nullopt;
    return std::string(trim_json_space(raw));
  }
  if (auto e = doc.at_pointer(json_pointer_of(path)).get(v)) {
    // Absent is an answer; anything else left the document unwalkable.
    if (e != simdjson::NO_SUCH_FIELD && e != simdjson::INDEX_OUT_OF_BOUNDS)
      impl_->parsed = false;
    return std::nullopt;
  }
  od::json_type t;
  if (v.type().get(t)) {
    impl_->parsed = false;
    return std::nullopt;
  }
  if (t == od::json_type::string) {
    std::string_view s;
    if (v.get_string().get(s))
      return std::nullopt;
    return std::string(s);
  }
  if (t == od::json_type::null)
    return std::string();
  std::string_view raw;
  if (!raw_text_of(v, raw))
    return std::nullopt;
  return std::string(raw);
}

}  // namespace integrator
