// The export page scan (json_scan, simdjson on demand) against simdjson's
// full parse of the same body. Input: a resource path, a newline, the body.
// What must hold (the target aborts otherwise):
// - every record of a scan that succeeds is a whole JSON value on its own
//   (a failed scan's records are dropped: export_pager::read_into);
// - on a body the full parser accepts, the scan reads it too and finds as
//   many records as the full parse has at the path (an array's elements, an
//   object as one).
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/json/json_path.hpp"
#include "core/json/json_scan.hpp"

namespace {

bool whole_value(simdjson::dom::parser& parser, std::string_view text) {
  simdjson::dom::element e;
  return parser.parse(simdjson::padded_string(text)).get(e) == simdjson::SUCCESS;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace integrator;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto nl = in.find('\n');
  if (nl == std::string_view::npos || nl > 64)
    return 0;
  auto path_text = std::string(in.substr(0, nl));
  std::string body(in.substr(nl + 1));
  auto path = split_path(path_text);
  static simdjson::dom::parser parser;
  // The full parse's verdict and its count at the path, taken before the
  // scan (which pads `body`).
  simdjson::dom::element doc;
  bool valid = parser.parse(simdjson::padded_string(body)).get(doc) == simdjson::SUCCESS;
  std::optional<std::size_t> expected;
  if (valid) {
    simdjson::dom::element at = doc;
    bool found = true;
    for (const auto& segment : path) {
      simdjson::dom::element next;
      if (at.is_object() && at.get_object().at_key(segment).get(next) == simdjson::SUCCESS) {
        at = next;
      } else if (at.is_array() && !segment.empty() && segment.find_first_not_of("0123456789") == std::string::npos
                 && (segment == "0" || segment[0] != '0')  // JSON Pointer's indices: no leading zeros
                 && segment.size() < 9 && at.get_array().at(std::stoul(segment)).get(next) == simdjson::SUCCESS) {
        at = next;
      } else {
        found = false;
        break;
      }
    }
    if (!found)
      expected = 0;
    else if (at.is_array())
      expected = at.get_array().size();
    else if (at.is_object())
      expected = 1;
  }
  std::vector<std::string_view> records;
  bool read;
  {
    json_scan scan(body);
    read = scan.records(path, records);
    if (read)
      for (auto r : records)
        if (!whole_value(parser, r))
          std::abort();  // a record that is not a JSON value would go on as one
  }
  if (valid && expected && (!read || records.size() != *expected))
    std::abort();  // the scan and the full parse disagree on a valid body
  return 0;
}
