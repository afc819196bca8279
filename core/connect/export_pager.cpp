#include "core/connect/export_pager.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include "core/util/decimal.hpp"
#include "core/json/json_path.hpp"
#include "core/json/json_scan.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

std::string str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end())
    return {};
  if (it->value().is_string())
    return std::string(it->value().get_string());
  if (it->value().is_object() || it->value().is_array())
    return json::serialize(it->value());
  return text_of(it->value());
}

std::optional<std::int64_t> int_of(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end())
    return std::nullopt;
  if (const auto* i = it->value().if_int64())
    return *i;
  if (const auto* u = it->value().if_uint64())
    return static_cast<std::int64_t>(*u);
  std::uint64_t v = 0;
  if (it->value().is_string() && parse_decimal(it->value().get_string(), v, 18))
    return static_cast<std::int64_t>(v);
  return std::nullopt;
}

std::vector<std::string> strings(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  auto it = o.find(key);
  if (it == o.end())
    return out;
  if (const auto* a = it->value().if_array())
    for (const auto& v : *a)
      out.push_back(text_of(v));
  else
    out.push_back(text_of(it->value()));
  return out;
}

result<void> compile_headers(const json::object& block, http_export_plan& p) {
  auto it = block.find("headers");
  if (it == block.end() || !it->value().is_array())
    return {};
  for (const auto& h : it->value().get_array()) {
    const auto* ho = h.if_object();
    if (!ho || str(*ho, "name").empty())
      continue;
    auto t = handlebars_template::compile(str(*ho, "value"));
    if (!t)
      return invalid_input("headers: " + t.error().message, "headers");
    p.headers.emplace_back(str(*ho, "name"), std::move(*t));
  }
  return {};
}

void read_stops(const json::object& o, http_export_plan& p) {
  if (auto s = int_of(o, "lastPageStatusCode")) {
    p.last_page_status = static_cast<int>(*s);
    p.last_page_status_set = true;
  }
  p.last_page_path = split_path(str(o, "lastPagePath"));
  p.last_page_values = strings(o, "lastPageValues");
  if (p.last_page_values.empty() && o.contains("lastPageValue"))
    p.last_page_values = strings(o, "lastPageValue");
  p.max_page_path = split_path(str(o, "maxPagePath"));
  p.max_count_path = split_path(str(o, "maxCountPath"));
  if (auto m = int_of(o, "maxPages"); m && *m > 0)
    p.max_pages = *m;
}

// The first request of either block: method, relativeURI, the body (under
// `body_key`) and headers.
result<void> compile_request(const json::object& block, std::string_view body_key,
                             http_export_plan& p) {
  p.method = str(block, "method");
  if (p.method.empty())
    p.method = "GET";
  if (auto r = compile_optional_template(str(block, "relativeURI"), p.relative_uri, "relativeURI"); !r)
    return r;
  if (auto r = compile_optional_template(str(block, body_key), p.body, body_key); !r)
    return r;
  return compile_headers(block, p);
}

result<void> compile_http(const json::object& h, http_export_plan& p) {
  if (auto r = compile_request(h, "body", p); !r)
    return r;
  if (auto it = h.find("response"); it != h.end()) {
    if (const auto* r = it->value().if_object())
      p.resource_path = split_path(str(*r, "resourcePath"));
    p.check = response_check::from(&it->value());
  }
  auto pit = h.find("paging");
  if (pit == h.end() || !pit->value().is_object())
    return {};
  const auto& g = pit->value().get_object();
  auto method = str(g, "method");
  static const std::pair<std::string_view, paging_method> names[] = {
    {"page", paging_method::page},           {"skip", paging_method::skip},
    {"token", paging_method::token},         {"linkheader", paging_method::linkheader},
    {"url", paging_method::url},             {"relativeuri", paging_method::relativeuri},
    {"body", paging_method::body}};
  bool known = method.empty();
  for (const auto& [n, m] : names)
    if (method == n) {
      p.paging = m;
      known = true;
    }
  if (!known)
    return invalid_input("paging.method: unknown method \"" + method + "\"", "paging.method");
  p.page_start = int_of(g, "page").value_or(0);
  p.skip_start = int_of(g, "skip").value_or(0);
  p.path = split_path(str(g, "path"));
  p.path_after_first = split_path(str(g, "pathAfterFirstRequest"));
  p.path_in_header = str(g, "pathLocation") == "header";
  if (auto rel = str(g, "linkHeaderRelation"); !rel.empty())
    p.link_relation = rel;
  if (auto r = compile_optional_template(str(g, "relativeURI"), p.paging_relative_uri,
                                         "paging.relativeURI");
      !r)
    return r;
  if (auto r = compile_optional_template(str(g, "body"), p.paging_body, "paging.body"); !r)
    return r;
  if ((p.paging == paging_method::relativeuri && !p.paging_relative_uri)
      || (p.paging == paging_method::body && !p.paging_body)) {
    auto field = "paging." + std::string(p.paging == paging_method::body ? "body" : "relativeURI");
    return invalid_input(field + " is required for paging method " + method, field);
  }
  read_stops(g, p);
  return {};
}

