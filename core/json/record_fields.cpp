#include "core/json/record_fields.hpp"

#include "core/json/record_page.hpp"
#include "core/json/simdjson_text.hpp"

namespace integrator {

namespace od = simdjson::ondemand;

static_assert(json_padding >= simdjson::SIMDJSON_PADDING);

bool open_record_object(std::string_view record, std::size_t readable, od::document& doc,
                        od::object& obj) {
  thread_local od::parser parser;
  if (readable < record.size() + json_padding) {
    thread_local std::string scratch;
    scratch.assign(record);
    scratch.reserve(record.size() + json_padding);
    record = scratch;
    readable = scratch.capacity();
  }
  return !parser.iterate(record.data(), record.size(), readable).get(doc)
         && !doc.get_object().get(obj);
}

std::optional<boost::json::value> project_fields(std::string_view record,
                                                 const std::vector<std::string>& keys,
                                                 boost::json::storage_ptr storage,
                                                 std::size_t readable) {
  od::document doc;
  od::object obj;
  if (!open_record_object(record, readable, doc, obj))
    return std::nullopt;
  boost::json::object out(storage);
  bool found_all = false;
  if (!project_object(obj, keys, out, found_all))
    return std::nullopt;
  return boost::json::value(std::move(out), storage);
}

}  // namespace integrator
