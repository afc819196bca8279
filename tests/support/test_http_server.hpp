#pragma once
// The HTTP peer of the engine tests: a paged JSON source for every paging
// style, a record sink that keeps what it receives, and fault injection.
// Runs inside the test process on 127.0.0.1:0 (a thread per connection),
// so tests read the sink and arm faults directly.
//
// Source: GET /source/<style>?total=T&size=S&page=N|offset=K|cursor=C
//   record i is {"id":i,"name":"name-i","email":"user-i@example.com",
//                "amount":i*1.5 (number),"active":i%2==0,"tier":"gold|silver",
//                "ref":"r<i>" (only when i%4==0),
//                "reject":true (only with &reject=N, when i%N==3)}
//   page:  {"page":N,"pages":P,"total":T,"items":[…]}       (page from 0)
//   skip:  {"total":T,"items":[…]}                          (offset)
//   token: {"next":"c<offset>"|null,"items":[…]}            (cursor)
//   link:  […] with Link: <http://…/source/link?offset=…>; rel="next"
//   url:   {"nextUrl":"/source/url?offset=…"|absent,"items":[…]}
//   last:  {"done":true|false,"items":[…]}                  (offset)
//   notfound: page style, but 404 after the last page
//   any style: &after=<id> starts right after that record
// Once: GET /once/pending?total=T&size=S → {"items":[…]}, the first S of
//   records 0…T-1 not yet flagged; PUT /once/flag/<id> flags one.
// Sink: POST /sink/<name> (object → {"id"}, array → [{"id"}…]);
//   PUT /sink/<name>/<id> updates. A record with "reject":true is refused
//   with 422 {"message":"rejected <id>"} (batches: the whole request).

#include <boost/json/value.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace integrator::test {

struct fault {
  std::string method;       ///< empty: any
  std::string path_prefix;  ///< matched against the path
  int times = 1;            ///< how many requests it hits
  int status = 500;
  int retry_after = -1;      ///< seconds, sent when >= 0
  int delay_ms = 0;          ///< answer late
  bool drop = false;         ///< close the connection without answering
  std::string body = R"({"message":"injected"})";
  std::string content_type = "application/json";
};

struct sink_entry {
  std::string method;  ///< POST or PUT
  std::string id;      ///< id assigned or updated
  boost::json::value record;
};

class test_http_server {
public:
  test_http_server();
  ~test_http_server();

  unsigned short port() const;
  std::string base_url() const;

  void inject(fault f);
  /// Whether sinks refuse records marked "reject":true (422; the default).
  void refuse_rejects(bool refuse);
  /// Adds a record {id, modifiedAt} to GET /changes?since=&until=, which
  /// answers {"items":[…]} with the records modified in (since, until]
  /// (ISO 8601 UTC texts of one format compare as times; empty: open).
  void add_change(long id, const std::string& modified_at);
  /// Records the sink `name` accepted, in arrival order.
  std::vector<sink_entry> sink(const std::string& name) const;
  /// How many records sink `name` holds (without copying them).
  std::size_t sink_size(const std::string& name) const;
  /// Drops what sink `name` holds (long tests, between rounds).
  void forget(const std::string& name);
  /// Requests seen whose path starts with `prefix`.
  int hits(const std::string& prefix) const;
  /// Most requests that were in flight at once under `prefix`.
  int peak_in_flight(const std::string& prefix) const;
  /// Headers of the last request under `prefix` (lower-case names).
  std::map<std::string, std::string> last_headers(const std::string& prefix) const;

  struct impl;

private:
  std::shared_ptr<impl> impl_;
};

}  // namespace integrator::test