result<void> compile_rest(const json::object& r, http_export_plan& p) {
  if (auto e = compile_request(r, "postBody", p); !e)
    return e;
  p.resource_path = split_path(str(r, "resourcePath"));
  p.check.success_path = split_path(str(r, "successPath"));
  p.check.success_values = strings(r, "successValues");
  auto method = str(r, "pagingMethod");
  if (method == "nextpageurl") {
    p.paging = paging_method::url;
    p.path = split_path(str(r, "nextPagePath"));
  } else if (method == "pageargument") {
    p.paging = paging_method::page;
    p.page_argument = str(r, "pageArgument");
    p.page_start = 1;
  } else if (method == "relativeuri") {
    p.paging = paging_method::relativeuri;
    if (auto e = compile_optional_template(str(r, "nextPageRelativeURI"), p.paging_relative_uri,
                                           "nextPageRelativeURI");
        !e)
      return e;
  } else if (method == "linkheader") {
    p.paging = paging_method::linkheader;
  } else if (method == "token") {
    p.paging = paging_method::token;
    p.path = split_path(str(r, "nextPagePath"));
    p.page_argument = str(r, "pageArgument");
  } else if (!method.empty()) {
    return invalid_input("rest.pagingMethod: unknown method \"" + method + "\"", "rest.pagingMethod");
  }
  if (p.paging == paging_method::relativeuri && !p.paging_relative_uri)
    return invalid_input("rest.nextPageRelativeURI is required for paging method relativeuri",
                         "rest.nextPageRelativeURI");
  read_stops(r, p);
  return {};
}

std::string with_param(std::string target, std::string_view name, std::string_view value) {
  target += target.find('?') == std::string::npos ? '?' : '&';
  target += encode_uri_component(name);
  target += '=';
  target += encode_uri_component(value);
  return target;
}

json::object headers_object(const header_list& headers) {
  json::object o;
  for (const auto& [k, v] : headers)
    o[k] = v;
  return o;
}

}  // namespace

result<http_export_plan> http_export_plan::compile(const json::value& export_doc) {
  http_export_plan p;
  const auto* e = export_doc.if_object();
  if (!e)
    return invalid_input("export is not an object");
  if (const auto* h = e->if_contains("http"); h && h->is_object()) {
    if (auto r = compile_http(h->get_object(), p); !r)
      return r.error();
  } else if (const auto* r = e->if_contains("rest"); r && r->is_object()) {
    if (auto compiled = compile_rest(r->get_object(), p); !compiled)
      return compiled.error();
  } else {
    return invalid_input("export has no http or rest block");
  }
  return p;
}

