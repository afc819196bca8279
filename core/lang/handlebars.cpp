#include "core/lang/handlebars.hpp"

#include <boost/json.hpp>

#include "core/util/iso_time.hpp"
#include "core/lang/moment_format.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <vector>

namespace integrator {

namespace json = boost::json;

namespace {

// -- expressions --------------------------------------------------------------

struct expr {
  enum class kind { path, literal, call } k = kind::literal;
  int up = 0;                      // "../" count
  bool data = false;               // @index, @key, @root...
  std::vector<std::string> parts;  // empty with "this"
  json::value literal;
  std::string helper;
  std::vector<expr> args;
};

const char* const inline_helpers[] = {"lookup", "jsonSerialize", "encodeURI", "encodeURIComponent",
                                      "join", "compare", "and", "or", "not", "eq", "ne", "lt", "gt",
                                      "dateFormat", "dateAdd"};

bool is_helper(std::string_view name) {
  for (auto h : inline_helpers)
    if (name == h)
      return true;
  return false;
}

class expr_parser {
public:
  explicit expr_parser(std::string_view s) : s_(s) {}

  bool at_end() {
    skip_ws();
    return i_ >= s_.size();
  }

  // One argument: a literal, a path or a parenthesised subexpression.
  std::optional<expr> argument(std::string& error) {
    skip_ws();
    if (i_ >= s_.size()) {
      error = "expected an expression";
      return std::nullopt;
    }
    char c = s_[i_];
    if (c == '(') {
      if (nesting_ >= max_template_nesting) {
        error = "subexpressions nest deeper than " + std::to_string(max_template_nesting) + " levels";
        return std::nullopt;
      }
      ++i_;
      ++nesting_;
      auto call = expression(error, true);
      --nesting_;
      skip_ws();
      if (!call || i_ >= s_.size() || s_[i_] != ')') {
        if (error.empty())
          error = "missing ')'";
        return std::nullopt;
      }
      ++i_;
      return call;
    }
    if (c == '"' || c == '\'') {
      auto end = s_.find(c, i_ + 1);
      if (end == std::string_view::npos) {
        error = "unterminated string";
        return std::nullopt;
      }
      expr e;
      e.literal = json::string(s_.substr(i_ + 1, end - i_ - 1));
      i_ = end + 1;
      return e;
    }
    auto word = take_word();
    if (word.empty()) {
      error = std::string("unexpected '") + c + "'";
      return std::nullopt;
    }
    expr e;
    if (word == "true" || word == "false") {
      e.literal = word == "true";
      return e;
    }
    if (word == "null" || word == "undefined")
      return e;
    char* end = nullptr;
    std::string w(word);
    double d = std::strtod(w.c_str(), &end);
    if ((std::isdigit(static_cast<unsigned char>(w[0])) || w[0] == '-') && end && *end == '\0') {
      if (d == std::floor(d) && std::fabs(d) < 1e15)
        e.literal = static_cast<std::int64_t>(d);
      else
        e.literal = d;
      return e;
    }
    return path(word, error);
  }

