#pragma once
// 24-hex ObjectIds, as integrator.io uses for every `_id`: 4 bytes of seconds
// since the epoch, 5 bytes identifying the process, 3 bytes of a counter.
// Time-ordered, so a key scan in id order is creation order.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace integrator {

/// True when `s` is exactly 24 lowercase or uppercase hex digits.
bool is_object_id(std::string_view s);

/// Makes ids; the caller supplies the process identity and the time, so the
/// generator itself holds no clock or random source.
class object_id_generator {
public:
  /// `process_bytes` identifies this process (random at start-up);
  /// `counter_start` is where the 24-bit counter begins.
  object_id_generator(std::array<std::uint8_t, 5> process_bytes, std::uint32_t counter_start);

  /// A new id for `epoch_seconds`. Ids from one generator never repeat
  /// within 2^24 ids per second.
  std::string next(std::uint32_t epoch_seconds);

private:
  std::array<std::uint8_t, 5> process_;
  std::uint32_t counter_;
};

/// The seconds encoded in an id (its first 8 hex digits); 0 if not an id.
std::uint32_t object_id_seconds(std::string_view id);

}  // namespace integrator
