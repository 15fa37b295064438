#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace rtm::services {

// Whether argv[0, argc) asks for --help (or -h): checked before anything
// else is read, so that help never depends on the other options.
bool wants_help(int argc, char** argv);

// "a,b,,c" -> {a, b, c}: the lists options take.
std::vector<std::string> split_list(const std::string& list);

// Moves the flags named in `valued` (with their values) and in `bare` out of
// argv into the returned list, leaving the rest in argv[0, argc): so that a
// command can read its own options and hand the others to the next parser.
std::vector<char*> split_flags(int& argc, char** argv, std::initializer_list<std::string_view> valued,
                               std::initializer_list<std::string_view> bare = {});

}  // namespace rtm::services