  // A helper call or a single value; `inside` says parentheses surround it.
  std::optional<expr> expression(std::string& error, bool inside = false) {
    auto head = argument(error);
    if (!head)
      return std::nullopt;
    std::vector<expr> args;
    while (!at_end() && !(inside && s_[i_] == ')')) {
      auto a = argument(error);
      if (!a)
        return std::nullopt;
      args.push_back(std::move(*a));
    }
    bool named = head->k == expr::kind::path && !head->data && head->up == 0
                 && head->parts.size() == 1;
    if (named && (is_helper(head->parts[0]) || !args.empty())) {
      if (!is_helper(head->parts[0])) {
        error = "unknown helper \"" + head->parts[0] + "\"";
        return std::nullopt;
      }
      expr call;
      call.k = expr::kind::call;
      call.helper = head->parts[0];
      call.args = std::move(args);
      return call;
    }
    if (!args.empty()) {
      error = "arguments after a value";
      return std::nullopt;
    }
    return head;
  }

private:
  void skip_ws() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_])))
      ++i_;
  }

  std::string_view take_word() {
    size_t start = i_;
    int brackets = 0;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '[')
        ++brackets;
      else if (c == ']')
        --brackets;
      else if (brackets == 0 && (std::isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')'))
        break;
      ++i_;
    }
    return s_.substr(start, i_ - start);
  }

  std::optional<expr> path(std::string_view w, std::string& error) {
    expr e;
    e.k = expr::kind::path;
    if (!w.empty() && w[0] == '@') {
      e.data = true;
      w.remove_prefix(1);
    }
    while (w.substr(0, 3) == "../") {
      ++e.up;
      w.remove_prefix(3);
    }
    if (w.substr(0, 2) == "./")
      w.remove_prefix(2);
    if (w == "this" || w == "." || w.empty())
      return e;
    if (w.substr(0, 5) == "this." || w.substr(0, 5) == "this/")
      w.remove_prefix(5);
    std::string cur;
    for (size_t i = 0; i < w.size(); ++i) {
      char c = w[i];
      if (c == '[') {
        auto end = w.find(']', i);
        if (end == std::string_view::npos) {
          error = "missing ']' in path";
          return std::nullopt;
        }
        cur.append(w.substr(i + 1, end - i - 1));
        i = end;
      } else if (c == '.' || c == '/') {
        e.parts.push_back(std::move(cur));
        cur.clear();
      } else {
        cur += c;
      }
    }
    e.parts.push_back(std::move(cur));
    return e;
  }

  std::string_view s_;
  size_t i_ = 0;
  int nesting_ = 0;  // open parentheses
};

}  // namespace

// -- template nodes -----------------------------------------------------------

struct handlebars_template::node {
  enum class kind { text, value, block, sequence } k = kind::sequence;
  std::string text;
  expr e;           // value, or the block's argument / helper call
  bool raw = false;
  std::string block;  // if, unless, each, with, or a helper name
  std::vector<std::shared_ptr<node>> children;  // sequence
  std::shared_ptr<node> body, inverse;
};

namespace {

using node_ptr = std::shared_ptr<handlebars_template::node>;
using node_kind = handlebars_template::node::kind;

struct tag {
  size_t begin, end;     // offsets of "{{" and after "}}"
  std::string content;   // between the braces, trimmed, without ~
  bool triple = false;
  bool trim_before = false, trim_after = false;
};

void rtrim(std::string& s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.pop_back();
}

class template_parser {
public:
  explicit template_parser(std::string_view src) : src_(src) {}

