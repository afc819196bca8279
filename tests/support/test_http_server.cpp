#include "tests/support/test_http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <set>
#include <thread>

namespace integrator::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

std::map<std::string, std::string> query_of(std::string_view target) {
  std::map<std::string, std::string> out;
  auto q = target.find('?');
  if (q == std::string_view::npos)
    return out;
  auto rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    out[std::string(pair.substr(0, eq))] =
      eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
    if (amp == std::string_view::npos)
      break;
    rest.remove_prefix(amp + 1);
  }
  return out;
}

long number(const std::map<std::string, std::string>& q, const std::string& key, long fallback) {
  auto it = q.find(key);
  if (it == q.end() || it->second.empty())
    return fallback;
  try {
    return std::stol(it->second);
  } catch (...) {
    return fallback;
  }
}

json::object record(long i, long reject_every) {
  json::object r;
  r["id"] = i;
  r["name"] = "name-" + std::to_string(i);
  r["email"] = "user-" + std::to_string(i) + "@example.com";
  r["amount"] = static_cast<double>(i) * 1.5;
  r["active"] = i % 2 == 0;
  r["tier"] = i % 3 == 0 ? "gold" : "silver";
  if (i % 4 == 0)
    r["ref"] = "r" + std::to_string(i);
  if (reject_every > 0 && i % reject_every == 3)
    r["reject"] = true;
  return r;
}

json::array records(long from, long to, long reject_every) {
  json::array a;
  for (long i = from; i < to; ++i)
    a.push_back(record(i, reject_every));
  return a;
}

// The key under which in-flight counts are kept: the first two segments.
std::string key_of(std::string_view path) {
  auto second = path.find('/', 1);
  if (second == std::string_view::npos)
    return std::string(path);
  auto third = path.find('/', second + 1);
  return std::string(path.substr(0, third));
}

}  // namespace

struct test_http_server::impl : std::enable_shared_from_this<impl> {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread accept_thread;
  mutable std::mutex mutex;
  std::vector<fault> faults;
  std::map<std::string, std::vector<sink_entry>> sinks;
  std::map<std::string, int> hit_count;
  std::map<std::string, int> in_flight;
  std::map<std::string, int> peak;
  std::map<std::string, std::map<std::string, std::string>> headers_seen;
  std::vector<std::weak_ptr<tcp::socket>> sockets;
  long next_id = 1;
  std::atomic<bool> stopping{false};
  std::atomic<bool> refuse_rejects{true};
  std::vector<std::pair<long, std::string>> changes;  ///< id, modifiedAt
  std::set<long> flagged;  ///< records PUT /once/flag/<id> flagged

