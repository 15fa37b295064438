#pragma once

namespace rtm::cli {

// rtm record --out FILE [options]: venue frames to a capture file.
int record_command(int argc, char** argv);

}  // namespace rtm::cli
