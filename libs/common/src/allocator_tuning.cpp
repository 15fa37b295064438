#include "rtm/common/allocator_tuning.hpp"

#include <cstdlib>  // for __GLIBC__, which <features.h> defines

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace rtm::common {

void tune_allocator_for_server() noexcept {
#if defined(__GLIBC__)
  constexpr int kMiB = 1024 * 1024;
  // Setting any of these fixes glibc's sliding mmap threshold, which would
  // otherwise have grown to 32 MiB: it is set there.
  mallopt(M_MMAP_THRESHOLD, 32 * kMiB);
  mallopt(M_TRIM_THRESHOLD, 64 * kMiB);
  mallopt(M_TOP_PAD, 4 * kMiB);
#endif
}

}  // namespace rtm::common
