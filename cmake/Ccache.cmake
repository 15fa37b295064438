# Use ccache for every compile when it is installed: rebuilds on 2 cores are
# otherwise slow enough to discourage running the tests.
find_program(RTM_CCACHE ccache)
if(RTM_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${RTM_CCACHE}")
endif()