std::string link_target(std::string_view header, std::string_view relation) {
  // <url>; rel="next", <url>; rel="last"
  std::size_t pos = 0;
  while (pos < header.size()) {
    auto open = header.find('<', pos);
    if (open == std::string_view::npos)
      return {};
    auto close = header.find('>', open);
    if (close == std::string_view::npos)
      return {};
    auto url = header.substr(open + 1, close - open - 1);
    auto end = header.find('<', close);
    auto params = header.substr(close + 1, end == std::string_view::npos ? end : end - close - 1);
    for (std::size_t r = params.find("rel="); r != std::string_view::npos;
         r = params.find("rel=", r + 4)) {
      auto v = params.substr(r + 4);
      if (!v.empty() && v.front() == '"')
        v.remove_prefix(1);
      // rel may list several relations separated by spaces.
      auto stop = v.find_first_of("\";,");
      auto rels = v.substr(0, stop);
      std::size_t s = 0;
      while (s <= rels.size()) {
        auto sp = rels.find(' ', s);
        if (rels.substr(s, sp == std::string_view::npos ? sp : sp - s) == relation)
          return std::string(url);
        if (sp == std::string_view::npos)
          break;
        s = sp + 1;
      }
    }
    pos = close + 1;
  }
  return {};
}

export_pager::export_pager(std::shared_ptr<const http_export_plan> plan, json::value context)
  : plan_(std::move(plan)),
    context_(std::move(context)),
    page_(plan_->page_start),
    skip_(plan_->skip_start) {
  if (!context_.is_object())
    context_ = json::object();
}

json::object export_pager::position() const {
  return json::object{{"page", page_},         {"skip", skip_},       {"token", token_},
                      {"next", next_target_},  {"last", last_target_}, {"lastBody", last_body_},
                      {"requests", requests_}, {"answers", answers_}, {"records", records_},
                      {"done", done_}};
}

void export_pager::restore(const json::object& p) {
  auto num = [&](const char* k, std::int64_t& into) {
    if (const auto* v = p.if_contains(k); v && v->is_int64())
      into = v->get_int64();
  };
  auto text = [&](const char* k, std::string& into) {
    if (const auto* v = p.if_contains(k); v && v->is_string())
      into = v->get_string();
  };
  num("page", page_);
  num("skip", skip_);
  num("requests", requests_);
  num("answers", answers_);
  num("records", records_);
  text("token", token_);
  text("next", next_target_);
  text("last", last_target_);
  text("lastBody", last_body_);
  if (const auto* v = p.if_contains("done"); v && v->is_bool())
    done_ = v->get_bool();
}

json::value export_pager::template_context() const {
  json::value ctx = context_;
  json::object paging;
  paging["page"] = page_;
  paging["skip"] = skip_;
  paging["token"] = token_;
  json::object http;
  http["paging"] = std::move(paging);
  json::object exp;
  if (auto* old = ctx.get_object().if_contains("export"); old && old->is_object())
    exp = old->get_object();
  exp["http"] = std::move(http);
  ctx.get_object()["export"] = std::move(exp);
  return ctx;
}

std::optional<export_request> export_pager::next() {
  if (done_)
    return std::nullopt;
  const auto& p = *plan_;
  auto ctx = template_context();
  export_request req;
  req.method = p.method;
  bool later = requests_ > 0;
  bool follows = later && (p.paging == paging_method::url || p.paging == paging_method::linkheader
                           || p.paging == paging_method::relativeuri);
  // A template over its limits ends paging; take_failure() says why.
  auto render = [&](const handlebars_template& t, template_escape escape, std::string_view field,
                    std::string& out) {
    auto text = t.render(ctx, escape);
    if (!text && !failure_)
      failure_ = make_api_error(text.error().code, std::string(field) + ": " + text.error().message);
    if (text)
      out = std::move(*text);
  };
  if (follows) {
    req.target = next_target_;
    req.link = p.paging != paging_method::relativeuri;
  } else {
    bool paged = later && p.paging_relative_uri;
    if (const auto& uri = paged ? p.paging_relative_uri : p.relative_uri)
      render(*uri, template_escape::url, paged ? "http.paging.relativeURI" : "http.relativeURI",
             req.target);
  }
  if (later && p.paging == paging_method::body) {
    req.body = last_body_;
  } else {
    bool paged = later && p.paging_body;
    if (const auto& body = paged ? p.paging_body : p.body)
      render(*body, template_escape::none, paged ? "http.paging.body" : "http.body", req.body);
  }
  if (!p.page_argument.empty()) {
    if (p.paging == paging_method::page)
      req.target = with_param(req.target, p.page_argument, std::to_string(page_));
    else if (p.paging == paging_method::token && !token_.empty())
      req.target = with_param(req.target, p.page_argument, token_);
  }
  for (const auto& [name, value] : p.headers) {
    std::string text;
    render(value, template_escape::none, "http.headers", text);
    set_header(req.headers, name, std::move(text));
  }
  if (failure_) {
    done_ = true;
    return std::nullopt;
  }
  last_target_ = req.target;
  last_body_ = req.body;
  ++requests_;
  return req;
}

