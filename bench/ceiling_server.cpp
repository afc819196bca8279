// The ceiling of the API benchmark: a bare Boost.Beast HTTP/1.1 server that
// answers every request with a constant 200 and a small JSON body, on the
// same number of threads as integratord. Whatever integratord does per
// request is measured against this.
//
// usage: ceiling_server PORT [THREADS]   (prints "ready" when listening)

#include <cstdlib>
#include <iostream>

#include "bench/beast_serve.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: ceiling_server PORT [THREADS]\n";
    return 2;
  }
  auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  return bench::serve(port, threads, [](bench::request&, bench::response& res) {
    res.body() = R"({"_userId":"000000000000000000000000","scope":"full"})";
  });
}
