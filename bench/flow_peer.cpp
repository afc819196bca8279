// The source and the sink of the flow benchmark, in one process, fast
// enough not to be what is measured (bench/README.md shows it against the
// relay ceiling). Speaks the contract of ../shared/peers/nodered/README.md:
//
//   GET  /records?page=N&size=S  → {"page":N,"records":[…],"nextPage":N+1|null}
//        record i: {"id":i,"email":"user<i>@example.com","first_name":"First<i>",
//                   "last_name":"Last<i>","amount":<i*1.25>,"status":"active"|"inactive"}
//   POST /sink (also /sink/…)    a record or an array of records; 2xx
//   GET  /stats                  {"expected","received","distinct","duplicates","foreign",
//                                 "complete","firstMs","lastMs","firstUs","lastUs",
//                                 "pageGapUs": median µs from a page's answer to the
//                                 next page's request,
//                                 "firstPageUs": when the first page was asked for}
//                                (steady clock, in ms and µs: CLOCK_MONOTONIC, as
//                                Python's time.monotonic())
//   POST /reset?records=N        a new run of N records
//
// The sink marks each record's externalId (or id) in a bitmap, so a lost
// or duplicated record shows: complete needs distinct == expected and no
// duplicates.
//
// usage: flow_peer PORT [THREADS] [RECORDS]   (prints "ready PORT")

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench/beast_serve.hpp"

namespace {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

struct run_state {
  std::mutex mutex;  ///< guards reset against the bitmap's replacement
  std::int64_t expected = 0;
  std::vector<std::atomic<std::uint64_t>> seen;
  std::atomic<std::int64_t> received{0}, distinct{0}, duplicates{0}, foreign{0};
  std::atomic<std::int64_t> first_us{0}, last_us{0};
  std::mutex pages_mutex;
  std::vector<std::pair<std::int64_t, std::int64_t>> pages;  ///< each GET's start and end, µs

  void reset(std::int64_t n) {
    std::lock_guard<std::mutex> guard(mutex);
    {
      std::lock_guard<std::mutex> pages_guard(pages_mutex);
      pages.clear();
    }
    expected = n;
    seen = std::vector<std::atomic<std::uint64_t>>(static_cast<std::size_t>(n / 64 + 1));
    received = distinct = duplicates = foreign = 0;
    first_us = last_us = 0;
  }

  void mark(std::int64_t id) {
    ++received;
    if (id < 0 || id >= expected) {
      ++foreign;
      return;
    }
    auto bit = std::uint64_t{1} << (id % 64);
    auto old = seen[static_cast<std::size_t>(id / 64)].fetch_or(bit);
    if (old & bit)
      ++duplicates;
    else
      ++distinct;
  }
};

run_state run;

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

std::int64_t query_int(std::string_view target, std::string_view key, std::int64_t fallback) {
  auto q = target.find('?');
  while (q != std::string_view::npos) {
    auto start = q + 1;
    auto amp = target.find('&', start);
    auto pair = target.substr(start, amp == std::string_view::npos ? amp : amp - start);
    if (pair.substr(0, key.size()) == key && pair.size() > key.size() && pair[key.size()] == '=') {
      std::int64_t v = fallback;
      auto digits = pair.substr(key.size() + 1);
      std::from_chars(digits.data(), digits.data() + digits.size(), v);
      return v;
    }
    q = amp;
  }
  return fallback;
}

// Writes through a pointer into a buffer sized for the worst case: the
// source shares the machine's two cores with the engine it feeds, so the
// fewer cycles it spends per record, the less it weighs on what is measured.
class page_writer {
public:
  explicit page_writer(std::string& out, std::size_t most) : out_(out), at_(out.size()) {
    out_.resize(at_ + most);
    p_ = out_.data() + at_;
  }
  ~page_writer() { out_.resize(static_cast<std::size_t>(p_ - out_.data())); }
  template <std::size_t N>
  void text(const char (&s)[N]) {
    std::memcpy(p_, s, N - 1);
    p_ += N - 1;
  }
  void text(std::string_view s) {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void number(std::int64_t v) { p_ = std::to_chars(p_, p_ + 20, v).ptr; }

private:
  std::string& out_;
  std::size_t at_;
  char* p_;
};

void write_page(std::string& out, std::int64_t page, std::int64_t size) {
  std::int64_t total = run.expected;
  std::int64_t from = page * size, to = std::min(total, from + size);
  // Per record: 110 bytes of text and 5 numbers, none longer than the
  // page's largest amount (a tight bound: the buffer is cleared first).
  std::size_t digits = std::to_string(to + to / 4).size();
  page_writer w(out, static_cast<std::size_t>(std::max<std::int64_t>(0, to - from)) * (110 + 5 * digits) + 96);
  w.text("{\"page\":");
  w.number(page);
  w.text(",\"records\":[");
  static constexpr std::string_view cents[] = {"", ".25", ".5", ".75"};
  for (std::int64_t i = from; i < to; ++i) {
    if (i > from)
      w.text(",");
    w.text("{\"id\":");
    w.number(i);
    w.text(",\"email\":\"user");
    w.number(i);
    w.text("@example.com\",\"first_name\":\"First");
    w.number(i);
    w.text("\",\"last_name\":\"Last");
    w.number(i);
    w.text("\",\"amount\":");
    w.number(i + i / 4);  // whole part of i*1.25
    w.text(cents[i % 4]);
    if (i % 2 == 0)
      w.text(",\"status\":\"active\"}");
    else
      w.text(",\"status\":\"inactive\"}");
  }
  w.text("],\"nextPage\":");
  if (to < total)
    w.number(page + 1);
  else
    w.text("null");
  w.text("}");
}

std::string page_body(std::int64_t page, std::int64_t size) {
  std::string out;
  write_page(out, page, size);  // its writer trims `out` on the way out
  return out;
}

bool take_record(simdjson::ondemand::object obj) {
  std::int64_t id = -1;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key))
      return false;
    if (key == "externalId" || key == "id") {
      auto v = field.value();
      if (v.get_int64().get(id)) {
        std::string_view s;
        if (v.get_string().get(s))
          return false;
        std::from_chars(s.data(), s.data() + s.size(), id);
      }
      break;
    }
  }
  run.mark(id);
  return true;
}

