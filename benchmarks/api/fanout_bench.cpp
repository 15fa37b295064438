// The WebSocket fan-out benchmark's load generator. For each server in turn
// (rtm's API hub, then a websocketpp broadcast server; see fanout_common.hpp
// for what they share) it starts the server as a child process, connects
// N clients on rtm's own Beast client (libs/net), subscribes each to one
// instrument's trades, has the server send M trades at a steady rate, and
// counts the trades that reach the clients. The score is trades delivered
// per CPU-second the server process spent (user and system time, from
// /proc) while sending them: what a broadcast costs the server, whatever
// the load generator's own speed. Rounds alternate between the servers;
// medians are reported with their ratio, and with --summary the comparison
// is added to make bench's summary.json.
//
//   rtm_api_fanout_bench [--clients 1000] [--messages 1000] [--rate 200] [--rounds 3] [--summary FILE]
//                        [--require-all]
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_summary_entry.hpp"
#include "fanout_common.hpp"
#include "rtm/net/event_loop.hpp"
#include "rtm/net/websocket_client.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Settings {
  std::size_t clients = 1000;
  std::uint64_t messages = 1000;
  double rate = 200;
  int rounds = 3;
  std::string summary;
  bool require_all = false;  // fail unless every trade reached every client (the smoke test)
};