  node_ptr parse(std::string& error) {
    auto root = std::make_shared<handlebars_template::node>();
    std::string closing;
    if (!parse_into(*root, "", error, closing))
      return nullptr;
    return root;
  }

private:
  // Parses until {{/block}} (or {{else}} when `block` is set) or the end.
  bool parse_into(handlebars_template::node& seq, const std::string& block, std::string& error,
                  std::string& stopped_at) {
    while (pos_ < src_.size()) {
      auto open = src_.find("{{", pos_);
      std::string text(src_.substr(pos_, open == std::string_view::npos ? std::string_view::npos
                                                                         : open - pos_));
      if (trim_next_) {
        size_t k = 0;
        while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k])))
          ++k;
        text.erase(0, k);
        trim_next_ = false;
      }
      if (open == std::string_view::npos) {
        add_text(seq, std::move(text));
        pos_ = src_.size();
        break;
      }
      // \{{x}} is the text {{x}}; \\{{x}} is a backslash, then the value.
      if (open > pos_ && src_[open - 1] == '\\') {
        bool escaped_backslash = open - 1 > pos_ && src_[open - 2] == '\\';
        text.pop_back();
        if (!escaped_backslash) {
          auto close = src_.find("}}", open + 2);
          auto end = close == std::string_view::npos ? src_.size() : close + 2;
          text += src_.substr(open, end - open);
          add_text(seq, std::move(text));
          pos_ = end;
          continue;
        }
      }
      tag t;
      if (!read_tag(open, t, error))
        return false;
      if (t.trim_before)
        rtrim(text);
      bool standalone = standalone_line(t, text);
      add_text(seq, std::move(text));
      pos_ = t.end;
      trim_next_ = t.trim_after;
      if (standalone)
        pos_ = after_line(t.end);
      const auto& c = t.content;
      if (!t.triple && !c.empty() && c[0] == '!')
        continue;  // comment
      if (!t.triple && !c.empty() && c[0] == '/') {
        auto name = trim(c.substr(1));
        if (name != block) {
          error = "unexpected {{/" + name + "}}";
          return false;
        }
        stopped_at = "/";
        return true;
      }
      bool chained = !t.triple && c.rfind("else ", 0) == 0;
      if (!t.triple && (c == "else" || c == "^" || chained)) {
        if (block.empty()) {
          error = "{{else}} outside a block";
          return false;
        }
        // {{else if x}} opens a block that the outer block's close ends.
        stopped_at = chained ? "else:" + trim(c.substr(5)) : "else";
        return true;
      }
      if (!t.triple && !c.empty() && c[0] == '>') {
        error = "partials ({{> name}}) are not supported";
        return false;
      }
      if (!t.triple && !c.empty() && c[0] == '#') {
        if (!parse_block(seq, c.substr(1), error))
          return false;
        continue;
      }
      auto n = std::make_shared<handlebars_template::node>();
      n->k = node_kind::value;
      std::string body = c;
      n->raw = t.triple;
      if (!t.triple && !body.empty() && body[0] == '&') {
        n->raw = true;
        body = body.substr(1);
      }
      expr_parser p(body);
      auto e = p.expression(error);
      if (!e)
        return false;
      n->e = std::move(*e);
      seq.children.push_back(std::move(n));
    }
    if (!block.empty()) {
      error = "missing {{/" + block + "}}";
      return false;
    }
    return true;
  }

  // handlebars.js drops a line that holds nothing but a block tag ({{#x}},
  // {{/x}}, {{else}}) or a comment, with its indentation and line break.
  // On true, `text` has lost the indentation; after_line() skips the rest.
  bool standalone_line(const tag& t, std::string& text) const {
    const auto& c = t.content;
    bool kind = !t.triple && !c.empty()
                && (c[0] == '#' || c[0] == '/' || c[0] == '!' || c == "else" || c == "^"
                    || c.rfind("else ", 0) == 0);
    if (!kind)
      return false;
    auto nl = text.rfind('\n');
    std::string_view indent = nl == std::string::npos ? std::string_view(text)
                                                      : std::string_view(text).substr(nl + 1);
    bool line_start = nl != std::string::npos || pos_ == 0 || src_[pos_ - 1] == '\n';
    if (!line_start || indent.find_first_not_of(" \t") != std::string_view::npos)
      return false;
    size_t i = t.end;
    while (i < src_.size() && (src_[i] == ' ' || src_[i] == '\t'))
      ++i;
    bool line_end = i == src_.size() || src_[i] == '\n' || src_.substr(i, 2) == "\r\n";
    if (!line_end)
      return false;
    text.resize(text.size() - indent.size());
    return true;
  }

  size_t after_line(size_t from) const {
    size_t i = from;
    while (i < src_.size() && (src_[i] == ' ' || src_[i] == '\t'))
      ++i;
    if (src_.substr(i, 2) == "\r\n")
      return i + 2;
    if (i < src_.size() && src_[i] == '\n')
      return i + 1;
    return i;
  }

  // `closer`: the block name whose {{/…}} ends this one (an {{else if}}
  // chain ends with its first block); empty for the block's own name.
  bool parse_block(handlebars_template::node& seq, const std::string& head, std::string& error,
                   const std::string& closer = {}) {
    if (depth_ >= max_template_nesting) {
      error = "blocks nest deeper than " + std::to_string(max_template_nesting)
              + " levels (an {{else if}} counts as one)";
      return false;
    }
    struct level {
      int& depth;
      explicit level(int& d) : depth(++d) {}
      ~level() { --depth; }
    } entered(depth_);
    auto n = std::make_shared<handlebars_template::node>();
    n->k = node_kind::block;
    auto space = head.find_first_of(" \t\n");
    n->block = trim(head.substr(0, space));
    std::string rest = space == std::string::npos ? "" : head.substr(space);
    bool builtin = n->block == "if" || n->block == "unless" || n->block == "each"
                   || n->block == "with";
    if (!builtin && !is_helper(n->block)) {
      error = "unknown block helper \"" + n->block + "\"";
      return false;
    }
    // Built-in blocks take one value; helper blocks are a call of the helper.
    std::string source = builtin ? rest : n->block + " " + rest;
    expr_parser p(source);
    auto e = p.expression(error);
    if (!e)
      return false;
    n->e = std::move(*e);
    n->body = std::make_shared<handlebars_template::node>();
    std::string stopped;
    const std::string& closing = closer.empty() ? n->block : closer;
    if (!parse_into(*n->body, closing, error, stopped))
      return false;
    if (stopped == "else") {
      n->inverse = std::make_shared<handlebars_template::node>();
      if (!parse_into(*n->inverse, closing, error, stopped))
        return false;
      if (stopped != "/") {
        error = "second {{else}} in {{#" + n->block + "}}";
        return false;
      }
    } else if (stopped.rfind("else:", 0) == 0) {
      n->inverse = std::make_shared<handlebars_template::node>();
      if (!parse_block(*n->inverse, stopped.substr(5), error, closing))
        return false;
    }
    seq.children.push_back(std::move(n));
    return true;
  }

  bool read_tag(size_t open, tag& t, std::string& error) {
    t.begin = open;
    size_t i = open + 2;
    t.triple = i < src_.size() && src_[i] == '{';
    if (t.triple)
      ++i;
    if (i < src_.size() && src_[i] == '~') {
      t.trim_before = true;
      ++i;
    }
    bool long_comment = src_.substr(i, 3) == "!--";
    std::string_view closer = long_comment ? "--}}" : (t.triple ? "}}}" : "}}");
    auto close = src_.find(closer, i);
    if (close == std::string_view::npos) {
      error = "unclosed {{ at offset " + std::to_string(open);
      return false;
    }
    size_t content_end = close;
    if (long_comment) {
      t.content = "!";
      t.end = close + closer.size();
      return true;
    }
    if (content_end > i && src_[content_end - 1] == '~') {
      t.trim_after = true;
      --content_end;
    }
    t.content = trim(std::string(src_.substr(i, content_end - i)));
    t.end = close + closer.size();
    return true;
  }

  static std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r\n");
    auto e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
  }

  static void add_text(handlebars_template::node& seq, std::string text) {
    if (text.empty())
      return;
    auto n = std::make_shared<handlebars_template::node>();
    n->k = node_kind::text;
    n->text = std::move(text);
    seq.children.push_back(std::move(n));
  }

  std::string_view src_;
  size_t pos_ = 0;
  bool trim_next_ = false;
  int depth_ = 0;  // blocks open around the parser
};

