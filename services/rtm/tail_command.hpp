#pragma once

namespace rtm::cli {

// rtm tail TOPIC --brokers ...: decodes a topic's records and prints them
// as JSON lines, as rtm normalize and rtm aggregate print them.
int tail_command(int argc, char** argv);

}  // namespace rtm::cli
