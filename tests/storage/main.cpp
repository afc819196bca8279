#define BOOST_TEST_MODULE integrator_storage_tests
#include <boost/test/unit_test.hpp>
