#include "core/util/object_id.hpp"

#include "core/util/encoding.hpp"

namespace integrator {

bool is_object_id(std::string_view s) {
  if (s.size() != 24)
    return false;
  for (char c : s)
    if (hex_value(c) < 0)
      return false;
  return true;
}

object_id_generator::object_id_generator(std::array<std::uint8_t, 5> process_bytes,
                                         std::uint32_t counter_start)
  : process_(process_bytes), counter_(counter_start & 0xFFFFFF) {
  // nop
}

std::string object_id_generator::next(std::uint32_t epoch_seconds) {
  std::array<std::uint8_t, 12> raw{};
  raw[0] = static_cast<std::uint8_t>(epoch_seconds >> 24);
  raw[1] = static_cast<std::uint8_t>(epoch_seconds >> 16);
  raw[2] = static_cast<std::uint8_t>(epoch_seconds >> 8);
  raw[3] = static_cast<std::uint8_t>(epoch_seconds);
  for (size_t i = 0; i < 5; ++i)
    raw[4 + i] = process_[i];
  counter_ = (counter_ + 1) & 0xFFFFFF;
  raw[9] = static_cast<std::uint8_t>(counter_ >> 16);
  raw[10] = static_cast<std::uint8_t>(counter_ >> 8);
  raw[11] = static_cast<std::uint8_t>(counter_);
  return to_hex(raw.data(), raw.size());
}

std::uint32_t object_id_seconds(std::string_view id) {
  if (!is_object_id(id))
    return 0;
  std::uint32_t s = 0;
  for (size_t i = 0; i < 8; ++i)
    s = (s << 4) | static_cast<std::uint32_t>(hex_value(id[i]));
  return s;
}

}  // namespace integrator