// A server started with pipes on its standard input and output.
class ServerProcess {
 public:
  explicit ServerProcess(const std::string& path) {
    int to_child[2];
    int from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(to_child[0], STDIN_FILENO);
      dup2(from_child[1], STDOUT_FILENO);
      close(to_child[1]);
      close(from_child[0]);
      execl(path.c_str(), path.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    input_ = to_child[1];
    output_ = fdopen(from_child[0], "r");
  }
  ~ServerProcess() {
    if (input_ >= 0) close(input_);
    const auto deadline = Clock::now() + 10s;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (Clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(10ms);
    }
    if (output_ != nullptr) fclose(output_);
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // A line of the server's output, without its newline; nullopt at its end.
  std::optional<std::string> read_line() {
    char line[256];
    if (fgets(line, sizeof(line), output_) == nullptr) return std::nullopt;
    std::string text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
  }
  void write_line(const std::string& line) {
    const std::string text = line + "\n";
    if (write(input_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
      throw std::runtime_error("could not write to the server");
    }
  }
  // User and system CPU time the process has spent, in seconds.
  [[nodiscard]] double cpu_seconds() const {
    std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
    std::string text;
    std::getline(stat, text);
    // Fields after the command's closing parenthesis: state is the 3rd field,
    // utime the 14th and stime the 15th.
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    unsigned long long user = 0;
    unsigned long long system = 0;
    for (int index = 3; index <= 15 && fields >> field; ++index) {
      if (index == 14) user = std::stoull(field);
      if (index == 15) system = std::stoull(field);
    }
    return static_cast<double>(user + system) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }

 private:
  pid_t pid_ = -1;
  int input_ = -1;
  FILE* output_ = nullptr;
};

struct RoundResult {
  std::uint64_t delivered = 0;
  std::uint64_t expected = 0;
  double server_cpu = 0;
  double seconds = 0;
  [[nodiscard]] double per_cpu_second() const { return server_cpu > 0 ? static_cast<double>(delivered) / server_cpu : 0; }
};

template <class Predicate>
bool wait_for(Predicate done, Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

RoundResult run_round(const std::string& server_path, const Settings& settings) {
  ServerProcess server(server_path);
  const std::optional<std::string> port = server.read_line();
  if (!port) throw std::runtime_error(server_path + " did not start");

  std::atomic<std::uint64_t> subscribed{0};
  std::atomic<std::uint64_t> delivered{0};
  rtm::net::EventLoop loop;
  std::vector<std::unique_ptr<rtm::net::WebSocketClient>> clients;
  clients.reserve(settings.clients);
  for (std::size_t i = 0; i < settings.clients; ++i) {
    rtm::net::WebSocketOptions options;
    options.url = "ws://127.0.0.1:" + *port + "/ws";
    options.read_timeout = 300s;
    options.ping_interval = 120s;
    auto client = std::make_unique<rtm::net::WebSocketClient>(loop, options);
    rtm::net::WebSocketClient* raw = client.get();
    client->on_open([raw] { raw->send(rtm::bench::kFanoutSubscribe); });
    client->on_message([&](std::string_view text, std::int64_t) {
      if (text.find(R"("type":"trade")") != std::string_view::npos) {
        delivered.fetch_add(1, std::memory_order_relaxed);
      } else if (text.find(R"("type":"subscribed")") != std::string_view::npos) {
        subscribed.fetch_add(1, std::memory_order_relaxed);
      }
    });
    clients.push_back(std::move(client));
  }
  loop.start();
  for (auto& client : clients) client->start();
  if (!wait_for([&] { return subscribed.load() >= settings.clients; }, 120s)) {
    std::uint64_t connects = 0;
    std::uint64_t failures = 0;
    for (const auto& client : clients) {
      connects += client->counters().connects.load();
      failures += client->counters().connect_failures.load();
    }
    throw std::runtime_error("only " + std::to_string(subscribed.load()) + " of " +
                             std::to_string(settings.clients) + " clients subscribed (" + std::to_string(connects) +
                             " connections made, " + std::to_string(failures) + " failed)");
  }

  RoundResult result;
  result.expected = settings.messages * settings.clients;
  const double cpu_before = server.cpu_seconds();
  const auto started = Clock::now();
  server.write_line("send " + std::to_string(settings.messages) + " " + std::to_string(settings.rate));
  const std::optional<std::string> sent = server.read_line();
  if (!sent || sent->rfind("sent", 0) != 0) throw std::runtime_error("the server did not send: " + sent.value_or(""));
  // The last trades are still on their way: wait until every one arrived,
  // or nothing more has for a second.
  std::uint64_t seen = delivered.load();
  auto last_progress = Clock::now();
  while (delivered.load() < result.expected && Clock::now() - last_progress < 1s) {
    std::this_thread::sleep_for(5ms);
    if (const std::uint64_t now = delivered.load(); now != seen) {
      seen = now;
      last_progress = Clock::now();
    }
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  result.server_cpu = server.cpu_seconds() - cpu_before;
  result.delivered = delivered.load();

  for (auto& client : clients) client->stop();
  loop.stop();
  clients.clear();
  return result;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

std::optional<Settings> parse(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--require-all") {
      settings.require_all = true;
      continue;
    }
    if (i + 1 >= argc) return std::nullopt;
    const std::string value = argv[++i];
    if (flag == "--clients") {
      settings.clients = std::stoul(value);
    } else if (flag == "--messages") {
      settings.messages = std::stoull(value);
    } else if (flag == "--rate") {
      settings.rate = std::stod(value);
    } else if (flag == "--rounds") {
      settings.rounds = std::stoi(value);
    } else if (flag == "--summary") {
      settings.summary = value;
    } else {
      return std::nullopt;
    }
  }
  if (settings.clients == 0 || settings.messages == 0 || settings.rate <= 0 || settings.rounds <= 0) {
    return std::nullopt;
  }
  return settings;
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Settings> settings = parse(argc, argv);
  if (!settings) {
    std::fprintf(stderr,
                 "usage: rtm_api_fanout_bench [--clients N] [--messages M] [--rate PER_SECOND] [--rounds K] "
                 "[--summary FILE] [--require-all]\n");
    return 2;
  }
  rtm::bench::raise_descriptor_limit();
  signal(SIGPIPE, SIG_IGN);
  const std::filesystem::path here = std::filesystem::canonical("/proc/self/exe").parent_path();
  const struct {
    const char* name;
    std::filesystem::path path;
  } servers[] = {{"rtm", here / "rtm_api_fanout_server_rtm"},
                 {"websocketpp", here / "rtm_api_fanout_server_websocketpp"}};
  std::vector<double> rates[2];
  try {
    for (int round = 0; round < settings->rounds; ++round) {
      for (int s = 0; s < 2; ++s) {
        const RoundResult result = run_round(servers[s].path.string(), *settings);
        std::printf("%-12s round %d: %llu of %llu trades delivered in %.2f s, server CPU %.2f s: %.0f per CPU-second\n",
                    servers[s].name, round + 1, static_cast<unsigned long long>(result.delivered),
                    static_cast<unsigned long long>(result.expected), result.seconds, result.server_cpu,
                    result.per_cpu_second());
        std::fflush(stdout);
        rates[s].push_back(result.per_cpu_second());
        if (settings->require_all && result.delivered != result.expected) {
          std::fprintf(stderr, "rtm_api_fanout_bench: %s lost trades\n", servers[s].name);
          return 1;
        }
      }
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "rtm_api_fanout_bench: %s\n", error.what());
    return 2;
  }
  const double ours = median(rates[0]);
  const double theirs = median(rates[1]);
  const double ratio = theirs > 0 ? ours / theirs : 0;
  std::printf(
      "WebSocket fan-out to %zu clients: rtm %.0f trades delivered per server CPU-second, websocketpp %.0f; "
      "ratio %.2f (goal 1.00) %s\n",
      settings->clients, ours, theirs, ratio, ratio >= 1.0 ? "met" : "MISSED");
  if (!settings->summary.empty()) {
    rtm::bench::add_summary_entry(settings->summary,
                                  {.name = "ws_fanout_vs_websocketpp",
                                   .ours = ours,
                                   .baseline = theirs,
                                   .baseline_name = "a websocketpp broadcast server sending the same trades to the "
                                                    "same " + std::to_string(settings->clients) + " clients",
                                   .unit = "trades delivered per server CPU-second",
                                   .goal = 1.0});
  }
  return 0;
}