namespace {

std::string not_json(const outbound_response& r) {
  return "the response is not valid JSON (HTTP " + std::to_string(r.status) + ", "
         + std::string(find_header(r.headers, "Content-Type")) + ")";
}

}  // namespace

export_pager::answer::answer() = default;
export_pager::answer::answer(answer&&) noexcept = default;
export_pager::answer::~answer() = default;

export_pager::answer export_pager::read_paging(outbound_response& r) {
  answer a;
  a.response = &r;
  ++answers_;
  const auto& p = *plan_;
  if (r.transport_error.empty() && r.status == p.last_page_status
      && (p.last_page_status_set || answers_ > 1)) {
    done_ = true;
    a.settled = true;
    return a;
  }
  a.scan = std::make_unique<json_scan>(r.body);
  if (auto why = p.check.failure(r, *a.scan)) {
    a.out.error = std::move(why);
    done_ = true;
    a.settled = true;
    return a;
  }
  if (r.body.empty() || r.status == 204) {
    done_ = true;
    a.settled = true;
    return a;
  }
  if (auto loop = repeated(r.body)) {
    a.out.error = std::move(loop);
    done_ = true;
    a.settled = true;
    return a;
  }
  std::optional<std::size_t> count;
  if (p.paging == paging_method::relativeuri || p.paging == paging_method::body) {
    read_into(a);  // the paging templates see the last record
    a.settled = true;
    if (a.out.error)
      return a;
    count = a.out.records.size();
  } else if (count = a.scan->count_records(p.resource_path); !count) {
    // Not read again: simdjson's document is not to be used after an error.
    a.out.error = not_json(r);
    done_ = true;
    a.settled = true;
    return a;
  }
  records_ += static_cast<std::int64_t>(*count);
  if (auto failed = advance(r, *a.scan, *count,
                            a.out.records.empty() ? std::string_view() : a.out.records.back()))
    a.out.error = std::move(failed);
  else if (!done_ && p.max_pages > 0 && answers_ >= p.max_pages) {
    a.out.error = "stopped after http.paging.maxPages (" + std::to_string(p.max_pages)
                  + ") pages while the source had more";
    done_ = true;
  }
  return a;
}

std::optional<std::string> export_pager::repeated(std::string_view body) {
  constexpr std::size_t edge = 64;
  constexpr int loop = 6;  // "more than 5 identical responses count as a loop"
  auto head = body.substr(0, edge);
  auto tail = body.substr(body.size() - std::min(edge, body.size()));
  std::optional<std::size_t> hash;
  if (body.size() == last_size_ && head == last_head_ && tail == last_tail_) {
    // Without the last answer's hash the two are only alike: they count
    // once the next answer confirms them.
    hash = std::hash<std::string_view>{}(body);
    identical_ = last_hash_ && *last_hash_ == *hash ? identical_ + 1 : 1;
  } else {
    identical_ = 1;
  }
  last_size_ = body.size();
  last_head_.assign(head);
  last_tail_.assign(tail);
  last_hash_ = hash;
  if (identical_ < loop)
    return std::nullopt;
  return "the source answered the same page " + std::to_string(identical_)
         + " times in a row: it probably ignores the paging parameters, so the export stops instead of "
           "running forever (check http.paging)";
}

export_pager::outcome export_pager::read_records(answer& a) {
  if (!a.settled) {
    read_into(a);
    a.settled = true;
  }
  return std::move(a.out);
}

