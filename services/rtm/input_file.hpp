#pragma once

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

namespace rtm::cli {

// The input a tool reads: the file at `path`, opened into `file`, or
// standard input when the path is empty. nullptr, after saying so on stderr
// in the tool's name, when the file cannot be read.
inline std::istream* open_input(const std::string& path, std::ifstream& file, const char* tool) {
  if (path.empty()) return &std::cin;
  file.open(path);
  if (!file) {
    std::fprintf(stderr, "%s: cannot read %s\n", tool, path.c_str());
    return nullptr;
  }
  return &file;
}

}  // namespace rtm::cli
