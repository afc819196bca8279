#define BOOST_TEST_MODULE integrator_outbound_tests
#include <boost/test/unit_test.hpp>
