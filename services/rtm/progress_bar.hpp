#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace rtm::cli {

// A one-line progress bar on stderr, redrawn at most ten times a second, and
// only when stderr is a terminal (piped output stays clean).
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // fraction in [0, 1]; text follows the bar.
  void update(double fraction, const std::string& text);
  // Clears the bar's line, so what follows starts on a clean line.
  void finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace rtm::cli