  std::optional<fault> take_fault(std::string_view method, std::string_view path) {
    std::lock_guard<std::mutex> guard(mutex);
    for (auto it = faults.begin(); it != faults.end(); ++it) {
      if ((!it->method.empty() && it->method != method) || !path.starts_with(it->path_prefix))
        continue;
      fault f = *it;
      if (--it->times <= 0)
        faults.erase(it);
      return f;
    }
    return std::nullopt;
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()); }

  void source(std::string_view path, const std::map<std::string, std::string>& q,
              http::response<http::string_body>& res) {
    auto style = std::string(path.substr(std::string_view("/source/").size()));
    long total = number(q, "total", 100);
    long size = number(q, "size", 10);
    long page = number(q, "page", 0);
    long offset = number(q, "offset", style == "page" || style == "notfound" ? page * size : 0);
    if (q.count("after"))
      offset = number(q, "after", -1) + 1;
    if (style == "token") {
      auto c = q.count("cursor") ? q.at("cursor") : "";
      offset = c.size() > 1 ? std::stol(c.substr(1)) : 0;
    }
    long end = std::min(total, offset + size);
    json::object body;
    auto items = records(std::min(offset, total), end, number(q, "reject", 0));
    bool more = end < total;
    std::string next_q = "total=" + std::to_string(total) + "&size=" + std::to_string(size)
                         + "&offset=" + std::to_string(end)
                         + (q.count("reject") ? "&reject=" + q.at("reject") : "");
    if (style == "page" || style == "notfound") {
      long pages = (total + size - 1) / size;
      if (style == "notfound" && page >= pages) {
        res.result(http::status::not_found);
        res.body() = R"({"message":"no such page"})";
        return;
      }
      body["page"] = page;
      body["pages"] = pages;
      body["total"] = total;
    } else if (style == "skip") {
      body["total"] = total;
    } else if (style == "token") {
      body["next"] = more ? json::value("c" + std::to_string(end)) : json::value(nullptr);
    } else if (style == "link") {
      if (more)
        res.set(http::field::link, "<" + base() + "/source/link?" + next_q + ">; rel=\"next\"");
      res.body() = json::serialize(items);
      return;
    } else if (style == "url") {
      if (more)
        body["nextUrl"] = "/source/url?" + next_q;
    } else if (style == "last") {
      body["done"] = !more;
    } else {
      res.result(http::status::not_found);
      res.body() = R"({"message":"unknown source style"})";
      return;
    }
    body["items"] = std::move(items);
    res.body() = json::serialize(body);
  }

  void sink(std::string_view method, std::string_view path, const std::string& body,
            http::response<http::string_body>& res) {
    auto rest = path.substr(std::string_view("/sink/").size());
    auto slash = rest.find('/');
    std::string name(rest.substr(0, slash));
    std::string id = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
    boost::system::error_code ec;
    json::parse_options deep;  // records as deep as the engine lets through
    deep.max_depth = 4096;
    auto doc = json::parse(body, ec, {}, deep);
    if (ec || !(doc.is_object() || doc.is_array())) {
      res.result(http::status::bad_request);
      res.body() = R"({"message":"body is not a JSON object or array"})";
      return;
    }
    auto rejected = [this](const json::value& r) {
      const auto* o = r.if_object();
      return refuse_rejects && o && o->contains("reject") && o->at("reject") == true;
    };
    std::vector<const json::value*> list;
    if (doc.is_array())
      for (const auto& r : doc.get_array())
        list.push_back(&r);
    else
      list.push_back(&doc);
    for (const auto* r : list)
      if (rejected(*r)) {
        res.result(http::status::unprocessable_entity);
        const auto* o = r->if_object();
        auto rid = o && o->contains("id") ? json::serialize(o->at("id")) : "?";
        res.body() = R"({"message":"rejected )" + rid + R"("})";
        return;
      }
    std::lock_guard<std::mutex> guard(mutex);
    json::array ids;
    for (const auto* r : list) {
      std::string assigned = method == "PUT" && !id.empty() ? id : std::to_string(next_id++);
      sinks[name].push_back({std::string(method), assigned, *r});
      json::object o;
      o["id"] = assigned;
      ids.push_back(std::move(o));
    }
    res.result(method == "PUT" ? http::status::ok : http::status::created);
    res.body() = doc.is_array() ? json::serialize(ids) : json::serialize(ids[0]);
  }

  void changes_since(const std::map<std::string, std::string>& q,
                     http::response<http::string_body>& res) {
    auto arg = [&](const char* name) {
      std::string v = q.count(name) ? q.at(name) : "", out;
      for (std::size_t i = 0; i < v.size(); ++i)  // %XX, in case the caller encoded
        if (v[i] == '%' && i + 2 < v.size()) {
          out += static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else {
          out += v[i];
        }
      return out;
    };
    auto since = arg("since"), until = arg("until");
    json::array items;
    std::lock_guard<std::mutex> guard(mutex);
    for (const auto& [id, at] : changes)
      if ((since.empty() || at > since) && (until.empty() || at <= until))
        items.push_back(json::object{{"id", id}, {"modifiedAt", at}});
    res.body() = json::serialize(json::object{{"items", std::move(items)}});
  }

  // GET /once/pending?total=T&size=S: the first S of records 0…T-1 not yet
  // flagged; PUT /once/flag/<id> flags one.
  void once(std::string_view method, std::string_view path,
            const std::map<std::string, std::string>& q, http::response<http::string_body>& res) {
    std::lock_guard<std::mutex> guard(mutex);
    if (method == "PUT" && path.starts_with("/once/flag/")) {
      flagged.insert(std::stol(std::string(path.substr(std::string_view("/once/flag/").size()))));
      res.body() = R"({"ok":true})";
      return;
    }
    json::array items;
    auto size = static_cast<std::size_t>(number(q, "size", 10));
    for (long i = 0; i < number(q, "total", 10) && items.size() < size; ++i)
      if (!flagged.count(i))
        items.push_back(record(i, 0));
    res.body() = json::serialize(json::object{{"items", std::move(items)}});
  }

  void serve(std::shared_ptr<tcp::socket> sock) {
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    while (!stopping) {
      http::request<http::string_body> req;
      http::read(*sock, buffer, req, ec);
      if (ec)
        return;
      std::string target(req.target());
      std::string path = target.substr(0, target.find('?'));
      std::string method(req.method_string());
      auto key = key_of(path);
      {
        std::lock_guard<std::mutex> guard(mutex);
        ++hit_count[key];
        peak[key] = std::max(peak[key], ++in_flight[key]);
        auto& seen = headers_seen[key];
        seen.clear();
        for (const auto& h : req) {
          std::string name(h.name_string());
          for (auto& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          seen[name] = std::string(h.value());
        }
      }
      http::response<http::string_body> res{http::status::ok, req.version()};
      res.set(http::field::content_type, "application/json");
      res.keep_alive(req.keep_alive());
      auto f = take_fault(method, path);
      if (f && f->delay_ms > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(f->delay_ms));
      if (f && f->drop) {
        std::lock_guard<std::mutex> guard(mutex);
        --in_flight[key];
        sock->close(ec);
        return;
      }
      if (f && !(f->delay_ms > 0 && f->status == 200)) {
        res.result(static_cast<http::status>(f->status));
        res.set(http::field::content_type, f->content_type);
        if (f->retry_after >= 0)
          res.set(http::field::retry_after, std::to_string(f->retry_after));
        res.body() = f->body;
      } else if (path.starts_with("/source/")) {
        source(path, query_of(target), res);
      } else if (path.starts_with("/sink/")) {
        sink(method, path, req.body(), res);
      } else if (path.starts_with("/once/")) {
        once(method, path, query_of(target), res);
      } else if (path == "/changes") {
        changes_since(query_of(target), res);
      } else if (path == "/ping") {
        res.body() = R"({"ok":true})";
      } else {
        res.result(http::status::not_found);
        res.body() = R"({"message":"not found"})";
      }
      res.prepare_payload();
      {
        std::lock_guard<std::mutex> guard(mutex);
        --in_flight[key];
      }
      http::write(*sock, res, ec);
      if (ec || !res.keep_alive())
        return;
    }
  }

  void accept_loop() {
    for (;;) {
      auto sock = std::make_shared<tcp::socket>(io);
      boost::system::error_code ec;
      acceptor.accept(*sock, ec);
      if (ec || stopping)
        return;
      {
        std::lock_guard<std::mutex> guard(mutex);
        sockets.push_back(sock);
      }
      std::thread([self = shared_from_this(), sock] { self->serve(sock); }).detach();
    }
  }
};

test_http_server::test_http_server() : impl_(std::make_shared<impl>()) {
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  impl_->accept_thread = std::thread([i = impl_] { i->accept_loop(); });
}

test_http_server::~test_http_server() {
  impl_->stopping = true;
  boost::system::error_code ec;
  // Wake the accept with a connection of our own, then close everything.
  {
    tcp::socket poke(impl_->io);
    poke.connect(impl_->acceptor.local_endpoint(), ec);
  }
  impl_->accept_thread.join();
  impl_->acceptor.close(ec);
  std::lock_guard<std::mutex> guard(impl_->mutex);
  for (auto& w : impl_->sockets)
    if (auto s = w.lock())
      s->shutdown(tcp::socket::shutdown_both, ec);
}

unsigned short test_http_server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

std::string test_http_server::base_url() const {
  return impl_->base();
}

void test_http_server::add_change(long id, const std::string& modified_at) {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  impl_->changes.emplace_back(id, modified_at);
}

void test_http_server::refuse_rejects(bool refuse) {
  impl_->refuse_rejects = refuse;
}

void test_http_server::inject(fault f) {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  impl_->faults.push_back(std::move(f));
}

std::vector<sink_entry> test_http_server::sink(const std::string& name) const {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  auto it = impl_->sinks.find(name);
  return it == impl_->sinks.end() ? std::vector<sink_entry>{} : it->second;
}

std::size_t test_http_server::sink_size(const std::string& name) const {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  auto it = impl_->sinks.find(name);
  return it == impl_->sinks.end() ? 0 : it->second.size();
}

void test_http_server::forget(const std::string& name) {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  impl_->sinks.erase(name);
}

int test_http_server::hits(const std::string& prefix) const {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  int n = 0;
  for (const auto& [k, v] : impl_->hit_count)
    if (k.starts_with(prefix))
      n += v;
  return n;
}

int test_http_server::peak_in_flight(const std::string& key) const {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  auto it = impl_->peak.find(key);
  return it == impl_->peak.end() ? 0 : it->second;
}

std::map<std::string, std::string> test_http_server::last_headers(const std::string& key) const {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  auto it = impl_->headers_seen.find(key);
  return it == impl_->headers_seen.end() ? std::map<std::string, std::string>{} : it->second;
}

}  // namespace integrator::test
