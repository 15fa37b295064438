#pragma once

namespace rtm::common {

// Sets glibc's allocator for a long-running server; every rtm binary calls
// it first thing. By default glibc hands the free memory at the top of a
// heap back to the kernel on nearly every free() past 128 KiB, so a server
// that builds a large answer per request (a page of 1,000 bars is 340 KB)
// takes its pages back, zeroed, on the next request: page faults that cost
// more than writing the answer (on GET /v1/bars, 3.5x the requests a second
// once kept). Memory above the threshold is still returned, and blocks of
// 32 MiB and more are still mapped on their own. Does nothing where the C
// library is not glibc.
void tune_allocator_for_server() noexcept;

}  // namespace rtm::common
