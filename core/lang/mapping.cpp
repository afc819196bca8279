#include "core/lang/mapping.hpp"

#include <boost/json.hpp>

#include <cmath>

#include "core/util/decimal.hpp"
#include "core/json/json_path.hpp"

namespace integrator {

namespace json = boost::json;


bool is_data_type(const std::string& type, bool structured) {
  static const char* const scalar[] = {"string", "number", "boolean", "stringarray",
                                       "numberarray", "booleanarray"};
  for (auto t : scalar)
    if (type == t)
      return true;
  return structured && (type == "object" || type == "objectarray" || type == "arrayarray");
}

json::value convert_data_type(const json::value& v, const std::string& type) {
  if (type.empty() || v.is_null())
    return v;
  if (type == "string")
    return json::value(text_of(v));
  if (type == "number") {
    if (v.is_number())
      return v;
    auto s = text_of(v);
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0')
      return nullptr;
    if (d == std::floor(d) && std::fabs(d) < 9e15)
      return json::value(static_cast<std::int64_t>(d));
    return json::value(d);
  }
  if (type == "boolean") {
    if (v.is_bool())
      return v;
    auto s = text_of(v);
    return json::value(s == "true" || s == "1" || s == "yes");
  }
  if (type == "stringarray" || type == "numberarray" || type == "booleanarray") {
    json::array out;
    std::string one = type.substr(0, type.size() - 5);
    if (const auto* a = v.if_array())
      for (const auto& e : *a)
        out.push_back(convert_data_type(e, one));
    else
      out.push_back(convert_data_type(v, one));
    return out;
  }
  return v;
}

namespace {

std::optional<mapping_v1::field> compile_field(const json::value& v,
                                               const std::vector<static_lookup>& lookups,
                                               const std::string& where, std::string& error) {
  const auto* o = v.if_object();
  if (!o) {
    error = where + " must be an object";
    return std::nullopt;
  }
  mapping_v1::field f;
  auto gen = o->find("generate");
  if (gen == o->end() || !gen->value().is_string() || gen->value().get_string().empty()) {
    error = where + ".generate is required";
    return std::nullopt;
  }
  f.generate = split_path(gen->value().get_string());
  if (auto h = o->find("hardCodedValue"); h != o->end() && !h->value().is_null()) {
    f.hard_coded = h->value();
  } else if (auto e = o->find("extract"); e != o->end() && e->value().is_string()) {
    f.extract = split_path(e->value().get_string());
  } else {
    error = where + " needs extract or hardCodedValue";
    return std::nullopt;
  }
  if (auto d = o->find("dataType"); d != o->end() && d->value().is_string()) {
    f.data_type = std::string(d->value().get_string());
    if (!is_data_type(f.data_type, false)) {
      error = where + ".dataType \"" + f.data_type + "\" is not supported";
      return std::nullopt;
    }
  }
  if (auto l = o->find("lookupName"); l != o->end() && l->value().is_string()) {
    const auto* found = find_lookup(lookups, l->value().get_string());
    if (!found) {
      error = where + ".lookupName names no lookup of this import";
      return std::nullopt;
    }
    f.via = *found;
  }
  return f;
}

// The value of `f` for `record`, or nullopt (with an error) when its lookup fails.
std::optional<json::value> value_of(const mapping_v1::field& f, const json::value& record,
                                    std::vector<std::string>& errors) {
  json::value v = f.hard_coded ? *f.hard_coded : extract_all(record, f.extract);
  if (f.via) {
    std::string error;
    auto mapped = f.via->apply(v, error);
    if (!mapped) {
      errors.push_back(std::move(error));
      return std::nullopt;
    }
    v = std::move(*mapped);
  }
  return convert_data_type(v, f.data_type);
}

}  // namespace

result<mapping_v1> mapping_v1::compile(const json::value& mapping, const json::value& lookups_json) {
  std::string why;
  auto fail = [](std::string w) { return invalid_input("Invalid mapping: " + w); };
  auto parsed = parse_static_lookups(lookups_json, why);
  if (!parsed)
    return fail(why);
  const auto& lookups = *parsed;
  mapping_v1 m;
  const auto* o = mapping.if_object();
  if (!o)
    return mapping.is_null() ? result<mapping_v1>(m) : fail("mapping must be an object");
  if (auto fs = o->find("fields"); fs != o->end()) {
    if (!fs->value().is_array())
      return fail("fields must be an array");
    const auto& arr = fs->value().get_array();
    for (size_t i = 0; i < arr.size(); ++i) {
      auto f = compile_field(arr[i], lookups, "fields[" + std::to_string(i) + "]", why);
      if (!f)
        return fail(why);
      m.fields_.push_back(std::move(*f));
    }
  }
  if (auto ls = o->find("lists"); ls != o->end()) {
    if (!ls->value().is_array())
      return fail("lists must be an array");
    const auto& arr = ls->value().get_array();
    for (size_t i = 0; i < arr.size(); ++i) {
      auto where = "lists[" + std::to_string(i) + "]";
      const auto* lo = arr[i].if_object();
      if (!lo || !lo->contains("generate") || !lo->at("generate").is_string())
        return fail(where + ".generate is required");
      list l;
      l.generate = split_path(lo->at("generate").get_string());
      if (auto lf = lo->find("fields"); lf != lo->end() && lf->value().is_array()) {
        const auto& fa = lf->value().get_array();
        for (size_t j = 0; j < fa.size(); ++j) {
          auto f = compile_field(fa[j], lookups, where + ".fields[" + std::to_string(j) + "]", why);
          if (!f)
            return fail(why);
          l.fields.push_back(std::move(*f));
        }
      }
      m.lists_.push_back(std::move(l));
    }
  }
  return m;
}

json::value mapping_v1::apply(const json::value& record, std::vector<std::string>& errors) const {
  json::object out;
  for (const auto& f : fields_)
    if (auto v = value_of(f, record, errors))
      assign_path(out, f.generate, std::move(*v));
  for (const auto& l : lists_) {
    // Evaluate each field once; arrays give one value per row.
    std::vector<std::optional<json::value>> columns;
    size_t rows = 0;
    for (const auto& f : l.fields) {
      mapping_v1::field whole = f;
      whole.data_type.clear();
      whole.via.reset();
      auto v = value_of(whole, record, errors);
      if (v && v->is_array())
        rows = std::max(rows, v->get_array().size());
      columns.push_back(std::move(v));
    }
    json::array items;
    for (size_t r = 0; r < rows; ++r) {
      json::object row;
      for (size_t c = 0; c < l.fields.size(); ++c) {
        if (!columns[c])
          continue;
        const auto& col = *columns[c];
        json::value cell = col.is_array() ? (r < col.get_array().size() ? col.get_array()[r]
                                                                          : json::value(nullptr))
                                          : col;
        // Lookups and types apply per cell, as for a plain field.
        mapping_v1::field per_cell = l.fields[c];
        per_cell.hard_coded = std::move(cell);
        if (auto v = value_of(per_cell, record, errors))
          assign_path(row, per_cell.generate, std::move(*v));
      }
      items.push_back(std::move(row));
    }
    assign_path(out, l.generate, std::move(items));
  }
  return out;
}

}  // namespace integrator
