#pragma once

namespace rtm::cli {

// rtm run: the whole stack in one process (see --help).
int run_command(int argc, char** argv);

}  // namespace rtm::cli
