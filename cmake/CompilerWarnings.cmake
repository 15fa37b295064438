# rtm_target_warnings(<target>): the warning set for rtm's own code. Third-party
# headers come in as SYSTEM includes, so their warnings stay out of our way.
function(rtm_target_warnings target)
  set(warnings
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual -Wcast-qual
    -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
    -Wmisleading-indentation)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    list(APPEND warnings -Wduplicated-cond -Wlogical-op)
  endif()
  if(RTM_WARNINGS_AS_ERRORS)
    list(APPEND warnings -Werror)
  endif()
  target_compile_options(${target} PRIVATE ${warnings})
endfunction()

# rtm_target_simd(<target>): simdjson's On-Demand parser is compiled into the
# caller and picks its kernel at compile time; without these flags x86-64
# gets the scalar fallback. SSE4.2 + PCLMUL (simdjson's "westmere" kernel)
# run on every x86-64 CPU of the last decade; -march=native builds (the bench
# preset) get the widest kernel the machine has.
function(rtm_target_simd target)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64" AND NOT CMAKE_CXX_FLAGS MATCHES "-march")
    target_compile_options(${target} PRIVATE -msse4.2 -mpclmul -mpopcnt)
  endif()
  # GCC 12 reports null dereferences inside simdjson's inlined iterators (and
  # a -Wrestrict false positive in std::string) once optimizing; neither is
  # in rtm's code.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-null-dereference -Wno-restrict)
  endif()
endfunction()