// Counts the records of a sink body; false when it is not JSON.
bool sink_body(std::string& body) {
  thread_local simdjson::ondemand::parser parser;
  auto size = body.size();
  body.reserve(size + simdjson::SIMDJSON_PADDING);
  simdjson::ondemand::document doc;
  if (parser.iterate(body.data(), size, body.capacity()).get(doc))
    return false;
  simdjson::ondemand::json_type t;
  if (doc.type().get(t))
    return false;
  if (t == simdjson::ondemand::json_type::array) {
    simdjson::ondemand::array a;
    if (doc.get_array().get(a))
      return false;
    for (auto el : a) {
      simdjson::ondemand::object o;
      if (el.get_object().get(o) || !take_record(o))
        return false;
    }
  } else {
    simdjson::ondemand::object o;
    if (doc.get_object().get(o) || !take_record(o))
      return false;
  }
  auto now = now_us();
  std::int64_t zero = 0;
  run.first_us.compare_exchange_strong(zero, now);
  // The latest, whichever sink thread gets here last.
  for (auto last = run.last_us.load(); last < now && !run.last_us.compare_exchange_weak(last, now);) {
  }
  return true;
}

// The median time from one page's answer being ready to the next page's
// request arriving: what the client spends between pages of a sequential
// pager (reading the page, deciding, asking again), beyond the source's own.
std::int64_t median_page_gap_us() {
  std::lock_guard<std::mutex> guard(run.pages_mutex);
  auto pages = run.pages;
  std::sort(pages.begin(), pages.end());
  std::vector<std::int64_t> gaps;
  for (std::size_t i = 1; i < pages.size(); ++i)
    gaps.push_back(pages[i].first - pages[i - 1].second);
  if (gaps.empty())
    return 0;
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
  return gaps[gaps.size() / 2];
}

// When the run's first page was asked for (µs, steady clock; 0: none yet).
std::int64_t first_page_us() {
  std::lock_guard<std::mutex> guard(run.pages_mutex);
  std::int64_t first = 0;
  for (const auto& page : run.pages)
    if (first == 0 || page.first < first)
      first = page.first;
  return first;
}

std::string stats_body() {
  std::string out = "{\"expected\":";
  append_int(out, run.expected);
  out += ",\"received\":";
  append_int(out, run.received);
  out += ",\"distinct\":";
  append_int(out, run.distinct);
  out += ",\"duplicates\":";
  append_int(out, run.duplicates);
  out += ",\"foreign\":";
  append_int(out, run.foreign);
  bool complete = run.distinct == run.expected && run.duplicates == 0 && run.foreign == 0;
  out += ",\"complete\":";
  out += complete ? "true" : "false";
  out += ",\"firstMs\":";
  append_int(out, run.first_us / 1000);
  out += ",\"lastMs\":";
  append_int(out, run.last_us / 1000);
  out += ",\"firstUs\":";
  append_int(out, run.first_us);
  out += ",\"lastUs\":";
  append_int(out, run.last_us);
  out += ",\"pageGapUs\":";
  append_int(out, median_page_gap_us());
  out += ",\"firstPageUs\":";
  append_int(out, first_page_us());
  out += '}';
  return out;
}

void answer(bench::request& req, bench::response& res) {
  namespace http = bench::http;
  std::string_view target(req.target().data(), req.target().size());
  if (req.method() == http::verb::get && target.starts_with("/records")) {
    auto start = now_us();
    res.body() = page_body(query_int(target, "page", 0), query_int(target, "size", 1000));
    std::lock_guard<std::mutex> guard(run.pages_mutex);
    run.pages.emplace_back(start, now_us());
  } else if (req.method() == http::verb::post && target.starts_with("/sink")) {
    if (sink_body(req.body())) {
      res.result(http::status::created);
      res.body() = R"({"ok":true})";
    } else {
      res.result(http::status::bad_request);
      res.body() = R"({"message":"not JSON"})";
    }
  } else if (target.starts_with("/stats")) {
    res.body() = stats_body();
  } else if (req.method() == http::verb::post && target.starts_with("/reset")) {
    run.reset(query_int(target, "records", 0));
    res.body() = stats_body();
  } else {
    res.result(http::status::not_found);
    res.body() = R"({"message":"not found"})";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: flow_peer PORT [THREADS] [RECORDS]\n";
    return 2;
  }
  auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  run.reset(argc > 3 ? std::atoll(argv[3]) : 100000);
  return bench::serve(port, threads, answer);
}
