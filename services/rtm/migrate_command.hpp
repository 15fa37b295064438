#pragma once

namespace rtm::cli {

// rtm migrate --database URL: brings the history schema to this version's.
int migrate_command(int argc, char** argv);

}  // namespace rtm::cli