void export_pager::read_into(answer& a) {
  auto& r = *a.response;
  auto& out = a.out;
  std::optional<field_projection> projection;
  if (judge_) {
    projection.emplace();
    projection->keys = projected_keys_;
    projection->judge = judge_;
  }
  if (!a.scan->records(plan_->resource_path, out.records, projection ? &*projection : nullptr)) {
    out.records.clear();
    out.error = not_json(r);
    done_ = true;
    return;
  }
  if (projection)
    out.verdicts = std::move(projection->verdicts);
  out.within_depth = a.scan->records_nest_within_limit();
}

std::optional<std::string> export_pager::advance(outbound_response& r, json_scan& scan,
                                                 std::size_t records, std::string_view last_record) {
  const auto& p = *plan_;
  if (records == 0) {
    done_ = true;
    return std::nullopt;
  }
  if (!p.last_page_path.empty()) {
    auto v = scan.text_at(p.last_page_path);
    bool last = v && (p.last_page_values.empty()
                        ? !is_falsy_text(*v)
                        : std::find(p.last_page_values.begin(), p.last_page_values.end(), *v)
                            != p.last_page_values.end());
    if (last) {
      done_ = true;
      return std::nullopt;
    }
  }
  auto number_at = [&](const std::vector<std::string>& path) -> std::optional<std::int64_t> {
    if (path.empty())
      return std::nullopt;
    auto v = scan.text_at(path);
    std::uint64_t n = 0;
    if (v && parse_decimal(*v, n, 18))
      return static_cast<std::int64_t>(n);
    return std::nullopt;
  };
  auto located = [&](const std::vector<std::string>& path) -> std::string {
    if (p.path_in_header)
      return path.empty() ? std::string() : std::string(find_header(r.headers, path.front()));
    return path.empty() ? std::string() : scan.text_at(path).value_or("");
  };
  switch (p.paging) {
    case paging_method::none:
      done_ = true;
      return std::nullopt;
    case paging_method::page:
      ++page_;
      if (auto max = number_at(p.max_page_path); max && page_ - p.page_start >= *max)
        done_ = true;
      break;
    case paging_method::skip:
      skip_ += static_cast<std::int64_t>(records);
      break;
    case paging_method::token: {
      const auto& path = answers_ > 1 && !p.path_after_first.empty() ? p.path_after_first : p.path;
      auto token = located(path);
      if (token.empty() || token == token_)
        done_ = true;
      token_ = std::move(token);
      break;
    }
    case paging_method::linkheader:
      next_target_ = link_target(find_header(r.headers, "Link"), p.link_relation);
      done_ = next_target_.empty();
      break;
    case paging_method::url:
      next_target_ = located(p.path);
      done_ = next_target_.empty() || next_target_ == last_target_;
      break;
    case paging_method::relativeuri:
    case paging_method::body: {
      json::object prev;
      boost::system::error_code ec;
      auto full = parse_json(r.body, ec);
      json::value last;
      if (!ec && !last_record.empty())
        last = parse_json(last_record, ec);
      prev["full_response"] = std::move(full);
      prev["last_record"] = std::move(last);
      prev["headers"] = headers_object(r.headers);
      auto ctx = template_context();
      ctx.get_object()["previous_page"] = std::move(prev);
      bool by_uri = p.paging == paging_method::relativeuri;
      auto next = by_uri ? p.paging_relative_uri->render(ctx, template_escape::url)
                         : p.paging_body->render(ctx, template_escape::none);
      if (!next) {
        done_ = true;
        return std::string(by_uri ? "http.paging.relativeURI: " : "http.paging.body: ")
               + next.error().message;
      }
      const auto& previous = by_uri ? last_target_ : last_body_;
      done_ = next->empty() || *next == previous;
      (by_uri ? next_target_ : last_body_) = std::move(*next);
      break;
    }
  }
  if (auto max = number_at(p.max_count_path); max && records_ >= *max)
    done_ = true;
  return std::nullopt;
}

}  // namespace integrator
