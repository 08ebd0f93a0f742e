# The release packages for the tests: cpack into OUT (a fresh folder).
# cmake -P with CPACK (cpack), CONFIG (build/CPackConfig.cmake), OUT.
file(REMOVE_RECURSE ${OUT})
execute_process(COMMAND ${CPACK} --config ${CONFIG} -B ${OUT} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "cpack --config ${CONFIG} failed (${result})")
endif()
file(GLOB made ${OUT}/*.tar.gz ${OUT}/*.deb)
message(STATUS "release packages: ${made}")
