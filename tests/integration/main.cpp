#define BOOST_TEST_MODULE integrator_integration_tests
#include <boost/test/unit_test.hpp>
