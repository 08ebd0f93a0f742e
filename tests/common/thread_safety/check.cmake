# Proves clang's thread-safety analysis is on and sees pd/thread_annotations.h:
# guarded.cpp must compile with -Wthread-safety -Werror=thread-safety, and
# unguarded.cpp must fail with a thread-safety error on each line it marks.
#   cmake -DCXX=<clang++> -DINCLUDE=<common/include> -DDIR=<this folder> -P check.cmake
# Without a clang++ it says so (the test's SKIP_REGULAR_EXPRESSION) and passes.
if(NOT CXX)
  message("no clang++ on this machine: the thread-safety analysis cannot be checked")
  return()
endif()
set(flags -std=c++20 -fsyntax-only -Wthread-safety -Werror=thread-safety -I${INCLUDE})

execute_process(COMMAND ${CXX} ${flags} ${DIR}/guarded.cpp
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "guarded.cpp (correct locking) did not compile:\n${out}")
endif()
message(STATUS "guarded.cpp compiles")

execute_process(COMMAND ${CXX} ${flags} ${DIR}/unguarded.cpp
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "unguarded.cpp compiled: the thread-safety analysis is off\n${out}")
endif()
file(STRINGS ${DIR}/unguarded.cpp lines)
set(line_no 0)
set(marked 0)
foreach(line IN LISTS lines)
  math(EXPR line_no "${line_no} + 1")
  if(line MATCHES "[^ ].*// THREAD-SAFETY-ERROR:")
    math(EXPR marked "${marked} + 1")
    if(NOT out MATCHES "unguarded\\.cpp:${line_no}:[0-9]+: error: [^\n]*\\[-Werror,-Wthread-safety")
      message(FATAL_ERROR "unguarded.cpp:${line_no}: no thread-safety error reported:\n${out}")
    endif()
  endif()
endforeach()
if(marked EQUAL 0)
  message(FATAL_ERROR "unguarded.cpp marks no line")
endif()
message(STATUS "unguarded.cpp fails with a thread-safety error on each of its ${marked} marked lines")