// -- rendering ----------------------------------------------------------------

struct frame {
  const json::value* context;
  json::object data;  // @index, @key, @first, @last
};

struct renderer {
  const json::value& root;
  template_escape escape;
  const render_limits& limits;
  std::vector<frame> frames;
  std::string out;
  std::size_t steps = 0;
  std::string failure;  // set once a limit is passed; everything stops then

  bool spend(std::size_t units) {
    steps += units;
    if (steps > limits.max_steps && failure.empty())
      failure = "the template took more than " + std::to_string(limits.max_steps)
                + " steps to render";
    return failure.empty();
  }

  // The value of `e`: a reference into the data where it names one (no
  // copy of arrays and objects an {{#each}} walks), else `scratch`.
  const json::value& resolve(const expr& e, json::value& scratch) {
    static const json::value null_value;
    if (e.k == expr::kind::literal)
      return e.literal;
    if (e.k == expr::kind::call)
      return scratch = call(e);
    size_t depth = frames.size() - 1 - std::min<size_t>(static_cast<size_t>(e.up), frames.size() - 1);
    const json::value* cur = frames[depth].context;
    size_t first = 0;
    if (e.data) {
      if (e.parts.empty())
        return null_value;
      if (e.parts[0] == "root") {
        cur = &root;
      } else {
        auto it = frames[depth].data.find(e.parts[0]);
        if (it == frames[depth].data.end())
          return null_value;
        scratch = it->value();
        cur = &scratch;
      }
      first = 1;
    }
    for (size_t i = first; i < e.parts.size() && cur; ++i) {
      const auto& p = e.parts[i];
      if (const auto* o = cur->if_object()) {
        auto it = o->find(p);
        cur = it == o->end() ? nullptr : &it->value();
      } else if (const auto* a = cur->if_array()) {
        char* end = nullptr;
        auto idx = std::strtoul(p.c_str(), &end, 10);
        cur = (*end == '\0' && !p.empty() && idx < a->size()) ? &(*a)[idx] : nullptr;
      } else {
        cur = nullptr;
      }
    }
    return cur ? *cur : null_value;
  }

