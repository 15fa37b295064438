#pragma once

namespace rtm::cli {

// rtm aggregate [--interval 1m[,5m..]] [--nbbo] [--open] [--lateness D] FILE
int aggregate_command(int argc, char** argv);

}  // namespace rtm::cli
