# RTM_SANITIZERS applies to every target, third-party code compiled here
# included, so that instrumented and uninstrumented code never mix.
if(RTM_SANITIZERS)
  set(flags "")
  foreach(sanitizer IN LISTS RTM_SANITIZERS)
    if(NOT sanitizer MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "Unknown sanitizer '${sanitizer}' in RTM_SANITIZERS")
    endif()
    list(APPEND flags -fsanitize=${sanitizer})
  endforeach()
  if("thread" IN_LIST RTM_SANITIZERS AND "address" IN_LIST RTM_SANITIZERS)
    message(FATAL_ERROR "ThreadSanitizer cannot be combined with AddressSanitizer")
  endif()
  # Abort on the first UBSan report so that a test fails instead of printing.
  list(APPEND flags -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_compile_options(${flags})
  add_link_options(${flags})
endif()