  json::value value_of(const expr& e) {
    json::value scratch;
    const auto& v = resolve(e, scratch);
    if (&v == &scratch)
      return std::move(scratch);
    return v;
  }

  static bool truthy(const json::value& v) {
    if (v.is_null())
      return false;
    if (v.is_bool())
      return v.get_bool();
    if (v.is_string())
      return !v.get_string().empty();
    if (v.is_number())
      return v.to_number<double>() != 0;
    if (v.is_array())
      return !v.get_array().empty();
    return true;
  }

  static std::string text(const json::value& v) {
    switch (v.kind()) {
      case json::kind::null: return "";
      case json::kind::bool_: return v.get_bool() ? "true" : "false";
      case json::kind::string: return std::string(v.get_string());
      case json::kind::int64: return std::to_string(v.get_int64());
      case json::kind::uint64: return std::to_string(v.get_uint64());
      case json::kind::double_: {
        double d = v.get_double();
        if (d == std::floor(d) && std::fabs(d) < 1e15)
          return std::to_string(static_cast<std::int64_t>(d));
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", d);
        // Shortest form that reads back the same, as JavaScript prints.
        for (int prec = 1; prec <= 17; ++prec) {
          std::snprintf(buf, sizeof buf, "%.*g", prec, d);
          if (std::strtod(buf, nullptr) == d)
            break;
        }
        return buf;
      }
      case json::kind::array: {
        std::string s;
        const auto& a = v.get_array();
        for (size_t i = 0; i < a.size(); ++i)
          s += (i ? "," : "") + text(a[i]);
        return s;
      }
      case json::kind::object: return "[object Object]";
    }
    return "";
  }

