#pragma once

namespace rtm::cli {

// rtm replay FILE [--speed N | --max] [--json] [--no-progress]
int replay_command(int argc, char** argv);

}  // namespace rtm::cli
