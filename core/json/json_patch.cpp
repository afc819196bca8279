#include "core/json/json_patch.hpp"

#include <boost/json.hpp>

namespace integrator {

namespace json = boost::json;

std::optional<std::vector<std::string>> parse_json_pointer(std::string_view p) {
  std::vector<std::string> tokens;
  if (p.empty())
    return tokens;
  if (p[0] != '/')
    return std::nullopt;
  std::string cur;
  for (size_t i = 1; i <= p.size(); ++i) {
    if (i == p.size() || p[i] == '/') {
      tokens.push_back(std::move(cur));
      cur.clear();
    } else if (p[i] == '~') {
      if (i + 1 >= p.size() || (p[i + 1] != '0' && p[i + 1] != '1'))
        return std::nullopt;
      cur += p[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      cur += p[i];
    }
  }
  return tokens;
}

namespace {

api_error patch_error(std::string message, std::string field = {}) {
  return make_api_error(error_code::invalid_patch, std::move(message), std::move(field));
}

bool array_index(const std::string& tok, size_t size, bool allow_end, size_t& out) {
  if (allow_end && tok == "-") {
    out = size;
    return true;
  }
  if (tok.empty() || tok.size() > 9 || (tok.size() > 1 && tok[0] == '0'))
    return false;
  out = 0;
  for (char c : tok) {
    if (c < '0' || c > '9')
      return false;
    out = out * 10 + static_cast<size_t>(c - '0');
  }
  return allow_end ? out <= size : out < size;
}

// The value at `tokens`, or nullptr.
json::value* resolve(json::value& doc, const std::vector<std::string>& tokens, size_t count) {
  json::value* cur = &doc;
  for (size_t i = 0; i < count; ++i) {
    const auto& tok = tokens[i];
    if (auto* obj = cur->if_object()) {
      auto it = obj->find(tok);
      if (it == obj->end())
        return nullptr;
      cur = &it->value();
    } else if (auto* arr = cur->if_array()) {
      size_t idx;
      if (!array_index(tok, arr->size(), false, idx))
        return nullptr;
      cur = &(*arr)[idx];
    } else {
      return nullptr;
    }
  }
  return cur;
}

api_error add_at(json::value& doc, const std::vector<std::string>& t, json::value v,
                 const std::string& path) {
  if (t.empty()) {
    doc = std::move(v);
    return {};
  }
  auto* parent = resolve(doc, t, t.size() - 1);
  if (!parent)
    return patch_error("path does not exist: " + path, path);
  if (auto* obj = parent->if_object()) {
    (*obj)[t.back()] = std::move(v);
    return {};
  }
  if (auto* arr = parent->if_array()) {
    size_t idx;
    if (!array_index(t.back(), arr->size(), true, idx))
      return patch_error("array index out of range: " + path, path);
    arr->insert(arr->begin() + static_cast<std::ptrdiff_t>(idx), std::move(v));
    return {};
  }
  return patch_error("parent is not a container: " + path, path);
}

api_error remove_at(json::value& doc, const std::vector<std::string>& t, const std::string& path,
                    json::value* removed) {
  if (t.empty())
    return patch_error("cannot remove the whole document", path);
  auto* parent = resolve(doc, t, t.size() - 1);
  if (parent) {
    if (auto* obj = parent->if_object()) {
      auto it = obj->find(t.back());
      if (it != obj->end()) {
        if (removed)
          *removed = std::move(it->value());
        obj->erase(it);
        return {};
      }
    } else if (auto* arr = parent->if_array()) {
      size_t idx;
      if (array_index(t.back(), arr->size(), false, idx)) {
        if (removed)
          *removed = std::move((*arr)[idx]);
        arr->erase(arr->begin() + static_cast<std::ptrdiff_t>(idx));
        return {};
      }
    }
  }
  return patch_error("path does not exist: " + path, path);
}

// Values in `v` (each scalar, array and object counts one), counting no
// further than `stop_at`. Iterative: a document may nest 256 levels.
std::size_t values_in(const json::value& v, std::size_t stop_at) {
  std::size_t n = 0;
  std::vector<const json::value*> pending{&v};  // values not yet counted
  while (!pending.empty() && n <= stop_at) {
    const auto* x = pending.back();
    pending.pop_back();
    ++n;
    if (const auto* a = x->if_array())
      for (const auto& e : *a)
        pending.push_back(&e);
    else if (const auto* o = x->if_object())
      for (const auto& kv : *o)
        pending.push_back(&kv.value());
  }
  return n;
}

api_error apply_one(json::value& doc, const json::object& op, std::size_t& values) {
  auto op_it = op.find("op");
  auto path_it = op.find("path");
  if (op_it == op.end() || !op_it->value().is_string() || path_it == op.end()
      || !path_it->value().is_string())
    return patch_error("each operation needs string \"op\" and \"path\"");
  std::string name(op_it->value().get_string());
  std::string path(path_it->value().get_string());
  auto tokens = parse_json_pointer(path);
  if (!tokens)
    return patch_error("invalid JSON pointer: " + path, path);
  auto value_it = op.find("value");
  auto need_value = [&]() -> api_error {
    if (value_it == op.end())
      return patch_error("\"" + name + "\" needs a \"value\"", path);
    return {};
  };
  auto from_tokens = [&](std::vector<std::string>& out) -> api_error {
    auto from_it = op.find("from");
    if (from_it == op.end() || !from_it->value().is_string())
      return patch_error("\"" + name + "\" needs a string \"from\"", path);
    auto parsed = parse_json_pointer(from_it->value().get_string());
    if (!parsed)
      return patch_error("invalid JSON pointer in \"from\"", path);
    out = std::move(*parsed);
    return {};
  };
  if (name == "add") {
    if (auto e = need_value())
      return e;
    return add_at(doc, *tokens, value_it->value(), path);
  }
  if (name == "remove")
    return remove_at(doc, *tokens, path, nullptr);
  if (name == "replace") {
    if (auto e = need_value())
      return e;
    auto* target = resolve(doc, *tokens, tokens->size());
    if (!target) {
      // Lenient like the product: replacing an absent member of an existing
      // object sets it ("replace /schedule" on a flow that has none).
      auto* parent = tokens->empty() ? nullptr : resolve(doc, *tokens, tokens->size() - 1);
      if (parent && parent->is_object())
        return add_at(doc, *tokens, value_it->value(), path);
      return patch_error("path does not exist: " + path, path);
    }
    *target = value_it->value();
    return {};
  }
  if (name == "test") {
    if (auto e = need_value())
      return e;
    auto* target = resolve(doc, *tokens, tokens->size());
    if (!target || *target != value_it->value())
      return patch_error("test failed at " + path, path);
    return {};
  }
  if (name == "move" || name == "copy") {
    std::vector<std::string> from;
    if (auto e = from_tokens(from))
      return e;
    auto* source = resolve(doc, from, from.size());
    if (!source)
      return patch_error("\"from\" path does not exist", path);
    if (name == "copy") {
      // Copies can double the document op after op (copy /a into /a/b, 40
      // times): a 4 KB patch would make a document of 2^40 values.
      values += values_in(*source, max_patched_values);
      if (values > max_patched_values)
        return patch_error("the patch would make the document larger than "
                             + std::to_string(max_patched_values) + " values", path);
    }
    json::value v = *source;
    if (name == "move") {
      if (tokens->size() > from.size()
          && std::equal(from.begin(), from.end(), tokens->begin()))
        return patch_error("cannot move a value into itself", path);
      if (auto e = remove_at(doc, from, path, nullptr))
        return e;
    }
    return add_at(doc, *tokens, std::move(v), path);
  }
  return patch_error("unknown operation \"" + name + "\"", path);
}

}  // namespace

api_error apply_json_patch(json::value& doc, const json::value& patch) {
  const auto* ops = patch.if_array();
  if (!ops)
    return patch_error("a JSON Patch body must be an array of operations");
  json::value working = doc;
  auto values = values_in(working, max_patched_values);
  for (const auto& op : *ops) {
    const auto* obj = op.if_object();
    if (!obj)
      return patch_error("each operation must be an object");
    if (auto e = apply_one(working, *obj, values))
      return e;
  }
  doc = std::move(working);
  return {};
}

api_error json_patch_paths(const json::value& patch, std::vector<std::string>& paths) {
  const auto* ops = patch.if_array();
  if (!ops)
    return patch_error("a JSON Patch body must be an array of operations");
  for (const auto& op : *ops) {
    const auto* obj = op.if_object();
    if (!obj)
      return patch_error("each operation must be an object");
    for (const char* key : {"path", "from"})
      if (auto it = obj->find(key); it != obj->end()) {
        if (!it->value().is_string())
          return patch_error(std::string("\"") + key + "\" must be a string");
        paths.emplace_back(it->value().get_string());
      }
  }
  return {};
}

}  // namespace integrator