  static int compare(const json::value& a, const json::value& b) {
    if (a.is_number() && b.is_number()) {
      double x = a.to_number<double>(), y = b.to_number<double>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    auto x = text(a), y = text(b);
    return x < y ? -1 : (x > y ? 1 : 0);
  }

  static bool loose_equal(const json::value& a, const json::value& b) {
    if (a.is_number() || b.is_number()) {
      char* e1 = nullptr;
      char* e2 = nullptr;
      auto sa = text(a), sb = text(b);
      double x = std::strtod(sa.c_str(), &e1), y = std::strtod(sb.c_str(), &e2);
      if (*e1 == '\0' && *e2 == '\0' && !sa.empty() && !sb.empty())
        return x == y;
    }
    return text(a) == text(b);
  }

  // A date argument: ISO text, epoch milliseconds, or seconds with "X".
  // Beyond JavaScript's dates (±8.64e15 ms from the epoch) a number is no
  // date: nullopt, rather than a conversion or product that overflows.
  static std::optional<std::int64_t> epoch_ms_in_range(double ms) {
    if (!(std::fabs(ms) <= 8.64e15))  // NaN too
      return std::nullopt;
    return static_cast<std::int64_t>(ms);
  }

  static std::optional<std::int64_t> epoch_ms_of(const json::value& v, const std::string& input) {
    if (v.is_number()) {
      auto n = v.to_number<double>();
      return epoch_ms_in_range(input == "X" ? n * 1000 : n);
    }
    auto s = text(v);
    if (input == "X" || input == "x") {
      char* end = nullptr;
      auto n = std::strtoll(s.c_str(), &end, 10);
      if (s.empty() || *end != '\0')
        return std::nullopt;
      return epoch_ms_in_range(static_cast<double>(n) * (input == "X" ? 1000 : 1));
    }
    return parse_iso_ms(s);
  }

  // A helper's answer; what it produced is charged to the budget, so a
  // helper over large data inside an {{#each}} is bounded too.
  json::value call(const expr& e) {
    auto v = call_helper(e);
    std::size_t made = 0;
    if (const auto* str = v.if_string())
      made = str->size();
    spend(e.args.size() + made / 16);
    return v;
  }

  json::value call_helper(const expr& e) {
    std::vector<json::value> a;
    for (const auto& x : e.args)
      a.push_back(value_of(x));
    auto arg = [&](size_t i) { return i < a.size() ? a[i] : json::value(nullptr); };
    const auto& h = e.helper;
    if (h == "lookup") {
      expr p;
      p.k = expr::kind::path;
      p.parts = {text(arg(1))};
      auto base = arg(0);
      frames.push_back({&base, {}});
      auto v = value_of(p);
      frames.pop_back();
      return v;
    }
    if (h == "jsonSerialize")
      return json::string(json::serialize(arg(0)));
    if (h == "encodeURIComponent")
      return json::string(encode_uri_component(text(arg(0))));
    if (h == "encodeURI") {
      std::string s = text(arg(0)), out;
      static constexpr std::string_view keep = ";,/?:@&=+$#-_.!~*'()";
      for (unsigned char c : s) {
        if (std::isalnum(c) || keep.find(static_cast<char>(c)) != std::string_view::npos)
          out += static_cast<char>(c);
        else
          out += encode_uri_component(std::string(1, static_cast<char>(c)));
      }
      return json::string(out);
    }
    if (h == "join") {
      std::string sep = a.size() > 1 ? text(arg(1)) : ",";
      std::string s;
      auto list = arg(0);
      if (const auto* arr = list.if_array())
        for (size_t i = 0; i < arr->size(); ++i)
          s += (i ? sep : "") + text((*arr)[i]);
      return json::string(s);
    }
    if (h == "compare") {
      auto op = text(arg(1));
      auto l = arg(0), r = arg(2);
      if (op == "==") return loose_equal(l, r);
      if (op == "===") return l == r;
      if (op == "!=") return !loose_equal(l, r);
      if (op == "!==") return l != r;
      if (op == "<") return compare(l, r) < 0;
      if (op == ">") return compare(l, r) > 0;
      if (op == "<=") return compare(l, r) <= 0;
      if (op == ">=") return compare(l, r) >= 0;
      return false;
    }
    if (h == "and") {
      for (const auto& v : a)
        if (!truthy(v))
          return false;
      return true;
    }
    if (h == "or") {
      for (const auto& v : a)
        if (truthy(v))
          return true;
      return false;
    }
    if (h == "dateFormat") {
      // {{dateFormat format date [inputFormat] [timezone]}}; with three
      // arguments the third is a zone when it names one.
      std::string zone;
      std::string input;
      if (a.size() >= 4) {
        input = text(arg(2));
        zone = text(arg(3));
      } else if (a.size() == 3) {
        auto third = text(arg(2));
        (is_time_zone(third) ? zone : input) = third;
      }
      auto when = epoch_ms_of(arg(1), input);
      auto format = text(arg(0));
      if (format.empty())
        format = "YYYY-MM-DDTHH:mm:ssZ";
      auto shown = when ? format_moment(*when, format, zone) : std::nullopt;
      return json::string(shown ? *shown : "Invalid date");
    }
    if (h == "dateAdd") {
      // {{dateAdd date milliseconds}} → ISO-8601 UTC.
      auto when = epoch_ms_of(arg(0), "");
      auto add = arg(1);
      double ms = add.is_number() ? add.to_number<double>() : std::strtod(text(add).c_str(), nullptr);
      auto sum = when ? epoch_ms_in_range(static_cast<double>(*when) + ms) : std::nullopt;
      if (!sum)
        return json::string("Invalid date");
      return json::string(format_iso_ms(*sum));
    }
    if (h == "not")
      return !truthy(arg(0));
    if (h == "eq")
      return loose_equal(arg(0), arg(1));
    if (h == "ne")
      return !loose_equal(arg(0), arg(1));
    if (h == "lt")
      return compare(arg(0), arg(1)) < 0;
    if (h == "gt")
      return compare(arg(0), arg(1)) > 0;
    return nullptr;
  }

  void emit(const json::value& v, bool raw) {
    auto s = text(v);
    if (raw || escape == template_escape::none)
      out += s;
    else if (escape == template_escape::html)
      out += escape_html(s);
    else
      out += encode_uri_component(s);
    if (out.size() > limits.max_output && failure.empty())
      failure = "the template rendered more than " + std::to_string(limits.max_output) + " bytes";
  }

  void render(const handlebars_template::node& n) {
    if (!spend(1))
      return;
    switch (n.k) {
      case node_kind::text:
        out += n.text;
        if (out.size() > limits.max_output && failure.empty())
          failure = "the template rendered more than " + std::to_string(limits.max_output) + " bytes";
        return;
      case node_kind::value: {
        json::value scratch;
        emit(resolve(n.e, scratch), n.raw);
        return;
      }
      case node_kind::sequence:
        for (const auto& c : n.children) {
          if (!failure.empty())
            return;
          render(*c);
        }
        return;
      case node_kind::block:
        render_block(n);
        return;
    }
  }

  void render_block(const handlebars_template::node& n) {
    json::value scratch;
    const json::value& v = resolve(n.e, scratch);
    auto otherwise = [&] {
      if (n.inverse)
        render(*n.inverse);
    };
    if (n.block == "each") {
      if (const auto* arr = v.if_array(); arr && !arr->empty()) {
        for (size_t i = 0; i < arr->size() && failure.empty(); ++i) {
          frames.push_back({&(*arr)[i],
                            json::object{{"index", i}, {"first", i == 0}, {"last", i + 1 == arr->size()}}});
          render(*n.body);
          frames.pop_back();
        }
        return;
      }
      if (const auto* obj = v.if_object(); obj && !obj->empty()) {
        size_t i = 0;
        for (const auto& m : *obj) {
          if (!failure.empty())
            return;
          frames.push_back({&m.value(), json::object{{"key", m.key()},
                                                     {"index", i},
                                                     {"first", i == 0},
                                                     {"last", i + 1 == obj->size()}}});
          render(*n.body);
          frames.pop_back();
          ++i;
        }
        return;
      }
      return otherwise();
    }
    if (n.block == "with") {
      if (!truthy(v))
        return otherwise();
      frames.push_back({&v, frames.back().data});
      render(*n.body);
      frames.pop_back();
      return;
    }
    bool yes = truthy(v);
    if (n.block == "unless")
      yes = !yes;
    if (yes)
      render(*n.body);
    else
      otherwise();
  }
};

}  // namespace

