// Scenario 1 of the flow comparison, the ceiling: a zero-work relay that
// fetches each page from the bench source and POSTs its records unchanged
// to the sink, with one page fetched ahead while the previous one is
// posted (the overlap any pipelined engine gets). What it moves is the
// most the source and sink let any engine move on this machine.
//
// usage: relay SOURCE_URL SINK_URL PAGE_SIZE   (http://127.0.0.1:PORT[/path])
// prints: records=N seconds=S

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <simdjson.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

struct url {
  std::string host, port, path;
};

url parse_url(std::string s) {
  s = s.substr(s.find("//") + 2);
  auto slash = s.find('/');
  std::string hostport = s.substr(0, slash);
  url u;
  u.path = slash == std::string::npos ? "/" : s.substr(slash);
  auto colon = hostport.find(':');
  u.host = hostport.substr(0, colon);
  u.port = colon == std::string::npos ? "80" : hostport.substr(colon + 1);
  return u;
}

// One keep-alive connection.
class client {
public:
  explicit client(const url& u) : u_(u), stream_(ioc_) {
    tcp::resolver r(ioc_);
    stream_.connect(r.resolve(u.host, u.port));
    stream_.socket().set_option(tcp::no_delay(true));
    buffer_.reserve(64 * 1024);  // Beast reads at most the free space: whole pages, not 1 KB
  }
  std::string call(http::verb verb, const std::string& target, std::string body) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, u_.host);
    req.keep_alive(true);
    if (verb == http::verb::post) {
      req.set(http::field::content_type, "application/json");
      req.body() = std::move(body);
      req.prepare_payload();
    }
    http::write(stream_, req);
    http::response_parser<http::string_body> p;
    p.body_limit(256 * 1024 * 1024);
    http::read(stream_, buffer_, p);
    if (p.get().result_int() >= 300)
      throw std::runtime_error("HTTP " + std::to_string(p.get().result_int()) + " from " + target);
    return std::move(p.get().body());
  }

private:
  url u_;
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: relay SOURCE_URL SINK_URL PAGE_SIZE\n";
    return 2;
  }
  auto src = parse_url(argv[1]);
  auto sink = parse_url(argv[2]);
  std::string size = argv[3];
  std::mutex m;
  std::condition_variable cv;
  std::deque<std::optional<std::string>> pages;  // nullopt: the end
  std::int64_t records = 0;
  auto start = std::chrono::steady_clock::now();
  std::thread fetcher([&] {
    client c(src);
    simdjson::ondemand::parser parser;
    for (long page = 0;; ++page) {
      auto body = c.call(http::verb::get, src.path + "records?page=" + std::to_string(page) + "&size=" + size, {});
      body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
      simdjson::ondemand::document doc;
      simdjson::ondemand::array array;
      std::string_view raw;
      std::size_t n = 0;
      bool last = false;
      if (parser.iterate(body.data(), body.size(), body.capacity()).get(doc)
          || doc["records"].get_array().get(array) || array.count_elements().get(n)
          || array.raw_json().get(raw) || doc["nextPage"].is_null().get(last)) {
        std::cerr << "relay: page " << page << " is not a bench page\n";
        std::exit(1);
      }
      {
        std::unique_lock<std::mutex> lock(m);
        cv.wait(lock, [&] { return pages.size() < 1; });
        pages.emplace_back(std::string(raw));
        records += static_cast<std::int64_t>(n);
        if (last)
          pages.emplace_back(std::nullopt);
      }
      cv.notify_all();
      if (last)
        break;
    }
  });
  client out(sink);
  for (;;) {
    std::optional<std::string> page;
    {
      std::unique_lock<std::mutex> lock(m);
      cv.wait(lock, [&] { return !pages.empty(); });
      page = std::move(pages.front());
      pages.pop_front();
    }
    cv.notify_all();
    if (!page)
      break;
    out.call(http::verb::post, sink.path, std::move(*page));
  }
  fetcher.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "records=" << records << " seconds=" << seconds << std::endl;
}
