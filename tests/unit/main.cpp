#define BOOST_TEST_MODULE integrator_unit_tests
#include <boost/test/unit_test.hpp>
