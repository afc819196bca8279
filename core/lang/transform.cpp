#include "core/lang/transform.hpp"

#include <boost/json.hpp>

#include "core/lang/mapper2.hpp"
#include "core/lang/mapping.hpp"

namespace integrator {

namespace json = boost::json;

struct record_transform::plan {
  std::optional<mapping_v1> v1;
  std::optional<mapper_v2> v2;
  bool modify = false;
};

namespace {

// Copies `from` into `into`, object members recursively.
void merge(json::object& into, const json::object& from) {
  for (const auto& m : from) {
    auto it = into.find(m.key());
    if (it != into.end() && it->value().is_object() && m.value().is_object())
      merge(it->value().get_object(), m.value().get_object());
    else
      into[m.key()] = m.value();
  }
}

}  // namespace

result<record_transform> record_transform::compile(const json::value& transform) {
  auto fail = [](std::string why) { return invalid_input("Invalid transform: " + why); };
  record_transform t;
  const auto* o = transform.if_object();
  if (!o)
    return transform.is_null() ? result<record_transform>(t) : fail("transform must be an object");
  if (auto type = o->find("type"); type != o->end() && type->value() == "script")
    return t;
  auto e = o->find("expression");
  if (e == o->end() || !e->value().is_object())
    return t;
  const auto& expr = e->value().get_object();
  auto p = std::make_shared<plan>();
  if (auto v2 = expr.find("rulesTwoDotZero"); v2 != expr.end() && v2->value().is_object()) {
    const auto& rules = v2->value().get_object();
    if (auto mode = rules.find("mode"); mode != rules.end()) {
      if (mode->value() != "create" && mode->value() != "modify")
        return fail("mode must be create or modify");
      p->modify = mode->value() == "modify";
    }
    auto mappings = rules.find("mappings");
    auto lookups = rules.find("lookups");
    auto mapper = mapper_v2::compile(mappings == rules.end() ? json::value(json::array{}) : mappings->value(),
                                     lookups == rules.end() ? json::value(nullptr) : lookups->value());
    if (!mapper)
      return fail(mapper.error().message);
    p->v2 = std::move(*mapper);
  } else if (auto v1 = expr.find("rules"); v1 != expr.end()) {
    // Groups of {extract, generate}: one list of mapping 1.0 fields.
    json::array fields;
    if (!v1->value().is_array())
      return fail("rules must be an array");
    for (const auto& group : v1->value().get_array()) {
      if (!group.is_array())
        return fail("each rule group must be an array");
      for (const auto& rule : group.get_array())
        fields.push_back(rule);
    }
    auto mapping = mapping_v1::compile(json::object{{"fields", fields}}, nullptr);
    if (!mapping)
      return fail(mapping.error().message);
    p->v1 = std::move(*mapping);
  } else {
    return t;
  }
  t.plan_ = std::move(p);
  return t;
}

json::value record_transform::apply(const json::value& record,
                                    std::vector<std::string>& errors) const {
  if (!plan_)
    return record;
  auto mapped = plan_->v2 ? plan_->v2->apply(record, errors) : plan_->v1->apply(record, errors);
  if (!plan_->modify || !record.is_object() || !mapped.is_object())
    return mapped;
  json::value out = record;
  merge(out.get_object(), mapped.get_object());
  return out;
}

}  // namespace integrator
