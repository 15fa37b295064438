#pragma once

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace rtm::services {

// Reads one option from its flag (--name value) if given, else from its
// environment variable (RTM_NAME), and checks it; the value stays at its
// default when neither is set. Complains on stderr, naming both, on a bad
// value.
class OptionReader {
 public:
  OptionReader(const char* program, int argc, char** argv) : program_(program), argc_(argc), argv_(argv) {}

  template <class T, class Valid>
  bool read(std::string_view flag, const char* variable, T& out, Valid valid) {
    std::optional<std::string_view> text;
    for (int i = 0; i + 1 < argc_; ++i) {
      if (argv_[i] == flag) text = argv_[i + 1];
    }
    if (!text) {
      // Read at startup, before any thread exists.
      const char* value = std::getenv(variable);  // NOLINT(concurrency-mt-unsafe)
      if (value != nullptr && *value != '\0') text = value;
    }
    if (!text) return true;
    bool ok = false;
    if constexpr (std::is_same_v<T, std::string>) {
      out = std::string(*text);
      ok = true;
    } else {
      const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), out);
      ok = error == std::errc() && end == text->data() + text->size();
    }
    if (!ok || !valid(out)) {
      std::fprintf(stderr, "%s: bad value '%.*s' for %.*s (%s)\n", program_, static_cast<int>(text->size()),
                   text->data(), static_cast<int>(flag.size()), flag.data(), variable);
      return false;
    }
    return true;
  }

 private:
  const char* program_;
  int argc_;
  char** argv_;
};

}  // namespace rtm::services
