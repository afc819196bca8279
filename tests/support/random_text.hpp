#pragma once
// Random text for the tests that hold a scan against a parser: short runs
// of what troubles a scanner (quotes, backslashes, brackets, separators,
// non-ASCII, newlines) and JSON whitespace, from a seeded generator so a
// failure repeats.

#include <cstddef>
#include <random>
#include <string>
#include <vector>

namespace integrator::test {

class random_text {
public:
  /// `word`: a plain piece mixed in with the troublesome ones.
  random_text(unsigned seed, std::string word)
      : rng_(seed), pieces_{"a", std::move(word), "\"", "\\", "{", "}", "[", "]", ":", ",", " ", "é", "\n"} {}

  /// 0 … n-1.
  int pick(int n) { return static_cast<int>(rng_() % static_cast<unsigned>(n)); }

  /// Fewer than `most` pieces.
  std::string text(int most) {
    std::string t;
    for (int i = pick(most); i > 0; --i)
      t += pieces_[static_cast<std::size_t>(pick(static_cast<int>(pieces_.size())))];
    return t;
  }

  /// 0–2 characters of one kind of JSON whitespace.
  std::string space() { return std::string(static_cast<std::size_t>(pick(3)), " \n\t"[pick(3)]); }

private:
  std::mt19937 rng_;
  std::vector<std::string> pieces_;
};

}  // namespace integrator::test
