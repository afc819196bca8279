#include "core/lang/filter_expression.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <re2/re2.h>

#include <memory>
#include <unordered_map>
#include <vector>

#include "core/util/iso_time.hpp"
#include "core/json/json_path.hpp"

namespace integrator {

namespace json = boost::json;

enum class op_kind {
  literal, extract, settings,                                   // values
  to_number, to_string, to_boolean, to_epoch,                   // casts
  lowercase, uppercase, ceiling, floor, abs,                    // functions
  equals, notequals, greaterthan, greaterthanequals, lessthan, lessthanequals,
  startswith, endswith, contains, doesnotcontain, matches, isempty, isnotempty, anyof,
  and_, or_, not_,
};

struct filter_expression::node {
  op_kind kind;
  json::value literal;
  std::vector<std::string> path;  ///< extract/settings, split at '.' and '[n]'
  std::vector<std::shared_ptr<const node>> args;
  std::shared_ptr<const re2::RE2> regex;  ///< matches with a literal pattern
};

namespace {

using node_ptr = std::shared_ptr<const filter_expression::node>;

struct op_row {
  const char* name;
  op_kind kind;
  int min_args;
  int max_args;  ///< -1: any
};

constexpr op_row op_rows[] = {
  {"extract", op_kind::extract, 1, 1},        {"settings", op_kind::settings, 1, 1},
  {"number", op_kind::to_number, 1, 1},       {"string", op_kind::to_string, 1, 1},
  {"boolean", op_kind::to_boolean, 1, 1},     {"epochtime", op_kind::to_epoch, 1, 1},
  {"lowercase", op_kind::lowercase, 1, 1},    {"uppercase", op_kind::uppercase, 1, 1},
  {"ceiling", op_kind::ceiling, 1, 1},        {"floor", op_kind::floor, 1, 1},
  {"abs", op_kind::abs, 1, 1},                {"equals", op_kind::equals, 2, 2},
  {"notequals", op_kind::notequals, 2, 2},    {"greaterthan", op_kind::greaterthan, 2, 2},
  {"greaterthanequals", op_kind::greaterthanequals, 2, 2},
  {"lessthan", op_kind::lessthan, 2, 2},      {"lessthanequals", op_kind::lessthanequals, 2, 2},
  {"startswith", op_kind::startswith, 2, 2},  {"endswith", op_kind::endswith, 2, 2},
  {"contains", op_kind::contains, 2, 2},      {"doesnotcontain", op_kind::doesnotcontain, 2, 2},
  {"matches", op_kind::matches, 2, 2},        {"isempty", op_kind::isempty, 1, 1},
  {"isnotempty", op_kind::isnotempty, 1, 1},  {"anyof", op_kind::anyof, 2, 2},
  {"and", op_kind::and_, 1, -1},              {"or", op_kind::or_, 1, -1},
  {"not", op_kind::not_, 1, 1},
};

node_ptr compile_node(const json::value& v, std::string& error) {
  auto literal = [&] {
    auto n = std::make_shared<filter_expression::node>();
    n->kind = op_kind::literal;
    n->literal = v;
    return n;
  };
  const auto* arr = v.if_array();
  if (!arr || arr->empty() || !(*arr)[0].is_string())
    return literal();
  std::string_view name = (*arr)[0].get_string();
  const op_row* row = nullptr;
  for (const auto& r : op_rows)
    if (name == r.name)
      row = &r;
  if (!row)
    return literal();  // an array literal such as anyof's list
  int argc = static_cast<int>(arr->size()) - 1;
  if (argc < row->min_args || (row->max_args >= 0 && argc > row->max_args)) {
    error = "\"" + std::string(name) + "\" takes " + std::to_string(row->min_args)
            + (row->max_args < 0 ? " or more" : "") + " argument(s)";
    return nullptr;
  }
  auto n = std::make_shared<filter_expression::node>();
  n->kind = row->kind;
  if (row->kind == op_kind::extract || row->kind == op_kind::settings) {
    if (!(*arr)[1].is_string()) {
      error = "\"" + std::string(name) + "\" needs a field path string";
      return nullptr;
    }
    n->path = split_path((*arr)[1].get_string());
    return n;
  }
  for (int i = 1; i <= argc; ++i) {
    auto child = compile_node((*arr)[static_cast<size_t>(i)], error);
    if (!child)
      return nullptr;
    n->args.push_back(std::move(child));
  }
  if (row->kind == op_kind::matches && n->args[1]->kind == op_kind::literal) {
    if (!n->args[1]->literal.is_string()) {
      error = "\"matches\" needs a regular expression string";
      return nullptr;
    }
    auto re = std::make_shared<const re2::RE2>(std::string(n->args[1]->literal.get_string()),
                                               re2::RE2::Quiet);
    if (!re->ok()) {
      error = "bad regular expression: " + re->error();
      return nullptr;
    }
    n->regex = std::move(re);
  }
  return n;
}

// A pattern computed per record (from the record or the settings): compiled
// once per thread and kept, a few dozen at most. RE2 matches in linear time,
// so no pattern a user writes can stall the engine; one RE2 cannot compile
// (a backreference, a lookaround) matches nothing.
const re2::RE2* computed_regex(const std::string& pattern) {
  thread_local std::unordered_map<std::string, std::unique_ptr<const re2::RE2>> cache;
  if (auto it = cache.find(pattern); it != cache.end())
    return it->second->ok() ? it->second.get() : nullptr;
  if (cache.size() >= 64)
    cache.clear();
  auto& re = cache[pattern] = std::make_unique<const re2::RE2>(pattern, re2::RE2::Quiet);
  return re->ok() ? re.get() : nullptr;
}

std::optional<double> number_of(const json::value& v) {
  if (v.is_number())
    return v.to_number<double>();
  if (v.is_bool())
    return v.get_bool() ? 1.0 : 0.0;
  if (v.is_string()) {
    std::string s(v.get_string());
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end && *end == '\0')
      return d;
  }
  return std::nullopt;
}

bool is_empty(const json::value& v) {
  return v.is_null() || (v.is_string() && v.get_string().empty())
         || (v.is_array() && v.get_array().empty()) || (v.is_object() && v.get_object().empty());
}

bool truthy(const json::value& v) {
  if (v.is_bool())
    return v.get_bool();
  if (v.is_string())
    return !v.get_string().empty() && v.get_string() != "false";
  if (auto n = number_of(v))
    return *n != 0;
  return !is_empty(v);
}

// Orders two values: numbers numerically, everything else as text.
int compare(const json::value& a, const json::value& b) {
  if (a.is_number() || b.is_number()) {
    auto x = number_of(a), y = number_of(b);
    if (x && y)
      return *x < *y ? -1 : (*x > *y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {  // the common case, without copies
    auto c = std::string_view(a.get_string()).compare(std::string_view(b.get_string()));
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  auto x = text_of(a), y = text_of(b);
  return x.compare(y) < 0 ? -1 : (x == y ? 0 : 1);
}

// What an operator gives: a value it made, or one it only points at (a
// record's field, a literal, or one of the constants below: a test's true
// or false, null), so reading a field or answering a test per record makes
// no JSON value (Boost.JSON's constructors and destructor are library calls).
class operand {
public:
  operand() : ref_(&null_value) {}
  operand(json::value v) : owned_(std::move(v)) {}  // NOLINT: made values convert
  static operand at(const json::value& v) {
    operand o;
    o.ref_ = &v;
    return o;
  }
  static operand truth(bool b) { return at(b ? yes : no); }
  const json::value& operator*() const { return ref_ ? *ref_ : *owned_; }
  const json::value* operator->() const { return &**this; }

private:
  static inline const json::value null_value, yes = json::value(true), no = json::value(false);
  std::optional<json::value> owned_;
  const json::value* ref_ = nullptr;
};

operand eval(const filter_expression::node& n, const json::value& record, const json::value& settings) {
  auto arg = [&](size_t i) { return eval(*n.args[i], record, settings); };
  auto text = [&](size_t i) { return text_of(*arg(i)); };
  auto text_fn = [&](auto f) -> operand {
    auto v = arg(0);
    if (!v->is_string())
      return v;
    std::string s(v->get_string());
    std::transform(s.begin(), s.end(), s.begin(), f);
    return json::value(s);
  };
  auto math_fn = [&](double (*f)(double)) -> operand {
    auto v = number_of(*arg(0));
    return v ? json::value(f(*v)) : json::value(nullptr);
  };
  switch (n.kind) {
    case op_kind::literal:
      return operand::at(n.literal);
    case op_kind::extract:
    case op_kind::settings: {
      const auto* v = find_path(n.kind == op_kind::extract ? record : settings, n.path);
      return v ? operand::at(*v) : operand();
    }
    case op_kind::to_number: {
      auto v = number_of(*arg(0));
      return v ? json::value(*v) : json::value(nullptr);
    }
    case op_kind::to_string:
      return json::value(text(0));
    case op_kind::to_boolean:
      return operand::truth(truthy(*arg(0)));
    case op_kind::to_epoch: {
      auto v = arg(0);
      if (v->is_number())
        return v;
      auto ms = parse_iso_ms(text_of(*v));
      return ms ? json::value(*ms) : json::value(nullptr);
    }
    case op_kind::lowercase:
      return text_fn([](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    case op_kind::uppercase:
      return text_fn([](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    case op_kind::ceiling:
      return math_fn([](double d) { return std::ceil(d); });
    case op_kind::floor:
      return math_fn([](double d) { return std::floor(d); });
    case op_kind::abs:
      return math_fn([](double d) { return std::fabs(d); });
    case op_kind::equals:
      return operand::truth(compare(*arg(0), *arg(1)) == 0);
    case op_kind::notequals:
      return operand::truth(compare(*arg(0), *arg(1)) != 0);
    case op_kind::greaterthan:
      return operand::truth(compare(*arg(0), *arg(1)) > 0);
    case op_kind::greaterthanequals:
      return operand::truth(compare(*arg(0), *arg(1)) >= 0);
    case op_kind::lessthan:
      return operand::truth(compare(*arg(0), *arg(1)) < 0);
    case op_kind::lessthanequals:
      return operand::truth(compare(*arg(0), *arg(1)) <= 0);
    case op_kind::startswith:
      return operand::truth(text(0).rfind(text(1), 0) == 0);
    case op_kind::endswith: {
      auto s = text(0), t = text(1);
      return operand::truth(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0);
    }
    case op_kind::contains:
    case op_kind::doesnotcontain: {
      bool found = text(0).find(text(1)) != std::string::npos;
      return operand::truth(n.kind == op_kind::contains ? found : !found);
    }
    case op_kind::matches: {
      auto subject = text(0);
      const auto* re = n.regex ? n.regex.get() : computed_regex(text(1));
      return operand::truth(re && re2::RE2::PartialMatch(subject, *re));
    }
    case op_kind::isempty:
      return operand::truth(is_empty(*arg(0)));
    case op_kind::isnotempty:
      return operand::truth(!is_empty(*arg(0)));
    case op_kind::anyof: {
      auto value = arg(0), list = arg(1);
      const auto* options = list->if_array();
      if (!options)
        return operand::truth(compare(*value, *list) == 0);
      auto in_list = [&](const json::value& x) {
        return std::any_of(options->begin(), options->end(),
                           [&](const json::value& o) { return compare(x, o) == 0; });
      };
      if (const auto* values = value->if_array())
        return operand::truth(std::any_of(values->begin(), values->end(), in_list));
      return operand::truth(in_list(*value));
    }
    case op_kind::and_:
      for (size_t i = 0; i < n.args.size(); ++i)
        if (!truthy(*arg(i)))
          return operand::truth(false);
      return operand::truth(true);
    case op_kind::or_:
      for (size_t i = 0; i < n.args.size(); ++i)
        if (truthy(*arg(i)))
          return operand::truth(true);
      return operand::truth(false);
    case op_kind::not_:
      return operand::truth(!truthy(*arg(0)));
  }
  return {};
}

}  // namespace

result<filter_expression> filter_expression::compile(const json::value& rules) {
  if (rules.is_null() || (rules.is_array() && rules.get_array().empty()))
    return filter_expression(nullptr);
  const auto* arr = rules.if_array();
  std::string why;
  if (!arr || !(*arr)[0].is_string()) {
    why = "rules must be an array that starts with an operator";
  } else if (auto root = compile_node(rules, why); root) {
    if (root->kind == op_kind::literal)
      why = "unknown operator \"" + std::string((*arr)[0].get_string()) + "\"";
    else
      return filter_expression(std::move(root));
  }
  return invalid_input(why);
}

result<filter_expression> filter_expression::compile_filter(const json::value& filter) {
  const auto* f = filter.if_object();
  if (!f) {
    if (filter.is_null())
      return filter_expression(nullptr);
    return invalid_input("a filter must be an object");
  }
  auto type = f->find("type");
  if (type != f->end() && type->value().is_string() && type->value().get_string() == "script")
    return filter_expression(nullptr);  // script filters run as hooks (a later step)
  // Both {"expression":{"version":"1","rules":[…]}} and flat {"rules":[…]}.
  const json::object* expr = f;
  if (auto e = f->find("expression"); e != f->end() && e->value().is_object())
    expr = &e->value().get_object();
  if (auto v = expr->find("version"); v != expr->end()) {
    auto text = text_of(v->value());
    if (text != "1")
      return invalid_input("unsupported filter version \"" + text + "\"");
  }
  auto rules = expr->find("rules");
  return compile(rules == expr->end() ? json::value(nullptr) : rules->value());
}

bool filter_expression::matches(const json::value& record, const json::value& settings) const {
  return !root_ || truthy(*eval(*root_, record, settings));
}

std::vector<std::string> filter_expression::record_fields() const {
  std::vector<std::string> out;
  std::vector<const node*> unvisited;
  if (root_)
    unvisited.push_back(root_.get());
  while (!unvisited.empty()) {
    const node* n = unvisited.back();
    unvisited.pop_back();
    if (n->kind == op_kind::extract && !n->path.empty()
        && std::find(out.begin(), out.end(), n->path.front()) == out.end())
      out.push_back(n->path.front());
    for (const auto& a : n->args)
      unvisited.push_back(a.get());
  }
  return out;
}

}  // namespace integrator
