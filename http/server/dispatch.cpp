#include "http/server/beast.hpp"

#include <atomic>
#include <cctype>

#include "actors/gateway.hpp"
#include "core/api/operations.hpp"
#include "core/api/route.hpp"
#include "core/util/decimal.hpp"
#include "core/util/secret_box.hpp"
#include "http/server/request_target.hpp"
#include "http/server/status_map.hpp"

namespace integrator {

namespace {

constexpr const char* request_id_header = "X-Request-Id";

bool sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128)
    return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return false;
  return true;
}

// The bearer token of `req`; empty when absent or not a Bearer header.
std::string bearer_token(const http_request& req) {
  auto it = req.find(bhttp::field::authorization);
  if (it == req.end())
    return {};
  std::string_view v(it->value().data(), it->value().size());
  if (v.size() < 8)
    return {};
  std::string scheme(v.substr(0, 7));
  for (auto& c : scheme)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "bearer ")
    return {};
  auto token = v.substr(7);
  while (!token.empty() && token.front() == ' ')
    token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ')
    token.remove_suffix(1);
  return std::string(token);
}

// What a list answer needs for its Link header.
struct link_context {
  std::string host;
  std::string path;
  query_params query;
};

constexpr std::string_view json_type = "application/json; charset=utf-8";

wire_response to_http(api_reply r, const link_context* links, unsigned version, bool keep_alive) {
  wire_response res(http_status(r), version, keep_alive);
  if (r.status == api_status::failed) {
    res.body(error_body(r.error), json_type);
    if (r.retry_after > 0)
      res.set("Retry-After", std::to_string(r.retry_after));
  } else if (!r.content_type.empty()) {
    res.body(std::move(r.body), r.content_type);
  } else if (r.status != api_status::no_content) {
    res.body(std::move(r.body), r.text ? "text/plain; charset=utf-8" : json_type);
  }
  std::string link;
  auto add_link = [&](std::int64_t skip, const char* rel) {
    if (skip < 0 || !links)
      return;
    if (!link.empty())
      link += ", ";
    link += "<http://" + links->host + with_skip(links->path, links->query, skip) + ">; rel=\""
            + rel + "\"";
  };
  add_link(r.next_skip, "next");
  add_link(r.prev_skip, "prev");
  if (!link.empty())
    res.set("Link", link);
  return res;
}

}  // namespace

std::string next_request_id() {
  static const std::string prefix = random_hex(4);
  static std::atomic<std::uint64_t> counter{0};
  return prefix + "-" + std::to_string(++counter);
}

wire_response error_response(error_code code, std::string message, unsigned version,
                             bool keep_alive) {
  auto error = make_api_error(code, std::move(message));
  wire_response res(http_status(error.kind()), version, keep_alive);
  res.body(error_body(error), json_type);
  return res;
}

void dispatch(gateway& gw, bool test_hooks, http_request&& req,
              std::function<void(wire_response)> done) {
  std::string request_id;
  if (auto it = req.find(request_id_header); it != req.end() && sane_request_id(it->value()))
    request_id = std::string(it->value());
  else
    request_id = next_request_id();
  unsigned version = req.version();
  bool keep_alive = req.keep_alive();
  auto finish = [done = std::move(done), request_id](wire_response res) {
    res.set(request_id_header, request_id);
    done(std::move(res));
  };
  auto fail = [&](error_code code, std::string message) {
    finish(error_response(code, std::move(message), version, keep_alive));
  };

  std::string_view raw_target(req.target().data(), req.target().size());
  request_target target;
  if (!parse_request_target(raw_target, target))
    return fail(error_code::invalid_request, "Malformed request target");
  std::string method(req.method_string());

  switch (target.surface) {
    case api_surface::unknown:
      return fail(error_code::not_found, "No such endpoint");
    case api_surface::health: {
      wire_response res(200, version, keep_alive);
      res.body(R"({"status":"ok"})", json_type);
      return finish(std::move(res));
    }
    case api_surface::debug: {
      if (!test_hooks || method != "POST" || target.segments.size() != 2)
        return fail(error_code::not_found, "No such endpoint");
      auto answer = [finish, version, keep_alive](api_reply r) {
        finish(to_http(std::move(r), nullptr, version, keep_alive));
      };
      std::uint64_t ms = 0;
      if (target.segments[0] == "crash")
        gw.crash(target.segments[1], answer);
      else if (target.segments[0] == "stall" && parse_decimal(target.segments[1], ms, 6))
        gw.stall(static_cast<std::int64_t>(ms), answer);
      else if (target.segments[0] == "mint")
        gw.mint(target.segments[1], answer);
      else if (target.segments[0] == "revoke")
        gw.revoke(target.segments[1], answer);
      else
        fail(error_code::not_found, "No such endpoint");
      return;
    }
    case api_surface::admin:
    case api_surface::account:
      break;
  }
  bool admin = target.surface == api_surface::admin;
  auto token = bearer_token(req);
  if (token.empty())
    return fail(error_code::unauthorized, "Missing or malformed Authorization: Bearer header");
  auto routed = route(method, admin, target.segments);
  if (routed.error) {
    auto res = to_http(api_reply::fail(routed.error), nullptr, version, keep_alive);
    if (!routed.allow.empty())
      res.set("Allow", routed.allow);
    return finish(std::move(res));
  }
  auto call = std::move(routed.call);
  call.body = std::move(req.body());
  call.content_type = std::string(req[bhttp::field::content_type]);
  for (const auto& h : req) {
    constexpr std::string_view prefix = "integrator-";
    auto raw = h.name_string();
    if (raw.size() <= prefix.size() || !beast::iequals(raw.substr(0, prefix.size()), prefix))
      continue;
    std::string name(raw);
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    call.headers.emplace_back(std::move(name), std::string(h.value()));
  }
  std::shared_ptr<const link_context> links;
  const auto& op = operation_of(call.op);
  if (op.takes_query)
    call.query = target.query;
  if (op.paged) {
    std::string host(req[bhttp::field::host]);
    if (host.empty())
      host = "localhost";
    links = std::make_shared<link_context>(
      link_context{std::move(host), std::move(target.path), std::move(target.query)});
  }
  auto complete = [finish, links, version, keep_alive](api_reply r) {
    finish(to_http(std::move(r), links.get(), version, keep_alive));
  };
  if (admin)
    gw.submit_admin(std::move(token), std::move(call), std::move(complete));
  else
    gw.submit(std::move(token), std::move(call), std::move(complete));
}

}  // namespace integrator
