#pragma once
// Reads a response body without building a document model: the records
// at a resource path as slices of the body (so a page is built by copying
// bytes, not by re-serializing), and single values at paths (paging
// tokens, stop markers, success and fail flags). simdjson's on-demand
// parser underneath; only what is asked for is parsed.

#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace integrator {

/// What records() may do besides finding each record's text: read the named
/// top-level fields of every record into a document of just those (what an
/// output filter reads) and hand it to `judge` at once, in the same pass.
/// The document is reused from record to record (no allocation per record
/// in the steady state), so `judge` reads it and keeps its answer only.
struct field_projection {
  static constexpr std::uint8_t not_an_object = 0xFF;  ///< the verdict of a non-object record

  std::vector<std::string> keys;
  std::function<std::uint8_t(const boost::json::value& fields)> judge;
  std::vector<std::uint8_t> verdicts;  ///< one per record, in order
  boost::json::value scratch = boost::json::object();  ///< the reused document
};

class json_scan {
public:
  /// Scans `body`, which must stay alive and unchanged while the scan is
  /// used; its capacity is grown for the parser's padding.
  explicit json_scan(std::string& body);
  ~json_scan();
  json_scan(const json_scan&) = delete;
  json_scan& operator=(const json_scan&) = delete;

  /// Appends the records at `path` (split, see json_path.hpp; empty: the
  /// whole body): each element of an array, or an object as one record.
  /// A missing path gives no records. False when the JSON is malformed,
  /// anywhere in the body (checked by simdjson's full parse: what the scan
  /// skips over is checked too), and nothing is appended; the scan then
  /// answers nothing more (nor does it after count_records failed).
  /// With `projection`, also appends each record's verdict
  /// (projection->verdicts stays aligned with `out`).
  bool records(const std::vector<std::string>& path, std::vector<std::string_view>& out,
               field_projection* projection = nullptr);

  /// After records() succeeded: true when the body's full parse showed that
  /// no record nests deeper than max_json_depth (json_depth.hpp), so readers
  /// need not scan each one; false when some part of the body is deeper and
  /// each record must be judged on its own.
  bool records_nest_within_limit() const;

  /// How many records records() would find at `path`, skipping over them
  /// unread (what paging needs before the records are read); nullopt when
  /// the JSON is malformed where it looked. A bad record inside the array
  /// is skipped, not checked: records() finds it. Remembers top-level
  /// siblings as records() does.
  std::optional<std::size_t> count_records(const std::vector<std::string>& path);

  /// The value at `path`: strings unescaped, null as "", anything else as
  /// its JSON text; nullopt when absent or the body is not JSON.
  std::optional<std::string> text_at(const std::vector<std::string>& path);

  struct impl;

private:
  bool records_at(const std::vector<std::string>& path, std::vector<std::string_view>& out,
                  field_projection* projection);
  std::optional<std::size_t> count_at(const std::vector<std::string>& path);
  /// With `count`, counts the records into it instead of reading them.
  bool top_level_records(const std::string& key, std::vector<std::string_view>& out,
                         field_projection* projection, std::size_t* count = nullptr);
  std::unique_ptr<impl> impl_;
};

/// "a.b[0]" as a JSON Pointer ("/a/b/0"), escaping ~ and /.
std::string json_pointer_of(const std::vector<std::string>& segments);

/// The simdjson kernel the on-demand parser was compiled for ("haswell",
/// "westmere", … or "fallback", the scalar one): fixed by the build's
/// -march, see CMakeLists.txt.
const char* json_kernel_name();

}  // namespace integrator
