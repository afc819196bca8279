#define BOOST_TEST_MODULE integrator_actors_tests
#include <boost/test/unit_test.hpp>
