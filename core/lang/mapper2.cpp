#include "core/lang/mapper2.hpp"

#include <boost/json.hpp>


#include "core/lang/handlebars.hpp"
#include "core/json/json_path.hpp"
#include "core/lang/mapping.hpp"
#include "core/lang/static_lookup.hpp"

namespace integrator {

namespace json = boost::json;

struct value_source {
  enum class kind { none, path, tmpl, literal } k = kind::none;
  std::vector<std::string> path;
  std::optional<handlebars_template> tmpl;
  json::value literal;
};

struct array_part {
  value_source extract;
  std::vector<mapper_v2::rule> mappings;
  bool only_if_not_empty = false;
  std::optional<json::value> fallback;
};

struct mapper_v2::rule {
  std::string generate;
  std::string data_type;
  value_source extract;
  std::optional<json::value> fallback;
  std::optional<static_lookup> via;
  bool only_if_not_empty = false;
  std::vector<rule> children;
  std::vector<array_part> parts;
};

namespace {

using rule = mapper_v2::rule;

bool is_array_type(const std::string& t) {
  return t.size() > 5 && t.compare(t.size() - 5, 5, "array") == 0;
}

bool empty(const json::value& v) {
  return v.is_null() || (v.is_string() && v.get_string().empty())
         || (v.is_array() && v.get_array().empty());
}

std::optional<value_source> compile_source(const json::value* v, const std::string& where,
                                           std::string& error) {
  value_source s;
  if (!v || v->is_null())
    return s;
  if (!v->is_string()) {
    error = where + ".extract must be a string";
    return std::nullopt;
  }
  std::string_view text = v->get_string();
  if (text.substr(0, 1) == "$") {
    s.k = value_source::kind::path;
    s.path = split_path(text);
  } else if (text.find("{{") != std::string_view::npos) {
    auto compiled = handlebars_template::compile(text);
    if (compiled)
      s.tmpl = std::move(*compiled);
    std::string why = compiled ? std::string() : compiled.error().message;
    if (!s.tmpl) {
      error = where + ".extract: " + why;
      return std::nullopt;
    }
    s.k = value_source::kind::tmpl;
  } else {
    s.k = value_source::kind::literal;
    s.literal = json::string(text);
  }
  return s;
}

bool compile_rules(const json::value& v, const std::vector<static_lookup>& lookups,
                   const std::string& where, std::vector<rule>& out, std::string& error);

std::optional<rule> compile_rule(const json::value& v, const std::vector<static_lookup>& lookups,
                                 const std::string& where, std::string& error) {
  const auto* o = v.if_object();
  if (!o) {
    error = where + " must be an object";
    return std::nullopt;
  }
  rule r;
  auto str = [&](const char* k) -> std::string {
    auto it = o->find(k);
    return it != o->end() && it->value().is_string() ? std::string(it->value().get_string()) : "";
  };
  r.generate = str("generate");
  r.data_type = str("dataType");
  if (r.data_type.empty())
    r.data_type = "string";
  if (!is_data_type(r.data_type, true)) {
    error = where + ".dataType \"" + r.data_type + "\" is not supported";
    return std::nullopt;
  }
  auto src = compile_source(o->if_contains("extract"), where, error);
  if (!src)
    return std::nullopt;
  r.extract = std::move(*src);
  if (auto d = o->find("default"); d != o->end() && !d->value().is_null())
    r.fallback = d->value();
  if (auto c = o->find("conditional"); c != o->end() && c->value().is_object())
    if (auto w = c->value().get_object().find("when"); w != c->value().get_object().end())
      r.only_if_not_empty = w->value() == "extract_not_empty";
  if (auto l = str("lookupName"); !l.empty()) {
    const auto* found = find_lookup(lookups, l);
    if (!found) {
      error = where + ".lookupName names no lookup of this import";
      return std::nullopt;
    }
    r.via = *found;
  }
  if (auto m = o->find("mappings"); m != o->end())
    if (!compile_rules(m->value(), lookups, where + ".mappings", r.children, error))
      return std::nullopt;
  if (auto b = o->find("buildArrayHelper"); b != o->end()) {
    if (!b->value().is_array()) {
      error = where + ".buildArrayHelper must be an array";
      return std::nullopt;
    }
    const auto& parts = b->value().get_array();
    for (size_t i = 0; i < parts.size(); ++i) {
      auto pw = where + ".buildArrayHelper[" + std::to_string(i) + "]";
      const auto* po = parts[i].if_object();
      if (!po) {
        error = pw + " must be an object";
        return std::nullopt;
      }
      array_part p;
      auto ps = compile_source(po->if_contains("extract"), pw, error);
      if (!ps)
        return std::nullopt;
      p.extract = std::move(*ps);
      if (auto m = po->find("mappings"); m != po->end())
        if (!compile_rules(m->value(), lookups, pw + ".mappings", p.mappings, error))
          return std::nullopt;
      if (auto d = po->find("default"); d != po->end() && !d->value().is_null())
        p.fallback = d->value();
      if (auto c = po->find("conditional"); c != po->end() && c->value().is_object())
        if (auto w = c->value().get_object().find("when"); w != c->value().get_object().end())
          p.only_if_not_empty = w->value() == "extract_not_empty";
      r.parts.push_back(std::move(p));
    }
  }
  if (r.generate.empty() && r.data_type != "stringarray" && r.data_type != "numberarray"
      && r.data_type != "booleanarray" && r.data_type != "objectarray") {
    error = where + ".generate is required";
    return std::nullopt;
  }
  return r;
}

bool compile_rules(const json::value& v, const std::vector<static_lookup>& lookups,
                   const std::string& where, std::vector<rule>& out, std::string& error) {
  const auto* arr = v.if_array();
  if (!arr) {
    error = where + " must be an array";
    return false;
  }
  for (size_t i = 0; i < arr->size(); ++i) {
    auto r = compile_rule((*arr)[i], lookups, where + "[" + std::to_string(i) + "]", error);
    if (!r)
      return false;
    out.push_back(std::move(*r));
  }
  return true;
}

json::value evaluate(const value_source& s, const json::value& record,
                     std::vector<std::string>& errors) {
  switch (s.k) {
    case value_source::kind::none: return nullptr;
    case value_source::kind::path: return extract_all(record, s.path);
    case value_source::kind::literal: return s.literal;
    case value_source::kind::tmpl: {
      auto text = s.tmpl->render(json::object{{"record", record}}, template_escape::none);
      if (!text) {
        errors.push_back(text.error().message);
        return nullptr;
      }
      return json::string(*text);
    }
  }
  return nullptr;
}

// What one array rule may copy while it fans out: a path over nested
// arrays multiplies their sizes, and every composite is a copy of the
// record, so the work is bounded by values copied, not composites made.
constexpr std::size_t max_copied_values = 20'000'000;

std::size_t value_count(const json::value& v) {
  std::size_t n = 1;
  if (const auto* o = v.if_object())
    for (const auto& m : *o)
      n += value_count(m.value());
  else if (const auto* a = v.if_array())
    for (const auto& e : *a)
      n += value_count(e);
  return n;
}

struct fan_out {
  std::vector<json::value> out;
  std::size_t copy_cost = 1;  ///< values in the record: what a copy costs at most
  std::size_t copied = 0;
  bool over() const { return copied > max_copied_values; }
};

// Every composite record for `path` ("$.a[*].b[*]"): a copy of the record
// in which each array the path fans out over is replaced by one element.
void composites(const json::value& whole, const std::vector<std::string>& path, size_t i,
                std::vector<std::string>& keys, fan_out& f) {
  // The value `keys` leads to in `whole` (arrays already replaced above).
  const json::value* cur = &whole;
  for (const auto& k : keys) {
    const auto* o = cur->if_object();
    if (!o || !o->contains(k))
      return;
    cur = &o->at(k);
  }
  if (i == path.size()) {
    if (!cur->is_null() && !f.over()) {
      f.copied += f.copy_cost;
      f.out.push_back(whole);
    }
    return;
  }
  if (path[i] == "*" && !keys.empty()) {
    const auto* arr = cur->if_array();
    if (!arr)
      return;
    for (const auto& element : *arr) {
      f.copied += f.copy_cost;
      if (f.over())
        return;
      json::value copy = whole;
      json::value* c = &copy;
      for (size_t k = 0; k + 1 < keys.size(); ++k)
        c = &c->get_object()[keys[k]];
      c->get_object()[keys.back()] = element;
      composites(copy, path, i + 1, keys, f);
    }
    return;
  }
  keys.push_back(path[i]);
  composites(whole, path, i + 1, keys, f);
  keys.pop_back();
}

json::value build(const rule& r, const json::value& record, std::vector<std::string>& errors,
                  bool& skip);

json::value build_object(const std::vector<rule>& rules, const json::value& record,
                         std::vector<std::string>& errors) {
  json::object out;
  for (const auto& r : rules) {
    bool skip = false;
    auto v = build(r, record, errors, skip);
    if (!skip)
      out[r.generate] = std::move(v);
  }
  return out;
}

json::value build(const rule& r, const json::value& record, std::vector<std::string>& errors,
                  bool& skip) {
  if (r.data_type == "object") {
    if (!r.children.empty())
      return build_object(r.children, record, errors);
    auto v = evaluate(r.extract, record, errors);
    skip = r.only_if_not_empty && empty(v);
    return v;
  }
  if (is_array_type(r.data_type)) {
    if (r.parts.empty()) {
      auto v = evaluate(r.extract, record, errors);
      skip = r.only_if_not_empty && empty(v);
      if (r.data_type == "objectarray" || r.data_type == "arrayarray")
        return v;
      return convert_data_type(v, r.data_type);
    }
    json::array out;
    std::string element = r.data_type.substr(0, r.data_type.size() - 5);
    for (const auto& p : r.parts) {
      bool objects = r.data_type == "objectarray" || r.data_type == "arrayarray";
      if (p.mappings.empty() || !objects) {
        auto v = evaluate(p.extract, record, errors);
        if (empty(v) && p.fallback)
          v = *p.fallback;
        auto add = [&](const json::value& e) {
          if (p.only_if_not_empty && empty(e))
            return;
          out.push_back(objects ? e : convert_data_type(e, element));
        };
        if (const auto* a = v.if_array())
          for (const auto& e : *a)
            add(e);
        else if (!v.is_null())
          add(v);
        continue;
      }
      fan_out f;
      std::vector<std::string> keys;
      if (p.extract.k == value_source::kind::path) {
        f.copy_cost = value_count(record);
        composites(record, p.extract.path, 0, keys, f);
      } else {
        f.out.push_back(record);
      }
      if (f.over()) {
        errors.push_back(r.generate + ": its combinations of array elements would copy more than "
                         + std::to_string(max_copied_values) + " values");
        return nullptr;
      }
      for (const auto& c : f.out) {
        if (r.data_type == "arrayarray") {
          bool child_skip = false;
          out.push_back(build(p.mappings.front(), c, errors, child_skip));
        } else {
          out.push_back(build_object(p.mappings, c, errors));
        }
      }
    }
    return out;
  }
  auto v = evaluate(r.extract, record, errors);
  if (r.via) {
    std::string error;
    auto mapped = r.via->apply(v, error);
    if (!mapped) {
      errors.push_back(std::move(error));
      skip = true;
      return nullptr;
    }
    v = std::move(*mapped);
  }
  if (empty(v) && r.fallback)
    v = *r.fallback;
  if (r.only_if_not_empty && empty(v)) {
    skip = true;
    return nullptr;
  }
  return convert_data_type(v, r.data_type);
}

}  // namespace

result<mapper_v2> mapper_v2::compile(const json::value& mappings, const json::value& lookups_json) {
  std::string why;
  auto lookups = parse_static_lookups(lookups_json, why);
  if (!lookups)
    return invalid_input("Invalid mappings: " + why);
  auto rules = std::make_shared<std::vector<rule>>();
  if (!compile_rules(mappings, *lookups, "mappings", *rules, why))
    return invalid_input("Invalid mappings: " + why);
  mapper_v2 m;
  m.rules_ = std::move(rules);
  return m;
}

json::value mapper_v2::apply(const json::value& record, std::vector<std::string>& errors) const {
  return build_object(*rules_, record, errors);
}

}  // namespace integrator