result<handlebars_template> handlebars_template::compile(std::string_view source) {
  std::string why;
  template_parser parser(source);
  auto root = parser.parse(why);
  if (!root)
    return invalid_input("Invalid template: " + why);
  return handlebars_template(std::move(root));
}

result<std::string> handlebars_template::render(const json::value& data, template_escape escape,
                                                const render_limits& limits) const {
  renderer r{data, escape, limits, {}, {}};
  r.frames.push_back({&data, {}});
  r.render(*root_);
  if (!r.failure.empty())
    return make_api_error(error_code::template_limit, r.failure);
  return std::move(r.out);
}

json::value record_context(const json::value& record, const json::value& settings) {
  json::object ctx;
  if (const auto* o = record.if_object())
    ctx = *o;
  ctx["record"] = record;
  ctx["data"] = record;
  ctx["settings"] = settings;
  return ctx;
}

result<void> compile_optional_template(const std::string& source,
                                       std::optional<handlebars_template>& out,
                                       std::string_view field) {
  if (source.empty())
    return {};
  auto compiled = handlebars_template::compile(source);
  if (!compiled)
    return invalid_input(std::string(field) + ": " + compiled.error().message, std::string(field));
  out = std::move(*compiled);
  return {};
}

std::string escape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#x27;"; break;
      case '`': out += "&#x60;"; break;
      case '=': out += "&#x3D;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string encode_uri_component(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  static constexpr std::string_view keep = "-_.!~*'()";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || keep.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

bool has_loop_block(std::string_view text) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '~'; };
  for (auto at = text.find("{{"); at != std::string_view::npos; at = text.find("{{", at + 2)) {
    auto i = at + 2;
    while (i < text.size() && blank(text[i]))
      ++i;
    if (i >= text.size() || text[i] != '#')
      continue;
    ++i;
    while (i < text.size() && blank(text[i]))
      ++i;
    if (text.substr(i, 4) == "each" && (i + 4 == text.size() || !std::isalnum(static_cast<unsigned char>(text[i + 4]))))
      return true;
  }
  return false;
}

}  // namespace integrator
