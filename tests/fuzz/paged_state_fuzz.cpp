// Paged-export state: the position a client hands back to
// /connections/{id}/export/pages (and a resumed job's checkpoint) is
// untrusted. Any position restores, and the next request is built or
// refused, without crashing; any checkpoint text reads or is refused.
// Input: the state as JSON text.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/connect/export_pager.hpp"
#include "core/engine/job_checkpoint.hpp"
#include "core/json/json_depth.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace integrator;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const char* const exports[] = {
    R"({"http":{"relativeURI":"/items?page={{export.http.paging.page}}","paging":{"method":"page"}}})",
    R"({"http":{"relativeURI":"/items","paging":{"method":"token","path":"next","relativeURI":"/items?t={{export.http.paging.token}}"}}})",
    R"({"http":{"relativeURI":"/items","paging":{"method":"url","path":"nextUrl"}}})",
    R"({"http":{"relativeURI":"/items?skip={{export.http.paging.skip}}","paging":{"method":"skip"}}})",
  };
  boost::system::error_code ec;
  auto state = parse_json(text, ec);
  if (!ec && state.is_object())
    for (const auto* e : exports) {
      auto plan = http_export_plan::compile(boost::json::parse(e));
      if (!plan)
        std::abort();  // the fixed exports compile
      export_pager pager(std::make_shared<const http_export_plan>(std::move(*plan)), boost::json::object());
      pager.restore(state.get_object());
      if (auto req = pager.next()) {
        outbound_response r;
        r.status = 200;
        r.body = R"({"items":[{"id":1}],"next":"abc","nextUrl":"/items?p=2"})";
        auto answer = pager.read_paging(r);
        (void)pager.read_records(answer);
        (void)pager.next();
      }
      (void)boost::json::serialize(pager.position());
    }
  if (auto c = job_checkpoint::from_json(text))
    (void)c->to_json();
  return 0;
}
