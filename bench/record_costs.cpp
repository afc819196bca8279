// What each piece of the engine's per-record path costs, without actors or
// sockets: the export's page scan, its output filter, the import's mapping
// into a batch body, and settling the batch's answer. Same records, filter
// and mapping as the flow comparison (bench/compare.py).
//
// usage: record_costs [pages=1000] [only steps containing this]
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "core/engine/flow_plan.hpp"
#include "core/json/record_fields.hpp"
#include "core/lang/filter_expression.hpp"
#include "core/engine/import_plan.hpp"
#include "core/json/json_scan.hpp"
#include "core/json/record_page.hpp"

namespace json = boost::json;
using namespace integrator;

namespace {

constexpr int page_size = 1000;

// The records of flow_peer's source (bench/flow_peer.cpp), one page.
std::string page_body(int page) {
  std::string out = "{\"page\":" + std::to_string(page) + ",\"records\":[";
  for (long i = long(page) * page_size; i < long(page + 1) * page_size; ++i) {
    if (out.back() != '[')
      out += ',';
    out += "{\"id\":" + std::to_string(i) + ",\"email\":\"user" + std::to_string(i)
           + "@example.com\",\"first_name\":\"First" + std::to_string(i) + "\",\"last_name\":\"Last"
           + std::to_string(i) + "\",\"amount\":" + std::to_string(i + i / 4) + ".25,\"status\":\""
           + (i % 2 ? "inactive" : "active") + "\"}";
  }
  return out + "],\"nextPage\":" + std::to_string(page + 1) + "}";
}

// Runs `step` over `pages` pages, five times; prints the fastest round's
// ns per record (this machine is shared: the minimum is the stable figure).
const char* only = "";  ///< run only the steps whose name contains this

void time_it(const char* what, int pages, const std::function<void(int)>& step) {
  if (std::string_view(what).find(only) == std::string_view::npos)
    return;
  double best = 1e300;
  for (int round = 0; round < 5; ++round) {
    auto start = std::chrono::steady_clock::now();
    for (int p = 0; p < pages; ++p)
      step(p);
    std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count() / (double(pages) * page_size));
  }
  std::printf("| %-46s | %9.0f |\n", what, best);
}

}  // namespace

int main(int argc, char** argv) {
  int pages = argc > 1 ? std::atoi(argv[1]) : 1000;
  if (argc > 2)
    only = argv[2];
  std::vector<std::string> bodies;
  for (int p = 0; p < 16; ++p)
    bodies.push_back(page_body(p));

  export_step exp;
  exp.output_filter = filter_expression::compile_filter(json::parse(
      R"({"type":"expression","expression":{"version":"1","rules":["isnotempty",["extract","email"]]}})")).value();
  exp.filter_fields = exp.output_filter->record_fields();
  auto imp = import_plan::compile(json::parse(R"({"http":{"method":["POST"],"relativeURI":["/sink"],
      "batchSize":1000},"mapping":{"fields":[{"extract":"id","generate":"externalId"},
      {"extract":"email","generate":"email"},{"extract":"first_name","generate":"firstName"},
      {"extract":"last_name","generate":"lastName"},{"extract":"amount","generate":"total"},
      {"extract":"status","generate":"active"}]}})"), {});
  if (!imp || !imp->raw_capable()) {
    std::fprintf(stderr, "the bench import did not compile to a raw plan\n");
    return 1;
  }
  const std::vector<std::string> path{"records"};
  json::value settings = json::object();

  // Pages as the export stage builds them, for the import's steps.
  std::vector<record_page> built;
  for (auto& body : bodies) {
    json_scan scan(body);
    std::vector<std::string_view> recs;
    scan.records(path, recs);
    page_builder b(page_size, 5 << 20);
    for (auto r : recs)
      b.append(r);
    built.push_back(b.take());
  }

  std::printf("kernel: %s\n\n| step | ns/record |\n|---|---:|\n", json_kernel_name());
  std::size_t sink = 0;
  time_it("export: page scan", pages, [&](int p) {
    auto& body = bodies[p % bodies.size()];
    json_scan scan(body);
    std::vector<std::string_view> recs;
    scan.records(path, recs);
    sink += recs.size();
  });
  time_it("export: output filter", pages, [&](int p) {
    auto& page = built[p % built.size()];
    std::string reshaped;
    std::string_view kept;
    for (std::size_t i = 0; i < page.size(); ++i)
      sink += exp.screen({page.record(i), page.readable(i), {}}, settings, reshaped, kept)
              == record_verdict::keep;
  });
  // The filter alone, judging the fields the page scan hands it.
  std::vector<json::value> projected;
  for (std::size_t i = 0; i < built[0].size(); ++i)
    projected.push_back(project_fields(built[0].record(i), exp.filter_fields, {}).value_or(nullptr));
  time_it("export: filter on the projected fields", pages, [&](int) {
    for (const auto& fields : projected)
      sink += exp.judge(fields, settings) == static_cast<std::uint8_t>(record_verdict::keep);
  });
  // The export's page read: records, and its filter's verdicts on the
  // fields it needs (read in the same pass).
  auto scan_page = [&](int p, std::vector<std::string_view>& recs) {
    auto& body = bodies[p % bodies.size()];
    json_scan scan(body);
    field_projection fields{exp.filter_fields,
                            [&](const json::value& f) { return exp.judge(f, settings); },
                            {}};
    scan.records(path, recs, &fields);
    return std::move(fields.verdicts);
  };
  time_it("export: page scan with filter fields, filter", pages, [&](int p) {
    std::vector<std::string_view> recs;
    scan_page(p, recs);
    sink += recs.size();
  });
  time_it("export: scan with filter fields, filter, build", pages, [&](int p) {
    std::vector<std::string_view> recs;
    auto verdicts = scan_page(p, recs);
    page_builder b(page_size, 5 << 20);
    std::string reshaped;
    std::string_view kept;
    for (std::size_t i = 0; i < recs.size(); ++i) {
      record_view view{recs[i], 0, verdicts[i]};
      if (exp.screen(view, settings, reshaped, kept) == record_verdict::keep)
        b.append(kept);
    }
    sink += b.take().size();
  });
  std::vector<record_outcome> outcomes;
  std::vector<json::value> records;
  time_it("import: mapping into the batch", pages, [&](int p) {
    auto reqs = imp->stage_page(built[p % built.size()], settings, false, records, outcomes);
    sink += reqs[0].body.size();
  });
  auto staged = imp->stage_page(built[0], settings, false, records, outcomes);
  time_it("import: settle the answer", pages, [&](int) {
    outbound_response ok;
    ok.status = 201;
    ok.body = R"({"ok":true})";
    imp->settle(staged[0], ok, outcomes);
    sink += outcomes.size();
  });
  std::printf("\n(checksum %zu)\n", sink);
}
