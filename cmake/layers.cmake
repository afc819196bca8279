# integrator_layer(<target> FOLDER <dir> SOURCES <files…> [USES <targets…>]
#                  [INCLUDES <folders…>] [FORBIDS <header prefixes…>] [LIBS <…>])
#
# One architectural part = one static library. USES are the project layers
# it links (its link line, so a symbol from any other layer does not
# link); INCLUDES are the folders whose headers it may include, checked at
# build time by cmake/check_includes.cmake, which fails the build when a
# file includes a header from any other project folder or a FORBIDS prefix.
function(integrator_layer target)
  cmake_parse_arguments(L "" "FOLDER" "SOURCES;USES;INCLUDES;FORBIDS;LIBS" ${ARGN})
  add_library(${target} STATIC ${L_SOURCES})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${target} PUBLIC ${L_USES} ${L_LIBS})
  file(GLOB checked CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/${L_FOLDER}/*.cpp"
       "${PROJECT_SOURCE_DIR}/${L_FOLDER}/*.hpp")
  string(REPLACE "/" "_" stamp_name "${L_FOLDER}")
  # Lists travel as comma-separated words: a ';' would split the command.
  string(REPLACE ";" "," includes "${L_INCLUDES}")
  string(REPLACE ";" "," forbids "${L_FORBIDS}")
  set(stamp "${PROJECT_BINARY_DIR}/include_checks/${stamp_name}.ok")
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -DFOLDER=${L_FOLDER}
            "-DALLOWED=${includes}" "-DFORBIDDEN=${forbids}" -DSTAMP=${stamp}
            -P ${PROJECT_SOURCE_DIR}/cmake/check_includes.cmake
    DEPENDS ${checked} ${PROJECT_SOURCE_DIR}/cmake/check_includes.cmake
    COMMENT "Checking the include rules of ${L_FOLDER}/")
  add_custom_target(${target}_include_check DEPENDS ${stamp})
  add_dependencies(${target} ${target}_include_check)
endfunction()

# What no part of core/ may include: the actor runtime, the network and
# the disk (core is pure logic, see core/README.md).
set(INTEGRATOR_CORE_FORBIDS caf/ boost/beast boost/asio rocksdb/ curl/)
